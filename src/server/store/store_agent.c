/*
 * What agent enrolment keeps: enrolment tokens (by the hex SHA-256 of
 * their secret, never the secret), enrolled agents with their public
 * keys, and the nonces of agents' signed requests, remembered long
 * enough that a replayed request meets its nonce.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

/* --- enrolment tokens ---------------------------------------------------- */

#define ET_COLS                                                                \
	"id, tenant_id, name, uses, used, created_at, created_by, "            \
	"expires_at, revoked_at"

static struct drv_sql q_et_create =
    DRV_SQL("INSERT INTO enroll_tokens (tenant_id, name, secret_hash, uses, "
	    "created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
	    "RETURNING id");
static struct drv_sql q_et_get =
    DRV_SQL("SELECT " ET_COLS
	    " FROM enroll_tokens WHERE id = ? AND " SCOPE_FILTER("tenant_id"));
static struct drv_sql q_et_list = DRV_SQL(
    "SELECT " ET_COLS " FROM enroll_tokens WHERE id > ? AND "
    "tenant_id = ? AND " SCOPE_FILTER("tenant_id") " ORDER BY id LIMIT ?");
static struct drv_sql q_et_revoke =
    DRV_SQL("UPDATE enroll_tokens SET revoked_at = ? WHERE id = ? AND "
	    "revoked_at = 0");
static struct drv_sql q_et_exists =
    DRV_SQL("SELECT id FROM enroll_tokens WHERE id = ?");
/* The checks and the count in one statement: PostgreSQL re-checks the
 * WHERE clause on the row it waited for, SQLite holds the write lock. */
static struct drv_sql q_et_use = DRV_SQL(
    "UPDATE enroll_tokens SET used = used + 1 WHERE secret_hash = ? "
    "AND revoked_at = 0 AND expires_at > ? AND (uses = 0 OR used < uses) "
    "RETURNING " ET_COLS);

void
store_enroll_token_clear(struct store_enroll_token *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->created_by);
	t->name = t->created_by = NULL;
}

void
store_enroll_tokens_free(struct store_enroll_token *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_enroll_token_clear(&v[i]);
	free(v);
}

int
store_enroll_token_create(
    struct store *s, const char *secret_hash, struct store_enroll_token *t)
{
	int64_t id;
	int r;

	if (secret_hash == NULL || t->name == NULL || t->created_by == NULL ||
	    t->uses < 0)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_INT(t->tenant_id), A_TEXT(t->name),
	    A_TEXT(secret_hash), A_INT(t->uses), A_INT(t->created_at),
	    A_TEXT(t->created_by), A_INT(t->expires_at)};
	if ((r = sq_int1(s, &q_et_create, a, NARGS(a), &id)) != 0)
		return r;
	t->id = id;
	t->used = 0;
	t->revoked_at = 0;
	return 0;
}

static int
read_et(struct drv_cur *c, void *row)
{
	struct store_enroll_token *t = row;
	int r;

	memset(t, 0, sizeof(*t));
	t->id = sq_int(c, 0);
	t->tenant_id = sq_int(c, 1);
	t->uses = sq_int(c, 3);
	t->used = sq_int(c, 4);
	t->created_at = sq_int(c, 5);
	t->expires_at = sq_int(c, 7);
	t->revoked_at = sq_int(c, 8);
	if ((r = sq_dup(c, 2, &t->name)) != 0 ||
	    (r = sq_dup(c, 6, &t->created_by)) != 0)
		store_enroll_token_clear(t);
	return r;
}

static void
clear_et(void *row)
{
	store_enroll_token_clear(row);
}

static const struct sq_rows et_rows = {
    sizeof(struct store_enroll_token), 0, read_et, clear_et};

/* The one row of q into *out. */
static int
et_one(struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t n,
    struct store_enroll_token *out)
{
	struct store_enroll_token t;
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, q, a, n, &c)) != 0)
		return r;
	r = read_et(&c, &t);
	sq_done(&c);
	if (r == 0)
		*out = t;
	return r;
}

