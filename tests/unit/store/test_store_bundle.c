/*
 * The store's rules bundles, on both drivers (run by test_store.c's
 * main): the current bundle and the kept ones per tenant, an unchanged
 * hash writing nothing, the bound on kept bundles, a hash coming back,
 * tenant isolation by hash, and the walk over the advisories a tenant
 * sees (MSP-wide and its own, latest revision, never another tenant's).
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

/* Puts a bundle whose hash is 64 copies of c; returns *changed. */
static int
put(struct store *s, int64_t ten, char c, int64_t at)
{
	struct store_bundle b = {.tenant_id = ten, .built_at = at};
	char body[32];
	int changed = -1;

	memset(b.sha256, c, 64);
	b.sha256[64] = '\0';
	snprintf(body, sizeof(body), "{\"b\":\"%c\"}", c);
	b.body = body;
	b.counts = (char *)"{\"sha256\":1}";
	b.advisories = (char *)"[\"ADV-1\"]";
	assert_int_equal(store_bundle_put(s, &b, &changed), 0);
	return changed;
}

static int
has(struct store *s, int64_t ten, char c)
{
	struct store_bundle g;
	char hash[65];
	int r;

	memset(hash, c, 64);
	hash[64] = '\0';
	r = store_bundle_get(s, ten, hash, &g);
	if (r == 0) {
		char body[32];

		snprintf(body, sizeof(body), "{\"b\":\"%c\"}", c);
		assert_string_equal(g.body, body);
		assert_int_equal(g.size, (int64_t)strlen(body));
		assert_int_equal(g.tenant_id, ten);
		store_bundle_clear(&g);
		return 1;
	}
	assert_int_equal(r, RP_ERR_NOTFOUND);
	return 0;
}

static void
test_bundles(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme"), b = tenant(s, "globex");
	struct store_bundle cur;
	char k;

	assert_int_equal(store_bundle_current(s, a, 1, &cur), RP_ERR_NOTFOUND);
	assert_int_equal(put(s, a, 'a', 100), 1);
	/* The same hash again: nothing written, built_at stays. */
	assert_int_equal(put(s, a, 'a', 200), 0);
	assert_int_equal(store_bundle_current(s, a, 0, &cur), 0);
	assert_int_equal(cur.built_at, 100);
	assert_null(cur.body);
	assert_string_equal(cur.counts, "{\"sha256\":1}");
	assert_string_equal(cur.advisories, "[\"ADV-1\"]");
	store_bundle_clear(&cur);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM bundles"), 1);

	/* Tenant isolation: acme's hash is not globex's. */
	assert_true(has(s, a, 'a'));
	assert_false(has(s, b, 'a'));
	assert_int_equal(store_bundle_current(s, b, 1, &cur), RP_ERR_NOTFOUND);

	/* More than STORE_BUNDLE_KEEP: the oldest go, the newest is
	 * current. */
	for (k = 'b'; k < 'b' + STORE_BUNDLE_KEEP; k++)
		assert_int_equal(put(s, a, k, 100 + k), 1);
	assert_false(has(s, a, 'a'));
	for (k = 'b'; k < 'b' + STORE_BUNDLE_KEEP; k++)
		assert_true(has(s, a, k));
	assert_int_equal(store_bundle_current(s, a, 1, &cur), 0);
	assert_int_equal(cur.sha256[0], 'b' + STORE_BUNDLE_KEEP - 1);
	assert_non_null(cur.body);
	store_bundle_clear(&cur);
	assert_int_equal(
	    raw_int("SELECT COUNT(*) FROM bundles"), STORE_BUNDLE_KEEP);

	/* A kept hash becoming current again: one row for it, current. */
	assert_int_equal(put(s, a, 'b', 500), 1);
	assert_int_equal(store_bundle_current(s, a, 0, &cur), 0);
	assert_int_equal(cur.sha256[0], 'b');
	assert_int_equal(cur.built_at, 500);
	store_bundle_clear(&cur);
	assert_int_equal(
	    raw_int("SELECT COUNT(*) FROM bundles"), STORE_BUNDLE_KEEP);

	/* globex gets its own, acme's are untouched. */
	assert_int_equal(put(s, b, 'z', 600), 1);
	assert_true(has(s, b, 'z'));
	assert_false(has(s, a, 'z'));
	assert_true(has(s, a, 'b'));

	/* A bad hash is refused. */
	struct store_bundle bad = {.tenant_id = a,
	    .body = (char *)"{}",
	    .counts = (char *)"{}",
	    .advisories = (char *)"[]"};
	int changed;
	assert_int_equal(store_bundle_put(s, &bad, &changed), RP_ERR_ARG);
}

