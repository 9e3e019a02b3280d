/*
 * The PostgreSQL driver (libpq): one connection per struct store.  Each
 * statement is prepared once per connection (PQprepare, named by its
 * slot) and then run with PQexecPrepared; its `?` placeholders become
 * $1, $2, ... when it is prepared.  A statement marked replan is sent
 * whole each time instead (PQexecParams), so that it is planned for the
 * values it runs with.  Parameters are typed by how they are bound
 * (bigint or text), so PostgreSQL never has to guess.  Results are
 * text and read whole; a cursor walks the rows of the PGresult.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "drv.h"
#include "util/err.h"

/* Type OIDs of the parameters (server/catalog/pg_type_d.h, stable). */
#define PG_INT8OID 20
#define PG_TEXTOID 25

/* The marker of a prepared slot in s->cache. */
static char prepared_mark;

static void
ignore_notice(void *arg, const char *message)
{
	/* NOTICEs ("relation already exists, skipping") are not errors, and
	 * a library does not print. */
	(void)arg;
	(void)message;
}

static int
err_of_result(struct store *s, PGresult *res)
{
	const char *state =
	    res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : NULL;

	if (msg == NULL || msg[0] == '\0')
		msg = PQerrorMessage(s->db);
	drv_set_err(s, "postgresql: %s", msg);
	if (state != NULL && strncmp(state, "23", 2) == 0)
		return RP_ERR_INVALID; /* integrity constraint violation */
	if (state != NULL && strcmp(state, "54000") == 0)
		return RP_ERR_LIMIT; /* program limit exceeded */
	return RP_ERR_IO;
}

