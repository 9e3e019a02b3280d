/*
 * The feeds library on a SQLite store in a temporary directory: the feed
 * URL's answers (200 with the bytes, 304 to If-None-Match and to
 * If-Modified-Since, HEAD, 404 for a wrong secret, another format's
 * extension, a malformed path and a disabled feed, 405), the cache
 * shared by 16 threads on their own connections asking for a feed at
 * once (one render, the same bytes by reference), a new render and ETag
 * after a change and after an expiry, the fetch records written by
 * feeds_flush, and the status: never, fresh, stale with the number of
 * changes.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "feeds/feeds.h"
#include "store/store.h"
#include "util/err.h"

static char dir[64], url[128];
static const struct store_scope every = {.all = 1, .id = 0};

struct fx {
	struct store *s;
	int64_t tenant;
	struct store_feed feed;
	char secret[FEEDS_SECRET_LEN + 1];
	char path[160];
};

static struct store *
open_store(void)
{
	struct store *s = NULL;
	char err[256];

	if (store_open(url, &s, err, sizeof(err)) != 0)
		fail_msg("store_open: %s", err);
	return s;
}

static void
indicator(struct fx *x, const char *type, const char *value, int64_t now,
    int64_t expires)
{
	struct store_indicator in = {.tenant_id = x->tenant,
	    .type = (char *)type,
	    .value = (char *)value,
	    .confidence = -1,
	    .expires = expires,
	    .created_by = "test"};
	enum store_put_outcome what;
	int64_t id;

	assert_int_equal(
	    store_indicator_put(x->s, &every, &in, now, &id, &what), 0);
}

static int
setup(void **state)
{
	static int n;
	struct fx *x = calloc(1, sizeof(*x));
	char hash[65];

	assert_non_null(x);
	snprintf(url, sizeof(url), "sqlite:%s/feeds%d.db", dir, ++n);
	x->s = open_store();
	assert_int_equal(store_migrate(x->s, NULL, NULL), 0);
	assert_int_equal(
	    store_tenant_create(x->s, "acme", "Acme", &x->tenant), 0);
	indicator(x, "domain", "evil-c2.example.com", 1000, 0);
	indicator(x, "domain", "github.com", 1000, 0);
	assert_int_equal(
	    feeds_secret_new(x->secret, sizeof(x->secret), hash), 0);
	assert_int_equal(strncmp(x->secret, FEEDS_SECRET_PREFIX, 4), 0);
	assert_int_equal(strlen(x->secret), FEEDS_SECRET_LEN);
	x->feed.tenant_id = x->tenant;
	x->feed.name = strdup("edge");
	x->feed.format = strdup("unbound");
	x->feed.created_by = strdup("test");
	x->feed.created_at = 900;
	x->feed.enabled = 1;
	assert_int_equal(store_feed_create(x->s, hash, &x->feed), 0);
	snprintf(x->path, sizeof(x->path), FEEDS_PATH "%s/%s", x->secret,
	    feeds_file_name("unbound"));
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;

	/* the queue is the process's: written to this test's store */
	assert_int_equal(feeds_flush(x->s), 0);
	feeds_cache_free();
	store_feed_clear(&x->feed);
	store_close(x->s);
	free(x);
	return 0;
}

/* One answer to path; its status, the content put back. */
static int
ask(struct fx *x, const char *method, const char *path, const char *inm,
    const char *ims, int64_t now, char etag[72], char body[4096])
{
	struct feeds_request rq = {.method = method,
	    .path = path,
	    .if_none_match = inm,
	    .if_modified_since = ims,
	    .address = "198.51.100.9",
	    .now = now};
	struct feeds_answer a;

	assert_int_equal(feeds_serve(x->s, &rq, &a), 0);
	if (etag != NULL)
		snprintf(etag, 72, "%s", a.content ? a.content->etag : "");
	if (body != NULL)
		snprintf(body, 4096, "%.*s",
		    a.content ? (int)a.content->len : 0,
		    a.content ? a.content->body : "");
	assert_true(
	    (a.status == 200 || a.status == 304) == (a.content != NULL));
	feeds_content_put(a.content);
	return a.status;
}

