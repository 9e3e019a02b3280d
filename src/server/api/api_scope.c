/*
 * Tenants as the API shows them (slugs) and as the store keeps them
 * (ids), always through the caller's scope: a slug outside it is "not
 * found", exactly like one that does not exist.  And the audit entries
 * every change writes in its own transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "api_int.h"
#include "util/err.h"

#define API_TENANTS_MAX 1000

/* Looks up one slug for the caller; answers and returns -1 when absent. */
static int
slug_id(struct api_ctx *c, const char *slug, const char *field, int64_t *id)
{
	struct store_tenant t = {0};
	int r;

	if (!api_name_ok(slug, 0))
		return api_fail(c, 400, "invalid_field", field,
		    "'%.64s' is not a tenant slug", slug);
	r = store_tenant_get(c->s, &c->who.scope, slug, &t);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(
		    c, 404, "not_found", field, "no tenant '%.64s'", slug);
	if (r != 0)
		return api_store_fail(c, r);
	*id = t.id;
	store_tenant_clear(&t);
	return 0;
}

static int
add_id(int64_t *ids, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return 0;
	ids[n] = id;
	return 1;
}

static int
ids_from_query(struct api_ctx *c, const char *name, int64_t **out)
{
	const char *q = c->rq->arg(c->rq->arg_cls, name), *p, *e;
	char slug[80], field[40];
	int64_t *ids, id;
	size_t n = 0, len;

	snprintf(field, sizeof(field), "?%s", name);
	if ((ids = calloc(API_TENANTS_MAX, sizeof(*ids))) == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	for (p = q; p != NULL && *p != '\0'; p = e != NULL ? e + 1 : NULL) {
		e = strchr(p, ',');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len == 0 || len >= sizeof(slug) || n >= API_TENANTS_MAX) {
			free(ids);
			return api_fail(c, 400, "invalid_query", field,
			    "?%s: expected a comma list of at most %d tenant "
			    "slugs",
			    name, API_TENANTS_MAX);
		}
		memcpy(slug, p, len);
		slug[len] = '\0';
		if (slug_id(c, slug, field, &id) < 0) {
			free(ids);
			return -1;
		}
		n += (size_t)add_id(ids, n, id);
	}
	*out = ids;
	return (int)n;
}

int
api_tenant_ids(
    struct api_ctx *c, const char *name, int from_query, int64_t **out)
{
	json_t *a, *v;
	int64_t *ids, id;
	size_t i, n = 0;
	char field[96];

	*out = NULL;
	if (from_query)
		return ids_from_query(c, name, out);
	a = json_object_get(c->body, name);
	snprintf(field, sizeof(field), "/%s", name);
	if (!json_is_array(a) || json_array_size(a) > API_TENANTS_MAX)
		return api_fail(c, 400, "invalid_field", field,
		    "%s: expected an array of at most %d tenant slugs", name,
		    API_TENANTS_MAX);
	if ((ids = calloc(json_array_size(a) + 1, sizeof(*ids))) == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	json_array_foreach(a, i, v)
	{
		snprintf(field, sizeof(field), "/%s/%zu", name, i);
		if (!json_is_string(v)) {
			free(ids);
			return api_fail(c, 400, "invalid_field", field,
			    "expected a tenant slug");
		}
		if (slug_id(c, json_string_value(v), field, &id) < 0) {
			free(ids);
			return -1;
		}
		n += (size_t)add_id(ids, n, id);
	}
	*out = ids;
	return (int)n;
}

/* The slug of tenant id within the caller's scope into out (""
 * when outside it), from this request's cache or the store. */
static int
slug_of(struct api_ctx *c, int64_t id, char out[64])
{
	struct store_tenant t = {0};
	size_t i;
	int r;

	for (i = 0; i < c->nslugs; i++)
		if (c->slugs[i].id == id) {
			memcpy(out, c->slugs[i].slug, 64);
			return 0;
		}
	r = store_tenant_by_id(c->s, &c->who.scope, id, &t);
	if (r != 0 && r != RP_ERR_NOTFOUND)
		return r;
	snprintf(out, 64, "%s", r == 0 ? t.slug : "");
	store_tenant_clear(&t);
	if (c->nslugs < API_SLUG_CACHE) {
		c->slugs[c->nslugs].id = id;
		memcpy(c->slugs[c->nslugs].slug, out, 64);
		c->nslugs++;
	}
	return 0;
}

json_t *
api_tenant_slugs(struct api_ctx *c, const int64_t *ids, size_t n)
{
	json_t *a = json_array();
	char slug[64];
	size_t i;

	/* One indexed lookup per tenant and request, within the caller's
	 * scope: a tenant outside it is left out.  (Walking the caller's
	 * tenant list instead cost every advisory shown a read of all
	 * tenants.) */
	for (i = 0; i < n && a != NULL; i++) {
		if (slug_of(c, ids[i], slug) != 0) {
			json_decref(a);
			return NULL;
		}
		if (slug[0] != '\0')
			json_array_append_new(a, json_string(slug));
	}
	return a;
}

static void
now_ms(char out[40])
{
	struct timeval tv;
	struct tm tm;
	time_t t;
	char b[32];

	gettimeofday(&tv, NULL);
	t = tv.tv_sec;
	gmtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 40, "%s.%03dZ", b, (int)(tv.tv_usec / 1000));
}

int
api_audit(struct api_ctx *c, const char *action, const char *tenant,
    const char *target, const char *outcome, json_t *detail)
{
	struct audit_entry e;
	char *d;
	int r;

	memset(&e, 0, sizeof(e));
	if (detail == NULL && (detail = json_object()) == NULL)
		return RP_ERR_NOMEM;
	d = json_dumps(
	    detail, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(detail);
	if (d == NULL)
		return RP_ERR_NOMEM;
	now_ms(e.at);
	e.actor = c->authed ? c->who.label : "-";
	e.address =
	    (char *)(c->rq->remote_addr != NULL ? c->rq->remote_addr : "");
	e.action = (char *)action;
	e.tenant = (char *)(tenant != NULL ? tenant : "");
	e.target = (char *)(target != NULL ? target : "");
	e.outcome = (char *)outcome;
	e.detail = d;
	r = store_audit_append(c->s, &e);
	free(d);
	return r;
}

int
api_audit_commit(struct api_ctx *c, const char *action, const char *tenant,
    const char *target, const char *outcome, json_t *detail)
{
	int r;

	if ((r = api_audit(c, action, tenant, target, outcome, detail)) != 0 ||
	    (r = store_commit(c->s)) != 0)
		store_rollback(c->s);
	return r;
}

int
api_audit_now(struct api_ctx *c, const char *action, const char *tenant,
    const char *target, const char *outcome, json_t *detail)
{
	int r;

	if ((r = store_begin(c->s)) != 0) {
		json_decref(detail);
		return r;
	}
	return api_audit_commit(c, action, tenant, target, outcome, detail);
}
