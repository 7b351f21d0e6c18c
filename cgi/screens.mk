# cgi/screens.mk: owned by its area (see README)
