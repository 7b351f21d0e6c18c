{{%AUTOESCAPE context="HTML"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Invoice {{NUMBER}} · {{ISP_NAME}}</title>
<link rel="stylesheet" href="/static/css/vepanel.css">
<link rel="stylesheet" href="/static/css/self.css">
</head>
<body class="invoice-page">
<main class="invoice" id="main">
<nav class="no-print invoice-tools" aria-label="Invoice"><a href="/self#invoices">← My VE <span class="mono">{{VE_ID}}</span></a><a href="/self/invoices/{{NUMBER}}.pdf" id="invoice-pdf">PDF</a>{{#PAY}} <a class="button primary" href="{{URL}}" id="invoice-pay">Pay {{AMOUNT}}</a>{{/PAY}}</nav>
<header class="invoice-head">
<div class="invoice-isp">
<p class="isp-name">{{ISP_NAME}}</p>
<p class="isp-address">{{ISP_ADDRESS}}</p>
{{#VAT_ID}}<p>VAT id <span class="mono">{{ID}}</span></p>{{/VAT_ID}}
</div>
<div class="invoice-meta">
<h1>Invoice</h1>
<dl>
<dt>Number</dt><dd class="mono" id="invoice-number">{{NUMBER}}</dd>
<dt>Period</dt><dd>{{MONTH}} <span class="muted">({{PERIOD}})</span></dd>
<dt>Issued</dt><dd>{{ISSUED}}</dd>
{{#SUPPLY}}<dt>Supplied</dt><dd id="invoice-supply">{{FROM}} to {{TO}}</dd>{{/SUPPLY}}
<dt>Due</dt><dd>{{DUE}}</dd>
<dt>Status</dt><dd><span class="status status-{{STATUS}}" id="invoice-status">{{STATUS}}</span></dd>
</dl>
</div>
</header>
<section class="invoice-to" aria-labelledby="h-to">
<h2 id="h-to">Bill to</h2>
{{#BUYER}}<p id="invoice-buyer">{{#B_COMPANY}}{{TEXT}}<br>{{/B_COMPANY}}{{#B_NAME}}{{TEXT}}<br>{{/B_NAME}}{{#B_ADDRESS}}<span class="pre-line">{{TEXT}}</span><br>{{/B_ADDRESS}}{{EMAIL}}</p>
{{#B_VAT}}<p>VAT id <span class="mono" id="invoice-buyer-vat">{{TEXT}}</span></p>{{/B_VAT}}{{/BUYER}}
<p class="sr-only" id="invoice-email">{{EMAIL}}</p>
</section>
<table class="data invoice-lines rt" id="invoice-lines">
<caption class="sr-only">Invoice lines, amounts in {{CURRENCY}}</caption>
<thead><tr><th scope="col">VE</th><th scope="col">Item</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Unit price</th><th scope="col" class="num">Net</th><th scope="col" class="num">Tax {{TAX_RATE}}</th></tr></thead>
<tbody>
{{#LINE}}<tr class="iline" data-kind="{{KIND}}" data-resource="{{RESOURCE}}"><td class="mono" data-label="VE">{{VE_ID}}</td><td data-label="Item">{{ITEM}}</td><td class="num qty" data-label="Quantity">{{QUANTITY}} {{UNIT}}</td><td class="num price" data-label="Unit price">{{PRICE}}</td><td class="num amount" data-label="Net">{{AMOUNT}}</td><td class="num line-tax" data-label="Tax {{LINE_RATE}}">{{LINE_TAX}}</td></tr>
{{/LINE}}</tbody>
<tfoot>
<tr><th scope="row" colspan="5" class="num">Subtotal</th><td class="num" id="invoice-subtotal">{{SUBTOTAL}}</td></tr>
<tr><th scope="row" colspan="5" class="num">Tax {{TAX_RATE}}</th><td class="num" id="invoice-tax">{{TAX}}</td></tr>
<tr class="grand"><th scope="row" colspan="5" class="num">Total {{CURRENCY}}</th><td class="num" id="invoice-total">{{TOTAL}}</td></tr>
</tfoot>
</table>
{{#TAX_NOTE}}<p class="tax-note" id="invoice-tax-note"><strong>{{TEXT}}</strong></p>{{/TAX_NOTE}}
{{#CREDITS}}<section class="invoice-part" aria-labelledby="h-credits">
<h2 id="h-credits">Credit notes</h2>
<table class="data rt">
<thead><tr><th scope="col">Credit note</th><th scope="col">Issued</th><th scope="col">VE</th><th scope="col">For</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
{{#CN}}{{#CN_LINE}}<tr><td class="mono" data-label="Credit note">{{NUMBER}}</td><td data-label="Issued">{{ISSUED}}</td><td class="mono" data-label="VE">{{VE_ID}}</td><td data-label="For">{{ITEM}} <span class="muted">{{DESCRIPTION}}</span></td><td class="num" data-label="Amount">{{AMOUNT}}</td></tr>
{{/CN_LINE}}<tr class="cn-total"><td class="mono" data-label="Credit note">{{NUMBER}}</td><td colspan="3">Total with tax · {{REASON}}</td><td class="num" data-label="Amount">{{TOTAL}}</td></tr>
{{/CN}}</tbody>
</table>
</section>{{/CREDITS}}
{{#DEBITS}}<section class="invoice-part" aria-labelledby="h-debits" id="debit-notes">
<h2 id="h-debits">Debit notes</h2>
<p class="muted small">Usage of this month that reached us after the invoice, billed on its own note with its own due date: the quantity invoiced, the quantity now, and the difference.</p>
<table class="data rt">
<thead><tr><th scope="col">Debit note</th><th scope="col">VE</th><th scope="col">For</th><th scope="col" class="num">Invoiced</th><th scope="col" class="num">Now</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
{{#DN}}{{#DN_LINE}}<tr class="dn-line" data-resource="{{RESOURCE}}"><td data-label="Debit note"><a class="mono" href="/self/invoices/{{NUMBER}}">{{NUMBER}}</a></td><td class="mono" data-label="VE">{{VE_ID}}</td><td data-label="For">{{ITEM}}</td><td class="num" data-label="Invoiced">{{BEFORE}} {{UNIT}}</td><td class="num" data-label="Now">{{AFTER}} {{UNIT}}</td><td class="num" data-label="Amount">{{AMOUNT}}</td></tr>
{{/DN_LINE}}<tr class="dn-total"><td class="mono" data-label="Debit note">{{NUMBER}}</td><td colspan="4">Total with tax · {{ISSUED}} · <span class="status status-{{STATUS}}">{{STATUS}}</span> · {{REASON}}</td><td class="num" data-label="Amount">{{TOTAL}}</td></tr>
{{/DN}}</tbody>
</table>
</section>{{/DEBITS}}
{{#PAYMENTS}}<section class="invoice-part" aria-labelledby="h-payments">
<h2 id="h-payments">Payments received</h2>
<table class="data rt">
<thead><tr><th scope="col">Date</th><th scope="col">Reference</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
{{#PAYMENT}}<tr><td data-label="Date">{{DATE}}</td><td data-label="Reference">{{REFERENCE}}</td><td class="num" data-label="Amount">{{AMOUNT}}</td></tr>
{{/PAYMENT}}</tbody>
</table>
</section>{{/PAYMENTS}}
<table class="data invoice-balance">
<caption class="sr-only">Balance in {{CURRENCY}}</caption>
<tbody>
<tr><th scope="row">Invoice total</th><td class="num">{{TOTAL}}</td></tr>
<tr><th scope="row">Credited</th><td class="num" id="invoice-credited">{{CREDITED}}</td></tr>
<tr><th scope="row">Paid</th><td class="num" id="invoice-paid">{{PAID}}</td></tr>
<tr class="grand"><th scope="row">Balance due {{CURRENCY}}</th><td class="num" id="invoice-balance">{{BALANCE}}</td></tr>
</tbody>
</table>
{{#PAYMENT_DETAILS}}<section class="invoice-part" aria-labelledby="h-paydetails" id="payment-details">
<h2 id="h-paydetails">How to pay</h2>
<p>{{#BANK}}Bank transfer to {{TEXT}}<br>{{/BANK}}{{#IBAN}}IBAN <span class="mono">{{TEXT}}</span>{{/IBAN}}{{#BIC}} · BIC <span class="mono">{{TEXT}}</span>{{/BIC}}{{#IBAN}}<br>Reference <span class="mono">{{NUMBER}}</span>{{/IBAN}}</p>
{{#PAY_URL}}<p>Or pay online on your self screen: {{TEXT}}</p>{{/PAY_URL}}
</section>{{/PAYMENT_DETAILS}}
<footer class="invoice-foot small muted">Every line is taxed at the invoice's rate, shown in the Tax column's heading; the tax is computed once on the subtotal. Amounts in {{CURRENCY}}; all times UTC. Usage is measured in decimal units (1 GB = 10<sup>9</sup> bytes) and each line is rounded once. Please quote {{NUMBER}} with your payment.</footer>
</main>
</body>
</html>
