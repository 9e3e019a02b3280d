/*
 * The allowlist (docs/api.md, "Allowlist"): domains and networks the
 * blocklists must never block, a tenant's (/tenants/{tenant}/allowlist)
 * or MSP-wide (/allowlist, changed by an msp-admin only).  Values are
 * normalised as indicators of their kind.  Every change is audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "ioc/ioc.h"
#include "util/err.h"

#define ALLOW_LIST_MAX 200
#define ALLOW_REASON_MAX 1024

static json_t *
allow_json(struct api_ctx *c, const struct store_allow *a)
{
	char slug[64] = "";

	if (a->tenant_id != 0)
		(void)api_tenant_slug_any(c, a->tenant_id, slug);
	return json_pack("{s:I,s:o,s:s,s:s,s:s,s:s,s:o,s:s}", "id",
	    (json_int_t)a->id, "tenant",
	    a->tenant_id != 0 ? json_string(slug) : json_null(), "kind",
	    a->kind, "value", a->value, "list", a->list_name, "reason",
	    a->reason, "created", api_time(a->created_at), "created_by",
	    a->created_by);
}

/* The tenant of the path (/tenants/{tenant}/allowlist), or 0. */
static int
path_tenant(struct api_ctx *c, int64_t *id)
{
	*id = 0;
	if (c->param[0] == NULL)
		return 0;
	return api_tenant_of(c, c->param[0], "/tenant", id);
}

int
h_allow_list(struct api_ctx *c)
{
	struct store_allow *v = NULL;
	struct store_page pg;
	int64_t tenant;
	size_t n = 0, i;
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0 || path_tenant(c, &tenant) < 0)
		return -1;
	/* /allowlist: the MSP-wide entries; a tenant's: its own and those */
	r = store_allow_list(
	    c->s, &c->who.scope, tenant != 0 ? tenant : -1, &pg, &v, &n, &more);
	if (r != 0)
		return api_store_fail(c, r);
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items, allow_json(c, &v[i]));
	r = api_list(c, items, more, n > 0 ? v[n - 1].id : 0);
	store_allows_free(v, n);
	return r;
}

int
h_allow_create(struct api_ctx *c)
{
	static const char *const keys[] = {
	    "kind", "value", "list", "reason", NULL};
	struct store_allow a = {0};
	const char *kind, *value, *list = "customer domains", *reason = "";
	const char *why = NULL;
	char val[320], target[400];
	int64_t id = 0;
	int r;

	if (path_tenant(c, &a.tenant_id) < 0 ||
	    api_msp_write(c, a.tenant_id, NULL) < 0 ||
	    api_keys_only(c, keys) < 0 ||
	    api_str(c, "kind", 1, 16, &kind) < 0 ||
	    api_str(c, "value", 1, 256, &value) < 0 ||
	    api_str(c, "list", 0, ALLOW_LIST_MAX, &list) < 0 ||
	    api_str(c, "reason", 0, ALLOW_REASON_MAX, &reason) < 0)
		return -1;
	if (strcmp(kind, "domain") != 0 && strcmp(kind, "cidr") != 0)
		return api_fail(c, 400, "invalid_field", "/kind",
		    "kind: expected domain or cidr");
	if (ioc_value_normalize(kind, value, val, sizeof(val), &why) != 0)
		return api_fail(c, 400, "invalid_field", "/value", "%s: %s",
		    kind, why != NULL ? why : "not valid");
	if (list[0] == '\0')
		return api_fail(c, 400, "invalid_field", "/list",
		    "list: must not be empty");
	a.kind = (char *)kind;
	a.value = val;
	a.list_name = (char *)list;
	a.reason = (char *)reason;
	a.created_by = (char *)c->who.label;
	snprintf(target, sizeof(target), "allow:%s:%s", kind, val);
	if ((r = store_begin(c->s)) != 0)
		return api_store_fail(c, r);
	r = store_allow_add(c->s, &c->who.scope, &a, c->rq->now, &id);
	if (r == RP_ERR_INVALID) {
		store_rollback(c->s);
		return api_fail(c, 409, "conflict", "/value",
		    "%s is on the list '%s' already", val, list);
	}
	if (r != 0 ||
	    (r = api_audit_commit(c, "allowlist.add",
		 c->param[0] != NULL ? c->param[0] : "", target, "ok",
		 json_pack("{s:s,s:s}", "list", list, "reason", reason))) != 0)
		return api_store_fail(c, r);
	if ((r = store_allow_get(c->s, &c->who.scope, id, &a)) != 0)
		return api_store_fail(c, r);
	r = api_json(c, 201, allow_json(c, &a));
	store_allow_clear(&a);
	return r;
}

int
h_allow_delete(struct api_ctx *c)
{
	struct store_allow a;
	char slug[64] = "", target[400];
	char *end;
	long long id = strtoll(c->param[0], &end, 10);
	int r;

	if (*end != '\0' || id <= 0)
		return api_fail(c, 404, "not_found", NULL, "no such entry");
	r = store_allow_get(c->s, &c->who.scope, id, &a);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such entry");
	if (r != 0)
		return api_store_fail(c, r);
	if (a.tenant_id == 0 && !c->who.scope.all) {
		store_allow_clear(&a);
		return api_msp_write(c, 0, NULL);
	}
	if (a.tenant_id != 0)
		(void)api_tenant_slug_any(c, a.tenant_id, slug);
	snprintf(target, sizeof(target), "allow:%s:%.300s", a.kind, a.value);
	if ((r = store_begin(c->s)) != 0 ||
	    (r = store_allow_delete(c->s, &c->who.scope, id, c->rq->now)) !=
		0 ||
	    (r = api_audit_commit(c, "allowlist.delete", slug, target, "ok",
		 json_pack("{s:s}", "list", a.list_name))) != 0) {
		store_allow_clear(&a);
		return api_store_fail(c, r);
	}
	store_allow_clear(&a);
	return api_no_content(c);
}
