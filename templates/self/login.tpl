{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="card"><h1>My VE</h1>
<form method="post" action="/self/login">
<label for="ve_id">VEid</label><input id="ve_id" name="ve_id" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button></form></section>
{{>FOOTER}}
