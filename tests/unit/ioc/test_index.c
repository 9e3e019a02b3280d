/*
 * Unit tests of src/lib/ioc/index.c: hash lookups with and without
 * sizes, the size filter, names, addresses in any form, and domains
 * matched through their parents; a larger random set is checked against
 * a plain linear search.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ioc/ioc.h"
#include "util/err.h"

static void
unhex(const char *s, unsigned char *out)
{
	size_t i, n = strlen(s) / 2;
	unsigned int v;

	for (i = 0; i < n; i++) {
		v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + k];

			v = v * 16 +
			    (unsigned)(c <= '9' ? c - '0'
						: (c | 32) - 'a' + 10);
		}
		out[i] = (unsigned char)v;
	}
}

static const char s1[] =
    "aa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fdcf5d868";
static const char s2[] =
    "59e1edf4d82fae4978e97512b0331b7eb21dd4b838b850ba46794d9c7a2c0983";
static const char h1[] = "bfecb8ce89a312d2ef4afc64a63847ae11c6f69e";
static const char m1[] = "0eeb1c0133eb4d571178b2d9d14ce3e9";

static void
test_lookups(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct ioc_index *x = NULL;
	unsigned char d[32];
	const struct ioc *e;

	assert_int_equal(
	    ioc_bundle_add(b, IOC_SHA256, s1, 1000, NULL, NULL, NULL), 0);
	assert_int_equal(
	    ioc_bundle_add(b, IOC_SHA1, h1, 2000, NULL, NULL, NULL), 0);
	assert_int_equal(
	    ioc_bundle_add(b, IOC_MD5, m1, 3000, NULL, NULL, NULL), 0);
	assert_int_equal(
	    ioc_bundle_add(b, IOC_FILENAME, "ffmpeg.dll", 0, NULL, NULL, NULL),
	    0);
	assert_int_equal(
	    ioc_bundle_add(b, IOC_IP, "192.0.2.1", 0, NULL, NULL, NULL), 0);
	assert_int_equal(
	    ioc_bundle_add(b, IOC_IP, "2001:db8::1", 0, NULL, NULL, NULL), 0);
	assert_int_equal(ioc_bundle_add(b, IOC_DOMAIN, "journalide.org", 0,
			     NULL, NULL, NULL),
	    0);
	assert_int_equal(ioc_bundle_add(b, IOC_URL, "https://evil.example/x", 0,
			     NULL, NULL, NULL),
	    0);
	/* networks are for blocklists: the sweep leaves them out */
	assert_int_equal(
	    ioc_bundle_add(b, IOC_CIDR, "198.51.100.0/24", 0, NULL, NULL, NULL),
	    0);
	assert_int_equal(ioc_index_new(b, &x), 0);
	assert_int_equal(ioc_index_count(x, IOC_CIDR), 0);
	assert_int_equal(ioc_index_count(x, IOC_IP), 2);
	assert_null(ioc_index_ip(x, "198.51.100.0"));
	assert_null(ioc_index_ip(x, "198.51.100.7"));
	assert_int_equal(ioc_index_count(x, IOC_SHA256), 1);
	assert_int_equal(ioc_index_count(x, IOC_URL), 1);
	assert_int_equal(ioc_index_count(x, IOC_DOMAIN), 1);

	/* every hash has a size: only those sizes are worth hashing */
	assert_true(ioc_index_size_wanted(x, 1000));
	assert_true(ioc_index_size_wanted(x, 2000));
	assert_true(ioc_index_size_wanted(x, 3000));
	assert_false(ioc_index_size_wanted(x, 999));
	assert_false(ioc_index_size_wanted(x, 0));
	assert_false(ioc_index_size_wanted(x, UINT64_MAX));

	unhex(s1, d);
	e = ioc_index_hash(x, IOC_SHA256, d, 1000);
	assert_non_null(e);
	assert_string_equal(e->value, s1);
	assert_null(ioc_index_hash(x, IOC_SHA256, d, 1001));
	assert_null(ioc_index_hash(x, IOC_SHA1, d, 1000));
	d[31] ^= 1;
	assert_null(ioc_index_hash(x, IOC_SHA256, d, 1000));
	unhex(h1, d);
	assert_non_null(ioc_index_hash(x, IOC_SHA1, d, 2000));
	unhex(m1, d);
	assert_non_null(ioc_index_hash(x, IOC_MD5, d, 3000));
	assert_null(ioc_index_hash(x, IOC_FILENAME, d, 3000));

	assert_non_null(ioc_index_filename(x, "ffmpeg.dll"));
	assert_null(ioc_index_filename(x, "ffmpeg.dl"));

	assert_non_null(ioc_index_ip(x, "192.0.2.1"));
	assert_non_null(ioc_index_ip(x, "::ffff:192.0.2.1"));
	assert_non_null(ioc_index_ip(x, "2001:DB8:0::1"));
	assert_non_null(ioc_index_ip(x, "[2001:db8::1]"));
	assert_null(ioc_index_ip(x, "192.0.2.2"));
	assert_null(ioc_index_ip(x, "not an address"));

	e = ioc_index_domain(x, "www.JournalIde.org.");
	assert_non_null(e);
	assert_string_equal(e->value, "journalide.org");
	assert_non_null(ioc_index_domain(x, "journalide.org"));
	assert_null(ioc_index_domain(x, "notjournalide.org"));
	assert_null(ioc_index_domain(x, "org"));
	assert_null(ioc_index_domain(x, ""));
	ioc_index_free(x);
	ioc_index_free(NULL);
	ioc_bundle_free(b);
}

