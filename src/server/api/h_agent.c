/*
 * Agents (docs/agent-protocol.md): enrolment tokens a technician makes
 * for a tenant, enrolment itself (a public route: the token is the
 * credential, throttled per address like logins), the authentication of
 * every agent request by its Ed25519 signature (api_agent_gate), the
 * heartbeat, and the agents as users see and revoke them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api_int.h"
#include "crypto/crypto.h"
#include "findings/findings.h"
#include "proto/proto.h"
#include "signer/signer.h"
#include "util/err.h"

#define AGENT_TEXT_MAX 255 /* hostname, os, agent_version */
#define NEXT_HEARTBEAT 60
/* An agent not seen for three heartbeats is stale (docs/api.md): one
 * lost heartbeat is not an outage. */
#define STALE_AFTER (3 * NEXT_HEARTBEAT)

static const struct store_scope scope_all = {.all = 1, .id = 0};

int
api_tenant_slug_any(struct api_ctx *c, int64_t id, char out[64])
{
	struct store_tenant t = {0};
	int r;

	r = store_tenant_by_id(c->s, &scope_all, id, &t);
	if (r != 0 && r != RP_ERR_NOTFOUND)
		return r;
	snprintf(out, 64, "%s", r == 0 ? t.slug : "");
	store_tenant_clear(&t);
	return 0;
}

/* The {tenant} of the path, in the caller's scope; answers 404. */
static int
path_tenant(struct api_ctx *c, struct store_tenant *t)
{
	int r;

	if (!api_name_ok(c->param[0], 0))
		return api_fail(c, 404, "not_found", NULL, "no such tenant");
	r = store_tenant_get(c->s, &c->who.scope, c->param[0], t);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such tenant");
	if (r != 0)
		return api_store_fail(c, r);
	return 0;
}

/* --- enrolment tokens ---------------------------------------------------- */

static json_t *
enroll_token_json(struct api_ctx *c, const struct store_enroll_token *t)
{
	char slug[64];

	if (api_tenant_slug_any(c, t->tenant_id, slug) != 0)
		return NULL;
	return json_pack("{s:I,s:s,s:s,s:I,s:I,s:o,s:s,s:o,s:o}", "id",
	    (json_int_t)t->id, "tenant", slug, "name", t->name, "uses",
	    (json_int_t)t->uses, "used", (json_int_t)t->used, "created_at",
	    api_time(t->created_at), "created_by", t->created_by, "expires_at",
	    api_time(t->expires_at), "revoked_at", api_time(t->revoked_at));
}

int
h_enroll_token_list(struct api_ctx *c)
{
	struct store_tenant ten = {0};
	struct store_enroll_token *v = NULL;
	struct store_page pg;
	size_t n = 0, i;
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0 || path_tenant(c, &ten) < 0)
		return -1;
	r = store_enroll_token_list(
	    c->s, &c->who.scope, ten.id, &pg, &v, &n, &more);
	store_tenant_clear(&ten);
	if (r != 0)
		return api_store_fail(c, r);
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items, enroll_token_json(c, &v[i]));
	r = api_list(c, items, more, n > 0 ? v[n - 1].id : 0);
	store_enroll_tokens_free(v, n);
	return r;
}

/* Records t under the hash of secret, with its audit entry. */
static int
enroll_token_insert(struct api_ctx *c, const char *slug, const char *secret,
    struct store_enroll_token *t)
{
	char hash[65], target[48];
	int r;

	crypto_sha256_hex(secret, strlen(secret), hash);
	if ((r = store_begin(c->s)) != 0)
		return r;
	if ((r = store_enroll_token_create(c->s, hash, t)) != 0)
		goto fail;
	snprintf(target, sizeof(target), "enroll-token:%lld", (long long)t->id);
	if ((r = api_audit_commit(c, "enroll_token.create", slug, target, "ok",
		 json_pack("{s:s,s:I,s:I}", "name", t->name, "uses",
		     (json_int_t)t->uses, "expires_at",
		     (json_int_t)t->expires_at))) != 0)
		goto fail;
	return 0;
fail:
	store_rollback(c->s);
	return r;
}

