/*
 * What billingd's /metrics says (Prometheus text format 0.0.4, base units:
 * seconds, bytes; `promtool check metrics` passes on it).  Rendered on the
 * loop thread: the loop's own figures and the peers directly, the writer's
 * from what it last published under the shared mutex.
 */
#include <pthread.h>
#include <stdio.h>

#include "util.h"
#include "billingd.h"
#include "figures.h"
#include "mserver.h"
#include "poll.h"

static void
metric(struct buf *b, const char *name, const char *help, const char *type)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The writer's figures, as it last published them. */
static void
render_writer(struct buf *b, const struct billingd *bd, const struct wfig *w, size_t qbytes)
{
	const struct wfig s = *w;

	metric(b, "billingd_db_up", "1 while the database accepts writes", "gauge");
	buf_printf(b, "billingd_db_up %d\n", s.db_up);
	metric(b, "billingd_spool_bytes", "bytes of batches waiting in the spool file", "gauge");
	buf_printf(b, "billingd_spool_bytes %llu\n", (unsigned long long)s.spool_bytes);
	metric(b, "billingd_memory_queue_bytes", "bytes of batches waiting in memory", "gauge");
	buf_printf(b, "billingd_memory_queue_bytes %llu\n",
	    (unsigned long long)(qbytes + s.pend_bytes));
	metric(b, "billingd_batches_total", "batches by outcome", "counter");
	buf_printf(b, "billingd_batches_total{result=\"applied\"} %llu\n", (unsigned long long)s.applied);
	buf_printf(b, "billingd_batches_total{result=\"spooled\"} %llu\n", (unsigned long long)s.spooled);
	buf_printf(b, "billingd_batches_total{result=\"replayed\"} %llu\n", (unsigned long long)s.replayed);
	buf_printf(b, "billingd_batches_total{result=\"dropped\"} %llu\n",
	    (unsigned long long)(s.dropped + bd->L.fig.batches_lost));
	metric(b, "billingd_write_seconds_total", "time spent writing batches to the database", "counter");
	buf_printf(b, "billingd_write_seconds_total %llu.%06llu\n",
	    (unsigned long long)(s.write_us / 1000000), (unsigned long long)(s.write_us % 1000000));
	metric(b, "billingd_spans_written_total", "VE usage spans written", "counter");
	buf_printf(b, "billingd_spans_written_total %llu\n", (unsigned long long)s.spans);
	metric(b, "billingd_rows_written_total", "table rows written", "counter");
	buf_printf(b, "billingd_rows_written_total %llu\n", (unsigned long long)s.rows);
	metric(b, "billingd_committed_until_seconds", "time of the latest sample committed", "gauge");
	buf_printf(b, "billingd_committed_until_seconds %lld\n", (long long)s.committed_t);
	metric(b, "billingd_conflicts_total", "VEs whose database state differed from ours", "counter");
	buf_printf(b, "billingd_conflicts_total %llu\n", (unsigned long long)s.conflicts);
	metric(b, "billingd_late_marks_total", "VE-months that got usage after they were invoiced",
	    "counter");
	buf_printf(b, "billingd_late_marks_total %llu\n", (unsigned long long)s.late);
}

/* Per node, and the /metrics server's own figures. */
static void
render_nodes(struct buf *b, const struct billingd *bd)
{
	metric(b, "billingd_node_up", "1 if the node's last poll succeeded", "gauge");
	for (const struct peer *p = bd->L.peers; p != NULL; p = p->next)
		buf_printf(b, "billingd_node_up{node=\"%s\"} %d\n", p->ni.name, p->hs == PH_UP);
	metric(b, "billingd_node_lag_seconds", "time from the tick to the node's complete answer",
	    "gauge");
	for (const struct peer *p = bd->L.peers; p != NULL; p = p->next)
		buf_printf(b, "billingd_node_lag_seconds{node=\"%s\"} %d.%03d\n", p->ni.name,
		    p->lag_ms / 1000, p->lag_ms % 1000);
	metric(b, "billingd_node_polls_total", "polls of each node by result", "counter");
	for (const struct peer *p = bd->L.peers; p != NULL; p = p->next)
		buf_printf(b, "billingd_node_polls_total{node=\"%s\",result=\"ok\"} %llu\n"
		    "billingd_node_polls_total{node=\"%s\",result=\"failed\"} %llu\n",
		    p->ni.name, (unsigned long long)p->polls_ok,
		    p->ni.name, (unsigned long long)p->polls_failed);
	if (bd->L.metrics != NULL) {
		metric(b, "billingd_metrics_clients_evicted_total",
		    "/metrics connections closed, silent, to make room for a new one", "counter");
		buf_printf(b, "billingd_metrics_clients_evicted_total %llu\n",
		    (unsigned long long)mserver_evicted(bd->L.metrics));
		metric(b, "billingd_metrics_accept_pauses_total",
		    "pauses of the /metrics listener for want of file descriptors", "counter");
		buf_printf(b, "billingd_metrics_accept_pauses_total %llu\n",
		    (unsigned long long)mserver_pauses(bd->L.metrics));
	}
}

