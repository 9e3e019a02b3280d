/*
 * Advisories through the API: import (validated by the same readers and
 * CSAF validator as `rampart advisory validate`; a rejected document
 * changes nothing), list, search, show and revisions.  An advisory is
 * MSP-wide or for listed tenants; a technician imports for their own
 * tenants only, and a re-import by another technician adds their tenants
 * rather than taking the advisory from the first one's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "api_int.h"
#include "findings/findings.h"
#include "util/err.h"
#include "util/rfc3339.h"
#include "util/str.h"

#define ADV_DETAILS_MAX 100

static const char *
format_name(enum adv_format f)
{
	switch (f) {
	case ADV_FORMAT_CSAF:
		return "csaf";
	case ADV_FORMAT_OSV:
		return "osv";
	case ADV_FORMAT_NATIVE:
		return "native";
	default:
		return "unknown";
	}
}

static json_t *
api_advisory_json(struct api_ctx *c, const struct store_advisory *a)
{
	json_t *cves = json_array(), *tenants;
	const char *p = a->cves, *e;

	while (cves != NULL && p != NULL && *p != '\0') {
		e = strchr(p, ' ');
		json_array_append_new(cves,
		    json_stringn(p, e != NULL ? (size_t)(e - p) : strlen(p)));
		p = e != NULL ? e + 1 : NULL;
	}
	tenants = api_tenant_slugs(c, a->tenants, a->ntenants);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:i,s:s,s:s,"
			 "s:o,s:s}",
	    "id", (json_int_t)a->id, "doc_id", a->doc_id, "publisher",
	    a->publisher, "format", a->format, "title", a->title, "severity",
	    a->severity, "cves", cves, "scope",
	    a->scope_all ? "msp" : "tenants", "tenants", tenants, "revision",
	    a->revision, "version", a->version, "current_release",
	    a->current_release, "imported_at", api_time(a->imported_at),
	    "imported_by", a->imported_by);
}

/* The 422 answer: every error with its test and JSON pointer. */
static int
rejected(struct api_ctx *c, const struct rp_diags *d)
{
	json_t *details = json_array();
	const char *first = "";
	char msg[128];
	size_t i, k = 0;

	for (i = 0; i < d->n && details != NULL; i++) {
		const struct rp_diag *e = &d->v[i];

		if (e->level != RP_DIAG_ERROR || k++ >= ADV_DETAILS_MAX)
			continue;
		if (k == 1 && e->pointer != NULL)
			first = e->pointer;
		json_array_append_new(details,
		    json_pack("{s:s?,s:s?,s:s}", "test", e->test, "pointer",
			e->pointer, "message", e->msg));
	}
	snprintf(msg, sizeof(msg),
	    "the advisory was rejected: %zu error%s (nothing was stored)",
	    d->nerrors, d->nerrors == 1 ? "" : "s");
	api_json(c, 422,
	    json_pack("{s:{s:s,s:s,s:s,s:o}}", "error", "code",
		"advisory_invalid", "message", msg, "field", first, "details",
		details));
	return -1;
}

/* Reads and checks the body as an advisory; answers 422 when invalid. */
static int
adv_read(struct api_ctx *c, struct advisory **out)
{
	struct rp_diags *d = rp_diags_new(), *rd = rp_diags_new();
	enum adv_format fmt;
	int r = -1;

	*out = NULL;
	if (d == NULL || rd == NULL) {
		api_store_fail(c, RP_ERR_NOMEM);
		goto out;
	}
	fmt = advisory_detect(c->body);
	if (fmt == ADV_FORMAT_AUTO) {
		rp_diags_add(d, RP_DIAG_ERROR, "format", "",
		    "not a CSAF 2.0, OSV or native advisory");
		rejected(c, d);
		goto out;
	}
	if (fmt == ADV_FORMAT_CSAF)
		(void)csaf_validate(c->body, d);
	if (advisory_read_json(c->body, fmt, out, rd) != 0 || d->nerrors > 0 ||
	    rd->nerrors > 0) {
		size_t i;

		for (i = 0; i < rd->n; i++)
			rp_diags_add(d, rd->v[i].level, rd->v[i].test,
			    rd->v[i].pointer, "%s", rd->v[i].msg);
		if (d->nerrors == 0)
			rp_diags_add(d, RP_DIAG_ERROR, NULL, "",
			    "the advisory could not be read");
		advisory_free(*out);
		*out = NULL;
		rejected(c, d);
		goto out;
	}
	r = 0;
out:
	rp_diags_free(d);
	rp_diags_free(rd);
	return r;
}

