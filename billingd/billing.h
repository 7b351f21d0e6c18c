/*
 * billing.c: the billing jobs' thread, on its own database connection so a
 * long invoice run never delays a batch.
 */
#ifndef BILLINGD_BILLING_H
#define BILLINGD_BILLING_H

#include <pthread.h>
#include <stdint.h>

struct billingd;

/* The billing thread's state. */
struct billingjobs {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 stop;
	int		 done_year, done_month;	/* last automatic invoice run */
	uint64_t	 rounds;		/* rounds of the jobs run, for /metrics */
};

/* The thread's body (arg: the struct billingd). */
void	*billing_main(void *);
/* Wake the billing thread and make it return. */
void	billing_stop(struct billingd *);

#endif
