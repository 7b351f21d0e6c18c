/*
 * veinfo: the customer's tool inside a VE (origin document Appendix 7.1).
 */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "veinfo: not built yet\n");
	return 1;
}