/* Space-separated CVE IDs of a, each once, at most cap bytes. */
static char *
adv_cves(const struct advisory *a)
{
	struct rp_buf b;
	size_t i;

	rp_buf_init(&b, 8192);
	rp_buf_append(&b, "");
	for (i = 0; i < a->nvulns; i++) {
		const char *cve = a->vulns[i].cve;

		if (cve == NULL || strlen(cve) > 40)
			continue;
		if (b.s != NULL && strstr(b.s, cve) != NULL)
			continue;
		if (b.len + strlen(cve) + 1 >= b.max)
			break;
		rp_buf_appendf(&b, "%s%s", b.len > 0 ? " " : "", cve);
	}
	return rp_buf_take(&b);
}

/* Identity across revisions: who publishes it and its ID. */
static char *
adv_key(const struct advisory *a, const json_t *root)
{
	const char *ns = json_string_value(json_object_get(
	    json_object_get(json_object_get(root, "document"), "publisher"),
	    "namespace"));

	if (a->format == ADV_FORMAT_CSAF)
		return rp_asprintf("csaf:%s#%s", ns != NULL ? ns : "",
		    a->id != NULL ? a->id : "");
	return rp_asprintf(
	    "%s:%s", format_name(a->format), a->id != NULL ? a->id : "");
}

/* The scope after this import: an msp-admin sets it; anyone else adds
 * their tenants to what is there. */
static int
merge_scope(struct api_ctx *c, int ex_all, const int64_t *ex, size_t nex,
    int64_t **ids, size_t *n, int *all)
{
	int64_t *v;
	size_t i, j, k = *n;

	if (c->who.role == ROLE_MSP_ADMIN) {
		*all = *n == 0;
		return 0;
	}
	if (ex_all) {
		*all = 1;
		return 0;
	}
	if ((v = realloc(*ids, (*n + nex + 1) * sizeof(*v))) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < nex; i++) {
		for (j = 0; j < k && v[j] != ex[i]; j++)
			;
		if (j == k)
			v[k++] = ex[i];
	}
	*ids = v;
	*n = k;
	*all = 0;
	return 0;
}

static int
same_scope(int a_all, const int64_t *a, size_t na, int b_all, const int64_t *b,
    size_t nb)
{
	size_t i, j;

	if (a_all || b_all)
		return a_all == b_all;
	if (na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && b[j] != a[i]; j++)
			;
		if (j == nb)
			return 0;
	}
	return 1;
}

/* Orders two RFC 3339 times; unparsable ones count as equal. */
static int
older(const char *a, const char *b)
{
	struct rp_time ta, tb;

	if (rp_rfc3339_parse(a, &ta, NULL) != 0 ||
	    rp_rfc3339_parse(b, &tb, NULL) != 0)
		return 0;
	return rp_time_cmp(&ta, &tb) < 0;
}

/* 0 when the caller's scope covers the whole advisory scope, 1 when
 * not, or a store error. */
static int
owns_all(struct api_ctx *c, int ex_all, const int64_t *ex, size_t nex)
{
	size_t i;
	int r;

	if (c->who.scope.all)
		return 0;
	if (ex_all)
		return 1;
	for (i = 0; i < nex; i++)
		if ((r = store_scope_has(c->s, &c->who.scope, ex[i])) != 1)
			return r == 0 ? 1 : r;
	return 0;
}

struct import {
	struct store_advisory in;
	int64_t *ids;
	size_t n;
	int64_t id;
	int revision;
	int unchanged;
	/* The scope before was MSP-wide or not the new one: tenants that
	 * no longer see the advisory need their bundles rebuilt too. */
	int widen;
};

/* Decides new advisory, new revision or unchanged, in the transaction;
 * returns 0, a store error, or 1 when answered (409). */
