/*
 * What authentication keeps: sessions and API tokens (stored by the hex
 * SHA-256 of their secret, never the secret), and the failed-login
 * counters that lock a user name or an address out for a while.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

/* --- sessions ------------------------------------------------------------ */

static struct drv_sql q_session_create =
    DRV_SQL("INSERT INTO sessions (token_hash, user_id, created_at, "
	    "last_seen, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
static struct drv_sql q_session_get =
    DRV_SQL("SELECT id, user_id, created_at, last_seen, expires_at "
	    "FROM sessions WHERE token_hash = ?");
static struct drv_sql q_session_touch =
    DRV_SQL("UPDATE sessions SET last_seen = ? WHERE id = ?");
static struct drv_sql q_session_delete =
    DRV_SQL("DELETE FROM sessions WHERE id = ?");
static struct drv_sql q_session_delete_user =
    DRV_SQL("DELETE FROM sessions WHERE user_id = ?");
static struct drv_sql q_session_delete_others =
    DRV_SQL("DELETE FROM sessions WHERE user_id = ? AND id <> ?");

int
store_session_create(struct store *s, const char *token_hash, int64_t user_id,
    int64_t now, int64_t expires_at, int64_t *id)
{
	if (token_hash == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(token_hash), A_INT(user_id), A_INT(now),
	    A_INT(now), A_INT(expires_at)};
	return sq_int1(s, &q_session_create, a, NARGS(a), id);
}

int
store_session_get(
    struct store *s, const char *token_hash, struct store_session *out)
{
	struct drv_cur c;
	int r;

	if (token_hash == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(token_hash)};
	if ((r = sq_row(s, &q_session_get, a, NARGS(a), &c)) != 0)
		return r;
	out->id = sq_int(&c, 0);
	out->user_id = sq_int(&c, 1);
	out->created_at = sq_int(&c, 2);
	out->last_seen = sq_int(&c, 3);
	out->expires_at = sq_int(&c, 4);
	sq_done(&c);
	return 0;
}

/* Runs a one-row update or delete: RP_ERR_NOTFOUND when no row. */
static int
change_one(
    struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t n)
{
	int64_t k = 0;
	int r;

	if ((r = sq_exec(s, q, a, n, &k)) != 0)
		return r;
	return k == 0 ? RP_ERR_NOTFOUND : 0;
}

int
store_session_touch(struct store *s, int64_t id, int64_t now)
{
	struct drv_arg a[] = {A_INT(now), A_INT(id)};

	return change_one(s, &q_session_touch, a, NARGS(a));
}

int
store_session_delete(struct store *s, int64_t id)
{
	struct drv_arg a[] = {A_INT(id)};

	return change_one(s, &q_session_delete, a, NARGS(a));
}

int
store_session_delete_user(struct store *s, int64_t user_id)
{
	struct drv_arg a[] = {A_INT(user_id)};

	return sq_exec(s, &q_session_delete_user, a, NARGS(a), NULL);
}

int
store_session_delete_others(struct store *s, int64_t user_id, int64_t keep)
{
	struct drv_arg a[] = {A_INT(user_id), A_INT(keep)};

	return sq_exec(s, &q_session_delete_others, a, NARGS(a), NULL);
}

/* --- API tokens ---------------------------------------------------------- */

#define TOKEN_COLS                                                             \
	"id, user_id, name, role, scope_id, created_at, expires_at, "          \
	"revoked_at, last_used"

static struct drv_sql q_token_create =
    DRV_SQL("INSERT INTO tokens (token_hash, user_id, name, role, scope_id, "
	    "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
	    "RETURNING id");
static struct drv_sql q_token_by_hash =
    DRV_SQL("SELECT " TOKEN_COLS " FROM tokens WHERE token_hash = ?");
static struct drv_sql q_token_get =
    DRV_SQL("SELECT " TOKEN_COLS " FROM tokens WHERE id = ?");
static struct drv_sql q_token_list =
    DRV_SQL("SELECT " TOKEN_COLS " FROM tokens WHERE id > ? "
	    "AND (? = 0 OR user_id = ?) ORDER BY id LIMIT ?");
static struct drv_sql q_token_revoke =
    DRV_SQL("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0");
static struct drv_sql q_token_exists =
    DRV_SQL("SELECT id FROM tokens WHERE id = ?");
static struct drv_sql q_token_touch =
    DRV_SQL("UPDATE tokens SET last_used = ? WHERE id = ?");

void
store_token_clear(struct store_token *t)
{
	if (t == NULL)
		return;
	free(t->name);
	t->name = NULL;
}

void
store_tokens_free(struct store_token *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_token_clear(&v[i]);
	free(v);
}

int
store_token_create(
    struct store *s, const char *token_hash, struct store_token *t)
{
	const char *role = store_role_name(t->role);
	int64_t id;
	int r;

	if (token_hash == NULL || role == NULL || t->name == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(token_hash), A_INT(t->user_id),
	    A_TEXT(t->name), A_TEXT(role), A_ID(t->scope_id),
	    A_INT(t->created_at), A_INT(t->expires_at)};
	if ((r = sq_int1(s, &q_token_create, a, NARGS(a), &id)) != 0)
		return r;
	t->id = id;
	t->revoked_at = 0;
	t->last_used = 0;
	return 0;
}

static int
read_token(struct drv_cur *c, struct store_token *t)
{
	int k;

	memset(t, 0, sizeof(*t));
	if ((k = store_role_from_name(c->s->ops->col_text(c, 3))) < 0)
		return RP_ERR_INVALID;
	t->id = sq_int(c, 0);
	t->user_id = sq_int(c, 1);
	t->role = (enum store_role)k;
	t->scope_id = sq_int(c, 4);
	t->created_at = sq_int(c, 5);
	t->expires_at = sq_int(c, 6);
	t->revoked_at = sq_int(c, 7);
	t->last_used = sq_int(c, 8);
	return sq_dup(c, 2, &t->name);
}

static int
token_one(struct store *s, struct drv_sql *q, struct drv_arg a,
    struct store_token *out)
{
	struct store_token t;
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, q, &a, 1, &c)) != 0)
		return r;
	r = read_token(&c, &t);
	sq_done(&c);
	if (r == 0)
		*out = t;
	return r;
}

