{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>Invoices</h1>
{{#NOTICE}}<div class="alert alert-ok" role="status"><p>{{TEXT}}</p></div>{{/NOTICE}}
{{#ERROR}}<div class="alert alert-error" role="alert"><p>{{MSG}}</p></div>{{/ERROR}}
<form method="get" action="/admin/invoices" class="filters" role="search">
<div class="field{{#BAD_Q}} invalid{{/BAD_Q}}"><label for="q">Search</label>
<input id="q" name="q" type="search" value="{{V_Q}}" placeholder="number, e-mail or YYYY-MM" maxlength="254">
{{#E_Q}}<p class="error">{{MSG}}</p>{{/E_Q}}</div>
<div class="field"><label for="status">Status</label>
<select id="status" name="status">{{#STATUS_OPT}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{VALUE}}</option>{{/STATUS_OPT}}</select></div>
<div class="field"><button type="submit" class="primary">Show</button></div>
</form>
{{#BAD_FILTER}}<div class="alert alert-error" role="alert"><p>The filter has errors.</p></div>{{/BAD_FILTER}}
<section class="card">
<p class="muted small">{{TOTAL}} invoice(s)</p>
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">Number</th><th scope="col">Period</th><th scope="col">Account</th><th scope="col">Issued</th><th scope="col">Due</th><th scope="col" class="num">Total</th><th scope="col" class="num">Open</th><th scope="col">Status</th></tr></thead>
<tbody>
{{#INVOICE}}<tr><th scope="row"><a href="/admin/invoices/{{NUMBER}}">{{NUMBER}}</a></th><td>{{PERIOD}}</td><td class="wrap">{{EMAIL}} <span class="muted small">#{{ACCOUNT}}</span></td><td class="nowrap">{{ISSUED}}</td><td class="nowrap">{{DUE}}</td><td class="num">{{TOTAL}}</td><td class="num">{{BALANCE}}</td><td><span class="state state-{{STATUS}}">{{STATUS}}</span></td></tr>
{{/INVOICE}}
</tbody></table></div>
{{#NO_INVOICES}}<p class="empty">No invoices match.</p>{{/NO_INVOICES}}
{{#PAGER}}<nav class="pager" aria-label="Pages">{{#PREV}}<a href="{{URL}}" rel="prev">← Previous</a>{{/PREV}} <span>Page {{PAGE}} of {{PAGES}}</span> {{#NEXT}}<a href="{{URL}}" rel="next">Next →</a>{{/NEXT}}</nav>{{/PAGER}}
</section>
<section class="card"><h2>Invoice run</h2>
<p class="muted">Invoices every account for a month that has ended: one invoice per account, numbered without gaps. Running it again for the same month changes nothing.</p>
<form method="post" action="/admin/invoice-runs" class="inline-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#BAD_PERIOD}} invalid{{/BAD_PERIOD}}"><label for="period">Month</label>
<div class="control"><input id="period" name="period" type="text" value="{{V_PERIOD}}" placeholder="YYYY-MM" maxlength="7"{{#E_PERIOD}} aria-describedby="e-period"{{/E_PERIOD}}></div>
{{#E_PERIOD}}<p class="error" id="e-period">{{MSG}}</p>{{/E_PERIOD}}</div>
<div class="field"><button type="submit" class="primary">Run invoices</button></div>
</form></section>
{{>FOOTER}}
