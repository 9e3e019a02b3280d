/*
 * Findings (docs/findings.md): one row per (host, advisory, software
 * name) with its current verdict and its history of changes, written by
 * the findings engine and listed and counted for people within their
 * scope; and the sweep reports and detections agents upload.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"
#include "util/str.h"

#define F_COLS                                                                 \
	"f.id, f.tenant_id, f.agent_seq, f.advisory_id, f.sw_key, f.sw_name, " \
	"f.sw_version, f.sw_arch, f.sw_purl, f.revision, f.verdict, f.rule, "  \
	"f.reason, f.remediation, f.open, f.first_seen, f.first_inventory, "   \
	"f.resolved_at, f.resolved_inventory, f.updated_at"
#define F_SHOW F_COLS ", a.id, a.hostname, d.doc_id, r.title, tn.slug"
#define F_JOIN                                                                 \
	" FROM findings f JOIN agents a ON a.seq = f.agent_seq "               \
	"JOIN tenants tn ON tn.id = f.tenant_id "                              \
	"JOIN advisories d ON d.id = f.advisory_id "                           \
	"JOIN advisory_revisions r ON r.advisory_id = d.id AND "               \
	"r.revision = f.revision"
/* The filters of a list or count; the tenant list is a JSON array. */
#define F_FILTER_LITE                                                          \
	" (? = 0 OR f.advisory_id = ?) AND (? = 0 OR f.agent_seq = ?) AND "    \
	"(? IS NULL OR f.tenant_id IN (SELECT value FROM json_each(?))) "      \
	"AND " SCOPE_FILTER("f.tenant_id")
#define F_FILTER_PG                                                            \
	" (? = 0 OR f.advisory_id = ?) AND (? = 0 OR f.agent_seq = ?) AND "    \
	"(?::text IS NULL OR f.tenant_id IN (SELECT "                          \
	"jsonb_array_elements_text(?::jsonb)::bigint)) AND " SCOPE_FILTER(     \
	    "f.tenant_id")
/* status: 0 open, 1 resolved, 2 all; verdicts: a bit mask. */
#define F_STATUS(SHIFT)                                                        \
	" AND (? = 0 OR ((" SHIFT ") & 1) = 1) AND "                           \
	"(? = 2 OR (? = 0 AND f.open = 1) OR (? = 1 AND f.open = 0 AND "       \
	"f.resolved_at > 0))"
#define F_LIST_TAIL(SHIFT)                                                     \
	" AND f.id > ?" F_STATUS(SHIFT) " ORDER BY f.id LIMIT ?"

static struct drv_sql q_f_of = DRV_SQL(
    "SELECT " F_COLS " FROM findings f WHERE (? = 0 OR f.agent_seq = ?) "
    "AND (? = 0 OR f.advisory_id = ?) ORDER BY f.id LIMIT ?");
