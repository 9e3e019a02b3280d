/*
 * OSV reader: maps one OSV record (schema 1.x, ossf/osv-schema) onto the
 * advisory model as a single vulnerability.
 *
 * Each affected[] entry becomes products whose IDs are the JSON pointers
 * of what they came from, so every verdict can be traced to the record:
 *   /affected/I/ranges/J           a SEMVER or ECOSYSTEM range (vers: form)
 *   /affected/I/versions/K         one explicitly listed version
 *   /affected/I/ranges/J/events/E  the version a "fixed" event names
 * GIT ranges name commits, which no inventory reports: they are reported
 * as unsupported and only the listed versions are used.
 *
 * A range's events become a parsed range (vers_build(), straight from
 * the events) and, for people, its vers text: introduced "0" is no lower
 * bound, fixed is "<", last_affected "<=", several introduced/fixed pairs
 * one range ("vers:semver/<1.21.12|>=1.22.0-0|<1.22.5").  A limit event
 * (meant for GIT ranges) only closes a range left open; other limits are
 * ignored with a warning, which errs on the side of "affected".  The
 * product's scheme is semver for SEMVER ranges and the ecosystem's
 * ordering for ECOSYSTEM ones (osv_vers.c), unknown where Rampart has none
 * (PyPI, Maven, ...), so the matcher says "unknown" rather than guess.
 * Platform stays NULL: "Debian:12" names a distribution, not a machine.
 *
 * Validation follows the schema and the offline rules of the OSV linter
 * (RNG:001 every range has an introduced event, RNG:002 a range is
 * distinct and non-GIT ranges need a package).  Real records break them,
 * so only what leaves nothing to read rejects the record (not an object,
 * no id or modified time); the rest is kept apart: a range without an
 * introduced event or with a version both introduced and fixed is read
 * as the OSV evaluation reads it, with a warning; an affected entry with
 * errors is left out with a warning (osv_affected_kept); a broken score,
 * reference, credit or alias is ignored with a warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adv_util.h"
#include "advisory.h"
#include "json/rpjson.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/rfc3339.h"
#include "util/str.h"
#include "version/version.h"

#include "osv_int.h"
#include "osv_vers.h"

/* Bounds on what one record may hold; real records are far smaller. */
#define OSV_MAX_PRODUCTS 200000
#define OSV_MAX_RANGE (1024 * 1024) /* bytes of one vers string */
#define OSV_MAX_EVENTS 10000 /* per range */

static const char *const osv_top_keys[] = {"schema_version", "id", "modified",
    "published", "withdrawn", "aliases", "related", "upstream", "summary",
    "details", "severity", "affected", "references", "credits",
    "database_specific", NULL};
static const char *const osv_affected_keys[] = {"package", "severity", "ranges",
    "versions", "ecosystem_specific", "database_specific", NULL};
static const char *const osv_package_keys[] = {
    "ecosystem", "name", "purl", NULL};
static const char *const osv_range_keys[] = {
    "type", "repo", "events", "database_specific", NULL};
static const char *const osv_event_keys[] = {
    "introduced", "fixed", "last_affected", "limit", NULL};
static const char *const osv_ref_types[] = {"ADVISORY", "ARTICLE", "DETECTION",
    "DISCUSSION", "REPORT", "FIX", "INTRODUCED", "GIT", "PACKAGE", "EVIDENCE",
    "WEB", NULL};
static const char *const osv_credit_types[] = {"FINDER", "REPORTER", "ANALYST",
    "COORDINATOR", "REMEDIATION_DEVELOPER", "REMEDIATION_REVIEWER",
    "REMEDIATION_VERIFIER", "TOOL", "SPONSOR", "OTHER", NULL};

/* ---- diagnostics ---- */

int
osv_forgive(struct osv_ctx *c, const struct rpjson_mark *t, const char *then)
{
	if (rpjson_demote(&c->rd, t) == 0)
		return 0;
	osv_warn(c, NULL, "%s", then);
	return 1;
}

/* ---- small helpers ---- */

struct dup_ent {
	const char *s;
	size_t i;
};

static int
dup_cmp(const void *a, const void *b)
{
	const struct dup_ent *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * Marks the strings of arr that repeat an earlier one (sorting, so long
 * lists stay cheap).  Returns an array of json_array_size(arr) flags in
 * the scratch arena, or NULL when out of memory.
 */
static unsigned char *
dup_marks(struct osv_ctx *c, const json_t *arr)
{
	size_t i, n = json_array_size(arr), ne = 0;
	struct dup_ent *e;
	unsigned char *dup;
	const json_t *v;

	if ((dup = rp_arena_calloc(c->tmp, n + 1, 1)) == NULL ||
	    (e = rp_arena_calloc(c->tmp, n + 1, sizeof(*e))) == NULL)
		return NULL;
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v))
			continue;
		e[ne].s = json_string_value(v);
		e[ne++].i = i;
	}
	qsort(e, ne, sizeof(*e), dup_cmp);
	for (i = 1; i < ne; i++) {
		if (strcmp(e[i].s, e[i - 1].s) == 0)
			dup[e[i].i] = 1;
	}
	return dup;
}

static int
push_str(struct osv_ctx *c, char ***arr, size_t *n, size_t *cap, const char *s)
{
	char **v;

	if (*n >= OSV_MAX_ITEMS) {
		osv_err(c, NULL, "more than %d entries", OSV_MAX_ITEMS);
		return RP_ERR_LIMIT;
	}
	if ((v = rp_arena_grow(c->a->arena, *arr, *n, cap, sizeof(*v))) == NULL)
		return RP_ERR_NOMEM;
	*arr = v;
	if ((v[*n] = rp_arena_strdup(c->a->arena, s)) == NULL)
		return RP_ERR_NOMEM;
	(*n)++;
	return 0;
}

static int
add_status(struct osv_ctx *c, enum adv_status s, const char *pid)
{
	return push_str(
	    c, &c->v->status[s], &c->v->nstatus[s], &c->cap_status[s], pid);
}

