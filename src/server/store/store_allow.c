/*
 * The allowlist guard's entries (store.h, "allowlist"): domains and
 * networks that must never be blocked, a tenant's or MSP-wide, grouped
 * by the list they came from.  A change advances the indicator version
 * of its scope, as the guard changes what the tenant's blocklists hold.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

#define ALLOW_VALUE_MAX 256
#define ALLOW_NAME_MAX 200
#define ALLOW_REASON_MAX 1024

#define ALLOW_COLS                                                             \
	"id, tenant_id, kind, value, list_name, reason, created_at, "          \
	"created_by"
#define ALLOW_VISIBLE "(tenant_id IS NULL OR " SCOPE_FILTER("tenant_id") ")"

static struct drv_sql q_insert =
    DRV_SQL("INSERT INTO allow_entries (tenant_id, scope, kind, value, "
	    "list_name, reason, created_at, created_by) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
static struct drv_sql q_get = DRV_SQL(
    "SELECT " ALLOW_COLS " FROM allow_entries WHERE id = ? AND " ALLOW_VISIBLE);
static struct drv_sql q_list = DRV_SQL(
    "SELECT " ALLOW_COLS " FROM allow_entries WHERE id > ? AND " ALLOW_VISIBLE
    " AND (? = 0 OR (? > 0 AND scope IN (0, ?)) "
    "OR (? < 0 AND scope = 0)) ORDER BY id LIMIT ?");
static struct drv_sql q_delete =
    DRV_SQL("DELETE FROM allow_entries WHERE id = ? AND " SCOPE_FILTER(
	"tenant_id") " RETURNING scope");
static struct drv_sql q_each =
    DRV_SQL("SELECT " ALLOW_COLS
	    " FROM allow_entries WHERE scope IN (0, ?) ORDER BY id");

static struct drv_sql q_drop_list =
    DRV_SQL("DELETE FROM allow_entries WHERE scope = ? AND list_name = ?");
static struct drv_sql q_insert_once =
    DRV_SQL("INSERT INTO allow_entries (tenant_id, scope, kind, value, "
	    "list_name, reason, created_at, created_by) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");

static const char *const kinds[] = {"domain", "cidr", NULL};

void
store_allow_clear(struct store_allow *a)
{
	if (a == NULL)
		return;
	free(a->kind);
	free(a->value);
	free(a->list_name);
	free(a->reason);
	free(a->created_by);
	memset(a, 0, sizeof(*a));
}

void
store_allows_free(struct store_allow *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_allow_clear(&v[i]);
	free(v);
}

static int
allow_read(struct drv_cur *c, void *row)
{
	struct store_allow *a = row;
	int r;

	memset(a, 0, sizeof(*a));
	a->id = sq_int(c, 0);
	a->tenant_id = sq_int(c, 1);
	a->created_at = sq_int(c, 6);
	if ((r = sq_dup(c, 2, &a->kind)) != 0 ||
	    (r = sq_dup(c, 3, &a->value)) != 0 ||
	    (r = sq_dup(c, 4, &a->list_name)) != 0 ||
	    (r = sq_dup(c, 5, &a->reason)) != 0 ||
	    (r = sq_dup(c, 7, &a->created_by)) != 0) {
		store_allow_clear(a);
		return r;
	}
	return 0;
}

static void
allow_clear(void *row)
{
	store_allow_clear(row);
}

static const struct sq_rows allow_rows = {
    .size = sizeof(struct store_allow),
    .after_at = 0,
    .read = allow_read,
    .clear = allow_clear,
};

static int
text_ok(const char *v, size_t max)
{
	size_t n, i;

	if (v == NULL || (n = strnlen(v, max + 1)) > max)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return 1;
}

int
store_allow_add(struct store *s, const struct store_scope *sc,
    const struct store_allow *in, int64_t now, int64_t *id)
{
	struct sq_tx tx;
	int64_t rid = 0;
	int r;

	if (in == NULL || !sq_in_set(in->kind, kinds) ||
	    !text_ok(in->value, ALLOW_VALUE_MAX) || in->value[0] == '\0' ||
	    !text_ok(in->list_name, ALLOW_NAME_MAX) ||
	    !text_ok(in->reason, ALLOW_REASON_MAX) ||
	    !text_ok(in->created_by, ALLOW_NAME_MAX) || in->tenant_id < 0)
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	if ((r = sq_writable(s, sc, in->tenant_id)) != 0 ||
	    (r = sq_ind_lock(s, in->tenant_id)) != 0)
		goto out;
	struct drv_arg a[] = {A_ID(in->tenant_id), A_INT(in->tenant_id),
	    A_TEXT(in->kind), A_TEXT(in->value), A_TEXT(in->list_name),
	    A_TEXT(in->reason), A_INT(now), A_TEXT(in->created_by)};
	if ((r = sq_int1(s, &q_insert, a, NARGS(a), &rid)) != 0)
		goto out;
	r = sq_ind_bump(s, in->tenant_id, now);
out:
	if ((r = sq_tx_leave(s, &tx, r)) != 0)
		return r;
	*id = rid;
	return 0;
}

int
store_allow_get(struct store *s, const struct store_scope *sc, int64_t id,
    struct store_allow *out)
{
	struct store_allow a;
	struct drv_cur c;
	int r;

	if (sc == NULL)
		return RP_ERR_ARG;
	struct drv_arg q[] = {A_INT(id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	if ((r = sq_row(s, &q_get, q, NARGS(q), &c)) != 0)
		return r;
	r = allow_read(&c, &a);
	sq_done(&c);
	if (r != 0)
		return r;
	*out = a;
	return 0;
}

int
store_allow_list(struct store *s, const struct store_scope *sc, int64_t tenant,
    const struct store_page *pg, struct store_allow **v, size_t *n, int *more)
{
	void *rows = NULL;
	int r;

	*v = NULL;
	if (sc == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_NULL, A_SCOPE_ALL(sc), A_SCOPE_ID(sc),
	    A_INT(tenant), A_INT(tenant), A_INT(tenant), A_INT(tenant), A_NULL};
	if ((r = sq_list(s, &q_list, a, NARGS(a), pg, &allow_rows, &rows, n,
		 more)) != 0)
		return r;
	*v = rows;
	return 0;
}

int
store_allow_delete(
    struct store *s, const struct store_scope *sc, int64_t id, int64_t now)
{
	struct sq_tx tx;
	int64_t scope = 0;
	int r;

	if (sc == NULL)
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	struct drv_arg a[] = {A_INT(id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	if ((r = sq_int1(s, &q_delete, a, NARGS(a), &scope)) == 0)
		r = sq_ind_bump(s, scope, now);
	return sq_tx_leave(s, &tx, r);
}

int
store_allow_each(struct store *s, int64_t tenant,
    int (*fn)(const struct store_allow *a, void *arg), void *arg)
{
	struct store_allow a;
	struct drv_cur c;
	int r;

	if (fn == NULL || tenant < 0)
		return RP_ERR_ARG;
	struct drv_arg q[] = {A_INT(tenant)};
	if ((r = sq_query(s, &q_each, q, NARGS(q), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		memset(&a, 0, sizeof(a));
		a.id = sq_int(&c, 0);
		a.tenant_id = sq_int(&c, 1);
		a.kind = (char *)s->ops->col_text(&c, 2);
		a.value = (char *)s->ops->col_text(&c, 3);
		a.list_name = (char *)s->ops->col_text(&c, 4);
		a.reason = (char *)s->ops->col_text(&c, 5);
		a.created_at = sq_int(&c, 6);
		a.created_by = (char *)s->ops->col_text(&c, 7);
		if ((r = fn(&a, arg)) != 0)
			break;
	}
	sq_done(&c);
	return r;
}

static int
allow_ok(const struct store_allow *in)
{
	return sq_in_set(in->kind, kinds) &&
	    text_ok(in->value, ALLOW_VALUE_MAX) && in->value[0] != '\0' &&
	    text_ok(in->reason, ALLOW_REASON_MAX) &&
	    text_ok(in->created_by, ALLOW_NAME_MAX);
}

int
store_allow_replace(struct store *s, const struct store_scope *sc,
    int64_t tenant, const char *list_name, const struct store_allow *v,
    size_t n, int64_t now, int64_t *removed, int64_t *added)
{
	struct sq_tx tx;
	int64_t gone = 0, ch, put = 0;
	size_t i;
	int r;

	if (sc == NULL || tenant < 0 || (v == NULL && n > 0) ||
	    !text_ok(list_name, ALLOW_NAME_MAX) || list_name[0] == '\0')
		return RP_ERR_ARG;
	for (i = 0; i < n; i++)
		if (!allow_ok(&v[i]))
			return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	if ((r = sq_writable(s, sc, tenant)) != 0 ||
	    (r = sq_ind_lock(s, tenant)) != 0)
		goto out;
	struct drv_arg d[] = {A_INT(tenant), A_TEXT(list_name)};
	if ((r = sq_exec(s, &q_drop_list, d, NARGS(d), &gone)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		struct drv_arg a[] = {A_ID(tenant), A_INT(tenant),
		    A_TEXT(v[i].kind), A_TEXT(v[i].value), A_TEXT(list_name),
		    A_TEXT(v[i].reason), A_INT(now), A_TEXT(v[i].created_by)};
		ch = 0;
		if ((r = sq_exec(s, &q_insert_once, a, NARGS(a), &ch)) != 0)
			goto out;
		put += ch;
	}
	r = sq_ind_bump(s, tenant, now);
out:
	if ((r = sq_tx_leave(s, &tx, r)) != 0)
		return r;
	*removed = gone;
	*added = put;
	return 0;
}
