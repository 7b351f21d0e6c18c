{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="card"><h1>Order a VE</h1>
<p>The signup screen is being built.</p></section>
{{>FOOTER}}
