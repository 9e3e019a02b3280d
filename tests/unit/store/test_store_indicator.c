/*
 * The store's indicators, sources and allowlist on both drivers (run by
 * test_store.c's main): the merge of a value stored again, tenant versus
 * MSP-wide scoping of reads and writes, the searches, the blocklist walk
 * (mode after the source's, expiry, types, one row per value), and the
 * version every change (deletions, a source's mode, the allowlist)
 * advances while other tenants' changes do not.
 */
#include <pthread.h>
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

/* Puts (ten, type, value) with the fields given; returns the outcome. */
struct put_args {
	int64_t ten, src, fs, ls, exp;
	const char *type, *value, *tags, *mode, *tlp;
	int conf;
};

static enum store_put_outcome
put_full(struct store *s, const struct store_scope *sc,
    const struct put_args *p, int64_t now, int64_t *id)
{
	struct store_indicator in = {.tenant_id = p->ten,
	    .type = (char *)p->type,
	    .value = (char *)p->value,
	    .source_id = p->src,
	    .confidence = p->conf,
	    .first_seen = p->fs,
	    .last_seen = p->ls,
	    .expires = p->exp,
	    .tags = (char *)p->tags,
	    .tlp = (char *)p->tlp,
	    .mode = (char *)p->mode,
	    .created_by = (char *)"tester"};
	enum store_put_outcome o = (enum store_put_outcome) - 1;
	int64_t x = 0;

	assert_int_equal(store_indicator_put(s, sc, &in, now, &x, &o), 0);
	assert_true(x > 0);
	if (id != NULL)
		*id = x;
	return o;
}

static int64_t
put(struct store *s, int64_t ten, const char *type, const char *value)
{
	struct put_args p = {
	    .ten = ten, .type = type, .value = value, .conf = -1};
	int64_t id;

	put_full(s, &all, &p, 1000, &id);
	return id;
}

static void
version(struct store *s, int64_t ten, int64_t *at, int64_t *count)
{
	assert_int_equal(store_indicator_version(s, ten, at, count), 0);
}

static void
test_merge(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme"), id, id2;
	struct put_args p = {.ten = a,
	    .type = "domain",
	    .value = "evil.test",
	    .conf = 40,
	    .fs = 100,
	    .ls = 200,
	    .exp = 5000,
	    .tags = "b, a,a"};
	struct store_indicator g;

	assert_int_equal(put_full(s, &all, &p, 1000, &id), STORE_PUT_NEW);
	assert_int_equal(store_indicator_get(s, &all, id, &g), 0);
	assert_string_equal(g.tags, "a,b");
	assert_string_equal(g.tlp, STORE_TLP_DEFAULT);
	assert_null(g.mode);
	assert_string_equal(g.mode_eff, "block");
	assert_int_equal(g.confidence, 40);
	assert_int_equal(g.tenant_id, a);
	assert_string_equal(g.created_by, "tester");
	store_indicator_clear(&g);

	/* The same again: nothing changes. */
	assert_int_equal(
	    put_full(s, &all, &p, 1001, &id2), STORE_PUT_UNCHANGED);
	assert_int_equal(id2, id);
	/* Earlier first_seen, later last_seen, lower confidence, an earlier
	 * expiry, new tags: min, max, max, later, union. */
	struct put_args q = {.ten = a,
	    .type = "domain",
	    .value = "evil.test",
	    .conf = 10,
	    .fs = 50,
	    .ls = 300,
	    .exp = 4000,
	    .tags = "c,a",
	    .tlp = "red",
	    .mode = "inform"};
	assert_int_equal(put_full(s, &all, &q, 1002, &id2), STORE_PUT_UPDATED);
	assert_int_equal(id2, id);
	assert_int_equal(store_indicator_get(s, &all, id, &g), 0);
	assert_int_equal(g.first_seen, 50);
	assert_int_equal(g.last_seen, 300);
	assert_int_equal(g.confidence, 40);
	assert_int_equal(g.expires, 5000);
	assert_string_equal(g.tags, "a,b,c");
	/* mode and TLP are the row's until edited */
	assert_string_equal(g.tlp, STORE_TLP_DEFAULT);
	assert_null(g.mode);
	assert_int_equal(g.updated_at, 1002);
	store_indicator_clear(&g);
	/* A later expiry wins, then never wins over any time. */
	q.exp = 9000;
	assert_int_equal(put_full(s, &all, &q, 1003, NULL), STORE_PUT_UPDATED);
	assert_int_equal(store_indicator_get(s, &all, id, &g), 0);
	assert_int_equal(g.expires, 9000);
	store_indicator_clear(&g);
	q.exp = 0;
	assert_int_equal(put_full(s, &all, &q, 1004, NULL), STORE_PUT_UPDATED);
	q.exp = 9500;
	assert_int_equal(
	    put_full(s, &all, &q, 1005, NULL), STORE_PUT_UNCHANGED);
	assert_int_equal(store_indicator_get(s, &all, id, &g), 0);
	assert_int_equal(g.expires, 0);
	store_indicator_clear(&g);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM indicators WHERE "
				 "expires IS NULL"),
	    1);

	/* The same value MSP-wide is another row. */
	p.ten = 0;
	assert_int_equal(put_full(s, &all, &p, 1006, &id2), STORE_PUT_NEW);
	assert_true(id2 != id);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM indicators"), 2);
}

