/*
 * Tenants and scopes.  A scope row lists the tenants a principal may see;
 * every query returning tenant data filters by the caller's scope in SQL
 * (SCOPE_FILTER), so rows of other tenants never leave the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

/* Most tenants one scope lists. */
#define SCOPE_MAX 100000

static struct drv_sql q_tenant_create =
    DRV_SQL("INSERT INTO tenants (slug, name, created_at) "
	    "VALUES (?, ?, ?) RETURNING id");
static struct drv_sql q_tenant_get =
    DRV_SQL("SELECT id, slug, name, created_at FROM tenants "
	    "WHERE slug = ? AND " SCOPE_FILTER("id"));
static struct drv_sql q_tenant_by_id =
    DRV_SQL("SELECT id, slug, name, created_at FROM tenants "
	    "WHERE id = ? AND " SCOPE_FILTER("id"));
static struct drv_sql q_tenant_rename =
    DRV_SQL("UPDATE tenants SET name = ? WHERE id = ?");
static struct drv_sql q_tenant_list =
    DRV_SQL("SELECT id, slug, name, created_at FROM tenants "
	    "WHERE id > ? AND " SCOPE_FILTER("id") " ORDER BY id LIMIT ?");
static struct drv_sql q_tenant_ids =
    DRV_SQL("SELECT id FROM tenants ORDER BY id");
static struct drv_sql q_scope_new =
    DRV_SQL("INSERT INTO scopes DEFAULT VALUES RETURNING id");
static struct drv_sql q_scope_exists =
    DRV_SQL("SELECT id FROM scopes WHERE id = ?");
static struct drv_sql q_scope_clear =
    DRV_SQL("DELETE FROM scope_tenants WHERE scope_id = ?");
static struct drv_sql q_scope_add =
    DRV_SQL("INSERT INTO scope_tenants (scope_id, tenant_id) VALUES (?, ?) "
	    "ON CONFLICT DO NOTHING");
static struct drv_sql q_scope_tenants =
    DRV_SQL("SELECT tenant_id FROM scope_tenants WHERE scope_id = ? "
	    "ORDER BY tenant_id");
static struct drv_sql q_scope_has =
    DRV_SQL("SELECT id FROM tenants WHERE id = ? AND " SCOPE_FILTER("id"));

void
store_tenant_clear(struct store_tenant *t)
{
	if (t == NULL)
		return;
	free(t->slug);
	free(t->name);
	t->slug = t->name = NULL;
}

void
store_tenants_free(struct store_tenant *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_tenant_clear(&v[i]);
	free(v);
}

/* A slug is 1..63 of [a-z0-9-], not starting with '-': it names the
 * tenant in URLs and file names. */
static int
slug_ok(const char *slug)
{
	size_t i, n;

	if (slug == NULL || (n = strlen(slug)) == 0 || n > 63 || slug[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char ch = slug[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			ch == '-'))
			return 0;
	}
	return 1;
}

int
store_tenant_create(
    struct store *s, const char *slug, const char *name, int64_t *id)
{
	if (!slug_ok(slug) || name == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(slug), A_TEXT(name), A_INT(sq_now())};
	return sq_int1(s, &q_tenant_create, a, NARGS(a), id);
}

static int
read_tenant(struct drv_cur *c, struct store_tenant *t)
{
	int r;

	memset(t, 0, sizeof(*t));
	t->id = sq_int(c, 0);
	t->created_at = sq_int(c, 3);
	if ((r = sq_dup(c, 1, &t->slug)) != 0 ||
	    (r = sq_dup(c, 2, &t->name)) != 0)
		store_tenant_clear(t);
	return r;
}

/* The one row of q (a[0] the key, then the scope) into *out. */
static int
tenant_one(struct store *s, struct drv_sql *q, struct drv_arg key,
    const struct store_scope *sc, struct store_tenant *out)
{
	struct drv_cur c;
	struct store_tenant t;
	int r;

	struct drv_arg a[] = {key, A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	if ((r = sq_row(s, q, a, NARGS(a), &c)) != 0)
		return r;
	r = read_tenant(&c, &t);
	sq_done(&c);
	if (r == 0)
		*out = t;
	return r;
}

int
store_tenant_get(struct store *s, const struct store_scope *sc,
    const char *slug, struct store_tenant *out)
{
	if (sc == NULL || slug == NULL)
		return RP_ERR_ARG;
	return tenant_one(s, &q_tenant_get, A_TEXT(slug), sc, out);
}

int
store_tenant_by_id(struct store *s, const struct store_scope *sc, int64_t id,
    struct store_tenant *out)
{
	if (sc == NULL)
		return RP_ERR_ARG;
	return tenant_one(s, &q_tenant_by_id, A_INT(id), sc, out);
}

static struct drv_sql q_response_get =
    DRV_SQL("SELECT response FROM tenants WHERE id = ?");
static struct drv_sql q_response_set =
    DRV_SQL("UPDATE tenants SET response = ? WHERE id = ?");
static struct drv_sql q_approval_get =
    DRV_SQL("SELECT approval_hosts FROM tenants WHERE id = ?");
static struct drv_sql q_approval_set =
    DRV_SQL("UPDATE tenants SET approval_hosts = ? WHERE id = ?");

int
store_tenant_approval_hosts(struct store *s, int64_t id, int64_t *out)
{
	struct drv_arg a[] = {A_INT(id)};

	return sq_int1(s, &q_approval_get, a, NARGS(a), out);
}

int
store_tenant_set_approval_hosts(struct store *s, int64_t id, int64_t n)
{
	struct drv_arg a[] = {A_INT(n), A_INT(id)};
	int64_t k = 0;
	int r;

	if (n < -1)
		return RP_ERR_ARG;
	if ((r = sq_exec(s, &q_approval_set, a, NARGS(a), &k)) != 0)
		return r;
	return k == 0 ? RP_ERR_NOTFOUND : 0;
}

int
store_tenant_response(struct store *s, int64_t id, char out[16])
{
	struct drv_arg a[] = {A_INT(id)};
	struct drv_cur c;
	const char *v;
	int r;

	if ((r = sq_row(s, &q_response_get, a, NARGS(a), &c)) != 0)
		return r;
	v = c.s->ops->col_text(&c, 0);
	snprintf(out, 16, "%s", v != NULL ? v : TENANT_RESPONSE_OFF);
	sq_done(&c);
	return 0;
}

int
store_tenant_set_response(struct store *s, int64_t id, const char *v)
{
	int64_t n = 0;
	int r;

	if (v == NULL ||
	    (strcmp(v, TENANT_RESPONSE_OFF) != 0 &&
		strcmp(v, TENANT_RESPONSE_SWEEP) != 0 &&
		strcmp(v, TENANT_RESPONSE_QUARANTINE) != 0))
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(v), A_INT(id)};
	if ((r = sq_exec(s, &q_response_set, a, NARGS(a), &n)) != 0)
		return r;
	return n == 0 ? RP_ERR_NOTFOUND : 0;
}

