{{%AUTOESCAPE context="HTML"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} · {{ISP_NAME}} operator</title>
<link rel="stylesheet" href="/static/css/vepanel.css">
<link rel="stylesheet" href="/static/css/admin.css">
<link rel="icon" href="/static/img/logo.svg" type="image/svg+xml">
</head>
<body class="admin">
<a class="skip" href="#main">Skip to content</a>
<header class="top admin-top"><div class="top-inner">
<a class="brand" href="/admin"><img src="/static/img/logo.svg" alt="" width="28" height="28"> {{ISP_NAME}} <span class="brand-tag">operator</span></a>
{{#OPERATOR}}<form method="post" action="/admin/logout" class="who"><span class="muted">Signed in as <strong>{{NAME}}</strong></span>
<input type="hidden" name="csrf" value="{{CSRF}}"><button type="submit" class="secondary small-button">Log out</button></form>{{/OPERATOR}}
</div>
{{#OPERATOR}}<nav class="admin-nav" aria-label="Operator"><div class="top-inner">
<a href="/admin"{{#NAV_HOME}} aria-current="page"{{/NAV_HOME}}>Dashboard</a>
<a href="/admin/ves"{{#NAV_VES}} aria-current="page"{{/NAV_VES}}>VEs</a>
<a href="/admin/nodes"{{#NAV_NODES}} aria-current="page"{{/NAV_NODES}}>Nodes</a>
<a href="/admin/plans"{{#NAV_PLANS}} aria-current="page"{{/NAV_PLANS}}>Plans</a>
<a href="/admin/invoices"{{#NAV_INVOICES}} aria-current="page"{{/NAV_INVOICES}}>Invoices</a>
<a href="/admin/tax"{{#NAV_TAX}} aria-current="page"{{/NAV_TAX}}>Tax</a>
<a href="/admin/payments"{{#NAV_PAYMENTS}} aria-current="page"{{/NAV_PAYMENTS}}>Payments</a>
<a href="/admin/credit-notes"{{#NAV_CREDIT_NOTES}} aria-current="page"{{/NAV_CREDIT_NOTES}}>Credit notes</a>
<a href="/admin/debit-notes"{{#NAV_DEBIT_NOTES}} aria-current="page"{{/NAV_DEBIT_NOTES}}>Debit notes</a>
<a href="/admin/reports"{{#NAV_REPORTS}} aria-current="page"{{/NAV_REPORTS}}>Reports</a>
<a href="/admin/audit"{{#NAV_AUDIT}} aria-current="page"{{/NAV_AUDIT}}>Audit log</a>
</div></nav>{{/OPERATOR}}
</header>
<main id="main" class="admin-main">
