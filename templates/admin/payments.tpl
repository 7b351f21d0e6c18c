{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>Payments</h1>
{{#NOTICE}}<div class="alert alert-ok" role="status"><p>{{TEXT}}</p></div>{{/NOTICE}}
{{#ERROR}}<div class="alert alert-error" role="alert"><p>{{MSG}}</p></div>{{/ERROR}}
<section class="card"><h2>Record a payment</h2>
<form method="post" action="/admin/payments" class="grid-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#BAD_INVOICE}} invalid{{/BAD_INVOICE}}"><label for="invoice">Invoice</label>
<div class="control"><input id="invoice" name="invoice" type="text" value="{{V_INVOICE}}" placeholder="INV-2026-000001" maxlength="24" spellcheck="false"{{#E_INVOICE}} aria-describedby="e-invoice"{{/E_INVOICE}}></div>
{{#E_INVOICE}}<p class="error" id="e-invoice">{{MSG}}</p>{{/E_INVOICE}}</div>
<div class="field{{#BAD_AMOUNT}} invalid{{/BAD_AMOUNT}}"><label for="amount">Amount <span class="unit">(in the invoice's currency)</span></label>
<div class="control"><input id="amount" name="amount" type="text" inputmode="decimal" value="{{V_AMOUNT}}" placeholder="12.34" maxlength="24"{{#E_AMOUNT}} aria-describedby="e-amount"{{/E_AMOUNT}}></div>
{{#E_AMOUNT}}<p class="error" id="e-amount">{{MSG}}</p>{{/E_AMOUNT}}</div>
<div class="field{{#BAD_DATE}} invalid{{/BAD_DATE}}"><label for="date">Date received</label>
<div class="control"><input id="date" name="date" type="text" value="{{V_DATE}}" placeholder="YYYY-MM-DD" maxlength="10"{{#E_DATE}} aria-describedby="e-date"{{/E_DATE}}></div>
{{#E_DATE}}<p class="error" id="e-date">{{MSG}}</p>{{/E_DATE}}</div>
<div class="field{{#BAD_REFERENCE}} invalid{{/BAD_REFERENCE}}"><label for="reference">Reference</label>
<div class="control"><input id="reference" name="reference" type="text" value="{{V_REFERENCE}}" maxlength="128"{{#E_REFERENCE}} aria-describedby="e-reference"{{/E_REFERENCE}}></div>
{{#E_REFERENCE}}<p class="error" id="e-reference">{{MSG}}</p>{{/E_REFERENCE}}</div>
<div class="field"><button type="submit" class="primary">Record payment</button></div>
</form></section>
<section class="card"><h2>Recent payments</h2>
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">Date</th><th scope="col">Invoice</th><th scope="col">Reference</th><th scope="col">Recorded by</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
{{#DOC}}<tr><td class="nowrap">{{AT}}</td><td><a href="/admin/invoices/{{INVOICE}}">{{INVOICE}}</a></td><td class="wrap">{{TEXT}}</td><td>{{ACTOR}}</td><td class="num">{{AMOUNT}}</td></tr>
{{/DOC}}
</tbody></table></div>
{{#NO_DOCS}}<p class="empty">No payments yet.</p>{{/NO_DOCS}}
{{#PAGER}}<nav class="pager" aria-label="Pages">{{#PREV}}<a href="{{URL}}" rel="prev">← Previous</a>{{/PREV}} <span>Page {{PAGE}} of {{PAGES}}</span> {{#NEXT}}<a href="{{URL}}" rel="next">Next →</a>{{/NEXT}}</nav>{{/PAGER}}
</section>
{{>FOOTER}}
