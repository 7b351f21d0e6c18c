{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>Plans</h1>
{{#NOTICE}}<div class="alert alert-ok" role="status"><p>{{TEXT}}</p></div>{{/NOTICE}}
{{#ERROR}}<div class="alert alert-error" role="alert"><p>{{MSG}}</p></div>{{/ERROR}}
{{#NO_PLANS}}<section class="card"><p class="empty">No plans yet; import one below.</p></section>{{/NO_PLANS}}
<div class="cards">
{{#PLAN}}<section class="card plan-card"><h2>{{NAME}} <span class="muted mono">{{CODE}}</span> {{#INACTIVE}}<span class="state state-suspended">not offered</span>{{/INACTIVE}}</h2>
<p class="muted small">{{VES}} VE(s) on this plan · prices in {{CURRENCY}}{{#LIMITS}} · <a href="/admin/plans/{{CODE}}/edit">Change on a form</a>{{/LIMITS}}</p>
<h3>Prices by version</h3>
<div class="table-wrap"><table class="data compact"><thead><tr><th scope="col">Valid from</th><th scope="col" class="num">Monthly fee</th><th scope="col">Status</th></tr></thead><tbody>
{{#VERSION}}<tr><td>{{FROM}}</td><td class="num">{{FEE}}</td><td>{{#IN_FORCE}}<span class="state state-active">in force</span>{{/IN_FORCE}}{{#FUTURE}}<span class="state state-future">from then on</span>{{/FUTURE}}{{#PAST}}<span class="muted small">earlier</span>{{/PAST}}</td></tr>{{/VERSION}}
</tbody></table></div>
{{#LIMITS}}<h3>Included and overage today</h3>
<div class="table-wrap"><table class="data compact"><thead><tr><th scope="col">Resource</th><th scope="col" class="num">Included</th><th scope="col" class="num">Overage price</th></tr></thead><tbody>
{{#RES}}<tr><td>{{LABEL}}</td><td class="num">{{INCLUDED}} {{UNIT}}</td><td class="num">{{PRICE}} per {{UNIT}}</td></tr>{{/RES}}
</tbody></table></div>
<p class="muted small">Limits: disk quota up to {{MAX_DISK}} MB, up to {{MAX_IP}} IP address(es).</p>
{{#SLA}}<p class="muted small sla">Availability target {{TARGET}} % (always-on orders){{#STEP}}; {{BP}} % of the fee credited below {{BELOW}} %{{/STEP}}.</p>{{/SLA}}{{#NO_SLA}}<p class="muted small sla">No availability target.</p>{{/NO_SLA}}{{/LIMITS}}
</section>
{{/PLAN}}
</div>
<section class="card"><h2>A new plan</h2><p><a class="button primary" href="/admin/plans/new" id="plan-new">New plan on a form</a> or paste its JSON below.</p></section>
<section class="card"><h2>Import a plan</h2>
<p class="muted">A new code makes a new plan; an existing code gets the name and limits given and a price version in force from the date given (00:00 UTC). Invoices already issued never change.</p>
<form method="post" action="/admin/plans" class="stack wide">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#BAD_PLAN_JSON}} invalid{{/BAD_PLAN_JSON}}"><label for="plan_json">Plan as JSON</label>
<textarea id="plan_json" name="plan_json" rows="12" class="mono" spellcheck="false" aria-describedby="plan-help{{#E_PLAN_JSON}} e-plan_json{{/E_PLAN_JSON}}">{{V_PLAN_JSON:pre_escape}}</textarea>
<p class="help" id="plan-help">Money in minor units (cents) as whole numbers; 0 included with price 0 means the resource is not rated.</p>
{{#E_PLAN_JSON}}<p class="error" id="e-plan_json">{{MSG}}</p>{{/E_PLAN_JSON}}</div>
<div class="field{{#BAD_VALID_FROM}} invalid{{/BAD_VALID_FROM}}"><label for="valid_from">Prices valid from</label>
<div class="control"><input id="valid_from" name="valid_from" type="text" inputmode="numeric" value="{{V_VALID_FROM}}" placeholder="YYYY-MM-DD" maxlength="10"{{#E_VALID_FROM}} aria-describedby="e-valid_from"{{/E_VALID_FROM}}></div>
{{#E_VALID_FROM}}<p class="error" id="e-valid_from">{{MSG}}</p>{{/E_VALID_FROM}}</div>
<div class="actions"><button type="submit" class="primary">Import plan</button></div>
</form></section>
{{>FOOTER}}