int
h_enroll_token_create(struct api_ctx *c)
{
	static const char *const keys[] = {
	    "name", "uses", "expires_hours", NULL};
	struct store_tenant ten = {0};
	struct store_enroll_token t = {0};
	const char *name = "";
	char secret[PROTO_SECRET_LEN + 1], token[PROTO_TOKEN_LEN + 1];
	int64_t uses = 1, hours = 24;
	json_t *o;
	int r;

	/* The tenant first: outside the caller's scope it is 404 whatever
	 * the body says. */
	if (path_tenant(c, &ten) < 0)
		return -1;
	if (api_keys_only(c, keys) < 0 ||
	    api_str(c, "name", 0, 100, &name) < 0 ||
	    api_int(c, "uses", 0, 100000, &uses) < 0 ||
	    api_int(c, "expires_hours", 1, 720, &hours) < 0) {
		store_tenant_clear(&ten);
		return -1;
	}
	/* The token carries the certificate's fingerprint: without TLS
	 * there is nothing an agent could pin. */
	if (api_cfg()->server_fp[0] == '\0') {
		store_tenant_clear(&ten);
		return api_fail(c, 409, "conflict", NULL,
		    "agents enrol over TLS only, and this server serves "
		    "plain HTTP");
	}
	if (crypto_token_new("", secret, sizeof(secret)) != 0 ||
	    proto_token_format(
		api_cfg()->server_fp, secret, token, sizeof(token)) != 0) {
		store_tenant_clear(&ten);
		sodium_memzero(secret, sizeof(secret));
		return api_store_fail(c, RP_ERR_INTERNAL);
	}
	t.tenant_id = ten.id;
	t.name = (char *)name;
	t.uses = uses;
	t.created_at = c->rq->now;
	t.created_by = c->who.label;
	t.expires_at = c->rq->now + hours * 3600;
	r = enroll_token_insert(c, ten.slug, secret, &t);
	sodium_memzero(secret, sizeof(secret));
	store_tenant_clear(&ten);
	if (r != 0) {
		sodium_memzero(token, sizeof(token));
		return api_store_fail(c, r);
	}
	o = json_pack(
	    "{s:o,s:s}", "token", enroll_token_json(c, &t), "secret", token);
	sodium_memzero(token, sizeof(token));
	return api_json(c, 201, o);
}

/* A decimal id of the path (at most 18 digits); 0 when it is not one. */
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
h_enroll_token_revoke(struct api_ctx *c)
{
	struct store_enroll_token t = {0};
	char slug[64], target[48];
	int64_t id = path_id(c->param[0]);
	int r;

	r = id > 0 ? store_enroll_token_get(c->s, &c->who.scope, id, &t)
		   : RP_ERR_NOTFOUND;
	if (r == RP_ERR_NOTFOUND)
		return api_fail(
		    c, 404, "not_found", NULL, "no such enrolment token");
	if (r == 0)
		r = api_tenant_slug_any(c, t.tenant_id, slug);
	store_enroll_token_clear(&t);
	if (r != 0)
		return api_store_fail(c, r);
	snprintf(target, sizeof(target), "enroll-token:%lld", (long long)id);
	if ((r = store_begin(c->s)) != 0 ||
	    (r = store_enroll_token_revoke(c->s, id, c->rq->now)) != 0 ||
	    (r = api_audit(
		 c, "enroll_token.revoke", slug, target, "ok", NULL)) != 0 ||
	    (r = store_commit(c->s)) != 0)
		return api_store_fail(c, r);
	return api_no_content(c);
}

/* --- enrolment ----------------------------------------------------------- */

/* A failed enrolment: counted against the address, audited, and
 * answered without saying why. */
static int
enroll_refused(struct api_ctx *c, const char *key)
{
	struct auth_policy p;

	api_policy(&p);
	(void)store_throttle_fail(c->s, key, c->rq->now, p.login_window,
	    p.login_max_failures, p.login_lockout, NULL);
	(void)api_audit_now(c, "agent.enroll", "", "", "failed", NULL);
	return api_fail(c, 401, "enroll_token_invalid", NULL,
	    "the enrolment token is not valid");
}

/* Uses the token and records the agent, with the audit entry, in one
 * transaction; RP_ERR_NOTFOUND when the token is not usable. */