int
store_tenant_rename(struct store *s, int64_t id, const char *name)
{
	int64_t n = 0;
	int r;

	if (name == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(name), A_INT(id)};
	if ((r = sq_exec(s, &q_tenant_rename, a, NARGS(a), &n)) != 0)
		return r;
	return n == 0 ? RP_ERR_NOTFOUND : 0;
}

static int
tenant_row(struct drv_cur *c, void *row)
{
	return read_tenant(c, row);
}

static void
tenant_clear(void *row)
{
	store_tenant_clear(row);
}

static const struct sq_rows tenant_rows = {
    sizeof(struct store_tenant), 0, tenant_row, tenant_clear};

int
store_tenant_list(struct store *s, const struct store_scope *sc,
    const struct store_page *pg, struct store_tenant **v, size_t *n, int *more)
{
	*v = NULL;
	*n = 0;
	*more = 0;
	if (sc == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_NULL, A_SCOPE_ALL(sc), A_SCOPE_ID(sc), A_NULL};
	return sq_list(s, &q_tenant_list, a, NARGS(a), pg, &tenant_rows,
	    (void **)v, n, more);
}

int
store_scope_new(struct store *s, int64_t *id)
{
	return sq_int1(s, &q_scope_new, NULL, 0, id);
}

static int
scope_exists(struct store *s, int64_t id)
{
	struct drv_arg a[] = {A_INT(id)};
	int64_t x;

	return sq_int1(s, &q_scope_exists, a, NARGS(a), &x);
}

int
store_scope_set(struct store *s, int64_t id, const int64_t *tenants, size_t n)
{
	struct sq_tx tx;
	size_t i;
	int r;

	if (n > SCOPE_MAX || (n > 0 && tenants == NULL))
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	struct drv_arg a[] = {A_INT(id)};
	if ((r = scope_exists(s, id)) != 0 ||
	    (r = sq_exec(s, &q_scope_clear, a, NARGS(a), NULL)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		struct drv_arg b[] = {A_INT(id), A_INT(tenants[i])};
		/* A tenant that does not exist fails its foreign key. */
		if ((r = sq_exec(s, &q_scope_add, b, NARGS(b), NULL)) != 0)
			goto out;
	}
out:
	return sq_tx_leave(s, &tx, r);
}

/* The ids q returns (first column), at most SCOPE_MAX. */
static int
read_ids(struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t na,
    int64_t **v, size_t *n)
{
	int64_t *ids = NULL;
	struct drv_cur c;
	size_t k = 0, cap = 0;
	int r;

	if ((r = sq_query(s, q, a, na, &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		r = sq_grow(
		    (void **)&ids, &cap, k + 1, sizeof(*ids), SCOPE_MAX);
		if (r != 0)
			break;
		ids[k++] = sq_int(&c, 0);
	}
	sq_done(&c);
	if (r != 0) {
		free(ids);
		return r;
	}
	*v = ids;
	*n = k;
	return 0;
}

int
store_scope_tenants(struct store *s, int64_t id, int64_t **v, size_t *n)
{
	int r;

	*v = NULL;
	*n = 0;
	if ((r = scope_exists(s, id)) != 0)
		return r;
	struct drv_arg a[] = {A_INT(id)};
	return read_ids(s, &q_scope_tenants, a, NARGS(a), v, n);
}

int
store_tenant_ids(struct store *s, int64_t **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	return read_ids(s, &q_tenant_ids, NULL, 0, v, n);
}

int
store_scope_has(struct store *s, const struct store_scope *sc, int64_t tenant)
{
	int64_t x;
	int r;

	if (sc == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_INT(tenant), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	r = sq_int1(s, &q_scope_has, a, NARGS(a), &x);
	if (r == RP_ERR_NOTFOUND)
		return 0;
	return r == 0 ? 1 : r;
}
