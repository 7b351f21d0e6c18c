/*
 * How every screen writes times, sizes, rates and amounts for people, so
 * that the same thing reads the same on every page: one time format
 * ("07 Dec 2026, 12:40 UTC"), sizes in decimal units with three
 * significant figures ("1.23 GB", "999 bytes").
 */
#ifndef VEP_FMT_H
#define VEP_FMT_H

#include <stddef.h>

/* "07 Dec 2026, 12:40 UTC"; "never" for t <= 0. */
void	fmt_time(long long t, char *out, size_t len);
/* "07 Dec 2026". */
void	fmt_date(long long t, char *out, size_t len);
/* "March 2026". */
void	fmt_month(int year, int month, char *out, size_t len);
/* "42 s ago", "5 min ago", "3 h ago", "2 days ago", "just now", "never". */
void	fmt_ago(long long now, long long t, char *out, size_t len);
/* Bytes in decimal units, three significant figures: "999 bytes", "1.23 GB". */
void	fmt_bytes(long long b, char *out, size_t len);
/* A bandwidth in kbit/s: "not set" (0), "800 kbit/s", "2.5 Mbit/s", "1 Gbit/s". */
void	fmt_kbps(long long k, char *out, size_t len);
/* Minor units with the currency's exponent (money.h): "1234.56"; the integer when unknown. */
void	fmt_money(long long minor, const char *cur, char *out, size_t len);
/* The same followed by the currency: "1234.56 EUR". */
void	fmt_money_cur(long long minor, const char *cur, char *out, size_t len);
/* A whole number with thousands separators: "12,345,678". */
void	fmt_group(long long n, char *out, size_t len);
/* Basis points as a percentage with two decimals: 1900 -> "19.00 %". */
void	fmt_bp(long long bp, char *out, size_t len);

/* Append item to the list in out ("a, b, c"): *off is its length so far; stops quietly when full. */
void	fmt_list_add(char *out, size_t len, size_t *off, const char *item);

#endif