static void
test_bad_input(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme"), id = 0;
	enum store_put_outcome o;
	char tags[STORE_TAGS_MAX * 4 + 8], *big;
	size_t k, i;
	struct store_indicator in = {.tenant_id = a,
	    .type = (char *)"domain",
	    .value = (char *)"x.test",
	    .confidence = -1,
	    .created_by = (char *)"t"};

	assert_int_equal(store_indicator_put(s, &all, &in, 1, &id, &o), 0);
	in.type = (char *)"email";
	assert_int_equal(
	    store_indicator_put(s, &all, &in, 1, &id, &o), RP_ERR_ARG);
	in.type = (char *)"domain";
	in.tlp = (char *)"white";
	assert_int_equal(
	    store_indicator_put(s, &all, &in, 1, &id, &o), RP_ERR_ARG);
	in.tlp = NULL;
	in.confidence = 101;
	assert_int_equal(
	    store_indicator_put(s, &all, &in, 1, &id, &o), RP_ERR_ARG);
	in.confidence = -1;
	in.tags = (char *)"ok,bad\ttab\x01";
	assert_int_equal(
	    store_indicator_put(s, &all, &in, 1, &id, &o), RP_ERR_ARG);
	/* One tag more than the bound. */
	for (i = 0, k = 0; i <= STORE_TAGS_MAX; i++)
		k += (size_t)snprintf(
		    tags + k, sizeof(tags) - k, "%s%zu", i ? "," : "", i);
	in.tags = tags;
	assert_int_equal(
	    store_indicator_put(s, &all, &in, 1, &id, &o), RP_ERR_ARG);
	in.tags = NULL;
	in.value = (char *)"";
	assert_int_equal(
	    store_indicator_put(s, &all, &in, 1, &id, &o), RP_ERR_ARG);
	/* YARA text may be longer than other values, to its own bound. */
	big = malloc(STORE_IND_YARA_MAX + 2);
	assert_non_null(big);
	memset(big, 'r', STORE_IND_YARA_MAX + 1);
	big[STORE_IND_YARA_MAX + 1] = '\0';
	in.value = big;
	in.type = (char *)"yara";
	assert_int_equal(
	    store_indicator_put(s, &all, &in, 1, &id, &o), RP_ERR_ARG);
	big[STORE_IND_YARA_MAX] = '\0';
	assert_int_equal(store_indicator_put(s, &all, &in, 1, &id, &o), 0);
	in.type = (char *)"url";
	assert_int_equal(
	    store_indicator_put(s, &all, &in, 1, &id, &o), RP_ERR_ARG);
	free(big);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM indicators"), 2);
}

