/*
 * The child-command queue (see cmd.h).  The running job's pidfd and its
 * stdout/stderr pipes are ordinary descriptors in the event loop; the job
 * ends when the pidfd says the child exited, and its pipes are drained
 * then (a child that left a grandchild holding them does not hold us).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "loop.h"
#include "util.h"

#define OUT_MAX	(16u * 1024 * 1024)
#define ERR_MAX	2048

struct job {
	char		**argv;
	char		*in;
	size_t		 inlen;
	int		 flags;
	cmd_done_fn	*fn;
	void		*arg;
	const void	*tag;
	struct job	*next;
};

struct cmdq {
	struct loop	*loop;
	long long	 timeout_ms;
	struct job	*head, *tail;
	size_t		 n;
	/* the running job */
	struct job	*run;
	pid_t		 pid;
	int		 pidfd, outfd, errfd;
	struct buf	 out, err;
	long long	 timer;
	long long	 kick;	/* a zero-delay timer that starts the next job */
};

static void	start_next(struct cmdq *);

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	for (char **p = j->argv; p != NULL && *p != NULL; p++)
		free(*p);
	free(j->argv);
	free(j->in);
	free(j);
}

struct cmdq *
cmdq_new(struct loop *l, long long timeout_ms)
{
	struct cmdq *q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->loop = l;
	q->timeout_ms = timeout_ms;
	q->pidfd = q->outfd = q->errfd = -1;
	buf_init(&q->out);
	buf_init(&q->err);
	return q;
}

static long long
kick_due(struct loop *l, long long id, void *arg)
{
	struct cmdq *q = arg;

	q->kick = 0;
	start_next(q);
	return -1;
}

int
cmdq_push(struct cmdq *q, const char *const argv[], const char *in, size_t inlen,
    int flags, cmd_done_fn *fn, void *arg, const void *tag)
{
	struct job *j;
	size_t n = 0;

	if (inlen > CMD_MAX_IN) {
		log_warnx("%s: %s: input of %zu bytes is too large", __func__, argv[0], inlen);
		return -1;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return -1;
	while (argv[n] != NULL)
		n++;
	if ((j->argv = calloc(n + 1, sizeof(*j->argv))) == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if ((j->argv[i] = strdup(argv[i])) == NULL)
			goto fail;
	if (inlen > 0) {
		if ((j->in = malloc(inlen)) == NULL)
			goto fail;
		memcpy(j->in, in, inlen);
		j->inlen = inlen;
	}
	j->flags = flags;
	j->fn = fn;
	j->arg = arg;
	j->tag = tag;
	if (flags & CMD_FRONT) {
		j->next = q->head;
		q->head = j;
		if (q->tail == NULL)
			q->tail = j;
	} else {
		if (q->tail != NULL)
			q->tail->next = j;
		else
			q->head = j;
		q->tail = j;
	}
	q->n++;
	/* Start from the loop, never from inside the caller. */
	if (q->run == NULL && q->kick == 0)
		q->kick = loop_timer_add(q->loop, 0, kick_due, q);
	return 0;
fail:
	job_free(j);
	return -1;
}

void
cmdq_cancel(struct cmdq *q, const void *tag)
{
	for (struct job *j = q->head; j != NULL; j = j->next)
		if (j->tag == tag)
			j->fn = NULL;
	if (q->run != NULL && q->run->tag == tag)
		q->run->fn = NULL;
}

size_t
cmdq_pending(const struct cmdq *q)
{
	return q->n + (q->run != NULL);
}

static void
close_fd(struct cmdq *q, int *fd)
{
	if (*fd != -1) {
		loop_io_del(q->loop, *fd);
		close(*fd);
		*fd = -1;
	}
}

/* Read what a pipe has; 1 at EOF or error. */
static int
drain(int fd, struct buf *b, size_t max)
{
	char tmp[16384];

	for (;;) {
		ssize_t n = read(fd, tmp, sizeof(tmp));

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == EAGAIN ? 0 : 1;
		if (n == 0)
			return 1;
		if (b->len + (size_t)n <= max)
			buf_append(b, tmp, (size_t)n);
	}
}

static void
pipe_ready(struct loop *l, int fd, int mask, void *arg)
{
	struct cmdq *q = arg;

	if (fd == q->outfd) {
		if (drain(fd, &q->out, OUT_MAX))
			close_fd(q, &q->outfd);
	} else if (fd == q->errfd) {
		if (drain(fd, &q->err, ERR_MAX))
			close_fd(q, &q->errfd);
	}
}

static void
finish(struct cmdq *q, int status)
{
	struct job *j = q->run;

	if (q->outfd != -1)
		(void)drain(q->outfd, &q->out, OUT_MAX);
	if (q->errfd != -1)
		(void)drain(q->errfd, &q->err, ERR_MAX);
	close_fd(q, &q->outfd);
	close_fd(q, &q->errfd);
	close_fd(q, &q->pidfd);
	if (q->timer != 0) {
		loop_timer_del(q->loop, q->timer);
		q->timer = 0;
	}
	if (status != 0) {
		const char *e = buf_cstr(&q->err);
		size_t el = strcspn(e, "\n");

		if (j->flags & CMD_QUIET)
			log_debug("%s %s: status %d: %.*s", j->argv[0], j->argv[1] ? j->argv[1] : "",
			    status, (int)el, e);
		else
			log_warnx("%s %s: status %d: %.*s", j->argv[0], j->argv[1] ? j->argv[1] : "",
			    status, (int)el, e);
	}
	q->run = NULL;
	q->pid = 0;
	if (j->fn != NULL)
		j->fn(j->arg, status, buf_cstr(&q->out), q->out.len);
	job_free(j);
	if (q->out.cap > 1024 * 1024)
		buf_free(&q->out);
	start_next(q);
}

static void
child_exit(struct loop *l, int fd, int mask, void *arg)
{
	struct cmdq *q = arg;
	siginfo_t si;
	int status = -1;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)q->pid, &si, WEXITED | WNOHANG) == -1) {
		log_warn("%s: waitid", __func__);
	} else if (si.si_pid == 0) {
		return;		/* spurious */
	} else if (si.si_code == CLD_EXITED)
		status = si.si_status;
	finish(q, status);
}

