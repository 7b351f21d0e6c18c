{{%AUTOESCAPE context="HTML"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Invoice {{NUMBER}} · {{ISP_NAME}}</title>
<link rel="stylesheet" href="/static/css/vepanel.css">
<link rel="stylesheet" href="/static/css/admin.css">
</head>
<body class="print-page">
<main class="invoice-sheet">
<p class="no-print"><a href="/admin/invoices/{{NUMBER}}">← Back to the invoice</a> · use your browser's Print command</p>
<header class="sheet-head">
<div><p class="sheet-isp">{{ISP_NAME}}</p><p class="sheet-addr">{{ISP_ADDRESS}}</p>{{#VAT_ID}}<p>VAT id {{ID}}</p>{{/VAT_ID}}</div>
<div class="sheet-meta"><h1>Invoice</h1><dl class="facts">
<dt>Number</dt><dd>{{NUMBER}}</dd><dt>Date</dt><dd>{{ISSUED_DATE}}</dd>{{#SUPPLY}}<dt>Supplied</dt><dd>{{FROM}} to {{TO}}</dd>{{/SUPPLY}}<dt>Due</dt><dd>{{DUE_DATE}}</dd><dt>Period</dt><dd>{{PERIOD}}</dd></dl></div>
</header>
<section class="sheet-to"><h2>Bill to</h2>{{#BUYER}}<p>{{#B_COMPANY}}{{TEXT}}<br>{{/B_COMPANY}}{{#B_NAME}}{{TEXT}}<br>{{/B_NAME}}{{#B_ADDRESS}}<span class="sheet-addr">{{TEXT}}</span><br>{{/B_ADDRESS}}{{EMAIL}}{{#B_VAT}}<br>VAT id {{TEXT}}{{/B_VAT}}</p>{{/BUYER}}<p>Customer number {{ACCOUNT}}</p></section>
<table class="data sheet-lines">
<thead><tr><th scope="col">VE</th><th scope="col">Item</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Unit price</th><th scope="col" class="num">Net</th><th scope="col" class="num">Tax rate</th><th scope="col" class="num">Tax</th></tr></thead>
<tbody>
{{#LINE}}<tr><td class="mono">{{VE_ID}}</td><td>{{ITEM}}</td><td class="num">{{QUANTITY}} {{UNIT}}</td><td class="num">{{PRICE}}</td><td class="num">{{AMOUNT}}</td><td class="num">{{LINE_RATE}}</td><td class="num">{{LINE_TAX}}</td></tr>
{{/LINE}}
</tbody>
<tfoot>
<tr><th scope="row" colspan="6" class="num">Subtotal</th><td class="num">{{SUBTOTAL}}</td></tr>
<tr><th scope="row" colspan="6" class="num">Tax {{TAX_RATE}}</th><td class="num">{{TAX}}</td></tr>
<tr class="grand"><th scope="row" colspan="6" class="num">Total</th><td class="num">{{TOTAL}}</td></tr>
</tfoot></table>
{{#TAX_NOTE}}<p><strong>{{TEXT}}</strong></p>{{/TAX_NOTE}}
{{#PAYMENT_DETAILS}}<p class="small">Payment: {{#BANK}}{{TEXT}}, {{/BANK}}{{#IBAN}}IBAN {{TEXT}}{{/IBAN}}{{#BIC}}, BIC {{TEXT}}{{/BIC}}{{#IBAN}}, reference {{NUMBER}}{{/IBAN}}{{#PAY_URL}}; online: {{TEXT}}{{/PAY_URL}}</p>{{/PAYMENT_DETAILS}}
{{#CN}}<p class="small">Credit note {{NUMBER}} ({{REASON}}): {{TOTAL}}</p>{{/CN}}
<p class="small">Credited {{CREDITED}} · paid {{PAID}} · <strong>open {{BALANCE}}</strong></p>
<footer class="sheet-foot small muted">Amounts in {{CURRENCY}}. Usage is measured in decimal units (1 GB = 10<sup>9</sup> bytes); quantities are rounded once per line.</footer>
</main>
</body>
</html>
