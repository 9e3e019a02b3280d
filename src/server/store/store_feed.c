/*
 * Blocklist feeds and the records of their fetches (migration 13,
 * docs/internals/feeds.md).  A feed's secret is never here: only its
 * hex SHA-256, looked up through a unique index.  Fetch records arrive
 * in batches from the http role; each batch also trims the records of
 * the feeds it names to STORE_FEED_FETCH_MAX rows and every feed's to
 * STORE_FEED_FETCH_DAYS days, so the table stays bounded without a job
 * of its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

#define FEED_COLS                                                              \
	"id, tenant_id, name, format, max_entries, sinkhole4, sinkhole6, "     \
	"created_at, created_by, enabled"

/* The MSP-wide feed (tenant_id NULL) is in scope only for a caller who
 * sees every tenant. */
#define FEED_SCOPE                                                             \
	"((tenant_id IS NULL AND ? = 1) OR (tenant_id IS NOT NULL "            \
	"AND " SCOPE_FILTER("tenant_id") "))"

static struct drv_sql q_create = DRV_SQL(
    "INSERT INTO feeds (tenant_id, name, format, max_entries, sinkhole4, "
    "sinkhole6, secret_hash, created_at, created_by, enabled) VALUES (?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
static struct drv_sql q_get =
    DRV_SQL("SELECT " FEED_COLS " FROM feeds WHERE id = ? AND " FEED_SCOPE);
static struct drv_sql q_by_hash = DRV_SQL(
    "SELECT " FEED_COLS ", secret_hash FROM feeds WHERE secret_hash = ?");
static struct drv_sql q_list = DRV_SQL(
    "SELECT " FEED_COLS " FROM feeds WHERE id > ? AND (? = 0 OR (? > 0 AND "
    "tenant_id = ?) OR (? < 0 AND tenant_id IS NULL)) AND " FEED_SCOPE
    " ORDER BY id LIMIT ?");
static struct drv_sql q_update =
    DRV_SQL("UPDATE feeds SET enabled = ?, max_entries = ?, sinkhole4 = ?, "
	    "sinkhole6 = ?, secret_hash = COALESCE(?, secret_hash) WHERE "
	    "id = ?");
static struct drv_sql q_delete = DRV_SQL("DELETE FROM feeds WHERE id = ?");

static struct drv_sql q_fetch_add = DRV_SQL(
    "INSERT INTO feed_fetches (feed_id, at, address, etag, status, entries, "
    "bytes, version, content_at) SELECT id, ?, ?, ?, ?, ?, ?, ?, ? FROM "
    "feeds WHERE id = ?");
static struct drv_sql q_fetch_trim_feed = DRV_SQL(
    "DELETE FROM feed_fetches WHERE feed_id = ? AND id <= (SELECT id FROM "
    "feed_fetches WHERE feed_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)");
static struct drv_sql q_fetch_trim_age =
    DRV_SQL("DELETE FROM feed_fetches WHERE at < ?");
static struct drv_sql q_fetch_list =
    DRV_SQL("SELECT feed_id, at, address, etag, status, entries, bytes, "
	    "version, content_at FROM feed_fetches WHERE feed_id = ? ORDER "
	    "BY id DESC LIMIT ?");

void
store_feed_clear(struct store_feed *f)
{
	if (f == NULL)
		return;
	free(f->name);
	free(f->format);
	free(f->sinkhole4);
	free(f->sinkhole6);
	free(f->created_by);
	memset(f, 0, sizeof(*f));
}

static void
clear_row(void *row)
{
	store_feed_clear(row);
}

void
store_feeds_free(struct store_feed *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		store_feed_clear(&v[i]);
	free(v);
}

int
store_feed_create(
    struct store *s, const char *secret_hash, struct store_feed *f)
{
	int64_t id;
	int r;

	if (secret_hash == NULL || strlen(secret_hash) != 64 ||
	    f->name == NULL || f->format == NULL || f->created_by == NULL ||
	    f->max_entries < 0)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_ID(f->tenant_id), A_TEXT(f->name),
	    A_TEXT(f->format), A_INT(f->max_entries),
	    f->sinkhole4 != NULL ? A_TEXT(f->sinkhole4) : A_NULL,
	    f->sinkhole6 != NULL ? A_TEXT(f->sinkhole6) : A_NULL,
	    A_TEXT(secret_hash), A_INT(f->created_at), A_TEXT(f->created_by),
	    A_INT(f->enabled ? 1 : 0)};
	if ((r = sq_int1(s, &q_create, a, NARGS(a), &id)) != 0)
		return r;
	f->id = id;
	return 0;
}