static struct drv_sql q_f_add = DRV_SQL(
    "INSERT INTO findings (tenant_id, agent_seq, advisory_id, sw_key, "
    "sw_name, sw_version, sw_arch, sw_purl, revision, verdict, rule, reason, "
    "remediation, open, first_seen, first_inventory, resolved_at, "
    "resolved_inventory, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
static struct drv_sql q_f_update = DRV_SQL(
    "UPDATE findings SET sw_name = ?, sw_version = ?, sw_arch = ?, "
    "sw_purl = ?, revision = ?, verdict = ?, rule = ?, reason = ?, "
    "remediation = ?, open = ?, resolved_at = ?, resolved_inventory = ?, "
    "updated_at = ? WHERE id = ?");
static struct drv_sql q_ev_add = DRV_SQL(
    "INSERT INTO finding_events (finding_id, at, inventory, verdict, rule, "
    "version, reason) VALUES (?, ?, ?, ?, ?, ?, ?)");
static struct drv_sql q_ev_list =
    DRV_SQL("SELECT at, inventory, verdict, rule, version, reason FROM "
	    "finding_events WHERE finding_id = ? ORDER BY id DESC LIMIT ?");
static struct drv_sql q_f_list =
    DRV_SQL2("SELECT " F_SHOW F_JOIN
	     " WHERE" F_FILTER_LITE F_LIST_TAIL("? >> f.verdict"),
	"SELECT " F_SHOW F_JOIN
	" WHERE" F_FILTER_PG F_LIST_TAIL("?::bigint >> f.verdict::integer"));
static struct drv_sql q_f_total =
    DRV_SQL2("SELECT COUNT(*) FROM findings f WHERE" F_FILTER_LITE F_STATUS(
		 "? >> f.verdict"),
	"SELECT COUNT(*) FROM findings f WHERE" F_FILTER_PG F_STATUS(
	    "?::bigint >> f.verdict::integer"));
static struct drv_sql q_f_get = DRV_SQL(
    "SELECT " F_SHOW F_JOIN " WHERE f.id = ? AND " SCOPE_FILTER("f.tenant_id"));
/* Per tenant and verdict: findings, and hosts whose most urgent verdict
 * it is. */
#define F_COUNT(FILTER)                                                        \
	"SELECT t, v, SUM(n), SUM(CASE WHEN v = w THEN 1 ELSE 0 END) FROM "    \
	"(SELECT f.tenant_id AS t, f.agent_seq AS h, f.verdict AS v, "         \
	"COUNT(*) AS n, (SELECT MAX(g.verdict) FROM findings g WHERE "         \
	"g.agent_seq = f.agent_seq AND (? = 0 OR g.advisory_id = ?) AND "      \
	"(? = 0 OR g.open = 1)) AS w FROM findings f WHERE" FILTER             \
	" AND (? = 0 OR f.open = 1) GROUP BY f.tenant_id, f.agent_seq, "       \
	"f.verdict) x GROUP BY t, v ORDER BY t, v"
static struct drv_sql q_f_count =
    DRV_SQL2(F_COUNT(F_FILTER_LITE), F_COUNT(F_FILTER_PG));
/* One advisory's open findings (findings_advisory_open holds all they
 * read): hosts per tenant and most urgent verdict, and findings per
 * tenant and verdict. */
#define F_OPEN_WHERE(TENANTS)                                                  \
	" FROM findings f WHERE f.advisory_id = ? AND f.open = 1 AND " TENANTS \
	" AND " SCOPE_FILTER("f.tenant_id")
#define F_TENANTS_LITE                                                         \
	"(? IS NULL OR f.tenant_id IN (SELECT value FROM json_each(?)))"
#define F_TENANTS_PG                                                           \
	"(?::text IS NULL OR f.tenant_id IN (SELECT "                          \
	"jsonb_array_elements_text(?::jsonb)::bigint))"
#define F_OPEN_HOSTS(TENANTS)                                                  \
	"SELECT t, w, COUNT(*) FROM (SELECT MIN(f.tenant_id) AS t, "           \
	"MAX(f.verdict) AS w" F_OPEN_WHERE(                                    \
	    TENANTS) " GROUP BY f.agent_seq) x "                               \
		     "GROUP BY t, w ORDER BY t, w"
#define F_OPEN_FINDINGS(TENANTS)                                               \
	"SELECT f.tenant_id, f.verdict, COUNT(*)" F_OPEN_WHERE(                \
	    TENANTS) " GROUP BY f.tenant_id, f.verdict ORDER BY f.tenant_id, " \
		     "f.verdict"
static struct drv_sql q_f_open_hosts =
    DRV_SQL2(F_OPEN_HOSTS(F_TENANTS_LITE), F_OPEN_HOSTS(F_TENANTS_PG));
static struct drv_sql q_f_open_findings =
    DRV_SQL2(F_OPEN_FINDINGS(F_TENANTS_LITE), F_OPEN_FINDINGS(F_TENANTS_PG));
/* Per advisory, open findings only: findings per verdict, and hosts per
 * most urgent verdict (w: one row per host and advisory inside), with
 * the latest revision's title and severity.  findings_advisory_open
 * holds all it reads, in its order. */
#define F_PER(EXPR, K) "SUM(CASE WHEN " EXPR " = " #K " THEN 1 ELSE 0 END)"
#define F_PER5(EXPR)                                                           \
	F_PER(EXPR, 0)                                                         \
	", " F_PER(EXPR, 1) ", " F_PER(EXPR, 2) ", " F_PER(                    \
	    EXPR, 3) ", " F_PER(EXPR, 4)
#define F_BY_ADVISORY(FILTER)                                                  \
	"SELECT x.adv, d.doc_id, r.title, r.severity, SUM(x.n0), SUM(x.n1), "  \
	"SUM(x.n2), SUM(x.n3), SUM(x.n4), " F_PER5(                            \
	    "x.w") " FROM "                                                    \
		   "(SELECT f.advisory_id AS adv, MAX(f.verdict) AS w, "       \
		   "SUM(CASE WHEN f.verdict = 0 THEN 1 ELSE 0 END) AS n0, "    \
		   "SUM(CASE WHEN f.verdict = 1 THEN 1 ELSE 0 END) AS n1, "    \
		   "SUM(CASE WHEN f.verdict = 2 THEN 1 ELSE 0 END) AS n2, "    \
		   "SUM(CASE WHEN f.verdict = 3 THEN 1 ELSE 0 END) AS n3, "    \
		   "SUM(CASE WHEN f.verdict = 4 THEN 1 ELSE 0 END) AS n4 "     \
		   "FROM findings f WHERE f.open = 1 AND" FILTER               \
		   " GROUP BY f.advisory_id, f.agent_seq) x "                  \
		   "JOIN advisories d ON d.id = x.adv JOIN "                   \
		   "advisory_revisions r ON "                                  \
		   "r.advisory_id = d.id AND r.revision = d.latest "           \
		   "GROUP BY x.adv, d.doc_id, r.title, r.severity ORDER BY "   \
		   "x.adv"
static struct drv_sql q_f_by_advisory =
    DRV_SQL2(F_BY_ADVISORY(F_FILTER_LITE), F_BY_ADVISORY(F_FILTER_PG));

static void
clear_ev(void *row)
{
	struct store_finding_event *e = row;

	free(e->rule);
	free(e->version);
	free(e->reason);
	e->rule = e->version = e->reason = NULL;
}

void
store_finding_events_free(struct store_finding_event *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		clear_ev(&v[i]);
	free(v);
}

void
store_finding_clear(struct store_finding *f)
{
	if (f == NULL)
		return;
	free(f->sw_key);
	free(f->sw_name);
	free(f->sw_version);
	free(f->sw_arch);
	free(f->sw_purl);
	free(f->rule);
	free(f->reason);
	free(f->remediation);
	free(f->hostname);
	free(f->doc_id);
	free(f->title);
	memset(f, 0, sizeof(*f));
}

void
store_findings_free(struct store_finding *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_finding_clear(&v[i]);
	free(v);
}

/* The F_COLS of c into f; with show, the F_SHOW ones after them too. */
static int
read_f(struct drv_cur *c, struct store_finding *f, int show)
{
	const char *id;
	int r;

	memset(f, 0, sizeof(*f));
	f->id = sq_int(c, 0);
	f->tenant_id = sq_int(c, 1);
	f->agent_seq = sq_int(c, 2);
	f->advisory_id = sq_int(c, 3);
	f->revision = (int)sq_int(c, 9);
	f->verdict = (int)sq_int(c, 10);
	f->open = (int)sq_int(c, 14);
	f->first_seen = sq_int(c, 15);
	f->first_inventory = sq_int(c, 16);
	f->resolved_at = sq_int(c, 17);
	f->resolved_inventory = sq_int(c, 18);
	f->updated_at = sq_int(c, 19);
	if ((r = sq_dup(c, 4, &f->sw_key)) != 0 ||
	    (r = sq_dup(c, 5, &f->sw_name)) != 0 ||
	    (r = sq_dup(c, 6, &f->sw_version)) != 0 ||
	    (r = sq_dup0(c, 7, &f->sw_arch)) != 0 ||
	    (r = sq_dup0(c, 8, &f->sw_purl)) != 0 ||
	    (r = sq_dup(c, 11, &f->rule)) != 0 ||
	    (r = sq_dup(c, 12, &f->reason)) != 0 ||
	    (r = sq_dup0(c, 13, &f->remediation)) != 0)
		goto fail;
	if (!show)
		return 0;
	id = c->s->ops->col_text(c, 20);
	snprintf(f->agent_id, sizeof(f->agent_id), "%s", id ? id : "");
	snprintf(
	    f->tenant, sizeof(f->tenant), "%s", c->s->ops->col_text(c, 24));
	if ((r = sq_dup(c, 21, &f->hostname)) == 0 &&
	    (r = sq_dup(c, 22, &f->doc_id)) == 0 &&
	    (r = sq_dup(c, 23, &f->title)) == 0)
		return 0;
fail:
	store_finding_clear(f);
	return r;
}

static int
read_plain(struct drv_cur *c, void *row)
{
	return read_f(c, row, 0);
}

static void
clear_f(void *row)
{
	store_finding_clear(row);
}

static const struct sq_rows f_plain_rows = {
    sizeof(struct store_finding), 0, read_plain, clear_f};

int
store_findings_of(struct store *s, int64_t agent_seq, int64_t advisory_id,
    size_t max, struct store_finding **v, size_t *n)
{
	struct drv_arg a[] = {A_INT(agent_seq), A_INT(agent_seq),
	    A_INT(advisory_id), A_INT(advisory_id), A_INT((int64_t)max + 1)};

	return sq_all(
	    s, &q_f_of, a, NARGS(a), &f_plain_rows, max, (void **)v, n);
}

static struct drv_arg
opt(const char *v)
{
	return v != NULL ? A_TEXT(v) : A_NULL;
}

int
store_finding_put(struct store *s, struct store_finding *f,
    const struct store_finding_event *ev)
{
	int64_t id = f->id;
	int r;

	if (id == 0) {
		struct drv_arg a[] = {A_INT(f->tenant_id), A_INT(f->agent_seq),
		    A_INT(f->advisory_id), A_TEXT(f->sw_key),
		    A_TEXT(f->sw_name), A_TEXT(f->sw_version), opt(f->sw_arch),
		    opt(f->sw_purl), A_INT(f->revision), A_INT(f->verdict),
		    A_TEXT(f->rule), A_TEXT(f->reason), opt(f->remediation),
		    A_INT(f->open), A_INT(f->first_seen),
		    A_INT(f->first_inventory), A_INT(f->resolved_at),
		    A_INT(f->resolved_inventory), A_INT(f->updated_at)};
		r = sq_int1(s, &q_f_add, a, NARGS(a), &id);
	} else {
		struct drv_arg a[] = {A_TEXT(f->sw_name), A_TEXT(f->sw_version),
		    opt(f->sw_arch), opt(f->sw_purl), A_INT(f->revision),
		    A_INT(f->verdict), A_TEXT(f->rule), A_TEXT(f->reason),
		    opt(f->remediation), A_INT(f->open), A_INT(f->resolved_at),
		    A_INT(f->resolved_inventory), A_INT(f->updated_at),
		    A_INT(id)};
		r = sq_exec(s, &q_f_update, a, NARGS(a), NULL);
	}
	if (r != 0)
		return r;
	f->id = id;
	struct drv_arg e[] = {A_INT(id), A_INT(ev->at), A_INT(ev->inventory),
	    A_INT(ev->verdict), A_TEXT(ev->rule), A_TEXT(ev->version),
	    A_TEXT(ev->reason)};
	return sq_exec(s, &q_ev_add, e, NARGS(e), NULL);
}

/* PostgreSQL: the findings of a JSON array and their first events in
 * one round trip (a data-modifying WITH; SQLite has none and inserts
 * row by row, which costs it no round trips).  Each finding is an array
 * of its columns in the order of the INSERT (shorter to write and to
 * read than objects). */
static struct drv_sql q_f_add_many = DRV_SQL(
    "WITH n AS (INSERT INTO findings (tenant_id, agent_seq, advisory_id, "
    "sw_key, sw_name, sw_version, sw_arch, sw_purl, revision, verdict, rule, "
    "reason, remediation, open, first_seen, first_inventory, updated_at) "
    "SELECT (e->>0)::bigint, (e->>1)::bigint, (e->>2)::bigint, e->>3, "
    "e->>4, e->>5, e->>6, e->>7, (e->>8)::bigint, (e->>9)::bigint, "
    "e->>10, e->>11, e->>12, (e->>13)::bigint, (e->>14)::bigint, "
    "(e->>15)::bigint, (e->>16)::bigint "
    "FROM jsonb_array_elements(?::jsonb) e "
    "RETURNING id, updated_at, verdict, rule, sw_version, reason) "
    "INSERT INTO finding_events (finding_id, at, inventory, verdict, rule, "
    "version, reason) SELECT id, updated_at, ?::bigint, verdict, rule, "
    "sw_version, reason FROM n");

static void
row_str(struct rp_buf *b, const char *v)
{
	rp_buf_append(b, ",");
	if (v == NULL)
		rp_buf_append(b, "null");
	else
		rp_buf_append_json_string(b, v);
}

/* One finding as the JSON array q_f_add_many reads. */
static void
finding_row(struct rp_buf *b, const struct store_finding *f)
{
	rp_buf_appendf(b, "[%lld,%lld,%lld", (long long)f->tenant_id,
	    (long long)f->agent_seq, (long long)f->advisory_id);
	row_str(b, f->sw_key);
	row_str(b, f->sw_name);
	row_str(b, f->sw_version);
	row_str(b, f->sw_arch);
	row_str(b, f->sw_purl);
	rp_buf_appendf(b, ",%d,%d", f->revision, f->verdict);
	row_str(b, f->rule);
	row_str(b, f->reason);
	row_str(b, f->remediation);
	rp_buf_appendf(b, ",%d,%lld,%lld,%lld]", f->open,
	    (long long)f->first_seen, (long long)f->first_inventory,
	    (long long)f->updated_at);
}

static int
findings_add_pg(
    struct store *s, const struct store_finding *f, size_t n, int64_t inventory)
{
	struct rp_buf b;
	char *t;
	size_t i;
	int r = RP_ERR_NOMEM;

	rp_buf_init(&b, SIZE_MAX);
	rp_buf_append(&b, "[");
	for (i = 0; i < n; i++) {
		if (f[i].sw_key == NULL || f[i].sw_name == NULL ||
		    f[i].sw_version == NULL || f[i].rule == NULL ||
		    f[i].reason == NULL) {
			rp_buf_free(&b);
			return RP_ERR_ARG;
		}
		if (i > 0)
			rp_buf_append(&b, ",");
		finding_row(&b, &f[i]);
	}
	rp_buf_append(&b, "]");
	if ((t = rp_buf_take(&b)) != NULL) {
		struct drv_arg a[] = {A_TEXT(t), A_INT(inventory)};

		r = sq_exec(s, &q_f_add_many, a, NARGS(a), NULL);
	}
	free(t);
	return r;
}

int
store_findings_add(
    struct store *s, const struct store_finding *f, size_t n, int64_t inventory)
{
	size_t i;
	int r = 0;

	if (n == 0)
		return 0;
	if (store_driver(s) == STORE_PG)
		return findings_add_pg(s, f, n, inventory);
	for (i = 0; r == 0 && i < n; i++) {
		struct store_finding c = f[i];
		struct store_finding_event ev = {.at = f[i].updated_at,
		    .inventory = inventory,
		    .verdict = f[i].verdict,
		    .rule = f[i].rule,
		    .version = f[i].sw_version,
		    .reason = f[i].reason};

		c.id = 0;
		r = store_finding_put(s, &c, &ev);
	}
	return r;
}

/* Fills a[0..10) with the shared filter's arguments. */
static void
filter_args(struct drv_arg *a, const struct store_scope *sc,
    const struct store_finding_filter *f)
{
	a[0] = a[1] = A_INT(f->advisory_id);
	a[2] = a[3] = A_INT(f->agent_seq);
	a[4] = a[5] = opt(f->tenants);
	a[6] = A_SCOPE_ALL(sc);
	a[7] = A_SCOPE_ID(sc);
}

static int
read_show(struct drv_cur *c, void *row)
{
	return read_f(c, row, 1);
}

static const struct sq_rows f_rows = {
    sizeof(struct store_finding), 8, read_show, clear_f};

int
store_finding_list(struct store *s, const struct store_scope *sc,
    const struct store_finding_filter *f, const struct store_page *pg,
    struct store_finding **v, size_t *n, int *more)
{
	struct drv_arg a[15];

	filter_args(a, sc, f);
	a[8] = A_INT(0); /* the cursor, set by sq_list */
	a[9] = a[10] = A_INT(f->verdicts);
	a[11] = a[12] = a[13] = A_INT(f->status);
	a[14] = A_INT(0);
	return sq_list(
	    s, &q_f_list, a, NARGS(a), pg, &f_rows, (void **)v, n, more);
}

int
store_finding_total(struct store *s, const struct store_scope *sc,
    const struct store_finding_filter *f, int64_t *total)
{
	struct drv_arg a[13];

	filter_args(a, sc, f);
	a[8] = a[9] = A_INT(f->verdicts);
	a[10] = a[11] = a[12] = A_INT(f->status);
	return sq_int1(s, &q_f_total, a, NARGS(a), total);
}

int
store_finding_get(struct store *s, const struct store_scope *sc, int64_t id,
    struct store_finding *out)
{
	struct drv_arg a[] = {A_INT(id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, &q_f_get, a, NARGS(a), &c)) != 0)
		return r;
	r = read_f(&c, out, 1);
	sq_done(&c);
	return r;
}

