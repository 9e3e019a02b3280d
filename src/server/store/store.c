/*
 * The store's front: opening a connection on the driver its URL names,
 * transactions, the counters /metrics reads, the meta settings, and the
 * helpers every domain file runs its statements through (store_int.h).
 *
 * Transactions keep one rule on both drivers: after a statement failed
 * inside one, it can only be rolled back.  PostgreSQL imposes that (an
 * aborted transaction's COMMIT silently rolls back); SQLite would let
 * the caller go on, so the store refuses the commit there too, and a
 * caller never commits half of what it meant to.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drv.h"
#include "store.h"
#include "store_int.h"
#include "util/ascii.h"
#include "util/err.h"
#include "util/str.h"

/* Statement slots are numbered once per process, shared by connections. */
static atomic_int next_slot;

void
drv_set_err(struct store *s, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	/* Driver messages end in a newline (libpq): keep one line. */
	n = strlen(s->err);
	while (n > 0 && (s->err[n - 1] == '\n' || s->err[n - 1] == ' '))
		s->err[--n] = '\0';
}

static int
cache_reserve(struct store *s, int slot)
{
	size_t need = (size_t)slot + 1, ncap;
	void **nc;

	if (need <= s->ncache)
		return 0;
	ncap = s->ncache ? s->ncache : 64;
	while (ncap < need)
		ncap *= 2;
	if ((nc = realloc(s->cache, ncap * sizeof(*nc))) == NULL)
		return RP_ERR_NOMEM;
	memset(nc + s->ncache, 0, (ncap - s->ncache) * sizeof(*nc));
	s->cache = nc;
	s->ncache = ncap;
	return 0;
}

static int
url_is_pg(const char *url)
{
	return rp_str_startswith(url, "postgresql://") ||
	    rp_str_startswith(url, "postgres://");
}

int
store_open(const char *url, struct store **out, char *errbuf, size_t errlen)
{
	struct store *s;
	const char *target = url;
	int r;

	*out = NULL;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (url == NULL || url[0] == '\0')
		return RP_ERR_ARG;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return RP_ERR_NOMEM;
	if (url_is_pg(url)) {
		s->ops = &drv_pg_ops;
	} else {
		s->ops = &drv_sqlite_ops;
		if (rp_str_startswith(url, "sqlite:"))
			target = url + strlen("sqlite:");
	}
	if (target[0] == '\0') {
		free(s);
		return RP_ERR_ARG;
	}
	if ((r = s->ops->open(s, target)) != 0) {
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "%s", s->err);
		store_close(s);
		return r;
	}
	*out = s;
	return 0;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->db != NULL)
		s->ops->close(s);
	free(s->cache);
	free(s);
}

enum store_driver
store_driver(const struct store *s)
{
	return s->ops->kind;
}

const char *
store_errmsg(const struct store *s)
{
	return s->err;
}

int
store_checkpoint(struct store *s)
{
	return s->ops->checkpoint != NULL ? s->ops->checkpoint(s) : 0;
}

void
store_stats(const struct store *s, struct store_stats *out)
{
	*out = s->stats;
}

static uint64_t
mono_nsec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
failed(struct store *s, int r)
{
	s->stats.errors++;
	if (s->in_tx && (r == RP_ERR_INVALID || r == RP_ERR_IO))
		s->tx_failed = 1;
}

static int
slot_of(struct drv_sql *q)
{
	int slot = atomic_load(&q->slot), mine, expected = 0;

	if (slot != 0)
		return slot;
	mine = atomic_fetch_add(&next_slot, 1) + 1;
	if (atomic_compare_exchange_strong(&q->slot, &expected, mine))
		return mine;
	return expected; /* another thread numbered it first */
}

int
sq_query(struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t n,
    struct drv_cur *c)
{
	uint64_t t0;
	int slot, r;

	memset(c, 0, sizeof(*c));
	c->s = s;
	if (n > DRV_MAX_ARGS)
		return RP_ERR_ARG;
	slot = slot_of(q);
	if ((r = cache_reserve(s, slot)) != 0)
		return r;
	t0 = mono_nsec();
	s->stats.queries++;
	r = s->ops->query(s, q, slot, a, n, c);
	s->stats.nsec += mono_nsec() - t0;
	if (r != 0) {
		failed(s, r);
		c->h = NULL;
	}
	return r;
}

int
sq_step(struct drv_cur *c)
{
	uint64_t t0 = mono_nsec();
	int r;

	r = c->s->ops->step(c);
	c->s->stats.nsec += mono_nsec() - t0;
	if (r < 0)
		failed(c->s, r);
	return r;
}

