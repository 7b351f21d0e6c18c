{{%AUTOESCAPE context="HTML"}}</main>
<footer class="bottom"><div class="top-inner"><span>{{ISP_NAME}} · operator screens</span><span>All times are UTC · 1 GB = 10<sup>9</sup> bytes</span></div></footer>
</body>
</html>
