{{%AUTOESCAPE context="HTML"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} · {{ISP_NAME}}</title>
<link rel="stylesheet" href="/static/css/vepanel.css">
</head>
<body>
<header class="top"><a class="brand" href="/signup">{{ISP_NAME}}</a>
<nav><a href="/signup">Order a VE</a> <a href="/self">My VE</a></nav></header>
<main>