static void
test_unknown_size(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct ioc_index *x = NULL;
	unsigned char d[32];

	assert_int_equal(ioc_index_new(b, &x), 0);
	/* nothing to match: no file is worth hashing */
	assert_false(ioc_index_size_wanted(x, 10));
	assert_null(ioc_index_domain(x, "a.example"));
	ioc_index_free(x);
	x = NULL;
	assert_int_equal(
	    ioc_bundle_add(b, IOC_SHA256, s1, 1000, NULL, NULL, NULL), 0);
	assert_int_equal(
	    ioc_bundle_add(b, IOC_SHA256, s2, 0, NULL, NULL, NULL), 0);
	assert_int_equal(ioc_index_new(b, &x), 0);
	assert_true(ioc_index_size_wanted(x, 10));
	unhex(s2, d);
	assert_non_null(ioc_index_hash(x, IOC_SHA256, d, 12345));
	unhex(s1, d);
	assert_null(ioc_index_hash(x, IOC_SHA256, d, 12345));
	ioc_index_free(x);
	ioc_bundle_free(b);
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* 5000 random digests with sizes: the index agrees with a linear scan. */
static void
test_random(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct ioc_index *x = NULL;
	uint64_t seed = 88172645463325252ULL;
	char hex[65];
	unsigned char d[32];
	size_t i, j, k, found;

	for (i = 0; i < 5000; i++) {
		for (j = 0; j < 64; j++)
			hex[j] = "0123456789abcdef"[rnd(&seed) % 16];
		hex[64] = '\0';
		assert_int_equal(ioc_bundle_add(b, IOC_SHA256, hex,
				     1 + rnd(&seed) % 100, NULL, NULL, NULL),
		    0);
	}
	assert_int_equal(ioc_index_new(b, &x), 0);
	for (i = 0; i < b->niocs; i += 7) {
		unhex(b->iocs[i].value, d);
		for (k = 0; k <= 101; k += 3) {
			found = ioc_index_hash(x, IOC_SHA256, d, k) != NULL;
			assert_int_equal(found, k == b->iocs[i].size);
		}
		assert_ptr_equal(
		    ioc_index_hash(x, IOC_SHA256, d, b->iocs[i].size),
		    &b->iocs[i]);
	}
	for (k = 0; k <= 101; k++) {
		found = 0;
		for (i = 0; i < b->niocs && !found; i++)
			found = b->iocs[i].size == k;
		assert_int_equal(ioc_index_size_wanted(x, k) != 0, found);
	}
	ioc_index_free(x);
	ioc_bundle_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookups),
	    cmocka_unit_test(test_unknown_size),
	    cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
