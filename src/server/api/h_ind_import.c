/*
 * POST /api/v1/indicators/import (docs/api.md, "Importing indicators"):
 * a MISP event, a STIX 2.1 bundle, a CSV or plain indicator list, or an
 * advisory, read by the readers of src/lib/ioc, stored in one
 * transaction into a named source (created on first use) of a tenant
 * or MSP-wide.  The answer counts what happened to every entry and
 * carries every diagnostic with its JSON pointer or line; a document the
 * reader rejects (a STIX pattern it cannot express, no MISP event)
 * stores nothing.  One audit entry per import, with its counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "api_int.h"
#include "ioc/ioc.h"
#include "json/rpjson.h"
#include "util/diag.h"
#include "util/err.h"

/* Most diagnostics an answer carries (the rest are counted). */
#define IMP_SOURCE_MAX 200

struct imp {
	int64_t tenant;
	char slug[64];
	const char *source, *format, *mode, *tlp;
	int confidence;
	int64_t expires;
	int64_t source_id;
	struct ioc_bundle *b;
	struct ioc_import st;
	struct rp_diags *d;
	size_t counts[3];
	size_t invalid;
};

/* The query arguments into *im; 0, or answered and -1. */
static int
imp_args(struct api_ctx *c, struct imp *im)
{
	static const char *const formats[] = {
	    "misp", "misp-feed-event", "stix", "csv", "list", "advisory", NULL};
	const char *(*arg)(void *, const char *) = c->rq->arg;
	void *cls = c->rq->arg_cls;
	const char *t = arg(cls, "tenant"), *conf = arg(cls, "confidence");
	size_t i;

	if (api_tenant_of(c, t, "?tenant", &im->tenant) < 0 ||
	    api_msp_write(c, im->tenant, "?tenant") < 0)
		return -1;
	if (t != NULL)
		snprintf(im->slug, sizeof(im->slug), "%s", t);
	im->source = arg(cls, "source");
	im->format = arg(cls, "format");
	im->mode = arg(cls, "mode");
	im->tlp = arg(cls, "tlp");
	im->confidence = -1;
	if (im->source == NULL || im->source[0] == '\0' ||
	    strlen(im->source) > IMP_SOURCE_MAX)
		return api_fail(c, 400, "invalid_query", "?source",
		    "?source: the name of the source (1-%d bytes) is required",
		    IMP_SOURCE_MAX);
	for (i = 0; im->format != NULL && formats[i] != NULL; i++)
		if (strcmp(im->format, formats[i]) == 0)
			break;
	if (im->format == NULL || formats[i] == NULL)
		return api_fail(c, 400, "invalid_query", "?format",
		    "?format: expected misp, misp-feed-event, stix, csv, list "
		    "or advisory");
	if (im->mode != NULL && strcmp(im->mode, "block") != 0 &&
	    strcmp(im->mode, "inform") != 0)
		return api_fail(c, 400, "invalid_query", "?mode",
		    "?mode: expected block or inform");
	if (im->tlp != NULL && !api_tlp_ok(im->tlp))
		return api_fail(c, 400, "invalid_query", "?tlp",
		    "?tlp: expected clear, green, amber, amber+strict or red");
	if (conf != NULL) {
		char *end;
		long v = strtol(conf, &end, 10);

		if (conf[0] == '\0' || *end != '\0' || v < 0 || v > 100)
			return api_fail(c, 400, "invalid_query", "?confidence",
			    "?confidence: expected 0 to 100");
		im->confidence = (int)v;
	}
	return api_time_arg(c, arg(cls, "expires"), "?expires", &im->expires);
}

/* Reads an advisory document into im->b as `rampart bundle` does. */
static int
read_advisory(const json_t *root, struct imp *im)
{
	struct advisory *a = NULL;
	enum adv_format fmt = advisory_detect(root);
	int r;

	if (fmt == ADV_FORMAT_AUTO) {
		rp_diags_add(im->d, RP_DIAG_ERROR, NULL, "",
		    "not a CSAF 2.0, OSV or native advisory");
		return RP_ERR_INVALID;
	}
	if ((r = advisory_read_json(root, fmt, &a, im->d)) != 0)
		return r;
	r = ioc_bundle_add_advisory_doc(im->b, a, NULL, NULL, im->d);
	advisory_free(a);
	return r;
}

/* Reads the body in im->format into im->b. */
static int
imp_read(struct api_ctx *c, struct imp *im)
{
	const char *body = c->rq->body != NULL ? c->rq->body : "";
	size_t len = c->rq->body != NULL ? c->rq->body_len : 0;
	json_t *root;
	int r;

	if (strcmp(im->format, "csv") == 0 || strcmp(im->format, "list") == 0)
		return ioc_list_read_buf(body, len, im->source, im->b, im->d);
	if ((root = rpjson_load_buf(body, len, im->d)) == NULL)
		return RP_ERR_INVALID;
	if (strcmp(im->format, "stix") == 0)
		r = ioc_stix_read_json(root, im->source, im->b, &im->st, im->d);
	else if (strcmp(im->format, "advisory") == 0)
		r = read_advisory(root, im);
	else
		r = ioc_misp_read_json(root, im->source, im->b, &im->st, im->d);
	json_decref(root);
	return r;
}

