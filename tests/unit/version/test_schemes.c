/*
 * SemVer 2.0.0 and generic vendor versions, scheme names and guessing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "version/version.h"
#include "util/err.h"

static int
cmp(enum version_scheme s, const char *a, const char *b)
{
	int c = 99, r;

	if ((r = version_compare(s, a, b, &c)) != 0)
		fail_msg("compare(%s, %s) returned %d", a, b, r);
	return c;
}

/* Each element is strictly below the next one, and reflexive. */
static void
check_ascending(enum version_scheme s, const char *const *v, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			int want = i < j ? -1 : i > j ? 1 : 0;
			if (cmp(s, v[i], v[j]) != want)
				fail_msg(
				    "%s %s: expected %d", v[i], v[j], want);
		}
	}
}

static void
test_semver_precedence(void **state)
{
	/* The example chain of semver.org item 11, and numbers beyond 2^64. */
	static const char *const chain[] = {"1.0.0-alpha", "1.0.0-alpha.1",
	    "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
	    "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0",
	    "18446744073709551616.0.0", "18446744073709551617.0.0"};

	check_ascending(
	    VERSION_SCHEME_SEMVER, chain, sizeof(chain) / sizeof(chain[0]));
	assert_int_equal(cmp(VERSION_SCHEME_SEMVER, "1.0.0+a", "1.0.0+b"), 0);
	assert_int_equal(
	    cmp(VERSION_SCHEME_SEMVER, "1.0.0-rc.1+x", "1.0.0-rc.1"), 0);
	/* Numeric identifiers sort below alphanumeric ones. */
	assert_true(cmp(VERSION_SCHEME_SEMVER, "1.0.0-2", "1.0.0-a") < 0);
	assert_true(cmp(VERSION_SCHEME_SEMVER, "1.0.0-a-b", "1.0.0-a") > 0);
	assert_true(cmp(VERSION_SCHEME_SEMVER, "1.0.0-Z", "1.0.0-a") < 0);
}

static void
test_semver_validity(void **state)
{
	static const char *bad[] = {"", "1", "1.0", "1.0.0.0", "v1.0.0",
	    "01.0.0", "1.00.0", "1.0.00", "1.0.0-", "1.0.0+", "1.0.0-01",
	    "1.0.0-a..b", "1.0.0-a_b", "1.0.0+a+b", " 1.0.0", "1.0.0 ",
	    "1.0.0-é", "-1.0.0", "1.0.0a"};
	static const char *good[] = {"0.0.0", "1.0.0-0", "1.0.0-0a",
	    "1.0.0+001", "1.0.0-x.7.z.92", "1.0.0-alpha+001",
	    "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85", "1.0.0-----",
	    "1.0.0--1"};
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (version_valid(VERSION_SCHEME_SEMVER, bad[i], &why))
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(why);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!version_valid(VERSION_SCHEME_SEMVER, good[i], &why))
			fail_msg("'%s' rejected: %s", good[i], why);
	}
}