void
sq_done(struct drv_cur *c)
{
	if (c->h != NULL)
		c->s->ops->done(c);
	c->h = NULL;
}

int
sq_exec(struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t n,
    int64_t *changes)
{
	struct drv_cur c;
	int r;

	if ((r = sq_query(s, q, a, n, &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1)
		;
	if (r == 0 && changes != NULL)
		*changes = c.changes;
	sq_done(&c);
	return r;
}

int
sq_row(struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t n,
    struct drv_cur *c)
{
	int r;

	if ((r = sq_query(s, q, a, n, c)) != 0)
		return r;
	if ((r = sq_step(c)) == 1)
		return 0;
	sq_done(c);
	return r == 0 ? RP_ERR_NOTFOUND : r;
}

int
sq_int1(struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t n,
    int64_t *out)
{
	struct drv_cur c;
	int r;

	int64_t v;

	if ((r = sq_row(s, q, a, n, &c)) != 0)
		return r;
	v = sq_int(&c, 0);
	/* To the end: a write's RETURNING row comes before it is done. */
	while ((r = sq_step(&c)) == 1)
		;
	sq_done(&c);
	if (r == 0)
		*out = v;
	return r;
}

int64_t
sq_int(struct drv_cur *c, int col)
{
	return c->s->ops->col_int(c, col);
}

static int
sq_null(struct drv_cur *c, int col)
{
	return c->s->ops->is_null(c, col);
}

int
sq_dup(struct drv_cur *c, int col, char **out)
{
	const char *t = c->s->ops->col_text(c, col);

	if ((*out = strdup(t != NULL ? t : "")) == NULL)
		return RP_ERR_NOMEM;
	return 0;
}

int
sq_dup0(struct drv_cur *c, int col, char **out)
{
	*out = NULL;
	if (sq_null(c, col))
		return 0;
	return sq_dup(c, col, out);
}

int
sq_page(const struct store_page *pg, int64_t *after, int *limit)
{
	if (pg == NULL) {
		*after = 0;
		*limit = STORE_PAGE_MAX;
		return 0;
	}
	if (pg->limit < 1 || pg->after < 0)
		return RP_ERR_ARG;
	*after = pg->after;
	*limit = pg->limit > STORE_PAGE_MAX ? STORE_PAGE_MAX : pg->limit;
	return 0;
}

int
sq_list(struct store *s, struct drv_sql *q, struct drv_arg *a, size_t n,
    const struct store_page *pg, const struct sq_rows *kind, void **out,
    size_t *count, int *more)
{
	struct drv_cur c;
	int64_t after;
	char *rows;
	size_t k = 0, i;
	int limit, r;

	*out = NULL;
	*count = 0;
	*more = 0;
	if (n < 2)
		return RP_ERR_ARG;
	if ((r = sq_page(pg, &after, &limit)) != 0)
		return r;
	if ((rows = calloc((size_t)limit + 1, kind->size)) == NULL)
		return RP_ERR_NOMEM;
	a[kind->after_at] = A_INT(after);
	a[n - 1] = A_INT(limit + 1);
	if ((r = sq_query(s, q, a, n, &c)) == 0) {
		while ((r = sq_step(&c)) == 1 &&
		    (r = kind->read(&c, rows + k * kind->size)) == 0)
			k++;
		sq_done(&c);
	}
	if (r != 0) {
		for (i = 0; i < k; i++)
			kind->clear(rows + i * kind->size);
		free(rows);
		return r;
	}
	/* One row more than the page was asked for: it says whether more
	 * follow, and is not returned. */
	*more = k > (size_t)limit;
	if (*more)
		kind->clear(rows + --k * kind->size);
	*out = rows;
	*count = k;
	return 0;
}

int
sq_all(struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t n,
    const struct sq_rows *kind, size_t max, void **out, size_t *count)
{
	struct drv_cur c;
	char *rows = NULL;
	size_t k = 0, cap = 0, i;
	int r;

	*out = NULL;
	*count = 0;
	if ((r = sq_query(s, q, a, n, &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1 &&
	    (r = sq_grow((void **)&rows, &cap, k + 1, kind->size, max)) == 0 &&
	    (r = kind->read(&c, rows + k * kind->size)) == 0)
		k++;
	sq_done(&c);
	if (r != 0) {
		for (i = 0; i < k; i++)
			kind->clear(rows + i * kind->size);
		free(rows);
		return r;
	}
	*out = rows;
	*count = k;
	return 0;
}

int
sq_grow(void **v, size_t *cap, size_t need, size_t size, size_t max)
{
	size_t ncap;
	void *nv;

	if (need <= *cap)
		return 0;
	if (need > max)
		return RP_ERR_LIMIT;
	ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	if (ncap > max)
		ncap = max;
	if ((nv = realloc(*v, ncap * size)) == NULL)
		return RP_ERR_NOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

int
sq_lower_dup(const char *v, char **out)
{
	size_t n;

	*out = NULL;
	if (v == NULL || v[0] == '\0')
		return 0;
	if ((n = strnlen(v, SQ_TEXT_ARG_MAX + 1)) > SQ_TEXT_ARG_MAX)
		return RP_ERR_ARG;
	if ((*out = malloc(n + 1)) == NULL)
		return RP_ERR_NOMEM;
	memcpy(*out, v, n + 1);
	rp_ascii_lower(*out, n);
	return 0;
}

int64_t
sq_now(void)
{
	return (int64_t)time(NULL);
}

int
sq_script(struct store *s, const char *sql)
{
	uint64_t t0 = mono_nsec();
	int r;

	s->stats.queries++;
	r = s->ops->exec(s, sql);
	s->stats.nsec += mono_nsec() - t0;
	if (r != 0)
		s->stats.errors++;
	return r;
}

static int
begin(struct store *s, const char *sql)
{
	int r;

	if (s->in_tx) {
		drv_set_err(s, "a transaction is already open");
		return RP_ERR_ARG;
	}
	if ((r = sq_script(s, sql)) != 0)
		return r;
	s->in_tx = 1;
	s->tx_failed = 0;
	return 0;
}

int
store_begin(struct store *s)
{
	return begin(s, s->ops->begin_sql);
}

int
store_begin_read(struct store *s)
{
	return begin(s, s->ops->begin_read_sql);
}

int
store_commit(struct store *s)
{
	int r;

	if (!s->in_tx) {
		drv_set_err(s, "no transaction is open");
		return RP_ERR_ARG;
	}
	if (s->tx_failed) {
		store_rollback(s);
		drv_set_err(s,
		    "a statement of the transaction failed; "
		    "the transaction was rolled back");
		return RP_ERR_ARG;
	}
	if ((r = sq_script(s, "COMMIT")) != 0) {
		store_rollback(s);
		return r;
	}
	s->in_tx = 0;
	return 0;
}

void
store_rollback(struct store *s)
{
	if (!s->in_tx)
		return;
	(void)sq_script(s, "ROLLBACK");
	s->in_tx = 0;
	s->tx_failed = 0;
}

int
sq_tx_enter(struct store *s, struct sq_tx *t)
{
	int r;

	t->nested = s->in_tx;
	t->saved_failed = s->tx_failed;
	if (t->nested)
		return sq_script(s, "SAVEPOINT rp_unit");
	if ((r = store_begin(s)) != 0)
		return r;
	return 0;
}

int
sq_tx_leave(struct store *s, struct sq_tx *t, int r)
{
	if (!t->nested) {
		if (r == 0)
			return store_commit(s);
		store_rollback(s);
		return r;
	}
	if (r == 0) {
		if ((r = sq_script(s, "RELEASE SAVEPOINT rp_unit")) != 0)
			s->tx_failed = 1;
		return r;
	}
	/* Undone to the savepoint, the transaction is as it was. */
	if (sq_script(s, "ROLLBACK TO SAVEPOINT rp_unit") == 0 &&
	    sq_script(s, "RELEASE SAVEPOINT rp_unit") == 0)
		s->tx_failed = t->saved_failed;
	else
		s->tx_failed = 1;
	return r;
}

static struct drv_sql q_meta_get =
    DRV_SQL("SELECT value FROM meta WHERE key = ?");
static struct drv_sql q_meta_set =
    DRV_SQL("INSERT INTO meta (key, value) VALUES (?, ?) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value");

int
store_meta_get(struct store *s, const char *key, char **value)
{
	struct drv_arg a[] = {A_TEXT(key)};
	struct drv_cur c;
	int r;

	*value = NULL;
	if ((r = sq_row(s, &q_meta_get, a, NARGS(a), &c)) != 0)
		return r;
	r = sq_dup(&c, 0, value);
	sq_done(&c);
	return r;
}

int
store_meta_set(struct store *s, const char *key, const char *value)
{
	struct drv_arg a[] = {A_TEXT(key), A_TEXT(value)};

	if (key == NULL || value == NULL)
		return RP_ERR_ARG;
	return sq_exec(s, &q_meta_set, a, NARGS(a), NULL);
}