static int
import_store(struct api_ctx *c, struct import *im)
{
	static const struct store_scope all = {1, 0};
	struct store_advisory cur = {0};
	int64_t *ex = NULL, id;
	size_t nex = 0;
	int ex_all = 0, r;

	r = store_advisory_scope(c->s, im->in.doc_key, &id, &ex_all, &ex, &nex);
	if (r == RP_ERR_NOTFOUND) {
		im->in.scope_all = im->n == 0;
		return store_advisory_put(
		    c->s, &im->in, &im->id, &im->revision);
	}
	if (r != 0)
		return r;
	if ((r = merge_scope(c, ex_all, ex, nex, &im->ids, &im->n,
		 &im->in.scope_all)) != 0 ||
	    (r = store_advisory_get(c->s, &all, id, 0, &cur)) != 0)
		goto out;
	im->in.tenants = im->ids;
	im->in.ntenants = im->n;
	im->widen = ex_all ||
	    !same_scope(ex_all, ex, nex, im->in.scope_all, im->ids, im->n);
	if (strcmp(cur.body, im->in.body) == 0 &&
	    same_scope(ex_all, ex, nex, im->in.scope_all, im->ids, im->n)) {
		im->id = id;
		im->revision = cur.revision;
		im->unchanged = 1;
	} else if (strcmp(cur.body, im->in.body) != 0 &&
	    (r = owns_all(c, ex_all, ex, nex)) != 0) {
		if (r == 1)
			api_fail(c, 403, "forbidden", NULL,
			    "this advisory is shared beyond your tenants: "
			    "new revisions of it are imported by an msp-admin");
	} else if (older(im->in.current_release, cur.current_release)) {
		api_fail(c, 409, "conflict",
		    "/document/tracking/current_release",
		    "revision %d of this advisory is newer (%s)", cur.revision,
		    cur.current_release);
		r = 1;
	} else
		r = store_advisory_put(c->s, &im->in, &im->id, &im->revision);
out:
	free(ex);
	store_advisory_clear(&cur);
	return r;
}

static int
import_fill(struct api_ctx *c, const struct advisory *a, struct import *im)
{
	struct store_advisory *in = &im->in;

	in->doc_key = adv_key(a, c->body);
	in->doc_id = rp_strdup0(a->id != NULL ? a->id : "");
	in->publisher = rp_strdup0(a->publisher != NULL ? a->publisher : "");
	in->format = rp_strdup0(format_name(a->format));
	in->title = rp_strdup0(a->title != NULL ? a->title : "");
	in->severity = rp_strdup0(a->severity != NULL ? a->severity : "");
	in->cves = adv_cves(a);
	in->version = rp_strdup0(a->version != NULL ? a->version : "");
	in->current_release =
	    rp_strdup0(a->current_release != NULL ? a->current_release : "");
	in->imported_at = c->rq->now;
	in->imported_by = rp_strdup0(c->who.label);
	/* Stored as the parsed document re-serialised: keys in document
	 * order, no insignificant white space. */
	in->body = json_dumps(c->body, JSON_COMPACT);
	in->tenants = im->ids;
	in->ntenants = im->n;
	if (in->doc_key == NULL || in->doc_id == NULL ||
	    in->publisher == NULL || in->format == NULL || in->title == NULL ||
	    in->severity == NULL || in->cves == NULL || in->version == NULL ||
	    in->current_release == NULL || in->imported_by == NULL ||
	    in->body == NULL)
		return RP_ERR_NOMEM;
	return 0;
}

static int
import_answer(struct api_ctx *c, struct import *im)
{
	struct store_advisory out = {0};
	json_t *o;
	int r;

	r = store_advisory_get(c->s, &c->who.scope, im->id, im->revision, &out);
	if (r != 0)
		return api_store_fail(c, r);
	o = api_advisory_json(c, &out);
	store_advisory_clear(&out);
	if (o != NULL)
		json_object_set_new(
		    o, "unchanged", json_boolean(im->unchanged));
	return api_json(c, im->revision == 1 && !im->unchanged ? 201 : 200, o);
}

