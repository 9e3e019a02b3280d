/*
 * The audit log in the store: entries chained by audit_hash, and the
 * head (last seq and hash) in a one-row table written in the same
 * transaction as the entry, so the head and the chain never disagree.
 * Appends are serialised: on SQLite by the write lock BEGIN IMMEDIATE
 * takes, on PostgreSQL by a transaction-scoped advisory lock taken
 * before the head is read, so two appends never chain to the same entry.
 * Reads are filtered pages (store_audit_find) and the server's own walk
 * of the chain (store_audit_verify).
 */
#include <stdint.h>
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

/*
 * Filtered pages.  Each filter has a flag argument that, when 0, makes
 * its condition true, so one prepared statement per order serves every
 * combination.  The walk follows the seq key and stops at the LIMIT: a
 * filter that keeps many entries reads few rows per page, and one that
 * keeps few reads the log from the cursor on, once over all its pages
 * (measured at a million entries: about half a second for such a page
 * on SQLite and on PostgreSQL, under a millisecond for a common one).
 * Indexes on the filtered columns would not serve the flagged
 * conditions, nor the seq order, so there are none: appends stay cheap.
 * The prefix is compared with substr over its length (no LIKE, whose
 * '_' and '%' are wildcards and whose case folding differs by driver).
 */
#define AUDIT_FIND(order)                                                      \
	"SELECT seq, at, actor, address, action, tenant, target, outcome, "    \
	"detail, prev, hash FROM audit WHERE seq > ? AND seq < ?"              \
	" AND (? = 0 OR action = ?)"                                           \
	" AND (? = 0 OR substr(action, 1, CAST(? AS INTEGER)) = ?)"            \
	" AND (? = 0 OR actor = ?) AND (? = 0 OR tenant = ?)"                  \
	" AND (? = 0 OR outcome = ?) AND (? = 0 OR at >= ?)"                   \
	" AND (? = 0 OR at < ?) ORDER BY seq " order " LIMIT ?"
static struct drv_sql q_audit_find = DRV_SQL(AUDIT_FIND("ASC"));
static struct drv_sql q_audit_find_desc = DRV_SQL(AUDIT_FIND("DESC"));

/* Newest first: the cursor is the upper bound, a[1]. */
static const struct sq_rows entry_rows_desc = {
    sizeof(struct audit_entry), 1, entry_row, entry_clear};

/* Fills a[at], a[at + 1] with an optional text filter's flag and value. */
static void
opt_text(struct drv_arg *a, size_t at, const char *v)
{
	a[at] = A_INT(v != NULL ? 1 : 0);
	a[at + 1] = A_TEXT(v != NULL ? v : "");
}

int
store_audit_find(struct store *s, const struct store_audit_filter *f,
    const struct store_page *pg, struct audit_entry **v, size_t *n, int *more)
{
	struct store_page p = {.after = 0, .limit = STORE_PAGE_MAX};
	const char *act = f->action, *pre = NULL;
	size_t plen = 0;
	struct drv_arg a[18];

	if (pg != NULL)
		p = *pg;
	if (act != NULL && (plen = strlen(act)) > 0 && act[plen - 1] == '.') {
		pre = act;
		act = NULL;
	}
	if (plen > INT32_MAX)
		return RP_ERR_ARG;
	a[0] = A_INT(0);
	a[1] = A_INT(INT64_MAX);
	opt_text(a, 2, act);
	a[4] = A_INT(pre != NULL ? (int64_t)plen : 0);
	a[5] = a[4];
	a[6] = A_TEXT(pre != NULL ? pre : "");
	opt_text(a, 7, f->actor);
	opt_text(a, 9, f->tenant);
	opt_text(a, 11, f->outcome);
	opt_text(a, 13, f->since);
	opt_text(a, 15, f->until);
	if (!f->desc)
		return sq_list(s, &q_audit_find, a, NARGS(a), &p, &entry_rows,
		    (void **)v, n, more);
	if (p.after == 0)
		p.after = INT64_MAX;
	return sq_list(s, &q_audit_find_desc, a, NARGS(a), &p, &entry_rows_desc,
	    (void **)v, n, more);
}

/*
 * One page of the verifying walk, read with the head in one snapshot.
 * An entry past that head was not appended by the server (it moves the
 * head in the entry's transaction): an insertion, as rampart audit
 * verify calls it.  An entry past head (the head when the walk began)
 * but within the page's head was appended during the walk: the walk
 * ends there.  *done is set when nothing is left to read.
 */
static int
verify_page(struct store *s, struct audit_verifier *v, int64_t head,
    struct store_page *pg, int *done)
{
	struct audit_entry *e = NULL;
	int64_t ph = 0;
	char phash[65];
	size_t n = 0, i;
	int more = 0, r;

	if ((r = store_begin_read(s)) != 0)
		return r;
	if ((r = store_audit_list(s, pg, &e, &n, &more)) == 0)
		r = store_audit_head(s, &ph, phash);
	store_rollback(s);
	if (r != 0) {
		audit_entries_free(e, n);
		return r;
	}
	for (i = 0; i < n; i++) {
		if (e[i].seq > ph) {
			v->problem = AUDIT_INSERTED;
			v->seq = e[i].seq;
			break;
		}
		if (e[i].seq > head || audit_verify_next(v, &e[i]) != AUDIT_OK)
			break;
	}
	*done = !more || i < n;
	if (n > 0)
		pg->after = e[n - 1].seq;
	audit_entries_free(e, n);
	return 0;
}

/*
 * The walk answers for the chain up to the head read first, in its own
 * statement.  Each page is then a short read transaction of its own:
 * on SQLite (WAL) a reader never blocks a writer, and a snapshot held
 * for the whole walk would keep the WAL from being checkpointed; on
 * PostgreSQL a long transaction would hold back vacuum.  Entries up to
 * that head are never rewritten by the server, so reading them from
 * different snapshots changes nothing; an append during the walk only
 * adds entries past the head, which the walk does not judge (the next
 * check will).  Memory is one page at a time.
 */
int
store_audit_verify(struct store *s, struct store_audit_check *out)
{
	struct store_page pg = {.after = 0, .limit = STORE_PAGE_MAX};
	struct audit_verifier v;
	int64_t head;
	char hash[65];
	int done = 0, r;

	if (s->in_tx)
		return RP_ERR_ARG;
	if ((r = store_audit_head(s, &head, hash)) != 0)
		return r;
	audit_verify_init(&v);
	while (!done)
		if ((r = verify_page(s, &v, head, &pg, &done)) != 0)
			return r;
	if (v.problem == AUDIT_OK)
		(void)audit_verify_end(&v, head, hash);
	out->head_seq = head;
	memcpy(out->head_hash, hash, sizeof(out->head_hash));
	out->entries = v.checked;
	out->problem = v.problem;
	out->seq = v.problem != AUDIT_OK ? v.seq : 0;
	return 0;
}
