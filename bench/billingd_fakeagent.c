/*
 * A fast fake node agent for bench/billingd_ingest.sh only: serves
 * GET /metrics (HTTP/1.1, keep-alive, one connection at a time, as billingd
 * polls) for N synthetic VEs whose counters grow with the wall clock.
 *
 *	billingd_fakeagent PORT NVES FIRST_ID
 *
 * VE ids are FIRST_ID .. FIRST_ID+N-1 in hex; each has one address.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static uint64_t
now_us(void)
{
	return (uint64_t)vep_wall_us();
}

static size_t
render(char *buf, size_t cap, unsigned n, unsigned first, uint64_t start)
{
	uint64_t now = now_us(), el = now - start;
	size_t len = 0;

	len += (size_t)snprintf(buf + len, cap - len,
	    "veagent_start_time_seconds %llu.%06llu\nnode_cpu_bogomips 4800.00\n",
	    (unsigned long long)(start / 1000000), (unsigned long long)(start % 1000000));
	for (unsigned i = 0; i < n && cap - len > 1024; i++) {
		unsigned id = first + i;
		uint64_t user = el * (i % 7 + 1) / 100, sys = user / 10;
		uint64_t rx = el / 1000 * (i % 5 + 1), tx = rx / 3;
		len += (size_t)snprintf(buf + len, cap - len,
		    "ve_start_time_seconds{ve=\"%08X\"} %llu.%06llu\n"
		    "ve_cpu_user_seconds_total{ve=\"%08X\"} %llu.%06llu\n"
		    "ve_cpu_system_seconds_total{ve=\"%08X\"} %llu.%06llu\n"
		    "ve_memory_virtual_bytes{ve=\"%08X\"} %u\n"
		    "ve_disk_used_bytes{ve=\"%08X\"} %u\n"
		    "ve_network_receive_bytes_total{ve=\"%08X\",ip=\"10.%u.%u.%u\"} %llu\n"
		    "ve_network_transmit_bytes_total{ve=\"%08X\",ip=\"10.%u.%u.%u\"} %llu\n",
		    id, (unsigned long long)(start / 1000000), (unsigned long long)(start % 1000000),
		    id, (unsigned long long)(user / 1000000), (unsigned long long)(user % 1000000),
		    id, (unsigned long long)(sys / 1000000), (unsigned long long)(sys % 1000000),
		    id, 100000000u + i, id, 2000000000u + i,
		    id, (id >> 16) & 255, (id >> 8) & 255, id & 255, (unsigned long long)rx,
		    id, (id >> 16) & 255, (id >> 8) & 255, id & 255, (unsigned long long)tx);
	}
	return len;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sa;
	unsigned n, first;
	size_t cap;
	char *body, req[8192], head[256];
	uint64_t start = now_us();
	int l, one = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: billingd_fakeagent port nves first_id\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	n = (unsigned)strtoul(argv[2], NULL, 10);
	first = (unsigned)strtoul(argv[3], NULL, 16);
	cap = (size_t)n * 700 + 4096;
	if ((body = malloc(cap)) == NULL)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(l, (struct sockaddr *)&sa, sizeof(sa)) == -1 || listen(l, 8) == -1) {
		perror("listen");
		return 1;
	}
	for (;;) {
		int c = accept(l, NULL, NULL);
		size_t have = 0;
		if (c == -1)
			continue;
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		for (;;) {
			ssize_t r = read(c, req + have, sizeof(req) - 1 - have);
			char *end;
			if (r <= 0)
				break;
			have += (size_t)r;
			req[have] = '\0';
			if ((end = strstr(req, "\r\n\r\n")) == NULL) {
				if (have == sizeof(req) - 1)
					break;
				continue;
			}
			{
				size_t len = render(body, cap, n, first, start), off = 0;
				int hl = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
				    "Content-Type: text/plain; version=0.0.4\r\n"
				    "Content-Length: %zu\r\n\r\n", len);
				if (write(c, head, (size_t)hl) != hl)
					break;
				while (off < len) {
					ssize_t w = write(c, body + off, len - off);
					if (w <= 0)
						break;
					off += (size_t)w;
				}
			}
			have = 0;
		}
		close(c);
	}
}
