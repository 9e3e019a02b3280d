/*
 * The route table and the dispatcher.  Every route names who may call
 * it; the dispatcher authenticates and checks the role before the
 * handler runs, so a handler cannot forget to.  Tenant scoping is the
 * store's: handlers pass the caller's scope to every query of tenant
 * data.  The table is also what the OpenAPI document is checked against
 * and what the authorisation test walks (api_route_at).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_int.h"
#include "json/rpjson.h"
#include "util/err.h"
#include "util/str.h"

enum who {
	WHO_PUBLIC, /* no credentials needed */
	WHO_ANY, /* any authenticated caller */
	WHO_TECH, /* technician or msp-admin */
	WHO_ADMIN, /* msp-admin */
	WHO_AGENT, /* an enrolled agent's signed request, nothing else */
};

struct route {
	const char *method;
	const char *pattern;
	enum who who;
	/* 0: none; 1: a JSON object is required; 2: a document (larger cap
	 * once authenticated); 3: a JSON object, or nothing ({}); 4: an
	 * agent's upload (as 1, the upload cap once authenticated); 5: a
	 * document of any syntax, not parsed here (the document cap once
	 * authenticated) */
	int body;
	int (*fn)(struct api_ctx *);
};

/* Keep in step with docs/api.md and docs/openapi.json (tests check). */
static const struct route routes[] = {
    {"GET", "/api/v1/openapi.json", WHO_PUBLIC, 0, h_openapi},
    {"GET", "/api/v1/health", WHO_PUBLIC, 0, h_health},
    {"POST", "/api/v1/login", WHO_PUBLIC, 1, h_login},
    {"POST", "/api/v1/logout", WHO_ANY, 0, h_logout},
    {"GET", "/api/v1/me", WHO_ANY, 0, h_me},
    {"PATCH", "/api/v1/me", WHO_ANY, 1, h_me_update},
    {"POST", "/api/v1/me/password", WHO_ANY, 1, h_me_password},
    {"POST", "/api/v1/me/totp", WHO_ANY, 1, h_me_totp},
    {"GET", "/api/v1/tenants", WHO_ANY, 0, h_tenant_list},
    {"POST", "/api/v1/tenants", WHO_ADMIN, 1, h_tenant_create},
    {"GET", "/api/v1/tenants/{tenant}", WHO_ANY, 0, h_tenant_get},
    {"PATCH", "/api/v1/tenants/{tenant}", WHO_ADMIN, 1, h_tenant_update},
    {"GET", "/api/v1/users", WHO_ADMIN, 0, h_user_list},
    {"POST", "/api/v1/users", WHO_ADMIN, 1, h_user_create},
    {"GET", "/api/v1/users/{user}", WHO_ADMIN, 0, h_user_get},
    {"PATCH", "/api/v1/users/{user}", WHO_ADMIN, 1, h_user_update},
    {"POST", "/api/v1/users/{user}/reset", WHO_ADMIN, 1, h_user_reset},
    {"GET", "/api/v1/tokens", WHO_ANY, 0, h_token_list},
    {"POST", "/api/v1/tokens", WHO_ANY, 1, h_token_create},
    {"DELETE", "/api/v1/tokens/{id}", WHO_ANY, 0, h_token_revoke},
    {"GET", "/api/v1/advisories", WHO_ANY, 0, h_advisory_list},
    {"POST", "/api/v1/advisories", WHO_TECH, 2, h_advisory_import},
    {"GET", "/api/v1/advisories/{id}", WHO_ANY, 0, h_advisory_get},
    {"GET", "/api/v1/advisories/{id}/revisions", WHO_ANY, 0,
	h_advisory_revisions},
    {"GET", "/api/v1/audit", WHO_ADMIN, 0, h_audit_list},
    {"GET", "/api/v1/audit/verify", WHO_ADMIN, 0, h_audit_verify},
    {"GET", "/api/v1/tenants/{tenant}/enroll-tokens", WHO_TECH, 0,
	h_enroll_token_list},
    {"POST", "/api/v1/tenants/{tenant}/enroll-tokens", WHO_TECH, 3,
	h_enroll_token_create},
    {"DELETE", "/api/v1/enroll-tokens/{id}", WHO_TECH, 0,
	h_enroll_token_revoke},
    {"POST", "/api/v1/agents/enroll", WHO_PUBLIC, 1, h_agent_enroll},
    {"GET", "/api/v1/agents", WHO_ANY, 0, h_agent_list},
    {"GET", "/api/v1/agents/counts", WHO_ANY, 0, h_agent_counts},
    {"GET", "/api/v1/agents/{id}", WHO_ANY, 0, h_agent_get},
    {"GET", "/api/v1/agents/{id}/software", WHO_ANY, 0, h_agent_software},
    {"DELETE", "/api/v1/agents/{id}", WHO_TECH, 0, h_agent_revoke},
    {"GET", "/api/v1/agents/{id}/quarantine", WHO_ANY, 0, h_agent_quarantine},
    {"POST", "/api/v1/agent/heartbeat", WHO_AGENT, 3, h_agent_heartbeat},
    {"POST", "/api/v1/agent/inventory", WHO_AGENT, 4, h_agent_inventory},
    {"POST", "/api/v1/agent/sweeps", WHO_AGENT, 4, h_agent_sweep},
    {"GET", "/api/v1/agent/jobs", WHO_AGENT, 0, h_agent_jobs},
    {"POST", "/api/v1/agent/jobs/{id}/state", WHO_AGENT, 4, h_agent_job_state},
    {"GET", "/api/v1/agent/bundle", WHO_AGENT, 0, h_agent_bundle},
    {"GET", "/api/v1/agent/bundles/{sha256}", WHO_AGENT, 0, h_agent_bundle_get},
    {"GET", "/api/v1/tenants/{tenant}/bundle", WHO_ANY, 0, h_tenant_bundle},
    {"POST", "/api/v1/tenants/{tenant}/blocklists", WHO_TECH, 2,
	h_tenant_blocklist_create},
    {"GET", "/api/v1/agent/blocklists/{sha256}", WHO_AGENT, 0,
	h_agent_blocklist_get},
    {"GET", "/api/v1/jobs", WHO_ANY, 0, h_job_list},
    {"POST", "/api/v1/jobs", WHO_TECH, 1, h_job_create},
    {"GET", "/api/v1/jobs/{id}", WHO_ANY, 0, h_job_get},
    {"GET", "/api/v1/jobs/{id}/hosts", WHO_ANY, 0, h_job_hosts},
    {"POST", "/api/v1/jobs/{id}/approve", WHO_TECH, 3, h_job_approve},
    {"GET", "/api/v1/findings", WHO_ANY, 0, h_finding_list},
    {"GET", "/api/v1/findings/counts", WHO_ANY, 0, h_finding_counts},
    {"GET", "/api/v1/findings/{id}", WHO_ANY, 0, h_finding_get},
    {"GET", "/api/v1/detections", WHO_ANY, 0, h_detection_list},
    {"GET", "/api/v1/indicators", WHO_ANY, 0, h_indicator_list},
    {"POST", "/api/v1/indicators", WHO_TECH, 1, h_indicator_create},
    {"POST", "/api/v1/indicators/import", WHO_TECH, 5, h_indicator_import},
    {"GET", "/api/v1/indicators/{id}", WHO_ANY, 0, h_indicator_get},
    {"PATCH", "/api/v1/indicators/{id}", WHO_TECH, 1, h_indicator_update},
    {"DELETE", "/api/v1/indicators/{id}", WHO_TECH, 0, h_indicator_delete},
    {"GET", "/api/v1/indicator-sources", WHO_ANY, 0, h_source_list},
    {"POST", "/api/v1/indicator-sources", WHO_TECH, 1, h_source_create},
    {"GET", "/api/v1/indicator-sources/{id}", WHO_ANY, 0, h_source_get},
    {"PATCH", "/api/v1/indicator-sources/{id}", WHO_TECH, 1, h_source_update},
    {"DELETE", "/api/v1/indicator-sources/{id}", WHO_TECH, 0, h_source_delete},
    {"GET", "/api/v1/allowlist", WHO_ANY, 0, h_allow_list},
    /* before /allowlist/{id}: a literal route sets no parameter */
    {"POST", "/api/v1/allowlist/import", WHO_ADMIN, 5, h_allow_import},
    {"POST", "/api/v1/allowlist", WHO_ADMIN, 1, h_allow_create},
    {"DELETE", "/api/v1/allowlist/{id}", WHO_TECH, 0, h_allow_delete},
    {"GET", "/api/v1/tenants/{tenant}/allowlist", WHO_ANY, 0, h_allow_list},
    {"POST", "/api/v1/tenants/{tenant}/allowlist", WHO_TECH, 1, h_allow_create},
    {"GET", "/api/v1/feeds", WHO_ANY, 0, h_feed_list},
    {"POST", "/api/v1/feeds", WHO_TECH, 1, h_feed_create},
    {"GET", "/api/v1/feeds/{id}", WHO_ANY, 0, h_feed_get},
    {"PATCH", "/api/v1/feeds/{id}", WHO_TECH, 1, h_feed_update},
    {"DELETE", "/api/v1/feeds/{id}", WHO_TECH, 0, h_feed_delete},
    {"GET", "/api/v1/feeds/{id}/fetches", WHO_ANY, 0, h_feed_fetches},
    {"GET", "/api/v1/feeds/{id}/status", WHO_ANY, 0, h_feed_status},
    {"GET", "/api/v1/feeds/{id}/report", WHO_ANY, 0, h_feed_report},
    {"POST", "/api/v1/indicator-sources/{id}/fetch", WHO_TECH, 3,
	h_source_fetch},
    {"POST", "/api/v1/tenants/{tenant}/allowlist/import", WHO_TECH, 5,
	h_allow_import_tenant},
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static const char *const who_names[] = {
    "public", "any", "technician", "msp-admin", "agent"};
/* "METHOD PATTERN" per route, for metrics labels. */
static char route_labels[NROUTES][96];
static struct api_route_info route_infos[NROUTES];
static struct api_config config;
static int configured;
static struct signer_client *signer;

void
api_config_default(struct api_config *c)
{
	c->session_idle = 30 * 60;
	c->session_max = 12 * 60 * 60;
	c->login_max_failures = 5;
	c->login_window = 15 * 60;
	c->login_lockout = 15 * 60;
	c->secure_cookies = 1;
	c->job_approval_hosts = 25;
	c->jobs_queued = NULL;
	c->agent_wait_max = 25;
}

void
api_configure(const struct api_config *c)
{
	size_t i;

	config = *c;
	configured = 1;
	for (i = 0; i < NROUTES; i++) {
		snprintf(route_labels[i], sizeof(route_labels[i]), "%s %s",
		    routes[i].method, routes[i].pattern);
		route_infos[i].method = routes[i].method;
		route_infos[i].pattern = routes[i].pattern;
		route_infos[i].auth = who_names[routes[i].who];
	}
}

void
api_set_signer(struct signer_client *c)
{
	signer = c;
}

struct signer_client *
api_signer(void)
{
	return signer;
}

const struct api_config *
api_cfg(void)
{
	if (!configured) {
		struct api_config d;

		api_config_default(&d);
		api_configure(&d);
	}
	return &config;
}

int
api_secure_cookies(void)
{
	return api_cfg()->secure_cookies;
}

void
api_policy(struct auth_policy *p)
{
	const struct api_config *c = api_cfg();

	p->session_idle = c->session_idle;
	p->session_max = c->session_max;
	p->login_max_failures = c->login_max_failures;
	p->login_window = c->login_window;
	p->login_lockout = c->login_lockout;
}

size_t
api_route_count(void)
{
	return NROUTES;
}

const struct api_route_info *
api_route_at(size_t i)
{
	(void)api_cfg();
	return i < NROUTES ? &route_infos[i] : NULL;
}

/* Matches path against pattern, the {name} parts into c->param[]. */
static int
route_match(const char *pattern, const char *path, struct api_ctx *c)
{
	return rp_path_match(
	    pattern, path, c->param, API_MAX_PARAMS, c->pbuf, sizeof(c->pbuf));
}

static int
content_type_json(const char *ct)
{
	size_t n = strlen("application/json");

	/* Media types are case-insensitive (RFC 9110 section 8.3.1). */
	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* Parses the body of a route that takes JSON; answers and returns -1
 * when it is not acceptable. */
static int
read_body(struct api_ctx *c, int optional)
{
	const struct api_request *rq = c->rq;
	struct rp_diags *d;
	const struct rp_diag *e;

	if (optional && (rq->body == NULL || rq->body_len == 0)) {
		if ((c->body = json_object()) == NULL)
			return api_store_fail(c, RP_ERR_NOMEM);
		return 0;
	}
	if (!content_type_json(rq->content_type))
		return api_fail(c, 415, "unsupported_media_type", NULL,
		    "the body must be application/json, not %s",
		    rq->content_type != NULL ? rq->content_type : "absent");
	if (rq->body == NULL || rq->body_len == 0)
		return api_fail(c, 400, "invalid_json", "",
		    "a JSON object body is required");
	if ((d = rp_diags_new()) == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	c->body = rpjson_load_buf(rq->body, rq->body_len, d);
	if (c->body == NULL) {
		e = d->n > 0 ? &d->v[0] : NULL;
		api_fail(c, 400, "invalid_json", "",
		    "the body is not JSON: %s (line %d, column %d)",
		    e != NULL ? e->msg : "unreadable", e != NULL ? e->line : 0,
		    e != NULL ? e->column : 0);
		rp_diags_free(d);
		return -1;
	}
	rp_diags_free(d);
	if (!json_is_object(c->body))
		return api_fail(c, 400, "invalid_json", "",
		    "the body must be a JSON object");
	return 0;
}

/* Authenticates and checks the route's role; answers when refused. */
static int
gate(struct api_ctx *c, const struct route *rt)
{
	struct auth_policy p;
	int r;

	if (rt->who == WHO_PUBLIC)
		return 0;
	/* Before the body: the header and the agent; api_handle checks
	 * the signature over the body. */
	if (rt->who == WHO_AGENT)
		return api_agent_gate(c, 0);
	api_policy(&p);
	r = auth_authenticate(
	    c->s, &p, c->rq->cookie, c->rq->authorization, c->rq->now, &c->who);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 401, "unauthorized", NULL,
		    "log in or send an API token");
	if (r != 0)
		return api_store_fail(c, r);
	c->authed = 1;
	if ((rt->who == WHO_TECH && c->who.role == ROLE_VIEWER) ||
	    (rt->who == WHO_ADMIN && c->who.role != ROLE_MSP_ADMIN)) {
		if (strcmp(rt->method, "GET") != 0) {
			json_t *d = json_pack(
			    "{s:s}", "route", route_labels[rt - routes]);

			(void)api_audit_now(c, "denied", "", "", "denied", d);
		}
		return api_fail(c, 403, "forbidden", NULL,
		    "the %s role may not do this",
		    store_role_name(c->who.role));
	}
	return 0;
}

/* Finds the route of rq; answers 404/405 in rs and returns NULL when
 * there is none. */
static const struct route *
find_route(struct api_ctx *c)
{
	const struct api_request *rq = c->rq;
	int path_known = 0;
	size_t i;

	for (i = 0; i < NROUTES; i++) {
		if (!route_match(routes[i].pattern, rq->path, c))
			continue;
		path_known = 1;
		if (strcmp(routes[i].method, rq->method) == 0)
			return &routes[i];
	}
	if (path_known)
		(void)api_fail(c, 405, "method_not_allowed", NULL,
		    "%s is not allowed on this path", rq->method);
	else
		(void)api_fail(c, 404, "not_found", NULL, "no such route");
	return NULL;
}

static void
ctx_init(
    struct api_ctx *c, const struct api_request *rq, struct api_response *rs)
{
	(void)api_cfg();
	memset(rs, 0, sizeof(*rs));
	rs->route = "unmatched";
	memset(c, 0, sizeof(*c));
	c->rq = rq;
	c->rs = rs;
	c->s = rq->store;
}

int
api_admit(const struct api_request *rq, struct api_response *rs,
    struct api_admission *adm, size_t *body_max)
{
	const struct route *rt;
	struct api_ctx c;

	ctx_init(&c, rq, rs);
	memset(adm, 0, sizeof(*adm));
	*body_max = 0;
	if ((rt = find_route(&c)) == NULL)
		return rs->body != NULL ? 1 : RP_ERR_NOMEM;
	rs->route = route_labels[rt - routes];
	if (gate(&c, rt) != 0)
		return rs->body != NULL ? 1 : RP_ERR_NOMEM;
	adm->route = (int)(rt - routes);
	adm->authed = c.authed;
	adm->who = c.who;
	/* Routes without a body still get a small allowance: clients send
	 * "{}" with a POST out of habit. */
	*body_max = !c.authed		     ? API_BODY_SMALL
	    : rt->body == 2 || rt->body == 5 ? API_BODY_DOCUMENT
	    : rt->body == 4		     ? API_BODY_UPLOAD
					     : API_BODY_SMALL;
	return 0;
}

int
api_handle(const struct api_request *rq, struct api_response *rs)
{
	const struct api_admission *adm = rq->admitted;
	const struct route *rt;
	struct api_ctx c;
	int ok;

	ctx_init(&c, rq, rs);
	if (adm != NULL && adm->route >= 0 && (size_t)adm->route < NROUTES) {
		rt = &routes[adm->route];
		/* The path's {params} are this request's own. */
		if (!route_match(rt->pattern, rq->path, &c)) {
			(void)api_fail(&c, 500, "internal", NULL,
			    "the admitted route does not match");
			return rs->body != NULL ? 0 : RP_ERR_NOMEM;
		}
		c.authed = adm->authed;
		c.who = adm->who;
	} else if ((rt = find_route(&c)) == NULL)
		return rs->body != NULL ? 0 : RP_ERR_NOMEM;
	rs->route = route_labels[rt - routes];
	/* An agent's request is checked whole here, admitted or not: its
	 * signature covers the body, and its nonce is used once. */
	if (rt->who == WHO_AGENT)
		ok = api_agent_gate(&c, rq->again ? 0 : 1) == 0;
	else
		ok = adm != NULL || gate(&c, rt) == 0;
	if (ok &&
	    (rt->body == 0 || rt->body == 5 ||
		read_body(&c, rt->body == 3) == 0))
		(void)rt->fn(&c);
	json_decref(c.body);
	if (rs->body == NULL && rs->status != 204 && rs->status != 304 &&
	    rs->wait_until == 0)
		return RP_ERR_NOMEM;
	return 0;
}
