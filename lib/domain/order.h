/*
 * A VE order (SPEC section 3): the one table of its fields (name, type,
 * unit, range, label, help) and their validation, shared by the signup
 * form (urlencoded) and POST /api/v1/orders (JSON).  The two edges only
 * turn bytes into typed values (order_from_form, order_from_json);
 * order_check then applies every rule, including those that need the
 * catalogue (plans, OS templates) and the ISP's ruleset directory.  Every
 * broken rule is recorded, one sentence per field, so a customer sees all
 * of them at once.  No SQL here: db_ve.c reads the catalogue into the
 * structs below and stores a checked order.
 */
#ifndef VEP_ORDER_H
#define VEP_ORDER_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "firewall.h"

struct kvlist;

enum order_key {
	OF_PLAN,
	OF_TEMPLATE,
	OF_EMAIL,
	OF_DISK_QUOTA_MB,
	OF_ALWAYS_ON,
	OF_LIFETIME_DAYS,
	OF_ROOT_PASSWORD,
	OF_LOGIN,
	OF_CPU_MIN_BOGOMIPS,
	OF_NET_BW_MIN_KBPS,
	OF_NET_BW_MAX_KBPS,
	OF_NET_IN_BW_MIN_KBPS,
	OF_NET_IN_BW_MAX_KBPS,
	OF_NET_OUT_BW_MIN_KBPS,
	OF_NET_OUT_BW_MAX_KBPS,
	OF_NET_QUOTA_MIN_MB,
	OF_NET_QUOTA_MAX_MB,
	OF_NET_IN_QUOTA_MIN_MB,
	OF_NET_IN_QUOTA_MAX_MB,
	OF_NET_OUT_QUOTA_MIN_MB,
	OF_NET_OUT_QUOTA_MAX_MB,
	OF_MEM_MAX_MB,
	OF_FS_FAULT_TOLERANCE_S,
	OF_BACKUP_HOURS,
	OF_FIREWALL,
	OF_FIREWALL_FILE,
	OF_IP_COUNT,
	OF_DNS_NAMES,
	OF_USER_INFO,
	OF_IDEMPOTENCY_KEY,
	OF__MAX
};

enum order_type {
	OT_CODE,	/* a catalogue code: plan, template */
	OT_EMAIL,
	OT_INT,		/* whole number in [min, max] */
	OT_BOOL,
	OT_PASSWORD,	/* min..max characters, never echoed */
	OT_LOGINS,	/* set of ssh, telnet, rsh, x11 (bit mask in n[]) */
	OT_FIREWALL,	/* one of the six styles (index in n[]) */
	OT_RULESET,	/* a plain file name in the ruleset directory */
	OT_NAMES,	/* DNS names, one per address */
	OT_TEXT,	/* free text up to max characters */
	OT_KEY,		/* printable ASCII token up to max characters */
};

struct order_field {
	const char	*name;
	enum order_type	 type;
	int		 required;
	int		 advanced;	/* in the collapsed part of the form */
	long long	 min, max;	/* OT_INT: value; text types: characters */
	long long	 def;		/* OT_INT value when absent */
	int		 pair;		/* a *_min field: its *_max partner, else -1 */
	const char	*label;
	const char	*unit;		/* shown after the input; NULL if none */
	const char	*help;
};

extern const struct order_field order_fields[OF__MAX];

#define LOGIN_SSH	0x1
#define LOGIN_TELNET	0x2
#define LOGIN_RSH	0x4
#define LOGIN_X11	0x8
#define ORDER_NLOGINS	4
extern const char *const order_login_names[ORDER_NLOGINS];

extern const char *const order_firewall_help[FW__MAX];

/* The parsed order.  Strings are owned (order_free). */
struct order {
	int		 given[OF__MAX];	/* present in the request */
	long long	 n[OF__MAX];		/* OT_INT, OT_BOOL, OT_LOGINS, OT_FIREWALL */
	char		*s[OF__MAX];		/* text types; NULL when absent */
	char		*raw[OF__MAX];		/* the form's text as typed (re-shown) */
	char		**dns;			/* OT_NAMES, in order */
	size_t		 ndns;
};

/* Said next to what is stored but not yet delivered (SPEC section 3). */
#define ORDER_NOT_OFFERED "recorded, not yet offered"

#define ORDER_MSG	240
struct order_err {
	char	field[72];
	char	msg[ORDER_MSG];
};
struct order_errs {
	size_t		 n;
	struct order_err e[OF__MAX + 16];
};

