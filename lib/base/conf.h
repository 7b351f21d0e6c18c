/*
 * vepanel.conf: an INI file ("[section]", "key = value", '#' or ';'
 * comments) shared by every program.  Every key is declared once in
 * conf.c's table with its type, default, range and meaning; an unknown key,
 * a bad value or a duplicate is an error reported as "file:line: why".
 */
#ifndef VEP_CONF_H
#define VEP_CONF_H

#include <stddef.h>

struct conf;

/*
 * Every key as a typed field, section by section, in the table's order:
 * conf.c binds each row of its key table to its field by name (a typo is
 * a compile error); integers are within the row's bounds once loaded.
 */
struct conf_values {
	struct {
		const char	*hosts;
		long long	 prefer;
		long long	 sync_wait;
		const char	*socket;
		const char	*host;
		long long	 port;
		const char	*name;
		const char	*user;
		const char	*password_file;
		long long	 connect_timeout_s;
		long long	 rw_timeout_s;
	} database;
	struct {
		const char	*templates;
		long long	 max_body_bytes;
		const char	*firewall_dir;
		long long	 session_idle_s;
		long long	 session_max_s;
		long long	 max_concurrent_hashes;
		long long	 hash_wait_ms;
		const char	*lock_dir;
		const char	*form_key_file;
		long long	 fail_window_s;
		long long	 fail_per_ve;
		long long	 fail_per_addr;
		const char	*currency_default;
	} web;
	struct {
		long long	 orders_per_hour;
		long long	 unpaid_ves_per_email;
		long long	 unpaid_ves_per_addr;
	} signup;
	struct {
		long long	 argon2_m_kib;
		long long	 argon2_t;
		long long	 argon2_p;
	} auth;
	struct {
		const char	*id;
		long long	 flush_s;
		long long	 writers;
		long long	 lease_s;
		long long	 refresh_s;
		long long	 max_spread_s;
		long long	 queue_max_bytes;
		long long	 down_after;
		long long	 sla_node_down_s;
		long long	 minute_retention_days;
		long long	 hour_retention_days;
		long long	 billing_every_s;
		long long	 raw_retention_h;
		const char	*spool_dir;
		long long	 spool_max_bytes;
		long long	 poll_timeout_ms;
		const char	*listen;
		const char	*node_token_dir;
		long long	 invoice_grace_h;
		long long	 expiry_grace_h;
		long long	 cap_throttle_kbps;
		long long	 unpaid_suspend_days;
	} billingd;
	struct {
		const char	*name;
		const char	*address;
		const char	*vat_id;
		long long	 invoice_due_days;
		const char	*reminder_days;
		const char	*public_url;
		const char	*country;
		long long	 tax_bp;
		const char	*tax_rates;
		const char	*bank;
		const char	*iban;
		const char	*bic;
	} isp;
	struct {
		const char	*smtp_url;
		const char	*user;
		const char	*password_file;
		const char	*from;
		long long	 connect_timeout_s;
		long long	 timeout_s;
		long long	 poll_s;
		long long	 retry_base_s;
		long long	 retry_max_s;
		long long	 max_attempts;
		long long	 lease_s;
		long long	 keep_days;
	} mail;
	struct {
		const char	*checkout_url;
		const char	*webhook_secret_file;
		long long	 webhook_tolerance_s;
	} payments;
};

/* The loaded values (borrowed from conf); prefer this to conf_str/conf_int. */
const struct conf_values *conf_values(const struct conf *);

/*
 * Load and validate path.  Returns a new conf (free with conf_free) or NULL
 * with a one-line reason in err.  path NULL gives the defaults only.
 */
struct conf	*conf_load(const char *path, char *err, size_t errlen);
/* Same, from a string (tests); name is used in messages. */
struct conf	*conf_parse(const char *name, const char *text, char *err, size_t errlen);
void		 conf_free(struct conf *);

/* Value of a declared key by name, or its default.  Borrowed from conf. */
const char	*conf_str(const struct conf *, const char *section, const char *key);
long long	 conf_int(const struct conf *, const char *section, const char *key);
/*
 * Where a key was set, for a message about its value: "file:line: key"
 * into out (1), or "file: [section] key" when it was not set (0).
 */
int		 conf_where(const struct conf *, const char *section, const char *key, char *out,
		    size_t outlen);

/* Write every declared key with its default and meaning (the sample file). */
void		 conf_dump_sample(void *FILE_out);
/* Write the same as a vepanel.conf(5) man page. */
void		 conf_dump_man(void *FILE_out);

/* Default configuration file path: $VEPANEL_CONF or SYSCONFDIR/vepanel.conf. */
const char	*conf_default_path(void);

#endif
