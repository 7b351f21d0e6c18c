/*
 * The fields of an API entry that only the real backend uses (contract of
 * issue 14: template, root_crypt, netmask, gateway, dns_servers, always_on,
 * login, power, power_seq, hostname).  Each is optional, so an older panel
 * still works; a present one must be valid or the entry is skipped.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "sync.h"

static int
charset(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    strchr(extra, *s) != NULL))
			return 0;
	return 1;
}

/* ^[a-z0-9][a-z0-9.-]{0,31}$ */
static int
template_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= VE_TEMPLATE_MAX && s[0] != '.' && s[0] != '-' &&
	    charset(s, ".-");
}

/* A crypt(3) hash we can write into /etc/shadow: $y$ or $6$, no ':' or space. */
static int
crypt_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 8 || n > VE_CRYPT_MAX || (strncmp(s, "$y$", 3) != 0 && strncmp(s, "$6$", 3) != 0))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '/' || *s == '$'))
			return 0;
	return 1;
}

static int
quad(json_t *j, uint32_t *out)
{
	return json_is_string(j) &&
	    ve_ipv4_parse(json_string_value(j), json_string_length(j), out) == 0 ? 0 : -1;
}

/* A netmask: contiguous ones. */
static int
mask_ok(uint32_t m)
{
	return m != 0 && (~m & (~m + 1)) == 0;
}

static int
parse_login(json_t *j, unsigned *out)
{
	static const struct { const char *name; unsigned bit; } styles[] = {
		{ "ssh", VE_LOGIN_SSH }, { "telnet", VE_LOGIN_TELNET },
		{ "rsh", VE_LOGIN_RSH }, { "x11", VE_LOGIN_X11 },
	};

	*out = 0;
	if (!json_is_array(j) || json_array_size(j) > 4)
		return -1;
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *e = json_array_get(j, i);
		size_t k;

		if (!json_is_string(e))
			return -1;
		for (k = 0; k < sizeof(styles) / sizeof(styles[0]); k++)
			if (strcmp(json_string_value(e), styles[k].name) == 0)
				break;
		if (k == sizeof(styles) / sizeof(styles[0]))
			return -1;
		*out |= styles[k].bit;
	}
	return 0;
}

/* The panel writes "" for what a VE without addresses or template lacks. */
static json_t *
given(json_t *e, const char *key)
{
	json_t *j = json_object_get(e, key);

	if (j == NULL || json_is_null(j) || (json_is_string(j) && json_string_length(j) == 0))
		return NULL;
	return j;
}

/* A counter of wishes, optional: 0 or -1 with why. */
static int
seq_field(json_t *e, const char *key, uint64_t max, uint64_t *out, char *why, size_t whylen)
{
	json_t *j = json_object_get(e, key);

	if (j == NULL || json_is_null(j))
		return 0;
	if (!json_is_integer(j) || json_integer_value(j) < 0 ||
	    (uint64_t)json_integer_value(j) > max) {
		snprintf(why, whylen, "%s is not a whole number from 0 to %llu", key,
		    (unsigned long long)max);
		return -1;
	}
	*out = (uint64_t)json_integer_value(j);
	return 0;
}