/* The catalogue as validation needs it (filled by db_ve_catalog). */
struct order_plan {
	long long	 id;
	char		 code[33], name[129], currency[4];
	long long	 max_disk_quota_mb, max_ip_count;
	unsigned	 login_mask;
	long long	 fee_minor;
	long long	 inc[6];	/* disk_gb, traffic_gb, traffic_in_gb, traffic_out_gb, cpu_hours, vmem_gb_hours */
	long long	 ov[6];		/* disk_gb_month, traffic_gb, traffic_in_gb, traffic_out_gb, cpu_hour, vmem_gb_hour */
	char		 cap_action[9];	/* "throttle" or "suspend": at a traffic cap */
};
struct order_template {
	long long	 id;
	char		 code[33], name[129];
	unsigned	 login_mask;	/* the login styles its system gives */
	long long	 min_disk_mb;	/* the smallest quota its system fits in; 0 = none */
};
struct order_catalog {
	struct order_plan	*plans;		/* active plans only */
	size_t			 nplans;
	struct order_template	*tmpls;		/* active templates only */
	size_t			 ntmpls;
};

void	order_init(struct order *);
void	order_free(struct order *);
void	order_catalog_free(struct order_catalog *);
/* The active plan or template with this code, or NULL.  Borrowed. */
const struct order_plan *order_plan_find(const struct order_catalog *, const char *code);
const struct order_template *order_template_find(const struct order_catalog *, const char *code);

/*
 * Read the order's fields from a urlencoded form: text as typed into
 * raw[], typed values into n[]/s[].  Names the table does not know are
 * left to the caller (csrf and such).  Type errors go to errs.
 * Returns 0, or -1 when memory ran out.
 */
int	order_from_form(struct order *, const struct kvlist *, struct order_errs *);
/* The same from a JSON object; a name the table does not know is an error. */
int	order_from_json(struct order *, json_t *, struct order_errs *);
/*
 * Apply every rule of SPEC section 3 to a parsed order: required fields,
 * ranges, plan limits, min <= max, DNS names, the ruleset file (looked up
 * in firewall_dir), lengths.  Fills in defaults.  Fields that already
 * carry a type error are not judged again.
 */
void	order_check(struct order *, const struct order_catalog *, const char *firewall_dir,
	    struct order_errs *);

/* Record an error for field (the first one per field is kept). */
void	order_err_add(struct order_errs *, const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* The error of field, or NULL.  Borrowed. */
const char *order_err_get(const struct order_errs *, const char *field);
/* {"field":"why", ...}: a new reference. */
json_t	*order_errs_json(const struct order_errs *);

/* The number of UTF-8 characters in s (s is valid UTF-8). */
size_t	order_utf8_len(const char *s);
/* An e-mail address we accept: local@domain, printable, domain a DNS name. */
int	order_email_valid(const char *);
/* A ruleset name: [A-Za-z0-9._-], 1..64, no "..", not starting with '.'. */
int	order_ruleset_name_valid(const char *);
/*
 * The regular files of dir with valid ruleset names, sorted, as a
 * NULL-terminated array (free with order_names_free); NULL when dir
 * cannot be read.
 */
char	**order_rulesets(const char *dir);
void	order_names_free(char **);
/* "10.00 EUR" from minor units and an ISO 4217 code. */
void	order_money(long long minor, const char *currency, char *out, size_t outlen);
/* A field's value as a person reads it ("10000 MB", "not set", "ssh, x11"). */
void	order_value_text(const struct order *, enum order_key, char *out, size_t outlen);
/* The mask as "ssh, x11". */
void	order_logins_text(unsigned mask, char *out, size_t outlen);
/* The mask's style names joined by sep (",": as the SET columns login and login_styles hold them). */
void	order_logins_join(unsigned mask, const char *sep, char *out, size_t outlen);
/* A comma list of style names (a SET column's value) as a mask; unknown names are left out. */
unsigned order_logins_mask(const char *list);
/* The mask as a JSON array of style names ["ssh", "x11"]; a new reference. */
json_t	*order_logins_json(unsigned mask);
/* The bit of a field in the keep mask of order_fields_json. */
#define ORDER_BIT(k)	((uint64_t)1 << (k))
/*
 * The fields of o whose ORDER_BIT is in keep as a JSON object, each named
 * and typed as in the API's order (SPEC section 3): numbers, booleans,
 * login styles and names as arrays, texts ("" when absent), other strings
 * (null when absent).  Serves the API's order (db_ve.c) and a service
 * change's history and audit rows (change.c).  A new reference, NULL out
 * of memory.
 */
json_t	*order_fields_json(const struct order *o, uint64_t keep);

/* Owner power actions (SPEC section 11). */
enum ve_power { VP_START, VP_STOP, VP_RESTART, VP__MAX };
extern const char *const ve_power_names[VP__MAX];
/* "start", "stop", "restart" to enum ve_power; -1 for anything else (NULL too). */
int	ve_power_parse(const char *);

/*
 * The login styles in want that the template's mask cannot give, as
 * "telnet, rsh" into out ("" when every one can be given).  Returns the
 * mask of those styles (0: the template gives them all).
 */
unsigned order_logins_missing(unsigned want, unsigned tmpl_mask, char *out, size_t outlen);

/* The field to blame when no node's uplink can guarantee the order's bandwidth minima. */
const char *order_bw_min_field(const struct order *);
/* A template code the nodes accept: ^[a-z0-9][a-z0-9.-]{0,31}$ (contract with the agent). */
int	order_template_code_valid(const char *);

#endif