static int
read_feed(struct drv_cur *c, void *row)
{
	struct store_feed *f = row;
	int r;

	memset(f, 0, sizeof(*f));
	f->id = sq_int(c, 0);
	f->tenant_id = sq_int(c, 1);
	f->max_entries = sq_int(c, 4);
	f->created_at = sq_int(c, 7);
	f->enabled = sq_int(c, 9) != 0;
	if ((r = sq_dup(c, 2, &f->name)) != 0 ||
	    (r = sq_dup(c, 3, &f->format)) != 0 ||
	    (r = sq_dup0(c, 5, &f->sinkhole4)) != 0 ||
	    (r = sq_dup0(c, 6, &f->sinkhole6)) != 0 ||
	    (r = sq_dup(c, 8, &f->created_by)) != 0)
		store_feed_clear(f);
	return r;
}

static const struct sq_rows feed_rows = {
    sizeof(struct store_feed), 0, read_feed, clear_row};

int
store_feed_get(struct store *s, const struct store_scope *sc, int64_t id,
    struct store_feed *out)
{
	struct drv_arg a[] = {
	    A_INT(id), A_SCOPE_ALL(sc), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	struct store_feed f;
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, &q_get, a, NARGS(a), &c)) != 0)
		return r;
	r = read_feed(&c, &f);
	sq_done(&c);
	if (r == 0)
		*out = f;
	return r;
}

int
store_feed_by_hash(struct store *s, const char *secret_hash,
    struct store_feed *out, char stored[65])
{
	struct store_feed f;
	struct drv_cur c;
	const char *h;
	int r;

	if (secret_hash == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(secret_hash)};
	if ((r = sq_row(s, &q_by_hash, a, NARGS(a), &c)) != 0)
		return r;
	h = c.s->ops->col_text(&c, 10);
	if (h == NULL || strlen(h) != 64)
		r = RP_ERR_INVALID;
	else if ((r = read_feed(&c, &f)) == 0)
		memcpy(stored, h, 65);
	sq_done(&c);
	if (r == 0)
		*out = f;
	return r;
}

int
store_feed_list(struct store *s, const struct store_scope *sc,
    int64_t tenant_id, const struct store_page *pg, struct store_feed **v,
    size_t *n, int *more)
{
	struct drv_arg a[] = {A_INT(0), A_INT(tenant_id), A_INT(tenant_id),
	    A_INT(tenant_id), A_INT(tenant_id), A_SCOPE_ALL(sc),
	    A_SCOPE_ALL(sc), A_SCOPE_ID(sc), A_INT(0)};

	return sq_list(
	    s, &q_list, a, NARGS(a), pg, &feed_rows, (void **)v, n, more);
}

int
store_feed_update(
    struct store *s, const struct store_feed *f, const char *secret_hash)
{
	int64_t k = 0;
	int r;

