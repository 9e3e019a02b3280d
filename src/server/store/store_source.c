/*
 * Indicator sources (store.h, "sources"): where indicators come from, the
 * defaults they give their indicators, and for pulled feeds the state
 * the feed fetcher keeps between fetches.  A source is a tenant's or
 * MSP-wide (scope 0), its name unique in its scope.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

#define SRC_NAME_MAX 200
#define SRC_URL_MAX 2048
#define SRC_TEXT_MAX 1024 /* etag, last_modified, last_error */

#define SRC_COLS                                                               \
	"id, tenant_id, name, kind, url, mode, confidence, tlp, enabled, "     \
	"fetch_interval, etag, last_modified, last_fetch_at, last_ok_at, "     \
	"last_error, last_good_sha256, created_at, updated_at"
#define SRC_VISIBLE "(tenant_id IS NULL OR " SCOPE_FILTER("tenant_id") ")"

static struct drv_sql q_insert =
    DRV_SQL("INSERT INTO indicator_sources (tenant_id, scope, name, kind, "
	    "url, mode, confidence, tlp, enabled, fetch_interval, created_at, "
	    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "RETURNING id");
static struct drv_sql q_get = DRV_SQL(
    "SELECT " SRC_COLS " FROM indicator_sources WHERE id = ? AND " SRC_VISIBLE);
static struct drv_sql q_get_w =
    DRV_SQL("SELECT " SRC_COLS " FROM indicator_sources WHERE id = ? "
	    "AND " SCOPE_FILTER("tenant_id"));
static struct drv_sql q_by_name =
    DRV_SQL("SELECT " SRC_COLS " FROM indicator_sources WHERE name = ? "
	    "AND scope IN (0, ?) AND " SRC_VISIBLE " ORDER BY scope DESC "
	    "LIMIT 1");
static struct drv_sql q_list = DRV_SQL(
    "SELECT " SRC_COLS " FROM indicator_sources WHERE id > ? AND " SRC_VISIBLE
    " AND (? = 0 OR scope IN (0, ?)) ORDER BY id LIMIT ?");
static struct drv_sql q_update =
    DRV_SQL("UPDATE indicator_sources SET name = ?, url = ?, mode = ?, "
	    "confidence = ?, tlp = ?, enabled = ?, fetch_interval = ?, "
	    "updated_at = ? WHERE id = ?");
static struct drv_sql q_count =
    DRV_SQL("SELECT COUNT(*) FROM indicators WHERE source_id = ?");
static struct drv_sql q_delete =
    DRV_SQL("DELETE FROM indicator_sources WHERE id = ?");
static struct drv_sql q_fetch =
    DRV_SQL("UPDATE indicator_sources SET etag = ?, last_modified = ?, "
	    "last_fetch_at = ?, last_ok_at = ?, last_error = ?, "
	    "last_good_sha256 = ? WHERE id = ?");

static const char *const kinds[] = {
    "manual", "import", "misp-feed", "list-url", NULL};

void
store_source_clear(struct store_source *src)
{
	if (src == NULL)
		return;
	free(src->name);
	free(src->kind);
	free(src->url);
	free(src->mode);
	free(src->tlp);
	free(src->etag);
	free(src->last_modified);
	free(src->last_error);
	free(src->last_good_sha256);
	memset(src, 0, sizeof(*src));
}

void
store_sources_free(struct store_source *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_source_clear(&v[i]);
	free(v);
}

static int
src_read(struct drv_cur *c, void *row)
{
	struct store_source *x = row;
	int r;

	memset(x, 0, sizeof(*x));
	x->id = sq_int(c, 0);
	x->tenant_id = sq_int(c, 1);
	x->confidence = (int)sq_int(c, 6);
	x->enabled = sq_int(c, 8) != 0;
	x->fetch_interval = sq_int(c, 9);
	x->last_fetch_at = sq_int(c, 12);
	x->last_ok_at = sq_int(c, 13);
	x->created_at = sq_int(c, 16);
	x->updated_at = sq_int(c, 17);
	if ((r = sq_dup(c, 2, &x->name)) != 0 ||
	    (r = sq_dup(c, 3, &x->kind)) != 0 ||
	    (r = sq_dup0(c, 4, &x->url)) != 0 ||
	    (r = sq_dup(c, 5, &x->mode)) != 0 ||
	    (r = sq_dup(c, 7, &x->tlp)) != 0 ||
	    (r = sq_dup0(c, 10, &x->etag)) != 0 ||
	    (r = sq_dup0(c, 11, &x->last_modified)) != 0 ||
	    (r = sq_dup0(c, 14, &x->last_error)) != 0 ||
	    (r = sq_dup0(c, 15, &x->last_good_sha256)) != 0) {
		store_source_clear(x);
		return r;
	}
	return 0;
}