static void
test_answers(void **state)
{
	struct fx *x = *state;
	char etag[72], body[4096], p[200], lm[40];
	struct feeds_request rq = {
	    .method = "GET", .path = x->path, .now = 2000};
	struct feeds_answer a;

	assert_int_equal(
	    ask(x, "GET", x->path, NULL, NULL, 2000, etag, body), 200);
	assert_non_null(strstr(body, "evil-c2.example.com"));
	/* refused by the guard, never served */
	assert_null(strstr(body, "github.com"));
	assert_true(etag[0] == '"' && strlen(etag) == 34);
	assert_int_equal(
	    ask(x, "GET", x->path, etag, NULL, 2001, NULL, NULL), 304);
	assert_int_equal(
	    ask(x, "GET", x->path, "\"x\", W/", NULL, 2001, NULL, NULL), 200);
	assert_int_equal(
	    ask(x, "GET", x->path, "\"x\", *", NULL, 2001, NULL, NULL), 304);
	assert_int_equal(
	    ask(x, "HEAD", x->path, NULL, NULL, 2001, NULL, NULL), 200);
	assert_int_equal(
	    ask(x, "POST", x->path, NULL, NULL, 2001, NULL, NULL), 405);

	/* Last-Modified is the newest change (1000); since then: 304 */
	assert_int_equal(feeds_serve(x->s, &rq, &a), 0);
	assert_string_equal(a.last_modified, "Thu, 01 Jan 1970 00:16:40 GMT");
	snprintf(lm, sizeof(lm), "%s", a.last_modified);
	feeds_content_put(a.content);
	assert_int_equal(
	    ask(x, "GET", x->path, NULL, lm, 2001, NULL, NULL), 304);
	assert_int_equal(ask(x, "GET", x->path, NULL,
			     "Thu, 01 Jan 1970 00:16:39 GMT", 2001, NULL, NULL),
	    200);
	assert_int_equal(
	    ask(x, "GET", x->path, NULL, "yesterday", 2001, NULL, NULL), 200);

	/* every kind of miss is the same 404 */
	snprintf(p, sizeof(p), "%s", x->path);
	p[strlen(FEEDS_PATH) + 10] ^= 1;
	assert_int_equal(ask(x, "GET", p, NULL, NULL, 2001, NULL, NULL), 404);
	snprintf(p, sizeof(p), FEEDS_PATH "%s/list.rsc", x->secret);
	assert_int_equal(ask(x, "GET", p, NULL, NULL, 2001, NULL, NULL), 404);
	snprintf(p, sizeof(p), FEEDS_PATH "%s/any-name.conf", x->secret);
	assert_int_equal(ask(x, "GET", p, NULL, NULL, 2001, NULL, NULL), 200);
	snprintf(p, sizeof(p), FEEDS_PATH "%s", x->secret);
	assert_int_equal(ask(x, "GET", p, NULL, NULL, 2001, NULL, NULL), 404);
	snprintf(p, sizeof(p), FEEDS_PATH "%s/../x.conf", x->secret);
	assert_int_equal(ask(x, "GET", p, NULL, NULL, 2001, NULL, NULL), 404);
	x->feed.enabled = 0;
	assert_int_equal(store_feed_update(x->s, &x->feed, NULL), 0);
	assert_int_equal(
	    ask(x, "GET", x->path, NULL, NULL, 2001, NULL, NULL), 404);
}

struct racer {
	struct store_feed *feed;
	struct feeds_content *got;
	pthread_barrier_t *go;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	struct store *s = open_store();

	pthread_barrier_wait(r->go);
	if (feeds_content_get(s, r->feed, 3000, &r->got) != 0)
		r->got = NULL;
	store_close(s);
	return NULL;
}