struct walk {
	char seen[8][32];
	size_t n;
};

static int
walk_fn(int64_t id, const char *body, void *arg)
{
	struct walk *w = arg;

	assert_true(id > 0);
	assert_true(w->n < 8);
	snprintf(w->seen[w->n++], sizeof(w->seen[0]), "%s", body);
	return 0;
}

static int
stop_fn(int64_t id, const char *body, void *arg)
{
	(void)id;
	(void)body;
	(void)arg;
	return 42;
}

static void
adv(struct store *s, const char *key, int msp, const int64_t *t, size_t nt,
    const char *body)
{
	struct store_advisory in = {.doc_key = (char *)key,
	    .doc_id = (char *)key,
	    .format = (char *)"native",
	    .scope_all = msp,
	    .tenants = (int64_t *)t,
	    .ntenants = nt,
	    .imported_at = 1,
	    .body = (char *)body};
	int64_t id;
	int rev;

	assert_int_equal(store_advisory_put(s, &in, &id, &rev), 0);
}

static void
test_advisories_of_tenant(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme"), b = tenant(s, "globex");
	int64_t *ids = NULL;
	struct walk w = {0};
	size_t n = 0;

	adv(s, "msp", 1, NULL, 0, "msp-1");
	adv(s, "acme", 0, &a, 1, "acme-1");
	adv(s, "globex", 0, &b, 1, "globex-1");
	adv(s, "acme", 0, &a, 1, "acme-2"); /* a new revision */
	assert_int_equal(store_advisory_each_of_tenant(s, a, walk_fn, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.seen[0], "msp-1");
	assert_string_equal(w.seen[1], "acme-2");
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_advisory_each_of_tenant(s, b, walk_fn, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.seen[0], "msp-1");
	assert_string_equal(w.seen[1], "globex-1");
	assert_int_equal(
	    store_advisory_each_of_tenant(s, a, stop_fn, NULL), 42);

	assert_int_equal(store_tenant_ids(s, &ids, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], a);
	assert_int_equal(ids[1], b);
	free(ids);
}

/* Blocklist blobs: kept once per tenant and hash, never another
 * tenant's, the body only when asked for. */
static void
test_blocklists(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme"), b = tenant(s, "globex");
	struct store_blocklist g;
	char hash[65];
	int created = -1;

	memset(hash, 'c', 64);
	hash[64] = '\0';
	assert_int_equal(
	    store_blocklist_get(s, a, hash, 1, &g), RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_blocklist_put(s, a, hash, "{\"v\":1}", 100, &created), 0);
	assert_int_equal(created, 1);
	assert_int_equal(
	    store_blocklist_put(s, a, hash, "{\"v\":1}", 200, &created), 0);
	assert_int_equal(created, 0);
	assert_int_equal(store_blocklist_get(s, a, hash, 1, &g), 0);
	assert_string_equal(g.body, "{\"v\":1}");
	assert_string_equal(g.sha256, hash);
	assert_int_equal(g.size, 7);
	assert_int_equal(g.created, 100);
	assert_int_equal(g.tenant_id, a);
	store_blocklist_clear(&g);
	assert_int_equal(store_blocklist_get(s, a, hash, 0, &g), 0);
	assert_null(g.body);
	store_blocklist_clear(&g);
	/* globex does not see acme's blob, and may keep its own */
	assert_int_equal(
	    store_blocklist_get(s, b, hash, 1, &g), RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_blocklist_put(s, b, hash, "{\"v\":1}", 300, &created), 0);
	assert_int_equal(created, 1);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM blocklist_blobs"), 2);
	/* malformed hashes */
	assert_int_equal(
	    store_blocklist_put(s, a, "ABC", "{}", 1, &created), RP_ERR_ARG);
	hash[3] = 'C';
	assert_int_equal(
	    store_blocklist_put(s, a, hash, "{}", 1, &created), RP_ERR_ARG);
	assert_int_equal(
	    store_blocklist_get(s, a, hash, 1, &g), RP_ERR_NOTFOUND);
}

int
store_bundle_tests(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_bundles, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_advisories_of_tenant, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_blocklists, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
