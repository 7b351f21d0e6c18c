/*
 * One form reader for every screen, in the way kcgi's khttp_parse reads a
 * program's fields from its kvalid table: each program declares its fields
 * once (name, validator, required, what "missing" says, whether the value
 * may be shown back), and a page asks for the fields it reads by a mask of
 * their keys.  A handler sees only values that passed their validator:
 * v->s[k] (the accepted text), v->n[k] (its number, enum index or date, as
 * the validator made it), and for refused fields v->bad[k] (a sentence for
 * the user).  A field sent twice is refused, never "first one wins".
 */
#ifndef VEP_FORM_H
#define VEP_FORM_H

#include <stddef.h>
#include <stdint.h>

struct kvlist;

#define FORM_MAX	64		/* keys per program (bits of a uint64_t mask) */
#define FORM_BIT(k)	((uint64_t)1 << (k))

struct form;

/* NULL when s is acceptable (and v->n[k] / v->text[k] set as the field needs), else why not. */
typedef const char *(*form_valid_fn)(const char *s, struct form *v, size_t k);

struct form_field {
	const char	*name;
	form_valid_fn	 valid;
	int		 required;
	const char	*missing;	/* why when required and absent; NULL: "This field is required." */
	int		 secret;	/* never shown back in a form (passwords, tokens) */
	/* What a refused value says; NULL: the validator's own sentence (a shared one's own words). */
	const char	*invalid;
};

struct form {
	const char	*s[FORM_MAX];	/* accepted values, borrowed from the request (or text[k]) */
	const char	*raw[FORM_MAX];	/* as sent, for showing a form again */
	long long	 n[FORM_MAX];	/* integers, enum indexes, dates, as the validator set them */
	const char	*bad[FORM_MAX];	/* why a field was refused */
	char		 text[FORM_MAX][12];	/* a normalised copy a validator may make (a VEid in capitals) */
};

/*
 * Validate the fields in mask (bits of the program's key enum, nf <=
 * FORM_MAX) from l into v.  Returns the number refused.
 */
int	form_read(const struct form_field *fields, size_t nf, const struct kvlist *l, uint64_t mask,
	    struct form *v);

/* x, the index a parser found for the value (< 0: none), into v->n[k]: NULL, else why. */
const char *form_index(struct form *v, size_t k, long long x, const char *why);
/* s's index in set[0..n) into v->n[k]: NULL, else why. */
const char *form_enum(const char *s, struct form *v, size_t k, const char *const *set, size_t n,
	    const char *why);

/* Validators every screen shares. */
const char *form_v_token(const char *s, struct form *v, size_t k);	/* a session CSRF token: 64 hex */
const char *form_v_signed(const char *s, struct form *v, size_t k);	/* a signed form token's shape */
const char *form_v_secret(const char *s, struct form *v, size_t k);	/* a password: at most 1024 bytes */
const char *form_v_ve_id(const char *s, struct form *v, size_t k);	/* 8 hex digits, stored in capitals */
/* The VE screens' (self, admin): */
const char *form_v_action(const char *s, struct form *v, size_t k);	/* start, stop, restart: n enum ve_power */
const char *form_v_template(const char *s, struct form *v, size_t k);	/* a template code */
const char *form_v_backup(const char *s, struct form *v, size_t k);	/* a backup id */
const char *form_v_period(const char *s, struct form *v, size_t k);	/* YYYY-MM: n YYYYMM */

#endif