static long long
job_timeout(struct loop *l, long long id, void *arg)
{
	struct cmdq *q = arg;

	q->timer = 0;
	if (q->run != NULL && q->pid > 0) {
		log_warnx("%s: %s ran longer than %lld ms, killing it", __func__,
		    q->run->argv[0], q->timeout_ms);
		kill(q->pid, SIGKILL);
	}
	return -1;
}

/* The child: plumbing, a clean signal state, then execve. */
static void __attribute__((noreturn))
child(struct job *j, int in, int out, int err)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(err, 2) == -1)
		_exit(126);
	close_range(3, ~0U, 0);
	execve(j->argv[0], j->argv, envp);
	_exit(127);
}

/* Start one job; -1 when it could not start (already reported). */
static int
spawn(struct cmdq *q, struct job *j)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	pid_t pid;

	if (pipe2(pin, O_CLOEXEC) == -1 || pipe2(pout, O_CLOEXEC | O_NONBLOCK) == -1 ||
	    pipe2(perr, O_CLOEXEC | O_NONBLOCK) == -1) {
		log_warn("%s: pipe", __func__);
		goto fail;
	}
	/* The whole input fits the pipe (CMD_MAX_IN), so this cannot block. */
	if (j->inlen > 0 && write(pin[1], j->in, j->inlen) != (ssize_t)j->inlen) {
		log_warn("%s: writing the input of %s", __func__, j->argv[0]);
		goto fail;
	}
	close(pin[1]);
	pin[1] = -1;
	if ((pid = fork()) == -1) {
		log_warn("%s: fork", __func__);
		goto fail;
	}
	if (pid == 0)
		child(j, pin[0], pout[1], perr[1]);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	q->pid = pid;
	q->outfd = pout[0];
	q->errfd = perr[0];
	buf_reset(&q->out);
	buf_reset(&q->err);
	if ((q->pidfd = pidfd_open(pid, 0)) == -1 ||
	    loop_io_add(q->loop, q->pidfd, LOOP_READ, child_exit, q) == -1 ||
	    loop_io_add(q->loop, q->outfd, LOOP_READ, pipe_ready, q) == -1 ||
	    loop_io_add(q->loop, q->errfd, LOOP_READ, pipe_ready, q) == -1) {
		/* Cannot watch it: wait for it here, it is short. */
		int st;

		log_warn("%s: watching %s", __func__, j->argv[0]);
		waitpid(pid, &st, 0);
		q->run = j;
		finish(q, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return 0;
	}
	q->timer = loop_timer_add(q->loop, q->timeout_ms, job_timeout, q);
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (pin[i] != -1)
			close(pin[i]);
		if (pout[i] != -1)
			close(pout[i]);
		if (perr[i] != -1)
			close(perr[i]);
	}
	return -1;
}

static void
start_next(struct cmdq *q)
{
	while (q->run == NULL && q->head != NULL) {
		struct job *j = q->head;

		q->head = j->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->n--;
		j->next = NULL;
		q->run = j;
		if (spawn(q, j) == 0)
			return;
		q->run = NULL;
		if (j->fn != NULL)
			j->fn(j->arg, -1, "", 0);
		job_free(j);
	}
}

void
cmdq_free(struct cmdq *q)
{
	struct job *j;

	if (q == NULL)
		return;
	if (q->run != NULL) {
		int st;

		kill(q->pid, SIGKILL);
		waitpid(q->pid, &st, 0);
		close_fd(q, &q->outfd);
		close_fd(q, &q->errfd);
		close_fd(q, &q->pidfd);
		job_free(q->run);
	}
	if (q->timer != 0)
		loop_timer_del(q->loop, q->timer);
	if (q->kick != 0)
		loop_timer_del(q->loop, q->kick);
	while ((j = q->head) != NULL) {
		q->head = j->next;
		job_free(j);
	}
	buf_free(&q->out);
	buf_free(&q->err);
	free(q);
}