static int
add_note(struct osv_ctx *c, struct adv_note **arr, size_t *n, size_t *cap,
    const char *category, const char *title, const char *text)
{
	struct adv_note *v;
	struct rp_arena *ar = c->a->arena;

	if (*n >= OSV_MAX_ITEMS)
		return RP_ERR_LIMIT;
	if ((v = rp_arena_grow(ar, *arr, *n, cap, sizeof(*v))) == NULL)
		return RP_ERR_NOMEM;
	*arr = v;
	v += (*n)++;
	v->category = rp_arena_strdup(ar, category);
	v->title = rp_arena_strdup(ar, title);
	v->text = rp_arena_strdup(ar, text);
	if (v->category == NULL || (title != NULL && v->title == NULL) ||
	    v->text == NULL)
		return RP_ERR_NOMEM;
	return 0;
}

/* A timestamp member; returns the string or NULL (absent or invalid). */
static const char *
osv_time(struct osv_ctx *c, const json_t *obj, const char *key, int required)
{
	const char *s = osv_str(c, obj, key, required);
	size_t m;
	struct rp_time t;
	enum rp_time_err e;

	if (s == NULL)
		return NULL;
	m = rpjson_path_push_key(&c->p, key);
	if (rp_rfc3339_parse(s, &t, &e) != 0) {
		osv_err(c, "schema",
		    "\"%s\" is not an RFC 3339 timestamp "
		    "(%s; expected e.g. 2024-05-29T23:34:56Z)",
		    s, rp_rfc3339_strerror(e));
		s = NULL;
	} else if (!t.zulu)
		osv_warn(c, "schema", "timestamps should be in UTC (Z)");
	rpjson_path_pop(&c->p, m);
	return s;
}

/* ---- products ---- */

/* What an affected[] entry says about its package. */
struct osv_pkg {
	const char *name; /* package name, or the GIT repo */
	const char *ecosystem; /* NULL without a package */
	const char *purl;
	const struct ecosystem *eco; /* NULL: not one the schema defines */
	char **pids; /* affected product IDs of this entry */
	size_t npids, cap_pids;
	int has_package;
};

/*
 * Adds a product; returns its ID (arena) through *idp.  A range comes
 * with its parsed form vr, or NULL and range_err.
 */
static int
add_product(struct osv_ctx *c, struct osv_pkg *pk, const char *scheme,
    const char *version, const char *range, const struct vers_range *vr,
    const char *range_err, char **idp)
{
	struct rp_arena *ar = c->a->arena;
	struct adv_product *p;
	const char *eco = pk->ecosystem;

	*idp = NULL;
	if (c->a->nproducts >= OSV_MAX_PRODUCTS) {
		osv_err(c, NULL, "more than %d products", OSV_MAX_PRODUCTS);
		return RP_ERR_LIMIT;
	}
	if ((p = rp_arena_grow(ar, c->a->products, c->a->nproducts,
		 &c->cap_products, sizeof(*p))) == NULL)
		return RP_ERR_NOMEM;
	c->a->products = p;
	p += c->a->nproducts++;
	p->id = rp_arena_strdup(ar, rpjson_path_str(&c->p));
	p->product = rp_arena_strdup(ar, pk->name);
	if (version != NULL)
		p->name = rp_arena_printf(ar, "%s %s%s%s%s", pk->name, version,
		    eco ? " (" : "", eco ? eco : "", eco ? ")" : "");
	else
		p->name = rp_arena_printf(ar, "%s%s%s%s", pk->name,
		    eco ? " (" : "", eco ? eco : "", eco ? ")" : "");
	p->ecosystem = rp_arena_strdup(ar, eco);
	p->purl = rp_arena_strdup(ar, pk->purl);
	p->scheme = adv_scheme_declared(scheme, pk->purl, eco);
	p->version = rp_arena_strdup(ar, version);
	p->range = rp_arena_strdup(ar, range);
	if (range != NULL && vr == NULL)
		p->range_err = range_err;
	else if (range != NULL && adv_range_keep(ar, p, vr) != 0)
		return RP_ERR_NOMEM;
	if (p->id == NULL || p->product == NULL || p->name == NULL ||
	    (eco != NULL && p->ecosystem == NULL) ||
	    (pk->purl != NULL && p->purl == NULL) ||
	    (version != NULL && p->version == NULL) ||
	    (range != NULL && p->range == NULL))
		return RP_ERR_NOMEM;
	*idp = p->id;
	return 0;
}

/* The single event of events[k], checked: sets *kind and *val. */
static int
osv_event(struct osv_ctx *c, const json_t *ev, int git, const char **kind,
    const char **val)
{
	const char *key;
	json_t *v;
	size_t n = 0, len;

	*kind = *val = NULL;
	if (!json_is_object(ev)) {
		osv_err(c, "schema", "an event is an object");
		return 0;
	}
	json_object_foreach((json_t *)ev, key, v)
	{
		if (!adv_in_list(osv_event_keys, key)) {
			osv_warn(
			    c, "schema", "unknown event \"%s\" ignored", key);
			continue;
		}
		n++;
		*kind = key;
		*val = json_string_value(v);
	}
	if (n != 1) {
		osv_err(c, "schema",
		    "an event has exactly one of introduced, fixed, "
		    "last_affected or limit");
		*kind = NULL;
		return 0;
	}
	if (*val == NULL) {
		osv_err(c, "schema", "\"%s\" must be a string", *kind);
		*kind = NULL;
		return 0;
	}
	if ((*val)[0] == '\0') {
		osv_err(c, "schema", "\"%s\" is empty", *kind);
		*kind = NULL;
		return 0;
	}
	len = strlen(*val);
	if (git && strcmp(*val, "0") != 0 &&
	    ((len != 40 && len != 64) ||
		strspn(*val, "0123456789abcdef") != len)) {
		osv_err(c, "schema",
		    "GIT events name full-length commit hashes, not \"%s\"",
		    *val);
		*kind = NULL;
	}
	return 0;
}

