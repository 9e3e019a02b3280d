/*
 * Indicator sources (docs/api.md, "Indicator sources"): where indicators
 * come from and the defaults they give them; a tenant's or MSP-wide.
 * Technicians manage their tenants' sources, an msp-admin also the
 * MSP-wide ones; deleting a source deletes its indicators.  Every change
 * is an audit entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "fetch/fetch.h"
#include "util/err.h"

#define SRC_NAME_MAX 200
#define SRC_URL_MAX 2048

static json_t *
masked_url(const char *url)
{
	char shown[3 * SRC_URL_MAX];

	fetch_url_mask(url, shown, sizeof(shown));
	return json_string(shown);
}

static json_t *
source_json(struct api_ctx *c, const struct store_source *x)
{
	char slug[64] = "";
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (x->tenant_id != 0)
		(void)api_tenant_slug_any(c, x->tenant_id, slug);
	json_object_set_new(o, "id", json_integer(x->id));
	json_object_set_new(
	    o, "tenant", x->tenant_id != 0 ? json_string(slug) : json_null());
	json_object_set_new(o, "name", json_string(x->name));
	json_object_set_new(o, "kind", json_string(x->kind));
	/* a feed URL may carry credentials: shown masked (fetch.h) */
	json_object_set_new(
	    o, "url", x->url != NULL ? masked_url(x->url) : json_null());
	json_object_set_new(o, "mode", json_string(x->mode));
	json_object_set_new(o, "confidence", json_integer(x->confidence));
	json_object_set_new(o, "tlp", json_string(x->tlp));
	json_object_set_new(o, "enabled", json_boolean(x->enabled));
	json_object_set_new(
	    o, "fetch_interval", json_integer(x->fetch_interval));
	json_object_set_new(o, "last_fetch_at", api_time(x->last_fetch_at));
	json_object_set_new(o, "last_ok_at", api_time(x->last_ok_at));
	json_object_set_new(o, "last_error",
	    x->last_error != NULL ? json_string(x->last_error) : json_null());
	json_object_set_new(o, "fetch", fetch_state_json(c->s, x, c->rq->now));
	json_object_set_new(o, "created", api_time(x->created_at));
	json_object_set_new(o, "updated", api_time(x->updated_at));
	return o;
}

int
h_source_list(struct api_ctx *c)
{
	struct store_source *v = NULL;
	struct store_page pg;
	int64_t tenant = 0;
	size_t n = 0, i;
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0 ||
	    api_tenant_of(c, c->rq->arg(c->rq->arg_cls, "tenant"), "?tenant",
		&tenant) < 0)
		return -1;
	r = store_source_list(c->s, &c->who.scope, tenant, &pg, &v, &n, &more);
	if (r != 0)
		return api_store_fail(c, r);
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items, source_json(c, &v[i]));
	r = api_list(c, items, more, n > 0 ? v[n - 1].id : 0);
	store_sources_free(v, n);
	return r;
}

/* The source of the path's {id}; with write, one the caller may change. */
static int
path_source(struct api_ctx *c, int write, struct store_source *out)
{
	char *end;
	long long id = strtoll(c->param[0], &end, 10);
	int r;

	if (*end != '\0' || id <= 0)
		return api_fail(c, 404, "not_found", NULL, "no such source");
	r = store_source_get(c->s, &c->who.scope, id, out);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such source");
	if (r != 0)
		return api_store_fail(c, r);
	if (write && out->tenant_id == 0 && !c->who.scope.all) {
		store_source_clear(out);
		return api_msp_write(c, 0, NULL);
	}
	return 0;
}

int
h_source_get(struct api_ctx *c)
{
	struct store_source x;
	int r;

	if (path_source(c, 0, &x) < 0)
		return -1;
	r = api_json(c, 200, source_json(c, &x));
	store_source_clear(&x);
	return r;
}

/* The editable fields of the body over *x (strings borrowed from the
 * body); 0, or answered and -1. */
static int
source_fields(struct api_ctx *c, struct store_source *x)
{
	const char *name = NULL, *url = NULL, *mode = NULL, *tlp = NULL;
	char why[512];
	int64_t conf = -1, every = -1;
	int enabled = -1;

	if (api_str(c, "name", 0, SRC_NAME_MAX, &name) < 0 ||
	    api_str(c, "mode", 0, 16, &mode) < 0 ||
	    api_str(c, "tlp", 0, 16, &tlp) < 0 ||
	    (json_object_get(c->body, "confidence") != NULL &&
		api_int(c, "confidence", 0, 100, &conf) < 0) ||
	    (json_object_get(c->body, "fetch_interval") != NULL &&
		api_int(c, "fetch_interval", 0, 30LL * 86400, &every) < 0) ||
	    (json_object_get(c->body, "enabled") != NULL &&
		api_bool(c, "enabled", &enabled) < 0))
		return -1;
	if (!json_is_null(json_object_get(c->body, "url")) &&
	    api_str(c, "url", 0, SRC_URL_MAX, &url) < 0)
		return -1;
	if (name != NULL && name[0] == '\0')
		return api_fail(c, 400, "invalid_field", "/name",
		    "name: must not be empty");
	if (mode != NULL && strcmp(mode, "block") != 0 &&
	    strcmp(mode, "inform") != 0)
		return api_fail(c, 400, "invalid_field", "/mode",
		    "mode: expected block or inform");
	if (tlp != NULL && !api_tlp_ok(tlp))
		return api_fail(c, 400, "invalid_field", "/tlp",
		    "tlp: expected clear, green, amber, amber+strict or red");
	if (url != NULL && fetch_url_check(url, why, sizeof(why)) != 0)
		return api_fail(
		    c, 400, "invalid_field", "/url", "url: %s", why);
	if (name != NULL)
		x->name = (char *)name;
	if (json_object_get(c->body, "url") != NULL)
		x->url = (char *)url;
	if (mode != NULL)
		x->mode = (char *)mode;
	if (tlp != NULL)
		x->tlp = (char *)tlp;
	if (conf >= 0)
		x->confidence = (int)conf;
	if (every >= 0)
		x->fetch_interval = every;
	if (enabled >= 0)
		x->enabled = enabled;
	return 0;
}

