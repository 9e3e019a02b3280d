/*
 * Bounded work on hostile CSAF documents.  Validating and reading a
 * document of 100 000 product IDs crafted to collide in the unseeded
 * FNV-1a tables Rampart used to have costs at most 3x the hash table
 * probes of the same document with ordinary IDs (counted through
 * util/hashtab.h rp_hashtab_probes, never timed).  Deep product trees: a
 * valid tree of 500 nested branches is read and validated; 100 000 levels
 * of nesting are refused by the reader before any walker recurses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "advisory/advisory.h"
#include "csaf_ids_doc.h"
#include "fnv_collide.h"
#include "json/rpjson.h"
#include "util/diag.h"
#include "util/hashtab.h"
#include "util/str.h"

#define NPRODUCTS 100000

/* Probes spent validating and reading the document; both must pass. */
static uint64_t
probes_for(int collide)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a = NULL;
	size_t len;
	char *text = csaf_ids_doc(NPRODUCTS, collide, &len);
	json_t *root;
	uint64_t p0;

	assert_non_null(d);
	assert_non_null(text);
	assert_non_null(root = rpjson_load_buf(text, len, d));
	free(text);
	p0 = rp_hashtab_probes();
	assert_int_equal(csaf_validate(root, d), 0);
	assert_int_equal(csaf_read(root, &a, d), 0);
	assert_int_equal(a->nproducts, NPRODUCTS);
	assert_int_equal(d->nerrors, 0);
	p0 = rp_hashtab_probes() - p0;
	advisory_free(a);
	json_decref(root);
	rp_diags_free(d);
	return p0;
}

static void
test_generator_collides(void **state)
{
	size_t step = FNV_COLLIDE_IDLEN + 1, i;
	char *ids = malloc(NPRODUCTS * step);
	uint64_t mask = (1u << FNV_COLLIDE_BITS) - 1, h0;

	assert_non_null(ids);
	assert_int_equal(fnv_collide_ids(ids, NPRODUCTS, 1), 0);
	h0 = fnv1a64(ids) & mask;
	for (i = 0; i < NPRODUCTS; i++) {
		assert_int_equal(strlen(ids + i * step), FNV_COLLIDE_IDLEN);
		assert_true((fnv1a64(ids + i * step) & mask) == h0);
		/* distinct: the number part is strictly increasing */
		if (i > 0)
			assert_true(memcmp(ids + (i - 1) * step, ids + i * step,
					16) < 0);
	}
	free(ids);
}

static void
test_colliding_ids_cost_linear(void **state)
{
	uint64_t bad = probes_for(1), good = probes_for(0);

	print_message("probes: colliding %llu, ordinary %llu\n",
	    (unsigned long long)bad, (unsigned long long)good);
	/* every ID is added and looked up a few times, a few slots each */
	assert_true(good > NPRODUCTS);
	assert_true(good < (uint64_t)NPRODUCTS * 40);
	assert_true(bad <= 3 * good);
}

/* A minimal valid CSAF document whose product tree is a chain of depth
 * branches ending in one product. */
static char *
deep_doc(size_t depth)
{
	struct rp_buf b;
	size_t i;

	rp_buf_init(&b, 64u * 1024 * 1024);
	rp_buf_append(&b,
	    "{\"document\":{\"category\":\"csaf_base\",\"csaf_version\":\"2."
	    "0\","
	    "\"publisher\":{\"category\":\"vendor\",\"name\":\"Example\","
	    "\"namespace\":\"https://example.com\"},\"title\":\"Deep\","
	    "\"tracking\":{\"current_release_date\":\"2024-01-01T00:00:00Z\","
	    "\"id\":\"EX-DEEP\",\"initial_release_date\":"
	    "\"2024-01-01T00:00:00Z\",\"revision_history\":[{\"date\":"
	    "\"2024-01-01T00:00:00Z\",\"number\":\"1\",\"summary\":"
	    "\"Initial\"}],\"status\":\"final\",\"version\":\"1\"}},"
	    "\"product_tree\":{\"branches\":");
	for (i = 0; i + 1 < depth; i++)
		rp_buf_appendf(&b,
		    "[{\"category\":\"product_family\",\"name\":\"F%zu\","
		    "\"branches\":",
		    i);
	rp_buf_append(&b,
	    "[{\"category\":\"product_version\",\"name\":\"1.0\","
	    "\"product\":{\"name\":\"Deep product 1.0\","
	    "\"product_id\":\"DEEP-1\"}}]");
	for (i = 0; i + 1 < depth; i++)
		rp_buf_append(&b, "}]");
	rp_buf_append(&b, "}}");
	return rp_buf_take(&b);
}

static void
test_deep_branches_accepted(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a = NULL;
	char *text = deep_doc(500);
	json_t *root;

	assert_non_null(text);
	root = rpjson_load_buf(text, strlen(text), d);
	free(text);
	assert_non_null(root);
	assert_int_equal(csaf_validate(root, d), 0);
	assert_int_equal(csaf_read(root, &a, d), 0);
	assert_int_equal(d->nerrors, 0);
	assert_int_equal(a->nproducts, 1);
	assert_string_equal(a->products[0].id, "DEEP-1");
	advisory_free(a);
	json_decref(root);
	rp_diags_free(d);
}

static void
test_hostile_depth_refused(void **state)
{
	struct rp_diags *d = rp_diags_new();
	char *text = deep_doc(100000);
	char path[] = "/tmp/rampart-deep-XXXXXX";
	size_t len;
	FILE *f;
	int fd;

	assert_non_null(text);
	len = strlen(text);
	assert_null(rpjson_load_buf(text, len, d));
	assert_int_equal(d->nerrors, 1);
	assert_non_null(strstr(d->v[0].msg, "nest deeper than"));
	/* the same from a file, parsed as it is read */
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "wb"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_null(rpjson_load_file(path, RP_CAP_ADVISORY, d));
	assert_int_equal(d->nerrors, 2);
	assert_non_null(strstr(d->v[1].msg, "nest deeper than"));
	unlink(path);
	free(text);
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_generator_collides),
	    cmocka_unit_test(test_colliding_ids_cost_linear),
	    cmocka_unit_test(test_deep_branches_accepted),
	    cmocka_unit_test(test_hostile_depth_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