/* The source named im->source, created (kind import) when new. */
static int
imp_source(struct api_ctx *c, struct imp *im)
{
	struct store_source src = {0};
	int r;

	r = store_source_by_name(
	    c->s, &c->who.scope, im->tenant, im->source, &src);
	if (r == 0) {
		im->source_id = src.id;
		store_source_clear(&src);
		return 0;
	}
	if (r != RP_ERR_NOTFOUND)
		return r;
	src.tenant_id = im->tenant;
	src.name = (char *)im->source;
	src.kind = (char *)"import";
	src.mode = (char *)(im->mode != NULL ? im->mode : "block");
	src.tlp = (char *)im->tlp;
	src.confidence = im->confidence;
	src.enabled = 1;
	return store_source_create(
	    c->s, &c->who.scope, &src, c->rq->now, &im->source_id);
}

/* Values stored a chunk at a time (store_indicator_put_many: the scope
 * and source are checked once per chunk, not per value). */
#define IMP_CHUNK 1000
struct imp_chunk {
	struct store_indicator in[IMP_CHUNK];
	int64_t ids[IMP_CHUNK];
	enum store_put_outcome what[IMP_CHUNK];
	int rcs[IMP_CHUNK];
	char *cut[IMP_CHUNK]; /* comments cut to the store's bound */
	size_t n;
};

/* Stores the chunk; a value the store refuses counts as invalid. */
static int
imp_flush(struct api_ctx *c, struct imp *im, struct imp_chunk *ch)
{
	size_t i;
	int r;

	r = store_indicator_put_many(c->s, &c->who.scope, ch->in, ch->n,
	    c->rq->now, ch->ids, ch->what, ch->rcs);
	for (i = 0; i < ch->n; i++) {
		if (r == 0 && ch->rcs[i] != 0) {
			im->invalid++;
			rp_diags_add(im->d, RP_DIAG_WARNING, NULL, NULL,
			    "%s '%.100s' is outside the store's bounds; not "
			    "stored",
			    ch->in[i].type, ch->in[i].value);
		} else if (r == 0)
			im->counts[ch->what[i]]++;
		free(ch->cut[i]);
		ch->cut[i] = NULL;
	}
	ch->n = 0;
	return r;
}

static int
imp_put(struct api_ctx *c, struct imp *im, struct imp_chunk *ch,
    const char *type, const char *value, uint64_t size, const char *mode,
    const char *comment)
{
	struct store_indicator *in;
	int r;

	if (ch->n == IMP_CHUNK && (r = imp_flush(c, im, ch)) != 0)
		return r;
	in = &ch->in[ch->n];
	memset(in, 0, sizeof(*in));
	in->tenant_id = im->tenant;
	in->type = (char *)type;
	in->value = (char *)value;
	in->size = size <= INT64_MAX ? (int64_t)size : 0;
	in->source_id = im->source_id;
	in->confidence = im->confidence;
	in->expires = im->expires;
	in->tlp = (char *)im->tlp;
	in->mode = (char *)mode;
	in->comment = (char *)comment;
	in->created_by = (char *)c->who.label;
	if (comment != NULL && strlen(comment) > STORE_IND_COMMENT_MAX) {
		if ((ch->cut[ch->n] =
			    strndup(comment, STORE_IND_COMMENT_MAX)) == NULL)
			return RP_ERR_NOMEM;
		in->comment = ch->cut[ch->n];
	}
	ch->n++;
	return 0;
}

static int
imp_store(struct api_ctx *c, struct imp *im)
{
	struct imp_chunk *ch = calloc(1, sizeof(*ch));
	const char *mode;
	size_t i;
	int r;

	if (ch == NULL)
		return RP_ERR_NOMEM;
	if ((r = imp_source(c, im)) != 0)
		goto out;
	for (i = 0; i < im->b->niocs; i++) {
		const struct ioc *x = &im->b->iocs[i];

		mode = im->mode != NULL		 ? im->mode
		    : x->mode == IOC_MODE_INFORM ? "inform"
						 : NULL;
		if ((r = imp_put(c, im, ch, ioc_type_name(x->type), x->value,
			 x->size, mode, x->comment)) != 0)
			goto out;
	}
	for (i = 0; i < im->b->nyara; i++) {
		const struct ioc_yara *y = &im->b->yara[i];

		if (strlen(y->text) > STORE_IND_YARA_MAX) {
			im->invalid++;
			rp_diags_add(im->d, RP_DIAG_WARNING, NULL, NULL,
			    "YARA rules '%.100s' are longer than %d bytes; "
			    "not stored",
			    y->name != NULL ? y->name : "", STORE_IND_YARA_MAX);
			continue;
		}
		if ((r = imp_put(c, im, ch, "yara", y->text, 0, im->mode,
			 y->name)) != 0)
			goto out;
	}
	r = imp_flush(c, im, ch);
out:
	for (i = 0; i < ch->n; i++)
		free(ch->cut[i]);
	free(ch);
	return r;
}

