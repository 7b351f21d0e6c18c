{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="card narrow">
{{#ERROR}}<div class="alert alert-error" role="alert" id="reset-error"><p>{{MSG}}</p></div>{{/ERROR}}
{{#FORGOT}}
<h1>Forgot password?</h1>
<p class="lead">Enter your account's e-mail address. We mail a link to set a new password; it works once, for 30 minutes.</p>
<form method="post" action="/account/forgot" class="stack" id="forgot-form">
<input type="hidden" name="form_token" value="{{FORM_TOKEN}}">
<div class="field">
<label for="email">E-mail address</label>
<div class="control"><input id="email" name="email" type="email" autocomplete="username" spellcheck="false" maxlength="254" required></div>
</div>
<div class="actions"><button type="submit" class="primary">Mail me a link</button></div>
</form>
<p class="muted"><a href="/account">Back to the login</a></p>
{{/FORGOT}}
{{#SENT}}
<h1>Check your mail</h1>
<p class="lead" id="reset-sent">If the address belongs to an account, a link to set a new password is on its way. It works once, for 30 minutes.</p>
<p class="muted"><a href="/account">Back to the login</a></p>
{{/SENT}}
{{#RESET}}
<h1>New password for your account</h1>
<form method="post" action="/account/reset" class="stack" id="reset-form">
<input type="hidden" name="form_token" value="{{FORM_TOKEN}}">
<input type="hidden" name="token" value="{{TOKEN}}">
<div class="field">
<label for="password">New password</label>
<div class="control"><input id="password" name="password" type="password" autocomplete="new-password" minlength="12" maxlength="128" aria-describedby="pw-help" required></div>
<p class="help" id="pw-help">12 to 128 characters. Every session of the account ends.</p>
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
<p class="lead" id="reset-done">Your account's new password is in force; every earlier session has ended.</p>
<p><a href="/account">Log in</a></p>
{{/DONE}}
{{#BAD_LINK}}
<h1>This link does not work</h1>
<p class="lead" id="reset-bad">The link is unknown, was used already or is older than 30 minutes.</p>
<p><a href="/account/forgot">Ask for a new one</a></p>
{{/BAD_LINK}}
</section>
{{>FOOTER}}