static void
test_generic_3cx(void **state)
{
	static const char *const chain[] = {"1.0rc1", "1", "1.2", "1.2a",
	    "1.2b", "1.2.1", "4.3", "4.3 SP1", "4.3 SP1 HF2", "4.3 SP2",
	    "4.3.5", "18.11.1213", "18.12.407", "18.12.416", "18.12.425",
	    "2016 R2", "2022.1.3"};

	check_ascending(
	    VERSION_SCHEME_GENERIC, chain, sizeof(chain) / sizeof(chain[0]));
	/* Windows reports 3CX 18.12.416 as 18.12.416.0. */
	assert_int_equal(
	    cmp(VERSION_SCHEME_GENERIC, "18.12.416", "18.12.416.0"), 0);
	assert_int_equal(
	    cmp(VERSION_SCHEME_GENERIC, "18.12.416.0.0", "18.12.416"), 0);
	assert_int_equal(cmp(VERSION_SCHEME_GENERIC, "V4.3.8", "4.3.8"), 0);
	assert_int_equal(cmp(VERSION_SCHEME_GENERIC, "v4.3.8", "4.3.8.0"), 0);
	assert_int_equal(cmp(VERSION_SCHEME_GENERIC, "1.02", "1.2"), 0);
	assert_int_equal(cmp(VERSION_SCHEME_GENERIC, "4.3 sp1", "4.3_SP1"), 0);
	assert_true(cmp(VERSION_SCHEME_GENERIC, "18.12.416", "18.12.4160") < 0);
	assert_true(cmp(VERSION_SCHEME_GENERIC, "1.0-beta", "1.0") < 0);
	assert_true(cmp(VERSION_SCHEME_GENERIC, "1.0alpha", "1.0beta") < 0);
	assert_true(cmp(VERSION_SCHEME_GENERIC, "1.0.0.1", "1.0") > 0);
	assert_true(
	    cmp(VERSION_SCHEME_GENERIC, "99999999999999999999999", "1") > 0);
	/* "v" is dropped only before a digit. */
	assert_true(cmp(VERSION_SCHEME_GENERIC, "vx", "x") != 0);
}

static void
test_generic_validity(void **state)
{
	static const char *bad[] = {
	    "", " 1.0", "1.0 ", "...", "1.0\t1", "1.0\n", "1.0\xc3\xa9"};
	const char *why;
	size_t i;
	int c;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_false(
		    version_valid(VERSION_SCHEME_GENERIC, bad[i], &why));
		assert_non_null(why);
	}
	assert_true(version_valid(VERSION_SCHEME_GENERIC, "F", NULL));
	assert_true(
	    version_valid(VERSION_SCHEME_GENERIC, "V14 SP1 Update 6", NULL));
	assert_int_equal(version_compare(VERSION_SCHEME_GENERIC, "", "1", &c),
	    RP_ERR_INVALID);
	assert_int_equal(c, 0);
	assert_int_equal(
	    version_compare(VERSION_SCHEME_UNKNOWN, "1", "1", &c), RP_ERR_ARG);
}

static void
test_scheme_names(void **state)
{
	enum version_scheme s;

	assert_int_equal(version_scheme_from_name("debian", &s), 0);
	assert_int_equal(s, VERSION_SCHEME_DEB);
	assert_int_equal(version_scheme_from_name("DEB", &s), 0);
	assert_int_equal(s, VERSION_SCHEME_DEB);
	assert_int_equal(version_scheme_from_name("rpm", &s), 0);
	assert_int_equal(s, VERSION_SCHEME_RPM);
	assert_int_equal(version_scheme_from_name("npm", &s), 0);
	assert_int_equal(s, VERSION_SCHEME_SEMVER);
	assert_int_equal(version_scheme_from_name("cargo", &s), 0);
	assert_int_equal(s, VERSION_SCHEME_SEMVER);
	assert_int_equal(version_scheme_from_name("generic", &s), 0);
	assert_int_equal(s, VERSION_SCHEME_GENERIC);
	assert_int_equal(version_scheme_from_name("pypi", &s), RP_ERR_NOTFOUND);
	assert_int_equal(s, VERSION_SCHEME_UNKNOWN);
	assert_int_equal(version_scheme_from_name("alpm", &s), RP_ERR_NOTFOUND);
	assert_int_equal(version_scheme_from_name("all", &s), RP_ERR_NOTFOUND);
	assert_string_equal(version_scheme_name(VERSION_SCHEME_RPM), "rpm");
	assert_int_equal(
	    version_scheme_guess("1.2.3-rc.1"), VERSION_SCHEME_SEMVER);
	assert_int_equal(
	    version_scheme_guess("18.12.416.0"), VERSION_SCHEME_GENERIC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_semver_precedence),
	    cmocka_unit_test(test_semver_validity),
	    cmocka_unit_test(test_generic_3cx),
	    cmocka_unit_test(test_generic_validity),
	    cmocka_unit_test(test_scheme_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
