{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="/admin/ves">VEs</a> ›</p>
<div class="dash-head"><h1>VE <span class="mono">{{VE_ID}}</span> <span class="state state-{{STATE}}">{{STATE}}</span></h1></div>
{{#NOTICE}}<div class="alert alert-ok" role="status"><p>{{TEXT}}</p></div>{{/NOTICE}}
{{#ERROR}}<div class="alert alert-error" role="alert" id="page-error"><p>{{MSG}}</p></div>{{/ERROR}}
<div class="cards">
<section class="card"><h2>Overview</h2>
<dl class="facts">
<dt>State</dt><dd>{{STATE}}</dd>
<dt>Reason</dt><dd>{{REASON}}</dd>
<dt>Account</dt><dd>{{EMAIL}} <span class="muted">(#{{ACCOUNT}}, tax {{TAX}})</span></dd>
<dt>Plan</dt><dd>{{PLAN}} <span class="muted">({{PLAN_CODE}})</span> <a href="/admin/ves/{{VE_ID}}/change" id="change-link">Change the service</a></dd>
<dt>Operating system</dt><dd>{{TEMPLATE}}</dd>
<dt>Node</dt><dd>{{NODE}}</dd>
<dt>Created</dt><dd>{{CREATED}}</dd>
<dt>Expires</dt><dd>{{EXPIRES}}</dd>
<dt>Last change</dt><dd>{{UPDATED}}</dd>
</dl></section>
<section class="card"><h2>Actions</h2>
{{#IS_DELETED}}<p class="muted">This VE is deleted; its history stays for billing.</p>{{/IS_DELETED}}
{{#CAN_SUSPEND}}<form method="post" action="/admin/ves/{{VE_ID}}/suspend" class="action">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#BAD_REASON}} invalid{{/BAD_REASON}}"><label for="reason">Reason for suspending <span class="unit">(shown to the customer)</span></label>
<div class="control"><input id="reason" name="reason" type="text" maxlength="255" value="{{V_REASON}}" placeholder="suspended by the operator"{{#E_REASON}} aria-describedby="e-reason"{{/E_REASON}}></div>
{{#E_REASON}}<p class="error" id="e-reason">{{MSG}}</p>{{/E_REASON}}</div>
<button type="submit" class="secondary">Suspend</button></form>{{/CAN_SUSPEND}}
{{#CAN_RESUME}}<form method="post" action="/admin/ves/{{VE_ID}}/resume" class="action">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit" class="primary">Resume</button></form>{{/CAN_RESUME}}
{{#CAN_POWER}}<form method="post" action="/admin/ves/{{VE_ID}}/power" class="action inline">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="action" value="{{ACTION}}">
<button type="submit" class="secondary" id="power-{{ACTION}}">{{LABEL}}</button></form>{{/CAN_POWER}}
{{#CAN_MOVE}}<form method="post" action="/admin/ves/{{VE_ID}}/move" class="action">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#BAD_NODE}} invalid{{/BAD_NODE}}"><label for="node">Move to node</label>
<div class="control"><select id="node" name="node"{{#E_NODE}} aria-describedby="e-node"{{/E_NODE}}><option value="">choose a node</option>{{#NODE_OPT}}<option value="{{NAME}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/NODE_OPT}}</select></div>
{{#E_NODE}}<p class="error" id="e-node">{{MSG}}</p>{{/E_NODE}}</div>
<button type="submit" class="secondary">Move</button></form>{{/CAN_MOVE}}
{{#CAN_DELETE}}<form method="post" action="/admin/ves/{{VE_ID}}/delete" class="action danger-zone">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#BAD_CONFIRM}} invalid{{/BAD_CONFIRM}}"><label class="option"><input type="checkbox" name="confirm" value="yes"{{#E_CONFIRM}} aria-describedby="e-confirm"{{/E_CONFIRM}}> Delete this VE: its addresses are released and its data is lost</label>
{{#E_CONFIRM}}<p class="error" id="e-confirm">{{MSG}}</p>{{/E_CONFIRM}}</div>
<button type="submit" class="danger">Delete</button></form>{{/CAN_DELETE}}
</section>
</div>
{{#BACKUPS}}<section class="card" id="backups"><h2>Backups and reinstall</h2>
<p class="muted small">A backup at least every {{HOURS}} h; last good: {{LAST_OK}}.</p>
{{#BACKUP_FAILED}}<p class="error" id="backup-failed">The last backup failed: {{MSG}}</p>{{/BACKUP_FAILED}}
<div class="table-wrap"><table class="data compact" id="backup-list"><thead><tr><th scope="col">Backup</th><th scope="col">Taken</th><th scope="col">Files</th><th scope="col">Restore</th></tr></thead><tbody>
{{#BACKUP}}<tr><td class="mono">{{ID}}</td><td>{{TAKEN}}</td><td>{{SIZE}}</td><td><form method="post" action="/admin/ves/{{VE_ID}}/restore" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="backup" value="{{ID}}">
<label class="option"><input type="checkbox" name="confirm" value="yes"> sure</label> <button type="submit" class="secondary">Restore</button></form></td></tr>{{/BACKUP}}
</tbody></table></div>
<form method="post" action="/admin/ves/{{VE_ID}}/backup" class="action inline"><input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit" class="secondary" id="backup-now">Back up now</button></form>
{{#CAN_REINSTALL}}<form method="post" action="/admin/ves/{{VE_ID}}/reinstall" class="action danger-zone" id="reinstall-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field"><label for="r-template">Template</label><div class="control"><input id="r-template" name="template" value="debian-12" maxlength="32" required></div></div>
<div class="field"><label for="r-password">New root password <span class="unit">(12 to 128 characters; tell the customer)</span></label><div class="control"><input id="r-password" name="password" type="password" minlength="12" maxlength="128" autocomplete="new-password" required></div></div>
<div class="field"><label class="option"><input type="checkbox" name="confirm" value="yes"> Reinstall: every file of this VE is erased (VEid, addresses and billing stay)</label></div>
<button type="submit" class="danger" id="reinstall">Reinstall</button></form>{{/CAN_REINSTALL}}
</section>{{/BACKUPS}}
{{#DETAIL}}
<div class="cards">
<section class="card"><h2>Network</h2>
<div class="table-wrap"><table class="data compact"><thead><tr><th scope="col">Address</th><th scope="col">Netmask</th><th scope="col">DNS name</th></tr></thead><tbody>
{{#IP}}<tr><td class="mono">{{ADDRESS}}</td><td class="mono">{{NETMASK}}</td><td>{{DNS_NAME}}</td></tr>{{/IP}}
</tbody></table></div>{{#NO_IPS}}<p class="empty">No addresses.</p>{{/NO_IPS}}
<p class="muted small">Gateway <span class="mono">{{GATEWAY}}</span></p></section>
<section class="card"><h2>Usage</h2>
{{#USAGE}}<dl class="facts">
<dt>Disk</dt><dd>{{DISK}}</dd><dt>Virtual memory</dt><dd>{{VMEM}}</dd>
<dt>CPU now</dt><dd>{{CPU_BOGOMIPS}} bogomips</dd><dt>CPU time in all</dt><dd>{{CPU_HOURS}} CPU-hours</dd>
<dt>Traffic in</dt><dd>{{NET_IN}}</dd><dt>Traffic out</dt><dd>{{NET_OUT}}</dd>
</dl><p class="muted small">As of {{AS_OF}}</p>{{/USAGE}}
{{#NO_USAGE}}<p class="empty">Nothing recorded yet.</p>{{/NO_USAGE}}</section>
</div>
{{#USAGE}}<section class="card"><h2>Last day</h2><div class="charts">
{{#CHART}}<figure class="chart"><img src="/admin/chart/ve?ve_id={{VE_ID}}&amp;metric={{METRIC}}&amp;range=day" alt="{{METRIC}} of VE {{VE_ID}}, last day" width="640" height="220"></figure>{{/CHART}}
</div></section>{{/USAGE}}
<section class="card"><h2>Order</h2>
<div class="table-wrap"><table class="data compact order-summary"><tbody>
{{#ORDER}}<tr><th scope="row">{{LABEL}}</th><td>{{VALUE}}</td></tr>{{/ORDER}}
</tbody></table></div></section>
{{/DETAIL}}
<section class="card"><h2>Invoices</h2>
{{#BILLING_NA}}<p class="empty">Billing is not available in this installation yet.</p>{{/BILLING_NA}}
{{#NO_INVOICES}}<p class="empty">No invoices yet.</p>{{/NO_INVOICES}}
<div class="table-wrap"><table class="data compact"><tbody>
{{#INVOICE}}<tr><th scope="row"><a href="/admin/invoices/{{NUMBER}}">{{NUMBER}}</a></th><td>{{PERIOD}}</td><td class="num">{{TOTAL}}</td><td class="num">{{BALANCE}} open</td><td><span class="state state-{{STATUS}}">{{STATUS}}</span></td></tr>{{/INVOICE}}
</tbody></table></div></section>
<section class="card"><h2>History</h2>
<div class="table-wrap"><table class="data compact audit">
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
<tbody>
{{#AUDIT}}<tr><td class="nowrap">{{AT}}</td><td>{{ACTOR}}</td><td><code>{{ACTION}}</code></td><td class="json">{{BEFORE}}</td><td class="json">{{AFTER}}</td></tr>
{{/AUDIT}}
</tbody></table></div>
{{#NO_AUDIT}}<p class="empty">No operator changes yet.</p>{{/NO_AUDIT}}
</section>
{{>FOOTER}}
