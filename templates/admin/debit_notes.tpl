{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>Debit notes</h1>
<section class="card">
<p class="muted small">{{TOTAL}} debit note(s). The invoice runs and billingd issue one when usage of an invoiced month is stored late, for exactly the difference; a late correction downwards is a credit note.</p>
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">Number</th><th scope="col">Invoice</th><th scope="col">Period</th><th scope="col">Issued</th><th scope="col">Due</th><th scope="col">Reason</th><th scope="col">By</th><th scope="col" class="num">Total</th><th scope="col" class="num">Open</th><th scope="col">Status</th></tr></thead>
<tbody>
{{#DOC}}<tr><th scope="row"><a href="/admin/debit-notes/{{NUMBER}}">{{NUMBER}}</a></th><td><a href="/admin/invoices/{{INVOICE}}">{{INVOICE}}</a></td><td>{{PERIOD}}</td><td class="nowrap">{{AT}}</td><td class="nowrap">{{DUE}}</td><td class="wrap">{{TEXT}}</td><td>{{ACTOR}}</td><td class="num">{{AMOUNT}}</td><td class="num">{{BALANCE}}</td><td><span class="state state-{{STATUS}}">{{STATUS}}</span></td></tr>
{{/DOC}}
</tbody></table></div>
{{#NO_DOCS}}<p class="empty">No debit notes yet.</p>{{/NO_DOCS}}
{{#PAGER}}<nav class="pager" aria-label="Pages">{{#PREV}}<a href="{{URL}}" rel="prev">← Previous</a>{{/PREV}} <span>Page {{PAGE}} of {{PAGES}}</span> {{#NEXT}}<a href="{{URL}}" rel="next">Next →</a>{{/NEXT}}</nav>{{/PAGER}}
</section>
{{>FOOTER}}
