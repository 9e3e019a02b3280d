/*
 * The store's one test suite, run unchanged against both drivers:
 * `--sqlite` makes a database file in a new temporary directory; without
 * it, RAMPART_TEST_DB names a PostgreSQL database (scripts/pg-test.sh
 * starts a private server and sets it).  Each test starts from an empty
 * database (a new file, or PostgreSQL's public schema dropped and made
 * again) migrated to the current schema.  What the store's interface
 * cannot do (set the recorded schema version by hand, count rows behind
 * its back) goes through the database's own client library.
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
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>

#include "audit/audit.h"
#include "store/store.h"
#include "harness.h"
#include "util/err.h"

/* --- migrations ----------------------------------------------------------- */

static void
test_migrate(void **state)
{
	struct store *s = *state;
	int from = -5, to = -5, n = store_schema_version();

	assert_true(n >= 1);
	assert_int_equal(store_migrate(s, &from, &to), 0);
	assert_int_equal(from, 0);
	assert_int_equal(to, n);
	assert_int_equal(raw_int("SELECT MAX(version) FROM schema_version"), n);
	/* Again: nothing to do. */
	assert_int_equal(store_migrate(s, &from, &to), 0);
	assert_int_equal(from, n);
	assert_int_equal(to, n);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM schema_version"), n);
	tenant(s, "before");

	/* A database from a newer binary: refused, untouched. */
	raw_exec("INSERT INTO schema_version (version, applied_at) "
		 "VALUES (999, 0)");
	from = to = -5;
	assert_int_equal(store_migrate(s, &from, &to), RP_ERR_LIMIT);
	assert_int_equal(from, -5);
	assert_int_equal(to, -5);
	assert_non_null(strstr(store_errmsg(s), "newer"));
	assert_int_equal(
	    raw_int("SELECT MAX(version) FROM schema_version"), 999);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM schema_version"), n + 1);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM tenants"), 1);
	/* The connection is still usable after the refusal. */
	struct store_tenant t;
	assert_int_equal(store_tenant_get(s, &all, "before", &t), 0);
	store_tenant_clear(&t);

	raw_exec("DELETE FROM schema_version WHERE version = 999");
	assert_int_equal(store_migrate(s, &from, &to), 0);
	assert_int_equal(to, n);
	/* Inside a transaction it refuses to start. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_migrate(s, NULL, NULL), RP_ERR_ARG);
	store_rollback(s);
}

/* Two connections migrating one fresh database at once end at the same
 * version, each migration applied once. */
static void *
migrate_thread(void *arg)
{
	struct store *s = NULL;
	intptr_t r;

	if ((r = store_open(url, &s, NULL, 0)) == 0)
		r = store_migrate(s, NULL, NULL);
	store_close(s);
	return (void *)r;
}

static void
test_migrate_concurrent(void **state)
{
	pthread_t th[3];
	void *rv;
	int i;

	for (i = 0; i < 3; i++)
		assert_int_equal(
		    pthread_create(&th[i], NULL, migrate_thread, NULL), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(pthread_join(th[i], &rv), 0);
		assert_int_equal((intptr_t)rv, 0);
	}
	assert_int_equal(raw_int("SELECT COUNT(*) FROM schema_version"),
	    store_schema_version());
	assert_int_equal(raw_int("SELECT COUNT(*) FROM audit_head"), 1);
}

/* --- transactions, meta, stats -------------------------------------------- */

static void
test_transactions(void **state)
{
	struct store *s = *state;
	struct store_tenant t;
	int64_t id;

	assert_int_equal(store_commit(s), RP_ERR_ARG);
	store_rollback(s); /* no transaction: nothing happens */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_begin(s), RP_ERR_ARG);
	tenant(s, "gone");
	store_rollback(s);
	assert_int_equal(
	    store_tenant_get(s, &all, "gone", &t), RP_ERR_NOTFOUND);

	assert_int_equal(store_begin(s), 0);
	tenant(s, "kept");
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_tenant_get(s, &all, "kept", &t), 0);
	store_tenant_clear(&t);

	/* A failed statement: the transaction can only be rolled back, on
	 * both drivers. */
	assert_int_equal(store_begin(s), 0);
	tenant(s, "half");
	assert_int_equal(
	    store_tenant_create(s, "kept", "x", &id), RP_ERR_INVALID);
	assert_int_equal(store_commit(s), RP_ERR_ARG);
	assert_int_equal(
	    store_tenant_get(s, &all, "half", &t), RP_ERR_NOTFOUND);

	/* A failed unit of several statements is undone to its savepoint
	 * and leaves the transaction usable. */
	int64_t bogus = 999999;
	assert_int_equal(store_begin(s), 0);
	tenant(s, "whole");
	int64_t sid;
	assert_int_equal(store_scope_new(s, &sid), 0);
	assert_int_equal(store_scope_set(s, sid, &bogus, 1), RP_ERR_INVALID);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_tenant_get(s, &all, "whole", &t), 0);
	store_tenant_clear(&t);
}

static void
test_meta(void **state)
{
	struct store *s = *state;
	char *v = (char *)"x";

	assert_int_equal(store_meta_get(s, "bootstrap", &v), RP_ERR_NOTFOUND);
	assert_null(v);
	assert_int_equal(store_meta_set(s, "bootstrap", "done"), 0);
	assert_int_equal(store_meta_get(s, "bootstrap", &v), 0);
	assert_string_equal(v, "done");
	free(v);
	assert_int_equal(store_meta_set(s, "bootstrap", "again"), 0);
	assert_int_equal(store_meta_get(s, "bootstrap", &v), 0);
	assert_string_equal(v, "again");
	free(v);
}

