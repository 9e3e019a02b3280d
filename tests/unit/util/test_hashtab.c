/*
 * Unit tests of the keyed hash table (src/lib/util/hashtab.c): ownership,
 * bounds, growth, iteration, and that work per operation stays constant
 * for keys crafted to collide in the unseeded FNV-1a tables it replaced.
 */
#include <endian.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "fnv_collide.h"
#include "util/err.h"
#include "util/hashtab.h"

#define NKEYS 100000

static void
test_new_free(void **state)
{
	struct rp_hashtab *t;

	assert_null(rp_hashtab_new(0));
	rp_hashtab_free(NULL);
	assert_non_null(t = rp_hashtab_new(1));
	assert_int_equal(rp_hashtab_count(t), 0);
	assert_int_equal(rp_hashtab_get(t, "a", 1, NULL), 0);
	rp_hashtab_free(t);
	assert_int_equal(rp_hashtab_count(NULL), 0);
	assert_int_equal(rp_hashtab_get(NULL, "a", 1, NULL), 0);
}

static void
test_add_get_set(void **state)
{
	struct rp_hashtab *t = rp_hashtab_new(10);
	static const char bin[] = {'a', '\0', 'b'};
	int x = 1, y = 2, z = 3;
	void *v = NULL;

	assert_int_equal(rp_hashtab_add(t, "key", 3, &x), 0);
	assert_int_equal(rp_hashtab_add(t, "key", 3, &y), 1);
	assert_int_equal(rp_hashtab_get(t, "key", 3, &v), 1);
	assert_ptr_equal(v, &x);
	/* the length is part of the key; bytes after a NUL count */
	assert_int_equal(rp_hashtab_get(t, "ke", 2, NULL), 0);
	assert_int_equal(rp_hashtab_add(t, bin, 3, &y), 0);
	assert_int_equal(rp_hashtab_add(t, bin, 1, &z), 0);
	assert_int_equal(rp_hashtab_get(t, "a\0b", 3, &v), 1);
	assert_ptr_equal(v, &y);
	assert_int_equal(rp_hashtab_get(t, "a", 1, &v), 1);
	assert_ptr_equal(v, &z);
	/* the empty key is a key like any other */
	assert_int_equal(rp_hashtab_add(t, "", 0, NULL), 0);
	assert_int_equal(rp_hashtab_get(t, "", 0, &v), 1);
	assert_null(v);
	assert_int_equal(rp_hashtab_set(t, "key", 3, &z), 0);
	assert_int_equal(rp_hashtab_get(t, "key", 3, &v), 1);
	assert_ptr_equal(v, &z);
	assert_int_equal(rp_hashtab_set(t, "nokey", 5, &z), RP_ERR_NOTFOUND);
	assert_int_equal(rp_hashtab_count(t), 4);
	rp_hashtab_free(t);
}

static void
test_bounded(void **state)
{
	struct rp_hashtab *t = rp_hashtab_new(3);

	assert_int_equal(rp_hashtab_add(t, "a", 1, NULL), 0);
	assert_int_equal(rp_hashtab_add(t, "b", 1, NULL), 0);
	assert_int_equal(rp_hashtab_add(t, "c", 1, NULL), 0);
	assert_int_equal(rp_hashtab_add(t, "d", 1, NULL), RP_ERR_LIMIT);
	/* a present key is still found, not refused */
	assert_int_equal(rp_hashtab_add(t, "a", 1, NULL), 1);
	assert_int_equal(rp_hashtab_reserve(t, 4), RP_ERR_LIMIT);
	assert_int_equal(rp_hashtab_count(t), 3);
	rp_hashtab_free(t);
}

/* Growth keeps every entry; iteration visits each exactly once. */
static void
test_grow_iterate(void **state)
{
	struct rp_hashtab *t = rp_hashtab_new(NKEYS);
	char *keys = malloc((size_t)NKEYS * 16);
	unsigned char *seen = calloc(NKEYS, 1);
	const void *k;
	size_t i, len, pos = 0, n = 0;
	void *v;

	assert_non_null(keys);
	assert_non_null(seen);
	for (i = 0; i < NKEYS; i++) {
		snprintf(keys + i * 16, 16, "k%zu", i);
		assert_int_equal(rp_hashtab_add(t, keys + i * 16,
				     strlen(keys + i * 16), (void *)(i + 1)),
		    0);
	}
	for (i = 0; i < NKEYS; i++) {
		assert_int_equal(
		    rp_hashtab_get(t, keys + i * 16, strlen(keys + i * 16), &v),
		    1);
		assert_int_equal((uintptr_t)v, i + 1);
	}
	while (rp_hashtab_next(t, &pos, &k, &len, &v)) {
		i = (uintptr_t)v - 1;
		assert_true(i < NKEYS);
		assert_ptr_equal(k, keys + i * 16);
		assert_int_equal(len, strlen(keys + i * 16));
		assert_int_equal(seen[i], 0);
		seen[i] = 1;
		n++;
	}
	assert_int_equal(n, NKEYS);
	assert_int_equal(rp_hashtab_count(t), NKEYS);
	rp_hashtab_free(t);
	free(keys);
	free(seen);
}