static void
test_cache(void **state)
{
	struct fx *x = *state;
	struct racer r[16];
	pthread_t t[16];
	pthread_barrier_t go;
	struct feeds_content *c = NULL, *d = NULL;
	char e1[72];
	size_t i;

	assert_int_equal(pthread_barrier_init(&go, NULL, 16), 0);
	for (i = 0; i < 16; i++) {
		r[i].feed = &x->feed;
		r[i].go = &go;
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (i = 0; i < 16; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	pthread_barrier_destroy(&go);
	for (i = 0; i < 16; i++) {
		assert_non_null(r[i].got);
		/* one render, shared */
		assert_ptr_equal(r[i].got, r[0].got);
	}
	snprintf(e1, sizeof(e1), "%s", r[0].got->etag);
	for (i = 0; i < 16; i++)
		feeds_content_put(r[i].got);

	/* a change: a new render with a new ETag */
	indicator(x, "domain", "later.example.net", 3001, 0);
	assert_int_equal(feeds_content_get(x->s, &x->feed, 3002, &c), 0);
	assert_string_not_equal(c->etag, e1);
	assert_non_null(strstr(c->body, "later.example.net"));
	/* an expiry at 3010: the same list until then, without it after */
	indicator(x, "domain", "brief.example.org", 3003, 3010);
	feeds_content_put(c);
	assert_int_equal(feeds_content_get(x->s, &x->feed, 3004, &c), 0);
	assert_int_equal(feeds_content_get(x->s, &x->feed, 3009, &d), 0);
	assert_ptr_equal(c, d);
	assert_non_null(strstr(c->body, "brief.example.org"));
	assert_int_equal(c->next_expiry, 3010);
	feeds_content_put(d);
	assert_int_equal(feeds_content_get(x->s, &x->feed, 3010, &d), 0);
	assert_ptr_not_equal(c, d);
	assert_null(strstr(d->body, "brief.example.org"));
	assert_string_not_equal(c->etag, d->etag);
	assert_int_equal(d->content_at, 3010);
	feeds_content_put(c);
	feeds_content_put(d);
	/* settings are part of the key: a limit renders again */
	x->feed.max_entries = 1;
	assert_int_equal(feeds_content_get(x->s, &x->feed, 3011, &c), 0);
	assert_int_equal(c->written, 1);
	assert_int_equal(c->trimmed, 1);
	assert_int_equal(c->ncut, 1);
	assert_int_equal(c->cut[0].rank, 2);
	assert_int_equal(c->refused, 1);
	assert_string_equal(c->refusals[0].value, "github.com");
	feeds_content_put(c);
}

static void
test_records(void **state)
{
	struct fx *x = *state;
	struct store_feed_fetch *v = NULL;
	struct feeds_status st;
	char etag[72];
	size_t n = 0;

	assert_int_equal(feeds_status_get(x->s, &x->feed, 4000, &st), 0);
	assert_false(st.fetched);
	assert_int_equal(
	    ask(x, "GET", x->path, NULL, NULL, 4001, etag, NULL), 200);
	assert_int_equal(
	    ask(x, "GET", x->path, etag, NULL, 4002, NULL, NULL), 304);
	assert_int_equal(feeds_flush(x->s), 0);
	assert_int_equal(
	    store_feed_fetch_list(x->s, x->feed.id, 10, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].status, 304);
	assert_int_equal(v[0].at, 4002);
	assert_int_equal(v[0].bytes, 0);
	assert_string_equal(v[0].address, "198.51.100.9");
	assert_string_equal(v[0].etag, etag);
	assert_int_equal(v[1].status, 200);
	assert_true(v[1].bytes > 0);
	assert_int_equal(v[1].entries, 1);
	free(v);
	assert_int_equal(feeds_status_get(x->s, &x->feed, 4003, &st), 0);
	assert_true(st.fetched && st.fresh);
	assert_int_equal(st.changes_since, 0);
	indicator(x, "domain", "one.example.net", 4004, 0);
	indicator(x, "domain", "two.example.net", 4005, 0);
	assert_int_equal(feeds_status_get(x->s, &x->feed, 4006, &st), 0);
	assert_false(st.fresh);
	assert_int_equal(st.changes_since, 2);
	assert_int_equal(st.newest_change, 4005);
	assert_int_equal(
	    ask(x, "GET", x->path, etag, NULL, 4007, NULL, NULL), 200);
	assert_int_equal(feeds_status_get(x->s, &x->feed, 4008, &st), 0);
	assert_true(st.fresh);
	assert_int_equal(st.last.content_at, 4005);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_answers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cache, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_records, setup, teardown),
	};
	char cmd[128];
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/rampart-feeds.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_feeds: cannot remove %s\n", dir);
	return rc;
}
