{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<link rel="stylesheet" href="/static/css/self.css">
<p class="crumbs"><a href="/self">← My VE <span class="mono">{{VE_ID}}</span></a></p>
<section class="hero">
<h1>Reinstall and backups</h1>
<p class="muted">VE <span class="mono">{{VE_ID}}</span></p>
</section>
{{#NOTICE}}<div class="alert alert-ok" role="status" id="notice"><p>{{MSG}}</p></div>{{/NOTICE}}
<section class="card" aria-labelledby="h-backups" id="backups">
<h2 id="h-backups">Backups</h2>
<p>A consistent copy of your VE's files is made at least every {{BACKUP_HOURS}} hours and kept in a backup repository outside your VE; the latest few are kept.</p>
{{#BACKUP_ERROR}}<div class="alert alert-error" role="alert" id="backup-error"><p>The latest backup failed: {{MSG}}. It is tried again automatically.</p></div>{{/BACKUP_ERROR}}
{{#BACKUPS_UNAVAILABLE}}<p class="muted">The list of backups is briefly unavailable.</p>{{/BACKUPS_UNAVAILABLE}}
{{#NO_BACKUPS}}<p class="muted" id="no-backups">No backup yet.</p>{{/NO_BACKUPS}}
{{#ERR_BACKUP}}<div class="alert alert-error" role="alert" id="restore-error"><p>{{MSG}}</p></div>{{/ERR_BACKUP}}
<table class="data" id="backup-list">
<thead><tr><th scope="col">Taken</th><th scope="col">Size of the files</th><th scope="col">Restore</th></tr></thead>
<tbody>
{{#BACKUP}}<tr class="backup" data-id="{{ID}}"><th scope="row">{{TAKEN}}</th><td class="num">{{SIZE}}</td><td>
<form method="post" action="/self/restore" class="inline restore-form">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="backup" value="{{ID}}">
{{#ASK}}<label class="confirm"><input type="checkbox" name="sure" value="1" required id="restore-sure"> Yes: stop my VE and replace its files with this backup's (changes since are lost)</label>{{/ASK}}
<button type="submit" class="secondary">Restore…</button>
</form></td></tr>
{{/BACKUP}}</tbody>
</table>
<form method="post" action="/self/backups" class="inline" id="backup-now-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit" class="secondary" id="backup-now">Back up now</button>
</form>
</section>
<section class="card" aria-labelledby="h-reinstall" id="reinstall">
<h2 id="h-reinstall">Reinstall</h2>
<p>Your VE is made afresh from the template: <strong>every file on it is erased</strong> (make a backup first if you need them). Its VEid, addresses and billing stay as they are.</p>
<form method="post" action="/self/reinstall" class="stack" id="reinstall-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field">
<label for="template">Template</label>
<div class="control"><select id="template" name="template" required>{{#TEMPLATE}}<option value="{{CODE}}" {{SELECTED}}>{{NAME}}</option>{{/TEMPLATE}}</select></div>
{{#ERR_TEMPLATE}}<p class="error" id="template-error">{{MSG}}</p>{{/ERR_TEMPLATE}}
</div>
<div class="field">
<label for="new_password">New root password</label>
<div class="control"><input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="12" maxlength="128" required></div>
<p class="help">12 to 128 characters: root's password inside the VE and your password here.</p>
{{#ERR_NEW}}<p class="error" id="new-error">{{MSG}}</p>{{/ERR_NEW}}
</div>
<div class="field">
<label for="confirm">The same again</label>
<div class="control"><input id="confirm" name="confirm" type="password" autocomplete="new-password" required></div>
{{#ERR_CONFIRM}}<p class="error" id="confirm-error">{{MSG}}</p>{{/ERR_CONFIRM}}
</div>
<div class="field">
<label class="confirm"><input type="checkbox" name="sure" value="1" id="reinstall-sure"> Yes: erase every file of VE {{VE_ID}} and reinstall it</label>
{{#ERR_SURE}}<p class="error" id="sure-error">{{MSG}}</p>{{/ERR_SURE}}
</div>
<div class="actions"><button type="submit" class="primary danger" id="reinstall-submit">Reinstall</button></div>
</form>
</section>
{{>FOOTER}}
