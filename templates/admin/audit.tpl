{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>Audit log</h1>
<form method="get" action="/admin/audit" class="filters" role="search">
<div class="field{{#BAD_OBJECT}} invalid{{/BAD_OBJECT}}"><label for="object">Object</label>
<input id="object" name="object" type="search" value="{{V_OBJECT}}" placeholder="a VEid, node, plan code or invoice number" maxlength="64">
{{#E_OBJECT}}<p class="error">{{MSG}}</p>{{/E_OBJECT}}</div>
<div class="field"><button type="submit" class="primary">Show</button></div>
</form>
<section class="card">
<p class="muted small">{{TOTAL}} change(s), newest first. Each was written in the same transaction as the change itself.</p>
<div class="table-wrap"><table class="data compact audit">
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Object</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
<tbody>
{{#AUDIT}}<tr><td class="nowrap">{{AT}}</td><td>{{ACTOR}}</td><td><code>{{ACTION}}</code></td><td>{{#VE_LINK}}<a href="/admin/ves/{{OBJECT}}">{{OBJECT}}</a>{{/VE_LINK}}{{#INV_LINK}}<a href="/admin/invoices/{{OBJECT}}">{{OBJECT}}</a>{{/INV_LINK}}{{#NO_LINK}}{{OBJECT}}{{/NO_LINK}}</td><td class="json">{{BEFORE}}</td><td class="json">{{AFTER}}</td></tr>
{{/AUDIT}}
</tbody></table></div>
{{#NO_AUDIT}}<p class="empty">Nothing recorded.</p>{{/NO_AUDIT}}
{{#PAGER}}<nav class="pager" aria-label="Pages">{{#PREV}}<a href="{{URL}}" rel="prev">← Previous</a>{{/PREV}} <span>Page {{PAGE}} of {{PAGES}}</span> {{#NEXT}}<a href="{{URL}}" rel="next">Next →</a>{{/NEXT}}</nav>{{/PAGER}}
</section>
{{>FOOTER}}
