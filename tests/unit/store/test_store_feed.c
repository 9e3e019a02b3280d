/*
 * Blocklist feeds on both drivers (run by test_store.c's main): a feed
 * is found by the hash of its secret and by id only within the caller's
 * scope (the MSP-wide feed only by a caller who sees every tenant),
 * listed per tenant, updated (enabled, limit, sinkholes, a rotated
 * secret that replaces the old one) and deleted with its fetch records;
 * fetch records are kept newest first, dropped for a deleted feed, and
 * trimmed to STORE_FEED_FETCH_MAX per feed and STORE_FEED_FETCH_DAYS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "util/err.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"
#define H3 "3333333333333333333333333333333333333333333333333333333333333333"
#define H4 "4444444444444444444444444444444444444444444444444444444444444444"

static int64_t
feed(struct store *s, int64_t ten, const char *fmt, const char *hash)
{
	struct store_feed f = {.tenant_id = ten,
	    .name = "edge",
	    .format = (char *)fmt,
	    .sinkhole4 = ten != 0 ? "192.0.2.1" : NULL,
	    .created_at = 100,
	    .created_by = "user:tech",
	    .enabled = 1};

	assert_int_equal(store_feed_create(s, hash, &f), 0);
	assert_true(f.id > 0);
	return f.id;
}

static void
test_feeds(void **state)
{
	struct store *s = *state;
	int64_t ta = tenant(s, "acme"), tb = tenant(s, "globex");
	int64_t fa = feed(s, ta, "unbound", H1), fb = feed(s, tb, "nft", H2);
	int64_t fm = feed(s, 0, "hosts", H3);
	struct store_scope sa = scope_of(s, &ta, 1);
	struct store_feed f = {0}, *v = NULL;
	char stored[65];
	size_t n = 0;
	int more = -1;

	/* the same secret twice is refused */
	struct store_feed dup = {.tenant_id = ta,
	    .name = "x",
	    .format = "nft",
	    .created_by = "user:tech"};
	assert_int_equal(store_feed_create(s, H1, &dup), RP_ERR_INVALID);
	assert_int_equal(store_feed_create(s, "short", &dup), RP_ERR_ARG);

	assert_int_equal(store_feed_by_hash(s, H2, &f, stored), 0);
	assert_int_equal(f.id, fb);
	assert_int_equal(f.tenant_id, tb);
	assert_string_equal(f.format, "nft");
	assert_string_equal(f.sinkhole4, "192.0.2.1");
	assert_null(f.sinkhole6);
	assert_string_equal(stored, H2);
	assert_true(f.enabled);
	store_feed_clear(&f);
	assert_int_equal(
	    store_feed_by_hash(s, H4, &f, stored), RP_ERR_NOTFOUND);

	/* scope: acme's caller sees acme's feed only */
	assert_int_equal(store_feed_get(s, &sa, fa, &f), 0);
	assert_string_equal(f.created_by, "user:tech");
	store_feed_clear(&f);
	assert_int_equal(store_feed_get(s, &sa, fb, &f), RP_ERR_NOTFOUND);
	assert_int_equal(store_feed_get(s, &sa, fm, &f), RP_ERR_NOTFOUND);
	assert_int_equal(store_feed_get(s, &all, fm, &f), 0);
	assert_int_equal(f.tenant_id, 0);
	assert_null(f.sinkhole4);
	store_feed_clear(&f);

	assert_int_equal(store_feed_list(s, &sa, 0, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, fa);
	store_feeds_free(v, n);
	assert_int_equal(store_feed_list(s, &sa, tb, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 0);
	store_feeds_free(v, n);
	assert_int_equal(store_feed_list(s, &all, 0, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 3);
	store_feeds_free(v, n);
	assert_int_equal(store_feed_list(s, &all, -1, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, fm);
	store_feeds_free(v, n);
	assert_int_equal(store_feed_list(s, &all, tb, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, fb);
	store_feeds_free(v, n);

	/* update: disable, a limit, no sinkhole, and a new secret */
	assert_int_equal(store_feed_get(s, &all, fa, &f), 0);
	f.enabled = 0;
	f.max_entries = 500;
	free(f.sinkhole4);
	f.sinkhole4 = NULL;
	assert_int_equal(store_feed_update(s, &f, H4), 0);
	store_feed_clear(&f);
	assert_int_equal(
	    store_feed_by_hash(s, H1, &f, stored), RP_ERR_NOTFOUND);
	assert_int_equal(store_feed_by_hash(s, H4, &f, stored), 0);
	assert_int_equal(f.id, fa);
	assert_false(f.enabled);
	assert_int_equal(f.max_entries, 500);
	assert_null(f.sinkhole4);
	/* without a new secret the secret stays */
	f.enabled = 1;
	assert_int_equal(store_feed_update(s, &f, NULL), 0);
	store_feed_clear(&f);
	assert_int_equal(store_feed_by_hash(s, H4, &f, stored), 0);
	assert_true(f.enabled);
	store_feed_clear(&f);

	assert_int_equal(store_feed_delete(s, fb), 0);
	assert_int_equal(store_feed_delete(s, fb), RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_feed_by_hash(s, H2, &f, stored), RP_ERR_NOTFOUND);
}

static struct store_feed_fetch
fetch(int64_t feed_id, int64_t at, int status)
{
	struct store_feed_fetch f = {.feed_id = feed_id,
	    .at = at,
	    .status = status,
	    .entries = 3,
	    .bytes = 99,
	    .version = at / 10,
	    .content_at = at - 5};

	snprintf(f.address, sizeof(f.address), "198.51.100.7");
	snprintf(f.etag, sizeof(f.etag), "\"e%lld\"", (long long)at);
	return f;
}

static void
test_fetches(void **state)
{
	struct store *s = *state;
	int64_t ta = tenant(s, "acme");
	int64_t fa = feed(s, ta, "unbound", H1), fb = feed(s, ta, "nft", H2);
	struct store_feed_fetch b[3], *v = NULL;
	struct store_feed_fetch *many;
	int64_t now = 100 * 86400;
	size_t n = 0, i;

	b[0] = fetch(fa, now - 10, 200);
	b[1] = fetch(fa, now - 5, 304);
	b[2] = fetch(fb, now - 1, 200);
	assert_int_equal(store_feed_fetches_add(s, b, 3, now), 0);
	assert_int_equal(store_feed_fetch_list(s, fa, 10, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].at, now - 5);
	assert_int_equal(v[0].status, 304);
	assert_string_equal(v[0].etag, "\"e8639995\"");
	assert_string_equal(v[0].address, "198.51.100.7");
	assert_int_equal(v[0].version, (now - 5) / 10);
	assert_int_equal(v[0].content_at, now - 10);
	assert_int_equal(v[1].status, 200);
	free(v);

	/* a feed deleted before its records were written: they are dropped,
	 * the others kept */
	assert_int_equal(store_feed_delete(s, fb), 0);
	b[0] = fetch(fb, now, 200);
	b[1] = fetch(fa, now, 200);
	assert_int_equal(store_feed_fetches_add(s, b, 2, now), 0);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM feed_fetches"), 3);

	/* older than the retention: gone at the next batch */
	b[0] = fetch(fa, now - STORE_FEED_FETCH_DAYS * 86400 - 1, 200);
	assert_int_equal(
	    store_feed_fetches_add(s, b, 1, now - 1000 * 86400), 0);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM feed_fetches"), 4);
	assert_int_equal(store_feed_fetches_add(s, NULL, 0, now), 0);
	b[0] = fetch(fa, now + 1, 304);
	assert_int_equal(store_feed_fetches_add(s, b, 1, now), 0);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM feed_fetches"), 4);

	/* past the cap per feed: the oldest go */
	many = calloc(STORE_FEED_FETCH_MAX + 5, sizeof(*many));
	assert_non_null(many);
	for (i = 0; i < STORE_FEED_FETCH_MAX + 5; i++)
		many[i] = fetch(fa, now + 2 + (int64_t)i, 304);
	assert_int_equal(
	    store_feed_fetches_add(s, many, STORE_FEED_FETCH_MAX + 5, now), 0);
	free(many);
	assert_int_equal(
	    raw_int("SELECT COUNT(*) FROM feed_fetches"), STORE_FEED_FETCH_MAX);
	assert_int_equal(store_feed_fetch_list(s, fa, 1, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].at, now + 2 + STORE_FEED_FETCH_MAX + 4);
	free(v);
	assert_int_equal(store_feed_fetch_list(s, fa, 0, &v, &n), RP_ERR_ARG);

	/* the records go with their feed */
	assert_int_equal(store_feed_delete(s, fa), 0);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM feed_fetches"), 0);
}

int
store_feed_tests(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_feeds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fetches, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
