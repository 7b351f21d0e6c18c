{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="card error"><h1>{{STATUS}} · {{TITLE}}</h1><p>{{MESSAGE}}</p></section>
{{>FOOTER}}
