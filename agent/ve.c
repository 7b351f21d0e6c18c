/*
 * Validators and small conversions for VE specifications; every byte the
 * API sends goes through these before a backend sees it.
 */
#include <stdio.h>
#include <string.h>

#include "ve.h"

int
ve_ipv4_parse(const char *s, size_t len, uint32_t *out)
{
	uint32_t a = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;

		if (part > 0) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (nd > 0 && v == 0)
				return -1;	/* leading zero */
			v = v * 10 + (unsigned)(s[i] - '0');
			if (++nd > 3 || v > 255)
				return -1;
			i++;
		}
		if (nd == 0)
			return -1;
		a = (a << 8) | v;
	}
	if (i != len)
		return -1;
	*out = a;
	return 0;
}

void
ve_ipv4_fmt(uint32_t a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

const char *
ve_fw_name(enum firewall f)
{
	return (unsigned)f < FW__MAX ? order_firewall_names[f] : "?";
}

int
ve_fwfile_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > VE_FWFILE_MAX || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' ||
		    s[i] == '.'))
			return 0;
	return 1;
}

int
ve_spec_differs(const struct ve_spec *a, const struct ve_spec *b)
{
	/* Field by field: the struct has padding, memcmp would lie. */
	if (strcmp(a->id, b->id) != 0 || a->state != b->state ||
	    a->nips != b->nips ||
	    memcmp(a->ips, b->ips, a->nips * sizeof(a->ips[0])) != 0 ||
	    a->disk_quota_mb != b->disk_quota_mb ||
	    a->cpu_min_bogomips != b->cpu_min_bogomips ||
	    a->mem_max_mb != b->mem_max_mb ||
	    a->net_bw_min_kbps != b->net_bw_min_kbps ||
	    a->net_bw_max_kbps != b->net_bw_max_kbps ||
	    a->net_in_bw_min_kbps != b->net_in_bw_min_kbps ||
	    a->net_in_bw_max_kbps != b->net_in_bw_max_kbps ||
	    a->net_out_bw_min_kbps != b->net_out_bw_min_kbps ||
	    a->net_out_bw_max_kbps != b->net_out_bw_max_kbps ||
	    a->firewall != b->firewall ||
	    strcmp(a->firewall_file, b->firewall_file) != 0 ||
	    a->throttle_kbps != b->throttle_kbps ||
	    strcmp(a->template, b->template) != 0 ||
	    strcmp(a->root_crypt, b->root_crypt) != 0 ||
	    strcmp(a->hostname, b->hostname) != 0 ||
	    a->netmask != b->netmask || a->gateway != b->gateway ||
	    a->ndns != b->ndns || memcmp(a->dns, b->dns, a->ndns * sizeof(a->dns[0])) != 0 ||
	    a->always_on != b->always_on || a->power_on != b->power_on ||
	    a->power_seq != b->power_seq || a->login != b->login ||
	    a->reinstall_seq != b->reinstall_seq || a->restore_seq != b->restore_seq ||
	    a->backup_seq != b->backup_seq || a->backup_hours != b->backup_hours ||
	    strcmp(a->restore_backup, b->restore_backup) != 0 ||
	    strcmp(a->move_out_token, b->move_out_token) != 0 ||
	    strcmp(a->move_from_url, b->move_from_url) != 0 ||
	    strcmp(a->move_from_token, b->move_from_token) != 0)
		return 1;
	return 0;
}
