{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="/admin/reports">Reports</a> ›</p>
<h1>Report: {{REPORT}}</h1>
<p class="muted">{{ABOUT}}</p>
<form method="get" action="/admin/reports/{{REPORT}}" class="filters dates">
<div class="field{{#BAD_FROM}} invalid{{/BAD_FROM}}"><label for="from">From</label>
<input id="from" name="from" type="text" value="{{V_FROM}}" placeholder="YYYY-MM-DD" maxlength="10"{{#E_FROM}} aria-describedby="e-from"{{/E_FROM}}>
{{#E_FROM}}<p class="error" id="e-from">{{MSG}}</p>{{/E_FROM}}</div>
<div class="field{{#BAD_TO}} invalid{{/BAD_TO}}"><label for="to">To <span class="unit">(included)</span></label>
<input id="to" name="to" type="text" value="{{V_TO}}" placeholder="YYYY-MM-DD" maxlength="10"{{#E_TO}} aria-describedby="e-to"{{/E_TO}}>
{{#E_TO}}<p class="error" id="e-to">{{MSG}}</p>{{/E_TO}}</div>
<div class="field"><button type="submit" class="primary">Show</button></div>
</form>
{{#BILLING_NA}}<section class="card"><p class="empty">This report needs billing, which is not available in this installation yet.</p></section>{{/BILLING_NA}}
{{#TABLE}}
{{#HAS_ROWS}}<section class="card"><figure class="chart report-chart"><img src="{{CHART_URL}}" alt="Chart: {{CHART_ALT}}" width="640" height="240"></figure></section>{{/HAS_ROWS}}
<section class="card">
<div class="dash-head"><p class="muted small" id="row-count">{{NROWS}} row(s)</p><a class="button secondary" href="{{CSV_URL}}" download>Download CSV</a></div>
<div class="table-wrap" tabindex="0"><table class="data compact report" id="report" aria-describedby="row-count">
<thead><tr>{{#COL}}<th scope="col"{{#NUM}} class="num"{{/NUM}} data-col="{{NAME}}">{{NAME}}</th>{{/COL}}</tr></thead>
<tbody>
{{#ROW}}<tr>{{#CELL}}<td{{#NUM}} class="num"{{/NUM}}>{{V}}</td>{{/CELL}}</tr>
{{/ROW}}
</tbody></table></div>
{{#EMPTY}}<p class="empty">Nothing in this range.</p>{{/EMPTY}}
</section>
{{/TABLE}}
{{>FOOTER}}
