/*
 * db_docs: the billing documents as JSON (SPEC section 5): invoices with
 * their lines, credit notes, payments and the notes late usage caused,
 * and debit notes.  With owner_ve set (an owner's request), a document of
 * another account is BILLING_ENOENT, exactly like one that does not exist:
 * one check (owner_is in db_docs.c) for every kind.  JSON is jansson's,
 * the caller decrefs; *rc is a billing_rc (db_bill.h).
 */
#ifndef VEP_DB_DOCS_H
#define VEP_DB_DOCS_H

#include <jansson.h>

#include "db_bill.h"

struct db;

/*
 * {"invoices":[summary...], "notes":[...]}: invoices with lines of this VE,
 * newest first, and the debit and credit notes on them, each with "kind"
 * ("debit_note" or "credit_note"), "late", its invoice and reason.
 */
json_t	*db_docs_ve_invoices_json(struct db *, const char *ve_id, long long now, int *rc);

/*
 * One invoice with lines, credit notes (those late usage caused with
 * "late": true and "differences"), payments, balance and status, and its
 * debit notes; a number "DN-..." gives that debit note (db_docs_dn_json).
 */
json_t	*db_docs_invoice_json(struct db *, const char *number, const char *owner_ve,
	    long long now, int *rc);

/*
 * A debit note ("kind":"debit_note", its invoice, lines with the
 * quantities before and after, payments, balance, status).
 */
json_t	*db_docs_dn_json(struct db *, const char *number, const char *owner_ve,
	    long long now, int *rc);

/*
 * Debit notes, newest first, for the operator: {"debit_notes":[summary...],
 * "total":N}; NULL when the database failed.
 */
json_t	*db_docs_dn_list_json(struct db *, long long limit, long long offset, long long now);

#endif