int
store_token_by_hash(
    struct store *s, const char *token_hash, struct store_token *out)
{
	if (token_hash == NULL)
		return RP_ERR_ARG;
	return token_one(s, &q_token_by_hash, A_TEXT(token_hash), out);
}

int
store_token_get(struct store *s, int64_t id, struct store_token *out)
{
	return token_one(s, &q_token_get, A_INT(id), out);
}

static int
token_row(struct drv_cur *c, void *row)
{
	return read_token(c, row);
}

static void
token_clear(void *row)
{
	store_token_clear(row);
}

static const struct sq_rows token_rows = {
    sizeof(struct store_token), 0, token_row, token_clear};

int
store_token_list(struct store *s, int64_t user_id, const struct store_page *pg,
    struct store_token **v, size_t *n, int *more)
{
	struct drv_arg a[] = {A_NULL, A_INT(user_id), A_INT(user_id), A_NULL};

	return sq_list(s, &q_token_list, a, NARGS(a), pg, &token_rows,
	    (void **)v, n, more);
}

int
store_token_revoke(struct store *s, int64_t id, int64_t now)
{
	int64_t k = 0, x;
	int r;

	/* The first revocation's time stays: revoking again is no change. */
	struct drv_arg a[] = {A_INT(now), A_INT(id)};
	if ((r = sq_exec(s, &q_token_revoke, a, NARGS(a), &k)) != 0)
		return r;
	if (k > 0)
		return 0;
	struct drv_arg b[] = {A_INT(id)};
	return sq_int1(s, &q_token_exists, b, NARGS(b), &x);
}

int
store_token_touch(struct store *s, int64_t id, int64_t now)
{
	struct drv_arg a[] = {A_INT(now), A_INT(id)};

	return change_one(s, &q_token_touch, a, NARGS(a));
}

/* --- login throttling ---------------------------------------------------- */

/*
 * One row per key: the failures counted since window_start, and the end
 * of the current lock.  The window opens at the first failure and closes
 * `window` seconds later; a failure after that opens a new one.  Reaching
 * max locks the key and starts counting afresh, so after the lock the
 * next max failures lock it again.
 */
static struct drv_sql q_thr_get = DRV_SQL(
    "SELECT failures, window_start, locked_until FROM throttle WHERE key = ?");
static struct drv_sql q_thr_init =
    DRV_SQL("INSERT INTO throttle (key, failures, window_start, "
	    "locked_until) VALUES (?, 0, ?, 0) ON CONFLICT (key) DO NOTHING");
/* PostgreSQL locks the row until the transaction ends; SQLite's
 * BEGIN IMMEDIATE already holds the database's write lock. */
static struct drv_sql q_thr_lock = DRV_SQL2(
    "SELECT failures, window_start, locked_until FROM throttle WHERE key = ?",
    "SELECT failures, window_start, locked_until FROM throttle WHERE key = ? "
    "FOR UPDATE");
static struct drv_sql q_thr_set =
    DRV_SQL("UPDATE throttle SET failures = ?, window_start = ?, "
	    "locked_until = ? WHERE key = ?");
static struct drv_sql q_thr_reset =
    DRV_SQL("DELETE FROM throttle WHERE key = ?");

int
store_throttle_check(
    struct store *s, const char *key, int64_t now, int64_t *locked_until)
{
	struct drv_cur c;
	int64_t until = 0;
	int r;

	if (key == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(key)};
	r = sq_row(s, &q_thr_get, a, NARGS(a), &c);
	if (r == 0) {
		until = sq_int(&c, 2);
		sq_done(&c);
	} else if (r != RP_ERR_NOTFOUND) {
		return r;
	}
	if (locked_until != NULL)
		*locked_until = until > now ? until : 0;
	return 0;
}

int
store_throttle_fail(struct store *s, const char *key, int64_t now,
    int64_t window, int max, int64_t lock, int64_t *locked_until)
{
	int64_t failures, start, until = 0;
	struct drv_cur c;
	struct sq_tx tx;
	int r;

	if (key == NULL || window < 0 || max < 1 || lock < 0)
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	struct drv_arg a[] = {A_TEXT(key), A_INT(now)};
	if ((r = sq_exec(s, &q_thr_init, a, NARGS(a), NULL)) != 0 ||
	    (r = sq_row(s, &q_thr_lock, a, 1, &c)) != 0)
		goto out;
	failures = sq_int(&c, 0);
	start = sq_int(&c, 1);
	until = sq_int(&c, 2);
	sq_done(&c);
	if (failures == 0 || now - start >= window) {
		failures = 0;
		start = now;
	}
	if (until <= now)
		until = 0;
	if (++failures >= max) {
		until = now + lock;
		failures = 0;
		start = now;
	}
	struct drv_arg b[] = {
	    A_INT(failures), A_INT(start), A_INT(until), A_TEXT(key)};
	r = sq_exec(s, &q_thr_set, b, NARGS(b), NULL);
out:
	if ((r = sq_tx_leave(s, &tx, r)) == 0 && locked_until != NULL)
		*locked_until = until;
	return r;
}

int
store_throttle_reset(struct store *s, const char *key)
{
	if (key == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(key)};
	return sq_exec(s, &q_thr_reset, a, NARGS(a), NULL);
}
