/*
 * POST /api/v1/allowlist/import and /api/v1/tenants/{tenant}/allowlist/
 * import (docs/api.md, "Importing a warninglist"): a MISP warninglist,
 * read by the allowlist guard's own reader (src/lib/allow), becomes the
 * allowlist entries of the list of its name, replacing that list's
 * earlier entries in one transaction.  Substring and regex lists cannot
 * protect names or networks: they are answered as not applicable and
 * change nothing.  One audit entry per import, with its counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allow/allow.h"
#include "api_int.h"
#include "json/rpjson.h"
#include "util/diag.h"
#include "util/err.h"

#define WL_NAME_MAX 200 /* the store's bound on a list name */

struct wl_import {
	struct store_allow *v;
	size_t n, cap;
	char *list, *why, *type;
	const char *who;
};

static void
wl_import_clear(struct wl_import *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i].value);
	free(w->v);
	free(w->list);
	free(w->why);
	free(w->type);
	memset(w, 0, sizeof(*w));
}

/* allow_read_warninglist_each's callback: the list, then its entries. */
static int
wl_on_entry(const struct allow_wl_entry *e, void *arg)
{
	struct wl_import *w = arg;
	struct store_allow *a;

	if (e->value == NULL) {
		if ((w->list = strdup(e->list)) == NULL ||
		    (w->type = strdup(e->type)) == NULL ||
		    (w->why = strdup(e->why != NULL ? e->why : "")) == NULL)
			return RP_ERR_NOMEM;
		return 0;
	}
	if (w->n == w->cap) {
		size_t cap = w->cap == 0 ? 256 : w->cap * 2;
		void *p;

		/* the reader stops at ALLOW_MAX_NAMES entries */
		if (cap > ALLOW_MAX_NAMES + ALLOW_MAX_NETS)
			return RP_ERR_LIMIT;
		if ((p = realloc(w->v, cap * sizeof(*w->v))) == NULL)
			return RP_ERR_NOMEM;
		w->v = p;
		w->cap = cap;
	}
	a = &w->v[w->n];
	memset(a, 0, sizeof(*a));
	if ((a->value = strdup(e->value)) == NULL)
		return RP_ERR_NOMEM;
	a->kind = (char *)(e->net ? "cidr" : "domain");
	a->reason = w->why;
	a->created_by = (char *)w->who;
	w->n++;
	return 0;
}

/* The 422 of a document that is no warninglist: its errors. */
static int
wl_rejected(struct api_ctx *c, const struct rp_diags *d)
{
	const char *first = "";

	if (d->n > 0 && d->v[0].pointer != NULL)
		first = d->v[0].pointer;
	return api_json(c, 422,
	    json_pack("{s:{s:s,s:s,s:s,s:o}}", "error", "code",
		"warninglist_invalid", "message",
		"not a MISP warninglist (nothing was stored)", "field", first,
		"details", api_diags_json(d, 1)));
}

/* The note of a list that is not applied, as the answer's reason. */
static int
wl_not_applicable(struct api_ctx *c, const struct rp_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].level == RP_DIAG_NOTE && d->v[i].pointer != NULL &&
		    strcmp(d->v[i].pointer, "/type") == 0)
			break;
	return api_fail(c, 422, "not_applicable", "/type", "%s",
	    i < d->n ? d->v[i].msg : "the list's type is not applicable");
}

/* Reads the body into w; 0, or answered (4xx) and -1. */
static int
wl_read_body(struct api_ctx *c, struct wl_import *w, struct rp_diags *d)
{
	const char *body = c->rq->body != NULL ? c->rq->body : "";
	size_t len = c->rq->body != NULL ? c->rq->body_len : 0;
	json_t *root;
	int r;

	if ((root = rpjson_load_buf(body, len, d)) == NULL) {
		(void)wl_rejected(c, d);
		return -1;
	}
	r = allow_read_warninglist_each(root, NULL, wl_on_entry, w, d);
	json_decref(root);
	if (r == RP_ERR_NOMEM)
		return api_store_fail(c, r);
	if (r == RP_ERR_LIMIT)
		return api_fail(c, 413, "payload_too_large", NULL,
		    "the list holds more entries than one import takes");
	if (r != 0 || d->nerrors > 0 || w->list == NULL) {
		(void)wl_rejected(c, d);
		return -1;
	}
	if (strcmp(w->type, "substring") == 0 ||
	    strcmp(w->type, "regex") == 0) {
		(void)wl_not_applicable(c, d);
		return -1;
	}
	if (strlen(w->list) > WL_NAME_MAX)
		return api_fail(c, 422, "invalid_field", "/name",
		    "name: at most %d bytes as an allowlist's name",
		    WL_NAME_MAX);
	return 0;
}

static int
wl_import(struct api_ctx *c, const char *slug)
{
	struct wl_import w;
	struct rp_diags *d = rp_diags_new();
	int64_t tenant = 0, removed = 0, added = 0;
	char target[WL_NAME_MAX + 16];
	json_t *counts;
	int r;

	memset(&w, 0, sizeof(w));
	w.who = c->who.label;
	if (d == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	if (api_tenant_of(c, slug, "/tenant", &tenant) < 0 ||
	    api_msp_write(c, tenant, NULL) < 0 || wl_read_body(c, &w, d) < 0) {
		r = -1;
		goto out;
	}
	snprintf(target, sizeof(target), "allowlist:%s", w.list);
	if ((r = store_begin(c->s)) != 0 ||
	    (r = store_allow_replace(c->s, &c->who.scope, tenant, w.list, w.v,
		 w.n, c->rq->now, &removed, &added)) != 0 ||
	    (r = api_audit_commit(c, "allowlist.import", slug ? slug : "",
		 target, "ok",
		 json_pack("{s:s,s:I,s:I,s:I}", "type", w.type, "added",
		     (json_int_t)added, "removed", (json_int_t)removed,
		     "left_out", (json_int_t)d->nwarnings))) != 0) {
		r = api_store_fail(c, r);
		goto out;
	}
	counts = json_pack("{s:I,s:I,s:I,s:I}", "read", (json_int_t)w.n,
	    "added", (json_int_t)added, "removed", (json_int_t)removed,
	    "left_out", (json_int_t)d->nwarnings);
	r = api_json(c, 200,
	    json_pack("{s:s?,s:s,s:s,s:o,s:o,s:I}", "tenant", slug, "list",
		w.list, "type", w.type, "counts", counts, "diagnostics",
		api_diags_json(d, 0), "diagnostics_dropped",
		(json_int_t)(d->dropped +
		    (d->n > API_DIAGS_MAX ? d->n - API_DIAGS_MAX : 0))));
out:
	wl_import_clear(&w);
	rp_diags_free(d);
	return r;
}

int
h_allow_import(struct api_ctx *c)
{
	return wl_import(c, NULL);
}

int
h_allow_import_tenant(struct api_ctx *c)
{
	return wl_import(c, c->param[0]);
}