static void
test_hash_keyed(void **state)
{
	/* stable within the process, different for different keys */
	assert_true(rp_hash("abc", 3) == rp_hash("abc", 3));
	assert_true(rp_hash("abc", 3) != rp_hash("abd", 3));
	assert_true(rp_hash("abc", 3) != rp_hash("abc", 2));
	/* not the unseeded FNV-1a of the old tables */
	assert_true(rp_hash("abc", 3) != fnv1a64("abc"));
}

/* Probes spent adding and then finding every ID, with or without FNV
 * collisions. */
static uint64_t
probes_for(const char *ids, size_t n)
{
	struct rp_hashtab *t = rp_hashtab_new(n);
	uint64_t p0 = rp_hashtab_probes();
	const char *id;
	size_t i;

	for (i = 0; i < n; i++) {
		id = ids + i * (FNV_COLLIDE_IDLEN + 1);
		assert_int_equal(rp_hashtab_add(t, id, strlen(id), NULL), 0);
	}
	for (i = 0; i < n; i++) {
		id = ids + i * (FNV_COLLIDE_IDLEN + 1);
		assert_int_equal(rp_hashtab_get(t, id, strlen(id), NULL), 1);
	}
	rp_hashtab_free(t);
	return rp_hashtab_probes() - p0;
}

/* rp_siphash(2, 4) is SipHash-2-4: the paper's vector and libsodium agree. */
static void
test_siphash_reference(void **state)
{
	unsigned char k[16], in[64], out[crypto_shorthash_BYTES];
	uint64_t ref;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(k); i++)
		k[i] = (unsigned char)i;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)i;
	assert_true(rp_siphash(in, 0, k, 2, 4) == 0x726fdb47dd0e0e31ULL);
	assert_true(rp_siphash(in, 15, k, 2, 4) == 0xa129ca6149be45e5ULL);
	for (i = 0; i <= sizeof(in); i++) {
		(void)crypto_shorthash(out, in, i, k);
		memcpy(&ref, out, sizeof(ref));
		assert_true(rp_siphash(in, i, k, 2, 4) == le64toh(ref));
	}
}

static void
test_fnv_collisions_cost_nothing(void **state)
{
	size_t sz = (size_t)NKEYS * (FNV_COLLIDE_IDLEN + 1), i;
	char *bad = malloc(sz), *good = malloc(sz);
	uint64_t h0, pbad, pgood;

	assert_non_null(bad);
	assert_non_null(good);
	assert_int_equal(fnv_collide_ids(bad, NKEYS, 1), 0);
	assert_int_equal(fnv_collide_ids(good, NKEYS, 0), 0);
	/* the hostile IDs really all land in one bucket of the old tables */
	h0 = fnv1a64(bad) & ((1u << FNV_COLLIDE_BITS) - 1);
	for (i = 0; i < NKEYS; i++)
		assert_true((fnv1a64(bad + i * (FNV_COLLIDE_IDLEN + 1)) &
				((1u << FNV_COLLIDE_BITS) - 1)) == h0);
	assert_true(fnv1a64(good) != fnv1a64(good + FNV_COLLIDE_IDLEN + 1));
	pbad = probes_for(bad, NKEYS);
	pgood = probes_for(good, NKEYS);
	/* linear in the keys: a few probes per operation, both ways */
	assert_true(pgood < (uint64_t)NKEYS * 2 * 4);
	assert_true(pbad <= 3 * pgood);
	free(bad);
	free(good);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_free),
	    cmocka_unit_test(test_add_get_set),
	    cmocka_unit_test(test_bounded),
	    cmocka_unit_test(test_grow_iterate),
	    cmocka_unit_test(test_hash_keyed),
	    cmocka_unit_test(test_siphash_reference),
	    cmocka_unit_test(test_fnv_collisions_cost_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
