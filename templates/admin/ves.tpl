{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>VEs</h1>
<form method="get" action="/admin/ves" class="filters" role="search">
<div class="field{{#BAD_Q}} invalid{{/BAD_Q}}"><label for="q">Search</label>
<input id="q" name="q" type="search" value="{{V_Q}}" placeholder="VEid, e-mail, IP address or DNS name" maxlength="254"{{#E_Q}} aria-describedby="e-q"{{/E_Q}}>
{{#E_Q}}<p class="error" id="e-q">{{MSG}}</p>{{/E_Q}}</div>
<div class="field{{#BAD_STATE}} invalid{{/BAD_STATE}}"><label for="state">State</label>
<select id="state" name="state"><option value="">any</option>{{#STATE_OPT}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{VALUE}}</option>{{/STATE_OPT}}</select>
{{#E_STATE}}<p class="error" id="e-state">{{MSG}}</p>{{/E_STATE}}</div>
<div class="field"><button type="submit" class="primary">Search</button> <a href="/admin/ves" class="button secondary">Clear</a></div>
</form>
{{#BAD_FILTER}}<div class="alert alert-error" role="alert"><p>The search has errors; see above.</p></div>{{/BAD_FILTER}}
<section class="card">
<p class="muted small" id="ve-count">{{TOTAL}} VE(s) found</p>
<div class="table-wrap"><table class="data" aria-describedby="ve-count">
<thead><tr><th scope="col">VEid</th><th scope="col">State</th><th scope="col">Node</th><th scope="col">Plan</th><th scope="col">Account</th><th scope="col">IP addresses</th><th scope="col">Created</th><th scope="col">Expires</th></tr></thead>
<tbody>
{{#VE}}<tr><th scope="row"><a class="mono" href="/admin/ves/{{VE_ID}}">{{VE_ID}}</a></th><td><span class="state state-{{STATE}}">{{STATE}}</span></td><td>{{NODE}}</td><td>{{PLAN}}</td><td class="wrap">{{EMAIL}}</td><td class="mono small">{{IPS}}</td><td class="nowrap small">{{CREATED}}</td><td class="nowrap small">{{EXPIRES}}</td></tr>
{{/VE}}
</tbody></table></div>
{{#NO_VES}}<p class="empty">No VE matches.</p>{{/NO_VES}}
{{#PAGER}}<nav class="pager" aria-label="Pages">{{#PREV}}<a href="{{URL}}" rel="prev">← Previous</a>{{/PREV}} <span>Page {{PAGE}} of {{PAGES}}</span> {{#NEXT}}<a href="{{URL}}" rel="next">Next →</a>{{/NEXT}}</nav>{{/PAGER}}
</section>
{{>FOOTER}}
