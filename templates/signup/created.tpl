{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="hero">
{{#FRESH}}<h1>Your VE is ready</h1>
<p class="lead">VE <strong class="mono" id="ve-id">{{VE_ID}}</strong> has been created. Keep the details below: you need the VEid and the root password to log in to the VE and to <a href="/self">My VE</a>.</p>{{/FRESH}}
{{#AGAIN}}<h1>This order was already placed</h1>
<p class="lead">VE <strong class="mono" id="ve-id">{{VE_ID}}</strong> was created by this same order a moment ago; nothing new was created. The root password was shown once, when the VE was created.</p>{{/AGAIN}}
</section>
{{#PASSWORD}}<div class="alert alert-warn secret" role="note">
<h2>Root password</h2>
<p><code class="mono" id="root-password">{{PW}}</code></p>
<p>This is the only time it is shown: we keep just a one-way hash. Store it in your password manager now.</p>
</div>{{/PASSWORD}}
<div class="cards">
<section class="card">
<h2>Your VE</h2>
<dl class="facts">
<dt>VEid</dt><dd class="mono">{{VE_ID}}</dd>
<dt>State</dt><dd>{{STATE}}</dd>
<dt>Data erased after</dt><dd><time datetime="{{EXPIRES_ISO}}">{{EXPIRES}}</time></dd>
<dt>Log in with</dt><dd>{{LOGINS}}</dd>
<dt>Operating system</dt><dd>{{TEMPLATE}}</dd>
<dt>Plan</dt><dd>{{PLAN}} · {{FEE}} per month</dd>
{{#TOTAL}}<dt>A month in all</dt><dd id="created-total">{{TOTAL}} {{#TAX}}(VAT {{RATE}} included){{/TAX}}{{#DISK}} · with {{GB}} GB of disk above the included{{/DISK}}</dd>
<dt>At a traffic cap</dt><dd>{{CAP}}</dd>{{/TOTAL}}
</dl>
</section>
<section class="card">
<h2>Network</h2>
<table class="data rt">
<caption class="sr-only">IP addresses of the VE</caption>
<thead><tr><th scope="col">#</th><th scope="col">IP address</th><th scope="col">Netmask</th><th scope="col">DNS name</th></tr></thead>
<tbody>{{#IP}}<tr><td data-label="#">{{N}}</td><td class="mono ip" data-label="IP address">{{ADDRESS}}</td><td class="mono" data-label="Netmask">{{NETMASK}}</td><td data-label="DNS name">{{DNS_NAME}}</td></tr>{{/IP}}</tbody>
</table>
<dl class="facts">
<dt>Default gateway</dt><dd class="mono" id="gateway">{{GATEWAY}}</dd>
<dt>DNS servers</dt><dd class="mono">{{DNS_SERVERS}}</dd>
</dl>
</section>
</div>
<section class="card">
<h2>What you ordered and what you received</h2>
<table class="data order-summary rt">
<caption class="sr-only">Order parameters</caption>
<thead><tr><th scope="col">Service</th><th scope="col">Requested</th><th scope="col">Received</th></tr></thead>
<tbody>{{#LINE}}<tr><th scope="row">{{LABEL}}</th><td data-label="Requested">{{REQUESTED}}</td><td data-label="Received">{{RECEIVED}}</td></tr>{{/LINE}}</tbody>
</table>
</section>
<p class="actions"><a class="button primary" href="/self">Go to My VE</a>{{#IN_ACCOUNT}} <a class="button" href="/account" id="back-to-account">Back to My account</a>{{/IN_ACCOUNT}}</p>
{{>FOOTER}}
