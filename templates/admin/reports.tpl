{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>Reports</h1>
<div class="cards">
{{#REPORT}}<section class="card"><h2><a href="/admin/reports/{{NAME}}">{{NAME}}</a></h2><p>{{ABOUT}}</p>{{#NA}}<p class="empty">Needs billing, which is not available in this installation yet.</p>{{/NA}}</section>
{{/REPORT}}
</div>
<p class="muted small">Each report is a table on screen, a chart, a CSV download and, for scripts, GET /api/v1/admin/reports/NAME?from=YYYY-MM-DD&amp;to=YYYY-MM-DD (JSON, or CSV with Accept: text/csv).</p>
{{>FOOTER}}
