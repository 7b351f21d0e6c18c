/*
 * A service change (SPEC section 11) run the same way for the API
 * (PATCH /api/v1/ves/{id}), the self screen and the admin VE page: the
 * VE's order as it stands, the request laid over it by the edge's parser
 * (JSON or form), the signup's rules and the change's own
 * (lib/domain/change.c), then one transaction (lib/db/db_change.c).
 */
#ifndef VEP_VECHANGE_H
#define VEP_VECHANGE_H

#include <stdint.h>
#include <jansson.h>

#include "change.h"
#include "order.h"

struct db;
struct kvlist;
struct web;

enum vechange_status {
	VX_OK = 0,
	VX_NOVE,	/* 404 */
	VX_INVALID,	/* 422 / 400: errs says which fields */
	VX_NOTHING,	/* 422: nothing would change */
	VX_CONFLICT,	/* 409: msg says why (no address, no room) */
	VX_UNAVAILABLE,	/* 503 */
};

struct vechange {
	enum vechange_status	 status;
	char			 msg[300];
	struct order_errs	 errs;
	struct order		 cur, next;	/* for re-showing a form; freed by vechange_free */
	uint64_t		 changed;
	int			 restart;	/* asked for */
	int			 restart_needed;
	enum change_apply	 apply[OF__MAX];
	json_t			*answer;	/* VX_OK: the API's answer (owned) */
};

/*
 * Run a change of ve_id by actor from a JSON body (json != NULL) or a form.
 * Fills x (vechange_free after).
 */
void	vechange_run(struct web *, struct db *, const char *ve_id, json_t *json,
	    const struct kvlist *form, const char *actor, struct vechange *x);
void	vechange_free(struct vechange *);
/* The HTTP status of x (form: 400 for invalid input). */
int	vechange_http(const struct vechange *, int form);

struct tmpl_dict;
/*
 * The change form's fields into d: one FIELD section per changeable field
 * of o (its value, label, unit, help, and errs' message if any), as
 * templates/self/change.tpl and the admin VE page show them.
 */
void	vechange_form(struct tmpl_dict *d, const struct order *o, const struct order_errs *errs);
/* The answer of a done change into d: DONE with MESSAGE and one APPLIED per field. */
void	vechange_done(struct tmpl_dict *d, const struct vechange *x);

struct req;
struct resp;
/*
 * A screen's change page (the self screen's, the admin VE page's): its
 * template, what it says of a VE that is gone, and its dictionary with the
 * screen's header (and CSRF token); NULL when out of memory.
 */
struct vechange_screen {
	const char		*tpl;
	const char		*nove;
	struct tmpl_dict	*(*dict)(struct web *);
};
/* GET: the form with ve_id's service as it stands. */
void	vechange_page_form(struct web *, struct resp *, const struct vechange_screen *,
	    const char *ve_id);
/*
 * POST: run the form's change of ve_id by actor and answer the page (the
 * form again with its errors, or what was done).  Returns the change's
 * status.
 */
enum vechange_status vechange_page_post(struct web *, struct req *, struct resp *,
	    const struct vechange_screen *, const char *ve_id, const char *actor);

#endif