/* The diagnostics as JSON: at most API_DIAGS_MAX (api_int.h). */
json_t *
api_diags_json(const struct rp_diags *d, int errors_only)
{
	static const char *const levels[] = {"error", "warning", "note"};
	json_t *a = json_array();
	size_t i, k = 0;

	for (i = 0; a != NULL && i < d->n && k < API_DIAGS_MAX; i++) {
		const struct rp_diag *e = &d->v[i];

		if (errors_only && e->level != RP_DIAG_ERROR)
			continue;
		json_t *o = json_pack("{s:s,s:s?,s:s}", "level",
		    levels[e->level <= RP_DIAG_NOTE ? e->level : 0], "pointer",
		    e->pointer, "message", e->msg);
		if (o != NULL && e->line > 0)
			json_object_set_new(o, "line", json_integer(e->line));
		json_array_append_new(a, o);
		k++;
	}
	return a;
}

static json_t *
skipped_json(const struct ioc_import *st)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o != NULL && i < st->nskiptypes; i++)
		json_object_set_new(o, st->skipped[i].type,
		    json_integer((json_int_t)st->skipped[i].n));
	return o;
}

/* The 422 of a document the reader rejected: its errors. */
static int
imp_rejected(struct api_ctx *c, struct imp *im)
{
	json_t *details = api_diags_json(im->d, 1);
	const char *first = "";
	char msg[160];

	if (im->d->n > 0 && im->d->v[0].pointer != NULL)
		first = im->d->v[0].pointer;
	snprintf(msg, sizeof(msg),
	    "the %s document was rejected: %zu error%s (nothing was stored)",
	    im->format, im->d->nerrors, im->d->nerrors == 1 ? "" : "s");
	return api_json(c, 422,
	    json_pack("{s:{s:s,s:s,s:s,s:o}}", "error", "code",
		"indicators_invalid", "message", msg, "field", first, "details",
		details));
}

static json_t *
imp_counts(const struct imp *im)
{
	size_t invalid = im->invalid + im->st.ninvalid;

	/* The list reader counts nothing: its refused lines are its
	 * warnings. */
	if (strcmp(im->format, "csv") == 0 || strcmp(im->format, "list") == 0)
		invalid = im->invalid + im->d->nwarnings;
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "new",
	    (json_int_t)im->counts[STORE_PUT_NEW], "updated",
	    (json_int_t)im->counts[STORE_PUT_UPDATED], "unchanged",
	    (json_int_t)im->counts[STORE_PUT_UNCHANGED], "invalid",
	    (json_int_t)invalid, "deleted", (json_int_t)im->st.ndeleted,
	    "skipped", (json_int_t)im->st.nskipped, "skipped_types",
	    skipped_json(&im->st));
}

int
h_indicator_import(struct api_ctx *c)
{
	struct imp im;
	char target[IMP_SOURCE_MAX + 16];
	json_t *o;
	int r;

	memset(&im, 0, sizeof(im));
	if (imp_args(c, &im) < 0)
		return -1;
	if ((im.b = ioc_bundle_new()) == NULL ||
	    (im.d = rp_diags_new()) == NULL) {
		r = api_store_fail(c, RP_ERR_NOMEM);
		goto out;
	}
	r = imp_read(c, &im);
	if (r == RP_ERR_NOMEM || r == RP_ERR_LIMIT) {
		r = r == RP_ERR_LIMIT
		    ? api_fail(c, 413, "payload_too_large", NULL,
			  "the document holds more indicators than one "
			  "import takes")
		    : api_store_fail(c, r);
		goto out;
	}
	if (r != 0 || im.d->nerrors > 0) {
		if (im.d->nerrors == 0)
			rp_diags_add(im.d, RP_DIAG_ERROR, NULL, "",
			    "nothing in the document could be read");
		r = imp_rejected(c, &im);
		goto out;
	}
	snprintf(target, sizeof(target), "source:%s", im.source);
	if ((r = store_begin(c->s)) != 0 || (r = imp_store(c, &im)) != 0 ||
	    (r = api_audit_commit(c, "indicator.import", im.slug, target, "ok",
		 json_pack("{s:s,s:o}", "format", im.format, "counts",
		     imp_counts(&im)))) != 0) {
		r = r == RP_ERR_INVALID
		    ? (store_rollback(c->s),
			  api_fail(c, 409, "conflict", "?source",
			      "the source '%.200s' could not be created",
			      im.source))
		    : api_store_fail(c, r);
		goto out;
	}
	o = json_pack("{s:s?,s:s,s:I,s:s,s:o,s:o,s:I}", "tenant",
	    im.tenant != 0 ? im.slug : NULL, "source", im.source, "source_id",
	    (json_int_t)im.source_id, "format", im.format, "counts",
	    imp_counts(&im), "diagnostics", api_diags_json(im.d, 0),
	    "diagnostics_dropped",
	    (json_int_t)(im.d->dropped +
		(im.d->n > API_DIAGS_MAX ? im.d->n - API_DIAGS_MAX : 0)));
	r = api_json(c, 200, o);
out:
	ioc_bundle_free(im.b);
	rp_diags_free(im.d);
	return r;
}
