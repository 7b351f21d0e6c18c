{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="card narrow">
<h1>My VE</h1>
<p class="lead">Log in with your VE's id and root password to see its addresses, usage and settings.</p>
{{#ERROR}}<div class="alert alert-error" role="alert" id="login-error"><p>{{MSG}}</p><p class="small">Check: <a href="#ve_id">VEid</a> · <a href="#password">Root password</a></p></div>{{/ERROR}}
<form method="post" action="/self/login" class="stack">
<input type="hidden" name="login_token" value="{{LOGIN_TOKEN}}">
<div class="field">
<label for="ve_id">VEid</label>
<div class="control"><input id="ve_id" name="ve_id" type="text" value="{{VE_ID}}" autocomplete="username" autocapitalize="characters" spellcheck="false" minlength="8" maxlength="8" pattern="[0-9A-Fa-f]{8}" aria-describedby="ve_id-help{{#ERROR}} login-error{{/ERROR}}"{{#FOCUS_VE}} autofocus{{/FOCUS_VE}} required></div>
<p class="help" id="ve_id-help">8 hexadecimal digits, as shown when you ordered, such as 0000002A.</p>
</div>
<div class="field">
<label for="password">Root password</label>
<div class="control"><input id="password" name="password" type="password" autocomplete="current-password"{{#ERROR}} aria-describedby="login-error"{{/ERROR}}{{#FOCUS_PW}} autofocus{{/FOCUS_PW}} required></div>
</div>
<div class="actions"><button type="submit" class="primary">Log in</button> <a href="/self/forgot" id="forgot-link">Forgot password?</a></div>
</form>
<p class="muted">No VE yet? <a href="/signup">Order one</a>.</p>
</section>
{{>FOOTER}}
