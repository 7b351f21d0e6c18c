/*
 * Print the sample configuration (or, with -m, the vepanel.conf(5) page)
 * from lib/base/conf.c's key table: a build-time helper, not installed.
 */
#include <stdio.h>
#include <string.h>

#include "conf.h"

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-m") == 0)
		conf_dump_man(stdout);
	else
		conf_dump_sample(stdout);
	return 0;
}
