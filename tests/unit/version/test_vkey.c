/*
 * Order keys (version_key): wherever two versions both have a key, the
 * keys compare exactly as version_compare() compares the versions, and a
 * version with a key is valid.  Checked on every pair of a table of
 * tricky shapes and of versions drawn from a fixed seed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "version/version.h"

#define NRAND 400

static int
sign(int x)
{
	return (x > 0) - (x < 0);
}

/* Every pair of v[0..n) that has keys agrees with version_compare(). */
static size_t
check_pairs(enum version_scheme s, const char *const *v, size_t n)
{
	struct version_key ka, kb;
	size_t i, j, keyed = 0;
	int c;

	for (i = 0; i < n; i++) {
		if (!version_key(s, v[i], &ka))
			continue;
		keyed++;
		assert_true(version_valid(s, v[i], NULL));
		for (j = 0; j < n; j++) {
			if (!version_key(s, v[j], &kb))
				continue;
			assert_int_equal(version_compare(s, v[i], v[j], &c), 0);
			if (sign(c) != sign(version_key_cmp(&ka, &kb)))
				fail_msg("%s: %s vs %s: compare %d, keys %d",
				    version_scheme_name(s), v[i], v[j], c,
				    version_key_cmp(&ka, &kb));
		}
	}
	return keyed;
}

static void
test_deb(void **state)
{
	static const char *const v[] = {"1", "1.0", "1.00", "01.0", "1.0-0",
	    "1.0-00", "1.0-1", "1.0-0.0", "1.0-0.1", "1.2", "1.2.0", "1.2.0.0",
	    "1.10", "1.9.9", "0:1.0", "1:0.1", "2:0", "1.2.3.4.5",
	    "1.2.3.4.5-6.7", "999999999.1", "1.0~rc1", "1.0+dfsg-1",
	    "1.2.3.4.5.6", "1.0-1-2", "1.0-1.2.3", "1234567890", " 1.0", "1.0-",
	    "1..0", "a1.0", "1:", "-1.0", "1.0-1~deb12u1"};
	struct version_key k;

	(void)state;
	assert_true(
	    check_pairs(VERSION_SCHEME_DEB, v, sizeof(v) / sizeof(v[0])) > 15);
	/* shapes with letters, '~', too many parts or digits: no key */
	assert_false(version_key(VERSION_SCHEME_DEB, "1.0~rc1", &k));
	assert_false(version_key(VERSION_SCHEME_DEB, "1.2.3.4.5.6", &k));
	assert_false(version_key(VERSION_SCHEME_DEB, "1234567890", &k));
	assert_false(version_key(VERSION_SCHEME_DEB, " 1.0", &k));
	assert_false(version_key(VERSION_SCHEME_RPM, "1.0-1", &k));
	assert_false(version_key(VERSION_SCHEME_UNKNOWN, "1.0", &k));
}

static void
test_semver_generic(void **state)
{
	static const char *const sv[] = {"1.0.0", "1.0.1", "1.1.0", "0.0.1",
	    "10.0.0", "2.0.0", "1.0.0-rc.1", "1.0.0+build", "01.0.0", "1.0",
	    "999999999.0.0"};
	static const char *const gv[] = {"18.12.416", "18.12.416.0",
	    "18.12.416.0.0", "v18.12.416", "V18.12.407", "18.12", "18.11.1213",
	    "18.11.1213.0", "4.3.8", "4.3.10", "1", "0", "0.0", "1.2a",
	    "1.0rc1", "4.3 SP1", "1.2.3.4.5.6.7.8", "1.2.3.4.5.6.7.8.9"};

	(void)state;
	assert_true(check_pairs(VERSION_SCHEME_SEMVER, sv,
			sizeof(sv) / sizeof(sv[0])) >= 6);
	assert_true(check_pairs(VERSION_SCHEME_GENERIC, gv,
			sizeof(gv) / sizeof(gv[0])) >= 12);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static unsigned
rnd(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * 0x9e3779b97f4a7c15ULL) >> 33) % n;
}

/* Versions of up to six dotted parts, small numbers, leading zeros. */
static void
random_version(char *b, size_t len, int deb)
{
	size_t n = 0, parts = 1 + rnd(6), i;

	if (deb && rnd(4) == 0)
		n += (size_t)snprintf(b + n, len - n, "%u:", rnd(3));
	for (i = 0; i < parts; i++)
		n += (size_t)snprintf(b + n, len - n, "%s%s%u", i ? "." : "",
		    rnd(5) == 0 ? "0" : "", rnd(12));
	if (deb && rnd(2) == 0)
		(void)snprintf(
		    b + n, len - n, "-%u%s", rnd(4), rnd(3) == 0 ? ".1" : "");
}

static void
test_random(void **state)
{
	static char buf[NRAND][64];
	const char *v[NRAND];
	size_t i;

	(void)state;
	for (i = 0; i < NRAND; i++) {
		random_version(buf[i], sizeof(buf[i]), 1);
		v[i] = buf[i];
	}
	assert_true(check_pairs(VERSION_SCHEME_DEB, v, NRAND) > NRAND / 2);
	for (i = 0; i < NRAND; i++)
		random_version(buf[i], sizeof(buf[i]), 0);
	assert_true(check_pairs(VERSION_SCHEME_GENERIC, v, NRAND) > NRAND / 2);
	assert_true(check_pairs(VERSION_SCHEME_SEMVER, v, NRAND) > 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deb),
	    cmocka_unit_test(test_semver_generic),
	    cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