/* Collected events of one range. */
struct osv_events {
	struct osv_ival *iv;
	size_t niv;
	const char *limit; /* the one finite limit, if exactly one */
	size_t nlimits;
	int has_introduced, has_fixed, has_last;
	/* Fixed events (by index) whose version is also introduced: not
	   used as fixes (see osv_degenerate); NULL when there are none. */
	unsigned char *notfix;
	size_t nevents;
};

static int
ev_val_cmp(const void *x, const void *y)
{
	const struct osv_ev *a = x, *b = y;
	int c = strcmp(a->val, b->val);

	if (c != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/*
 * RNG:002: a version both introduced and fixed (real records have them,
 * e.g. Bitnami's).  Such fixed events are remembered in e for
 * osv_degenerate(), which says what they mean once the intervals are
 * known.  Sorting by value keeps this linear in practice.
 */
static int
check_distinct(
    struct osv_ctx *c, const struct osv_ev *ev, size_t n, struct osv_events *e)
{
	struct osv_ev *s;
	size_t i, j, m;
	int intro;

	if ((s = rp_arena_calloc(c->tmp, n + 1, sizeof(*s))) == NULL ||
	    (e->notfix = rp_arena_calloc(c->tmp, e->nevents + 1, 1)) == NULL)
		return RP_ERR_NOMEM;
	memcpy(s, ev, n * sizeof(*s));
	qsort(s, n, sizeof(*s), ev_val_cmp);
	for (i = 0; i < n; i = j) {
		intro = 0;
		for (j = i; j < n && strcmp(s[j].val, s[i].val) == 0; j++)
			intro |= s[j].kind[0] == 'i';
		for (m = i; intro && m < j; m++) {
			if (strcmp(s[m].kind, "fixed") != 0)
				continue;
			e->notfix[s[m].idx] = 1;
		}
	}
	return 0;
}

/*
 * The fixed events of a range whose version is also introduced, read as
 * the OSV evaluation reads them, each with a warning at the event: an
 * interval that opens and closes at the same version is empty and
 * matches nothing (it is dropped); one that closes where the next opens
 * joins it (the version stays affected).  Neither is a fix.  Where the
 * version neither empties nor joins an interval the event is an ordinary
 * fix.  Bounded: the records' own ranges are short, and both scans are
 * linear in the intervals.
 */
static void
osv_degenerate(
    struct osv_ctx *c, const json_t *events, int git, struct osv_events *e)
{
	const char *f;
	const json_t *ev;
	size_t i, mk;
	int k;

	json_array_foreach(events, i, ev)
	{
		if (e->notfix == NULL || !e->notfix[i] ||
		    (f = rpjson_str(ev, "fixed")) == NULL)
			continue;
		mk = rpjson_path_push_index(&c->p, i);
		if (git)
			osv_warn(c, "RNG:002",
			    "range is not distinct: \"%s\" is both introduced "
			    "and fixed",
			    f);
		else if ((k = osv_ivals_settle(e->iv, &e->niv, f)) ==
		    OSV_SETTLE_EMPTY)
			osv_warn(c, "RNG:002",
			    "range is not distinct: \"%s\" is both introduced "
			    "and fixed, so the interval from %s to %s is empty "
			    "and matches nothing; the rest of the record is "
			    "kept",
			    f, f, f);
		else if (k == OSV_SETTLE_JOINED)
			osv_warn(c, "RNG:002",
			    "range is not distinct: \"%s\" is both fixed and "
			    "introduced again, so the intervals on either side "
			    "join and %s stays affected; it is not read as a "
			    "fix",
			    f, f);
		else {
			osv_warn(c, "RNG:002",
			    "range is not distinct: \"%s\" is both introduced "
			    "and fixed; the events are read in their order, "
			    "where it ends an interval",
			    f);
			e->notfix[i] = 0;
		}
		rpjson_path_pop(&c->p, mk);
	}
}

/*
 * Reads and checks the events of a range (the linter's rules included)
 * and, for SEMVER and ECOSYSTEM ranges, computes the affected intervals.
 */
static int
osv_walk_events(struct osv_ctx *c, const json_t *events, const char *scheme,
    int git, struct osv_events *e)
{
	struct osv_ev *ev, *sorted;
	const char *kind, *val;
	const json_t *j;
	size_t i, n = 0, m, m2;
	int r = 0;

	memset(e, 0, sizeof(*e));
	e->nevents = json_array_size(events);
	if ((ev = rp_arena_calloc(
		 c->tmp, json_array_size(events) + 1, sizeof(*ev))) == NULL)
		return RP_ERR_NOMEM;
	m = rpjson_path_push_key(&c->p, "events");
	json_array_foreach(events, i, j)
	{
		m2 = rpjson_path_push_index(&c->p, i);
		osv_event(c, j, git, &kind, &val);
		rpjson_path_pop(&c->p, m2);
		if (kind == NULL)
			continue;
		if (strcmp(kind, "limit") == 0) {
			if (strchr(val, '*') == NULL) {
				e->nlimits++;
				e->limit = val;
			}
			continue;
		}
		e->has_introduced |= kind[0] == 'i';
		e->has_fixed |= kind[0] == 'f';
		e->has_last |= kind[0] == 'l';
		ev[n].kind = kind;
		ev[n].val = val;
		ev[n++].idx = i;
	}
	if (!e->has_introduced)
		osv_warn(c, "RNG:001",
		    "range has no \"introduced\" event, so it matches "
		    "nothing (\"0\" stands for \"since the first version\"); "
		    "the rest of the record is kept");
	if (e->has_fixed && e->has_last)
		osv_err(c, "schema",
		    "a range has fixed or last_affected events, not both");
	if ((r = check_distinct(c, ev, n, e)) == 0 && !git) {
		if (osv_ev_sort(c->tmp, scheme, ev, n, &sorted) == 0)
			ev = sorted;
		if ((r = osv_ev_walk(c->tmp, ev, n, &e->iv, &e->niv)) == 0)
			osv_degenerate(c, events, 0, e);
	} else if (r == 0)
		osv_degenerate(c, events, 1, e);
	rpjson_path_pop(&c->p, m);
	return r;
}

/* A fixed version: its product, status and the upgrade remediation. */
static int
add_fix(struct osv_ctx *c, struct osv_pkg *pk, const char *scheme,
    const char *fixed, char **affected, size_t naffected)
{
	struct rp_arena *ar = c->a->arena;
	struct adv_remediation *rem;
	char *id;
	int r;

	if ((r = add_product(c, pk, scheme, fixed, NULL, NULL, NULL, &id)) !=
		0 ||
	    (r = add_status(c, ADV_STATUS_FIXED, id)) != 0)
		return r;
	if (c->v->nremediations >= OSV_MAX_ITEMS)
		return RP_ERR_LIMIT;
	if ((rem = rp_arena_grow(ar, c->v->remediations, c->v->nremediations,
		 &c->cap_rems, sizeof(*rem))) == NULL)
		return RP_ERR_NOMEM;
	c->v->remediations = rem;
	rem += c->v->nremediations++;
	/* Data, not a sentence: presenters write "upgrade to ...". */
	memset(rem, 0, sizeof(*rem));
	rem->category = ADV_REM_VENDOR_FIX;
	rem->fix_version = rp_arena_strdup(ar, fixed);
	rem->product_ids = affected;
	rem->nproduct_ids = naffected;
	return rem->fix_version == NULL ? RP_ERR_NOMEM : 0;
}

/*
 * The intervals of a range as a parsed range of vers type vscheme (text
 * names it in messages): *out, or NULL and the reason in *why when the
 * versions do not make a range in the scheme.  Returns 0 or RP_ERR_NOMEM.
 */
static int
osv_ivals_range(struct osv_ctx *c, const char *vscheme,
    const struct osv_events *e, const char *text, struct vers_range **out,
    const char **why)
{
	struct vers_constraint *cs;
	struct rp_diags *d;
	struct adv_product tmp = {0};
	size_t n;
	int r;

	*out = NULL;
	*why = NULL;
	if ((cs = rp_arena_calloc(c->tmp, 2 * e->niv + 1, sizeof(*cs))) == NULL)
		return RP_ERR_NOMEM;
	n = osv_ivals_constraints(e->iv, e->niv, cs);
	if ((d = rp_diags_new()) == NULL)
		return RP_ERR_NOMEM;
	r = vers_build(vscheme, cs, n, text, out, d);
	if (r != 0 && r != RP_ERR_NOMEM) {
		r = adv_range_failed(c->a->arena, &tmp, r, d);
		*why = tmp.range_err;
	}
	rp_diags_free(d);
	return r;
}

/* One SEMVER/ECOSYSTEM range: a range product, fixed products. */
static int
osv_linear_range(struct osv_ctx *c, struct osv_pkg *pk, const char *type,
    const json_t *events)
{
	struct osv_events e;
	struct vers_range *vr = NULL;
	const char *scheme, *vscheme, *why = NULL;
	const json_t *ev;
	char *vers = NULL, *id, **one, own[32];
	size_t i, m, m2;
	int r;

	if (strcmp(type, "SEMVER") == 0) {
		scheme = vscheme = "semver";
	} else if (pk->eco != NULL && pk->eco->vers != NULL) {
		scheme = pk->eco->scheme;
		vscheme = pk->eco->vers;
	} else {
		/* kept, but never evaluated with a wrong ordering */
		scheme = NULL;
		vscheme =
		    osv_vers_scheme_other(pk->ecosystem, own, sizeof(own));
	}
	if ((r = osv_walk_events(c, events, scheme, 0, &e)) != 0)
		return r;
	if (e.nlimits > 0) {
		osv_warn(c, NULL,
		    "limit events in %s ranges are applied only as the upper "
		    "bound of an open range",
		    type);
		if (e.nlimits == 1 && e.niv > 0 && e.iv[e.niv - 1].hi == NULL)
			e.iv[e.niv - 1].hi = e.limit;
	}
	if (e.niv == 0)
		return 0;
	if ((vers = osv_ivals_to_vers(vscheme, e.iv, e.niv, OSV_MAX_RANGE)) ==
	    NULL) {
		osv_err(c, NULL, "range too long");
		return 0;
	}
	/* The text is for people; the range itself comes from the events. */
	r = osv_ivals_range(c, vscheme, &e, vers, &vr, &why);
	if (r == 0)
		r = add_product(c, pk, scheme, NULL, vers, vr, why, &id);
	vers_range_free(vr);
	free(vers);
	if (r != 0 || (r = add_status(c, ADV_STATUS_KNOWN_AFFECTED, id)) != 0)
		return r;
	if ((one = rp_arena_calloc(c->a->arena, 1, sizeof(*one))) == NULL)
		return RP_ERR_NOMEM;
	one[0] = id;
	if ((r = push_str(c, &pk->pids, &pk->npids, &pk->cap_pids, id)) != 0)
		return r;
	/* One fixed product per fixed event, remedying this range. */
	m = rpjson_path_push_key(&c->p, "events");
	json_array_foreach(events, i, ev)
	{
		const char *f = rpjson_str(ev, "fixed");

		if (f == NULL || json_object_size(ev) != 1 ||
		    (e.notfix != NULL && e.notfix[i]))
			continue;
		m2 = rpjson_path_push_index(&c->p, i);
		r = add_fix(c, pk, scheme, f, one, 1);
		rpjson_path_pop(&c->p, m2);
		if (r != 0)
			break;
	}
	rpjson_path_pop(&c->p, m);
	return r;
}

static int
osv_range(struct osv_ctx *c, struct osv_pkg *pk, const json_t *rg)
{
	const char *type, *repo;
	const json_t *events;
	int git;

	if (!json_is_object(rg)) {
		osv_err(c, "schema", "a range is an object");
		return 0;
	}
	osv_check_keys(c, rg, osv_range_keys);
	type = osv_str(c, rg, "type", 1);
	repo = osv_str(c, rg, "repo", 0);
	events = json_object_get(rg, "events");
	if (events == NULL || !json_is_array(events) ||
	    json_array_size(events) == 0) {
		osv_err(c, "schema",
		    "\"events\" must be a non-empty array of events");
		return 0;
	}
	if (json_array_size(events) > OSV_MAX_EVENTS) {
		osv_err(c, NULL, "more than %d events in one range",
		    OSV_MAX_EVENTS);
		return 0;
	}
	if (type == NULL)
		return 0;
	git = strcmp(type, "GIT") == 0;
	if (!git && strcmp(type, "SEMVER") != 0 &&
	    strcmp(type, "ECOSYSTEM") != 0) {
		osv_err(c, "schema",
		    "range type \"%s\" is not GIT, SEMVER or ECOSYSTEM", type);
		return 0;
	}
	if (git && repo == NULL)
		osv_err(c, "schema", "GIT ranges require a \"repo\"");
	if (!git && !pk->has_package) {
		osv_err(c, "RNG:002",
		    "a %s range needs the affected entry's \"package\" "
		    "(only GIT ranges may go without one)",
		    type);
		return 0;
	}
	if (git) {
		struct osv_events e;
		int r;

		if ((r = osv_walk_events(c, events, NULL, 1, &e)) != 0)
			return r;
		osv_warn(c, NULL,
		    "GIT ranges (commit hashes) are not supported; the "
		    "affected versions listed are used instead");
		return 0;
	}
	return osv_linear_range(c, pk, type, events);
}

static int
osv_package(struct osv_ctx *c, const json_t *aff, struct osv_pkg *pk)
{
	const json_t *pkg = json_object_get(aff, "package");
	const char *purl;
	const char *colon;
	size_t m, m2;

	if (pkg == NULL || json_is_null(pkg))
		return 0;
	m = rpjson_path_push_key(&c->p, "package");
	if (!json_is_object(pkg)) {
		osv_err(c, "schema", "\"package\" is an object");
		goto out;
	}
	osv_check_keys(c, pkg, osv_package_keys);
	pk->ecosystem = osv_str(c, pkg, "ecosystem", 1);
	pk->name = osv_str(c, pkg, "name", 1);
	purl = osv_str(c, pkg, "purl", 0);
	if (pk->ecosystem == NULL || pk->name == NULL)
		goto out;
	if (pk->name[0] == '\0')
		osv_err(c, "schema", "package name is empty");
	pk->has_package = 1;
	pk->eco = ecosystem_lookup(pk->ecosystem);
	colon = strchr(pk->ecosystem, ':');
	if (pk->eco == NULL || (colon != NULL && colon[1] == '\0')) {
		m2 = rpjson_path_push_key(&c->p, "ecosystem");
		osv_warn(c, "schema",
		    "ecosystem \"%s\" is not one the schema defines; its "
		    "versions cannot be compared",
		    pk->ecosystem);
		rpjson_path_pop(&c->p, m2);
	}
	if (purl != NULL && !rp_str_startswith(purl, "pkg:")) {
		m2 = rpjson_path_push_key(&c->p, "purl");
		osv_warn(c, "P0003",
		    "\"%s\" is not a package URL (pkg:...); ignored", purl);
		rpjson_path_pop(&c->p, m2);
	} else
		pk->purl = purl;
out:
	rpjson_path_pop(&c->p, m);
	return 0;
}

/* The repo of the first GIT range, to name a package-less entry. */
static const char *
git_repo(const json_t *aff)
{
	const json_t *ranges = rpjson_array(aff, "ranges"), *rg;
	const char *repo;
	size_t i;

	json_array_foreach(ranges, i, rg)
	{
		if ((repo = rpjson_str(rg, "repo")) != NULL)
			return repo;
	}
	return NULL;
}

static int
osv_versions(struct osv_ctx *c, struct osv_pkg *pk, const json_t *aff)
{
	const json_t *vers, *v;
	const char *scheme = pk->eco != NULL ? pk->eco->scheme : NULL;
	unsigned char *dup;
	size_t i, m, m2;
	char *id;
	int r = 0;

	if ((vers = osv_array(c, aff, "versions", 0)) == NULL)
		return 0;
	if ((dup = dup_marks(c, vers)) == NULL)
		return RP_ERR_NOMEM;
	m = rpjson_path_push_key(&c->p, "versions");
	json_array_foreach(vers, i, v)
	{
		m2 = rpjson_path_push_index(&c->p, i);
		if (!json_is_string(v) || json_string_length(v) == 0) {
			osv_warn(c, "schema",
			    "a version is a non-empty string; this one is "
			    "ignored");
			goto next;
		}
		if (dup[i]) {
			osv_warn(c, NULL, "version \"%s\" listed twice",
			    json_string_value(v));
			goto next;
		}
		if (!pk->has_package)
			scheme = NULL; /* tags of a repository */
		if ((r = add_product(c, pk, scheme, json_string_value(v), NULL,
			 NULL, NULL, &id)) != 0 ||
		    (r = add_status(c, ADV_STATUS_KNOWN_AFFECTED, id)) != 0 ||
		    (r = push_str(
			 c, &pk->pids, &pk->npids, &pk->cap_pids, id)) != 0) {
			rpjson_path_pop(&c->p, m2);
			break;
		}
	next:
		rpjson_path_pop(&c->p, m2);
	}
	rpjson_path_pop(&c->p, m);
	return r;
}

/*
 * When an entry has exactly one fixed version, the explicit versions are
 * remedied by it as well; with several (one per branch) the right one
 * depends on the branch, so they stay on the ranges only.
 */
static void
widen_remediation(struct osv_ctx *c, size_t first_rem, struct osv_pkg *pk)
{
	if (c->v->nremediations != first_rem + 1 || pk->npids == 0)
		return;
	c->v->remediations[first_rem].product_ids = pk->pids;
	c->v->remediations[first_rem].nproduct_ids = pk->npids;
}

static int
osv_affected_one(struct osv_ctx *c, const json_t *aff)
{
	struct osv_pkg pk;
	const json_t *ranges, *rg;
	size_t i, m, first_rem = c->v->nremediations;
	int r;

	memset(&pk, 0, sizeof(pk));
	if (!json_is_object(aff)) {
		osv_err(c, "schema", "an affected entry is an object");
		return 0;
	}
	osv_check_keys(c, aff, osv_affected_keys);
	if ((r = osv_package(c, aff, &pk)) != 0)
		return r;
	if (!pk.has_package) {
		if (json_object_get(aff, "package") == NULL &&
		    git_repo(aff) == NULL)
			osv_err(c, "schema",
			    "an affected entry needs a \"package\" unless its "
			    "ranges are GIT ranges");
		if ((pk.name = git_repo(aff)) == NULL)
			pk.name = "(unnamed)";
	}
	if ((ranges = osv_array(c, aff, "ranges", 0)) != NULL) {
		m = rpjson_path_push_key(&c->p, "ranges");
		json_array_foreach(ranges, i, rg)
		{
			size_t m2 = rpjson_path_push_index(&c->p, i);

			r = osv_range(c, &pk, rg);
			rpjson_path_pop(&c->p, m2);
			if (r != 0)
				return r;
		}
		rpjson_path_pop(&c->p, m);
	}
	if ((r = osv_versions(c, &pk, aff)) != 0)
		return r;
	widen_remediation(c, first_rem, &pk);
	/* Per-package severity applies to this entry's products. */
	return osv_severity(c, aff, pk.pids, pk.npids);
}

/* What the advisory held before an affected entry, to take it back. */
struct osv_mark {
	struct rpjson_mark t;
	size_t nproducts, nrems, nscores;
	size_t nstatus[ADV_STATUS_COUNT];
	char *severity;
};

/*
 * One affected entry, kept apart from the others: when it has errors
 * (a malformed package, range or event) everything it added is taken
 * back, its errors become warnings, and one more warning says that
 * nothing it names is matched.  The rest of the record stays, so one
 * broken entry of a record listing many packages costs only that entry.
 */
static int
osv_affected_kept(struct osv_ctx *c, const json_t *aff)
{
	struct osv_mark mk;
	size_t s;
	int r;

	rpjson_mark(&c->rd, &mk.t);
	mk.nproducts = c->a->nproducts;
	mk.nrems = c->v->nremediations;
	mk.nscores = c->v->nscores;
	for (s = 0; s < ADV_STATUS_COUNT; s++)
		mk.nstatus[s] = c->v->nstatus[s];
	mk.severity = c->a->severity;
	if ((r = osv_affected_one(c, aff)) != 0 ||
	    c->rd.nerrors == mk.t.nerrors)
		return r;
	c->a->nproducts = mk.nproducts;
	c->v->nremediations = mk.nrems;
	c->v->nscores = mk.nscores;
	for (s = 0; s < ADV_STATUS_COUNT; s++)
		c->v->nstatus[s] = mk.nstatus[s];
	c->a->severity = mk.severity;
	osv_forgive(c, &mk.t,
	    "affected entry left out because of the problems above: nothing "
	    "it names is matched; the other entries are kept");
	return 0;
}

static int
osv_affected(struct osv_ctx *c, const json_t *root)
{
	const json_t *arr, *aff;
	size_t i, m, m2, m3;
	int r = 0, top_sev;

	if ((arr = osv_array(c, root, "affected", 1)) == NULL ||
	    json_array_size(arr) == 0) {
		if (json_object_get(root, "withdrawn") == NULL)
			osv_warn(c, "REC:001",
			    "the record lists no affected packages: nothing "
			    "to match");
		return 0;
	}
	top_sev = json_object_get(root, "severity") != NULL &&
	    !json_is_null(json_object_get(root, "severity"));
	m = rpjson_path_push_key(&c->p, "affected");
	json_array_foreach(arr, i, aff)
	{
		m2 = rpjson_path_push_index(&c->p, i);
		if (top_sev && json_is_object(aff) &&
		    json_object_get(aff, "severity") != NULL &&
		    !json_is_null(json_object_get(aff, "severity"))) {
			m3 = rpjson_path_push_key(&c->p, "severity");
			osv_warn(c, "schema",
			    "package severity is not allowed when the record "
			    "has a top-level severity; both are read");
			rpjson_path_pop(&c->p, m3);
		}
		r = osv_affected_kept(c, aff);
		rpjson_path_pop(&c->p, m2);
		if (r != 0)
			break;
	}
	rpjson_path_pop(&c->p, m);
	return r;
}

/* ---- top level ---- */

/* aliases, related or upstream: strings, not the record's own ID. */
static int
osv_id_list(struct osv_ctx *c, const json_t *root, const char *key,
    const char *self, int nullable,
    int (*each)(struct osv_ctx *, const char *, const char *))
{
	const json_t *arr, *v;
	unsigned char *dup;
	size_t i, m, m2;
	int r = 0;

	if ((arr = osv_array(c, root, key, nullable)) == NULL)
		return 0;
	if ((dup = dup_marks(c, arr)) == NULL)
		return RP_ERR_NOMEM;
	m = rpjson_path_push_key(&c->p, key);
	json_array_foreach(arr, i, v)
	{
		m2 = rpjson_path_push_index(&c->p, i);
		if (!json_is_string(v)) {
			osv_warn(c, "schema", "expected a string; ignored");
			goto next;
		}
		if (self != NULL && strcmp(json_string_value(v), self) == 0) {
			osv_warn(
			    c, NULL, "%s contains the record's own ID", key);
			goto next;
		}
		if (dup[i]) {
			osv_warn(c, NULL, "\"%s\" listed twice",
			    json_string_value(v));
			goto next;
		}
		if ((r = each(c, key, json_string_value(v))) != 0) {
			rpjson_path_pop(&c->p, m2);
			break;
		}
	next:
		rpjson_path_pop(&c->p, m2);
	}
	rpjson_path_pop(&c->p, m);
	return r;
}

static int
each_alias(struct osv_ctx *c, const char *key, const char *id)
{
	(void)key;
	if (c->v->cve == NULL && adv_is_cve(id) &&
	    (c->v->cve = rp_arena_strdup(c->a->arena, id)) == NULL)
		return RP_ERR_NOMEM;
	return push_str(c, &c->v->ids, &c->v->nids, &c->cap_ids, id);
}

static int
each_related(struct osv_ctx *c, const char *key, const char *id)
{
	(void)key;
	if (c->join->len > 0)
		rp_buf_append(c->join, ", ");
	rp_buf_append(c->join, id);
	return 0;
}

/* related and upstream IDs as a note each ("Upstream: CVE-..."). */
static int
osv_related(
    struct osv_ctx *c, const json_t *root, const char *key, const char *title)
{
	struct rp_buf b;
	char *s;
	int r;

	rp_buf_init(&b, 1024 * 1024);
	c->join = &b;
	r = osv_id_list(c, root, key, rpjson_str(root, "id"), 0, each_related);
	c->join = NULL;
	if (r != 0 || b.len == 0) {
		rp_buf_free(&b);
		return r;
	}
	if ((s = rp_buf_take(&b)) == NULL)
		return RP_ERR_NOMEM;
	r = add_note(
	    c, &c->v->notes, &c->v->nnotes, &c->cap_vnotes, "other", title, s);
	free(s);
	return r;
}

static int
osv_references(struct osv_ctx *c, const json_t *root)
{
	const json_t *arr, *ref;
	const char *type, *url;
	struct rpjson_mark t;
	size_t i, m, m2;
	int r = 0;

	if ((arr = osv_array(c, root, "references", 1)) == NULL)
		return 0;
	m = rpjson_path_push_key(&c->p, "references");
	json_array_foreach(arr, i, ref)
	{
		m2 = rpjson_path_push_index(&c->p, i);
		if (!json_is_object(ref)) {
			osv_warn(c, "schema",
			    "a reference is an object; this one is ignored");
			goto next;
		}
		osv_check_keys(
		    c, ref, (const char *const[]){"type", "url", NULL});
		rpjson_mark(&c->rd, &t);
		type = osv_str(c, ref, "type", 1);
		url = osv_str(c, ref, "url", 1);
		if (type != NULL && !adv_in_list(osv_ref_types, type))
			osv_warn(
			    c, "schema", "unknown reference type \"%s\"", type);
		if (osv_forgive(c, &t, "this reference is ignored") ||
		    url == NULL)
			goto next;
		if ((r = push_str(c, &c->a->references, &c->a->nreferences,
			 &c->cap_refs, url)) != 0) {
			rpjson_path_pop(&c->p, m2);
			break;
		}
	next:
		rpjson_path_pop(&c->p, m2);
	}
	rpjson_path_pop(&c->p, m);
	return r;
}

static int
osv_credits(struct osv_ctx *c, const json_t *root)
{
	const json_t *arr, *cr;
	const char *name, *type;
	struct rpjson_mark t;
	struct rp_buf b;
	size_t i, m, m2;
	char *s;
	int r;

	if ((arr = osv_array(c, root, "credits", 0)) == NULL)
		return 0;
	rp_buf_init(&b, 1024 * 1024);
	m = rpjson_path_push_key(&c->p, "credits");
	json_array_foreach(arr, i, cr)
	{
		m2 = rpjson_path_push_index(&c->p, i);
		if (!json_is_object(cr)) {
			osv_warn(c, "schema",
			    "a credit is an object; this one is ignored");
			rpjson_path_pop(&c->p, m2);
			continue;
		}
		osv_check_keys(c, cr,
		    (const char *const[]){"name", "contact", "type", NULL});
		rpjson_mark(&c->rd, &t);
		name = osv_str(c, cr, "name", 1);
		type = osv_str(c, cr, "type", 0);
		if (type != NULL && !adv_in_list(osv_credit_types, type))
			osv_warn(
			    c, "schema", "unknown credit type \"%s\"", type);
		(void)osv_array(c, cr, "contact", 0);
		if (!osv_forgive(c, &t, "this credit is ignored") &&
		    name != NULL) {
			if (b.len > 0)
				rp_buf_append(&b, "; ");
			rp_buf_append(&b, name);
			if (type != NULL)
				rp_buf_appendf(&b, " (%s)", type);
		}
		rpjson_path_pop(&c->p, m2);
	}
	rpjson_path_pop(&c->p, m);
	if (b.len == 0) {
		rp_buf_free(&b);
		return 0;
	}
	if ((s = rp_buf_take(&b)) == NULL)
		return RP_ERR_NOMEM;
	r = add_note(c, &c->a->notes, &c->a->nnotes, &c->cap_anotes, "other",
	    "Credits", s);
	free(s);
	return r;
}

/* Every product gets the record-level scores once products exist. */
static void
scores_to_all(struct osv_ctx *c, size_t nscores, char **all, size_t nall)
{
	size_t i;

	for (i = 0; i < nscores; i++) {
		c->v->scores[i].product_ids = all;
		c->v->scores[i].nproduct_ids = nall;
	}
}

/* The IDs of all affected products (for record-level scores). */
static int
affected_ids(struct osv_ctx *c, char ***out, size_t *n)
{
	*out = c->v->status[ADV_STATUS_KNOWN_AFFECTED];
	*n = c->v->nstatus[ADV_STATUS_KNOWN_AFFECTED];
	return 0;
}

static int
osv_header(struct osv_ctx *c, const json_t *root)
{
	struct rp_arena *ar = c->a->arena;
	const char *id, *sv, *summary, *details, *withdrawn, *mod, *pub;
	const json_t *dbs;
	int r;

	osv_check_keys(c, root, osv_top_keys);
	id = osv_str(c, root, "id", 1);
	if ((sv = osv_str(c, root, "schema_version", 0)) != NULL &&
	    !rp_str_startswith(sv, "1."))
		rpjson_diag(&c->rd, RP_DIAG_WARNING, "schema", "schema_version",
		    "schema version %s is not 1.x; read as 1.x", sv);
	mod = osv_time(c, root, "modified", 1);
	pub = osv_time(c, root, "published", 0);
	withdrawn = osv_time(c, root, "withdrawn", 0);
	summary = osv_str(c, root, "summary", 0);
	details = osv_str(c, root, "details", 0);
	if ((dbs = json_object_get(root, "database_specific")) != NULL &&
	    !json_is_object(dbs))
		rpjson_diag(&c->rd, RP_DIAG_WARNING, "schema",
		    "database_specific",
		    "expected an object; ignored (Rampart does not read it)");
	if (id == NULL)
		return 0;
	if (id[0] == '\0' || strcspn(id, " \t\r\n") != strlen(id))
		rpjson_diag(&c->rd, RP_DIAG_ERROR, "schema", "id",
		    "the id \"%s\" must be non-empty, without "
		    "spaces",
		    id);
	c->a->id = rp_arena_strdup(ar, id);
	c->a->current_release = rp_arena_strdup(ar, mod);
	c->a->initial_release = rp_arena_strdup(ar, pub);
	c->a->title = rp_arena_strdup(ar, summary != NULL ? summary : id);
	c->v->title = rp_arena_strdup(ar, summary);
	if (c->a->id == NULL || c->a->title == NULL ||
	    (mod != NULL && c->a->current_release == NULL) ||
	    (pub != NULL && c->a->initial_release == NULL) ||
	    (summary != NULL && c->v->title == NULL))
		return RP_ERR_NOMEM;
	if (withdrawn != NULL) {
		rpjson_diag(&c->rd, RP_DIAG_WARNING, "schema", "withdrawn",
		    "the record was withdrawn on %s: it no longer applies",
		    withdrawn);
		if ((c->a->status = rp_arena_strdup(ar, "withdrawn")) == NULL)
			return RP_ERR_NOMEM;
	}
	if (adv_is_cve(id) && (c->v->cve = rp_arena_strdup(ar, id)) == NULL)
		return RP_ERR_NOMEM;
	if ((r = push_str(c, &c->v->ids, &c->v->nids, &c->cap_ids, id)) != 0)
		return r;
	if (summary != NULL &&
	    (r = add_note(c, &c->v->notes, &c->v->nnotes, &c->cap_vnotes,
		 "summary", NULL, summary)) != 0)
		return r;
	if (details != NULL &&
	    (r = add_note(c, &c->v->notes, &c->v->nnotes, &c->cap_vnotes,
		 "details", NULL, details)) != 0)
		return r;
	return 0;
}

/* When no alias is a CVE, a single upstream CVE names the issue. */
static int
cve_from_upstream(struct osv_ctx *c, const json_t *root)
{
	const json_t *arr = rpjson_array(root, "upstream"), *v;
	const char *found = NULL;
	size_t i, n = 0;

	if (c->v->cve != NULL)
		return 0;
	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v) && adv_is_cve(json_string_value(v))) {
			found = json_string_value(v);
			n++;
		}
	}
	if (n != 1)
		return 0;
	if ((c->v->cve = rp_arena_strdup(c->a->arena, found)) == NULL)
		return RP_ERR_NOMEM;
	return 0;
}

