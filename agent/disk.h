/*
 * Disk usage of a directory tree, measured a few entries at a time so a
 * VE with millions of files never stalls the agent's loop: the real
 * backend gives the scanner a budget of entries per tick and publishes a
 * VE's figure when its walk completes.
 */
#ifndef VEAGENT_DISK_H
#define VEAGENT_DISK_H

#include <stdint.h>

struct du;

/* NULL when out of memory. */
struct du	*du_new(void);
void		 du_free(struct du *);
/* Begin a walk of path (any walk in progress is dropped); 0 or -1 with errno. */
int		 du_start(struct du *, const char *path);
/*
 * Look at up to budget entries.  1: the walk is complete and du_bytes()
 * holds the space used (allocated blocks; hard links counted once; other
 * file systems not entered), 0: call again, -1: the walk failed.
 */
int		 du_step(struct du *, int budget);
uint64_t	 du_bytes(const struct du *);
/* 1 while a walk is in progress. */
int		 du_busy(const struct du *);

#endif