static void
test_stats(void **state)
{
	struct store *s = *state;
	struct store_stats a, b;
	int64_t id;

	assert_int_equal(store_driver(s), use_sqlite ? STORE_SQLITE : STORE_PG);
	store_stats(s, &a);
	assert_true(a.queries > 0);
	tenant(s, "one");
	assert_int_equal(
	    store_tenant_create(s, "one", "x", &id), RP_ERR_INVALID);
	assert_true(store_errmsg(s)[0] != '\0');
	store_stats(s, &b);
	assert_int_equal(b.queries, a.queries + 2);
	assert_int_equal(b.errors, a.errors + 1);
	assert_true(b.nsec > a.nsec);
}

/* --- tenants and scopes --------------------------------------------------- */

static void
test_tenants(void **state)
{
	struct store *s = *state;
	struct store_tenant t, *v;
	struct store_page pg = {.after = 0, .limit = 2};
	int64_t ids[5], id;
	size_t n;
	int more;

	ids[0] = tenant(s, "acme");
	for (int i = 1; i < 5; i++) {
		char slug[16];
		snprintf(slug, sizeof(slug), "t%d", i);
		ids[i] = tenant(s, slug);
	}
	assert_int_equal(
	    store_tenant_create(s, "acme", "Other", &id), RP_ERR_INVALID);
	assert_int_equal(
	    store_tenant_create(s, "Bad Slug", "x", &id), RP_ERR_ARG);
	assert_int_equal(store_tenant_create(s, "", "x", &id), RP_ERR_ARG);

	struct store_scope sc = scope_of(s, &ids[0], 1);
	assert_int_equal(store_tenant_get(s, &sc, "acme", &t), 0);
	assert_int_equal(t.id, ids[0]);
	assert_string_equal(t.slug, "acme");
	assert_true(t.created_at > 0);
	store_tenant_clear(&t);
	assert_int_equal(store_tenant_get(s, &sc, "t1", &t), RP_ERR_NOTFOUND);
	assert_int_equal(store_tenant_get(s, &all, "t1", &t), 0);
	store_tenant_clear(&t);

	/* By id: the same row, and the same scope rule. */
	assert_int_equal(store_tenant_by_id(s, &sc, ids[0], &t), 0);
	assert_int_equal(t.id, ids[0]);
	assert_string_equal(t.slug, "acme");
	store_tenant_clear(&t);
	assert_int_equal(
	    store_tenant_by_id(s, &sc, ids[1], &t), RP_ERR_NOTFOUND);
	assert_int_equal(store_tenant_by_id(s, &all, ids[1], &t), 0);
	assert_string_equal(t.slug, "t1");
	store_tenant_clear(&t);
	assert_int_equal(
	    store_tenant_by_id(s, &all, 999999, &t), RP_ERR_NOTFOUND);

	assert_int_equal(store_tenant_rename(s, ids[0], "ACME Corp"), 0);
	assert_int_equal(store_tenant_get(s, &all, "acme", &t), 0);
	assert_string_equal(t.name, "ACME Corp");
	store_tenant_clear(&t);
	assert_int_equal(store_tenant_rename(s, 999999, "x"), RP_ERR_NOTFOUND);

	/* Pages of two over five tenants. */
	size_t seen = 0;
	do {
		assert_int_equal(
		    store_tenant_list(s, &all, &pg, &v, &n, &more), 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(v[i].id, ids[seen + i]);
		seen += n;
		assert_int_equal(more, seen < 5);
		if (n > 0)
			pg.after = v[n - 1].id;
		store_tenants_free(v, n);
	} while (more);
	assert_int_equal(seen, 5);

	assert_int_equal(store_tenant_list(s, &sc, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(more, 0);
	assert_string_equal(v[0].slug, "acme");
	store_tenants_free(v, n);

	pg.after = 0;
	pg.limit = 0;
	assert_int_equal(
	    store_tenant_list(s, &all, &pg, &v, &n, &more), RP_ERR_ARG);
	pg.limit = STORE_PAGE_MAX * 10;
	assert_int_equal(store_tenant_list(s, &all, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 5);
	store_tenants_free(v, n);
}

static void
test_scopes(void **state)
{
	struct store *s = *state;
	int64_t a = tenant(s, "a"), b = tenant(s, "b"), c = tenant(s, "c");
	int64_t set[] = {b, a, a}, bad[] = {c, 999999}, *v, id;
	size_t n;

	assert_int_equal(store_scope_new(s, &id), 0);
	assert_int_equal(store_scope_tenants(s, id, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(store_scope_set(s, id, set, 3), 0);
	assert_int_equal(store_scope_tenants(s, id, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0], a);
	assert_int_equal(v[1], b);
	free(v);

	struct store_scope sc = {.all = 0, .id = id};
	assert_int_equal(store_scope_has(s, &sc, a), 1);
	assert_int_equal(store_scope_has(s, &sc, c), 0);
	assert_int_equal(store_scope_has(s, &all, c), 1);
	assert_int_equal(store_scope_has(s, &all, 999999), 0);

	/* An unknown tenant: refused, and the scope is as it was. */
	assert_int_equal(store_scope_set(s, id, bad, 2), RP_ERR_INVALID);
	assert_int_equal(store_scope_tenants(s, id, &v, &n), 0);
	assert_int_equal(n, 2);
	free(v);
	assert_int_equal(store_scope_set(s, id, NULL, 0), 0);
	assert_int_equal(store_scope_has(s, &sc, a), 0);

	assert_int_equal(store_scope_set(s, 999999, set, 1), RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_scope_tenants(s, 999999, &v, &n), RP_ERR_NOTFOUND);
}

/* --- users, sessions, tokens, throttle ------------------------------------ */

static int64_t
user(struct store *s, const char *name, enum store_role role, int64_t scope)
{
	struct store_user u = {.name = (char *)name,
	    .display = (char *)"",
	    .role = role,
	    .scope_id = scope,
	    .pw_hash = (char *)"$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"};
	int64_t id = 0;

	assert_int_equal(store_user_create(s, &u, &id), 0);
	return id;
}

static void
test_users(void **state)
{
	struct store *s = *state;
	struct store_user u, *v;
	int64_t sid, id, ids[3];
	size_t n;
	int more;

	assert_int_equal(store_scope_new(s, &sid), 0);
	ids[0] = user(s, "alice", ROLE_MSP_ADMIN, 0);
	ids[1] = user(s, "bob", ROLE_TECHNICIAN, sid);
	ids[2] = user(s, "carol", ROLE_VIEWER, sid);
	u = (struct store_user){.name = (char *)"alice",
	    .role = ROLE_VIEWER,
	    .pw_hash = (char *)"h"};
	assert_int_equal(store_user_create(s, &u, &id), RP_ERR_INVALID);
	u.name = (char *)"dave";
	u.role = (enum store_role)7;
	assert_int_equal(store_user_create(s, &u, &id), RP_ERR_ARG);

	assert_int_equal(store_user_by_name(s, "bob", &u), 0);
	assert_int_equal(u.id, ids[1]);
	assert_int_equal(u.role, ROLE_TECHNICIAN);
	assert_int_equal(u.scope_id, sid);
	assert_null(u.totp_secret);
	assert_int_equal(u.disabled, 0);
	assert_int_equal(u.totp_last_step, 0);

	/* Update: role, display, disabled, password, TOTP secret. */
	free(u.display);
	u.display = strdup("Bob B.");
	u.role = ROLE_VIEWER;
	u.disabled = 1;
	u.totp_secret = strdup("JBSWY3DPEHPK3PXP");
	assert_int_equal(store_user_update(s, &u), 0);
	store_user_clear(&u);
	assert_null(u.pw_hash);
	assert_int_equal(store_user_get(s, ids[1], &u), 0);
	assert_string_equal(u.display, "Bob B.");
	assert_int_equal(u.role, ROLE_VIEWER);
	assert_int_equal(u.disabled, 1);
	assert_string_equal(u.totp_secret, "JBSWY3DPEHPK3PXP");
	u.id = 999999;
	assert_int_equal(store_user_update(s, &u), RP_ERR_NOTFOUND);
	store_user_clear(&u);

	/* A TOTP step is accepted once, and never an older one. */
	assert_int_equal(store_user_totp_step(s, ids[1], 5), 0);
	assert_int_equal(store_user_totp_step(s, ids[1], 5), RP_ERR_INVALID);
	assert_int_equal(store_user_totp_step(s, ids[1], 4), RP_ERR_INVALID);
	assert_int_equal(store_user_totp_step(s, ids[1], 6), 0);
	assert_int_equal(store_user_totp_step(s, 999999, 7), RP_ERR_NOTFOUND);
	assert_int_equal(store_user_get(s, ids[1], &u), 0);
	assert_int_equal(u.totp_last_step, 6);
	store_user_clear(&u);

	assert_int_equal(store_user_get(s, 999999, &u), RP_ERR_NOTFOUND);
	assert_int_equal(store_user_by_name(s, "nobody", &u), RP_ERR_NOTFOUND);

	struct store_page pg = {.after = 0, .limit = 2};
	assert_int_equal(store_user_list(s, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_int_equal(more, 1);
	assert_string_equal(v[0].name, "alice");
	assert_int_equal(v[0].scope_id, 0);
	pg.after = v[1].id;
	store_users_free(v, n);
	assert_int_equal(store_user_list(s, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(more, 0);
	assert_string_equal(v[0].name, "carol");
	store_users_free(v, n);

	assert_string_equal(store_role_name(ROLE_MSP_ADMIN), "msp-admin");
	assert_int_equal(store_role_from_name("technician"), ROLE_TECHNICIAN);
	assert_int_equal(store_role_from_name("root"), -1);
}

static void
test_sessions(void **state)
{
	struct store *s = *state;
	int64_t uid = user(s, "alice", ROLE_MSP_ADMIN, 0), id, id2;
	struct store_session se;
	const char *h1 =
	    "1111111111111111111111111111111111111111111111111111111111111111";
	const char *h2 =
	    "2222222222222222222222222222222222222222222222222222222222222222";

	assert_int_equal(store_session_create(s, h1, uid, 1000, 5000, &id), 0);
	assert_int_equal(store_session_create(s, h2, uid, 1001, 5001, &id2), 0);
	assert_int_equal(
	    store_session_create(s, h1, uid, 1, 2, &id), RP_ERR_INVALID);
	assert_int_equal(
	    store_session_create(s, "3", 999999, 1, 2, &id2), RP_ERR_INVALID);
	assert_int_equal(store_session_get(s, h1, &se), 0);
	assert_int_equal(se.id, id);
	assert_int_equal(se.user_id, uid);
	assert_int_equal(se.created_at, 1000);
	assert_int_equal(se.last_seen, 1000);
	assert_int_equal(se.expires_at, 5000);
	assert_int_equal(store_session_touch(s, id, 1500), 0);
	assert_int_equal(store_session_get(s, h1, &se), 0);
	assert_int_equal(se.last_seen, 1500);
	assert_int_equal(store_session_touch(s, 999999, 1), RP_ERR_NOTFOUND);
	assert_int_equal(store_session_delete(s, id), 0);
	assert_int_equal(store_session_delete(s, id), RP_ERR_NOTFOUND);
	assert_int_equal(store_session_get(s, h1, &se), RP_ERR_NOTFOUND);
	assert_int_equal(store_session_get(s, h2, &se), 0);
	assert_int_equal(store_session_delete_user(s, uid), 0);
	assert_int_equal(store_session_get(s, h2, &se), RP_ERR_NOTFOUND);
}

static void
test_tokens(void **state)
{
	struct store *s = *state;
	int64_t sid, alice = user(s, "alice", ROLE_MSP_ADMIN, 0);
	int64_t bob;
	struct store_token t, *v;
	size_t n;
	int more;

	assert_int_equal(store_scope_new(s, &sid), 0);
	bob = user(s, "bob", ROLE_TECHNICIAN, sid);
	struct store_token in = {.user_id = bob,
	    .name = (char *)"ci",
	    .role = ROLE_VIEWER,
	    .scope_id = sid,
	    .created_at = 100,
	    .expires_at = 900,
	    .revoked_at = 55};
	assert_int_equal(store_token_create(s, "aa", &in), 0);
	assert_true(in.id > 0);
	assert_int_equal(in.revoked_at, 0);
	int64_t t1 = in.id;
	in.user_id = alice;
	in.name = (char *)"backup";
	in.role = ROLE_MSP_ADMIN;
	in.scope_id = 0;
	in.expires_at = 0;
	assert_int_equal(store_token_create(s, "bb", &in), 0);
	int64_t t2 = in.id;
	assert_int_equal(store_token_create(s, "bb", &in), RP_ERR_INVALID);

	assert_int_equal(store_token_by_hash(s, "aa", &t), 0);
	assert_int_equal(t.id, t1);
	assert_int_equal(t.user_id, bob);
	assert_string_equal(t.name, "ci");
	assert_int_equal(t.role, ROLE_VIEWER);
	assert_int_equal(t.scope_id, sid);
	assert_int_equal(t.created_at, 100);
	assert_int_equal(t.expires_at, 900);
	assert_int_equal(t.revoked_at, 0);
	assert_int_equal(t.last_used, 0);
	store_token_clear(&t);
	assert_int_equal(store_token_by_hash(s, "cc", &t), RP_ERR_NOTFOUND);

	assert_int_equal(store_token_touch(s, t2, 300), 0);
	assert_int_equal(store_token_revoke(s, t1, 400), 0);
	assert_int_equal(store_token_revoke(s, t1, 500), 0);
	assert_int_equal(store_token_revoke(s, 999999, 500), RP_ERR_NOTFOUND);
	assert_int_equal(store_token_get(s, t1, &t), 0);
	assert_int_equal(t.revoked_at, 400);
	store_token_clear(&t);
	assert_int_equal(store_token_get(s, t2, &t), 0);
	assert_int_equal(t.last_used, 300);
	assert_int_equal(t.revoked_at, 0);
	assert_int_equal(t.scope_id, 0);
	store_token_clear(&t);

	assert_int_equal(store_token_list(s, bob, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, t1);
	store_tokens_free(v, n);
	struct store_page pg = {.after = 0, .limit = 1};
	assert_int_equal(store_token_list(s, 0, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(more, 1);
	pg.after = v[0].id;
	store_tokens_free(v, n);
	assert_int_equal(store_token_list(s, 0, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(more, 0);
	assert_int_equal(v[0].id, t2);
	store_tokens_free(v, n);
}

static void
test_throttle(void **state)
{
	struct store *s = *state;
	int64_t until = -1;
	int i;

	assert_int_equal(
	    store_throttle_check(s, "user:alice", 1000, &until), 0);
	assert_int_equal(until, 0);
	/* Lock after 3 failures in 60 s, for 300 s. */
	for (i = 0; i < 2; i++) {
		assert_int_equal(store_throttle_fail(s, "user:alice", 1000 + i,
				     60, 3, 300, &until),
		    0);
		assert_int_equal(until, 0);
	}
	assert_int_equal(
	    store_throttle_fail(s, "user:alice", 1010, 60, 3, 300, &until), 0);
	assert_int_equal(until, 1310);
	assert_int_equal(
	    store_throttle_check(s, "user:alice", 1309, &until), 0);
	assert_int_equal(until, 1310);
	assert_int_equal(
	    store_throttle_check(s, "user:alice", 1310, &until), 0);
	assert_int_equal(until, 0);
	/* Another key is independent. */
	assert_int_equal(
	    store_throttle_check(s, "addr:192.0.2.1", 1100, &until), 0);
	assert_int_equal(until, 0);

	/* Failures further apart than the window never lock. */
	for (i = 0; i < 6; i++) {
		assert_int_equal(store_throttle_fail(s, "addr:192.0.2.1",
				     2000 + 61 * i, 60, 2, 300, &until),
		    0);
		assert_int_equal(until, 0);
	}
	assert_int_equal(store_throttle_fail(s, "addr:192.0.2.1",
			     2000 + 61 * 5 + 1, 60, 2, 300, &until),
	    0);
	assert_int_equal(until, 2000 + 61 * 5 + 1 + 300);

	assert_int_equal(store_throttle_reset(s, "addr:192.0.2.1"), 0);
	assert_int_equal(store_throttle_check(
			     s, "addr:192.0.2.1", 2000 + 61 * 5 + 2, &until),
	    0);
	assert_int_equal(until, 0);
	assert_int_equal(
	    store_throttle_fail(s, "k", 1, 60, 0, 300, &until), RP_ERR_ARG);
}

/* --- advisories ------------------------------------------------------------ */

struct adv_world {
	int64_t a, b, c; /* tenants */
	struct store_scope sa, sb, sab;
	int64_t adv1, adv2, adv3;
};

static int64_t
put(struct store *s, const char *key, const char *title, const char *cves,
    int scope_all, const int64_t *t, size_t nt, int want_rev)
{
	struct store_advisory in = {.doc_key = (char *)key,
	    .doc_id = (char *)key + 4,
	    .publisher = (char *)"pub",
	    .format = (char *)"csaf",
	    .title = (char *)title,
	    .severity = (char *)"high",
	    .cves = (char *)cves,
	    .scope_all = scope_all,
	    .tenants = (int64_t *)t,
	    .ntenants = nt,
	    .version = (char *)"1.0.0",
	    .current_release = (char *)"2024-05-01T00:00:00Z",
	    .imported_at = 1700000000 + want_rev,
	    .imported_by = (char *)"user:alice",
	    .body = (char *)"{\"document\":{}}"};
	int64_t id = 0;
	int rev = 0;

	assert_int_equal(store_advisory_put(s, &in, &id, &rev), 0);
	assert_int_equal(rev, want_rev);
	return id;
}

static void
adv_setup(struct store *s, struct adv_world *w)
{
	w->a = tenant(s, "a");
	w->b = tenant(s, "b");
	w->c = tenant(s, "c");
	int64_t ab[] = {w->b, w->a};
	w->sa = scope_of(s, &w->a, 1);
	w->sb = scope_of(s, &w->b, 1);
	w->sab = scope_of(s, ab, 2);
	w->adv1 = put(
	    s, "pub/ADV-1", "libfoo_bar flaw", "CVE-2024-1111", 0, ab, 2, 1);
	w->adv2 = put(s, "pub/ADV-2", "OpenSSL 100% broken",
	    "CVE-2024-0001 CVE-2024-0002", 1, NULL, 0, 1);
	w->adv3 = put(
	    s, "pub/ADV-3", "Kernel 100x faster, go big", "", 0, &w->c, 1, 1);
}

/* The ids listed in sc for q, and the tenants of each as "id:t,t;". */
static void
listing(struct store *s, const struct store_scope *sc, const char *q, char *out,
    size_t len)
{
	struct store_advisory *v;
	size_t n, o = 0;
	int more;

	assert_int_equal(store_advisory_list(s, sc, q, NULL, &v, &n, &more), 0);
	assert_int_equal(more, 0);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		assert_null(v[i].body);
		o += (size_t)snprintf(out + o, len - o, "%s:", v[i].doc_id);
		for (size_t j = 0; j < v[i].ntenants; j++)
			o += (size_t)snprintf(out + o, len - o, "%s%lld",
			    j ? "," : "", (long long)v[i].tenants[j]);
		o += (size_t)snprintf(out + o, len - o, ";");
	}
	store_advisories_free(v, n);
}

static void
expect_list(struct store *s, const struct store_scope *sc, const char *q,
    const char *want)
{
	char got[512];

	listing(s, sc, q, got, sizeof(got));
	assert_string_equal(got, want);
}

static void
test_advisory_scope(void **state)
{
	struct store *s = *state;
	struct adv_world w;
	char want[256];

	adv_setup(s, &w);
	snprintf(want, sizeof(want), "ADV-1:%lld,%lld;ADV-2:;ADV-3:%lld;",
	    (long long)w.a, (long long)w.b, (long long)w.c);
	expect_list(s, &all, NULL, want);
	/* A scope sees MSP-wide advisories and those listing its tenants,
	 * and only its own tenants in the lists. */
	snprintf(want, sizeof(want), "ADV-1:%lld;ADV-2:;", (long long)w.a);
	expect_list(s, &w.sa, "", want);
	snprintf(want, sizeof(want), "ADV-1:%lld;ADV-2:;", (long long)w.b);
	expect_list(s, &w.sb, NULL, want);
	snprintf(want, sizeof(want), "ADV-1:%lld,%lld;ADV-2:;", (long long)w.a,
	    (long long)w.b);
	expect_list(s, &w.sab, NULL, want);

	/* Revision 2 of ADV-1 moves it to tenant c only. */
	int64_t id = put(s, "pub/ADV-1", "libfoo_bar flaw, updated",
	    "CVE-2024-1111", 0, &w.c, 1, 2);
	assert_int_equal(id, w.adv1);
	expect_list(s, &w.sa, NULL, "ADV-2:;");
	snprintf(want, sizeof(want), "ADV-1:%lld;ADV-2:;ADV-3:%lld;",
	    (long long)w.c, (long long)w.c);
	expect_list(s, &all, NULL, want);

	int64_t aid, *t;
	size_t nt;
	int sall;
	assert_int_equal(
	    store_advisory_scope(s, "pub/ADV-1", &aid, &sall, &t, &nt), 0);
	assert_int_equal(aid, w.adv1);
	assert_int_equal(sall, 0);
	assert_int_equal(nt, 1);
	assert_int_equal(t[0], w.c);
	free(t);
	assert_int_equal(
	    store_advisory_scope(s, "pub/ADV-2", &aid, &sall, &t, &nt), 0);
	assert_int_equal(sall, 1);
	assert_int_equal(nt, 0);
	free(t);
	assert_int_equal(
	    store_advisory_scope(s, "pub/NEW", &aid, &sall, &t, &nt),
	    RP_ERR_NOTFOUND);

	/* An unknown tenant: refused, nothing imported. */
	int64_t bogus = 999999;
	struct store_advisory in = {.doc_key = (char *)"pub/ADV-9",
	    .doc_id = (char *)"ADV-9",
	    .format = (char *)"osv",
	    .tenants = &bogus,
	    .ntenants = 1};
	int rev;
	assert_int_equal(
	    store_advisory_put(s, &in, &aid, &rev), RP_ERR_INVALID);
	assert_int_equal(
	    store_advisory_scope(s, "pub/ADV-9", &aid, &sall, &t, &nt),
	    RP_ERR_NOTFOUND);

	/* Pages of one. */
	struct store_page pg = {.after = 0, .limit = 1};
	struct store_advisory *v;
	size_t n;
	int more, pages = 0;
	do {
		assert_int_equal(
		    store_advisory_list(s, &all, NULL, &pg, &v, &n, &more), 0);
		assert_int_equal(n, 1);
		pg.after = v[0].id;
		store_advisories_free(v, n);
		pages++;
	} while (more);
	assert_int_equal(pages, 3);
}

static void
test_advisory_search(void **state)
{
	struct store *s = *state;
	struct adv_world w;
	char want[256];

	adv_setup(s, &w);
	expect_list(s, &all, "openssl", "ADV-2:;");
	expect_list(s, &all, "OPENSSL 100", "ADV-2:;");
	/* '%' and '_' are themselves: "0%" is only in "100% broken", "o_b"
	 * only in "libfoo_bar" (not in "go big"). */
	expect_list(s, &all, "0%", "ADV-2:;");
	snprintf(want, sizeof(want), "ADV-1:%lld,%lld;", (long long)w.a,
	    (long long)w.b);
	expect_list(s, &all, "o_b", want);
	expect_list(s, &all, "!", "");
	expect_list(s, &all, "cve-2024-0002", "ADV-2:;");
	/* The document ID, in any case. */
	snprintf(want, sizeof(want), "ADV-3:%lld;", (long long)w.c);
	expect_list(s, &all, "adv-3", want);
	/* A scope sees only what it may, searched or not. */
	expect_list(s, &w.sa, "adv-3", "");
	snprintf(want, sizeof(want), "ADV-1:%lld;ADV-2:;", (long long)w.a);
	expect_list(s, &w.sa, "cve-2024-", want);
}

static void
test_advisory_revisions(void **state)
{
	struct store *s = *state;
	struct adv_world w;
	struct store_advisory a, *v;
	size_t n;

	adv_setup(s, &w);
	put(s, "pub/ADV-1", "second", "CVE-2024-1111", 0, &w.a, 1, 2);
	put(s, "pub/ADV-1", "third", "CVE-2024-1111", 0, &w.a, 1, 3);

	assert_int_equal(store_advisory_get(s, &w.sa, w.adv1, 0, &a), 0);
	assert_int_equal(a.revision, 3);
	assert_string_equal(a.title, "third");
	assert_string_equal(a.body, "{\"document\":{}}");
	assert_string_equal(a.doc_key, "pub/ADV-1");
	assert_string_equal(a.publisher, "pub");
	assert_string_equal(a.format, "csaf");
	assert_string_equal(a.severity, "high");
	assert_string_equal(a.version, "1.0.0");
	assert_string_equal(a.current_release, "2024-05-01T00:00:00Z");
	assert_string_equal(a.imported_by, "user:alice");
	assert_int_equal(a.imported_at, 1700000003);
	assert_int_equal(a.ntenants, 1);
	assert_int_equal(a.tenants[0], w.a);
	store_advisory_clear(&a);
	assert_int_equal(store_advisory_get(s, &w.sa, w.adv1, 1, &a), 0);
	assert_int_equal(a.revision, 1);
	assert_string_equal(a.title, "libfoo_bar flaw");
	store_advisory_clear(&a);
	assert_int_equal(
	    store_advisory_get(s, &w.sa, w.adv1, 4, &a), RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_advisory_get(s, &w.sb, w.adv1, 0, &a), RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_advisory_get(s, &w.sa, w.adv3, 0, &a), RP_ERR_NOTFOUND);
	assert_int_equal(store_advisory_get(s, &w.sb, w.adv2, 0, &a), 0);
	store_advisory_clear(&a);

	struct store_page p2 = {0, 2};
	int more = 0;

	assert_int_equal(
	    store_advisory_revisions(s, &w.sa, w.adv1, &p2, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_true(more);
	assert_int_equal(v[1].revision, 2);
	store_advisories_free(v, n);
	p2.after = 2;
	assert_int_equal(
	    store_advisory_revisions(s, &w.sa, w.adv1, &p2, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_int_equal(v[0].revision, 1);
	store_advisories_free(v, n);
	assert_int_equal(
	    store_advisory_revisions(s, &w.sa, w.adv1, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].revision, 3 - (int)i);
		assert_null(v[i].body);
		assert_int_equal(v[i].ntenants, 1);
	}
	assert_string_equal(v[2].title, "libfoo_bar flaw");
	store_advisories_free(v, n);
	assert_int_equal(
	    store_advisory_revisions(s, &w.sb, w.adv1, NULL, &v, &n, &more),
	    RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_advisory_revisions(s, &all, 999999, NULL, &v, &n, &more),
	    RP_ERR_NOTFOUND);
}

/* --- audit ----------------------------------------------------------------- */

static void
entry(struct audit_entry *e, int i, const char *who)
{
	char target[32];

	memset(e, 0, sizeof(*e));
	snprintf(e->at, sizeof(e->at), "2026-01-02T03:04:%02d.%03dZ", i % 60,
	    i % 1000);
	snprintf(target, sizeof(target), "tenant:t%d", i);
	e->actor = strdup(who);
	e->address = strdup("192.0.2.1");
	e->action = strdup("tenant.create");
	e->tenant = strdup("");
	e->target = strdup(target);
	e->outcome = strdup("ok");
	e->detail = strdup("{}");
}

/* Reads the whole chain in pages and verifies it against the head;
 * returns the number of entries. */
static int64_t
verify_all(struct store *s)
{
	struct audit_verifier ver;
	struct audit_entry *v;
	struct store_page pg = {.after = 0, .limit = 37};
	int64_t head;
	char hash[65];
	size_t n;
	int more;

	audit_verify_init(&ver);
	do {
		assert_int_equal(store_audit_list(s, &pg, &v, &n, &more), 0);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(v[i].seq, ver.next_seq);
			assert_int_equal(
			    audit_verify_next(&ver, &v[i]), AUDIT_OK);
		}
		if (n > 0)
			pg.after = v[n - 1].seq;
		audit_entries_free(v, n);
	} while (more);
	assert_int_equal(store_audit_head(s, &head, hash), 0);
	assert_int_equal(audit_verify_end(&ver, head, hash), AUDIT_OK);
	return ver.checked;
}

static void
test_audit_chain(void **state)
{
	struct store *s = *state;
	struct audit_entry e;
	int64_t seq;
	char hash[65];

	assert_int_equal(store_audit_head(s, &seq, hash), 0);
	assert_int_equal(seq, 0);
	assert_string_equal(hash, AUDIT_GENESIS);
	assert_int_equal(verify_all(s), 0);

	for (int i = 1; i <= 100; i++) {
		entry(&e, i, "user:alice");
		/* Half inside a transaction with the change, half alone. */
		if (i % 2)
			assert_int_equal(store_begin(s), 0);
		assert_int_equal(store_audit_append(s, &e), 0);
		if (i % 2)
			assert_int_equal(store_commit(s), 0);
		assert_int_equal(e.seq, i);
		audit_entry_clear(&e);
	}
	assert_int_equal(verify_all(s), 100);

	/* Rolled back with its change: no entry, the head unmoved. */
	assert_int_equal(store_begin(s), 0);
	tenant(s, "rolled");
	entry(&e, 101, "user:alice");
	assert_int_equal(store_audit_append(s, &e), 0);
	assert_int_equal(e.seq, 101);
	audit_entry_clear(&e);
	store_rollback(s);
	assert_int_equal(store_audit_head(s, &seq, hash), 0);
	assert_int_equal(seq, 100);
	assert_int_equal(verify_all(s), 100);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM audit"), 100);

	/* What the store recorded is what the chain covers: an edit behind
	 * its back is found. */
	raw_exec("UPDATE audit SET outcome = 'denied' WHERE seq = 42");
	struct audit_verifier ver;
	struct audit_entry *v;
	size_t n;
	int more;
	audit_verify_init(&ver);
	assert_int_equal(store_audit_list(s, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 100);
	enum audit_problem p = AUDIT_OK;
	for (size_t i = 0; i < n && p == AUDIT_OK; i++)
		p = audit_verify_next(&ver, &v[i]);
	assert_int_equal(p, AUDIT_EDITED);
	assert_int_equal(ver.seq, 42);
	audit_entries_free(v, n);
}

struct appender {
	int id;
	int failures;
	char err[256];
};

#define APPENDERS 4
#define APPENDS 50

static void *
append_thread(void *arg)
{
	struct appender *ap = arg;
	struct store *s = NULL;
	struct audit_entry e;
	char who[32];
	int r;

	if (store_open(url, &s, ap->err, sizeof(ap->err)) != 0) {
		ap->failures = APPENDS;
		return NULL;
	}
	snprintf(who, sizeof(who), "user:thread%d", ap->id);
	for (int i = 0; i < APPENDS; i++) {
		memset(&e, 0, sizeof(e));
		entry(&e, i, who);
		r = store_begin(s);
		if (r == 0 && (r = store_audit_append(s, &e)) == 0)
			r = store_commit(s);
		if (r != 0) {
			store_rollback(s);
			ap->failures++;
			snprintf(ap->err, sizeof(ap->err), "%s: %s",
			    rp_strerror(r), store_errmsg(s));
		}
		audit_entry_clear(&e);
	}
	store_close(s);
	return NULL;
}

static void
test_audit_concurrent(void **state)
{
	struct store *s = *state;
	struct appender ap[APPENDERS];
	pthread_t th[APPENDERS];
	struct audit_entry *v;
	struct store_page pg = {.after = 0, .limit = STORE_PAGE_MAX};
	size_t n;
	int more, i, per[APPENDERS] = {0};

	for (i = 0; i < APPENDERS; i++) {
		memset(&ap[i], 0, sizeof(ap[i]));
		ap[i].id = i;
		assert_int_equal(
		    pthread_create(&th[i], NULL, append_thread, &ap[i]), 0);
	}
	for (i = 0; i < APPENDERS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		if (ap[i].failures != 0)
			fail_msg("appender %d: %d failures, last: %s", i,
			    ap[i].failures, ap[i].err);
	}
	assert_int_equal(verify_all(s), APPENDERS * APPENDS);
	assert_int_equal(store_audit_list(s, &pg, &v, &n, &more), 0);
	assert_int_equal(n, APPENDERS * APPENDS);
	for (size_t k = 0; k < n; k++) {
		assert_int_equal(v[k].seq, (int64_t)k + 1);
		int t = v[k].actor[strlen(v[k].actor) - 1] - '0';
		assert_true(t >= 0 && t < APPENDERS);
		per[t]++;
	}
	for (i = 0; i < APPENDERS; i++)
		assert_int_equal(per[i], APPENDS);
	audit_entries_free(v, n);
}

/* --- driver-independent edges --------------------------------------------- */

/*
 * Another process writes (the sqlite3 or psql command line tool) while
 * this one has two connections open, the second opened after the first:
 * both see the write, and the tool sees theirs.  Opening the second must
 * not disturb the first one's locks (for SQLite: the tool, finding no
 * other user, would check the WAL back in and delete it under them).
 */
static void
test_other_process(void **state)
{
	struct store *a = xopen(), *b;
	char cmd[1024], *v = NULL;

	(void)state;
	assert_int_equal(store_migrate(a, NULL, NULL), 0);
	assert_int_equal(store_meta_set(a, "mine", "1"), 0);
	b = xopen();
	assert_int_equal(store_meta_get(b, "mine", &v), 0);
	free(v);
	if (use_sqlite)
		snprintf(cmd, sizeof(cmd),
		    "sqlite3 '%s' \"INSERT INTO meta VALUES ('theirs', '2')\"",
		    url + strlen("sqlite:"));
	else
		snprintf(cmd, sizeof(cmd),
		    "psql -qX -v ON_ERROR_STOP=1 '%s' -c "
		    "\"INSERT INTO meta VALUES ('theirs', '2')\"",
		    url);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(store_meta_get(a, "theirs", &v), 0);
	assert_string_equal(v, "2");
	free(v);
	assert_int_equal(store_meta_get(b, "theirs", &v), 0);
	free(v);
	assert_int_equal(store_meta_set(b, "mine", "3"), 0);
	assert_int_equal(
	    raw_int("SELECT COUNT(*) FROM meta WHERE value = '3'"), 1);
	store_close(b);
	store_close(a);
}

static void
test_open_errors(void **state)
{
	struct store *s = (struct store *)1;
	char err[256];

	assert_int_equal(store_open("", &s, err, sizeof(err)), RP_ERR_ARG);
	assert_null(s);
	assert_int_equal(
	    store_open("sqlite:", &s, err, sizeof(err)), RP_ERR_ARG);
	assert_int_equal(
	    store_open("sqlite:/nonexistent-dir/x/y.db", &s, err, sizeof(err)),
	    RP_ERR_IO);
	assert_non_null(strstr(err, "nonexistent-dir"));
	assert_int_equal(
	    store_open("postgresql://rampart:s3cret-pw@127.0.0.1:1/x", &s, err,
		sizeof(err)),
	    RP_ERR_IO);
	assert_null(strstr(err, "s3cret-pw"));
	assert_true(err[0] != '\0');
	store_close(NULL);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_migrate, setup_empty, teardown),
	    cmocka_unit_test_setup_teardown(
		test_migrate_concurrent, setup_empty, teardown),
	    cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tenants, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scopes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_users, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_throttle, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_advisory_scope, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_advisory_search, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_advisory_revisions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_chain, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_audit_concurrent, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_other_process, setup, teardown),
	    cmocka_unit_test(test_open_errors),
	};
	const char *env = getenv("RAMPART_TEST_DB");
	char cmd[128];
	int rc;

	if (argc > 1 && strcmp(argv[1], "--sqlite") == 0) {
		use_sqlite = 1;
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/rampart-store.XXXXXX");
		if (mkdtemp(tmpdir) == NULL) {
			perror("mkdtemp");
			return 1;
		}
	} else if (env == NULL || env[0] == '\0') {
		fprintf(stderr,
		    "test_store: RAMPART_TEST_DB is not set (run "
		    "under scripts/pg-test.sh, or pass --sqlite)\n");
		return 1;
	} else {
		snprintf(url, sizeof(url), "%s", env);
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rc |= store_agent_tests();
	rc |= store_bundle_tests();
	rc |= store_user_tests();
	rc |= store_quarantine_tests();
	rc |= store_audit_tests();
	rc |= store_lists_tests();
	rc |= store_indicator_tests();
	if (use_sqlite) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(
			    stderr, "test_store: cannot remove %s\n", tmpdir);
	}
	return rc;
}
