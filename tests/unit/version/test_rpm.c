/*
 * RPM version comparison: every RPMVERCMP(a, b, result) vector of rpm's
 * own test suite (rpmvercmp.at, read from the shared data), both ways
 * round, plus epoch:version-release handling.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "version/version.h"
#include "util/err.h"

static int
cmp_rpm(const char *a, const char *b)
{
	int c = 99;

	assert_int_equal(version_compare(VERSION_SCHEME_RPM, a, b, &c), 0);
	return c;
}

/* Splits "a, b, r)" in place. */
static int
split_vector(char *s, char **a, char **b, int *r)
{
	char *c1, *c2, *end;

	if ((c1 = strstr(s, ", ")) == NULL)
		return -1;
	*c1 = '\0';
	if ((c2 = strstr(c1 + 2, ", ")) == NULL)
		return -1;
	*c2 = '\0';
	*a = s;
	*b = c1 + 2;
	*r = (int)strtol(c2 + 2, &end, 10);
	return *end == ')' ? 0 : -1;
}

static void
test_rpmvercmp_at(void **state)
{
	const char *shared = getenv("RAMPART_SHARED_DATA");
	char path[1024], line[512], *a = NULL, *b = NULL;
	size_t n = 0;
	FILE *f;
	int r = 0;

	if (shared == NULL)
		fail_msg("RAMPART_SHARED_DATA is not set");
	snprintf(
	    path, sizeof(path), "%s/versions/univers/rpmvercmp.at", shared);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "RPMVERCMP(", 10) != 0)
			continue;
		assert_int_equal(split_vector(line + 10, &a, &b, &r), 0);
		if (cmp_rpm(a, b) != r || cmp_rpm(b, a) != -r)
			fail_msg("rpmvercmp(%s, %s) should be %d", a, b, r);
		n++;
	}
	fclose(f);
	print_message("%zu rpmvercmp.at vectors\n", n);
	assert_true(
	    n >= 90); /* 91 active; "dnl" ones are disabled in rpm too */
}

static void
test_evr(void **state)
{
	int c;

	/* Epoch wins over version; a missing epoch is 0. */
	assert_true(cmp_rpm("1:1.0-1", "2.0-1") > 0);
	assert_int_equal(cmp_rpm("0:1.0-1", "1.0-1"), 0);
	assert_int_equal(cmp_rpm(":1.0", "0:1.0"), 0);
	/* A missing release sorts first (rpm's rpmverCmp). */
	assert_true(cmp_rpm("1.0-2.el9", "1.0-10.el9") < 0);
	assert_true(cmp_rpm("1.0", "1.0-5") < 0);
	assert_true(cmp_rpm("5.14.0", "5.14.0-570.32.1.el9_6") < 0);
	assert_true(cmp_rpm("1.0-~1", "1.0") > 0);
	/* As a bound, a side without release matches every release. */
	assert_int_equal(version_compare_bound(VERSION_SCHEME_RPM,
			     "5.14.0-570.32.1.el9_6", "5.14.0", &c),
	    0);
	assert_int_equal(c, 0);
	assert_int_equal(
	    version_compare_bound(VERSION_SCHEME_RPM, "5.14.0", "5.14.0-1", &c),
	    0);
	assert_int_equal(c, 0);
	assert_int_equal(version_compare_bound(
			     VERSION_SCHEME_RPM, "5.14.0-2", "5.14.0-10", &c),
	    0);
	assert_true(c < 0);
	assert_true(cmp_rpm("2.0.1-1", "2.0-9") > 0);
	/* Tilde and caret in versions and releases. */
	assert_true(cmp_rpm("1.0~rc1-1", "1.0-1") < 0);
	assert_true(cmp_rpm("1.0^git1-1", "1.0-1") > 0);
	assert_true(cmp_rpm("1.0-1~beta", "1.0-1") < 0);
	/* Validity. */
	assert_false(version_valid(VERSION_SCHEME_RPM, "", NULL));
	assert_false(version_valid(VERSION_SCHEME_RPM, "1.0-", NULL));
	assert_false(version_valid(VERSION_SCHEME_RPM, "1:", NULL));
	assert_false(version_valid(VERSION_SCHEME_RPM, "1.0 1", NULL));
	assert_int_equal(
	    version_compare(VERSION_SCHEME_RPM, "1:", "1", &c), RP_ERR_INVALID);
	assert_true(version_valid(VERSION_SCHEME_RPM, "_", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rpmvercmp_at),
	    cmocka_unit_test(test_evr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
