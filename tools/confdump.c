/* Print the sample configuration from lib/conf.c's key table (build-time helper). */
#include <stdio.h>

#include "conf.h"

int
main(void)
{
	conf_dump_sample(stdout);
	return 0;
}
