/*
 * figures.c: what billingd's /metrics says (Prometheus text, base units):
 * the loop's figures, the peers' health and the writer's published ones.
 */
#ifndef BILLINGD_FIGURES_H
#define BILLINGD_FIGURES_H

struct buf;

/* arg: the struct billingd.  An mserver_render_fn. */
void	figures_render(struct buf *, void *arg);

#endif
