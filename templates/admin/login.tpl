{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="card narrow">
<h1>Operator login</h1>
<p class="muted">The {{ISP_NAME}} operator screens: VEs, nodes, plans, invoices and reports.</p>
{{#NOTICE}}<div class="alert alert-ok" role="status"><p>{{TEXT}}</p></div>{{/NOTICE}}
{{#ERROR}}<div class="alert alert-error" role="alert" id="login-error"><p>{{MSG}}</p></div>{{/ERROR}}
<form method="post" action="/admin/login" class="stack">
<input type="hidden" name="login_token" value="{{LOGIN_TOKEN}}">
<div class="field">
<label for="name">Name</label>
<div class="control"><input id="name" name="name" type="text" value="{{NAME}}" autocomplete="username" spellcheck="false" maxlength="64"{{#ERROR}} aria-describedby="login-error"{{/ERROR}} required></div>
</div>
<div class="field">
<label for="password">Password</label>
<div class="control"><input id="password" name="password" type="password" autocomplete="current-password"{{#ERROR}} aria-describedby="login-error"{{/ERROR}} required></div>
</div>
<div class="actions"><button type="submit" class="primary">Log in</button></div>
</form>
</section>
{{>FOOTER}}