static void
src_clear(void *row)
{
	store_source_clear(row);
}

static const struct sq_rows src_rows = {
    .size = sizeof(struct store_source),
    .after_at = 0,
    .read = src_read,
    .clear = src_clear,
};

static int
src_one(struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t n,
    struct store_source *out)
{
	struct store_source x;
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, q, a, n, &c)) != 0)
		return r;
	r = src_read(&c, &x);
	sq_done(&c);
	if (r != 0)
		return r;
	*out = x;
	return 0;
}

static int
text_ok(const char *v, size_t max, int may_be_null)
{
	size_t n, i;

	if (v == NULL)
		return may_be_null;
	if ((n = strnlen(v, max + 1)) > max)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return 1;
}

/* Whether the editable fields of in are within the model. */
static int
src_check(const struct store_source *in)
{
	if (!text_ok(in->name, SRC_NAME_MAX, 0) || in->name[0] == '\0' ||
	    !text_ok(in->url, SRC_URL_MAX, 1) ||
	    (in->mode != NULL && !sq_mode_ok(in->mode)) ||
	    (in->tlp != NULL && !sq_tlp_ok(in->tlp)) || in->confidence > 100 ||
	    in->fetch_interval < 0)
		return RP_ERR_ARG;
	return 0;
}

int
store_source_create(struct store *s, const struct store_scope *sc,
    const struct store_source *in, int64_t now, int64_t *id)
{
	struct sq_tx tx;
	int64_t rid = 0;
	int r;

	if (in == NULL || src_check(in) != 0 || !sq_in_set(in->kind, kinds) ||
	    in->tenant_id < 0)
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	if ((r = sq_writable(s, sc, in->tenant_id)) != 0)
		goto out;
	struct drv_arg a[] = {A_ID(in->tenant_id), A_INT(in->tenant_id),
	    A_TEXT(in->name), A_TEXT(in->kind),
	    in->url != NULL ? A_TEXT(in->url) : A_NULL,
	    A_TEXT(in->mode != NULL ? in->mode : "block"),
	    A_INT(in->confidence >= 0 ? in->confidence : STORE_IND_CONFIDENCE),
	    A_TEXT(in->tlp != NULL ? in->tlp : STORE_TLP_DEFAULT),
	    A_INT(in->enabled ? 1 : 0), A_INT(in->fetch_interval), A_INT(now),
	    A_INT(now)};
	r = sq_int1(s, &q_insert, a, NARGS(a), &rid);
out:
	if ((r = sq_tx_leave(s, &tx, r)) != 0)
		return r;
	*id = rid;
	return 0;
}

