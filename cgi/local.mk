# cgi/: see README.md