static int
osv_record(struct osv_ctx *c, const json_t *root)
{
	char **all;
	size_t nall, nscores;
	int r;

	if ((r = osv_header(c, root)) != 0 ||
	    (r = osv_id_list(c, root, "aliases", rpjson_str(root, "id"), 1,
		 each_alias)) != 0 ||
	    (r = cve_from_upstream(c, root)) != 0 ||
	    (r = osv_related(c, root, "upstream", "Upstream")) != 0 ||
	    (r = osv_related(c, root, "related", "Related")) != 0 ||
	    (r = osv_severity(c, root, NULL, 0)) != 0)
		return r;
	nscores = c->v->nscores;
	if ((r = osv_affected(c, root)) != 0 ||
	    (r = osv_references(c, root)) != 0 ||
	    (r = osv_credits(c, root)) != 0 ||
	    (r = affected_ids(c, &all, &nall)) != 0)
		return r;
	scores_to_all(c, nscores, all, nall);
	return 0;
}

int
osv_read(const json_t *root, struct advisory **out, struct rp_diags *d)
{
	struct advisory *a = NULL;
	struct rp_arena *tmp = NULL;
	struct osv_ctx c;
	int r = RP_ERR_INTERNAL;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	rpjson_rd_init(&c.rd, &c.p, d);
	c.rd.test = "schema";
	if (!json_is_object(root)) {
		osv_err(&c, "schema", "an OSV record is a JSON object");
		r = RP_ERR_INVALID;
		goto out;
	}
	if ((a = advisory_new()) == NULL ||
	    (tmp = rp_arena_new(RPJSON_MAX_INPUT)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	c.a = a;
	c.tmp = tmp;
	a->format = ADV_FORMAT_OSV;
	if ((a->lang = rp_arena_strdup(a->arena, "en")) == NULL ||
	    (a->vulns = rp_arena_calloc(a->arena, 1, sizeof(*a->vulns))) ==
		NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	a->nvulns = 1;
	c.v = a->vulns;
	if ((r = osv_record(&c, root)) != 0) {
		if (r == RP_ERR_NOMEM)
			osv_err(&c, NULL, "out of memory");
		goto out;
	}
	if (c.rd.nerrors > 0) {
		r = RP_ERR_INVALID;
		goto out;
	}
	*out = a;
	a = NULL;
	r = 0;
out:
	rp_arena_free(tmp);
	advisory_free(a);
	return r;
}
