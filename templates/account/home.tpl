{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="hero dash-head">
<div>
<h1>My account</h1>
<p class="muted"><span id="account-email" class="wrap-any">{{EMAIL}}</span> · customer since {{SINCE}} · {{#VERIFIED}}<span class="badge" id="verified">address confirmed</span>{{/VERIFIED}}{{#UNVERIFIED}}<span class="badge badge-bad" id="unverified">address not confirmed</span>{{/UNVERIFIED}}</p>
</div>
<form method="post" action="/account/logout" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit" class="secondary">Log out</button>
</form>
</section>
{{#NOTICE}}<div class="alert alert-ok" role="status" id="account-notice"><p>{{MSG}}</p></div>{{/NOTICE}}
{{#ERROR}}<div class="alert alert-error" role="alert" id="account-error"><p>{{MSG}}</p></div>{{/ERROR}}
{{#UNVERIFIED}}<div class="alert alert-warn" role="status" id="verify-banner"><p><strong>Please confirm your e-mail address</strong> with the link we mailed to <span class="wrap-any">{{EMAIL}}</span>. Until then no VE can be ordered into this account or linked to it.</p>
<form method="post" action="/account/resend" class="inline"><input type="hidden" name="csrf" value="{{CSRF}}"><button type="submit" class="secondary" id="resend">Send the link again</button></form></div>{{/UNVERIFIED}}
<section class="card" aria-labelledby="h-ves">
<h2 id="h-ves">Your VEs</h2>
{{#NO_VES}}<p class="empty" id="no-ves">No VEs in this account yet.</p>{{/NO_VES}}
{{#HAS_VES}}<table class="data rt" id="ves">
<caption class="sr-only">The account's VEs and their charges this month</caption>
<thead><tr><th scope="col">VEid</th><th scope="col">Plan</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Data erased after</th><th scope="col" class="num">Charges this month</th></tr></thead>
<tbody>{{#VE}}<tr><td class="mono ve-id" data-label="VEid">{{VE_ID}}</td><td data-label="Plan">{{PLAN}}</td><td class="ve-state" data-label="State">{{STATE}}</td><td data-label="Created">{{CREATED}}</td><td data-label="Data erased after">{{EXPIRES}}</td><td class="num ve-charges" data-label="Charges this month">{{CHARGES}}</td></tr>{{/VE}}</tbody>
<tfoot>{{#TOTAL}}<tr class="grand"><th scope="row" colspan="5">This month so far, all VEs</th><td class="num month-total">{{AMOUNT}}</td></tr>{{/TOTAL}}</tfoot>
</table>{{/HAS_VES}}
<p class="muted small">Each VE's own screen (<a href="/self">My VE</a>, with its VEid and password) shows its usage and charges in detail.</p>
{{#VERIFIED}}<div class="actions"><a class="button primary" href="/account/order" id="order-link">Order a VE into this account</a></div>{{/VERIFIED}}
</section>
<section class="card" aria-labelledby="h-invoices">
<h2 id="h-invoices">Invoices</h2>
<p class="muted">One invoice a month for all the VEs of this account.</p>
{{#NO_INVOICES}}<p class="empty" id="no-invoices">No invoices yet: the first one comes after the end of the month.</p>{{/NO_INVOICES}}
{{#HAS_INVOICES}}<table class="data rt" id="invoices">
<caption class="sr-only">The account's invoices</caption>
<thead><tr><th scope="col">Number</th><th scope="col">Month</th><th scope="col">VEs</th><th scope="col">Issued</th><th scope="col">Due</th><th scope="col" class="num">Total</th></tr></thead>
<tbody>{{#INVOICE}}<tr><td class="mono inv-number" data-label="Number"><a href="/account/invoices/{{NUMBER}}.pdf">{{NUMBER}}</a> <span class="muted small">PDF</span></td><td data-label="Month">{{PERIOD}}</td><td class="mono inv-ves" data-label="VEs">{{VES}}</td><td data-label="Issued">{{ISSUED}}</td><td data-label="Due">{{DUE}}</td><td class="num inv-total" data-label="Total">{{TOTAL}}</td></tr>{{/INVOICE}}</tbody>
</table>
{{/HAS_INVOICES}}
</section>
<div class="cards">
<section class="card" aria-labelledby="h-link">
<h2 id="h-link">Link a VE you ordered before</h2>
<p>A VE ordered without this account has an account of its own. Give its VEid and root password to move it here: its charges from then on go on this account's invoice. Its own login stays as it is.</p>
{{#LINK_ERROR}}<div class="alert alert-error" role="alert" id="link-error"><p>{{MSG}}</p></div>{{/LINK_ERROR}}
{{#UNVERIFIED}}<p class="muted" id="link-later">Once your e-mail address is confirmed.</p>{{/UNVERIFIED}}
{{#VERIFIED}}<form method="post" action="/account/link" class="stack" id="link-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#LINK_BAD}} invalid{{/LINK_BAD}}">
<label for="link-ve">VEid</label>
<div class="control"><input id="link-ve" name="ve_id" type="text" value="{{LINK_VE}}" autocapitalize="characters" spellcheck="false" maxlength="8" autocomplete="off"{{#LINK_BAD}} aria-describedby="link-error" aria-invalid="true"{{/LINK_BAD}} required></div>
</div>
<div class="field">
<label for="link-pw">The VE's root password</label>
<div class="control"><input id="link-pw" name="ve_password" type="password" autocomplete="off" required></div>
</div>
<div class="actions"><button type="submit" class="secondary">Link the VE</button></div>
</form>{{/VERIFIED}}
</section>
<section class="card" aria-labelledby="h-email">
<h2 id="h-email">E-mail address</h2>
<p>You log in with <span class="wrap-any">{{EMAIL}}</span>, and mail about your account goes there. A new address takes effect once you open the link we mail to it; your old address is told.</p>
{{#PENDING_EMAIL}}<p class="muted" id="email-pending">Waiting for the link mailed to <span class="wrap-any">{{ADDR}}</span> to be opened (valid 24 hours).</p>{{/PENDING_EMAIL}}
{{#EMAIL_ERROR}}<div class="alert alert-error" role="alert" id="email-error"><p>{{MSG}}</p></div>{{/EMAIL_ERROR}}
<form method="post" action="/account/email" class="stack" id="email-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#EMAIL_BAD}} invalid{{/EMAIL_BAD}}">
<label for="e-new">New e-mail address</label>
<div class="control"><input id="e-new" name="new_email" type="email" value="{{NEW_EMAIL}}" autocomplete="email" spellcheck="false" maxlength="254"{{#EMAIL_BAD}} aria-invalid="true" aria-describedby="email-error"{{/EMAIL_BAD}} required></div>
</div>
<div class="field">
<label for="e-pw">Your password</label>
<div class="control"><input id="e-pw" name="password" type="password" autocomplete="current-password" required></div>
</div>
<div class="actions"><button type="submit" class="secondary">Change the address</button></div>
</form>
</section>
<section class="card" aria-labelledby="h-profile">
<h2 id="h-profile">Profile</h2>
<p class="muted">Shown on your invoices.</p>
<form method="post" action="/account/profile" class="stack" id="profile-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#PB_NAME}} invalid{{/PB_NAME}}">
<label for="p-name">Name</label>
<div class="control"><input id="p-name" name="name" type="text" value="{{P_NAME}}" autocomplete="name" maxlength="128"{{#PB_NAME}} aria-invalid="true" aria-describedby="pe-name"{{/PB_NAME}}></div>
{{#PE_NAME}}<p class="error" id="pe-name">{{MSG}}</p>{{/PE_NAME}}
</div>
<div class="field{{#PB_COMPANY}} invalid{{/PB_COMPANY}}">
<label for="p-company">Company <span class="unit">(optional)</span></label>
<div class="control"><input id="p-company" name="company" type="text" value="{{P_COMPANY}}" autocomplete="organization" maxlength="128"{{#PB_COMPANY}} aria-invalid="true" aria-describedby="pe-company"{{/PB_COMPANY}}></div>
{{#PE_COMPANY}}<p class="error" id="pe-company">{{MSG}}</p>{{/PE_COMPANY}}
</div>
<div class="field{{#PB_ADDRESS}} invalid{{/PB_ADDRESS}}">
<label for="p-address">Postal address</label>
<div class="control"><textarea id="p-address" name="address" rows="4" autocomplete="street-address" maxlength="512"{{#PB_ADDRESS}} aria-invalid="true" aria-describedby="pe-address"{{/PB_ADDRESS}}>{{P_ADDRESS:pre_escape}}</textarea></div>
{{#PE_ADDRESS}}<p class="error" id="pe-address">{{MSG}}</p>{{/PE_ADDRESS}}
</div>
<div class="field{{#PB_COUNTRY}} invalid{{/PB_COUNTRY}}">
<label for="p-country">Country <span class="unit">(optional)</span></label>
<div class="control"><input id="p-country" name="country" type="text" value="{{P_COUNTRY}}" autocomplete="country" spellcheck="false" maxlength="2" aria-describedby="p-country-help{{#PB_COUNTRY}} pe-country{{/PB_COUNTRY}}"{{#PB_COUNTRY}} aria-invalid="true"{{/PB_COUNTRY}}></div>
<p class="help" id="p-country-help">Two letters, such as DE or FR: with the VAT id it decides the tax on your invoices.</p>
{{#PE_COUNTRY}}<p class="error" id="pe-country">{{MSG}}</p>{{/PE_COUNTRY}}
</div>
<div class="field{{#PB_VAT_ID}} invalid{{/PB_VAT_ID}}">
<label for="p-vat">VAT id <span class="unit">(optional)</span></label>
<div class="control"><input id="p-vat" name="vat_id" type="text" value="{{P_VAT_ID}}" spellcheck="false" maxlength="20" aria-describedby="p-vat-help{{#PB_VAT_ID}} pe-vat_id{{/PB_VAT_ID}}"{{#PB_VAT_ID}} aria-invalid="true"{{/PB_VAT_ID}}></div>
<p class="help" id="p-vat-help">Your country's two letters and the number, such as DE123456789.</p>
{{#PE_VAT_ID}}<p class="error" id="pe-vat_id">{{MSG}}</p>{{/PE_VAT_ID}}
</div>
<div class="field{{#PB_PHONE}} invalid{{/PB_PHONE}}">
<label for="p-phone">Phone <span class="unit">(optional)</span></label>
<div class="control"><input id="p-phone" name="phone" type="text" inputmode="tel" value="{{P_PHONE}}" autocomplete="tel" maxlength="32"{{#PB_PHONE}} aria-invalid="true" aria-describedby="pe-phone"{{/PB_PHONE}}></div>
{{#PE_PHONE}}<p class="error" id="pe-phone">{{MSG}}</p>{{/PE_PHONE}}
</div>
<div class="actions"><button type="submit" class="primary" id="profile-save">Save the profile</button></div>
</form>
</section>
</div>
{{>FOOTER}}