void
figures_render(struct buf *b, void *arg)
{
	struct billingd *bd = arg;
	unsigned n[4] = { 0 };
	struct wfig s;
	size_t qbytes;
	uint64_t rounds;

	for (struct peer *p = bd->L.peers; p != NULL; p = p->next)
		n[p->hs]++;
	pthread_mutex_lock(&bd->S.mu);
	s = bd->S.fig;
	qbytes = bd->S.q_bytes;
	pthread_mutex_unlock(&bd->S.mu);

	metric(b, "billingd_nodes", "nodes polled by this billingd, by state", "gauge");
	for (int i = 0; i < 4; i++)
		buf_printf(b, "billingd_nodes{state=\"%s\"} %u\n",
		    peer_health_name((enum peer_health)i), n[i]);
	metric(b, "billingd_polls_total", "agent polls by result", "counter");
	buf_printf(b, "billingd_polls_total{result=\"ok\"} %llu\n",
	    (unsigned long long)bd->L.fig.polls_ok);
	buf_printf(b, "billingd_polls_total{result=\"failed\"} %llu\n",
	    (unsigned long long)bd->L.fig.polls_failed);
	metric(b, "billingd_node_transitions_total", "changes of a node's health state", "counter");
	buf_printf(b, "billingd_node_transitions_total %llu\n", (unsigned long long)bd->L.fig.transitions);
	metric(b, "billingd_samples_total", "VE samples metered", "counter");
	buf_printf(b, "billingd_samples_total %llu\n", (unsigned long long)bd->L.fig.samples);
	metric(b, "billingd_samples_per_second", "VE samples metered in the last tick", "gauge");
	buf_printf(b, "billingd_samples_per_second %llu\n",
	    (unsigned long long)bd->L.fig.last_tick_samples);
	metric(b, "billingd_ignored_samples_total",
	    "samples of VEs not placed on the answering node", "counter");
	buf_printf(b, "billingd_ignored_samples_total %llu\n", (unsigned long long)bd->L.fig.ignored);
	metric(b, "billingd_stale_samples_total", "samples of a second already metered", "counter");
	buf_printf(b, "billingd_stale_samples_total %llu\n", (unsigned long long)bd->L.fig.stale);
	metric(b, "billingd_availability_seconds_total",
	    "VE-seconds of availability observed: up, down, suspended (not counted), "
	    "down in a node outage", "counter");
	{
		static const char *const kind[4] = { "up", "down", "suspended", "outage" };
		for (int k = 0; k < 4; k++)
			buf_printf(b, "billingd_availability_seconds_total{kind=\"%s\"} %llu\n",
			    kind[k], (unsigned long long)bd->L.fig.avail_seconds[k]);
	}
	metric(b, "billingd_last_tick_overrun_seconds", "how late the last tick started", "gauge");
	buf_printf(b, "billingd_last_tick_overrun_seconds %lld.%03lld\n",
	    (long long)(bd->L.fig.last_overrun_ms / 1000), (long long)(bd->L.fig.last_overrun_ms % 1000));
	metric(b, "billingd_ticks_total", "ticks run (one per second)", "counter");
	buf_printf(b, "billingd_ticks_total %llu\n", (unsigned long long)bd->L.fig.ticks);
	metric(b, "billingd_ticks_skipped_total", "whole seconds skipped because the loop was late", "counter");
	buf_printf(b, "billingd_ticks_skipped_total %llu\n", (unsigned long long)bd->L.fig.ticks_skipped);
	pthread_mutex_lock(&bd->B.mu);
	rounds = bd->B.rounds;
	pthread_mutex_unlock(&bd->B.mu);
	metric(b, "billingd_billing_rounds_total", "rounds of the billing jobs run", "counter");
	buf_printf(b, "billingd_billing_rounds_total %llu\n", (unsigned long long)rounds);
	metric(b, "billingd_snapshots_total",
	    "node lists and VE placements the loop took from the writer", "counter");
	buf_printf(b, "billingd_snapshots_total %llu\n", (unsigned long long)bd->L.fig.snapshots);
	metric(b, "billingd_snapshot_fence_batch", "number of the last batch holding samples "
	    "metered under the node list and placement before the latest one", "gauge");
	buf_printf(b, "billingd_snapshot_fence_batch %llu\n", (unsigned long long)bd->L.fig.fence);
	metric(b, "billingd_applied_batch", "number of the latest batch applied from memory "
	    "(batches are numbered from 1 as the loop hands them over)", "gauge");
	buf_printf(b, "billingd_applied_batch %llu\n", (unsigned long long)s.applied_no);
	render_writer(b, bd, &s, qbytes);
	render_nodes(b, bd);
}

