/*
 * Advisories: one row per document identity (doc_key) with its scope
 * (MSP-wide, or the tenants in advisory_tenants) and the number of its
 * latest revision; every import adds a revision row with the document's
 * own fields and body.  Visibility is decided in SQL (ADV_VISIBLE): the
 * caller sees MSP-wide advisories and those listing one of its tenants,
 * and of the tenant lists only its own tenants.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/ascii.h"
#include "util/err.h"

/* Most tenants one advisory lists, most bytes of a search. */
#define ADV_TENANTS_MAX 100000
#define ADV_Q_MAX 1024
/* Most revisions one listing returns, most (advisory, tenant) pairs
 * one page reads. */
#define ADV_REVISIONS_MAX 100000
#define ADV_PAIRS_MAX 1000000

#define ADV_VISIBLE                                                            \
	"(? = 1 OR a.scope_all = 1 OR EXISTS (SELECT 1 FROM "                  \
	"advisory_tenants t WHERE t.advisory_id = a.id AND t.tenant_id IN "    \
	"(SELECT tenant_id FROM scope_tenants WHERE scope_id = ?)))"
#define ADV_COLS                                                               \
	"a.id, a.doc_key, a.doc_id, a.publisher, a.format, a.scope_all, "      \
	"r.revision, r.version, r.title, r.severity, r.cves, "                 \
	"r.current_release, r.imported_at, r.imported_by"

static struct drv_sql q_adv_bump =
    DRV_SQL("UPDATE advisories SET latest = latest + 1, doc_id = ?, "
	    "publisher = ?, format = ?, scope_all = ? WHERE doc_key = ? "
	    "RETURNING id, latest");
static struct drv_sql q_adv_insert =
    DRV_SQL("INSERT INTO advisories (doc_key, doc_id, publisher, format, "
	    "scope_all, latest) VALUES (?, ?, ?, ?, ?, 1) "
	    "ON CONFLICT (doc_key) DO NOTHING RETURNING id, latest");
static struct drv_sql q_adv_clear =
    DRV_SQL("DELETE FROM advisory_tenants WHERE advisory_id = ?");
static struct drv_sql q_adv_add =
    DRV_SQL("INSERT INTO advisory_tenants (advisory_id, tenant_id) "
	    "VALUES (?, ?) ON CONFLICT DO NOTHING");
static struct drv_sql q_rev_insert =
    DRV_SQL("INSERT INTO advisory_revisions (advisory_id, revision, "
	    "version, title, severity, cves, current_release, imported_at, "
	    "imported_by, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
static struct drv_sql q_adv_latest =
    DRV_SQL("SELECT latest FROM advisories WHERE id = ?");
static struct drv_sql q_adv_scope =
    DRV_SQL("SELECT id, scope_all FROM advisories WHERE doc_key = ?");
/* Tenants of advisories lo..hi within a scope (all: every tenant). */
static struct drv_sql q_adv_tenants =
    DRV_SQL("SELECT advisory_id, tenant_id FROM advisory_tenants "
	    "WHERE advisory_id >= ? AND advisory_id <= ? AND " SCOPE_FILTER(
		"tenant_id") " ORDER BY advisory_id, tenant_id");
static struct drv_sql q_adv_list = DRV_SQL(
    "SELECT " ADV_COLS " FROM advisories a JOIN advisory_revisions r "
    "ON r.advisory_id = a.id AND r.revision = a.latest "
    "WHERE a.id > ? AND " ADV_VISIBLE " AND (? = 0 "
    "OR lower(a.doc_id) LIKE ? ESCAPE '!' OR lower(r.title) LIKE ? ESCAPE '!' "
    "OR lower(r.cves) LIKE ? ESCAPE '!') ORDER BY a.id LIMIT ?");
static struct drv_sql q_adv_get = DRV_SQL(
    "SELECT " ADV_COLS ", r.body FROM advisories a JOIN advisory_revisions r "
    "ON r.advisory_id = a.id AND r.revision = "
    "CASE WHEN ? = 0 THEN a.latest ELSE ? END "
    "WHERE a.id = ? AND " ADV_VISIBLE);
static struct drv_sql q_adv_revisions =
    DRV_SQL("SELECT " ADV_COLS " FROM advisories a JOIN advisory_revisions r "
	    "ON r.advisory_id = a.id WHERE "
	    "r.revision < COALESCE(NULLIF(?, 0), 2147483647) AND "
	    "a.id = ? AND " ADV_VISIBLE " ORDER BY r.revision DESC LIMIT ?");

void
store_advisory_clear(struct store_advisory *a)
{
	if (a == NULL)
		return;
	free(a->doc_key);
	free(a->doc_id);
	free(a->publisher);
	free(a->format);
	free(a->title);
	free(a->severity);
	free(a->cves);
	free(a->tenants);
	free(a->version);
	free(a->current_release);
	free(a->imported_by);
	free(a->body);
	memset(a, 0, sizeof(*a));
}

void
store_advisories_free(struct store_advisory *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_advisory_clear(&v[i]);
	free(v);
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* Runs a statement returning (id, revision) in one row. */
static int
id_rev(struct store *s, struct drv_sql *q, const struct drv_arg *a, size_t n,
    int64_t *id, int64_t *rev)
{
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, q, a, n, &c)) != 0)
		return r;
	*id = sq_int(&c, 0);
	*rev = sq_int(&c, 1);
	while ((r = sq_step(&c)) == 1)
		;
	sq_done(&c);
	return r;
}