int
h_advisory_import(struct api_ctx *c)
{
	struct import im;
	struct fnd_tally t;
	struct advisory *a = NULL;
	const char *tq = c->rq->arg(c->rq->arg_cls, "tenants");
	char target[40];
	int n = 0, r, nbundles = 0;
	struct bundle_changes changes = {0};

	memset(&im, 0, sizeof(im));
	if (tq != NULL && (n = api_tenant_ids(c, "tenants", 1, &im.ids)) < 0)
		return -1;
	im.n = (size_t)n;
	if (n == 0 && c->who.role != ROLE_MSP_ADMIN) {
		free(im.ids);
		return api_fail(c, 403, "forbidden", "?tenants",
		    "list the tenants it is for (?tenants=a,b): MSP-wide "
		    "advisories are imported by an msp-admin");
	}
	if (adv_read(c, &a) < 0) {
		free(im.ids);
		return -1;
	}
	r = import_fill(c, a, &im);
	if (r == 0 && (r = store_begin(c->s)) == 0 &&
	    (r = import_store(c, &im)) == 0 && !im.unchanged &&
	    (r = fnd_apply_advisory(c->s, im.id, im.revision, a,
		 im.in.scope_all, im.in.tenants, im.in.ntenants, c->rq->now,
		 &t)) == 0 &&
	    (r = api_bundles_rebuild(c->s, im.in.scope_all || im.widen,
		 im.in.tenants, im.in.ntenants, c->rq->now, &nbundles,
		 a->niocs > 0 ? &changes : NULL)) == 0) {
		snprintf(
		    target, sizeof(target), "advisory:%lld", (long long)im.id);
		r = api_audit(c, "advisory.import", "", target, "ok",
		    json_pack("{s:s,s:i,s:s,s:{s:I,s:I,s:I,s:I}}", "doc_id",
			im.in.doc_id, "revision", im.revision, "format",
			im.in.format, "findings", "hosts", (json_int_t)t.hosts,
			"opened", (json_int_t)t.opened, "resolved",
			(json_int_t)t.resolved, "changed",
			(json_int_t)t.changed));
	}
	advisory_free(a);
	if (r == 0)
		r = store_commit(c->s);
	else
		store_rollback(c->s);
	im.in.tenants = NULL;
	im.in.ntenants = 0;
	store_advisory_clear(&im.in);
	/* committed: the tenants' response policies act on the new
	 * bundles (only for an advisory that carries indicators) */
	if (r == 0)
		api_auto_respond(c, &changes);
	bundle_changes_free(&changes);
	if (r == 0)
		r = import_answer(c, &im);
	else if (r != 1)
		r = api_store_fail(c, r);
	free(im.ids);
	return r;
}

int
h_advisory_list(struct api_ctx *c)
{
	struct store_page pg;
	struct store_advisory *v = NULL;
	const char *q = c->rq->arg(c->rq->arg_cls, "q");
	size_t n = 0, i;
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0)
		return -1;
	if (q != NULL && strlen(q) > 200)
		return api_fail(
		    c, 400, "invalid_query", "?q", "?q: at most 200 bytes");
	r = store_advisory_list(c->s, &c->who.scope, q, &pg, &v, &n, &more);
	if (r != 0)
		return api_store_fail(c, r);
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items, api_advisory_json(c, &v[i]));
	r = api_list(c, items, more, n > 0 ? v[n - 1].id : 0);
	store_advisories_free(v, n);
	return r;
}

/* The {id} of the path; answers 404 when it is not a number. */
static int
path_id(struct api_ctx *c, int64_t *id)
{
	const char *p = c->param[0];
	int64_t v = 0;
	size_t i;

	for (i = 0; p[i] != '\0'; i++) {
		if (p[i] < '0' || p[i] > '9' || i >= 18)
			return api_fail(
			    c, 404, "not_found", NULL, "no such advisory");
		v = v * 10 + (p[i] - '0');
	}
	*id = v;
	return 0;
}

int
h_advisory_get(struct api_ctx *c)
{
	struct store_advisory a = {0};
	const char *rev = c->rq->arg(c->rq->arg_cls, "revision");
	int64_t id;
	long revision = 0;
	json_t *o;
	size_t i;
	int r;

	if (path_id(c, &id) < 0)
		return -1;
	for (i = 0; rev != NULL && rev[i] != '\0'; i++) {
		if (rev[i] < '0' || rev[i] > '9' || i >= 9)
			return api_fail(c, 400, "invalid_query", "?revision",
			    "?revision: expected a revision number");
		revision = revision * 10 + (rev[i] - '0');
	}
	r = store_advisory_get(c->s, &c->who.scope, id, (int)revision, &a);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such advisory");
	if (r != 0)
		return api_store_fail(c, r);
	/* The stored body is the document as the import serialised it
	 * (json_dumps, compact): sent as it is, not parsed again (for a
	 * large CSAF that was most of the work of this route). */
	o = api_advisory_json(c, &a);
	r = api_json_with_raw(c, 200, o, "document", a.body);
	store_advisory_clear(&a);
	return r;
}

int
h_advisory_revisions(struct api_ctx *c)
{
	struct store_advisory *v = NULL;
	struct store_page pg;
	size_t n = 0, i;
	int64_t id;
	json_t *items;
	int more = 0, r;

	if (path_id(c, &id) < 0 || api_page(c, &pg) < 0)
		return -1;
	r = store_advisory_revisions(
	    c->s, &c->who.scope, id, &pg, &v, &n, &more);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such advisory");
	if (r != 0)
		return api_store_fail(c, r);
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items, api_advisory_json(c, &v[i]));
	r = api_list(c, items, more, n > 0 ? v[n - 1].revision : 0);
	store_advisories_free(v, n);
	return r;
}
