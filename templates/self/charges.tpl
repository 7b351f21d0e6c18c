{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<link rel="stylesheet" href="/static/css/self.css">
<p class="crumbs"><a href="/self#charges">← My VE <span class="mono">{{VE_ID}}</span></a></p>
<section class="hero">
<h1>{{HEADING}}</h1>
<p class="muted">VE <span class="mono">{{VE_ID}}</span> · as of {{AS_OF}} · amounts in {{CURRENCY}}</p>
</section>
<section class="card" aria-labelledby="h-lines">
<h2 id="h-lines">The charge lines</h2>
<div class="table-scroll">
<table class="data charges rt" id="lines-table">
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Unit price</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
{{#LINE}}<tr class="cline" data-kind="{{KIND}}" data-resource="{{RESOURCE}}"><th scope="row">{{ITEM}}</th><td class="num qty" data-label="Quantity">{{QUANTITY}} {{UNIT}}</td><td class="num price" data-label="Unit price">{{PRICE}}</td><td class="num amount" data-label="Amount">{{AMOUNT}}</td></tr>
{{/LINE}}</tbody>
</table>
</div>
<p class="muted small">The included amount grows with the time your VE is active in the month; what you use beyond it is the overage. Together the lines' quantities are what was measured, below.</p>
</section>
{{#ENTRY}}<section class="card entry" aria-labelledby="h-days-{{N}}">
<h2 id="h-days-{{N}}">Measured by day{{#VERSIONS}} (prices from {{VALID_FROM}}){{/VERSIONS}}</h2>
{{#NO_DAYS}}<p class="empty">Nothing was measured in this month yet.</p>{{/NO_DAYS}}
<div class="table-scroll">
<table class="data days rt">
<thead><tr><th scope="col">Day (UTC)</th><th scope="col" class="num">Measured</th><th scope="col" class="num">In {{UNIT}}</th></tr></thead>
<tbody>
{{#DAY}}<tr class="day{{#CURRENT}} current{{/CURRENT}}" data-day="{{DAY}}"><th scope="row">{{#OTHER}}<a href="/self/charges?period={{PERIOD}}&amp;resource={{RESOURCE}}&amp;day={{DAY}}#hours">{{DAY_TEXT}}</a>{{/OTHER}}{{#CURRENT}}<span aria-current="true">{{DAY_TEXT}}</span>{{/CURRENT}}{{#SPLIT}} <span class="muted small">(the hours of this price)</span>{{/SPLIT}}</th><td class="num raw" data-label="Measured">{{RAW}}</td><td class="num qty" data-label="In {{UNIT}}">{{QTY}}</td></tr>
{{/DAY}}</tbody>
<tfoot>
<tr class="grand"><th scope="row">The month</th><td class="num raw" data-total="raw">{{TOTAL_RAW}}</td><td class="num qty" data-total="qty">{{TOTAL_QTY}} {{UNIT}}</td></tr>
</tfoot>
</table>
</div>
<p class="muted small">The measured amounts are exact and add up to the month's total; the quantity in {{UNIT}} is rounded once, from that total, to six decimals (each day's figure is rounded on its own, so those may differ from the total in the last digit).</p>
</section>{{/ENTRY}}
{{#DAY_EMPTY}}<section class="card" id="hours"><h2>{{DAY_TEXT}}</h2><p class="empty">Nothing was measured on that day.</p></section>{{/DAY_EMPTY}}
{{#HOURS}}<section class="card" aria-labelledby="h-hours" id="hours">
<h2 id="h-hours">{{DAY_TEXT}} by hour{{#PRICE_FROM}} (prices from {{DATE}}){{/PRICE_FROM}}</h2>
{{#NO_HOURS}}<p class="empty">The hours of this day are no longer kept; the day's total above is what was billed.</p>{{/NO_HOURS}}
<div class="table-scroll">
<table class="data hours rt">
<thead><tr><th scope="col">Hour (UTC)</th><th scope="col" class="num">Measured</th><th scope="col" class="num">In {{UNIT}}</th></tr></thead>
<tbody>
{{#HOUR}}<tr class="hour"><th scope="row">{{HOUR}}</th><td class="num raw" data-label="Measured">{{RAW}}</td><td class="num qty" data-label="In {{UNIT}}">{{QTY}}</td></tr>
{{/HOUR}}</tbody>
<tfoot>
<tr class="grand"><th scope="row">The day</th><td class="num raw" data-total="raw">{{TOTAL_RAW}}</td><td class="num qty">{{TOTAL_QTY}} {{UNIT}}</td></tr>
</tfoot>
</table>
</div>
</section>{{/HOURS}}
{{>FOOTER}}
