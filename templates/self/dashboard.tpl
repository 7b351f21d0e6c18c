{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<link rel="stylesheet" href="/static/css/self.css">
<section class="hero dash-head">
<div>
<h1>VE <span class="mono" id="ve-id">{{VE_ID}}</span> <span class="badge{{#STATE_BAD}} badge-bad{{/STATE_BAD}}">{{STATE}}</span></h1>
<p class="muted">{{PLAN}} · {{TEMPLATE}} · created {{CREATED}} · data erased after {{EXPIRES}} · <a href="/self/change" id="change-link">Change the service</a></p>
</div>
<form method="post" action="/self/logout" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit" class="secondary">Log out</button>
</form>
</section>
{{#PW_FAILED}}<div class="alert alert-error" role="alert" id="pw-failed"><p><strong>Your password was not changed.</strong> <a href="#password">Correct the password form</a>.</p></div>{{/PW_FAILED}}
{{#PW_CHANGED}}<div class="alert alert-ok" role="status"><p>Your password was changed and every other session of this VE was logged out. Remember to update <code>/etc/VE/VEinfo.conf</code> inside the VE if veinfo uses it.</p></div>{{/PW_CHANGED}}
{{#POWERED}}<div class="alert alert-ok" role="status" id="powered"><p>Your VE will be {{WHAT}} within 30 seconds.</p></div>{{/POWERED}}
{{#STATE_BANNER}}<div class="alert alert-error" role="alert"><p><strong>{{WHAT}}.</strong> Reason: {{REASON}}.</p></div>{{/STATE_BANNER}}
{{#CAP_SUSPENDED}}<div class="alert alert-error cap-notice" role="alert" id="cap-notice"><p><strong>Traffic cap reached: your VE is suspended until the end of the month.</strong> {{WHICH}} reached its cap of {{CAP}} on {{WHEN}} ({{USED}} used this month). Your order's plan suspends a VE at its cap; it is resumed automatically when the next month begins.</p></div>{{/CAP_SUSPENDED}}
{{#CAP_THROTTLED}}<div class="alert alert-warn cap-notice" role="alert" id="cap-notice"><p><strong>Traffic cap reached: your VE's bandwidth is limited to {{KBPS}} until the end of the month.</strong> {{WHICH}} reached its cap of {{CAP}} on {{WHEN}} ({{USED}} used this month). Full speed returns automatically when the next month begins.</p></div>{{/CAP_THROTTLED}}
{{#EXPIRY_BANNER}}<div class="alert alert-warn" role="alert"><p><strong>Your VE expires in {{LEFT}}</strong>, on {{WHEN}}. After that its data is erased; copy anything you want to keep.</p></div>{{/EXPIRY_BANNER}}
<div class="cards">
<section class="card" aria-labelledby="h-net">
<h2 id="h-net">Network</h2>
<table class="data rt">
<caption class="sr-only">IP addresses</caption>
<thead><tr><th scope="col">#</th><th scope="col">IP address</th><th scope="col">Netmask</th><th scope="col">DNS name</th></tr></thead>
<tbody>{{#IP}}<tr><td data-label="#">{{N}}</td><td class="mono ip" data-label="IP address">{{ADDRESS}}</td><td class="mono" data-label="Netmask">{{NETMASK}}</td><td data-label="DNS name">{{DNS_NAME}}</td></tr>{{/IP}}</tbody>
</table>
<dl class="facts">
<dt>Default gateway</dt><dd class="mono" id="gateway">{{GATEWAY}}</dd>
<dt>DNS servers</dt><dd class="mono">{{#DNS_SERVER}}<span class="dns">{{ADDRESS}}</span> {{/DNS_SERVER}}</dd>
</dl>
</section>
{{#POWER}}<section class="card" aria-labelledby="h-power" id="power">
<h2 id="h-power">Power</h2>
<p>Wanted state: <strong id="power-wish">{{WISH}}</strong>.</p>
{{#POWER_LOCKED}}<p class="muted" id="power-locked">Your VE is not active, so it cannot be started, stopped or restarted now.</p>{{/POWER_LOCKED}}
<div class="actions">{{#BUTTON}}<form method="post" action="/self/power" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="action" value="{{ACTION}}">
<button type="submit" class="secondary" id="power-{{ACTION}}">{{LABEL}}</button>
</form> {{/BUTTON}}</div>
<p><a href="/self/reinstall" id="reinstall-link">Reinstall and backups</a></p>
</section>{{/POWER}}
<section class="card" aria-labelledby="h-info">
<h2 id="h-info">User information</h2>
{{#USER_INFO}}<p class="user-info" id="user-info">{{TEXT}}</p>{{/USER_INFO}}
{{#NO_USER_INFO}}<p class="muted" id="user-info">None given.</p>{{/NO_USER_INFO}}
<h3 id="h-bw">Bandwidth</h3>
{{#BW_THROTTLED}}<p class="bw-throttled" id="bw-throttled"><strong>Throttled to {{KBPS}}</strong> in each direction until the month ends: a traffic cap was reached (see the notice above).</p>{{/BW_THROTTLED}}
<table class="data rt" id="bw-table" aria-labelledby="h-bw">
<thead><tr><th scope="col">Direction</th><th scope="col">Reserved</th><th scope="col">Cap</th></tr></thead>
<tbody>{{#BW}}<tr><th scope="row">{{LABEL}}</th><td data-label="Reserved">{{MIN}}</td><td data-label="Cap"{{#THROTTLED}} class="throttled"{{/THROTTLED}}>{{MAX}}</td></tr>{{/BW}}</tbody>
</table>
</section>
</div>
<section class="card" aria-labelledby="h-usage">
<h2 id="h-usage">Usage</h2>
{{#NO_USAGE}}<p class="empty" id="no-usage">No usage recorded yet. Figures appear here within a minute or two of your VE starting.</p>{{/NO_USAGE}}
{{#USAGE}}<p class="muted">As of {{AS_OF}}. Traffic is counted per calendar month (UTC), as caps and charges are: a <em>cap</em> is your order's maximum traffic quota for the month, <em>reserved</em> its minimum.</p>
<table class="data usage rt">
<thead><tr><th scope="col">Resource</th><th scope="col">Used</th><th scope="col">Quota</th><th scope="col"><span class="sr-only">Share of quota</span></th></tr></thead>
<tbody>{{#USAGE_ROW}}<tr><th scope="row">{{LABEL}}</th><td data-label="Used">{{USED}}{{#NOTE}}<br><span class="muted small">{{TEXT}}</span>{{/NOTE}}</td><td class="quota" data-label="Quota">{{QUOTA}}</td><td data-label="Share of quota">{{#METER}}<meter min="0" max="1" value="{{FRAC}}" low="0.8" high="0.95" optimum="0">{{PCT}}%</meter> <span class="small">{{PCT}}%</span>{{/METER}}</td></tr>
{{/USAGE_ROW}}</tbody>
</table>
<p class="muted small" id="cpu-units">CPU is shown in two units: <em>bogomips</em> measure a share of the node's CPU capacity (one CPU of this node is {{BOGO_PER_CPU}} bogomips; your reservation and the charts use them), <em>CPU-hours</em> the CPU time used (one CPU busy for an hour, that is {{BOGO_PER_CPU}} bogomips held for an hour; charges use them).</p>{{/USAGE}}
</section>
{{#HISTORY}}<section class="card" aria-labelledby="h-history">
<h2 id="h-history">Usage history</h2>
<nav class="tabs" aria-label="Period">{{#RANGE}}{{#CURRENT}}<span class="tab current" aria-current="page">{{TEXT}}</span>{{/CURRENT}}{{#OTHER}}<a class="tab" href="/self?range={{RANGE}}#h-history">{{TEXT}}</a>{{/OTHER}} {{/RANGE}}</nav>
<div class="charts">{{#CHART}}<figure class="chart"><img src="/self/chart?metric={{METRIC}}&amp;range={{RANGE}}" alt="{{ALT}}" width="640" height="220"><figcaption>{{ALT}}</figcaption></figure>
{{/CHART}}</div>
</section>{{/HISTORY}}
<section class="card" aria-labelledby="h-charges" id="charges">
<h2 id="h-charges">Charges this month</h2>
{{#CHARGES_NA}}<p class="empty">The charges for {{MONTH}} cannot be shown right now; please try again later.</p>{{/CHARGES_NA}}
{{#CHARGES}}{{#AVAIL}}<p class="availability" id="availability">Availability this month: <strong id="availability-value">{{PERCENT}} %</strong>{{#TARGET}} (target {{TARGET}} %){{/TARGET}}{{#ON_DEMAND}} (on demand: no availability target){{/ON_DEMAND}}{{#NO_TARGET}} (your plan has no availability target){{/NO_TARGET}}.{{#CREDIT}} <span id="availability-credit">That is below the target: a service credit of {{AMOUNT}} {{CURRENCY}} ({{PERCENT}} % of the monthly fee) is deducted below.</span>{{/CREDIT}} <span class="muted small">Measured each second your VE's node could be asked; seconds nobody could measure are left out.</span></p>{{/AVAIL}}
{{#AVAIL_NONE}}<p class="availability muted" id="availability">Availability this month: not measured yet.</p>{{/AVAIL_NONE}}
<p class="muted">{{MONTH}} so far, as of {{AS_OF}}: what the invoice would say if the month ended now. Amounts in {{CURRENCY}}; choose a metered line to see the days and hours behind it.</p>
<div class="table-scroll">
<table class="data charges rt" id="charges-table">
<caption class="sr-only">Charges for {{MONTH}} so far, in {{CURRENCY}}</caption>
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Unit price</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
{{#CLINE}}<tr class="cline" data-kind="{{KIND}}" data-resource="{{RESOURCE}}"><th scope="row">{{#LINK}}<a href="/self/charges?period={{PERIOD}}&amp;resource={{RESOURCE}}">{{ITEM}}</a>{{/LINK}}{{#NOLINK}}{{ITEM}}{{/NOLINK}}</th><td class="num qty" data-label="Quantity">{{QUANTITY}} {{UNIT}}</td><td class="num price" data-label="Unit price">{{PRICE}}</td><td class="num amount" data-label="Amount">{{AMOUNT}}</td></tr>
{{/CLINE}}</tbody>
<tfoot>
<tr><th scope="row" colspan="3" class="num">Subtotal</th><td class="num" id="charges-subtotal">{{SUBTOTAL}}</td></tr>
<tr><th scope="row" colspan="3" class="num">Tax</th><td class="num" id="charges-tax">{{TAX}}</td></tr>
<tr class="grand"><th scope="row" colspan="3" class="num">Total so far</th><td class="num" id="charges-total">{{TOTAL}} {{CURRENCY}}</td></tr>
</tfoot>
</table>
</div>{{/CHARGES}}
</section>
<section class="card" aria-labelledby="h-invoices" id="invoices">
<h2 id="h-invoices">Invoices</h2>
{{#INVOICES_NA}}<p class="empty">Your invoices cannot be shown right now; please try again later.</p>{{/INVOICES_NA}}
{{#NO_INVOICES}}<p class="empty" id="no-invoices">No invoices yet. An invoice is issued for each month after it ends.</p>{{/NO_INVOICES}}
{{#INVOICES}}<div class="table-scroll">
<table class="data invoices rt" id="invoices-table">
<caption class="sr-only">Invoices</caption>
<thead><tr><th scope="col">Number</th><th scope="col">Period</th><th scope="col">Issued</th><th scope="col">Due</th><th scope="col" class="num">Total</th><th scope="col" class="num">Paid</th><th scope="col" class="num">Balance</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Pay</span></th></tr></thead>
<tbody>
{{#INV}}<tr class="inv" data-number="{{NUMBER}}"><th scope="row"><a class="mono" href="/self/invoices/{{NUMBER}}">{{NUMBER}}</a></th><td data-label="Period">{{PERIOD}}</td><td data-label="Issued">{{ISSUED}}</td><td data-label="Due">{{DUE}}</td><td class="num total" data-label="Total">{{TOTAL}} {{CURRENCY}}</td><td class="num paid" data-label="Paid">{{PAID}}</td><td class="num balance" data-label="Balance">{{BALANCE}}</td><td data-label="Status"><span class="status status-{{STATUS}}">{{STATUS}}</span></td><td data-label="Pay">{{#PAY}}<a class="pay" href="{{URL}}">Pay</a>{{/PAY}}</td></tr>
{{/INV}}</tbody>
</table>
</div>
<p class="muted small">Choose an invoice number to see and print the invoice with its lines, credits and payments.</p>{{/INVOICES}}
{{#NOTES}}<h3 id="h-notes">Debit and credit notes</h3>
<p class="muted small">A debit note adds to an invoiced month, a credit note takes away from it: usage that reached us after the month was invoiced is billed this way, for exactly the difference, with the reason and the quantities before and after.</p>
<div class="table-scroll">
<table class="data notes rt" id="notes-table">
<caption class="sr-only">Debit and credit notes</caption>
<thead><tr><th scope="col">Number</th><th scope="col">Kind</th><th scope="col">Invoice</th><th scope="col">Period</th><th scope="col">Issued</th><th scope="col" class="num">Total</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col"><span class="sr-only">Pay</span></th></tr></thead>
<tbody>
{{#NOTE}}<tr class="note" data-number="{{NUMBER}}" data-kind="{{KIND}}"><th scope="row">{{#NOTE_LINK}}<a class="mono" href="/self/invoices/{{NUMBER}}">{{NUMBER}}</a>{{/NOTE_LINK}}{{#NOTE_PLAIN}}<span class="mono">{{NUMBER}}</span>{{/NOTE_PLAIN}}</th><td data-label="Kind">{{KIND_LABEL}}</td><td data-label="Invoice"><a class="mono" href="/self/invoices/{{INVOICE}}">{{INVOICE}}</a></td><td data-label="Period">{{PERIOD}}</td><td data-label="Issued">{{ISSUED}}</td><td class="num total" data-label="Total">{{TOTAL}} {{CURRENCY}}</td><td data-label="Status">{{#STATUS}}<span class="status status-{{VALUE}}">{{VALUE}}</span>{{/STATUS}}</td><td class="reason" data-label="Reason">{{REASON}}</td><td data-label="Pay">{{#PAY}}<a class="pay" href="{{URL}}">Pay</a>{{/PAY}}</td></tr>
{{/NOTE}}</tbody>
</table>
</div>{{/NOTES}}
</section>
<div class="cards">
<section class="card" aria-labelledby="h-order">
<h2 id="h-order">Your order</h2>
<table class="data compact rt" id="order-table">
<tbody>{{#ORDER}}<tr><th scope="row">{{LABEL}}</th><td>{{VALUE}}</td></tr>{{/ORDER}}</tbody>
</table>
</section>
<section class="card" aria-labelledby="h-password" id="password">
<h2 id="h-password">Change password</h2>
{{#PW_NOTICE}}<div class="alert alert-error" role="alert"><p>{{MSG}}</p></div>{{/PW_NOTICE}}
{{#PW_ERRORS}}<div class="alert alert-error" id="pw-problems"><p>The password was not changed:</p>
<ul>{{#PW_ERR}}<li><a href="#{{FIELD}}">{{LABEL}}</a>: {{MSG}}</li>{{/PW_ERR}}</ul></div>{{/PW_ERRORS}}
<form method="post" action="/self/password" class="stack">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="text" name="username" value="{{VE_ID}}" autocomplete="username" class="sr-only" tabindex="-1" aria-hidden="true">
<div class="field{{#BAD_OLD}} invalid{{/BAD_OLD}}">
<label for="old_password">Current password</label>
<div class="control"><input id="old_password" name="old_password" type="password"{{#BAD_OLD}}{{#FOCUS}} autofocus{{/FOCUS}}{{/BAD_OLD}} autocomplete="current-password"{{#BAD_OLD}} aria-invalid="true" aria-describedby="e-old"{{/BAD_OLD}} required></div>
{{#BAD_OLD}}<p class="error" id="e-old">{{MSG}}</p>{{/BAD_OLD}}
</div>
<div class="field{{#BAD_NEW}} invalid{{/BAD_NEW}}">
<label for="new_password">New password</label>
<div class="control"><input id="new_password" name="new_password" type="password"{{#BAD_NEW}}{{#FOCUS}} autofocus{{/FOCUS}}{{/BAD_NEW}} autocomplete="new-password" aria-describedby="h-new{{#BAD_NEW}} e-new{{/BAD_NEW}}"{{#BAD_NEW}} aria-invalid="true"{{/BAD_NEW}} required></div>
<p class="help" id="h-new">12 to 128 characters. Other sessions of this VE are logged out.</p>
{{#BAD_NEW}}<p class="error" id="e-new">{{MSG}}</p>{{/BAD_NEW}}
</div>
<div class="field{{#BAD_CONFIRM}} invalid{{/BAD_CONFIRM}}">
<label for="confirm">New password again</label>
<div class="control"><input id="confirm" name="confirm" type="password"{{#BAD_CONFIRM}}{{#FOCUS}} autofocus{{/FOCUS}}{{/BAD_CONFIRM}} autocomplete="new-password"{{#BAD_CONFIRM}} aria-invalid="true" aria-describedby="e-confirm"{{/BAD_CONFIRM}} required></div>
{{#BAD_CONFIRM}}<p class="error" id="e-confirm">{{MSG}}</p>{{/BAD_CONFIRM}}
</div>
<div class="actions"><button type="submit" class="primary">Change password</button></div>
</form>
</section>
</div>
{{>FOOTER}}
