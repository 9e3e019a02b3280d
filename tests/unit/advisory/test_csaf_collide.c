/*
 * Acceptance test of the keyed hash table on the CSAF path: validating
 * and reading a document of 100 000 product IDs crafted to collide in the
 * unseeded FNV-1a tables Rampart used to have costs at most 3x the hash
 * table probes of the same document with ordinary IDs.  Work is counted
 * (util/hashtab.h rp_hashtab_probes), never timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "advisory/advisory.h"
#include "csaf_ids_doc.h"
#include "fnv_collide.h"
#include "json/rpjson.h"
#include "util/diag.h"
#include "util/hashtab.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_generator_collides),
	    cmocka_unit_test(test_colliding_ids_cost_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
