{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="card narrow">
{{#ERROR}}<div class="alert alert-error" role="alert" id="reset-error"><p>{{MSG}}</p></div>{{/ERROR}}
{{#FORGOT}}
<h1>Forgot password?</h1>
<p class="lead">Enter your VEid. We mail a link to set a new password to the account's e-mail address; it works once, for 30 minutes.</p>
<form method="post" action="/self/forgot" class="stack" id="forgot-form">
<input type="hidden" name="form_token" value="{{FORM_TOKEN}}">
<div class="field">
<label for="ve_id">VEid</label>
<div class="control"><input id="ve_id" name="ve_id" value="{{VE_ID}}" autocomplete="username" autocapitalize="characters" spellcheck="false" maxlength="8" aria-describedby="ve_id-help" required></div>
<p class="help" id="ve_id-help">8 hexadecimal digits, such as 0000002A.</p>
</div>
<div class="actions"><button type="submit" class="primary">Mail me a link</button></div>
</form>
<p class="muted"><a href="/self">Back to the login</a></p>
{{/FORGOT}}
{{#SENT}}
<h1>Check your mail</h1>
<p class="lead" id="reset-sent">If the VEid belongs to a VE, a link to set a new password is on its way to the account's e-mail address. It works once, for 30 minutes.</p>
<p class="muted"><a href="/self">Back to the login</a></p>
{{/SENT}}
{{#RESET}}
<h1>New password for VE {{VE_ID}}</h1>
<form method="post" action="/self/reset" class="stack" id="reset-form">
<input type="hidden" name="form_token" value="{{FORM_TOKEN}}">
<input type="hidden" name="token" value="{{TOKEN}}">
<div class="field">
<label for="new_password">New password</label>
<div class="control"><input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="12" maxlength="128" aria-describedby="pw-help" required></div>
<p class="help" id="pw-help">12 to 128 characters. Every session of this VE ends, and the VE's root account gets the new password too.</p>
</div>
<div class="field">
<label for="confirm">The same again</label>
<div class="control"><input id="confirm" name="confirm" type="password" autocomplete="new-password" required></div>
</div>
<div class="actions"><button type="submit" class="primary">Set the password</button></div>
</form>
{{/RESET}}
{{#DONE}}
<h1>Password set</h1>
<p class="lead" id="reset-done">The new password of VE {{VE_ID}} is in force; every earlier session has ended.</p>
<p><a href="/self">Log in</a></p>
{{/DONE}}
{{#BAD_LINK}}
<h1>This link does not work</h1>
<p class="lead" id="reset-bad">The link is unknown, was used already or is older than 30 minutes.</p>
<p><a href="/self/forgot">Ask for a new one</a></p>
{{/BAD_LINK}}
</section>
{{>FOOTER}}
