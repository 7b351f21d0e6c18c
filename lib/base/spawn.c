/* spawn: fork and exec an argv array, and wait for it (spawn.h). */
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

pid_t
spawn(const char *const argv[], int in, int out)
{
	pid_t pid;

	if ((pid = fork()) != 0)
		return pid;
	if ((in >= 0 && dup2(in, 0) == -1) || (out >= 0 && dup2(out, 1) == -1))
		_exit(127);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

int
spawn_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