static int
read_ev(struct drv_cur *c, void *row)
{
	struct store_finding_event *e = row;
	int r;

	memset(e, 0, sizeof(*e));
	e->at = sq_int(c, 0);
	e->inventory = sq_int(c, 1);
	e->verdict = (int)sq_int(c, 2);
	if ((r = sq_dup(c, 3, &e->rule)) != 0 ||
	    (r = sq_dup(c, 4, &e->version)) != 0 ||
	    (r = sq_dup(c, 5, &e->reason)) != 0)
		clear_ev(e);
	return r;
}

static const struct sq_rows ev_rows = {
    sizeof(struct store_finding_event), 0, read_ev, clear_ev};

int
store_finding_events(struct store *s, int64_t id, size_t max,
    struct store_finding_event **v, size_t *n)
{
	struct drv_arg a[] = {A_INT(id), A_INT((int64_t)max)};

	return sq_all(s, &q_ev_list, a, NARGS(a), &ev_rows, max, (void **)v, n);
}

/* (tenant, verdict, count) rows of one count query, in tenant order. */
struct count_rows {
	int64_t (*v)[3];
	size_t n, cap;
};

static int
count_rows_read(struct store *s, struct drv_sql *q, struct drv_arg *a,
    size_t na, struct count_rows *out)
{
	struct drv_cur c;
	int64_t(*nv)[3];
	int r;

	if ((r = sq_query(s, q, a, na, &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 32;
			if ((nv = realloc(out->v, out->cap * sizeof(*nv))) ==
			    NULL) {
				r = RP_ERR_NOMEM;
				break;
			}
			out->v = nv;
		}
		out->v[out->n][0] = sq_int(&c, 0);
		out->v[out->n][1] = sq_int(&c, 1);
		out->v[out->n++][2] = sq_int(&c, 2);
	}
	sq_done(&c);
	return r;
}

static int
counts_open(struct store *s, const struct store_scope *sc,
    const struct store_finding_filter *f,
    int (*fn)(int64_t, int, int64_t, int64_t, void *), void *arg)
{
	struct drv_arg a[] = {A_INT(f->advisory_id), opt(f->tenants),
	    opt(f->tenants), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	struct count_rows h = {0}, fd = {0};
	size_t i = 0, k = 0;
	int r;

	if ((r = count_rows_read(s, &q_f_open_hosts, a, NARGS(a), &h)) == 0)
		r = count_rows_read(s, &q_f_open_findings, a, NARGS(a), &fd);
	/* both in tenant order: merged so that fn sees each tenant once */
	while (r == 0 && (i < h.n || k < fd.n)) {
		if (k >= fd.n || (i < h.n && h.v[i][0] <= fd.v[k][0])) {
			r = fn(h.v[i][0], (int)h.v[i][1], 0, h.v[i][2], arg);
			i++;
		} else {
			r = fn(fd.v[k][0], (int)fd.v[k][1], fd.v[k][2], 0, arg);
			k++;
		}
	}
	free(h.v);
	free(fd.v);
	return r;
}

int
store_finding_counts(struct store *s, const struct store_scope *sc,
    const struct store_finding_filter *f,
    int (*fn)(int64_t, int, int64_t, int64_t, void *), void *arg)
{
	struct drv_arg a[12];
	struct drv_cur c;
	int r;

	if (f->counts_open && f->advisory_id != 0 && f->agent_seq == 0)
		return counts_open(s, sc, f, fn, arg);
	a[0] = a[1] = A_INT(f->advisory_id);
	a[2] = A_INT(f->counts_open);
	filter_args(a + 3, sc, f);
	a[11] = A_INT(f->counts_open);
	if ((r = sq_query(s, &q_f_count, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1)
		if ((r = fn(sq_int(&c, 0), (int)sq_int(&c, 1), sq_int(&c, 2),
			 sq_int(&c, 3), arg)) != 0)
			break;
	sq_done(&c);
	return r;
}

int
store_finding_advisory_counts(struct store *s, const struct store_scope *sc,
    const struct store_finding_filter *f,
    int (*fn)(const struct store_advisory_count *, void *), void *arg)
{
	const struct drv_ops *o = s->ops;
	struct store_advisory_count k;
	struct drv_arg a[8];
	struct drv_cur c;
	int r, v;

	filter_args(a, sc, f);
	if ((r = sq_query(s, &q_f_by_advisory, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		k.advisory_id = sq_int(&c, 0);
		k.doc_id = o->col_text(&c, 1);
		k.title = o->col_text(&c, 2);
		k.severity = o->col_text(&c, 3);
		for (v = 0; v < STORE_VERDICTS; v++) {
			k.findings[v] = sq_int(&c, 4 + v);
			k.hosts[v] = sq_int(&c, 4 + STORE_VERDICTS + v);
		}
		if ((r = fn(&k, arg)) != 0)
			break;
	}
	sq_done(&c);
	return r;
}

/* --- sweeps and detections ---------------------------------------------- */

#define D_COLS                                                                 \
	"d.id, d.sweep_id, d.tenant_id, a.id, d.kind, d.path, d.sha256, "      \
	"d.what, d.at, j.id"
static struct drv_sql q_sweep_add =
    DRV_SQL("INSERT INTO sweeps (agent_seq, tenant_id, upload_seq, job_seq, "
	    "started_at, received_at, hits, report) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
static struct drv_sql q_det_add = DRV_SQL(
    "INSERT INTO detections (sweep_id, agent_seq, tenant_id, kind, path, "
    "sha256, what, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
static struct drv_sql q_det_list = DRV_SQL(
    "SELECT " D_COLS " FROM detections d JOIN agents a ON a.seq = "
    "d.agent_seq JOIN sweeps sw ON sw.id = d.sweep_id LEFT JOIN jobs j "
    "ON j.seq = sw.job_seq WHERE d.id > ? AND (? = 0 OR d.tenant_id = ?) AND "
    "(? = 0 OR d.agent_seq = ?) AND " SCOPE_FILTER(
	"d.tenant_id") " ORDER BY d.id LIMIT ?");

int
store_sweep_add(struct store *s, int64_t agent_seq, int64_t tenant_id,
    int64_t upload_seq, int64_t job_seq, int64_t started_at,
    int64_t received_at, int64_t hits, const char *report, int64_t *id)
{
	struct drv_arg a[] = {A_INT(agent_seq), A_INT(tenant_id),
	    A_INT(upload_seq), A_ID(job_seq), A_INT(started_at),
	    A_INT(received_at), A_INT(hits), A_TEXT(report)};

	return sq_int1(s, &q_sweep_add, a, NARGS(a), id);
}

int
store_detection_add(struct store *s, int64_t sweep_id, int64_t agent_seq,
    int64_t tenant_id, const char *kind, const char *path, const char *sha256,
    const char *what, int64_t at)
{
	struct drv_arg a[] = {A_INT(sweep_id), A_INT(agent_seq),
	    A_INT(tenant_id), A_TEXT(kind), A_TEXT(path), A_TEXT(sha256),
	    A_TEXT(what), A_INT(at)};

	return sq_exec(s, &q_det_add, a, NARGS(a), NULL);
}

static void
clear_det(void *row)
{
	struct store_detection *d = row;

	free(d->kind);
	free(d->path);
	free(d->sha256);
	free(d->what);
	d->kind = d->path = d->sha256 = d->what = NULL;
}

void
store_detections_free(struct store_detection *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		clear_det(&v[i]);
	free(v);
}

static int
read_det(struct drv_cur *c, void *row)
{
	struct store_detection *d = row;
	const char *id;
	int r;

	memset(d, 0, sizeof(*d));
	d->id = sq_int(c, 0);
	d->sweep_id = sq_int(c, 1);
	d->tenant_id = sq_int(c, 2);
	id = c->s->ops->col_text(c, 3);
	snprintf(d->agent_id, sizeof(d->agent_id), "%s", id ? id : "");
	id = c->s->ops->col_text(c, 9);
	snprintf(d->job_id, sizeof(d->job_id), "%s", id ? id : "");
	d->at = sq_int(c, 8);
	if ((r = sq_dup(c, 4, &d->kind)) != 0 ||
	    (r = sq_dup(c, 5, &d->path)) != 0 ||
	    (r = sq_dup(c, 6, &d->sha256)) != 0 ||
	    (r = sq_dup(c, 7, &d->what)) != 0)
		clear_det(d);
	return r;
}

static const struct sq_rows det_rows = {
    sizeof(struct store_detection), 0, read_det, clear_det};

int
store_detection_list(struct store *s, const struct store_scope *sc,
    int64_t tenant, int64_t agent_seq, const struct store_page *pg,
    struct store_detection **v, size_t *n, int *more)
{
	struct drv_arg a[] = {A_INT(0), A_INT(tenant), A_INT(tenant),
	    A_INT(agent_seq), A_INT(agent_seq), A_SCOPE_ALL(sc), A_SCOPE_ID(sc),
	    A_INT(0)};

	return sq_list(
	    s, &q_det_list, a, NARGS(a), pg, &det_rows, (void **)v, n, more);
}
