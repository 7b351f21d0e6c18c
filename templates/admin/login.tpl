{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="card"><h1>Operator login</h1>
<p>The admin screens are being built.</p></section>
{{>FOOTER}}