/* The advisory row of in->doc_key, new or bumped to its next revision.
 * Two importers of a new doc_key race on the insert: the loser finds
 * the winner's row on its second pass. */
static int
adv_row(
    struct store *s, const struct store_advisory *in, int64_t *id, int64_t *rev)
{
	int all = in->scope_all ? 1 : 0, pass, r = RP_ERR_NOTFOUND;

	for (pass = 0; pass < 2 && r == RP_ERR_NOTFOUND; pass++) {
		struct drv_arg a[] = {A_TEXT(in->doc_id),
		    A_TEXT(or_empty(in->publisher)), A_TEXT(in->format),
		    A_INT(all), A_TEXT(in->doc_key)};
		r = id_rev(s, &q_adv_bump, a, NARGS(a), id, rev);
		if (r != RP_ERR_NOTFOUND)
			break;
		struct drv_arg b[] = {A_TEXT(in->doc_key), A_TEXT(in->doc_id),
		    A_TEXT(or_empty(in->publisher)), A_TEXT(in->format),
		    A_INT(all)};
		r = id_rev(s, &q_adv_insert, b, NARGS(b), id, rev);
	}
	return r;
}

int
store_advisory_put(struct store *s, const struct store_advisory *in,
    int64_t *id, int *revision)
{
	int64_t aid = 0, rev = 0;
	struct sq_tx tx;
	size_t i;
	int r;

	if (in->doc_key == NULL || in->doc_id == NULL || in->format == NULL ||
	    in->ntenants > ADV_TENANTS_MAX ||
	    (in->ntenants > 0 && in->tenants == NULL))
		return RP_ERR_ARG;
	if ((r = sq_tx_enter(s, &tx)) != 0)
		return r;
	if ((r = adv_row(s, in, &aid, &rev)) != 0)
		goto out;
	struct drv_arg a[] = {A_INT(aid)};
	if ((r = sq_exec(s, &q_adv_clear, a, NARGS(a), NULL)) != 0)
		goto out;
	for (i = 0; !in->scope_all && i < in->ntenants; i++) {
		struct drv_arg b[] = {A_INT(aid), A_INT(in->tenants[i])};
		if ((r = sq_exec(s, &q_adv_add, b, NARGS(b), NULL)) != 0)
			goto out;
	}
	struct drv_arg c[] = {A_INT(aid), A_INT(rev),
	    A_TEXT(or_empty(in->version)), A_TEXT(or_empty(in->title)),
	    A_TEXT(or_empty(in->severity)), A_TEXT(or_empty(in->cves)),
	    A_TEXT(or_empty(in->current_release)), A_INT(in->imported_at),
	    A_TEXT(or_empty(in->imported_by)), A_TEXT(in->body)};
	r = sq_exec(s, &q_rev_insert, c, NARGS(c), NULL);
out:
	if ((r = sq_tx_leave(s, &tx, r)) != 0)
		return r;
	*id = aid;
	*revision = (int)rev;
	return 0;
}

/* The first of the n (advisory, tenant) pairs p, sorted by advisory,
 * whose advisory is id or after it. */
