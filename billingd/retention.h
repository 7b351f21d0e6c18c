/* retention.c (writer thread): partitions and rollup pruning; VE expiry. */
#ifndef BILLINGD_RETENTION_H
#define BILLINGD_RETENTION_H

#include <stdint.h>

struct billingd;

void	retention_run(struct billingd *, int64_t now);
void	lifecycle_run(struct billingd *, int64_t now);

#endif