static int
enroll_insert(
    struct api_ctx *c, const char *hash, struct store_agent *a, char slug[64])
{
	struct store_enroll_token t = {0};
	char target[40];
	int r;

	if ((r = store_begin(c->s)) != 0)
		return r;
	if ((r = store_enroll_use(c->s, hash, c->rq->now, &t)) != 0)
		goto fail;
	a->tenant_id = t.tenant_id;
	a->token_id = t.id;
	snprintf(c->who.label, sizeof(c->who.label), "enroll-token:%lld",
	    (long long)t.id);
	c->authed = 1;
	store_enroll_token_clear(&t);
	snprintf(target, sizeof(target), "agent:%s", a->id);
	if ((r = store_agent_create(c->s, a)) != 0 ||
	    (r = api_tenant_slug_any(c, a->tenant_id, slug)) != 0 ||
	    (r = api_audit_commit(c, "agent.enroll", slug, target, "ok",
		 json_pack(
		     "{s:s,s:s}", "hostname", a->hostname, "os", a->os))) != 0)
		goto fail;
	return 0;
fail:
	store_rollback(c->s);
	return r;
}

int
h_agent_enroll(struct api_ctx *c)
{
	static const char *const keys[] = {
	    "token", "public_key", "hostname", "os", NULL};
	struct store_agent a = {0};
	const char *tok, *pk, *host, *os = "";
	char fp[PROTO_FP_HEX + 1], sec[PROTO_SECRET_LEN + 1], hash[65], key[96],
	    slug[64];
	unsigned char raw[32], jpk[32];
	char kid[PROTO_JOB_KEY_ID_LEN + 1], jpk64[PROTO_PK_B64_LEN + 1];
	int64_t until = 0;
	json_t *o;
	int r;

	if (api_keys_only(c, keys) < 0 ||
	    api_str(c, "token", 1, PROTO_TOKEN_LEN, &tok) < 0 ||
	    api_str(c, "public_key", 1, PROTO_PK_B64_LEN, &pk) < 0 ||
	    api_str(c, "hostname", 1, AGENT_TEXT_MAX, &host) < 0 ||
	    api_str(c, "os", 0, AGENT_TEXT_MAX, &os) < 0)
		return -1;
	if (proto_pk_decode(pk, raw) != 0)
		return api_fail(c, 400, "invalid_field", "/public_key",
		    "public_key: expected the base64url of a 32-byte Ed25519 "
		    "public key");
	snprintf(key, sizeof(key), "enroll:%s",
	    c->rq->remote_addr != NULL ? c->rq->remote_addr : "");
	if ((r = store_throttle_check(c->s, key, c->rq->now, &until)) != 0)
		return api_store_fail(c, r);
	if (until > 0) {
		c->rs->retry_after = until - c->rq->now;
		return api_fail(c, 429, "too_many_requests", NULL,
		    "too many failed enrolments; try again in %lld seconds",
		    (long long)(until - c->rq->now));
	}
	/* The contract sends SECRET; the whole token is taken too. */
	if (proto_token_parse(tok, fp, sec) == 0) {
		crypto_sha256_hex(sec, strlen(sec), hash);
		sodium_memzero(sec, sizeof(sec));
	} else
		crypto_sha256_hex(tok, strlen(tok), hash);
	/* The job-signing key the agent pins: without it the agent could
	 * never run a job, so rampartd does not enrol while its signer is
	 * unreachable.  (A process with no signer at all, as the API's
	 * unit tests, enrols agents that can run no job.) */
	if (api_signer() != NULL &&
	    signer_public_key(api_signer(), jpk, kid) != 0)
		return api_fail(c, 503, "signer_unavailable", NULL,
		    "the job signer cannot be reached; enrol again shortly");
	if (api_signer() != NULL)
		proto_pk_encode(jpk, jpk64);
	proto_agent_id_new(a.id);
	a.public_key = (char *)pk;
	a.hostname = (char *)host;
	a.os = (char *)os;
	a.agent_version = "";
	a.enrolled_at = c->rq->now;
	r = enroll_insert(c, hash, &a, slug);
	if (r == RP_ERR_NOTFOUND)
		return enroll_refused(c, key);
	if (r != 0)
		return api_store_fail(c, r);
	o = json_pack("{s:s,s:s,s:o}", "agent_id", a.id, "tenant", slug,
	    "server_time", api_time(c->rq->now));
	if (o != NULL && api_signer() != NULL)
		json_object_set_new(o, "job_key",
		    json_pack("{s:s,s:s}", "id", kid, "public_key", jpk64));
	return api_json(c, 201, o);
}

