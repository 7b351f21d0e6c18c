{{%AUTOESCAPE context="HTML"}}</main>
<footer class="bottom"><div class="top-inner"><span>All times are UTC</span><span>1 MB = 1,000,000 bytes · 1 kbit = 1000 bits</span></div></footer>
</body>
</html>