static void
test_scoping(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme"), b = tenant(s, "globex");
	struct store_scope sa = scope_of(s, &a, 1);
	int64_t ia = put(s, a, "ip", "192.0.2.1");
	int64_t ib = put(s, b, "ip", "192.0.2.2");
	int64_t im = put(s, 0, "ip", "192.0.2.3");
	struct store_indicator_edit e = {
	    .set = STORE_IND_SET_CONFIDENCE, .confidence = 90};
	struct store_indicator in = {.tenant_id = b,
	    .type = (char *)"ip",
	    .value = (char *)"192.0.2.9",
	    .confidence = -1,
	    .created_by = (char *)"t"};
	struct store_indicator g, *v;
	enum store_put_outcome o;
	int64_t id, total;
	size_t n;
	int more;

	/* Reads: its own and MSP-wide, never the other tenant's. */
	assert_int_equal(store_indicator_get(s, &sa, ia, &g), 0);
	store_indicator_clear(&g);
	assert_int_equal(store_indicator_get(s, &sa, im, &g), 0);
	assert_int_equal(g.tenant_id, 0);
	store_indicator_clear(&g);
	assert_int_equal(store_indicator_get(s, &sa, ib, &g), RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_indicator_list(s, &sa, NULL, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, ia);
	assert_int_equal(v[1].id, im);
	store_indicators_free(v, n);
	assert_int_equal(store_indicator_total(s, &sa, NULL, &total), 0);
	assert_int_equal(total, 2);
	/* A filter naming the other tenant finds nothing of it. */
	struct store_indicator_filter f = {.tenant = b, .own_only = 1};
	assert_int_equal(store_indicator_total(s, &sa, &f, &total), 0);
	assert_int_equal(total, 0);

	/* Writes: only its own tenant's rows. */
	assert_int_equal(
	    store_indicator_put(s, &sa, &in, 1, &id, &o), RP_ERR_NOTFOUND);
	in.tenant_id = 0;
	assert_int_equal(
	    store_indicator_put(s, &sa, &in, 1, &id, &o), RP_ERR_NOTFOUND);
	in.tenant_id = a;
	assert_int_equal(store_indicator_put(s, &sa, &in, 1, &id, &o), 0);
	assert_int_equal(o, STORE_PUT_NEW);
	assert_int_equal(
	    store_indicator_edit(s, &sa, ib, &e, 2, NULL), RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_indicator_edit(s, &sa, im, &e, 2, NULL), RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_indicator_delete(s, &sa, ib, 2), RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_indicator_delete(s, &sa, im, 2), RP_ERR_NOTFOUND);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM indicators"), 4);
	int changed = -1;
	assert_int_equal(store_indicator_edit(s, &sa, ia, &e, 2, &changed), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(store_indicator_delete(s, &sa, ia, 3), 0);
	assert_int_equal(store_indicator_get(s, &all, ia, &g), RP_ERR_NOTFOUND);
	/* All-tenant scope: everything. */
	assert_int_equal(store_indicator_delete(s, &all, im, 3), 0);
	assert_int_equal(store_indicator_delete(s, &all, ib, 3), 0);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM indicators"), 1);
}

static void
test_edit(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme");
	int64_t id = put(s, a, "url", "http://evil.test/x");
	struct store_indicator_edit e = {.set = STORE_IND_SET_MODE |
		STORE_IND_SET_TLP | STORE_IND_SET_TAGS | STORE_IND_SET_COMMENT |
		STORE_IND_SET_EXPIRES,
	    .mode = "inform",
	    .tlp = "amber+strict",
	    .tags = "z,y",
	    .comment = "seen in phishing",
	    .expires = 7777};
	struct store_indicator g;
	int changed = -1;

	assert_int_equal(
	    store_indicator_edit(s, &all, id, &e, 50, &changed), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(store_indicator_get(s, &all, id, &g), 0);
	assert_string_equal(g.mode, "inform");
	assert_string_equal(g.mode_eff, "inform");
	assert_string_equal(g.tlp, "amber+strict");
	assert_string_equal(g.tags, "y,z");
	assert_string_equal(g.comment, "seen in phishing");
	assert_int_equal(g.expires, 7777);
	assert_int_equal(g.updated_at, 50);
	store_indicator_clear(&g);
	/* Again: no change. */
	assert_int_equal(
	    store_indicator_edit(s, &all, id, &e, 60, &changed), 0);
	assert_int_equal(changed, 0);
	/* Back to the source's mode, expiry never. */
	struct store_indicator_edit b = {
	    .set = STORE_IND_SET_MODE | STORE_IND_SET_EXPIRES};
	assert_int_equal(
	    store_indicator_edit(s, &all, id, &b, 70, &changed), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(store_indicator_get(s, &all, id, &g), 0);
	assert_null(g.mode);
	assert_string_equal(g.mode_eff, "block");
	assert_int_equal(g.expires, 0);
	store_indicator_clear(&g);
	struct store_indicator_edit bad = {
	    .set = STORE_IND_SET_TLP, .tlp = "purple"};
	assert_int_equal(
	    store_indicator_edit(s, &all, id, &bad, 80, NULL), RP_ERR_ARG);
	assert_int_equal(store_indicator_edit(s, &all, id + 99, &b, 80, NULL),
	    RP_ERR_NOTFOUND);
}

static void
test_search(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme"), b = tenant(s, "globex"), src = 0, total;
	struct store_source ss = {.tenant_id = 0,
	    .name = (char *)"feed",
	    .kind = (char *)"import",
	    .mode = (char *)"inform",
	    .confidence = -1};
	struct store_indicator *v;
	size_t n, k;
	int more;

	assert_int_equal(store_source_create(s, &all, &ss, 1, &src), 0);
	struct put_args p[] = {
	    {.ten = a,
		.type = "domain",
		.value = "Evil-100%.test",
		.conf = -1,
		.tags = "apt,x"},
	    {.ten = a,
		.type = "domain",
		.value = "good.test",
		.conf = -1,
		.exp = 500,
		.tags = "apt1"},
	    {.ten = b, .type = "domain", .value = "evil.example", .conf = -1},
	    {.ten = 0,
		.type = "sha256",
		.src = src,
		.conf = -1,
		.value =
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaa"},
	    {.ten = a,
		.type = "md5",
		.value = "0123456789abcdef0123456789ab"
			 "cdef",
		.conf = -1,
		.mode = "block",
		.src = src},
	};
	for (k = 0; k < sizeof(p) / sizeof(p[0]); k++)
		put_full(s, &all, &p[k], 1000, NULL);

	struct {
		struct store_indicator_filter f;
		int64_t want;
	} cases[] = {
	    {{0}, 5},
	    {{.tenant = a}, 4},
	    {{.tenant = a, .own_only = 1}, 3},
	    {{.msp_only = 1}, 1},
	    {{.type = "domain"}, 3},
	    {{.q = "EVIL"}, 2},
	    {{.q = "100%"}, 1},
	    {{.q = "1_0"}, 0},
	    {{.tag = "apt"}, 1},
	    {{.tag = "apt1"}, 1},
	    {{.tag = "ap"}, 0},
	    {{.mode = "inform"}, 1},
	    {{.mode = "block"}, 4},
	    {{.source_id = src}, 2},
	    {{.source = "feed"}, 2},
	    {{.source = "feed", .tenant = b, .own_only = 1}, 0},
	    {{.source = "nosuch"}, 0},
	    {{.expired = STORE_EXPIRED_YES, .now = 500}, 1},
	    {{.expired = STORE_EXPIRED_NO, .now = 500}, 4},
	    {{.expired = STORE_EXPIRED_NO, .now = 499}, 5},
	};
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		assert_int_equal(
		    store_indicator_total(s, &all, &cases[k].f, &total), 0);
		if (total != cases[k].want)
			fail_msg("case %zu: %lld, not %lld", k,
			    (long long)total, (long long)cases[k].want);
	}
	/* Pages of two. */
	struct store_page pg = {.after = 0, .limit = 2};
	assert_int_equal(
	    store_indicator_list(s, &all, NULL, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_true(more);
	pg.after = v[1].id;
	store_indicators_free(v, n);
	assert_int_equal(
	    store_indicator_list(s, &all, NULL, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_true(more);
	pg.after = v[1].id;
	store_indicators_free(v, n);
	assert_int_equal(
	    store_indicator_list(s, &all, NULL, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_string_equal(v[0].source, "feed");
	assert_string_equal(v[0].mode_eff, "block");
	store_indicators_free(v, n);
	struct store_indicator_filter big = {0};
	char q[1024 + 2]; /* past SQ_TEXT_ARG_MAX */
	memset(q, 'q', sizeof(q) - 1);
	q[sizeof(q) - 1] = '\0';
	big.q = q;
	assert_int_equal(
	    store_indicator_total(s, &all, &big, &total), RP_ERR_ARG);
}

/* The blocklist walk's rows as "tenant:type:value" lines. */
struct walk {
	char out[2048];
	size_t len;
	int stop_at;
	int seen;
};

static int
walk_fn(const struct store_feed_indicator *ind, void *arg)
{
	struct walk *w = arg;

	w->len += (size_t)snprintf(w->out + w->len, sizeof(w->out) - w->len,
	    "%lld:%s:%s:%s\n", (long long)ind->tenant_id, ind->type, ind->value,
	    ind->source);
	return ++w->seen == w->stop_at ? 42 : 0;
}

static void
test_feed(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme"), b = tenant(s, "globex"), inf = 0;
	struct store_source ss = {.tenant_id = 0,
	    .name = (char *)"weak",
	    .kind = (char *)"import",
	    .mode = (char *)"inform",
	    .confidence = -1};
	struct walk w = {0};
	char want[1024];

	assert_int_equal(store_source_create(s, &all, &ss, 1, &inf), 0);
	struct put_args p[] = {
	    {.ten = a, .type = "domain", .value = "a.test", .conf = -1},
	    {.ten = 0, .type = "domain", .value = "a.test", .conf = -1},
	    {.ten = 0, .type = "domain", .value = "m.test", .conf = -1},
	    {.ten = b, .type = "domain", .value = "b.test", .conf = -1},
	    {.ten = a,
		.type = "domain",
		.value = "old.test",
		.conf = -1,
		.exp = 100},
	    {.ten = a,
		.type = "domain",
		.value = "later.test",
		.conf = -1,
		.exp = 101},
	    {.ten = a,
		.type = "ip",
		.value = "192.0.2.1",
		.conf = -1,
		.mode = "inform"},
	    {.ten = a, .type = "cidr", .value = "192.0.2.0/24", .conf = -1},
	    {.ten = a,
		.type = "url",
		.value = "http://x.test/",
		.conf = -1,
		.src = inf},
	    {.ten = a,
		.type = "url",
		.value = "http://y.test/",
		.conf = -1,
		.src = inf,
		.mode = "block"},
	    {.ten = a, .type = "filename", .value = "x.exe", .conf = -1},
	    {.ten = a,
		.type = "yara",
		.value = "rule x { condition: true }",
		.conf = -1},
	    {.ten = a,
		.type = "md5",
		.value = "0123456789abcdef0123456789a"
			 "bcdef",
		.conf = -1},
	};
	for (size_t k = 0; k < sizeof(p) / sizeof(p[0]); k++)
		put_full(s, &all, &p[k], 1000, NULL);
	assert_int_equal(
	    store_indicator_each_active(s, a, 100, walk_fn, &w), 0);
	snprintf(want, sizeof(want),
	    "%lld:cidr:192.0.2.0/24:\n"
	    "%lld:domain:a.test:\n"
	    "%lld:domain:later.test:\n"
	    "0:domain:m.test:\n"
	    "%lld:md5:0123456789abcdef0123456789abcdef:\n"
	    "%lld:url:http://y.test/:weak\n",
	    (long long)a, (long long)a, (long long)a, (long long)a,
	    (long long)a);
	assert_string_equal(w.out, want);
	/* The MSP-wide lists: those alone. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    store_indicator_each_active(s, 0, 100, walk_fn, &w), 0);
	assert_string_equal(w.out, "0:domain:a.test:\n0:domain:m.test:\n");
	/* The callback stops the walk with its own value. */
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(
	    store_indicator_each_active(s, a, 100, walk_fn, &w), 42);
	assert_int_equal(w.seen, 2);

	int64_t last, next;
	assert_int_equal(store_indicator_expiry(s, a, 100, &last, &next), 0);
	assert_int_equal(last, 100);
	assert_int_equal(next, 101);
	assert_int_equal(store_indicator_expiry(s, b, 100, &last, &next), 0);
	assert_int_equal(last, 0);
	assert_int_equal(next, 0);
}

static void
test_version(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme"), b = tenant(s, "globex"), at, n, at0, n0;
	int64_t src = 0, id, al = 0;
	struct store_source ss = {.tenant_id = a,
	    .name = (char *)"mine",
	    .kind = (char *)"manual",
	    .confidence = -1};
	struct store_allow aw = {.tenant_id = a,
	    .kind = (char *)"domain",
	    .value = (char *)"acme.example",
	    .list_name = (char *)"customer domains",
	    .reason = (char *)"ours",
	    .created_by = (char *)"t"};
	struct put_args p = {.ten = a,
	    .type = "domain",
	    .value = "v.test",
	    .conf = -1,
	    .fs = 400,
	    .ls = 400};

	version(s, a, &at, &n);
	assert_int_equal(at, 0);
	assert_int_equal(n, 0);
	put_full(s, &all, &p, 500, &id);
	version(s, a, &at, &n);
	assert_int_equal(at, 500);
	assert_int_equal(n, 1);
	/* Unchanged (last_seen too): no bump. */
	put_full(s, &all, &p, 600, NULL);
	version(s, a, &at0, &n0);
	assert_int_equal(at0, 500);
	assert_int_equal(n0, 1);
	/* Another tenant's change is not a's; an MSP-wide one is. */
	p.ten = b;
	put_full(s, &all, &p, 700, NULL);
	version(s, a, &at, &n);
	assert_int_equal(n, 1);
	version(s, b, &at, &n);
	assert_int_equal(at, 700);
	assert_int_equal(n, 1);
	p.ten = 0;
	put_full(s, &all, &p, 800, NULL);
	version(s, a, &at, &n);
	assert_int_equal(at, 800);
	assert_int_equal(n, 2);
	/* A deletion in the same second still advances the count. */
	assert_int_equal(store_indicator_delete(s, &all, id, 800), 0);
	version(s, a, &at, &n);
	assert_int_equal(at, 800);
	assert_int_equal(n, 3);
	/* A source's mode. */
	assert_int_equal(store_source_create(s, &all, &ss, 900, &src), 0);
	version(s, a, &at, &n);
	assert_int_equal(n, 3);
	assert_int_equal(store_source_get(s, &all, src, &ss), 0);
	free(ss.mode);
	ss.mode = strdup("inform");
	assert_int_equal(store_source_update(s, &all, &ss, 950), 0);
	version(s, a, &at, &n);
	assert_int_equal(at, 950);
	assert_int_equal(n, 4);
	/* Renaming it changes no list. */
	free(ss.name);
	ss.name = strdup("renamed");
	assert_int_equal(store_source_update(s, &all, &ss, 960), 0);
	version(s, a, &at, &n);
	assert_int_equal(n, 4);
	store_source_clear(&ss);
	/* The allowlist. */
	assert_int_equal(store_allow_add(s, &all, &aw, 1000, &al), 0);
	version(s, a, &at, &n);
	assert_int_equal(at, 1000);
	assert_int_equal(n, 5);
	assert_int_equal(store_allow_delete(s, &all, al, 1100), 0);
	version(s, a, &at, &n);
	assert_int_equal(at, 1100);
	assert_int_equal(n, 6);
	version(s, b, &at, &n);
	assert_int_equal(n, 2);
	/* The MSP-wide lists: MSP-wide changes only. */
	version(s, 0, &at, &n);
	assert_int_equal(at, 800);
	assert_int_equal(n, 1);
	/* A failed write leaves it. */
	assert_int_equal(
	    store_indicator_delete(s, &all, id, 1200), RP_ERR_NOTFOUND);
	version(s, a, &at, &n);
	assert_int_equal(n, 6);
}

static void
test_sources(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme"), b = tenant(s, "globex");
	struct store_scope sa = scope_of(s, &a, 1);
	struct store_source in = {.tenant_id = 0,
	    .name = (char *)"circl",
	    .kind = (char *)"misp-feed",
	    .url = (char *)"https://www.circl.lu/doc/misp/feed-osint/",
	    .confidence = 70,
	    .tlp = (char *)"green",
	    .enabled = 1,
	    .fetch_interval = 3600};
	struct store_source g, *v;
	int64_t msp = 0, own = 0, other = 0, id, removed = -1;
	size_t n;
	int more;

	assert_int_equal(store_source_create(s, &all, &in, 10, &msp), 0);
	assert_int_equal(
	    store_source_create(s, &all, &in, 10, &id), RP_ERR_INVALID);
	/* A tenant cannot create an MSP-wide source, nor another's. */
	assert_int_equal(
	    store_source_create(s, &sa, &in, 10, &id), RP_ERR_NOTFOUND);
	in.tenant_id = b;
	assert_int_equal(
	    store_source_create(s, &sa, &in, 10, &id), RP_ERR_NOTFOUND);
	assert_int_equal(store_source_create(s, &all, &in, 10, &other), 0);
	in.tenant_id = a;
	in.kind = (char *)"manual";
	in.url = NULL;
	in.confidence = -1;
	in.tlp = NULL;
	assert_int_equal(store_source_create(s, &sa, &in, 10, &own), 0);
	in.kind = (char *)"rss";
	assert_int_equal(store_source_create(s, &sa, &in, 10, &id), RP_ERR_ARG);

	/* By name: the tenant's own first, then MSP-wide. */
	assert_int_equal(store_source_by_name(s, &sa, a, "circl", &g), 0);
	assert_int_equal(g.id, own);
	assert_string_equal(g.mode, "block");
	assert_int_equal(g.confidence, STORE_IND_CONFIDENCE);
	assert_string_equal(g.tlp, STORE_TLP_DEFAULT);
	assert_null(g.url);
	store_source_clear(&g);
	assert_int_equal(store_source_by_name(s, &sa, 0, "circl", &g), 0);
	assert_int_equal(g.id, msp);
	assert_string_equal(g.kind, "misp-feed");
	assert_string_equal(g.tlp, "green");
	assert_int_equal(g.confidence, 70);
	assert_int_equal(g.fetch_interval, 3600);
	store_source_clear(&g);
	assert_int_equal(store_source_by_name(s, &sa, b, "circl", &g), 0);
	assert_int_equal(g.id, msp);
	store_source_clear(&g);
	assert_int_equal(store_source_get(s, &sa, other, &g), RP_ERR_NOTFOUND);
	assert_int_equal(store_source_list(s, &sa, 0, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	store_sources_free(v, n);
	assert_int_equal(store_source_list(s, &all, b, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, msp);
	assert_int_equal(v[1].id, other);
	store_sources_free(v, n);

	/* Fetch state. */
	struct store_source st = {.etag = (char *)"\"abc\"",
	    .last_modified = (char *)"Tue, 08 Dec 2026 01:00:00 GMT",
	    .last_fetch_at = 20,
	    .last_ok_at = 20,
	    .last_good_sha256 = (char *)"0000000000000000000000000000000000"
					"000000000000000000000000000000"};
	assert_int_equal(store_source_fetch_state(s, msp, &st), 0);
	assert_int_equal(store_source_get(s, &all, msp, &g), 0);
	assert_string_equal(g.etag, "\"abc\"");
	assert_int_equal(g.last_ok_at, 20);
	assert_null(g.last_error);
	assert_int_equal(strlen(g.last_good_sha256), 64);
	store_source_clear(&g);
	assert_int_equal(
	    store_source_fetch_state(s, msp + 99, &st), RP_ERR_NOTFOUND);

	/* An indicator may use its tenant's or an MSP-wide source only. */
	struct put_args p = {.ten = a,
	    .type = "domain",
	    .value = "s.test",
	    .conf = -1,
	    .src = other};
	struct store_indicator ind = {.tenant_id = a,
	    .type = (char *)"domain",
	    .value = (char *)"s.test",
	    .source_id = other,
	    .confidence = -1,
	    .created_by = (char *)"t"};
	enum store_put_outcome o;
	assert_int_equal(
	    store_indicator_put(s, &all, &ind, 30, &id, &o), RP_ERR_NOTFOUND);
	p.src = msp;
	put_full(s, &all, &p, 30, &id);
	struct store_indicator gi;
	assert_int_equal(store_indicator_get(s, &all, id, &gi), 0);
	/* The source's defaults */
	assert_int_equal(gi.confidence, 70);
	assert_string_equal(gi.tlp, "green");
	assert_string_equal(gi.source, "circl");
	store_indicator_clear(&gi);
	p.ten = 0;
	p.src = own;
	ind.tenant_id = 0;
	ind.source_id = own;
	assert_int_equal(
	    store_indicator_put(s, &all, &ind, 30, &id, &o), RP_ERR_NOTFOUND);
	p.src = msp;
	put_full(s, &all, &p, 30, NULL);
	/* Deleting a source deletes its indicators; a tenant cannot delete
	 * an MSP-wide one. */
	assert_int_equal(
	    store_source_delete(s, &sa, msp, 40, &removed), RP_ERR_NOTFOUND);
	assert_int_equal(store_source_delete(s, &all, msp, 40, &removed), 0);
	assert_int_equal(removed, 2);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM indicators"), 0);
	assert_int_equal(store_source_delete(s, &sa, own, 40, &removed), 0);
	assert_int_equal(removed, 0);
}

static int
allow_fn(const struct store_allow *a, void *arg)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 256 - n, "%s=%s;", a->kind, a->value);
	return 0;
}

static void
test_allow(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme"), b = tenant(s, "globex");
	struct store_scope sa = scope_of(s, &a, 1);
	struct store_allow in = {.tenant_id = a,
	    .kind = (char *)"domain",
	    .value = (char *)"acme.example",
	    .list_name = (char *)"customer domains",
	    .reason = (char *)"",
	    .created_by = (char *)"t"};
	struct store_allow *v, g;
	int64_t ia = 0, ib = 0, im = 0, id;
	char out[256] = "";
	size_t n;
	int more;

	assert_int_equal(store_allow_add(s, &sa, &in, 1, &ia), 0);
	assert_int_equal(store_allow_add(s, &sa, &in, 1, &id), RP_ERR_INVALID);
	in.list_name = (char *)"other list";
	assert_int_equal(store_allow_add(s, &sa, &in, 1, &id), 0);
	in.tenant_id = b;
	assert_int_equal(store_allow_add(s, &sa, &in, 1, &ib), RP_ERR_NOTFOUND);
	assert_int_equal(store_allow_add(s, &all, &in, 1, &ib), 0);
	in.tenant_id = 0;
	in.kind = (char *)"cidr";
	in.value = (char *)"10.0.0.0/8";
	assert_int_equal(store_allow_add(s, &sa, &in, 1, &im), RP_ERR_NOTFOUND);
	assert_int_equal(store_allow_add(s, &all, &in, 1, &im), 0);
	in.kind = (char *)"url";
	assert_int_equal(store_allow_add(s, &all, &in, 1, &id), RP_ERR_ARG);

	assert_int_equal(store_allow_list(s, &sa, 0, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 3);
	store_allows_free(v, n);
	assert_int_equal(store_allow_list(s, &all, -1, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, im);
	store_allows_free(v, n);
	assert_int_equal(store_allow_list(s, &all, b, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	store_allows_free(v, n);
	assert_int_equal(store_allow_get(s, &sa, ib, &g), RP_ERR_NOTFOUND);
	assert_int_equal(store_allow_get(s, &sa, im, &g), 0);
	assert_string_equal(g.list_name, "other list");
	store_allow_clear(&g);
	assert_int_equal(store_allow_each(s, b, allow_fn, out), 0);
	assert_string_equal(out, "domain=acme.example;cidr=10.0.0.0/8;");
	assert_int_equal(store_allow_delete(s, &sa, ib, 2), RP_ERR_NOTFOUND);
	assert_int_equal(store_allow_delete(s, &sa, im, 2), RP_ERR_NOTFOUND);
	assert_int_equal(store_allow_delete(s, &sa, ia, 2), 0);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM allow_entries"), 3);
}

/* Many of one tenant and source in one call: a value out of the model
 * is refused alone, the version advances once. */
static void
test_put_many(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "acme"), b = tenant(s, "globex"), at, n;
	struct store_scope sa = scope_of(s, &a, 1);
	struct store_indicator in[4];
	enum store_put_outcome what[4];
	int64_t ids[4];
	int rcs[4];
	size_t i;

	memset(in, 0, sizeof(in));
	for (i = 0; i < 4; i++) {
		in[i].tenant_id = a;
		in[i].type = (char *)"domain";
		in[i].confidence = -1;
		in[i].first_seen = in[i].last_seen = 10;
		in[i].created_by = (char *)"t";
	}
	in[0].value = (char *)"a.test";
	in[1].value = (char *)"b.test";
	in[2].value = (char *)"a.test"; /* twice in one batch */
	in[3].value = (char *)"c.test";
	in[3].tlp = (char *)"purple";
	assert_int_equal(
	    store_indicator_put_many(s, &sa, in, 4, 50, ids, what, rcs), 0);
	assert_int_equal(rcs[0], 0);
	assert_int_equal(rcs[1], 0);
	assert_int_equal(rcs[2], 0);
	assert_int_equal(rcs[3], RP_ERR_ARG);
	assert_int_equal(what[0], STORE_PUT_NEW);
	assert_int_equal(what[1], STORE_PUT_NEW);
	assert_int_equal(what[2], STORE_PUT_UNCHANGED);
	assert_int_equal(ids[2], ids[0]);
	assert_int_equal(ids[3], 0);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM indicators"), 2);
	version(s, a, &at, &n);
	assert_int_equal(at, 50);
	assert_int_equal(n, 1);
	/* one tenant per call; another tenant's rows not in this scope */
	in[1].tenant_id = b;
	assert_int_equal(
	    store_indicator_put_many(s, &sa, in, 2, 60, ids, what, rcs),
	    RP_ERR_ARG);
	in[0].tenant_id = b;
	assert_int_equal(
	    store_indicator_put_many(s, &sa, in, 2, 60, ids, what, rcs),
	    RP_ERR_NOTFOUND);
	version(s, a, &at, &n);
	assert_int_equal(n, 1);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM indicators"), 2);
}

/* Writers storing the same values at once, each a connection and a
 * transaction of its own: they take turns, none loses another's tags,
 * none deadlocks, no put fails. */
#define RACERS 4
#define RACE_VALUES 40
struct racer {
	int64_t tenant;
	int id;
	int failures;
	char err[256];
};

static void *
race_thread(void *arg)
{
	struct racer *x = arg;
	struct store *s = NULL;
	enum store_put_outcome o;
	char v[64], tag[16];
	int64_t id;
	int i, r;

	if (store_open(url, &s, x->err, sizeof(x->err)) != 0) {
		x->failures = RACE_VALUES;
		return NULL;
	}
	snprintf(tag, sizeof(tag), "t%d", x->id);
	/* one transaction each, as an import is, half of them in the other
	 * order: writers that locked rows one by one would deadlock */
	if ((r = store_begin(s)) != 0) {
		x->failures = RACE_VALUES;
		store_close(s);
		return NULL;
	}
	for (i = 0; i < RACE_VALUES; i++) {
		struct store_indicator in = {.tenant_id = x->tenant,
		    .type = (char *)"domain",
		    .value = v,
		    .confidence = -1,
		    .tags = tag,
		    .first_seen = 100,
		    .last_seen = 100,
		    .created_by = (char *)"racer"};

		snprintf(v, sizeof(v), "v%d.race.example",
		    x->id % 2 ? RACE_VALUES - 1 - i : i);
		if ((r = store_indicator_put(s, &all, &in, 100, &id, &o)) !=
		    0) {
			x->failures++;
			snprintf(x->err, sizeof(x->err), "%s: %s",
			    rp_strerror(r), store_errmsg(s));
		}
	}
	if (x->failures == 0 && (r = store_commit(s)) != 0) {
		x->failures++;
		snprintf(x->err, sizeof(x->err), "commit: %s: %s",
		    rp_strerror(r), store_errmsg(s));
	}
	store_rollback(s);
	store_close(s);
	return NULL;
}

static void
test_race(void **state)
{
	struct store *s = *state;
	struct racer x[RACERS];
	pthread_t th[RACERS];
	int64_t a = tenant(s, "acme");
	int i;

	for (i = 0; i < RACERS; i++) {
		memset(&x[i], 0, sizeof(x[i]));
		x[i].tenant = a;
		x[i].id = i;
		assert_int_equal(
		    pthread_create(&th[i], NULL, race_thread, &x[i]), 0);
	}
	for (i = 0; i < RACERS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		if (x[i].failures != 0)
			fail_msg("racer %d: %d failures, last: %s", i,
			    x[i].failures, x[i].err);
	}
	assert_int_equal(
	    raw_int("SELECT COUNT(*) FROM indicators"), RACE_VALUES);
	/* every writer's tag is on every row */
	assert_int_equal(raw_int("SELECT COUNT(*) FROM indicators WHERE "
				 "tags = 't0,t1,t2,t3'"),
	    RACE_VALUES);
}

int
store_indicator_tests(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_merge, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scoping, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_edit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_search, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_feed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_version, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sources, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_allow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_put_many, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_race, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