int
store_enroll_token_get(struct store *s, const struct store_scope *sc,
    int64_t id, struct store_enroll_token *out)
{
	struct drv_arg a[] = {A_INT(id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};

	return et_one(s, &q_et_get, a, NARGS(a), out);
}

int
store_enroll_token_list(struct store *s, const struct store_scope *sc,
    int64_t tenant_id, const struct store_page *pg,
    struct store_enroll_token **v, size_t *n, int *more)
{
	struct drv_arg a[] = {
	    A_NULL, A_INT(tenant_id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc), A_NULL};

	return sq_list(
	    s, &q_et_list, a, NARGS(a), pg, &et_rows, (void **)v, n, more);
}

/* Sets revoked_at once: a second revocation changes nothing, and is
 * RP_ERR_NOTFOUND only when the row does not exist. */
static int
revoke_once(struct store *s, struct drv_sql *q, struct drv_sql *exists,
    struct drv_arg now, struct drv_arg key)
{
	int64_t k = 0;
	struct drv_cur c;
	int r;

	struct drv_arg a[] = {now, key};
	if ((r = sq_exec(s, q, a, NARGS(a), &k)) != 0)
		return r;
	if (k > 0)
		return 0;
	if ((r = sq_row(s, exists, &key, 1, &c)) != 0)
		return r;
	sq_done(&c);
	return 0;
}

int
store_enroll_token_revoke(struct store *s, int64_t id, int64_t now)
{
	return revoke_once(
	    s, &q_et_revoke, &q_et_exists, A_INT(now), A_INT(id));
}

int
store_enroll_use(struct store *s, const char *secret_hash, int64_t now,
    struct store_enroll_token *out)
{
	if (secret_hash == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(secret_hash), A_INT(now)};
	return et_one(s, &q_et_use, a, NARGS(a), out);
}

/* --- agents -------------------------------------------------------------- */

/* An agent as shown: its row, its tenant's slug and its most urgent open
 * verdict (one seek in findings_host_open per agent). */
#define AGENT_COLS                                                             \
	"a.seq, a.id, a.tenant_id, a.public_key, a.hostname, a.os, "           \
	"a.agent_version, a.enrolled_at, a.last_seen, a.token_id, "            \
	"a.revoked_at, a.last_upload, a.inventory, a.inventory_at, "           \
	"a.software, a.os_version, a.arch, t.slug, (SELECT MAX(f.verdict) "    \
	"FROM findings f WHERE f.agent_seq = a.seq AND f.open = 1)"
#define AGENT_FROM " FROM agents a JOIN tenants t ON t.id = a.tenant_id"
/*
 * The filters of a list or total, one part per field of struct
 * store_agent_filter (in its order; text lower-cased by
 * agent_filter_args).  Hosts by software come from the
 * host_software_name index as a set; the verdict test is a seek per host
 * in findings_host_open.  PostgreSQL wants the types of the parameters
 * that may be NULL, and compares in the "C" collation, whose lower()
 * changes ASCII letters only, as SQLite's.
 */
#define AF_TENANT " (? = 0 OR a.tenant_id = ?) AND " SCOPE_FILTER("a.tenant_id")
#define AF_TENANT_PG                                                           \
	" (?::bigint = 0 OR a.tenant_id = ?::bigint) AND " SCOPE_FILTER(       \
	    "a.tenant_id")
#define AF_HOST " AND (? IS NULL OR instr(lower(a.hostname), ?) > 0)"
#define AF_HOST_PG                                                             \
	" AND (?::text IS NULL OR "                                            \
	"strpos(lower(a.hostname COLLATE \"C\"), ?::text) > 0)"
#define AF_OS                                                                  \
	" AND (? IS NULL OR instr(lower(a.os || ' ' || a.os_version), ?) > 0)"
#define AF_OS_PG                                                               \
	" AND (?::text IS NULL OR strpos(lower((a.os || ' ' || a.os_version) " \
	"COLLATE \"C\"), ?::text) > 0)"
#define AF_STATE(INT)                                                          \
	" AND (?" INT " = 0 OR (CASE WHEN a.revoked_at <> 0 THEN 3 "           \
	"WHEN a.last_seen >= ?" INT " THEN 1 ELSE 2 END) = ?" INT ")"
#define AF_SOFTWARE(TEXT)                                                      \
	" AND (?" TEXT " IS NULL OR a.seq IN (SELECT s.agent_seq "             \
	"FROM host_software s WHERE s.name_key = ?" TEXT " AND "               \
	"(?" TEXT " IS NULL OR s.version = ?" TEXT ")))"
#define AF_VERDICTS(INT, SHIFT)                                                \
	" AND (?" INT " = 0 OR EXISTS (SELECT 1 FROM findings g "              \
	"WHERE g.agent_seq = a.seq AND g.open = 1 AND "                        \
	"((" SHIFT ") & 1) = 1))"
#define AGENT_FILTER_LITE                                                      \
	AF_TENANT AF_HOST AF_OS AF_STATE("") AF_SOFTWARE("")                   \
	    AF_VERDICTS("", "? >> g.verdict")
#define AGENT_FILTER_PG                                                        \
	AF_TENANT_PG AF_HOST_PG AF_OS_PG AF_STATE("::bigint")                  \
	    AF_SOFTWARE("::text")                                              \
		AF_VERDICTS("::bigint", "?::bigint >> g.verdict::integer")
#define AGENT_FILTER_ARGS 17

static struct drv_sql q_agent_create =
    DRV_SQL("INSERT INTO agents (id, tenant_id, public_key, hostname, os, "
	    "agent_version, enrolled_at, last_seen, token_id) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq");
static struct drv_sql q_agent_get =
    DRV_SQL("SELECT " AGENT_COLS AGENT_FROM
	    " WHERE a.id = ? AND " SCOPE_FILTER("a.tenant_id"));
static struct drv_sql q_agent_list = DRV_SQL2_REPLAN(
    "SELECT " AGENT_COLS AGENT_FROM " WHERE a.seq > ? AND" AGENT_FILTER_LITE
    " ORDER BY a.seq LIMIT ?",
    "SELECT " AGENT_COLS AGENT_FROM
    " WHERE a.seq > ?::bigint AND" AGENT_FILTER_PG
    " ORDER BY a.seq LIMIT ?::bigint");
static struct drv_sql q_agent_total =
    DRV_SQL2_REPLAN("SELECT COUNT(*) FROM agents a WHERE" AGENT_FILTER_LITE,
	"SELECT COUNT(*) FROM agents a WHERE" AGENT_FILTER_PG);
/* Every tenant in scope, with or without agents. */
static struct drv_sql q_agent_counts = DRV_SQL(
    "SELECT t.id, t.slug, "
    "SUM(CASE WHEN a.revoked_at = 0 AND a.last_seen >= ? THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.revoked_at = 0 AND a.last_seen < ? THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.revoked_at <> 0 THEN 1 ELSE 0 END), COUNT(a.seq) "
    "FROM tenants t LEFT JOIN agents a ON a.tenant_id = t.id "
    "WHERE " SCOPE_FILTER("t.id") " GROUP BY t.id, t.slug ORDER BY t.slug");
static struct drv_sql q_agent_revoke =
    DRV_SQL("UPDATE agents SET revoked_at = ? WHERE id = ? AND revoked_at = 0");
static struct drv_sql q_agent_exists =
    DRV_SQL("SELECT seq FROM agents WHERE id = ?");
/* A heartbeat's os is what the agent says for people; once an
 * inventory has named the OS (what findings are evaluated against), the
 * inventory's word stands until the next inventory. */
static struct drv_sql q_agent_touch =
    DRV_SQL("UPDATE agents SET last_seen = ?, "
	    "hostname = COALESCE(?, hostname), os = CASE WHEN inventory > 0 "
	    "THEN os ELSE COALESCE(?, os) END, "
	    "agent_version = COALESCE(?, agent_version) WHERE id = ?");
static struct drv_sql q_nonce_gc =
    DRV_SQL("DELETE FROM agent_nonces WHERE agent_id = ? AND expires_at <= ?");
static struct drv_sql q_nonce_add =
    DRV_SQL("INSERT INTO agent_nonces (agent_id, nonce, expires_at) "
	    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");

void
store_agent_clear(struct store_agent *a)
{
	if (a == NULL)
		return;
	free(a->public_key);
	free(a->hostname);
	free(a->os);
	free(a->agent_version);
	free(a->os_version);
	free(a->arch);
	a->public_key = a->hostname = a->os = a->agent_version = NULL;
	a->os_version = a->arch = NULL;
}

void
store_agents_free(struct store_agent *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_agent_clear(&v[i]);
	free(v);
}

int
store_agent_create(struct store *s, struct store_agent *a)
{
	int64_t seq;
	int r;

	if (a->public_key == NULL || a->hostname == NULL || a->os == NULL ||
	    a->agent_version == NULL || a->id[0] == '\0')
		return RP_ERR_ARG;
	struct drv_arg b[] = {A_TEXT(a->id), A_INT(a->tenant_id),
	    A_TEXT(a->public_key), A_TEXT(a->hostname), A_TEXT(a->os),
	    A_TEXT(a->agent_version), A_INT(a->enrolled_at),
	    A_INT(a->enrolled_at), A_ID(a->token_id)};
	if ((r = sq_int1(s, &q_agent_create, b, NARGS(b), &seq)) != 0)
		return r;
	a->seq = seq;
	a->last_seen = a->enrolled_at;
	a->revoked_at = 0;
	return 0;
}

static int
read_agent(struct drv_cur *c, void *row)
{
	struct store_agent *a = row;
	const char *id;
	int r;

	memset(a, 0, sizeof(*a));
	id = c->s->ops->col_text(c, 1);
	if (id == NULL || strlen(id) >= sizeof(a->id))
		return RP_ERR_INVALID;
	memcpy(a->id, id, strlen(id) + 1);
	a->seq = sq_int(c, 0);
	a->tenant_id = sq_int(c, 2);
	a->enrolled_at = sq_int(c, 7);
	a->last_seen = sq_int(c, 8);
	a->token_id = sq_int(c, 9);
	a->revoked_at = sq_int(c, 10);
	a->last_upload = sq_int(c, 11);
	a->inventory = sq_int(c, 12);
	a->inventory_at = sq_int(c, 13);
	a->software = sq_int(c, 14);
	snprintf(
	    a->tenant, sizeof(a->tenant), "%s", c->s->ops->col_text(c, 17));
	a->verdict = c->s->ops->is_null(c, 18) ? -1 : (int)sq_int(c, 18);
	if ((r = sq_dup(c, 3, &a->public_key)) != 0 ||
	    (r = sq_dup(c, 4, &a->hostname)) != 0 ||
	    (r = sq_dup(c, 5, &a->os)) != 0 ||
	    (r = sq_dup(c, 6, &a->agent_version)) != 0 ||
	    (r = sq_dup(c, 15, &a->os_version)) != 0 ||
	    (r = sq_dup(c, 16, &a->arch)) != 0)
		store_agent_clear(a);
	return r;
}

static void
clear_agent(void *row)
{
	store_agent_clear(row);
}

static const struct sq_rows agent_rows = {
    sizeof(struct store_agent), 0, read_agent, clear_agent};

int
store_agent_get(struct store *s, const struct store_scope *sc, const char *id,
    struct store_agent *out)
{
	struct store_agent a;
	struct drv_cur c;
	int r;

	if (id == NULL)
		return RP_ERR_ARG;
	struct drv_arg b[] = {A_TEXT(id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	if ((r = sq_row(s, &q_agent_get, b, NARGS(b), &c)) != 0)
		return r;
	r = read_agent(&c, &a);
	sq_done(&c);
	if (r == 0)
		*out = a;
	return r;
}

/* The filter's text, lower-cased as the queries compare it. */
struct agent_q {
	char *host, *os, *sw;
};

static void
agent_q_clear(struct agent_q *q)
{
	free(q->host);
	free(q->os);
	free(q->sw);
}

static struct drv_arg
text_or_null(const char *v)
{
	return v != NULL ? A_TEXT(v) : A_NULL;
}

/* Fills a[0..AGENT_FILTER_ARGS) for f (NULL: none) and sc; q holds the
 * lower-cased copies (sq_lower_dup's errors). */
static int
agent_filter_args(struct drv_arg *a, const struct store_scope *sc,
    const struct store_agent_filter *f, struct agent_q *q)
{
	static const struct store_agent_filter none;
	int r;

	memset(q, 0, sizeof(*q));
	if (f == NULL)
		f = &none;
	if ((r = sq_lower_dup(f->hostname, &q->host)) != 0 ||
	    (r = sq_lower_dup(f->os, &q->os)) != 0 ||
	    (r = sq_lower_dup(f->software, &q->sw)) != 0) {
		agent_q_clear(q);
		return r;
	}
	a[0] = a[1] = A_INT(f->tenant);
	a[2] = A_SCOPE_ALL(sc);
	a[3] = A_SCOPE_ID(sc);
	a[4] = a[5] = text_or_null(q->host);
	a[6] = a[7] = text_or_null(q->os);
	a[8] = a[10] = A_INT((int64_t)f->state);
	a[9] = A_INT(f->online_since);
	a[11] = a[12] = text_or_null(q->sw);
	a[13] = a[14] = text_or_null(q->sw != NULL ? f->version : NULL);
	a[15] = a[16] = A_INT((int64_t)f->verdicts);
	return 0;
}

int
store_agent_list(struct store *s, const struct store_scope *sc,
    const struct store_agent_filter *f, const struct store_page *pg,
    struct store_agent **v, size_t *n, int *more)
{
	struct drv_arg a[AGENT_FILTER_ARGS + 2];
	struct agent_q q;
	int r;

	a[0] = A_INT(0); /* the cursor, set by sq_list */
	if ((r = agent_filter_args(a + 1, sc, f, &q)) != 0)
		return r;
	a[AGENT_FILTER_ARGS + 1] = A_INT(0);
	r = sq_list(s, &q_agent_list, a, NARGS(a), pg, &agent_rows, (void **)v,
	    n, more);
	agent_q_clear(&q);
	return r;
}

int
store_agent_total(struct store *s, const struct store_scope *sc,
    const struct store_agent_filter *f, int64_t *total)
{
	struct drv_arg a[AGENT_FILTER_ARGS];
	struct agent_q q;
	int r;

	if ((r = agent_filter_args(a, sc, f, &q)) != 0)
		return r;
	r = sq_int1(s, &q_agent_total, a, NARGS(a), total);
	agent_q_clear(&q);
	return r;
}

int
store_agent_counts(struct store *s, const struct store_scope *sc,
    int64_t online_since, int (*fn)(const struct store_agent_count *, void *),
    void *arg)
{
	struct drv_arg a[] = {A_INT(online_since), A_INT(online_since),
	    A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	struct store_agent_count k;
	struct drv_cur c;
	int r;

	if ((r = sq_query(s, &q_agent_counts, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		k.tenant_id = sq_int(&c, 0);
		k.tenant = c.s->ops->col_text(&c, 1);
		k.online = sq_int(&c, 2);
		k.stale = sq_int(&c, 3);
		k.revoked = sq_int(&c, 4);
		k.total = sq_int(&c, 5);
		if ((r = fn(&k, arg)) != 0)
			break;
	}
	sq_done(&c);
	return r;
}

int
store_agent_revoke(struct store *s, const char *id, int64_t now)
{
	if (id == NULL)
		return RP_ERR_ARG;
	return revoke_once(
	    s, &q_agent_revoke, &q_agent_exists, A_INT(now), A_TEXT(id));
}

int
store_agent_touch(struct store *s, const char *id, int64_t now,
    const char *hostname, const char *os, const char *version)
{
	int64_t k = 0;
	int r;

	if (id == NULL)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_INT(now), text_or_null(hostname),
	    text_or_null(os), text_or_null(version), A_TEXT(id)};
	if ((r = sq_exec(s, &q_agent_touch, a, NARGS(a), &k)) != 0)
		return r;
	return k == 0 ? RP_ERR_NOTFOUND : 0;
}

int
store_nonce_use(struct store *s, const char *agent_id, const char *nonce,
    int64_t now, int64_t keep)
{
	int64_t k = 0;
	int r;

	if (agent_id == NULL || nonce == NULL || keep < 1)
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(agent_id), A_INT(now)};
	if ((r = sq_exec(s, &q_nonce_gc, a, NARGS(a), NULL)) != 0)
		return r;
	/* ON CONFLICT: a replay is an answer, not a failed statement that
	 * would spoil the caller's transaction. */
	struct drv_arg b[] = {
	    A_TEXT(agent_id), A_TEXT(nonce), A_INT(now + keep)};
	if ((r = sq_exec(s, &q_nonce_add, b, NARGS(b), &k)) != 0)
		return r;
	return k == 0 ? RP_ERR_INVALID : 0;
}
