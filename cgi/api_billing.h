/*
 * Billing calls of the JSON API beyond SPEC section 5's table, until the
 * lead moves them into api.h and the route table:
 *
 *	POST /api/v1/admin/payments
 *	    {"invoice":"INV-2026-000001","amount_minor":1190,"date":"2026-01-20",
 *	     "reference":"bank 2026-01-20 #42"}
 *	POST /api/v1/admin/credit-notes
 *	    {"invoice":"INV-2026-000001","reason":"outage 2026-01-03",
 *	     "lines":[{"ve_id":"0A1B2C3D","resource":"fee","amount_minor":-250,
 *	               "description":"one day of fee"}]}
 *
 * Both answer 201 with the invoice as GET /api/v1/invoices/{number} shows it
 * (credit notes also with "credit_note": its number), 422 naming the bad
 * fields (nothing written), 404 for an unknown invoice.
 */
#ifndef VEP_API_BILLING_H
#define VEP_API_BILLING_H

#include "api.h"

API_FN(api_admin_payment_add);
API_FN(api_admin_credit_note_add);

#endif
