{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="/admin/debit-notes">Debit notes</a> ›</p>
<div class="dash-head"><h1>Debit note {{NUMBER}} <span class="state state-{{STATUS}}">{{STATUS}}</span></h1><a class="button secondary" href="/admin/debit-notes/{{NUMBER}}.pdf" id="invoice-pdf">PDF</a></div>
{{#NOTICE}}<div class="alert alert-ok" role="status"><p>{{TEXT}}</p></div>{{/NOTICE}}
{{#ERROR}}<div class="alert alert-error" role="alert"><p>{{MSG}}</p></div>{{/ERROR}}
<div class="cards">
<section class="card"><h2>Summary</h2><dl class="facts">
<dt>Invoice</dt><dd><a href="/admin/invoices/{{INVOICE}}">{{INVOICE}}</a></dd>
<dt>Period</dt><dd>{{PERIOD}}</dd><dt>Issued</dt><dd>{{ISSUED}}</dd><dt>Due</dt><dd>{{DUE}}</dd>
<dt>Reason</dt><dd id="reason">{{REASON}}</dd>
<dt>Subtotal</dt><dd class="amount">{{SUBTOTAL}}</dd><dt>Tax</dt><dd class="amount">{{TAX}}</dd>
<dt>Total</dt><dd class="amount"><strong>{{TOTAL}}</strong></dd>
<dt>Paid</dt><dd class="amount">{{PAID}}</dd>
<dt>Open</dt><dd class="amount"><strong id="balance">{{BALANCE}}</strong></dd>
</dl></section>
<section class="card"><h2>Payments</h2>
{{#NO_PAYMENTS}}<p class="empty">No payments yet.</p>{{/NO_PAYMENTS}}
<div class="table-wrap"><table class="data compact"><tbody>
{{#PAYMENT}}<tr><td>{{DATE}}</td><td class="num">{{AMOUNT}}</td><td class="wrap">{{REFERENCE}}</td></tr>{{/PAYMENT}}
</tbody></table></div>
<h3>Record a payment</h3>
<form method="post" action="/admin/debit-notes/{{NUMBER}}/payments" class="stack">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#BAD_AMOUNT}} invalid{{/BAD_AMOUNT}}"><label for="p-amount">Amount <span class="unit">({{CURRENCY}}; negative for a reversal)</span></label>
<div class="control"><input id="p-amount" name="amount" type="text" inputmode="decimal" value="{{V_AMOUNT}}" maxlength="24"{{#E_AMOUNT}} aria-describedby="e-amount"{{/E_AMOUNT}}><span class="suffix">{{CURRENCY}}</span></div>
{{#E_AMOUNT}}<p class="error" id="e-amount">{{MSG}}</p>{{/E_AMOUNT}}</div>
<div class="field{{#BAD_DATE}} invalid{{/BAD_DATE}}"><label for="p-date">Date received</label>
<div class="control"><input id="p-date" name="date" type="text" value="{{V_DATE}}" placeholder="YYYY-MM-DD" maxlength="10"{{#E_DATE}} aria-describedby="e-date"{{/E_DATE}}></div>
{{#E_DATE}}<p class="error" id="e-date">{{MSG}}</p>{{/E_DATE}}</div>
<div class="field{{#BAD_REFERENCE}} invalid{{/BAD_REFERENCE}}"><label for="p-reference">Reference</label>
<div class="control"><input id="p-reference" name="reference" type="text" value="{{V_REFERENCE}}" maxlength="128"{{#E_REFERENCE}} aria-describedby="e-reference"{{/E_REFERENCE}}></div>
{{#E_REFERENCE}}<p class="error" id="e-reference">{{MSG}}</p>{{/E_REFERENCE}}</div>
<div class="actions"><button type="submit" class="primary">Record payment</button></div>
</form></section>
</div>
<section class="card"><h2>Lines: the difference</h2>
<div class="table-wrap"><table class="data" id="dn-lines">
<thead><tr><th scope="col">VE</th><th scope="col">Resource</th><th scope="col" class="num">Invoiced</th><th scope="col" class="num">Now</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
{{#LINE}}<tr><td><a class="mono" href="/admin/ves/{{VE_ID}}">{{VE_ID}}</a></td><td>{{RESOURCE}}</td><td class="num">{{BEFORE}} {{UNIT}}</td><td class="num">{{AFTER}} {{UNIT}}</td><td class="num">{{AMOUNT}}</td></tr>
{{/LINE}}
</tbody></table></div></section>
{{>FOOTER}}