/* --- signed requests ----------------------------------------------------- */

static int
agent_refused(struct api_ctx *c)
{
	return api_fail(c, 401, "unauthorized", NULL,
	    "send a request signed by an enrolled agent");
}

/* The signature over method, target and body, then the nonce. */
static int
agent_verify(
    struct api_ctx *c, const struct proto_auth *pa, const struct store_agent *a)
{
	const struct api_request *rq = c->rq;
	unsigned char pk[32];
	int r;

	if (proto_pk_decode(a->public_key, pk) != 0 ||
	    proto_verify(pa, pk, rq->method,
		rq->target != NULL ? rq->target : rq->path, rq->body,
		rq->body != NULL ? rq->body_len : 0) != 0)
		return agent_refused(c);
	r = store_nonce_use(c->s, a->id, pa->nonce, rq->now, PROTO_NONCE_KEEP);
	if (r == RP_ERR_INVALID)
		return agent_refused(c);
	if (r != 0)
		return api_store_fail(c, r);
	return 0;
}

int
api_agent_gate(struct api_ctx *c, int full)
{
	const struct api_request *rq = c->rq;
	struct store_agent a = {0};
	struct proto_auth pa;
	int r;

	/* User credentials (a cookie, a bearer token) are not looked at. */
	if (rq->authorization == NULL ||
	    proto_auth_parse(rq->authorization, &pa) != 0)
		return agent_refused(c);
	if (pa.ts > rq->now + PROTO_SKEW || pa.ts < rq->now - PROTO_SKEW)
		return agent_refused(c);
	r = store_agent_get(c->s, &scope_all, pa.agent_id, &a);
	if (r == RP_ERR_NOTFOUND || (r == 0 && a.revoked_at != 0)) {
		store_agent_clear(&a);
		return agent_refused(c);
	}
	if (r != 0)
		return api_store_fail(c, r);
	if (full && agent_verify(c, &pa, &a) != 0) {
		store_agent_clear(&a);
		return -1;
	}
	memset(&c->who, 0, sizeof(c->who));
	c->who.kind = AUTH_AGENT;
	c->who.role = ROLE_VIEWER;
	snprintf(c->who.agent_id, sizeof(c->who.agent_id), "%s", a.id);
	c->who.agent_tenant = a.tenant_id;
	snprintf(c->who.label, sizeof(c->who.label), "agent:%s", a.id);
	c->authed = 1;
	store_agent_clear(&a);
	return 0;
}

int
h_agent_heartbeat(struct api_ctx *c)
{
	static const char *const keys[] = {
	    "hostname", "os", "agent_version", NULL};
	const char *host = NULL, *os = NULL, *ver = NULL;
	char slug[64];
	int r;

	if (api_keys_only(c, keys) < 0 ||
	    api_str(c, "hostname", 0, AGENT_TEXT_MAX, &host) < 0 ||
	    api_str(c, "os", 0, AGENT_TEXT_MAX, &os) < 0 ||
	    api_str(c, "agent_version", 0, AGENT_TEXT_MAX, &ver) < 0)
		return -1;
	if ((r = store_agent_touch(
		 c->s, c->who.agent_id, c->rq->now, host, os, ver)) != 0 ||
	    (r = api_tenant_slug_any(c, c->who.agent_tenant, slug)) != 0)
		return api_store_fail(c, r);
	return api_json(c, 200,
	    json_pack("{s:s,s:s,s:o,s:i}", "agent_id", c->who.agent_id,
		"tenant", slug, "server_time", api_time(c->rq->now),
		"next_heartbeat", NEXT_HEARTBEAT));
}

/* --- agents as users see them -------------------------------------------- */

static const char *
agent_state(const struct api_ctx *c, const struct store_agent *a)
{
	if (a->revoked_at != 0)
		return "revoked";
	return a->last_seen >= c->rq->now - STALE_AFTER ? "online" : "stale";
}

/* The addresses of hosts v[0..n) (ordered by seq, as the store lists
 * them), one JSON array each in arr[], read in one query. */
