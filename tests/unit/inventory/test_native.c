/*
 * Unit tests of the native inventory reader and writer, of format
 * detection, and of the 3CX walkthrough hosts through both formats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inventory/inventory.h"
#include "json/rpjson.h"
#include "util/err.h"

#include "inv_test.h"

/* Parses text and reads it with inventory_read_json. */
static int
read_text(const char *text, struct inv_set *set, struct rp_diags *d)
{
	json_t *root;
	int r;

	root = rpjson_load_buf(text, strlen(text), d);
	assert_non_null(root);
	r = inventory_read_json(root, set, d);
	json_decref(root);
	return r;
}

static const struct inv_host *
find_host(const struct inv_set *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		if (strcmp(set->hosts[i]->name, name) == 0)
			return set->hosts[i];
	}
	fail_msg("no host %s", name);
	return NULL;
}

static struct inv_set *
read_3cx(void)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();

	assert_int_equal(
	    inventory_read_file(fixture("3cx-hosts.native.json"), set, d), 0);
	dump_diags(d);
	assert_int_equal(d->nwarnings + d->nerrors, 0);
	rp_diags_free(d);
	return set;
}

static void
test_read_3cx_hosts(void **state)
{
	struct inv_set *set = read_3cx();
	const struct inv_host *h;
	const struct inv_software *sw;

	assert_int_equal(set->n, 5);
	h = find_host(set, "ws-acct-01");
	assert_string_equal(h->id, "5b1f0c2e-7d4a-4e8e-9a51-0c6f3e2d9a11");
	assert_string_equal(h->customer, "Mueller Steuerberatung");
	assert_string_equal(h->os, "Windows");
	assert_string_equal(h->os_version, "11 23H2");
	assert_string_equal(h->arch, "x86_64");
	assert_int_equal(h->nsw, 2);
	sw = &h->sw[0];
	assert_string_equal(sw->name, "3CX Desktop App");
	assert_string_equal(sw->vendor, "3CX Ltd");
	assert_string_equal(sw->version, "18.12.416.0");
	assert_int_equal(sw->scheme, VERSION_SCHEME_GENERIC);
	assert_int_equal(sw->source, INV_SOURCE_WINREG);

	h = find_host(set, "mac-design-02");
	assert_string_equal(h->sw[0].version, "18.11.1213");
	assert_int_equal(h->sw[0].source, INV_SOURCE_APP_BUNDLE);
	/* No scheme given: app bundles use generic dotted versions. */
	assert_int_equal(h->sw[0].scheme, VERSION_SCHEME_GENERIC);
	assert_string_equal(h->sw[0].bundle_id, "com.electron.3cx-desktop-app");
	assert_null(h->id);

	h = find_host(set, "pbx01");
	assert_int_equal(h->sw[0].source, INV_SOURCE_DPKG);
	assert_int_equal(h->sw[0].scheme, VERSION_SCHEME_DEB);
	/* Source, scheme and arch come from the purl. */
	sw = &h->sw[1];
	assert_int_equal(sw->source, INV_SOURCE_DPKG);
	assert_int_equal(sw->scheme, VERSION_SCHEME_DEB);
	assert_string_equal(sw->arch, "amd64");
	assert_null(sw->vendor);
	inv_set_free(set);
}

static void
test_bad_entries(void **state)
{
	static const char *const warned[] = {
	    "/generator",
	    "/hosts/0/os_version",
	    "/hosts/0/software/1", /* "version" is missing */
	    "/hosts/0/software/2/version",
	    "/hosts/0/software/3", /* "name" is missing */
	    "/hosts/0/software/4",
	    "/hosts/0/software/5/colour",
	    "/hosts/0/software/5",
	    "/hosts/1", /* "name" is missing */
	    "/hosts/2",
	};
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();
	const struct inv_host *h;
	size_t i;

	assert_int_equal(
	    inventory_read_file(fixture("bad-entries.native.json"), set, d), 0);
	assert_int_equal(d->nerrors, 0);
	for (i = 0; i < sizeof(warned) / sizeof(warned[0]); i++) {
		if (!has_diag(d, RP_DIAG_WARNING, warned[i])) {
			dump_diags(d);
			fail_msg("no warning at %s", warned[i]);
		}
	}
	assert_int_equal(d->nwarnings, sizeof(warned) / sizeof(warned[0]));
	/* The good entries of the bad file are kept. */
	assert_int_equal(set->n, 1);
	h = set->hosts[0];
	assert_string_equal(h->name, "ws-bad-05");
	assert_null(h->os_version);
	assert_int_equal(h->nsw, 2);
	assert_string_equal(h->sw[0].name, "3CX Desktop App");
	assert_string_equal(h->sw[1].name, "Odd Scheme");
	assert_int_equal(h->sw[1].scheme, VERSION_SCHEME_UNKNOWN);
	inv_set_free(set);
	rp_diags_free(d);
}

/* Expects text to fail with r and an error at pointer; set stays empty. */
static void
expect_error(const char *text, int r, const char *pointer)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();

	assert_int_equal(read_text(text, set, d), r);
	if (!has_diag(d, RP_DIAG_ERROR, pointer)) {
		dump_diags(d);
		fail_msg("no error at \"%s\"", pointer);
	}
	assert_int_equal(set->n, 0);
	inv_set_free(set);
	rp_diags_free(d);
}

