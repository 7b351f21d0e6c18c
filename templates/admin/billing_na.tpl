{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>{{TITLE}}</h1>
<section class="card"><p>Billing is not available in this installation yet: its tables have not been created (migration 0003_billing.sql).</p>
<p class="muted">VEs, nodes, plans, the usage report and the audit log work without it.</p></section>
{{>FOOTER}}
