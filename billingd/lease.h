/* lease.c (writer thread): node leases and the node list. */
#ifndef BILLINGD_LEASE_H
#define BILLINGD_LEASE_H

struct billingd;

/* Renew and take leases, publish a snapshot for the loop; a db_rc. */
int	lease_round(struct billingd *);
/* Give every lease back (clean exit). */
void	lease_release(struct billingd *);

#endif
