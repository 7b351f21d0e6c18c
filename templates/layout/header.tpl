{{%AUTOESCAPE context="HTML"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} · {{ISP_NAME}}</title>
<link rel="stylesheet" href="/static/css/vepanel.css">
<link rel="icon" href="/static/img/logo.svg" type="image/svg+xml">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="top-inner">
<a class="brand" href="/signup"><img src="/static/img/logo.svg" alt="" width="28" height="28"> {{ISP_NAME}}</a>
<nav aria-label="Main"><a href="/signup">Order a VE</a><a href="/self">My VE</a><a href="/account">My account</a></nav>
</div></header>
<main id="main">
