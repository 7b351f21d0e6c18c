{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>Nodes</h1>
{{#NOTICE}}<div class="alert alert-ok" role="status"><p>{{TEXT}}</p></div>{{/NOTICE}}
{{#ERROR}}<div class="alert alert-error" role="alert"><p>{{MSG}}</p></div>{{/ERROR}}
{{#ADDED}}<div class="alert alert-warn secret" role="status"><h2>Node {{NAME}} was added</h2>
<p>Its agent authenticates with this token. It is shown only now; put it into the agent's configuration:</p>
<p><code id="node-token">{{TOKEN}}</code></p></div>{{/ADDED}}
<section class="card">
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">Node</th><th scope="col">Health</th><th scope="col">Last poll</th><th scope="col">Last good poll</th><th scope="col" class="num">Lag</th><th scope="col" class="num">VEs</th><th scope="col" class="num">Disk (quotas)</th><th scope="col">Backups</th><th scope="col">Polled by</th><th scope="col">Actions</th></tr></thead>
<tbody>
{{#NODE}}<tr><th scope="row">{{NAME}}<br><span class="mono small muted">{{URL}}</span></th>
<td><span class="health health-{{HEALTH}}">{{STATE}}</span></td><td class="nowrap">{{LAST_POLL}}</td><td class="nowrap">{{LAST_OK}}</td><td class="num">{{LAG}}</td><td class="num">{{VES}} / {{MAX_VES}}</td><td class="num nowrap">{{DISK}}</td><td class="nowrap backups">{{BACKUP}}{{#BACKUP_FAILING}}<span class="error backup-failing">{{N}} VEs failing</span>{{/BACKUP_FAILING}}</td><td class="small">{{POLLER}}</td>
<td class="row-actions">{{#ENABLED}}<form method="post" action="/admin/nodes/{{NAME}}/disable"><input type="hidden" name="csrf" value="{{CSRF}}"><button type="submit" class="secondary small-button">Disable</button></form>{{/ENABLED}}{{#DISABLED}}<form method="post" action="/admin/nodes/{{NAME}}/enable"><input type="hidden" name="csrf" value="{{CSRF}}"><button type="submit" class="secondary small-button">Enable</button></form>{{/DISABLED}}{{#CAN_DELETE}}<form method="post" action="/admin/nodes/{{NAME}}/delete"><input type="hidden" name="csrf" value="{{CSRF}}"><button type="submit" class="danger small-button">Remove</button></form>{{/CAN_DELETE}}</td></tr>
{{/NODE}}
</tbody></table></div>
{{#NO_NODES}}<p class="empty">No nodes yet.</p>{{/NO_NODES}}
<p class="muted small">Health comes from billingd's polls. A disabled node keeps its VEs but gets no new ones. A node can be removed only while no VE, not even a deleted one, names it.</p>
</section>
<section class="card"><h2>Add a node</h2>
<form method="post" action="/admin/nodes" class="stack">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#BAD_NODE}} invalid{{/BAD_NODE}}"><label for="node">Name</label>
<div class="control"><input id="node" name="node" type="text" value="{{V_NODE}}" maxlength="64" spellcheck="false" aria-describedby="node-help{{#E_NODE}} e-node{{/E_NODE}}"></div>
<p class="help" id="node-help">Lower-case letters, digits, '-', '_' or '.', such as node3.</p>
{{#E_NODE}}<p class="error" id="e-node">{{MSG}}</p>{{/E_NODE}}</div>
<div class="field{{#BAD_URL}} invalid{{/BAD_URL}}"><label for="url">Agent metrics URL</label>
<div class="control"><input id="url" name="url" type="text" value="{{V_URL}}" maxlength="255" spellcheck="false" placeholder="http://10.0.0.5:9101/metrics"{{#E_URL}} aria-describedby="e-url"{{/E_URL}}></div>
{{#E_URL}}<p class="error" id="e-url">{{MSG}}</p>{{/E_URL}}</div>
<div class="actions"><button type="submit" class="primary">Add node</button></div>
</form></section>
{{>FOOTER}}
