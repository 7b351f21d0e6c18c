{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>Tax</h1>
{{#NOTICE}}<div class="alert alert-ok" role="status"><p>{{TEXT}}</p></div>{{/NOTICE}}
{{#ERROR}}<div class="alert alert-error" role="alert"><p>{{MSG}}</p></div>{{/ERROR}}
{{#ONE}}<section class="card"><h2>Account {{ID}} <span class="muted small">{{EMAIL}}</span></h2>
<p>Now: <strong>{{RATE}}</strong>, {{SCHEME}}. {{NOTE}}</p>
<form method="post" action="/admin/tax/{{ID}}" class="stack">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#BAD_NAME}} invalid{{/BAD_NAME}}"><label for="name">Name</label>
<div class="control"><input id="name" name="name" type="text" value="{{V_NAME}}" maxlength="128" autocomplete="off"{{#E_NAME}} aria-describedby="e-name"{{/E_NAME}}></div>
{{#E_NAME}}<p class="error" id="e-name">{{MSG}}</p>{{/E_NAME}}</div>
<div class="field{{#BAD_COMPANY}} invalid{{/BAD_COMPANY}}"><label for="company">Company</label>
<div class="control"><input id="company" name="company" type="text" value="{{V_COMPANY}}" maxlength="128" autocomplete="off"{{#E_COMPANY}} aria-describedby="e-company"{{/E_COMPANY}}></div>
{{#E_COMPANY}}<p class="error" id="e-company">{{MSG}}</p>{{/E_COMPANY}}</div>
<div class="field{{#BAD_ADDRESS}} invalid{{/BAD_ADDRESS}}"><label for="address">Postal address</label>
<div class="control"><textarea id="address" name="address" rows="3" maxlength="512"{{#E_ADDRESS}} aria-describedby="e-address"{{/E_ADDRESS}}>{{V_ADDRESS}}</textarea></div>
{{#E_ADDRESS}}<p class="error" id="e-address">{{MSG}}</p>{{/E_ADDRESS}}</div>
<div class="field{{#BAD_COUNTRY}} invalid{{/BAD_COUNTRY}}"><label for="country">Country</label>
<div class="control"><input id="country" name="country" type="text" value="{{V_COUNTRY}}" maxlength="2" size="3" spellcheck="false" autocomplete="off" aria-describedby="country-help{{#E_COUNTRY}} e-country{{/E_COUNTRY}}"></div>
<p class="help" id="country-help">Two letters (ISO 3166), such as DE; it chooses the rate from the list below when the rate is auto.</p>
{{#E_COUNTRY}}<p class="error" id="e-country">{{MSG}}</p>{{/E_COUNTRY}}</div>
<div class="field{{#BAD_VAT_ID}} invalid{{/BAD_VAT_ID}}"><label for="vat_id">VAT id</label>
<div class="control"><input id="vat_id" name="vat_id" type="text" value="{{V_VAT_ID}}" maxlength="24" spellcheck="false" autocomplete="off" aria-describedby="vat-help{{#E_VAT_ID}} e-vat_id{{/E_VAT_ID}}"></div>
<p class="help" id="vat-help">Checked for its state's format only (no online lookup). A VAT id of another EU state than ours is reverse-charged: rate 0, the buyer accounts for the VAT.</p>
{{#E_VAT_ID}}<p class="error" id="e-vat_id">{{MSG}}</p>{{/E_VAT_ID}}</div>
<div class="field{{#BAD_TAX_BP}} invalid{{/BAD_TAX_BP}}"><label for="tax_bp">VAT rate</label>
<div class="control"><input id="tax_bp" name="tax_bp" type="text" value="{{V_TAX_BP}}" maxlength="5" size="6" spellcheck="false" autocomplete="off" aria-describedby="bp-help{{#E_TAX_BP}} e-tax_bp{{/E_TAX_BP}}"></div>
<p class="help" id="bp-help"><code>auto</code> (from the settings below, the country and the VAT id), or a fixed rate in basis points: 1900 is 19 %.</p>
{{#E_TAX_BP}}<p class="error" id="e-tax_bp">{{MSG}}</p>{{/E_TAX_BP}}</div>
<div class="actions"><button type="submit" class="primary">Save</button> <a href="/admin/tax">All accounts</a></div>
</form></section>{{/ONE}}
{{#DEFAULT}}<section class="card">
<form method="get" action="/admin/tax" class="filters" role="search">
<label for="q">Search</label> <input id="q" name="q" type="search" value="{{V_Q}}" maxlength="254">
<button type="submit" class="secondary">Search</button></form>
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">Account</th><th scope="col">E-mail</th><th scope="col">Buyer</th><th scope="col">Country</th><th scope="col">VAT id</th><th scope="col">Rate</th><th scope="col">Chosen</th></tr></thead>
<tbody>
{{#ACCOUNT}}<tr><th scope="row"><a href="/admin/tax/{{ID}}">#{{ID}}</a></th><td>{{EMAIL}}</td><td>{{COMPANY}} {{NAME}}</td><td>{{COUNTRY}}</td><td class="mono">{{VAT_ID}}</td>
<td class="num">{{RATE}}{{#REVERSE}} <span class="muted small">reverse charge</span>{{/REVERSE}}</td><td>{{MODE}}</td></tr>
{{/ACCOUNT}}
</tbody></table></div>
{{#NO_ACCOUNTS}}<p class="empty">No accounts match.</p>{{/NO_ACCOUNTS}}
<p class="muted small">Settings ([isp] in vepanel.conf): our country {{SELLER_COUNTRY}}; rates by the buyer's country {{RATES}}; otherwise {{RATE}}. New accounts get the automatic rate; the invoice run uses each account's rate and records the buyer on the invoice.</p>
</section>{{/DEFAULT}}
{{>FOOTER}}
