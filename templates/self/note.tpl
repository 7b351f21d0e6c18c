{{%AUTOESCAPE context="HTML"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Debit note {{NUMBER}} · {{ISP_NAME}}</title>
<link rel="stylesheet" href="/static/css/vepanel.css">
<link rel="stylesheet" href="/static/css/self.css">
</head>
<body class="invoice-page">
<main class="invoice" id="main">
<nav class="no-print invoice-tools" aria-label="Debit note"><a href="/self#invoices">← My VE <span class="mono">{{VE_ID}}</span></a><a href="/self/invoices/{{NUMBER}}.pdf" id="invoice-pdf">PDF</a>{{#PAY}} <a class="button primary" href="{{URL}}" id="invoice-pay">Pay {{AMOUNT}}</a>{{/PAY}}</nav>
<header class="invoice-head">
<div class="invoice-isp">
<p class="isp-name">{{ISP_NAME}}</p>
<p class="isp-address">{{ISP_ADDRESS}}</p>
{{#VAT_ID}}<p>VAT id <span class="mono">{{ID}}</span></p>{{/VAT_ID}}
</div>
<div class="invoice-meta">
<h1>Debit note</h1>
<dl>
<dt>Number</dt><dd class="mono" id="note-number">{{NUMBER}}</dd>
<dt>For invoice</dt><dd><a class="mono" href="/self/invoices/{{INVOICE}}" id="note-invoice">{{INVOICE}}</a></dd>
<dt>Period</dt><dd>{{MONTH}} <span class="muted">({{PERIOD}})</span></dd>
<dt>Issued</dt><dd>{{ISSUED}}</dd>
{{#SUPPLY}}<dt>Supplied</dt><dd>{{FROM}} to {{TO}}</dd>{{/SUPPLY}}
<dt>Due</dt><dd>{{DUE}}</dd>
<dt>Status</dt><dd><span class="status status-{{STATUS}}" id="note-status">{{STATUS}}</span></dd>
</dl>
</div>
</header>
<section class="invoice-to" aria-labelledby="h-to">
<h2 id="h-to">Bill to</h2>
{{#BUYER}}<p id="invoice-buyer">{{#B_COMPANY}}{{TEXT}}<br>{{/B_COMPANY}}{{#B_NAME}}{{TEXT}}<br>{{/B_NAME}}{{#B_ADDRESS}}<span class="pre-line">{{TEXT}}</span><br>{{/B_ADDRESS}}{{EMAIL}}</p>
{{#B_VAT}}<p>VAT id <span class="mono">{{TEXT}}</span></p>{{/B_VAT}}{{/BUYER}}
<p class="sr-only" id="invoice-email">{{EMAIL}}</p>
</section>
<section class="invoice-part" aria-labelledby="h-why">
<h2 id="h-why">Why</h2>
<p id="note-reason">{{REASON}}.</p>
<p class="muted small">Usage of {{MONTH}} reached us after its invoice {{INVOICE}} was issued (for example from a node that could not be reached for a while). This note bills exactly the difference between what the month rates to now and what was invoiced for it.</p>
</section>
<table class="data invoice-lines rt" id="note-lines">
<caption class="sr-only">Debit note lines, amounts in {{CURRENCY}}</caption>
<thead><tr><th scope="col">VE</th><th scope="col">Item</th><th scope="col" class="num">Invoiced</th><th scope="col" class="num">Now</th><th scope="col" class="num">Difference</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
{{#LINE}}<tr class="nline" data-resource="{{RESOURCE}}"><td class="mono" data-label="VE">{{VE_ID}}</td><td data-label="Item">{{ITEM}}</td><td class="num before" data-label="Invoiced">{{BEFORE}} {{UNIT}}</td><td class="num after" data-label="Now">{{AFTER}} {{UNIT}}</td><td class="num delta" data-label="Difference">{{DELTA}} {{UNIT}}</td><td class="num amount" data-label="Amount">{{AMOUNT}}</td></tr>
{{/LINE}}</tbody>
<tfoot>
<tr><th scope="row" colspan="5" class="num">Subtotal</th><td class="num" id="note-subtotal">{{SUBTOTAL}}</td></tr>
<tr><th scope="row" colspan="5" class="num">Tax {{TAX_RATE}}</th><td class="num" id="note-tax">{{TAX}}</td></tr>
<tr class="grand"><th scope="row" colspan="5" class="num">Total {{CURRENCY}}</th><td class="num" id="note-total">{{TOTAL}}</td></tr>
</tfoot>
</table>
{{#TAX_NOTE}}<p class="tax-note"><strong>{{TEXT}}</strong></p>{{/TAX_NOTE}}
{{#PAYMENT_DETAILS}}<section class="invoice-part" aria-labelledby="h-paydetails">
<h2 id="h-paydetails">How to pay</h2>
<p>{{#BANK}}Bank transfer to {{TEXT}}<br>{{/BANK}}{{#IBAN}}IBAN <span class="mono">{{TEXT}}</span>{{/IBAN}}{{#BIC}} · BIC <span class="mono">{{TEXT}}</span>{{/BIC}}{{#IBAN}}<br>Reference <span class="mono">{{NUMBER}}</span>{{/IBAN}}</p>
{{#PAY_URL}}<p>Or pay online on your self screen: {{TEXT}}</p>{{/PAY_URL}}
</section>{{/PAYMENT_DETAILS}}
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
<tr><th scope="row">Debit note total</th><td class="num">{{TOTAL}}</td></tr>
<tr><th scope="row">Paid</th><td class="num" id="note-paid">{{PAID}}</td></tr>
<tr class="grand"><th scope="row">Balance due {{CURRENCY}}</th><td class="num" id="note-balance">{{BALANCE}}</td></tr>
</tbody>
</table>
<footer class="invoice-foot small muted">Amounts in {{CURRENCY}}; all times UTC. Usage is measured in decimal units (1 GB = 10<sup>9</sup> bytes). The tax makes the invoice and its notes together exactly the tax of the month's final subtotal. Please quote {{NUMBER}} with your payment.</footer>
</main>
</body>
</html>
