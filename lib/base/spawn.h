/*
 * Running a program and waiting for it, for the places that may block
 * (start-up, tools, velxc): fork, the child's stdin and stdout from the
 * given descriptors, execv of an argv array (never a shell string).  The
 * agent's loop runs its commands through agent/cmd.c instead.
 */
#ifndef VEP_SPAWN_H
#define VEP_SPAWN_H

#include <sys/types.h>

/*
 * Start argv (argv[0] an absolute path) with in as its stdin and out as
 * its stdout (-1: inherited); the pid, or -1 when fork failed.  A child
 * that cannot redirect or exec exits 127.  Give the parent's ends of
 * pipes O_CLOEXEC, so that the child does not hold them.
 */
pid_t	spawn(const char *const argv[], int in, int out);
/* Wait for pid (through EINTR): its exit status, or -1 when it was killed or waitpid failed. */
int	spawn_wait(pid_t pid);

#endif