struct host_addrs {
	const struct store_agent *v;
	size_t n, at;
	json_t **arr;
};

static int
host_addr(int64_t seq, const struct store_addr *a, void *arg)
{
	struct host_addrs *h = arg;

	/* Rows come by host seq too: one walk along both. */
	while (h->at < h->n && h->v[h->at].seq < seq)
		h->at++;
	if (h->at == h->n || h->v[h->at].seq != seq)
		return 0;
	return json_array_append_new(h->arr[h->at],
		   json_pack("{s:s,s:s,s:s?}", "ip", a->ip, "iface", a->iface,
		       "mac", a->mac[0] != '\0' ? a->mac : NULL)) != 0
	    ? RP_ERR_NOMEM
	    : 0;
}

static void
addrs_free(json_t **arr, size_t n)
{
	size_t i;

	for (i = 0; arr != NULL && i < n; i++)
		json_decref(arr[i]);
	free(arr);
}

/* *out: a new array of n arrays (the caller's to free with addrs_free;
 * agent_json takes each). */
static int
addrs_of(
    struct api_ctx *c, const struct store_agent *v, size_t n, json_t ***out)
{
	struct host_addrs h = {v, n, 0, NULL};
	int64_t *seqs = calloc(n + 1, sizeof(*seqs));
	size_t i;
	int r = RP_ERR_NOMEM;

