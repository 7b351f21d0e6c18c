{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
{{#NOTICE}}<div class="alert alert-ok" role="status" id="account-notice"><p class="wrap-any">{{MSG}}</p></div>{{/NOTICE}}
<div class="cards">
<section class="card" aria-labelledby="h-login">
<h1 id="h-login">My account</h1>
<p class="lead">Log in with your e-mail address and password to see all your VEs, their charges and your invoices in one place.</p>
{{#ERROR}}<div class="alert alert-error" role="alert" id="login-error"><p>{{MSG}}</p></div>{{/ERROR}}
<form method="post" action="/account/login" class="stack" id="login-form">
<input type="hidden" name="login_token" value="{{LOGIN_TOKEN}}">
<div class="field">
<label for="email">E-mail address</label>
<div class="control"><input id="email" name="email" type="email" value="{{EMAIL}}" autocomplete="username" spellcheck="false" maxlength="254"{{#ERROR}} aria-describedby="login-error"{{/ERROR}} required></div>
</div>
<div class="field">
<label for="password">Password</label>
<div class="control"><input id="password" name="password" type="password" autocomplete="current-password"{{#ERROR}} aria-describedby="login-error"{{/ERROR}} required></div>
</div>
<div class="actions"><button type="submit" class="primary">Log in</button> <a href="/account/forgot" id="forgot-link">Forgot password?</a></div>
</form>
<p class="muted">One VE and its VEid? <a href="/self">Log in to My VE</a> instead.</p>
</section>
<section class="card" aria-labelledby="h-signup">
<h2 id="h-signup">New here? Open an account</h2>
<p>We mail you a link to confirm your address; once it is confirmed you can order VEs into your account and link VEs you ordered before.</p>
{{#SIGNUP_ERROR}}<div class="alert alert-error" role="alert" id="signup-error"><p>{{MSG}}</p></div>{{/SIGNUP_ERROR}}
<form method="post" action="/account/signup" class="stack" id="signup-form">
<input type="hidden" name="login_token" value="{{LOGIN_TOKEN}}">
<div class="field">
<label for="signup-email">E-mail address</label>
<div class="control"><input id="signup-email" name="email" type="email" value="{{SIGNUP_EMAIL}}" autocomplete="email" spellcheck="false" maxlength="254"{{#SIGNUP_ERROR}} aria-describedby="signup-error"{{/SIGNUP_ERROR}} required></div>
</div>
<div class="field">
<label for="signup-password">Password</label>
<div class="control"><input id="signup-password" name="password" type="password" autocomplete="new-password" minlength="12" maxlength="128" aria-describedby="signup-pw-help" required></div>
<p class="help" id="signup-pw-help">12 to 128 characters.</p>
</div>
<div class="field">
<label for="signup-confirm">The same again</label>
<div class="control"><input id="signup-confirm" name="confirm" type="password" autocomplete="new-password" required></div>
</div>
<div class="actions"><button type="submit" class="primary">Open an account</button></div>
</form>
</section>
</div>
{{>FOOTER}}
