/*
 * The lookup keys the server's findings engine stores
 * (matcher_software_keys, matcher_index_keys) must never miss a match:
 * for real advisories and real inventories, every result with software
 * shares a key with its advisory's products, and a host whose software
 * shares none gets no result with software.  Also that the keys are
 * given once each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "match/match.h"
#include "util/err.h"

#define KEYS_MAX 4096

struct keys {
	char *v[KEYS_MAX];
	size_t n;
};

static int
collect(const char *k, void *arg)
{
	struct keys *s = arg;
	size_t i;

	for (i = 0; i < s->n; i++)
		assert_string_not_equal(s->v[i], k); /* each once */
	assert_true(s->n < KEYS_MAX);
	s->v[s->n++] = strdup(k);
	return 0;
}

static void
keys_free(struct keys *s)
{
	while (s->n > 0)
		free(s->v[--s->n]);
}

static int
share(const struct keys *a, const struct keys *b)
{
	size_t i, j;

	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			if (strcmp(a->v[i], b->v[j]) == 0)
				return 1;
	return 0;
}

static const char *
data(void)
{
	const char *d = getenv("RAMPART_TEST_DATA");

	return d != NULL ? d : "tests/data";
}

/* Checks every host of inventory file inv against advisory file adv,
 * alone in a matcher; returns the results with software seen. */
static size_t
check_pair(const char *adv, const char *inv)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a = NULL;
	struct inv_set *set = inv_set_new();
	struct matcher *m = matcher_new(), *km = matcher_new();
	struct keys ak = {0};
	size_t h, i, seen = 0;

	assert_non_null(d);
	assert_non_null(set);
	assert_int_equal(advisory_read_file(adv, ADV_FORMAT_AUTO, &a, d), 0);
	assert_int_equal(inventory_read_file(inv, set, d), 0);
	assert_int_equal(matcher_add_advisory(m, a, d), 0);
	assert_int_equal(matcher_index_keys(m, collect, &ak), 0);
	assert_true(ak.n > 0);
	for (h = 0; h < set->n; h++) {
		struct match_results res = {0};

		assert_int_equal(matcher_check_host(m, set->hosts[h], &res), 0);
		for (i = 0; i < res.n; i++) {
			struct keys sk = {0};

			if (res.v[i].sw == NULL)
				continue;
			seen++;
			/* The key matcher is another matcher: keys do not
			 * depend on the advisories it holds. */
			assert_int_equal(matcher_software_keys(
					     km, res.v[i].sw, collect, &sk),
			    0);
			if (!share(&sk, &ak))
				fail_msg("%s: %s %s matched %s without a "
					 "shared lookup key",
				    inv, res.v[i].sw->name,
				    res.v[i].sw->version, adv);
			keys_free(&sk);
		}
		match_results_free(&res);
	}
	keys_free(&ak);
	matcher_free(m);
	matcher_free(km);
	inv_set_free(set);
	advisory_free(a);
	rp_diags_free(d);
	return seen;
}

static void
test_3cx(void **state)
{
	static const char *const inv[] = {"ws-acct-01", "ws-reception-03",
	    "mac-design-02", "mac-ceo-01", "pbx-01"};
	char a[1024], b[1024];
	size_t i, seen = 0;

	(void)state;
	snprintf(a, sizeof(a), "%s/3cx/3cx-csaf.json", data());
	for (i = 0; i < sizeof(inv) / sizeof(inv[0]); i++) {
		snprintf(
		    b, sizeof(b), "%s/3cx/%s.inventory.json", data(), inv[i]);
		seen += check_pair(a, b);
	}
	assert_true(seen >= 4); /* the test looked at matches */
}

/* Distribution advisories match by source package, through purls. */
static void
test_distro(void **state)
{
	const char *shared = getenv("RAMPART_SHARED_DATA");
	static const char *const adv[] = {
	    "csaf/redhat-rhsa-2024_4546.json", "osv/RHSA-2024_4546.json"};
	char a[1024], b[1024];
	size_t i, seen = 0;

	(void)state;
	assert_non_null(shared); /* the data is required, never skipped */
	snprintf(b, sizeof(b), "%s/distro/rhel.inventory.json", data());
	for (i = 0; i < sizeof(adv) / sizeof(adv[0]); i++) {
		snprintf(a, sizeof(a), "%s/%s", shared, adv[i]);
		seen += check_pair(a, b);
	}
	assert_true(seen >= 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_3cx),
	    cmocka_unit_test(test_distro),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
