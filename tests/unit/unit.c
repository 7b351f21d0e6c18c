/* Shared pieces of the unit test programs: see unit.h. */
#include <string.h>

#include "unit.h"

Suite *
unit_suite(const char *name, const char *tcname, TCase **tc)
{
	Suite *s = suite_create(name);

	*tc = tcase_create(tcname);
	suite_add_tcase(s, *tc);
	return s;
}

int
unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}

size_t
unit_count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}