int
store_source_get(struct store *s, const struct store_scope *sc, int64_t id,
    struct store_source *out)
{
	if (sc == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_INT(id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	return src_one(s, &q_get, a, NARGS(a), out);
}

int
store_source_by_name(struct store *s, const struct store_scope *sc,
    int64_t tenant, const char *name, struct store_source *out)
{
	if (sc == NULL || name == NULL || tenant < 0)
		return RP_ERR_ARG;
	struct drv_arg a[] = {
	    A_TEXT(name), A_INT(tenant), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	return src_one(s, &q_by_name, a, NARGS(a), out);
}

int
store_source_list(struct store *s, const struct store_scope *sc, int64_t tenant,
    const struct store_page *pg, struct store_source **v, size_t *n, int *more)
{
	void *rows = NULL;
	int r;

	*v = NULL;
	if (sc == NULL || tenant < 0)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_NULL, A_SCOPE_ALL(sc), A_SCOPE_ID(sc),
	    A_INT(tenant), A_INT(tenant), A_NULL};
	if ((r = sq_list(
		 s, &q_list, a, NARGS(a), pg, &src_rows, &rows, n, more)) != 0)
		return r;
	*v = rows;
	return 0;
}

int
store_source_update(struct store *s, const struct store_scope *sc,
    const struct store_source *in, int64_t now)
{
	struct store_source cur = {0};
	struct sq_tx tx;
	int r;

	if (sc == NULL || in == NULL || src_check(in) != 0 ||
	    in->mode == NULL || in->tlp == NULL || in->confidence < 0)
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	struct drv_arg a[] = {A_INT(in->id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	if ((r = src_one(s, &q_get_w, a, NARGS(a), &cur)) != 0 ||
	    (r = sq_ind_lock(s, cur.tenant_id)) != 0)
		goto out;
	struct drv_arg b[] = {A_TEXT(in->name),
	    in->url != NULL ? A_TEXT(in->url) : A_NULL, A_TEXT(in->mode),
	    A_INT(in->confidence), A_TEXT(in->tlp), A_INT(in->enabled ? 1 : 0),
	    A_INT(in->fetch_interval), A_INT(now), A_INT(in->id)};
	if ((r = sq_exec(s, &q_update, b, NARGS(b), NULL)) != 0)
		goto out;
	/* Indicators without a mode of their own follow the source's. */
	if (strcmp(cur.mode, in->mode) != 0)
		r = sq_ind_bump(s, cur.tenant_id, now);
out:
	store_source_clear(&cur);
	return sq_tx_leave(s, &tx, r);
}

int
store_source_delete(struct store *s, const struct store_scope *sc, int64_t id,
    int64_t now, int64_t *removed)
{
	struct store_source cur = {0};
	int64_t n = 0;
	struct sq_tx tx;
	int r;

	if (sc == NULL)
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	struct drv_arg a[] = {A_INT(id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	if ((r = src_one(s, &q_get_w, a, NARGS(a), &cur)) != 0 ||
	    (r = sq_ind_lock(s, cur.tenant_id)) != 0)
		goto out;
	struct drv_arg b[] = {A_INT(id)};
	if ((r = sq_int1(s, &q_count, b, NARGS(b), &n)) != 0 ||
	    (r = sq_exec(s, &q_delete, b, NARGS(b), NULL)) != 0)
		goto out;
	/* The indicators go with it (ON DELETE CASCADE); they are of the
	 * source's scope or, for an MSP-wide source, of any: bumping the
	 * source's scope reaches every tenant they applied to. */
	if (n > 0)
		r = sq_ind_bump(s, cur.tenant_id, now);
out:
	store_source_clear(&cur);
	if ((r = sq_tx_leave(s, &tx, r)) != 0)
		return r;
	if (removed != NULL)
		*removed = n;
	return 0;
}

int
store_source_fetch_state(
    struct store *s, int64_t id, const struct store_source *st)
{
	int64_t n = 0;
	int r;

	if (st == NULL || !text_ok(st->etag, SRC_TEXT_MAX, 1) ||
	    !text_ok(st->last_modified, SRC_TEXT_MAX, 1) ||
	    (st->last_error != NULL &&
		strnlen(st->last_error, SRC_TEXT_MAX + 1) > SRC_TEXT_MAX) ||
	    (st->last_good_sha256 != NULL &&
		strlen(st->last_good_sha256) != 64))
		return RP_ERR_ARG;
	struct drv_arg a[] = {st->etag != NULL ? A_TEXT(st->etag) : A_NULL,
	    st->last_modified != NULL ? A_TEXT(st->last_modified) : A_NULL,
	    A_INT(st->last_fetch_at), A_INT(st->last_ok_at),
	    st->last_error != NULL ? A_TEXT(st->last_error) : A_NULL,
	    st->last_good_sha256 != NULL ? A_TEXT(st->last_good_sha256)
					 : A_NULL,
	    A_INT(id)};
	if ((r = sq_exec(s, &q_fetch, a, NARGS(a), &n)) != 0)
		return r;
	return n == 0 ? RP_ERR_NOTFOUND : 0;
}
