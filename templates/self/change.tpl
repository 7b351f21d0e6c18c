{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<link rel="stylesheet" href="/static/css/self.css">
<section class="hero"><h1>Change VE <span class="mono" id="ve-id">{{VE_ID}}</span></h1>
<p class="muted">Billing follows the new plan and parameters from the second of the change; this month's charges show each part with its dates. <a href="/self">Back to your VE</a></p></section>
{{#DONE}}<div class="alert alert-ok" role="status" id="change-done"><p><strong>Changed.</strong></p>
<ul>{{#APPLIED}}<li class="applied"><strong>{{LABEL}}</strong>: {{VALUE}} — {{HOW}}.</li>{{/APPLIED}}</ul>
{{#RESTART_NEEDED}}<p id="restart-needed">Part of this change takes effect at your VE's next start: restart it when convenient.</p>{{/RESTART_NEEDED}}
{{#RESTARTING}}<p id="restarting">Your VE restarts within 30 seconds to apply it.</p>{{/RESTARTING}}</div>{{/DONE}}
{{#ERROR}}<div class="alert alert-error" role="alert" id="change-error"><p>{{MSG}}</p></div>{{/ERROR}}
<section class="card" aria-labelledby="h-change"><h2 id="h-change">Service</h2>
<form method="post" action="/self/change" class="change-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
{{#FIELD}}<div class="field{{#BAD}} field-bad{{/BAD}}" id="field-{{NAME}}"><label for="f-{{NAME}}">{{LABEL}}</label>
{{#TEXT}}<input id="f-{{NAME}}" name="{{NAME}}" type="text" value="{{VALUE}}">{{/TEXT}}{{#AREA}}<textarea id="f-{{NAME}}" name="{{NAME}}" rows="3">{{VALUE}}</textarea>{{/AREA}}{{#SELECT}}<select id="f-{{NAME}}" name="{{NAME}}">{{#OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{TEXT}}</option>{{/OPTION}}</select>{{/SELECT}}{{#CHECKS}}<span id="f-{{NAME}}">{{#CHECK}}<label class="inline"><input type="checkbox" name="login" value="{{V}}"{{#ON}} checked{{/ON}}> {{V}}</label> {{/CHECK}}</span>{{/CHECKS}}{{#UNIT}} <span class="unit">{{U}}</span>{{/UNIT}}
<p class="help small muted">{{HELP}}</p>{{#BAD}}<p class="error" id="e-{{NAME}}">{{MSG}}</p>{{/BAD}}</div>
{{/FIELD}}<div class="field"><label class="inline"><input type="checkbox" name="restart" value="true" id="f-restart"> Restart the VE now, so that what needs a start applies at once</label></div>
<div class="actions"><button type="submit" id="change-submit">Change</button></div>
</form></section>
{{>FOOTER}}