/* reinstall_seq, restore_seq, restore_backup, backup_seq, backup_hours (issue 15). */
static int
sync_parse_backup(json_t *e, struct ve_spec *sp, char *why, size_t whylen)
{
	json_t *j;

	if (seq_field(e, "reinstall_seq", INT64_MAX, &sp->reinstall_seq, why, whylen) == -1 ||
	    seq_field(e, "restore_seq", INT64_MAX, &sp->restore_seq, why, whylen) == -1 ||
	    seq_field(e, "backup_seq", INT64_MAX, &sp->backup_seq, why, whylen) == -1 ||
	    seq_field(e, "backup_hours", 24 * 365, &sp->backup_hours, why, whylen) == -1)
		return -1;
	if ((j = given(e, "restore_backup")) != NULL) {
		const char *s = json_is_string(j) ? json_string_value(j) : "";
		size_t n = strlen(s);

		/* It goes into velxc's argv-free parameters and borg's archive name. */
		if (n == 0 || n > VE_BACKUP_ID_MAX || s[0] == '-' || strspn(s,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") != n) {
			snprintf(why, whylen, "restore_backup is not a backup id");
			return -1;
		}
		memcpy(sp->restore_backup, s, n + 1);
	}
	return 0;
}

int
sync_parse_real(json_t *e, struct ve_spec *sp, char *why, size_t whylen)
{
	json_t *j;
	char host[254];

	sp->power_on = 1;
	if ((j = given(e, "template")) != NULL) {
		if (!json_is_string(j) || !template_ok(json_string_value(j)))
			goto bad_template;
		snprintf(sp->template, sizeof(sp->template), "%s", json_string_value(j));
	}
	if ((j = json_object_get(e, "root_crypt")) != NULL && !json_is_null(j)) {
		if (!json_is_string(j) || !crypt_ok(json_string_value(j))) {
			snprintf(why, whylen, "root_crypt is not a $y$ or $6$ crypt(3) hash");
			return -1;
		}
		snprintf(sp->root_crypt, sizeof(sp->root_crypt), "%s", json_string_value(j));
	}
	if ((j = given(e, "hostname")) != NULL) {
		size_t n = json_is_string(j) ? json_string_length(j) : 0;

		for (size_t i = 0; i < n && i < sizeof(host) - 1; i++) {
			char c = json_string_value(j)[i];

			host[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		}
		host[n < sizeof(host) ? n : 0] = '\0';
		if (n == 0 || n > 253 || !charset(host, ".-")) {
			snprintf(why, whylen, "hostname is not a host name");
			return -1;
		}
		/* The UTS name holds 64 bytes: a longer name gives its first label. */
		snprintf(sp->hostname, sizeof(sp->hostname), "%.*s",
		    (int)strcspn(host, n > VE_HOSTNAME_MAX ? "." : ""), host);
	}
	if ((j = given(e, "netmask")) != NULL &&
	    (quad(j, &sp->netmask) == -1 || !mask_ok(sp->netmask))) {
		snprintf(why, whylen, "netmask is not a dotted-quad netmask");
		return -1;
	}
	if ((j = given(e, "gateway")) != NULL &&
	    quad(j, &sp->gateway) == -1) {
		snprintf(why, whylen, "gateway is not a dotted quad");
		return -1;
	}
	if ((j = json_object_get(e, "dns_servers")) != NULL && !json_is_null(j)) {
		if (!json_is_array(j) || json_array_size(j) > VE_MAX_DNS)
			goto bad_dns;
		for (size_t i = 0; i < json_array_size(j); i++)
			if (quad(json_array_get(j, i), &sp->dns[sp->ndns++]) == -1)
				goto bad_dns;
	}
	if ((j = json_object_get(e, "always_on")) != NULL) {
		if (!json_is_boolean(j)) {
			snprintf(why, whylen, "always_on is not a boolean");
			return -1;
		}
		sp->always_on = json_is_true(j);
	}
	if ((j = json_object_get(e, "login")) != NULL && parse_login(j, &sp->login) == -1) {
		snprintf(why, whylen, "login is not an array of ssh, telnet, rsh, x11");
		return -1;
	}
	if ((j = json_object_get(e, "power")) != NULL) {
		const char *s = json_is_string(j) ? json_string_value(j) : "";

		if (strcmp(s, "running") != 0 && strcmp(s, "stopped") != 0) {
			snprintf(why, whylen, "power is not running or stopped");
			return -1;
		}
		sp->power_on = strcmp(s, "running") == 0;
	}
	if ((j = json_object_get(e, "power_seq")) != NULL) {
		if (!json_is_integer(j) || json_integer_value(j) < 0) {
			snprintf(why, whylen, "power_seq is not a whole number >= 0");
			return -1;
		}
		sp->power_seq = (uint64_t)json_integer_value(j);
	}
	if (sync_parse_backup(e, sp, why, whylen) == -1)
		return -1;
	return sync_parse_move(e, sp, why, whylen);
bad_template:
	snprintf(why, whylen, "template is not a template code");
	return -1;
bad_dns:
	snprintf(why, whylen, "dns_servers is not an array of 1 to 3 dotted quads");
	return -1;
}
