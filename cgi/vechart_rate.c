/*
 * A chart's figures per bucket; see vechart_rate.h.
 */
#include <math.h>

#include "vechart_rate.h"

/*
 * The seconds of bucket [t, t + step) the VE existed in (from since on):
 * to its end once it has ended; while it holds now, up to its last sample.
 * At least one.
 */
static double
covered(const struct ve_point *p, long long step, long long since, long long now)
{
	long long a = p->t > since ? p->t : since, e = p->t + step - 1;

	if (now <= e) {
		e = p->last_t > 0 ? p->last_t : now;
		if (e > now)
			e = now;
	}
	return e - a + 1 < 1 ? 1.0 : e - a + 1 > step ? (double)step : (double)(e - a + 1);
}

int
vechart_rates(const struct ve_point *pts, size_t n, enum vechart_metric m, long long bogomips,
    long long from, long long step, size_t nb, long long since, long long now, double *a, double *b)
{
	for (size_t i = 0; i < nb; i++)
		a[i] = b[i] = NAN;	/* nothing recorded: a gap, never a made-up zero */
	if (step <= 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct ve_point *p = &pts[i];
		size_t j = (size_t)((p->t - from) / step);
		double secs;

		if (p->t < from || j >= nb)
			continue;
		secs = covered(p, step, since, now);
		switch (m) {
		case MET_CPU:
			/* CPU-seconds per second are CPUs busy; times bogomips per CPU */
			a[j] = (double)p->cpu_us / 1e6 / secs * (double)bogomips;
			break;
		case MET_VMEM:
			a[j] = p->samples > 0 ? (double)p->vmem_sum / (double)p->samples : NAN;
			break;
		case MET_DISK:
			a[j] = p->samples > 0 ? (double)p->disk_sum / (double)p->samples : NAN;
			break;
		case MET_NET:
		case MET__MAX:
			a[j] = (double)p->net_in * 8 / secs;
			b[j] = (double)p->net_out * 8 / secs;
			break;
		}
	}
	return nb > 0 && now >= from + (long long)(nb - 1) * step && now < from + (long long)nb * step;
}