static int
ok_status(PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

static int
pg_exec(struct store *s, const char *sql)
{
	PGresult *res = PQexec(s->db, sql);
	int r = 0;

	if (res == NULL || !ok_status(res))
		r = err_of_result(s, res);
	PQclear(res);
	return r;
}

static int
pg_open(struct store *s, const char *url)
{
	PGconn *conn;

	/* The URL's password, if any, stays out of every message: libpq's
	 * connection errors name the host and user, never the password. */
	conn = PQconnectdb(url);
	s->db = conn;
	if (conn == NULL) {
		drv_set_err(s, "postgresql: out of memory");
		return RP_ERR_NOMEM;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		drv_set_err(s, "postgresql: %s", PQerrorMessage(conn));
		return RP_ERR_IO;
	}
	PQsetNoticeProcessor(conn, ignore_notice, NULL);
	return pg_exec(s, "SET client_encoding = 'UTF8'");
}

static void
pg_close(struct store *s)
{
	PQfinish(s->db);
	s->db = NULL;
}

/* q->sql (or q->pg) with `?` outside quotes numbered $1, $2, ...; the
 * number of placeholders in *np. */
static char *
rewrite(const char *sql, int *np)
{
	size_t len = strlen(sql), o = 0, i, cap;
	char quote = 0, *out;
	int k = 0;

	/* Each `?` grows by at most three bytes ($24). */
	cap = len * 3 + 1;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		char ch = sql[i];
		if (quote) {
			if (ch == quote)
				quote = 0;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (ch == '?') {
			o += (size_t)snprintf(out + o, cap - o, "$%d", ++k);
			continue;
		}
		out[o++] = ch;
	}
	out[o] = '\0';
	*np = k;
	return out;
}

/* Parameters are typed by how they are bound; NULL is left to the
 * statement's casts. */
static void
param_types(const struct drv_arg *a, size_t n, Oid *types)
{
	size_t i;

	for (i = 0; i < n; i++)
		types[i] = a[i].t == DRV_INT ? PG_INT8OID
		    : a[i].t == DRV_TEXT     ? PG_TEXTOID
					     : 0;
}

/* q's PostgreSQL text with $N parameters (*sql, malloc'd) and their
 * types, checked to take n arguments. */
static int
pg_sql(struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t n,
    Oid *types, char **sql)
{
	int np = 0;

	if ((*sql = rewrite(q->pg != NULL ? q->pg : q->sql, &np)) == NULL)
		return RP_ERR_NOMEM;
	if ((size_t)np != n) {
		drv_set_err(s,
		    "postgresql: statement takes %d parameters, "
		    "not %zu",
		    np, n);
		free(*sql);
		*sql = NULL;
		return RP_ERR_INTERNAL;
	}
	param_types(a, n, types);
	return 0;
}

static int
prepare(struct store *s, struct drv_sql *q, int slot, const char *name,
    const struct drv_arg *a, size_t n)
{
	Oid types[DRV_MAX_ARGS];
	PGresult *res;
	char *sql;
	int r = 0;

	if ((r = pg_sql(s, q, a, n, types, &sql)) != 0)
		return r;
	res = PQprepare(s->db, name, sql, (int)n, types);
	free(sql);
	if (res == NULL || !ok_status(res))
		r = err_of_result(s, res);
	else
		s->cache[slot] = &prepared_mark;
	PQclear(res);
	return r;
}

/* Runs q as the unnamed statement (PQexecParams), which PostgreSQL
 * plans for these values: for statements marked replan. */
static int
exec_params(struct store *s, struct drv_sql *q, const struct drv_arg *a,
    const char *const *vals, size_t n, PGresult **res)
{
	Oid types[DRV_MAX_ARGS];
	char *sql;
	int r;

	*res = NULL;
	if ((r = pg_sql(s, q, a, n, types, &sql)) != 0)
		return r;
	*res = PQexecParams(s->db, sql, (int)n, types, vals, NULL, NULL, 0);
	free(sql);
	return 0;
}

/* A connection that broke is opened again before the next statement,
 * unless a transaction was open on it (that one is lost: the caller
 * must see the error).  Its prepared statements went with it. */
static void
revive(struct store *s)
{
	if (PQstatus(s->db) == CONNECTION_OK || s->in_tx)
		return;
	PQreset(s->db);
	memset(s->cache, 0, s->ncache * sizeof(*s->cache));
	if (PQstatus(s->db) == CONNECTION_OK)
		(void)pg_exec(s, "SET client_encoding = 'UTF8'");
}

static int
pg_query(struct store *s, struct drv_sql *q, int slot, const struct drv_arg *a,
    size_t n, struct drv_cur *c)
{
	char name[24], ints[DRV_MAX_ARGS][24];
	const char *vals[DRV_MAX_ARGS];
	PGresult *res = NULL;
	size_t i;
	int r = 0;

	revive(s);
	snprintf(name, sizeof(name), "rp_%d", slot);
	if (!q->replan && s->cache[slot] == NULL &&
	    (r = prepare(s, q, slot, name, a, n)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		vals[i] = NULL;
		if (a[i].t == DRV_INT) {
			snprintf(ints[i], sizeof(ints[i]), "%lld",
			    (long long)a[i].i);
			vals[i] = ints[i];
		} else if (a[i].t == DRV_TEXT) {
			vals[i] = a[i].s;
		}
	}
	if (q->replan)
		r = exec_params(s, q, a, vals, n, &res);
	else
		res = PQexecPrepared(s->db, name, (int)n, vals, NULL, NULL, 0);
	if (r != 0)
		return r;
	if (res == NULL || !ok_status(res)) {
		r = err_of_result(s, res);
		PQclear(res);
		return r;
	}
	c->h = res;
	c->nrows = PQntuples(res);
	c->row = -1;
	c->changes = strtoll(PQcmdTuples(res), NULL, 10);
	return 0;
}

static int
pg_step(struct drv_cur *c)
{
	if (c->row + 1 < c->nrows) {
		c->row++;
		return 1;
	}
	c->row = c->nrows;
	return 0;
}

static int
pg_is_null(struct drv_cur *c, int col)
{
	return PQgetisnull(c->h, c->row, col);
}

static int64_t
pg_col_int(struct drv_cur *c, int col)
{
	return strtoll(PQgetvalue(c->h, c->row, col), NULL, 10);
}

static const char *
pg_col_text(struct drv_cur *c, int col)
{
	return PQgetvalue(c->h, c->row, col);
}

static void
pg_done(struct drv_cur *c)
{
	PQclear(c->h);
}

const struct drv_ops drv_pg_ops = {
    .kind = STORE_PG,
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .query = pg_query,
    .step = pg_step,
    .is_null = pg_is_null,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .done = pg_done,
    .begin_sql = "BEGIN",
    .begin_read_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
};