	if (f->max_entries < 0 ||
	    (secret_hash != NULL && strlen(secret_hash) != 64))
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_INT(f->enabled ? 1 : 0), A_INT(f->max_entries),
	    f->sinkhole4 != NULL ? A_TEXT(f->sinkhole4) : A_NULL,
	    f->sinkhole6 != NULL ? A_TEXT(f->sinkhole6) : A_NULL,
	    secret_hash != NULL ? A_TEXT(secret_hash) : A_NULL, A_INT(f->id)};
	if ((r = sq_exec(s, &q_update, a, NARGS(a), &k)) != 0)
		return r;
	return k == 1 ? 0 : RP_ERR_NOTFOUND;
}

int
store_feed_delete(struct store *s, int64_t id)
{
	struct drv_arg a[] = {A_INT(id)};
	int64_t k = 0;
	int r;

	if ((r = sq_exec(s, &q_delete, a, NARGS(a), &k)) != 0)
		return r;
	return k == 1 ? 0 : RP_ERR_NOTFOUND;
}

/* Whether v[i]'s feed came earlier in v (it is trimmed once). */
static int
seen_before(const struct store_feed_fetch *v, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (v[j].feed_id == v[i].feed_id)
			return 1;
	return 0;
}

int
store_feed_fetches_add(
    struct store *s, const struct store_feed_fetch *v, size_t n, int64_t now)
{
	struct sq_tx t;
	size_t i;
	int r;

	if (n == 0)
		return 0;
	if ((r = sq_tx_enter(s, &t)) != 0)
		return r;
	for (i = 0; i < n && r == 0; i++) {
		struct drv_arg a[] = {A_INT(v[i].at), A_TEXT(v[i].address),
		    A_TEXT(v[i].etag), A_INT(v[i].status), A_INT(v[i].entries),
		    A_INT(v[i].bytes), A_INT(v[i].version),
		    A_INT(v[i].content_at), A_INT(v[i].feed_id)};
		r = sq_exec(s, &q_fetch_add, a, NARGS(a), NULL);
	}
	for (i = 0; i < n && r == 0; i++) {
		if (seen_before(v, i))
			continue;
		struct drv_arg a[] = {A_INT(v[i].feed_id), A_INT(v[i].feed_id),
		    A_INT(STORE_FEED_FETCH_MAX)};
		r = sq_exec(s, &q_fetch_trim_feed, a, NARGS(a), NULL);
	}
	if (r == 0) {
		struct drv_arg a[] = {
		    A_INT(now - (int64_t)STORE_FEED_FETCH_DAYS * 86400)};
		r = sq_exec(s, &q_fetch_trim_age, a, NARGS(a), NULL);
	}
	return sq_tx_leave(s, &t, r);
}

static int
read_fetch(struct drv_cur *c, void *row)
{
	struct store_feed_fetch *f = row;
	const char *t;

	memset(f, 0, sizeof(*f));
	f->feed_id = sq_int(c, 0);
	f->at = sq_int(c, 1);
	t = c->s->ops->col_text(c, 2);
	snprintf(f->address, sizeof(f->address), "%s", t != NULL ? t : "");
	t = c->s->ops->col_text(c, 3);
	snprintf(f->etag, sizeof(f->etag), "%s", t != NULL ? t : "");
	f->status = (int)sq_int(c, 4);
	f->entries = sq_int(c, 5);
	f->bytes = sq_int(c, 6);
	f->version = sq_int(c, 7);
	f->content_at = sq_int(c, 8);
	return 0;
}

static void
clear_fetch(void *row)
{
	(void)row;
}

static const struct sq_rows fetch_rows = {
    sizeof(struct store_feed_fetch), 0, read_fetch, clear_fetch};

int
store_feed_fetch_list(struct store *s, int64_t feed_id, size_t max,
    struct store_feed_fetch **v, size_t *n)
{
	struct drv_arg a[] = {A_INT(feed_id), A_INT((int64_t)max)};

	if (max == 0 || max > STORE_FEED_FETCH_MAX)
		return RP_ERR_ARG;
	return sq_all(
	    s, &q_fetch_list, a, NARGS(a), &fetch_rows, max, (void **)v, n);
}
