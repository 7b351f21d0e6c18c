# cgi/billing.mk: owned by its area (see README)
