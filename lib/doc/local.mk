# lib/doc/: documents for people: billing documents as PDF (cairo + pango).
# A library of its own so that only the programs that print documents link
# pango and cairo.
noinst_LIBRARIES += lib/libvepdoc.a
lib_libvepdoc_a_SOURCES = lib/doc/pdf.c lib/doc/pdf.h
lib_libvepdoc_a_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(PANGO_CFLAGS)
VEP_DOC_LIBS = lib/libvepdoc.a $(PANGO_LIBS)
