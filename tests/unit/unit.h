/*
 * What the unit test programs share: one suite with one test case, run
 * with the exit code make check wants, and small helpers of the checks.
 */
#ifndef VEP_TEST_UNIT_H
#define VEP_TEST_UNIT_H

#include <check.h>
#include <stddef.h>

/* A suite named name with one test case tcname (in *tc, for its tests). */
Suite	*unit_suite(const char *name, const char *tcname, TCase **tc);
/* Run every test of s (then freed): 0 when all passed, else 1. */
int	 unit_run(Suite *s);
/* How many times needle occurs in hay (overlapping ones too). */
size_t	 unit_count(const char *hay, const char *needle);

#endif
