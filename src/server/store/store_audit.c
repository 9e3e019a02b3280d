/*
 * The audit log in the store: entries chained by audit_hash, and the
 * head (last seq and hash) in a one-row table written in the same
 * transaction as the entry, so the head and the chain never disagree.
 * Appends are serialised: on SQLite by the write lock BEGIN IMMEDIATE
 * takes, on PostgreSQL by a transaction-scoped advisory lock taken
 * before the head is read, so two appends never chain to the same entry.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

/* Most audit entries one page returns is STORE_PAGE_MAX. */

static struct drv_sql q_audit_lock =
    DRV_SQL("SELECT pg_advisory_xact_lock(5262160002)");
static struct drv_sql q_head =
    DRV_SQL("SELECT seq, hash FROM audit_head WHERE id = 1");
static struct drv_sql q_head_set =
    DRV_SQL("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1");
static struct drv_sql q_audit_insert =
    DRV_SQL("INSERT INTO audit (seq, at, actor, address, action, tenant, "
	    "target, outcome, detail, prev, hash) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
static struct drv_sql q_audit_list =
    DRV_SQL("SELECT seq, at, actor, address, action, tenant, target, "
	    "outcome, detail, prev, hash FROM audit WHERE seq > ? "
	    "ORDER BY seq LIMIT ?");

/* Copies a hash column into a 65-byte array. */
static void
copy_hash(struct drv_cur *c, int col, char out[65])
{
	const char *t = c->s->ops->col_text(c, col);
	size_t n = strnlen(t, 64);

	memcpy(out, t, n);
	out[n] = '\0';
}

int
store_audit_head(struct store *s, int64_t *seq, char hash[65])
{
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, &q_head, NULL, 0, &c)) != 0)
		return r;
	*seq = sq_int(&c, 0);
	copy_hash(&c, 1, hash);
	sq_done(&c);
	return 0;
}

/* NULL fields are recorded (and hashed) as "". */
static const char *
field(const char *s)
{
	return s != NULL ? s : "";
}

int
store_audit_append(struct store *s, struct audit_entry *e)
{
	struct audit_entry x;
	struct sq_tx tx;
	int r;

	if (strnlen(e->at, sizeof(e->at)) == sizeof(e->at))
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	if (s->ops->kind == STORE_PG &&
	    (r = sq_exec(s, &q_audit_lock, NULL, 0, NULL)) != 0)
		goto out;
	x = *e;
	if ((r = store_audit_head(s, &x.seq, x.prev)) != 0)
		goto out;
	x.seq++;
	x.actor = (char *)field(e->actor);
	x.address = (char *)field(e->address);
	x.action = (char *)field(e->action);
	x.tenant = (char *)field(e->tenant);
	x.target = (char *)field(e->target);
	x.outcome = (char *)field(e->outcome);
	x.detail = (char *)field(e->detail);
	if ((r = audit_hash(&x, x.hash)) != 0)
		goto out;
	struct drv_arg a[] = {A_INT(x.seq), A_TEXT(x.at), A_TEXT(x.actor),
	    A_TEXT(x.address), A_TEXT(x.action), A_TEXT(x.tenant),
	    A_TEXT(x.target), A_TEXT(x.outcome), A_TEXT(x.detail),
	    A_TEXT(x.prev), A_TEXT(x.hash)};
	struct drv_arg b[] = {A_INT(x.seq), A_TEXT(x.hash)};
	if ((r = sq_exec(s, &q_audit_insert, a, NARGS(a), NULL)) != 0 ||
	    (r = sq_exec(s, &q_head_set, b, NARGS(b), NULL)) != 0)
		goto out;
out:
	if ((r = sq_tx_leave(s, &tx, r)) != 0)
		return r;
	e->seq = x.seq;
	memcpy(e->prev, x.prev, sizeof(e->prev));
	memcpy(e->hash, x.hash, sizeof(e->hash));
	return 0;
}

static int
read_entry(struct drv_cur *c, struct audit_entry *e)
{
	const char *at = c->s->ops->col_text(c, 1);
	size_t n = strnlen(at, sizeof(e->at) - 1);
	int r;

	memset(e, 0, sizeof(*e));
	e->seq = sq_int(c, 0);
	memcpy(e->at, at, n);
	copy_hash(c, 9, e->prev);
	copy_hash(c, 10, e->hash);
	if ((r = sq_dup(c, 2, &e->actor)) != 0 ||
	    (r = sq_dup(c, 3, &e->address)) != 0 ||
	    (r = sq_dup(c, 4, &e->action)) != 0 ||
	    (r = sq_dup(c, 5, &e->tenant)) != 0 ||
	    (r = sq_dup(c, 6, &e->target)) != 0 ||
	    (r = sq_dup(c, 7, &e->outcome)) != 0 ||
	    (r = sq_dup(c, 8, &e->detail)) != 0)
		audit_entry_clear(e);
	return r;
}

static int
entry_row(struct drv_cur *c, void *row)
{
	return read_entry(c, row);
}

static void
entry_clear(void *row)
{
	audit_entry_clear(row);
}

static const struct sq_rows entry_rows = {
    sizeof(struct audit_entry), 0, entry_row, entry_clear};

int
store_audit_list(struct store *s, const struct store_page *pg,
    struct audit_entry **v, size_t *n, int *more)
{
	struct drv_arg a[2];

	return sq_list(s, &q_audit_list, a, NARGS(a), pg, &entry_rows,
	    (void **)v, n, more);
}