int
h_source_create(struct api_ctx *c)
{
	static const char *const keys[] = {"tenant", "name", "kind", "url",
	    "mode", "confidence", "tlp", "enabled", "fetch_interval", NULL};
	static const char *const kinds[] = {
	    "manual", "import", "misp-feed", "list-url", NULL};
	struct store_source x = {.confidence = -1, .enabled = 1};
	const char *tenant = NULL, *kind = NULL;
	char target[SRC_NAME_MAX + 16];
	size_t k;
	int64_t id = 0;
	int r;

	if (api_keys_only(c, keys) < 0 ||
	    api_str(c, "tenant", 0, 63, &tenant) < 0 ||
	    api_str(c, "kind", 1, 16, &kind) < 0 ||
	    api_str(c, "name", 1, SRC_NAME_MAX, (const char **)&x.name) < 0 ||
	    source_fields(c, &x) < 0 ||
	    api_tenant_of(c, tenant, "/tenant", &x.tenant_id) < 0 ||
	    api_msp_write(c, x.tenant_id, "/tenant") < 0)
		return -1;
	for (k = 0; kinds[k] != NULL && strcmp(kinds[k], kind) != 0; k++)
		;
	if (kinds[k] == NULL)
		return api_fail(c, 400, "invalid_field", "/kind",
		    "kind: expected manual, import, misp-feed or list-url");
	if ((k >= 2) != (x.url != NULL))
		return api_fail(c, 400, "invalid_field", "/url",
		    "url: a misp-feed or list-url source has one, others none");
	x.kind = (char *)kind;
	snprintf(target, sizeof(target), "source:%s", x.name);
	if ((r = store_begin(c->s)) != 0)
		return api_store_fail(c, r);
	r = store_source_create(c->s, &c->who.scope, &x, c->rq->now, &id);
	if (r == RP_ERR_INVALID) {
		store_rollback(c->s);
		return api_fail(c, 409, "conflict", "/name",
		    "a source '%s' exists there", x.name);
	}
	if (r != 0 ||
	    (r = api_audit_commit(c, "indicator_source.create",
		 tenant != NULL ? tenant : "", target, "ok",
		 json_pack("{s:s,s:o?}", "kind", kind, "url",
		     x.url != NULL ? masked_url(x.url) : NULL))) != 0)
		return api_store_fail(c, r);
	if ((r = store_source_get(c->s, &c->who.scope, id, &x)) != 0)
		return api_store_fail(c, r);
	r = api_json(c, 201, source_json(c, &x));
	store_source_clear(&x);
	return r;
}

/* The edit as audited: the body, its URL masked. */
static json_t *
edit_detail(const json_t *body)
{
	json_t *d = json_deep_copy(body);
	const char *url = json_string_value(json_object_get(body, "url"));

	if (d != NULL && url != NULL)
		json_object_set_new(d, "url", masked_url(url));
	return d;
}

int
h_source_update(struct api_ctx *c)
{
	static const char *const keys[] = {"name", "url", "mode", "confidence",
	    "tlp", "enabled", "fetch_interval", NULL};
	struct store_source cur, x;
	char slug[64] = "", target[SRC_NAME_MAX + 16];
	int r;

	/* the object first: another tenant's is 404 whatever the body */
	if (path_source(c, 1, &cur) < 0)
		return -1;
	x = cur;
	if (api_keys_only(c, keys) < 0 || source_fields(c, &x) < 0) {
		store_source_clear(&cur);
		return -1;
	}
	if (cur.tenant_id != 0)
		(void)api_tenant_slug_any(c, cur.tenant_id, slug);
	snprintf(target, sizeof(target), "source:%s", cur.name);
	if ((r = store_begin(c->s)) == 0)
		r = store_source_update(c->s, &c->who.scope, &x, c->rq->now);
	if (r == RP_ERR_INVALID) {
		store_rollback(c->s);
		store_source_clear(&cur);
		return api_fail(c, 409, "conflict", "/name",
		    "another source there has that name");
	}
	if (r != 0 ||
	    (r = api_audit_commit(c, "indicator_source.edit", slug, target,
		 "ok", edit_detail(c->body))) != 0) {
		store_source_clear(&cur);
		return api_store_fail(c, r);
	}
	store_source_clear(&cur);
	if (path_source(c, 0, &x) < 0)
		return -1;
	r = api_json(c, 200, source_json(c, &x));
	store_source_clear(&x);
	return r;
}

int
h_source_delete(struct api_ctx *c)
{
	struct store_source x;
	char slug[64] = "", target[SRC_NAME_MAX + 16];
	int64_t removed = 0;
	int r;

	if (path_source(c, 1, &x) < 0)
		return -1;
	if (x.tenant_id != 0)
		(void)api_tenant_slug_any(c, x.tenant_id, slug);
	snprintf(target, sizeof(target), "source:%s", x.name);
	if ((r = store_begin(c->s)) != 0 ||
	    (r = store_source_delete(
		 c->s, &c->who.scope, x.id, c->rq->now, &removed)) != 0 ||
	    (r = api_audit_commit(c, "indicator_source.delete", slug, target,
		 "ok",
		 json_pack("{s:I}", "indicators", (json_int_t)removed))) != 0) {
		store_source_clear(&x);
		return api_store_fail(c, r);
	}
	store_source_clear(&x);
	return api_no_content(c);
}
