{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="/admin/invoices">Invoices</a> ›</p>
<div class="dash-head"><h1>Invoice {{NUMBER}} <span class="state state-{{STATUS}}">{{STATUS}}</span></h1><a class="button secondary" href="/admin/invoices/{{NUMBER}}/print">Print view</a> <a class="button secondary" href="/admin/invoices/{{NUMBER}}.pdf" id="invoice-pdf">PDF</a></div>
{{#NOTICE}}<div class="alert alert-ok" role="status"><p>{{TEXT}}</p></div>{{/NOTICE}}
{{#ERROR}}<div class="alert alert-error" role="alert"><p>{{MSG}}</p></div>{{/ERROR}}
<div class="cards">
<section class="card"><h2>Summary</h2><dl class="facts">
<dt>Customer</dt><dd>{{EMAIL}} <span class="muted">#{{ACCOUNT}}</span></dd>
<dt>Period</dt><dd>{{PERIOD}}</dd><dt>Issued</dt><dd>{{ISSUED}}</dd><dt>Due</dt><dd>{{DUE}}</dd>
<dt>Subtotal</dt><dd class="amount">{{SUBTOTAL}}</dd><dt>Tax ({{TAX_RATE}})</dt><dd class="amount">{{TAX}}</dd>
<dt>Total</dt><dd class="amount"><strong>{{TOTAL}}</strong></dd>
<dt>Credited</dt><dd class="amount">{{CREDITED}}</dd><dt>Paid</dt><dd class="amount">{{PAID}}</dd>
<dt>Open</dt><dd class="amount"><strong id="balance">{{BALANCE}}</strong></dd>
</dl></section>
<section class="card"><h2>Payments</h2>
{{#NO_PAYMENTS}}<p class="empty">No payments yet.</p>{{/NO_PAYMENTS}}
<div class="table-wrap"><table class="data compact"><tbody>
{{#PAYMENT}}<tr><td>{{DATE}}</td><td class="num">{{AMOUNT}}</td><td class="wrap">{{REFERENCE}}</td></tr>{{/PAYMENT}}
</tbody></table></div>
<h3>Record a payment</h3>
<form method="post" action="/admin/invoices/{{NUMBER}}/payments" class="stack">
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
<section class="card"><h2>Lines</h2>
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">VE</th><th scope="col">Kind</th><th scope="col">Resource</th><th scope="col" class="num">Quantity</th><th scope="col">Unit</th><th scope="col" class="num">Unit price</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
{{#LINE}}<tr><td><a class="mono" href="/admin/ves/{{VE_ID}}">{{VE_ID}}</a></td><td>{{KIND}}</td><td>{{RESOURCE}}</td><td class="num">{{QUANTITY}}</td><td>{{UNIT}}</td><td class="num">{{PRICE}}</td><td class="num">{{AMOUNT}}</td></tr>
{{/LINE}}
</tbody></table></div></section>
<section class="card"><h2>Credit notes</h2>
{{#NO_CNS}}<p class="empty">No credit notes.</p>{{/NO_CNS}}
{{#CN}}<h3><a href="/admin/credit-notes/{{NUMBER}}.pdf">{{NUMBER}}</a> <span class="muted small">{{ISSUED}}</span>{{#CN_LATE}} <span class="state">late usage</span>{{/CN_LATE}}</h3><p>{{REASON}} · <strong>{{TOTAL}}</strong></p>
<div class="table-wrap"><table class="data compact"><tbody>{{#CN_LINE}}<tr><td class="mono">{{VE_ID}}</td><td>{{RESOURCE}}</td><td class="wrap">{{DESCRIPTION}}</td><td class="num">{{AMOUNT}}</td></tr>{{/CN_LINE}}</tbody></table></div>{{/CN}}
{{#OPEN}}<h3>Issue a credit note</h3>
<form method="post" action="/admin/invoices/{{NUMBER}}/credit-notes" class="stack">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#BAD_REASON}} invalid{{/BAD_REASON}}"><label for="c-reason">Reason</label>
<div class="control"><input id="c-reason" name="reason" type="text" value="{{V_REASON}}" maxlength="255"{{#E_REASON}} aria-describedby="e-reason"{{/E_REASON}}></div>
{{#E_REASON}}<p class="error" id="e-reason">{{MSG}}</p>{{/E_REASON}}</div>
<div class="field{{#BAD_AMOUNT}} invalid{{/BAD_AMOUNT}}"><label for="c-amount">Amount to credit <span class="unit">(before tax)</span></label>
<div class="control"><input id="c-amount" name="amount" type="text" inputmode="decimal" value="{{V_AMOUNT}}" maxlength="24"><span class="suffix">{{CURRENCY}}</span></div></div>
<div class="field{{#BAD_RESOURCE}} invalid{{/BAD_RESOURCE}}"><label for="c-resource">For</label>
<div class="control"><select id="c-resource" name="resource">{{#RES_OPT}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{VALUE}}</option>{{/RES_OPT}}</select></div>
{{#E_RESOURCE}}<p class="error">{{MSG}}</p>{{/E_RESOURCE}}</div>
<div class="field{{#BAD_VE_ID}} invalid{{/BAD_VE_ID}}"><label for="c-ve">VE <span class="unit">(optional)</span></label>
<div class="control"><input id="c-ve" name="ve_id" type="text" value="{{V_VE_ID}}" maxlength="8" spellcheck="false"></div>
{{#E_VE_ID}}<p class="error">{{MSG}}</p>{{/E_VE_ID}}</div>
<div class="field{{#BAD_DESCRIPTION}} invalid{{/BAD_DESCRIPTION}}"><label for="c-description">Description <span class="unit">(optional)</span></label>
<div class="control"><input id="c-description" name="description" type="text" value="{{V_DESCRIPTION}}" maxlength="255"></div>
{{#E_DESCRIPTION}}<p class="error">{{MSG}}</p>{{/E_DESCRIPTION}}</div>
<div class="actions"><button type="submit" class="secondary">Issue credit note</button></div>
</form>{{/OPEN}}
</section>
<section class="card" id="debit-notes"><h2>Debit notes</h2>
<p class="muted small">Usage of this month stored after the invoice was issued, billed for exactly the difference (issued by the invoice runs and billingd); each is paid on its own.</p>
{{#NO_DNS}}<p class="empty">No debit notes.</p>{{/NO_DNS}}
{{#DN}}<h3><a href="/admin/debit-notes/{{NUMBER}}">{{NUMBER}}</a> <span class="muted small">{{ISSUED}}</span> <span class="state state-{{STATUS}}">{{STATUS}}</span></h3><p>{{REASON}} · <strong>{{TOTAL}}</strong> · open {{BALANCE}}</p>
<div class="table-wrap"><table class="data compact"><thead><tr><th scope="col">VE</th><th scope="col">Resource</th><th scope="col" class="num">Invoiced</th><th scope="col" class="num">Now</th><th scope="col" class="num">Amount</th></tr></thead><tbody>{{#DN_LINE}}<tr><td class="mono">{{VE_ID}}</td><td>{{RESOURCE}}</td><td class="num">{{BEFORE}} {{UNIT}}</td><td class="num">{{AFTER}} {{UNIT}}</td><td class="num">{{AMOUNT}}</td></tr>{{/DN_LINE}}</tbody></table></div>{{/DN}}
</section>
{{>FOOTER}}
