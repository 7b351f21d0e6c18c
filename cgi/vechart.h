/*
 * A VE's usage chart (CPU, memory, disk, traffic over the last hour, day
 * or month), one drawing for the owner's screen (GET /self/chart) and the
 * operator's (GET /admin/chart/ve): the same buckets, gaps where nothing
 * was recorded (never a made-up zero), and the order's quota as a line.
 */
#ifndef VEP_VECHART_H
#define VEP_VECHART_H

#include "db_ve.h"
#include "vechart_rate.h"	/* enum vechart_metric, the figures per bucket */

struct web;
struct resp;

extern const char *const vechart_metric_names[MET__MAX];	/* "cpu", "vmem", "disk", "net" */
extern const char *const vechart_metric_titles[MET__MAX];	/* "CPU usage", ... */
extern const char *const vechart_range_names[VR__MAX];		/* "hour", "day", "month" */
extern const char *const vechart_range_titles[VR__MAX];	/* "last hour, by minute", ... */

/* Index of name in names (n of them) or -1. */
int	vechart_lookup(const char *const *names, int n, const char *name);

struct form;
/* The chart's form fields (form.h validators): n the enum vechart_metric / ve_range. */
const char *vechart_v_metric(const char *s, struct form *v, size_t k);
const char *vechart_v_range(const char *s, struct form *v, size_t k);
/*
 * Draw metric of vi over range into r as image/svg+xml (private); a
 * database failure is answered 503 there.
 */
void	vechart(struct web *, struct resp *, const struct ve_info *vi, enum vechart_metric,
	    enum ve_range);

/* The same for the VE ve_id, looked up first (404 when there is none). */
void	vechart_of(struct web *, struct resp *, const char *ve_id, enum vechart_metric, enum ve_range);

#endif
