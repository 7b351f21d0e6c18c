{{%AUTOESCAPE context="HTML"}}</main>
<footer class="bottom">vepanel · all times UTC · 1 MB = 10<sup>6</sup> bytes</footer>
</body>
</html>
