/*
 * Allocation failures in the parsers: each operation runs with its first,
 * second, third ... allocation failing (failalloc.h) until it runs without
 * reaching the armed one.  Every failed run must return RP_ERR_NOMEM and
 * leave nothing behind (the ASan build's leak check sees the rest); the
 * last run must succeed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "advisory/advisory.h"
#include "inventory/inventory.h"
#include "ioc/ioc.h"
#include "json/rpjson.h"
#include "util/diag.h"
#include "util/err.h"
#include "version/version.h"

#include "failalloc.h"

/* One operation: runs it, returns its result, frees what it made. */
typedef int (*op_fn)(const char *arg, struct rp_diags *d);

static char *
data_path(const char *env, const char *rel)
{
	const char *dir = getenv(env);
	char *p = NULL;

	if (dir == NULL)
		fail_msg("%s is not set", env);
	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	return p;
}

/*
 * Runs op with allocation 1, 2, 3 ... failing; returns how many
 * allocations the successful run made.
 */
static unsigned long
fail_each(const char *what, op_fn op, const char *arg)
{
	unsigned long n;
	struct rp_diags *d;
	int r, hit;

	for (n = 1; n < 200000; n++) {
		d = rp_diags_new();
		assert_non_null(d);
		fa_arm(n);
		r = op(arg, d);
		hit = fa_disarm();
		if (hit && r != RP_ERR_NOMEM && d->n > 0)
			fprintf(stderr, "%s: %s\n", what, d->v[d->n - 1].msg);
		rp_diags_free(d);
		if (!hit) {
			if (r != 0)
				fail_msg("%s: failed (%d) with no allocation "
					 "failing",
				    what, r);
			return n - 1;
		}
		if (r != RP_ERR_NOMEM)
			fail_msg("%s: allocation %lu failed, result %d (%s), "
				 "expected RP_ERR_NOMEM",
			    what, n, r, rp_strerror(r));
	}
	fail_msg("%s: still allocating after %lu allocations", what, n);
	return 0;
}

static int
op_vers(const char *arg, struct rp_diags *d)
{
	struct vers_range *v = NULL;
	int r, in = 0;

	if ((r = vers_parse(arg, &v, d)) == 0)
		r = vers_contains(v, "1.5.0-1", &in);
	vers_range_free(v);
	return r;
}

static int
op_advisory(const char *arg, struct rp_diags *d)
{
	struct advisory *a = NULL;
	int r = advisory_read_file(arg, ADV_FORMAT_AUTO, &a, d);

	advisory_free(a);
	return r;
}

static int
op_validate(const char *arg, struct rp_diags *d)
{
	json_t *root = NULL;
	int r;

	if ((r = rpjson_load(arg, RPJSON_MAX_INPUT, &root, d)) == 0)
		r = csaf_validate(root, d);
	json_decref(root);
	return r;
}

static int
op_inventory(const char *arg, struct rp_diags *d)
{
	struct inv_set *set = inv_set_new();
	int r;

	if (set == NULL)
		return RP_ERR_NOMEM;
	r = inventory_read_file(arg, set, d);
	inv_set_free(set);
	return r;
}

static int
op_ioc_list(const char *arg, struct rp_diags *d)
{
	struct ioc_bundle *b = ioc_bundle_new();
	int r;

	if (b == NULL)
		return RP_ERR_NOMEM;
	r = ioc_list_read_file(arg, b, d);
	ioc_bundle_free(b);
	return r;
}

static void
run_file(const char *what, op_fn op, const char *env, const char *rel)
{
	char *p = data_path(env, rel);
	unsigned long n = fail_each(what, op, p);

	fprintf(stderr, "%s: %lu allocations, each failed once\n", what, n);
	assert_true(n > 0);
	free(p);
}

static void
test_vers(void **state)
{
	(void)state;
	assert_true(fail_each("vers", op_vers, "vers:deb/>=1.0|<2.0~rc1") > 0);
}

static void
test_csaf(void **state)
{
	(void)state;
	run_file("csaf", op_advisory, "RAMPART_TEST_DATA", "3cx/3cx-csaf.json");
	run_file("csaf (Red Hat)", op_advisory, "RAMPART_SHARED_DATA",
	    "csaf/redhat-rhsa-2024_4546.json");
	run_file("csaf validation", op_validate, "RAMPART_TEST_DATA",
	    "3cx/3cx-csaf.json");
}

static void
test_native_advisory(void **state)
{
	(void)state;
	run_file("native advisory", op_advisory, "RAMPART_TEST_DATA",
	    "advisories/3cx-native.json");
}

static void
test_inventory(void **state)
{
	(void)state;
	run_file("cyclonedx", op_inventory, "RAMPART_TEST_DATA",
	    "3cx/pbx-01.cdx.json");
	run_file("cyclonedx (syft)", op_inventory, "RAMPART_TEST_DATA",
	    "inventory/syft-debian12.cdx.json");
	run_file("native inventory", op_inventory, "RAMPART_TEST_DATA",
	    "3cx/pbx-01.inventory.json");
}

static void
test_ioc_list(void **state)
{
	(void)state;
	run_file("indicator list", op_ioc_list, "RAMPART_SHARED_DATA",
	    "3cx/sophos-3CX-IoCs-2023-03.csv");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vers),
	    cmocka_unit_test(test_csaf),
	    cmocka_unit_test(test_native_advisory),
	    cmocka_unit_test(test_inventory),
	    cmocka_unit_test(test_ioc_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