	*out = NULL;
	if (seqs == NULL || (h.arr = calloc(n + 1, sizeof(*h.arr))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		seqs[i] = v[i].seq;
		if ((h.arr[i] = json_array()) == NULL)
			goto out;
	}
	if ((r = store_host_addrs_each(c->s, seqs, n, host_addr, &h)) != 0)
		goto out;
	*out = h.arr;
	h.arr = NULL;
out:
	addrs_free(h.arr, n);
	free(seqs);
	return r;
}

/* The Agent of docs/api.md; takes addrs (its "addresses"). */
static json_t *
agent_json(struct api_ctx *c, const struct store_agent *a, json_t *addrs)
{
	const char *st = agent_state(c, a);
	json_t *o;

	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:I,s:I,s:o,s:I}", "id",
	    a->id, "tenant", a->tenant, "hostname", a->hostname, "os", a->os,
	    "agent_version", a->agent_version, "enrolled_at",
	    api_time(a->enrolled_at), "last_seen", api_time(a->last_seen),
	    "revoked_at", api_time(a->revoked_at), "last_upload",
	    (json_int_t)a->last_upload, "inventory", (json_int_t)a->inventory,
	    "inventory_at", api_time(a->inventory_at), "software",
	    (json_int_t)a->software);
	if (o == NULL) {
		json_decref(addrs);
		return NULL;
	}
	if (json_object_update_new(o,
		json_pack("{s:s,s:s,s:s?,s:b,s:s,s:o}", "os_version",
		    a->os_version, "arch", a->arch, "verdict",
		    a->verdict >= 0 ? fnd_verdict_name(a->verdict) : NULL,
		    "online", strcmp(st, "online") == 0, "state", st,
		    "addresses", addrs)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ?tenant=SLUG: that tenant's id in *id (0 when absent); answers 404
 * naming the argument when the caller does not see such a tenant. */
static int
query_tenant(struct api_ctx *c, int64_t *id)
{
	const char *slug = c->rq->arg(c->rq->arg_cls, "tenant");
	struct store_tenant t = {0};
	int r;

	if (slug == NULL)
		return 0;
	if (!api_name_ok(slug, 0))
		return api_fail(c, 400, "invalid_query", "?tenant",
		    "?tenant: expected a tenant slug");
	r = store_tenant_get(c->s, &c->who.scope, slug, &t);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(
		    c, 404, "not_found", "?tenant", "no such tenant");
	if (r != 0)
		return api_store_fail(c, r);
	*id = t.id;
	store_tenant_clear(&t);
	return 0;
}

/* A search text ?name= into *out (NULL when absent or empty); answers
 * 400 over AGENT_TEXT_MAX bytes or with a control character. */
static int
query_text(struct api_ctx *c, const char *name, const char **out)
{
	const char *v = c->rq->arg(c->rq->arg_cls, name);
	char field[16];
	size_t i;

	*out = NULL;
	if (v == NULL || v[0] == '\0')
		return 0;
	for (i = 0; v[i] != '\0'; i++)
		if (i >= AGENT_TEXT_MAX || (unsigned char)v[i] < 0x20) {
			snprintf(field, sizeof(field), "?%s", name);
			return api_fail(c, 400, "invalid_query", field,
			    "?%s: expected at most %d bytes of text", name,
			    AGENT_TEXT_MAX);
		}
	*out = v;
	return 0;
}

/* ?state=online|stale|revoked. */
static int
query_state(struct api_ctx *c, enum store_agent_state *st)
{
	static const char *const names[] = {"online", "stale", "revoked"};
	static const enum store_agent_state states[] = {
	    STORE_AGENT_ONLINE, STORE_AGENT_STALE, STORE_AGENT_REVOKED};
	const char *v = c->rq->arg(c->rq->arg_cls, "state");
	size_t i;

	*st = STORE_AGENT_ANY;
	if (v == NULL)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0) {
			*st = states[i];
			return 0;
		}
	return api_fail(c, 400, "invalid_query", "?state",
	    "?state: expected online, stale or revoked");
}

/* The filters of an agent list into f; -1 when answered. */
static int
agent_query(struct api_ctx *c, struct store_agent_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->online_since = c->rq->now - STALE_AFTER;
	if (query_tenant(c, &f->tenant) < 0 ||
	    query_text(c, "q", &f->hostname) < 0 ||
	    query_text(c, "os", &f->os) < 0 ||
	    query_text(c, "software", &f->software) < 0 ||
	    query_text(c, "version", &f->version) < 0 ||
	    api_verdicts(c, &f->verdicts) < 0 || query_state(c, &f->state) < 0)
		return -1;
	if (f->version != NULL && f->software == NULL)
		return api_fail(c, 400, "invalid_query", "?version",
		    "?version: give ?software= too");
	return 0;
}

int
h_agent_list(struct api_ctx *c)
{
	struct store_agent_filter f;
	struct store_agent *v = NULL;
	struct store_page pg;
	json_t **addrs = NULL;
	int64_t total = 0;
	size_t n = 0, i;
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0 || agent_query(c, &f) < 0)
		return -1;
	/* One snapshot: the page, its addresses (one query for the page)
	 * and the total agree. */
	if ((r = store_begin_read(c->s)) != 0 ||
	    (r = store_agent_list(
		 c->s, &c->who.scope, &f, &pg, &v, &n, &more)) != 0 ||
	    (r = addrs_of(c, v, n, &addrs)) != 0 ||
	    (r = store_agent_total(c->s, &c->who.scope, &f, &total)) != 0 ||
	    (r = store_commit(c->s)) != 0) {
		addrs_free(addrs, n);
		store_agents_free(v, n);
		return api_store_fail(c, r);
	}
	items = json_array();
	for (i = 0; i < n; i++) {
		json_array_append_new(items, agent_json(c, &v[i], addrs[i]));
		addrs[i] = NULL;
	}
	r = api_list_ext(c, items, more, n > 0 ? v[n - 1].seq : 0,
	    json_pack("{s:I}", "total", (json_int_t)total));
	addrs_free(addrs, n);
	store_agents_free(v, n);
	return r;
}

/* The tenants' counts, and their sums. */
struct agent_counts {
	json_t *tenants;
	int64_t online, stale, revoked, total;
};

static int
agent_count(const struct store_agent_count *k, void *arg)
{
	struct agent_counts *a = arg;

	a->online += k->online;
	a->stale += k->stale;
	a->revoked += k->revoked;
	a->total += k->total;
	return json_array_append_new(a->tenants,
		   json_pack("{s:s,s:I,s:I,s:I,s:I}", "tenant", k->tenant,
		       "online", (json_int_t)k->online, "stale",
		       (json_int_t)k->stale, "revoked", (json_int_t)k->revoked,
		       "total", (json_int_t)k->total)) != 0
	    ? RP_ERR_NOMEM
	    : 0;
}

