{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="hero">
<h1>Order a VE</h1>
<p class="lead">Your own Linux server, isolated from everyone else's: root access, your own IP addresses, ready in seconds. Choose a plan, set a password, and you are done; every other setting has a sensible default.</p>
</section>
{{#NOTICE}}<div class="alert alert-warn" role="alert"><p>{{TEXT}}</p></div>{{/NOTICE}}
{{#ERRORS}}<div class="alert alert-error" role="alert" id="problems" tabindex="-1" autofocus>
<h2>{{COUNT}} {{WHAT}} to correct</h2>
<ul>{{#ERR}}<li><a href="#f-{{NAME}}">{{LABEL}}</a>: {{MSG}}</li>{{/ERR}}</ul>
</div>{{/ERRORS}}
{{#ACCOUNT}}<div class="alert alert-ok" role="status" id="into-account"><p>This VE goes into your account <strong class="wrap-any">{{EMAIL}}</strong>: on its invoice, with its mails to that address.</p></div>{{/ACCOUNT}}
<form class="order" method="post" action="{{ACTION}}" novalidate>
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="idempotency_key" value="{{IDEMPOTENCY_KEY}}">
{{#GROUP}}{{#ADV}}<details class="advanced"{{#OPEN}} open{{/OPEN}}>
<summary>Advanced options <span class="muted">bandwidth, traffic, memory, backups, firewall, IP addresses and DNS names</span></summary>{{/ADV}}
<fieldset class="group">
<legend>{{LEGEND}}</legend>
{{#ROW}}
{{#K_PLANS}}<fieldset class="field plans{{#BAD}} invalid{{/BAD}}" id="f-{{NAME}}" aria-describedby="h-{{NAME}}{{#BAD}} e-{{NAME}}{{/BAD}}">
<legend>{{LABEL}}</legend>
<p class="help" id="h-{{NAME}}">{{HELP}}</p>
<div class="plan-grid">
{{#PLAN}}<label class="plan">
<input type="radio" name="plan" value="{{CODE}}"{{#CHECKED}} checked{{/CHECKED}}>
<span class="plan-body">
<span class="plan-name">{{PNAME}}</span>
<span class="plan-price"><strong>{{FEE}}</strong> per month</span>
<span class="plan-facts">Up to {{MAX_DISK}} disk, {{MAX_IPS}} IP address{{IPS_PLURAL}}<br>Login: {{LOGINS}}</span>
<span class="plan-facts">Included each month: {{INCLUDED}}</span>
{{#OVERAGE}}<span class="plan-facts muted">Beyond that: {{TEXT}}</span>{{/OVERAGE}}
</span>
</label>{{/PLAN}}
{{#NO_PLANS}}<p class="muted">No plans are on offer at the moment.</p>{{/NO_PLANS}}
</div>
{{#BAD}}<p class="error" id="e-{{NAME}}">{{ERROR}}</p>{{/BAD}}
</fieldset>{{/K_PLANS}}
{{#K_SELECT}}<div class="field{{#BAD}} invalid{{/BAD}}" id="f-{{NAME}}">
<label for="i-{{NAME}}">{{LABEL}}</label>
<div class="control"><select id="i-{{NAME}}" name="{{NAME}}" aria-describedby="h-{{NAME}}{{#BAD}} e-{{NAME}}{{/BAD}}"{{#BAD}} aria-invalid="true"{{/BAD}}>
{{#OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{TEXT}}</option>{{/OPTION}}
</select></div>
<p class="help" id="h-{{NAME}}">{{HELP}}</p>
{{#BAD}}<p class="error" id="e-{{NAME}}">{{ERROR}}</p>{{/BAD}}
</div>{{/K_SELECT}}
{{#K_INPUT}}<div class="field{{#BAD}} invalid{{/BAD}}" id="f-{{NAME}}">
<label for="i-{{NAME}}">{{LABEL}}{{#UNIT}}<span class="sr-only"> (in {{TEXT}})</span>{{/UNIT}}</label>
<div class="control"><input id="i-{{NAME}}" name="{{NAME}}" type="{{TYPE}}" value="{{VALUE}}" autocomplete="{{AUTOCOMPLETE}}"{{#NUMERIC}} inputmode="numeric"{{/NUMERIC}}{{#REQ}} aria-required="true"{{/REQ}} aria-describedby="h-{{NAME}}{{#BAD}} e-{{NAME}}{{/BAD}}"{{#BAD}} aria-invalid="true"{{/BAD}}>{{#UNIT}}<span class="suffix" aria-hidden="true">{{TEXT}}</span>{{/UNIT}}</div>
<p class="help" id="h-{{NAME}}">{{HELP}}</p>
{{#BAD}}<p class="error" id="e-{{NAME}}">{{ERROR}}</p>{{/BAD}}
</div>{{/K_INPUT}}
{{#K_PAIR}}<fieldset class="field pair{{#BAD}} invalid{{/BAD}}" id="f-{{NAME}}">
<legend>{{GROUP_LABEL}} <span class="unit">({{UNIT}})</span></legend>
<div class="pair-inputs">
<div><label for="i-{{NAME}}">minimum</label><div class="control"><input id="i-{{NAME}}" name="{{NAME}}" type="text" inputmode="numeric" value="{{VALUE}}" placeholder="0" autocomplete="off" aria-describedby="h-{{NAME}}{{#BAD_MIN}} e-{{NAME}}{{/BAD_MIN}}"{{#BAD_MIN}} aria-invalid="true"{{/BAD_MIN}}><span class="suffix" aria-hidden="true">{{UNIT}}</span></div></div>
<div id="f-{{NAME2}}"><label for="i-{{NAME2}}">maximum</label><div class="control"><input id="i-{{NAME2}}" name="{{NAME2}}" type="text" inputmode="numeric" value="{{VALUE2}}" placeholder="0" autocomplete="off" aria-describedby="h-{{NAME}}{{#BAD_MAX}} e-{{NAME2}}{{/BAD_MAX}}"{{#BAD_MAX}} aria-invalid="true"{{/BAD_MAX}}><span class="suffix" aria-hidden="true">{{UNIT}}</span></div></div>
</div>
<p class="help" id="h-{{NAME}}">{{HELP}}</p>
{{#BAD_MIN}}<p class="error" id="e-{{NAME}}">{{ERROR}}</p>{{/BAD_MIN}}
{{#BAD_MAX}}<p class="error" id="e-{{NAME2}}">{{ERROR2}}</p>{{/BAD_MAX}}
</fieldset>{{/K_PAIR}}
{{#K_CHOICE}}<fieldset class="field choice{{#BAD}} invalid{{/BAD}}" id="f-{{NAME}}" aria-describedby="h-{{NAME}}{{#BAD}} e-{{NAME}}{{/BAD}}">
<legend>{{LABEL}}</legend>
<div class="options">
{{#OPTION}}<label class="option"><input type="{{TYPE}}" name="{{NAME}}" value="{{VALUE}}"{{#CHECKED}} checked{{/CHECKED}}> <span><strong>{{TEXT}}</strong>{{#DESC}} <span class="muted">{{D}}</span>{{/DESC}}</span></label>
{{/OPTION}}</div>
<p class="help" id="h-{{NAME}}">{{HELP}}</p>
{{#BAD}}<p class="error" id="e-{{NAME}}">{{ERROR}}</p>{{/BAD}}
</fieldset>{{/K_CHOICE}}
{{#K_TEXTAREA}}<div class="field{{#BAD}} invalid{{/BAD}}" id="f-{{NAME}}">
<label for="i-{{NAME}}">{{LABEL}}</label>
<div class="control"><textarea id="i-{{NAME}}" name="{{NAME}}" rows="{{ROWS}}" aria-describedby="h-{{NAME}}{{#BAD}} e-{{NAME}}{{/BAD}}"{{#BAD}} aria-invalid="true"{{/BAD}}>{{VALUE}}</textarea></div>
<p class="help" id="h-{{NAME}}">{{HELP}}</p>
{{#BAD}}<p class="error" id="e-{{NAME}}">{{ERROR}}</p>{{/BAD}}
</div>{{/K_TEXTAREA}}
{{/ROW}}
</fieldset>
{{#ADV}}</details>{{/ADV}}{{/GROUP}}
<section class="card total" id="total" aria-labelledby="h-total" aria-live="polite">
<h2 id="h-total">Your monthly total</h2>
{{#TOTAL}}<table class="data total-lines">
<caption class="sr-only">Monthly total in {{CURRENCY}}</caption>
<tbody>
<tr><th scope="row">{{PLAN}}: monthly fee</th><td class="num" id="total-fee">{{FEE}}</td></tr>
{{#DISK}}<tr><th scope="row">Disk quota above the included: {{GB}} GB at {{PRICE}} per GB-month</th><td class="num" id="total-disk">{{AMOUNT}}</td></tr>{{/DISK}}
<tr><th scope="row">Subtotal</th><td class="num" id="total-subtotal">{{SUBTOTAL}}</td></tr>
{{#TAX}}<tr><th scope="row">VAT {{RATE}}</th><td class="num" id="total-tax">{{AMOUNT}}</td></tr>{{/TAX}}
<tr class="grand"><th scope="row">Total a month, {{CURRENCY}}</th><td class="num" id="total-total">{{TOTAL}}</td></tr>
</tbody></table>
{{#NO_TAX}}<p class="muted small">Prices without VAT.</p>{{/NO_TAX}}
{{#USAGE}}<p class="small" id="total-usage">Usage is charged on top only above what the plan includes: {{TEXT}}.</p>{{/USAGE}}
<p class="small" id="total-cap">{{CAP}}</p>
<p class="muted small">Computed by the same rating as your invoices, for a whole month; the first month is charged pro rata from today. A business in another EU country with a VAT id pays no VAT here (reverse charge).</p>{{/TOTAL}}
{{#TOTAL_UNKNOWN}}<p id="total-unknown">{{TEXT}}</p>{{/TOTAL_UNKNOWN}}
<button type="submit" name="quote" value="1" class="secondary" id="total-update">Update the total</button>
</section>
<div class="actions">
<button type="submit" class="primary">Order and create my VE</button>
<p class="muted">The VE is created at once; the monthly fee is charged pro rata from today. The root password is shown on the next page only once.</p>
</div>
</form>
{{>FOOTER}}
