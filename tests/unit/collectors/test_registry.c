/*
 * The collector registry: its rows are complete and unique, --only lists
 * parse against it, the dispatcher runs exactly the rows asked for (the
 * live-only ones only on "/"), and the entries a collector adds carry the
 * source its row declares, on the fixture images of tests/data.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collectors/collectors.h"
#include "util/diag.h"
#include "util/err.h"

/* Index of the row named name; fails when there is none. */
static size_t
row(const char *name)
{
	const struct collector *c;
	size_t i, n;

	c = collectors_list(&n);
	for (i = 0; i < n; i++) {
		if (strcmp(c[i].name, name) == 0)
			return i;
	}
	fail_msg("no collector %s", name);
	return 0;
}

static void
test_rows(void **state)
{
	const struct collector *c;
	const char *p;
	size_t i, k, n;

	(void)state;
	c = collectors_list(&n);
	assert_true(n >= 8 && n <= 32);
	for (i = 0; i < n; i++) {
		assert_non_null(c[i].run);
		assert_true(strlen(c[i].description) > 0);
		assert_true(strlen(c[i].description) <= 50); /* --help width */
		for (p = c[i].name; *p != '\0'; p++)
			assert_true(islower((unsigned char)*p));
		for (k = 0; k < i; k++)
			assert_string_not_equal(c[k].name, c[i].name);
	}
	/* what reads /proc is live only */
	assert_int_equal(c[row("processes")].platform, COLLECT_LINUX_LIVE);
	assert_int_equal(c[row("connections")].platform, COLLECT_LINUX_LIVE);
	assert_int_equal(c[row("dpkg")].platform, COLLECT_FILES);
	assert_int_equal(c[row("dpkg")].source, INV_SOURCE_DPKG);
	assert_int_equal(c[row("apps")].source, INV_SOURCE_APP_BUNDLE);
	assert_int_equal(c[row("host")].source, INV_SOURCE_UNKNOWN);
}

static void
test_select(void **state)
{
	const char *bad = NULL;
	unsigned what = 7;
	size_t len = 99;

	(void)state;
	assert_int_equal(collect_select("dpkg,rpm", &what, &bad, &len), 0);
	assert_int_equal(what, (1u << row("dpkg")) | (1u << row("rpm")));
	assert_int_equal(collect_select("snap,", &what, NULL, NULL), 0);
	assert_int_equal(what, 1u << row("snap"));
	assert_int_equal(collect_select("dpkg,rpmx,snap", &what, &bad, &len),
	    RP_ERR_NOTFOUND);
	assert_int_equal(what, 0);
	assert_int_equal(len, 4);
	assert_memory_equal(bad, "rpmx", 4);
	assert_int_equal(
	    collect_select(",dpkg", &what, &bad, &len), RP_ERR_NOTFOUND);
	assert_int_equal(len, 0);
	assert_int_equal(collect_select("", &what, &bad, &len), RP_ERR_ARG);
	assert_int_equal(what, 0);
	assert_int_equal(
	    collect_select("dp", &what, NULL, NULL), RP_ERR_NOTFOUND);
}

/*
 * Runs only collector name against the fixture root rel; every entry it
 * adds carries its row's source.  Returns the number of entries.
 */
static size_t
run_one(const char *name, const char *rel)
{
	const struct collector *c;
	struct rp_diags *d = rp_diags_new();
	struct inv_host *h = inv_host_new();
	char *root;
	size_t i, n;

	c = collectors_list(&n);
	assert_true(
	    asprintf(&root, "%s/%s", getenv("RAMPART_TEST_DATA"), rel) > 0);
	(void)collect_inventory(root, 1u << row(name), h, d);
	n = h->nsw;
	for (i = 0; i < h->nsw; i++)
		assert_int_equal(h->sw[i].source, c[row(name)].source);
	/* a root is not the live system: no processes, no connections */
	assert_int_equal(h->nprocs, 0);
	assert_int_equal(h->nconns, 0);
	inv_host_free(h);
	rp_diags_free(d);
	free(root);
	return n;
}

static void
test_sources(void **state)
{
	(void)state;
	assert_non_null(getenv("RAMPART_TEST_DATA"));
	assert_true(run_one("apps", "apps/macroot") >= 3);
	assert_true(run_one("flatpak", "flatpak/root") >= 2);
	assert_true(run_one("snap", "snap/root") >= 1);
	/* the others find nothing in those images */
	assert_int_equal(run_one("dpkg", "apps/macroot"), 0);
	assert_int_equal(run_one("apps", "flatpak/root"), 0);
	assert_int_equal(run_one("processes", "apps/macroot"), 0);
	assert_int_equal(run_one("connections", "apps/macroot"), 0);
}

/* On "/" the live collectors run, and only those asked for. */
static void
test_live(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_host *h = inv_host_new();

	(void)state;
	assert_int_equal(
	    collect_inventory("/", 1u << row("processes"), h, d), 0);
	assert_true(h->nprocs > 0);
	assert_int_equal(h->nconns, 0);
	assert_int_equal(h->nsw, 0);
	assert_null(h->name);
	inv_host_free(h);
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	    cmocka_unit_test(test_select),
	    cmocka_unit_test(test_sources),
	    cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
