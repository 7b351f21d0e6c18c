/*
 * The one VEid rule: 8 hexadecimal digits, accepted in either case and
 * always used (stored, compared, printed) in upper case.  The self screen,
 * the API (Basic user name and path segments) and veinfo all go through
 * ve_id_norm (issue 17, item 10: the API refused "0000002a").
 */
#ifndef VEP_VEID_H
#define VEP_VEID_H

/* 1 and out = the upper-case VEid when s is 8 hex digits (any case); 0 otherwise. */
int	ve_id_norm(const char *s, char out[9]);
/* 1 when s is a VEid as stored: exactly 8 upper-case hex digits; 0 otherwise (or NULL). */
int	ve_id_valid(const char *s);

#endif
