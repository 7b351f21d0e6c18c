{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<div class="dash-head"><h1>Dashboard</h1><p class="muted small">As of {{NOW}}</p></div>
{{#NOTICE}}<div class="alert alert-ok" role="status"><p>{{TEXT}}</p></div>{{/NOTICE}}
<div class="stats">
<section class="card stat"><h2>VEs</h2>
<p class="big"><a href="/admin/ves?state=active">{{VES_ACTIVE}}</a> <span class="muted">active</span></p>
<ul class="plain">
<li><a href="/admin/ves?state=suspended">{{VES_SUSPENDED}} suspended</a></li>
<li><a href="/admin/ves?state=expired">{{VES_EXPIRED}} expired</a></li>
<li><a href="/admin/ves?state=deleted">{{VES_DELETED}} deleted</a></li>
</ul></section>
<section class="card stat{{#NODES_BAD}} stat-bad{{/NODES_BAD}}"><h2>Nodes</h2>
<p class="big"><a href="/admin/nodes">{{NODES_UP}}</a> <span class="muted">up</span></p>
<ul class="plain">
<li>{{NODES_FAILING}} failing · {{NODES_DOWN}} down</li>
<li>{{NODES_UNKNOWN}} not polled yet · {{NODES_DISABLED}} disabled</li>
<li id="backup-storage">Backups: {{BACKUP_STORAGE}} stored · {{BACKUP_FAILING}} VEs failing</li>
</ul></section>
{{#MAIL}}<section class="card stat{{#MAIL_BAD}} stat-bad{{/MAIL_BAD}}" id="mail-card"><h2>Mail</h2>
<p class="big"><span id="mail-failed">{{FAILED}}</span> <span class="muted">failed</span></p>
<ul class="plain">
<li><span id="mail-queued">{{QUEUED}}</span> waiting{{#WAITING}} · oldest {{AGE}}{{/WAITING}}</li>
<li>{{SENT}} sent</li>
</ul></section>{{/MAIL}}
{{#BILLING}}
<section class="card stat"><h2>Invoiced</h2>
<dl class="facts">
<dt>{{PERIOD_LAST}}</dt><dd>{{#INV_LAST}}{{#M}}<span class="amount">{{AMOUNT}}</span> <span class="muted small">({{COUNT}} invoices)</span><br>{{/M}}{{#NONE}}<span class="empty">no invoices yet</span>{{/NONE}}{{/INV_LAST}}</dd>
<dt>{{PERIOD_PREV}}</dt><dd>{{#INV_PREV}}{{#M}}<span class="amount">{{AMOUNT}}</span> <span class="muted small">({{COUNT}} invoices)</span><br>{{/M}}{{#NONE}}<span class="empty">no invoices</span>{{/NONE}}{{/INV_PREV}}</dd>
</dl>{{#NO_INVOICES}}<p class="muted small">No invoices yet: the invoice run makes them after a month has ended.</p>{{/NO_INVOICES}}</section>
<section class="card stat"><h2>Received</h2>
<dl class="facts">
<dt>This month</dt><dd>{{#PAID_THIS}}{{#M}}<span class="amount">{{AMOUNT}}</span> <span class="muted small">({{COUNT}} payments)</span><br>{{/M}}{{#NONE}}<span class="empty">nothing yet</span>{{/NONE}}{{/PAID_THIS}}</dd>
<dt>Last month</dt><dd>{{#PAID_LAST}}{{#M}}<span class="amount">{{AMOUNT}}</span> <span class="muted small">({{COUNT}} payments)</span><br>{{/M}}{{#NONE}}<span class="empty">nothing</span>{{/NONE}}{{/PAID_LAST}}</dd>
</dl></section>
<section class="card stat"><h2>Unpaid</h2>
<dl class="facts">
<dt>Open</dt><dd>{{#UNPAID}}{{#U}}<a class="amount" href="/admin/invoices?status=unpaid">{{AMOUNT}}</a> <span class="muted small">({{COUNT}} invoices)</span><br>{{/U}}{{#NONE_OPEN}}<span class="empty">nothing open</span>{{/NONE_OPEN}}{{/UNPAID}}</dd>
<dt>Overdue</dt><dd>{{#OVERDUE}}{{#O}}<a class="amount bad" href="/admin/invoices?status=overdue">{{AMOUNT}}</a> <span class="muted small">({{COUNT}} invoices)</span><br>{{/O}}{{#NONE_OPEN}}<span class="empty">nothing overdue</span>{{/NONE_OPEN}}{{/OVERDUE}}</dd>
</dl></section>
{{/BILLING}}
{{#BILLING_NA}}<section class="card stat"><h2>Revenue</h2><p class="empty">No invoices yet: billing is not available in this installation yet.</p></section>{{/BILLING_NA}}
</div>
<section class="card"><div class="dash-head"><h2>Recent changes</h2><a href="/admin/audit">Whole audit log</a></div>
<div class="table-wrap"><table class="data compact audit">
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Object</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
<tbody>
{{#AUDIT}}<tr><td class="nowrap">{{AT}}</td><td>{{ACTOR}}</td><td><code>{{ACTION}}</code></td><td>{{#VE_LINK}}<a href="/admin/ves/{{OBJECT}}">{{OBJECT}}</a>{{/VE_LINK}}{{#INV_LINK}}<a href="/admin/invoices/{{OBJECT}}">{{OBJECT}}</a>{{/INV_LINK}}{{#NO_LINK}}{{OBJECT}}{{/NO_LINK}}</td><td class="json">{{BEFORE}}</td><td class="json">{{AFTER}}</td></tr>
{{/AUDIT}}
</tbody></table></div>
{{#NO_AUDIT}}<p class="empty">No changes recorded yet.</p>{{/NO_AUDIT}}
</section>
{{>FOOTER}}