static void
test_errors(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();

	expect_error("[1]", RP_ERR_INVALID, "");
	expect_error("{\"hosts\":[]}", RP_ERR_INVALID, "");
	expect_error("{\"rampart_inventory\":\"1\",\"hosts\":[]}",
	    RP_ERR_INVALID, "/rampart_inventory");
	expect_error("{\"rampart_inventory\":2,\"hosts\":[]}",
	    RP_ERR_UNSUPPORTED, "/rampart_inventory");
	expect_error("{\"rampart_inventory\":1}", RP_ERR_INVALID, "/hosts");
	expect_error(
	    "{\"rampart_inventory\":1,\"hosts\":{}}", RP_ERR_INVALID, "/hosts");
	expect_error(
	    "{\"rampart_inventory\":1,\"hosts\":[]}", RP_ERR_INVALID, "/hosts");
	/* A bad host late in the file leaves nothing half-read behind. */
	expect_error("{\"rampart_inventory\":1,\"hosts\":[{\"name\":7}]}",
	    RP_ERR_INVALID, "/hosts");

	assert_int_equal(
	    inventory_read_file(fixture("no-hosts.native.json"), set, d),
	    RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_WARNING, "/hosts/0")); /* missing */
	assert_true(has_diag(d, RP_DIAG_WARNING, "/hosts/1/name"));
	assert_true(has_diag(d, RP_DIAG_ERROR, "/hosts"));
	assert_int_equal(set->n, 0);
	inv_set_free(set);
	rp_diags_free(d);
}

static void
test_unprintable_key(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();

	assert_int_equal(read_text("{\"rampart_inventory\":1,\"hosts\":["
				   "{\"name\":\"h\",\"\\u001b[2J\":1}]}",
			     set, d),
	    0);
	/* Reported at the object, so no escape sequence reaches a terminal. */
	assert_true(has_diag(d, RP_DIAG_WARNING, "/hosts/0"));
	assert_int_equal(d->nwarnings, 1);
	inv_set_free(set);
	rp_diags_free(d);
}

static void
test_native_round_trip(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = read_3cx(), *back = inv_set_new();
	json_t *j, *again;
	size_t i;

	j = inv_native_write(
	    (const struct inv_host *const *)set->hosts, set->n);
	again = reparse(j);
	assert_int_equal(inv_native_read(again, back, d), 0);
	assert_int_equal(d->nwarnings + d->nerrors, 0);
	assert_int_equal(back->n, set->n);
	for (i = 0; i < set->n; i++)
		assert_host_equal(set->hosts[i], back->hosts[i]);
	json_decref(j);
	json_decref(again);
	inv_set_free(back);
	inv_set_free(set);
	rp_diags_free(d);
}

/* Every 3CX host survives native -> CycloneDX -> read unchanged. */
static void
test_cross_format(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = read_3cx(), *back = inv_set_new();
	json_t *bom, *again;
	size_t i;

	for (i = 0; i < set->n; i++) {
		bom = cyclonedx_write(set->hosts[i]);
		again = reparse(bom);
		assert_int_equal(inventory_read_json(again, back, d), 0);
		assert_host_equal(set->hosts[i], back->hosts[i]);
		json_decref(bom);
		json_decref(again);
	}
	assert_int_equal(d->nwarnings + d->nerrors, 0);
	inv_set_free(back);
	inv_set_free(set);
	rp_diags_free(d);
}

static void
test_write_empty(void **state)
{
	json_t *j = inv_native_write(NULL, 0);

	assert_non_null(j);
	assert_int_equal(
	    json_integer_value(json_object_get(j, "rampart_inventory")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "hosts")), 0);
	json_decref(j);
}

/* jansson allocations fail from the n-th on (injected). */
static long alloc_budget = -1;

static void *
failing_malloc(size_t n)
{
	if (alloc_budget == 0)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	return malloc(n);
}

/*
 * Both writers, with every jansson allocation in turn failing: they must
 * return NULL (or a whole document) and leak nothing.
 */
static void
test_writers_out_of_memory(void **state)
{
	struct inv_set *set = read_3cx();
	json_t *j;
	long n;
	int nulls = 0, whole = 0;

	json_set_alloc_funcs(failing_malloc, free);
	for (n = 0; n < 2000; n++) {
		alloc_budget = n;
		j = cyclonedx_write(set->hosts[0]);
		if (j == NULL)
			nulls++;
		json_decref(j);
		alloc_budget = n;
		j = inv_native_write(
		    (const struct inv_host *const *)set->hosts, set->n);
		if (j == NULL)
			nulls++;
		else if (n > 0)
			whole++;
		json_decref(j);
		if (whole > 0)
			break;
	}
	alloc_budget = -1;
	json_set_alloc_funcs(malloc, free);
	assert_true(nulls > 10);
	assert_int_equal(whole, 1);
	inv_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_3cx_hosts),
	    cmocka_unit_test(test_bad_entries),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_unprintable_key),
	    cmocka_unit_test(test_native_round_trip),
	    cmocka_unit_test(test_cross_format),
	    cmocka_unit_test(test_write_empty),
	    cmocka_unit_test(test_writers_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
