/*
 * What every store test program shares: the database under test (a new
 * SQLite file per test, or PostgreSQL's public schema made afresh),
 * reading and writing it behind the store's back, and small fixtures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "harness.h"
#include "util/err.h"

int use_sqlite;
char tmpdir[64];
char url[512];
static int ntest;

/* --- the database behind the store's back -------------------------------- */

void
raw_exec(const char *sql)
{
	if (use_sqlite) {
		sqlite3 *db = NULL;
		char *msg = NULL;
		assert_int_equal(
		    sqlite3_open(url + strlen("sqlite:"), &db), SQLITE_OK);
		if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
			fail_msg("sqlite: %s: %s", sql, msg);
		sqlite3_close(db);
		return;
	}
	PGconn *c = PQconnectdb(url);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("postgresql: %s: %s", sql, PQerrorMessage(c));
	PQclear(res);
	PQfinish(c);
}

long long
raw_int(const char *sql)
{
	long long v = -1;

	if (use_sqlite) {
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;
		assert_int_equal(
		    sqlite3_open(url + strlen("sqlite:"), &db), SQLITE_OK);
		assert_int_equal(
		    sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		sqlite3_close(db);
		return v;
	}
	PGconn *c = PQconnectdb(url);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		fail_msg("postgresql: %s: %s", sql, PQerrorMessage(c));
	v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	PQfinish(c);
	return v;
}

/* --- per-test setup ------------------------------------------------------- */

struct store *
xopen(void)
{
	struct store *s = NULL;
	char err[256];
	int r;

	r = store_open(url, &s, err, sizeof(err));
	if (r != 0)
		fail_msg("store_open %s: %s: %s", url, rp_strerror(r), err);
	return s;
}

static void
fresh_database(void)
{
	if (use_sqlite) {
		snprintf(
		    url, sizeof(url), "sqlite:%s/store%d.db", tmpdir, ++ntest);
		return;
	}
	raw_exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
}

int
setup(void **state)
{
	struct store *s;

	fresh_database();
	s = xopen();
	assert_int_equal(store_migrate(s, NULL, NULL), 0);
	*state = s;
	return 0;
}

int
setup_empty(void **state)
{
	fresh_database();
	*state = xopen();
	return 0;
}

int
teardown(void **state)
{
	store_close(*state);
	return 0;
}

const struct store_scope all = {.all = 1};

int64_t
tenant(struct store *s, const char *slug)
{
	int64_t id = 0;

	assert_int_equal(store_tenant_create(s, slug, slug, &id), 0);
	assert_true(id > 0);
	return id;
}

struct store_scope
scope_of(struct store *s, const int64_t *t, size_t n)
{
	struct store_scope sc = {.all = 0};

	assert_int_equal(store_scope_new(s, &sc.id), 0);
	assert_int_equal(store_scope_set(s, sc.id, t, n), 0);
	return sc;
}
