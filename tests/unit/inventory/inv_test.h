/*
 * Helpers shared by the inventory unit tests: fixture paths, diagnostics
 * lookup, and a field-by-field host comparison.
 */
#ifndef INV_TEST_H
#define INV_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"
#include "json/rpjson.h"
#include "util/diag.h"

/* Path of a fixture under $RAMPART_TEST_DATA/inventory (static buffer). */
static const char *
fixture(const char *name)
{
	static char buf[4096];
	const char *dir = getenv("RAMPART_TEST_DATA");

	snprintf(buf, sizeof(buf), "%s/inventory/%s",
	    dir != NULL ? dir : "tests/data", name);
	return buf;
}

/* Whether d holds an entry of level at exactly pointer. */
static int
has_diag(
    const struct rp_diags *d, enum rp_diag_level level, const char *pointer)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == level && d->v[i].pointer != NULL &&
		    strcmp(d->v[i].pointer, pointer) == 0)
			return 1;
	}
	return 0;
}

static void
dump_diags(const struct rp_diags *d)
{
	char *s;
	size_t i;

	for (i = 0; i < d->n; i++) {
		if ((s = rp_diag_format(&d->v[i], NULL)) != NULL)
			fprintf(stderr, "  %s\n", s);
		free(s);
	}
}

static void
assert_str_eq0(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
assert_sw_equal(const struct inv_software *a, const struct inv_software *b)
{
	assert_str_eq0(a->name, b->name);
	assert_str_eq0(a->vendor, b->vendor);
	assert_str_eq0(a->version, b->version);
	assert_int_equal(a->scheme, b->scheme);
	assert_int_equal(a->source, b->source);
	assert_str_eq0(a->arch, b->arch);
	assert_str_eq0(a->path, b->path);
	assert_str_eq0(a->purl, b->purl);
	assert_str_eq0(a->cpe, b->cpe);
	assert_str_eq0(a->bundle_id, b->bundle_id);
	assert_str_eq0(a->state, b->state);
	assert_str_eq0(a->source_name, b->source_name);
	assert_str_eq0(a->source_version, b->source_version);
}

static void
assert_host_equal(const struct inv_host *a, const struct inv_host *b)
{
	size_t i;

	assert_str_eq0(a->name, b->name);
	assert_str_eq0(a->id, b->id);
	assert_str_eq0(a->os, b->os);
	assert_str_eq0(a->os_version, b->os_version);
	assert_str_eq0(a->arch, b->arch);
	assert_str_eq0(a->customer, b->customer);
	assert_int_equal(a->nsw, b->nsw);
	for (i = 0; i < a->nsw; i++)
		assert_sw_equal(&a->sw[i], &b->sw[i]);
	/* Addresses, processes and connections, and all of it once more. */
	assert_int_equal(a->naddrs, b->naddrs);
	assert_int_equal(a->nprocs, b->nprocs);
	assert_int_equal(a->nconns, b->nconns);
	assert_true(inv_host_equal(a, b));
}

/* Serialises j and parses it back, as a file round trip would. */
static json_t *
reparse(json_t *j)
{
	struct rp_diags *d = rp_diags_new();
	json_t *back;
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_INDENT(2));
	assert_non_null(s);
	back = rpjson_load_buf(s, strlen(s), d);
	assert_non_null(back);
	free(s);
	rp_diags_free(d);
	return back;
}

#endif
