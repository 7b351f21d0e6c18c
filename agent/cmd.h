/*
 * Running ip, tc and nft from the event loop without waiting for them:
 * one child at a time from a FIFO queue (so a VE's commands run in the
 * order they were asked for), started with fork/execve from an argv
 * array, never a shell string; stdin from a buffer, stdout and stderr
 * collected through the loop, exit seen through a pidfd, a time limit.
 */
#ifndef VEAGENT_CMD_H
#define VEAGENT_CMD_H

#include <stddef.h>

#define CMD_FRONT	1	/* run before the queued jobs (counter reads) */
#define CMD_QUIET	2	/* a failure is expected at times: log it at debug */
#define CMD_MAX_IN	(60 * 1024)	/* stdin must fit a pipe */

struct loop;
struct cmdq;

/*
 * A job ended: status is the exit code, or -1 when it could not run or was
 * killed.  out is its stdout (NUL-terminated, borrowed for the call).
 */
typedef void	cmd_done_fn(void *arg, int status, const char *out, size_t outlen);

struct cmdq	*cmdq_new(struct loop *, long long timeout_ms);
/*
 * Queue argv (argv[0] an absolute path; everything copied) with optional
 * stdin.  tag groups jobs for cmdq_cancel().  0, or -1 when out of memory
 * or the input is larger than CMD_MAX_IN.
 */
int		 cmdq_push(struct cmdq *, const char *const argv[], const char *in,
		    size_t inlen, int flags, cmd_done_fn *, void *arg, const void *tag);
/* The jobs of tag still run, but their callbacks are dropped. */
void		 cmdq_cancel(struct cmdq *, const void *tag);
/* Jobs queued or running. */
size_t		 cmdq_pending(const struct cmdq *);
/* Kill a running child, drop the queue. */
void		 cmdq_free(struct cmdq *);

#endif
