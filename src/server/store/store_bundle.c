/*
 * Rules bundles rampartd builds for each tenant (docs/bundle.md, "From
 * the server"): the exact bytes with their SHA-256, when they were built
 * and what they hold.  The current bundle of a tenant is its newest row;
 * the STORE_BUNDLE_KEEP newest are kept so that a job naming a recent
 * hash can still be served.  Every lookup names the tenant, so another
 * tenant's bundle never leaves the store, even by its hash.  Also the
 * walk over the advisories a tenant sees, which the bundle is built from.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

#define BUNDLE_COLS "id, tenant_id, sha256, size, built_at, counts, advisories"

static struct drv_sql q_current =
    DRV_SQL("SELECT " BUNDLE_COLS ", CASE WHEN ? = 1 THEN body ELSE NULL END "
	    "FROM bundles WHERE tenant_id = ? ORDER BY id DESC LIMIT 1");
static struct drv_sql q_by_hash =
    DRV_SQL("SELECT " BUNDLE_COLS ", body FROM bundles "
	    "WHERE tenant_id = ? AND sha256 = ?");
static struct drv_sql q_drop_hash =
    DRV_SQL("DELETE FROM bundles WHERE tenant_id = ? AND sha256 = ?");
static struct drv_sql q_insert =
    DRV_SQL("INSERT INTO bundles (tenant_id, sha256, body, size, built_at, "
	    "counts, advisories) VALUES (?, ?, ?, ?, ?, ?, ?)");
static struct drv_sql q_prune =
    DRV_SQL("DELETE FROM bundles WHERE tenant_id = ? AND id NOT IN "
	    "(SELECT id FROM bundles WHERE tenant_id = ? "
	    "ORDER BY id DESC LIMIT ?)");
/* The advisories a tenant sees: MSP-wide, or listing it. */
static struct drv_sql q_adv_of_tenant =
    DRV_SQL("SELECT a.id, r.body FROM advisories a JOIN advisory_revisions r "
	    "ON r.advisory_id = a.id AND r.revision = a.latest "
	    "WHERE a.scope_all = 1 OR EXISTS (SELECT 1 FROM advisory_tenants t "
	    "WHERE t.advisory_id = a.id AND t.tenant_id = ?) ORDER BY a.id");

void
store_bundle_clear(struct store_bundle *b)
{
	if (b == NULL)
		return;
	free(b->body);
	free(b->counts);
	free(b->advisories);
	memset(b, 0, sizeof(*b));
}

/* One row of BUNDLE_COLS and the body (or NULL) into *b. */
static int
bundle_read(struct drv_cur *c, struct store_bundle *b)
{
	char *hash = NULL;
	int r;

	memset(b, 0, sizeof(*b));
	b->id = sq_int(c, 0);
	b->tenant_id = sq_int(c, 1);
	b->size = sq_int(c, 3);
	b->built_at = sq_int(c, 4);
	if ((r = sq_dup(c, 2, &hash)) != 0 ||
	    (r = sq_dup(c, 5, &b->counts)) != 0 ||
	    (r = sq_dup(c, 6, &b->advisories)) != 0 ||
	    (r = sq_dup0(c, 7, &b->body)) != 0) {
		free(hash);
		store_bundle_clear(b);
		return r;
	}
	if (strlen(hash) < sizeof(b->sha256))
		memcpy(b->sha256, hash, strlen(hash) + 1);
	free(hash);
	return 0;
}

/* The one row of q into *out. */
static int
bundle_one(struct store *s, struct drv_sql *q, const struct drv_arg *a,
    size_t n, struct store_bundle *out)
{
	struct store_bundle b;
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, q, a, n, &c)) != 0)
		return r;
	r = bundle_read(&c, &b);
	sq_done(&c);
	if (r != 0)
		return r;
	*out = b;
	return 0;
}

int
store_bundle_current(
    struct store *s, int64_t tenant, int with_body, struct store_bundle *out)
{
	struct drv_arg a[] = {A_INT(with_body ? 1 : 0), A_INT(tenant)};

	return bundle_one(s, &q_current, a, NARGS(a), out);
}

int
store_bundle_get(struct store *s, int64_t tenant, const char *sha256,
    struct store_bundle *out)
{
	if (sha256 == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_INT(tenant), A_TEXT(sha256)};
	return bundle_one(s, &q_by_hash, a, NARGS(a), out);
}

int
store_bundle_put(struct store *s, const struct store_bundle *in, int *changed)
{
	struct store_bundle cur;
	struct sq_tx tx;
	int r, same = 0;

	if (in->body == NULL || in->counts == NULL || in->advisories == NULL ||
	    strlen(in->sha256) != 64)
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	r = store_bundle_current(s, in->tenant_id, 0, &cur);
	if (r == 0) {
		same = strcmp(cur.sha256, in->sha256) == 0;
		store_bundle_clear(&cur);
	} else if (r == RP_ERR_NOTFOUND)
		r = 0;
	if (r != 0 || same)
		goto out;
	struct drv_arg a[] = {A_INT(in->tenant_id), A_TEXT(in->sha256)};
	if ((r = sq_exec(s, &q_drop_hash, a, NARGS(a), NULL)) != 0)
		goto out;
	struct drv_arg b[] = {A_INT(in->tenant_id), A_TEXT(in->sha256),
	    A_TEXT(in->body), A_INT((int64_t)strlen(in->body)),
	    A_INT(in->built_at), A_TEXT(in->counts), A_TEXT(in->advisories)};
	if ((r = sq_exec(s, &q_insert, b, NARGS(b), NULL)) != 0)
		goto out;
	struct drv_arg c[] = {A_INT(in->tenant_id), A_INT(in->tenant_id),
	    A_INT(STORE_BUNDLE_KEEP)};
	r = sq_exec(s, &q_prune, c, NARGS(c), NULL);
out:
	if ((r = sq_tx_leave(s, &tx, r)) != 0)
		return r;
	*changed = !same;
	return 0;
}

int
store_advisory_each_of_tenant(struct store *s, int64_t tenant,
    int (*fn)(int64_t id, const char *body, void *arg), void *arg)
{
	struct drv_cur c;
	char *body;
	int r;

	struct drv_arg a[] = {A_INT(tenant)};
	if ((r = sq_query(s, &q_adv_of_tenant, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		if ((r = sq_dup(&c, 1, &body)) != 0)
			break;
		r = fn(sq_int(&c, 0), body, arg);
		free(body);
		if (r != 0)
			break;
	}
	sq_done(&c);
	return r;
}
