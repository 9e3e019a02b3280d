/*
 * Tenants: the MSP's customers.  Everyone sees the tenants in their
 * scope; only an msp-admin creates or renames one.  Tenants are not
 * deleted through the API: their history (audit, advisories) stays.
 */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "util/err.h"

static json_t *
tenant_json(const struct store_tenant *t)
{
	return json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)t->id, "slug",
	    t->slug, "name", t->name, "created_at", api_time(t->created_at));
}

/* One tenant, with its automatic response policy. */
static int
answer_tenant(struct api_ctx *c, const struct store_tenant *t)
{
	char pol[16] = "";
	int64_t hosts = -1;
	json_t *o;
	int r;

	if ((r = store_tenant_response(c->s, t->id, pol)) != 0 ||
	    (r = store_tenant_approval_hosts(c->s, t->id, &hosts)) != 0)
		return api_store_fail(c, r);
	o = tenant_json(t);
	if (o != NULL) {
		json_object_set_new(o, "response", json_string(pol));
		json_object_set_new(o, "approval_hosts",
		    hosts < 0 ? json_null() : json_integer(hosts));
	}
	return api_json(c, 200, o);
}

int
h_tenant_list(struct api_ctx *c)
{
	struct store_page pg;
	struct store_tenant *v = NULL;
	size_t n = 0, i;
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0)
		return -1;
	r = store_tenant_list(c->s, &c->who.scope, &pg, &v, &n, &more);
	if (r != 0)
		return api_store_fail(c, r);
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items, tenant_json(&v[i]));
	r = api_list(c, items, more, n > 0 ? v[n - 1].id : 0);
	store_tenants_free(v, n);
	return r;
}

int
h_tenant_create(struct api_ctx *c)
{
	static const char *const keys[] = {"slug", "name", NULL};
	struct store_tenant t = {0};
	const char *slug, *name;
	int r;

	if (api_keys_only(c, keys) < 0 ||
	    api_str(c, "slug", 1, 63, &slug) < 0 ||
	    api_str(c, "name", 1, 200, &name) < 0)
		return -1;
	if (!api_name_ok(slug, 0))
		return api_fail(c, 400, "invalid_field", "/slug",
		    "slug: expected 1-63 of a-z, 0-9, '-', starting with a "
		    "letter or digit");
	if (*name == '\0')
		return api_fail(c, 400, "invalid_field", "/name",
		    "name: must not be empty");
	if ((r = store_begin(c->s)) != 0)
		return api_store_fail(c, r);
	r = store_tenant_create(c->s, slug, name, &t.id);
	if (r == RP_ERR_INVALID) {
		store_rollback(c->s);
		return api_fail(
		    c, 409, "conflict", "/slug", "a tenant '%s' exists", slug);
	}
	if (r != 0 ||
	    (r = api_audit(c, "tenant.create", slug, slug, "ok",
		 json_pack("{s:s}", "name", name))) != 0 ||
	    (r = store_tenant_get(c->s, &c->who.scope, slug, &t)) != 0 ||
	    (r = store_commit(c->s)) != 0) {
		store_tenant_clear(&t);
		return api_store_fail(c, r);
	}
	r = api_json(c, 201, tenant_json(&t));
	store_tenant_clear(&t);
	return r;
}

int
h_tenant_get(struct api_ctx *c)
{
	struct store_tenant t = {0};
	int r;

	r = store_tenant_get(c->s, &c->who.scope, c->param[0], &t);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such tenant");
	if (r != 0)
		return api_store_fail(c, r);
	r = answer_tenant(c, &t);
	store_tenant_clear(&t);
	return r;
}

/* The changes a PATCH asks for, applied with their audit entries. */
static int
tenant_apply(struct api_ctx *c, const struct store_tenant *t, const char *name,
    const char *pol, int64_t hosts)
{
	char was[16] = "";
	int64_t before = -1;
	int r = 0;

	if (hosts >= -1 &&
	    ((r = store_tenant_approval_hosts(c->s, t->id, &before)) != 0 ||
		(r = store_tenant_set_approval_hosts(c->s, t->id, hosts)) !=
		    0 ||
		(r = api_audit(c, "tenant.approval_hosts", t->slug, t->slug,
		     "ok",
		     json_pack("{s:I,s:I}", "from", (json_int_t)before, "to",
			 (json_int_t)hosts))) != 0))
		return r;
	if (name != NULL &&
	    ((r = store_tenant_rename(c->s, t->id, name)) != 0 ||
		(r = api_audit(c, "tenant.rename", t->slug, t->slug, "ok",
		     json_pack("{s:s,s:s}", "from", t->name, "to", name))) !=
		    0))
		return r;
	if (pol != NULL &&
	    ((r = store_tenant_response(c->s, t->id, was)) != 0 ||
		(r = store_tenant_set_response(c->s, t->id, pol)) != 0 ||
		(r = api_audit(c, "tenant.response", t->slug, t->slug, "ok",
		     json_pack("{s:s,s:s}", "from", was, "to", pol))) != 0))
		return r;
	return store_commit(c->s);
}

int
h_tenant_update(struct api_ctx *c)
{
	static const char *const keys[] = {
	    "name", "response", "approval_hosts", NULL};
	struct store_tenant t = {0};
	const char *name = NULL, *pol = NULL;
	int64_t hosts = -2; /* -2: not asked; -1: the server's */
	int r;

	if (api_keys_only(c, keys) < 0 ||
	    api_str(c, "name", 0, 200, &name) < 0 ||
	    api_str(c, "response", 0, 16, &pol) < 0)
		return -1;
	if (json_is_null(json_object_get(c->body, "approval_hosts")))
		hosts = -1;
	else if (api_int(c, "approval_hosts", 0, 1000000, &hosts) < 0)
		return -1;
	if (name != NULL && *name == '\0')
		return api_fail(c, 400, "invalid_field", "/name",
		    "name: must not be empty");
	if (pol != NULL && strcmp(pol, TENANT_RESPONSE_OFF) != 0 &&
	    strcmp(pol, TENANT_RESPONSE_SWEEP) != 0 &&
	    strcmp(pol, TENANT_RESPONSE_QUARANTINE) != 0)
		return api_fail(c, 400, "invalid_field", "/response",
		    "response: expected off, sweep or quarantine");
	if (name == NULL && pol == NULL && hosts == -2)
		return api_fail(c, 400, "invalid_field", NULL,
		    "expected name, response or approval_hosts");
	if ((r = store_begin(c->s)) != 0)
		return api_store_fail(c, r);
	r = store_tenant_get(c->s, &c->who.scope, c->param[0], &t);
	if (r == RP_ERR_NOTFOUND) {
		store_rollback(c->s);
		return api_fail(c, 404, "not_found", NULL, "no such tenant");
	}
	if (r != 0 || (r = tenant_apply(c, &t, name, pol, hosts)) != 0) {
		store_tenant_clear(&t);
		return api_store_fail(c, r);
	}
	store_tenant_clear(&t);
	r = store_tenant_get(c->s, &c->who.scope, c->param[0], &t);
	r = r == 0 ? answer_tenant(c, &t) : api_store_fail(c, r);
	store_tenant_clear(&t);
	return r;
}
