{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>Credit notes</h1>
<section class="card">
<p class="muted small">{{TOTAL}} credit note(s). Issue one from its invoice's page.</p>
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">Number</th><th scope="col">Invoice</th><th scope="col">Issued</th><th scope="col">Reason</th><th scope="col">By</th><th scope="col" class="num">Total</th></tr></thead>
<tbody>
{{#DOC}}<tr><th scope="row">{{NUMBER}}</th><td><a href="/admin/invoices/{{INVOICE}}">{{INVOICE}}</a></td><td class="nowrap">{{AT}}</td><td class="wrap">{{TEXT}}</td><td>{{ACTOR}}</td><td class="num">{{AMOUNT}}</td></tr>
{{/DOC}}
</tbody></table></div>
{{#NO_DOCS}}<p class="empty">No credit notes yet.</p>{{/NO_DOCS}}
{{#PAGER}}<nav class="pager" aria-label="Pages">{{#PREV}}<a href="{{URL}}" rel="prev">← Previous</a>{{/PREV}} <span>Page {{PAGE}} of {{PAGES}}</span> {{#NEXT}}<a href="{{URL}}" rel="next">Next →</a>{{/NEXT}}</nav>{{/PAGER}}
</section>
{{>FOOTER}}
