/*
 * A minimal /metrics scraper for bench/agent_metrics.sh: N GET requests on
 * one keep-alive connection, each answer read whole (Content-Length), the
 * latency of each measured.  Prints "n p50_us p99_us max_us bytes first_us".
 * With WARM, the first WARM answers on the connection are not counted
 * (billingd keeps its connection; a new one's first answers are slower:
 * fresh socket buffers on both sides); first_us is the latency of the
 * connection's very first answer either way.  With TICKS, then TICKS more
 * requests each sent as a wall-clock second starts, as billingd's tick
 * does (the agent renders once a second: these are the requests that
 * would pay it); their largest latency is printed last as tick_max_us.
 *
 *	agent_scrape HOST PORT N [WARM [TICKS]]
 */
#define _GNU_SOURCE	/* memmem */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

/* One request; the body's length, or -1. */
static long
scrape(int fd, char *buf, size_t cap)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: bench\r\n\r\n";
	size_t have = 0, head = 0, body = 0;

	if (write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1))
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf + have, cap - have);
		char *e, *cl;

		if (n <= 0)
			return -1;
		have += (size_t)n;
		if (head == 0 && (e = memmem(buf, have, "\r\n\r\n", 4)) != NULL) {
			head = (size_t)(e - buf) + 4;
			if ((cl = memmem(buf, head, "Content-Length: ", 16)) == NULL)
				return -1;
			body = strtoul(cl + 16, NULL, 10);
			if (head + body > cap)
				return -1;
		}
		if (head != 0 && have >= head + body)
			return have == head + body ? (long)body : -1;
		if (have == cap)
			return -1;
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	size_t cap = 256u << 20;
	char *buf = malloc(cap);
	long long *lat;
	long bytes = 0;
	long long first = 0;
	long long tick_max = 0;
	int fd, n, warm = 0, ticks = 0, one = 1;

	if (argc < 4 || argc > 6 || buf == NULL) {
		fprintf(stderr, "usage: agent_scrape HOST PORT N [WARM [TICKS]]\n");
		return 2;
	}
	n = atoi(argv[3]);
	if (argc >= 5)
		warm = atoi(argv[4]);
	if (argc == 6)
		ticks = atoi(argv[5]);
	lat = calloc((size_t)n, sizeof(*lat));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[2]));
	if (lat == NULL || n <= 0 || inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1)
		return 2;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("agent_scrape: connect");
		return 1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (int i = -warm; i < n; i++) {
		long long t = now_us();

		if ((bytes = scrape(fd, buf, cap)) < 0) {
			fprintf(stderr, "agent_scrape: bad answer\n");
			return 1;
		}
		t = now_us() - t;
		if (i == -warm)
			first = t;
		if (i >= 0)
			lat[i] = t;
	}
	for (int i = 0; i < ticks; i++) {
		struct timespec w;
		long long t;

		/* Sleep to the next wall-clock second, then ask at once. */
		clock_gettime(CLOCK_REALTIME, &w);
		w.tv_sec++;
		w.tv_nsec = 0;
		while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &w, NULL) != 0)
			;
		t = now_us();
		if (scrape(fd, buf, cap) < 0) {
			fprintf(stderr, "agent_scrape: bad answer\n");
			return 1;
		}
		t = now_us() - t;
		if (t > tick_max)
			tick_max = t;
	}
	qsort(lat, (size_t)n, sizeof(*lat), cmp);
	printf("%d %lld %lld %lld %ld %lld %lld\n", n, lat[n / 2],
	    lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], lat[n - 1], bytes, first, tick_max);
	close(fd);
	free(lat);
	free(buf);
	return 0;
}
