/*
 * "Fetch now" for a pulled indicator source (docs/api.md,
 * "Indicator sources"): the request is recorded in the store, where the
 * worker role looks every few seconds (src/server/fetch), and audited.
 * The answer carries the source's fetch state as the API shows it, so a
 * client can poll GET /api/v1/indicator-sources/{id} until it changes.
 */
#include <stdio.h>
#include <string.h>

#include "api_int.h"
#include "fetch/fetch.h"
#include "util/err.h"

/* The {id} of the path as a number; 0 when it is not one. */
static int64_t
path_id(const char *p)
{
	int64_t id = 0;
	size_t i;

	for (i = 0; p[i] != '\0'; i++) {
		if (p[i] < '0' || p[i] > '9' || i >= 18)
			return 0;
		id = id * 10 + (p[i] - '0');
	}
	return id;
}

int
h_source_fetch(struct api_ctx *c)
{
	static const char *const none[] = {NULL};
	struct store_source src = {0};
	char target[256], slug[64] = "";
	int64_t id = path_id(c->param[0]);
	json_t *o, *state;
	int r;

	if (id <= 0 ||
	    (r = store_source_get(c->s, &c->who.scope, id, &src)) ==
		RP_ERR_NOTFOUND)
		return api_fail(
		    c, 404, "not_found", NULL, "no such indicator source");
	if (r != 0)
		return api_store_fail(c, r);
	/* an MSP-wide source is the MSP's to drive */
	if (src.tenant_id == 0 && !c->who.scope.all) {
		store_source_clear(&src);
		return api_fail(
		    c, 404, "not_found", NULL, "no such indicator source");
	}
	if (api_keys_only(c, none) < 0) { /* the body is {} or nothing */
		store_source_clear(&src);
		return -1;
	}
	if (src.url == NULL ||
	    (strcmp(src.kind, "list-url") != 0 &&
		strcmp(src.kind, "misp-feed") != 0)) {
		r = api_fail(c, 409, "not_pulled", NULL,
		    "indicator source %lld is of kind %s: only list-url and "
		    "misp-feed sources are fetched",
		    (long long)id, src.kind);
		store_source_clear(&src);
		return r;
	}
	if (!src.enabled) {
		store_source_clear(&src);
		return api_fail(c, 409, "disabled", "enabled",
		    "indicator source %lld is disabled: enable it first",
		    (long long)id);
	}
	if (src.tenant_id != 0)
		api_tenant_slug_any(c, src.tenant_id, slug);
	snprintf(target, sizeof(target), "source:%s", src.name);
	if ((r = store_begin(c->s)) != 0 ||
	    (r = fetch_request(c->s, id, c->rq->now)) != 0 ||
	    (r = api_audit_commit(c, "indicator_source.fetch_request", slug,
		 target, "ok", NULL)) != 0) {
		store_source_clear(&src);
		return api_store_fail(c, r);
	}
	state = fetch_state_json(c->s, &src, c->rq->now);
	store_source_clear(&src);
	if (state == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	o = json_pack("{s:I, s:o, s:o}", "id", (json_int_t)id, "requested_at",
	    api_time(c->rq->now), "fetch", state);
	return api_json(c, 202, o);
}