static size_t
pairs_from(const int64_t *p, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p[2 * mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Gives the rows v[0..n) the tenants of their advisory that are visible
 * in sc (NULL: every tenant); lo..hi covers the rows' ids. */
static int
attach_tenants(struct store *s, const struct store_scope *sc, int64_t lo,
    int64_t hi, struct store_advisory *v, size_t n)
{
	int64_t *p = NULL;
	size_t np = 0, cap = 0, j, i, e;
	struct drv_cur c;
	int r;

	struct drv_arg a[] = {A_INT(lo), A_INT(hi),
	    A_INT(sc == NULL || sc->all ? 1 : 0),
	    A_INT(sc == NULL || sc->all ? 0 : sc->id)};
	if ((r = sq_query(s, &q_adv_tenants, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		r = sq_grow((void **)&p, &cap, 2 * (np + 1), sizeof(*p),
		    2 * ADV_PAIRS_MAX);
		if (r != 0)
			break;
		p[2 * np] = sq_int(&c, 0);
		p[2 * np + 1] = sq_int(&c, 1);
		np++;
	}
	sq_done(&c);
	for (j = 0; r == 0 && j < n; j++) {
		i = pairs_from(p, np, v[j].id);
		for (e = i; e < np && p[2 * e] == v[j].id; e++)
			;
		if (e == i)
			continue;
		if ((v[j].tenants = calloc(e - i, sizeof(int64_t))) == NULL) {
			r = RP_ERR_NOMEM;
			break;
		}
		for (; i < e; i++)
			v[j].tenants[v[j].ntenants++] = p[2 * i + 1];
	}
	free(p);
	return r;
}

static int
read_adv(struct drv_cur *c, struct store_advisory *a, int with_body)
{
	int r;

	memset(a, 0, sizeof(*a));
	a->id = sq_int(c, 0);
	a->scope_all = sq_int(c, 5) != 0;
	a->revision = (int)sq_int(c, 6);
	a->imported_at = sq_int(c, 12);
	if ((r = sq_dup(c, 1, &a->doc_key)) != 0 ||
	    (r = sq_dup(c, 2, &a->doc_id)) != 0 ||
	    (r = sq_dup(c, 3, &a->publisher)) != 0 ||
	    (r = sq_dup(c, 4, &a->format)) != 0 ||
	    (r = sq_dup(c, 7, &a->version)) != 0 ||
	    (r = sq_dup(c, 8, &a->title)) != 0 ||
	    (r = sq_dup(c, 9, &a->severity)) != 0 ||
	    (r = sq_dup(c, 10, &a->cves)) != 0 ||
	    (r = sq_dup(c, 11, &a->current_release)) != 0 ||
	    (r = sq_dup(c, 13, &a->imported_by)) != 0 ||
	    (with_body && (r = sq_dup0(c, 14, &a->body)) != 0))
		store_advisory_clear(a);
	return r;
}

int
store_advisory_scope(struct store *s, const char *doc_key, int64_t *id,
    int *scope_all, int64_t **tenants, size_t *ntenants)
{
	struct store_advisory a;
	struct drv_cur c;
	int r;

	*tenants = NULL;
	*ntenants = 0;
	if (doc_key == NULL)
		return RP_ERR_ARG;
	memset(&a, 0, sizeof(a));
	struct drv_arg q[] = {A_TEXT(doc_key)};
	if ((r = sq_row(s, &q_adv_scope, q, NARGS(q), &c)) != 0)
		return r;
	a.id = sq_int(&c, 0);
	a.scope_all = sq_int(&c, 1) != 0;
	sq_done(&c);
	if ((r = attach_tenants(s, NULL, a.id, a.id, &a, 1)) != 0) {
		free(a.tenants);
		return r;
	}
	*id = a.id;
	*scope_all = a.scope_all;
	*tenants = a.tenants;
	*ntenants = a.ntenants;
	return 0;
}

/* "%q%" in lower case, with the LIKE wildcards of q escaped by '!'. */
static char *
like_pattern(const char *q)
{
	size_t n = strlen(q), i, o = 0;
	char *p;

	if ((p = malloc(2 * n + 3)) == NULL)
		return NULL;
	p[o++] = '%';
	for (i = 0; i < n; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '!')
			p[o++] = '!';
		p[o++] = rp_tolower(q[i]);
	}
	p[o++] = '%';
	p[o] = '\0';
	return p;
}

static int
list_rows(struct store *s, const struct store_scope *sc, const char *pat,
    int64_t after, int limit, struct store_advisory *rows, size_t *k)
{
	struct drv_cur c;
	int r;

	struct drv_arg a[] = {A_INT(after), A_SCOPE_ALL(sc), A_SCOPE_ID(sc),
	    A_INT(pat != NULL), A_TEXT(pat ? pat : ""), A_TEXT(pat ? pat : ""),
	    A_TEXT(pat ? pat : ""), A_INT(limit + 1)};
	if ((r = sq_query(s, &q_adv_list, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1 && (r = read_adv(&c, &rows[*k], 0)) == 0)
		(*k)++;
	sq_done(&c);
	return r;
}

int
store_advisory_list(struct store *s, const struct store_scope *sc,
    const char *q, const struct store_page *pg, struct store_advisory **v,
    size_t *n, int *more)
{
	struct store_advisory *rows = NULL;
	char *pat = NULL;
	int64_t after;
	size_t k = 0;
	int limit, r;

	*v = NULL;
	*n = 0;
	*more = 0;
	if (sc == NULL || (q != NULL && strlen(q) > ADV_Q_MAX))
		return RP_ERR_ARG;
	if ((r = sq_page(pg, &after, &limit)) != 0)
		return r;
	if (q != NULL && q[0] != '\0' && (pat = like_pattern(q)) == NULL)
		return RP_ERR_NOMEM;
	if ((rows = calloc((size_t)limit + 1, sizeof(*rows))) == NULL) {
		free(pat);
		return RP_ERR_NOMEM;
	}
	r = list_rows(s, sc, pat, after, limit, rows, &k);
	free(pat);
	if (r == 0 && k > (size_t)limit) {
		*more = 1;
		store_advisory_clear(&rows[--k]);
	}
	if (r == 0 && k > 0)
		r = attach_tenants(s, sc, rows[0].id, rows[k - 1].id, rows, k);
	if (r != 0) {
		*more = 0;
		store_advisories_free(rows, k);
		return r;
	}
	*v = rows;
	*n = k;
	return 0;
}

int
store_advisory_get(struct store *s, const struct store_scope *sc, int64_t id,
    int revision, struct store_advisory *out)
{
	struct store_advisory a;
	struct drv_cur c;
	int r;

	if (sc == NULL || revision < 0)
		return RP_ERR_ARG;
	struct drv_arg q[] = {A_INT(revision), A_INT(revision), A_INT(id),
	    A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	if ((r = sq_row(s, &q_adv_get, q, NARGS(q), &c)) != 0)
		return r;
	r = read_adv(&c, &a, 1);
	sq_done(&c);
	if (r != 0)
		return r;
	if ((r = attach_tenants(s, sc, id, id, &a, 1)) != 0) {
		store_advisory_clear(&a);
		return r;
	}
	*out = a;
	return 0;
}

static int
revision_row(struct drv_cur *c, void *row)
{
	return read_adv(c, row, 0);
}

static void
revision_clear(void *row)
{
	store_advisory_clear(row);
}

static const struct sq_rows revision_rows = {
    sizeof(struct store_advisory), 0, revision_row, revision_clear};

int
store_advisory_revisions(struct store *s, const struct store_scope *sc,
    int64_t id, const struct store_page *pg, struct store_advisory **v,
    size_t *n, int *more)
{
	struct store_advisory *rows = NULL;
	size_t k = 0;
	int r;

	*v = NULL;
	*n = 0;
	*more = 0;
	if (sc == NULL)
		return RP_ERR_ARG;
	struct drv_arg q[] = {
	    A_NULL, A_INT(id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc), A_NULL};
	r = sq_list(s, &q_adv_revisions, q, NARGS(q), pg, &revision_rows,
	    (void **)&rows, &k, more);
	if (r == 0 && k == 0 && (pg == NULL || pg->after == 0))
		r = RP_ERR_NOTFOUND;
	if (r == 0 && k > 0)
		r = attach_tenants(s, sc, id, id, rows, k);
	if (r != 0) {
		*more = 0;
		store_advisories_free(rows, k);
		return r;
	}
	*v = rows;
	*n = k;
	return 0;
}

int
store_advisory_latest(struct store *s, int64_t id, int *revision)
{
	struct drv_arg a[] = {A_INT(id)};
	int64_t v;
	int r;

	if ((r = sq_int1(s, &q_adv_latest, a, NARGS(a), &v)) != 0)
		return r;
	*revision = (int)v;
	return 0;
}