int
h_agent_counts(struct api_ctx *c)
{
	struct agent_counts a = {0};
	int r;

	if ((a.tenants = json_array()) == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	r = store_agent_counts(
	    c->s, &c->who.scope, c->rq->now - STALE_AFTER, agent_count, &a);
	if (r != 0) {
		json_decref(a.tenants);
		return api_store_fail(c, r);
	}
	return api_json(c, 200,
	    json_pack("{s:i,s:I,s:I,s:I,s:I,s:o}", "stale_after", STALE_AFTER,
		"online", (json_int_t)a.online, "stale", (json_int_t)a.stale,
		"revoked", (json_int_t)a.revoked, "total", (json_int_t)a.total,
		"tenants", a.tenants));
}

/* The {id} agent in the caller's scope into *a; answers 404. */
static int
path_agent(struct api_ctx *c, struct store_agent *a)
{
	int r;

	if (!proto_agent_id_ok(c->param[0]))
		return api_fail(c, 404, "not_found", NULL, "no such agent");
	r = store_agent_get(c->s, &c->who.scope, c->param[0], a);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such agent");
	if (r != 0)
		return api_store_fail(c, r);
	return 0;
}

int
h_agent_get(struct api_ctx *c)
{
	struct store_agent a = {0};
	json_t **addrs = NULL, *o;
	int r;

	if (path_agent(c, &a) < 0)
		return -1;
	if ((r = addrs_of(c, &a, 1, &addrs)) != 0) {
		store_agent_clear(&a);
		return api_store_fail(c, r);
	}
	o = agent_json(c, &a, addrs[0]);
	addrs_free(addrs, 0);
	store_agent_clear(&a);
	return api_json(c, 200, o);
}

/* An entry's string member key, or NULL. */
static const char *
entry_str(const json_t *e, const char *key)
{
	return json_string_value(json_object_get(e, key));
}

/* One software entry as shown: the members a list needs, from the
 * canonical JSON the store holds (which this server wrote). */
static json_t *
software_json(const struct store_sw *w)
{
	json_t *e = json_loads(w->entry, 0, NULL), *o;

	if (e == NULL)
		return NULL;
	o = json_pack("{s:I,s:s,s:s,s:s?,s:s?,s:s?,s:s?}", "id",
	    (json_int_t)w->id, "name",
	    entry_str(e, "name") ? entry_str(e, "name") : "", "version",
	    entry_str(e, "version") ? entry_str(e, "version") : "", "vendor",
	    entry_str(e, "vendor"), "arch", entry_str(e, "arch"), "source",
	    entry_str(e, "source"), "purl", entry_str(e, "purl"));
	json_decref(e);
	return o;
}

int
h_agent_software(struct api_ctx *c)
{
	struct store_agent a = {0};
	struct store_sw *v = NULL;
	struct store_page pg;
	const char *q;
	int64_t total = 0;
	size_t n = 0, i;
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0 || query_text(c, "q", &q) < 0 ||
	    path_agent(c, &a) < 0)
		return -1;
	r = store_sw_page(c->s, a.seq, q, &pg, &v, &n, &more, &total);
	store_agent_clear(&a);
	if (r != 0)
		return api_store_fail(c, r);
	if ((items = json_array()) == NULL) {
		store_sws_free(v, n);
		return api_store_fail(c, RP_ERR_NOMEM);
	}
	for (i = 0; i < n; i++)
		json_array_append_new(items, software_json(&v[i]));
	r = api_list_ext(c, items, more, n > 0 ? v[n - 1].id : 0,
	    json_pack("{s:I}", "total", (json_int_t)total));
	store_sws_free(v, n);
	return r;
}

int
h_agent_revoke(struct api_ctx *c)
{
	struct store_agent a = {0};
	char slug[64], target[40];
	int r;

	if (path_agent(c, &a) < 0)
		return -1;
	r = api_tenant_slug_any(c, a.tenant_id, slug);
	snprintf(target, sizeof(target), "agent:%s", a.id);
	store_agent_clear(&a);
	if (r != 0)
		return api_store_fail(c, r);
	if ((r = store_begin(c->s)) != 0 ||
	    (r = store_agent_revoke(c->s, c->param[0], c->rq->now)) != 0 ||
	    (r = api_audit_commit(
		 c, "agent.revoke", slug, target, "ok", NULL)) != 0)
		return api_store_fail(c, r);
	return api_no_content(c);
}
