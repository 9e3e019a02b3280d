/*
 * Signed jobs as people ask for them (docs/jobs.md): a job of a fixed
 * type with typed arguments, on a target (one host, a tenant, every
 * tenant, or the hosts with an open finding of an advisory), previewed
 * (dry_run: how many hosts), approved by a second user when it is large
 * or MSP-wide, then signed host by host by the signer role and followed
 * per host.  The HTTP role never holds the signing key: it asks the
 * signer (src/server/signer), which checks the job and the approval
 * again itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "proto/proto.h"
#include "signer/signer.h"
#include "util/err.h"

#define JOB_TARGETS_MAX 100000
#define JOB_MINUTES_DEFAULT 60
#define SIGN_BATCH 256
static const struct store_scope scope_all = {.all = 1, .id = 0};

#define AGENT_JOBS_MAX 16 /* envelopes in one answer */
#define JOB_RESULTS_MAX 10000
#define AGENT_WAIT_MAX 60 /* seconds a long poll may wait */
#define AUTO_MINUTES (24 * 60) /* expiry of the policy's sweep jobs */

/* What a create request resolved to. */
struct job_req {
	struct proto_job job; /* type and arguments; the rest per host */
	int64_t tenant; /* 0: MSP-wide */
	int64_t advisory;
	char agent[PROTO_AGENT_ID_LEN + 1];
	int all;
	int64_t *agents, *tenants;
	size_t n;
	int64_t limit; /* the tenant's approval threshold; -1: the server's */
};

static void
job_req_clear(struct job_req *q)
{
	free(q->agents);
	free(q->tenants);
	memset(q, 0, sizeof(*q));
}

/* "type" and "args" into q->job, checked as the signer will check them
 * (with this request's times and placeholders for the per-host parts). */
static int
read_type_args(struct api_ctx *c, struct job_req *q, int64_t minutes)
{
	const char *type = NULL;
	json_t *args = json_object_get(c->body, "args");
	char why[256], *txt;
	int r;

	if (api_str(c, "type", 1, 32, &type) < 0)
		return -1;
	if ((q->job.type = proto_job_type_from_name(type)) == 0)
		return api_fail(c, 400, "invalid_field", "type",
		    "type: expected inventory, sweep, quarantine, restore, "
		    "purge, terminate, block-apply, block-remove or "
		    "block-verify");
	if (args == NULL)
		args = json_object();
	else
		json_incref(args);
	txt = json_dumps(args, JSON_COMPACT);
	json_decref(args);
	if (txt == NULL)
		return api_fail(c, 400, "invalid_field", "args",
		    "args: expected an object");
	r = proto_job_args_parse(&q->job, txt, strlen(txt), why, sizeof(why));
	free(txt);
	memset(q->job.agent_id, 'a', PROTO_AGENT_ID_LEN);
	proto_job_id_new(q->job.job_id);
	proto_job_nonce_new(q->job.nonce);
	q->job.issued = c->rq->now;
	q->job.expires = c->rq->now + minutes * 60;
	if (r == 0)
		r = proto_job_check(&q->job, why, sizeof(why));
	memset(q->job.agent_id, 0, sizeof(q->job.agent_id));
	if (r != 0)
		return api_fail(c, 400, "invalid_job", "args", "%s", why);
	return 0;
}

/* A tenant slug in the caller's scope into *id; answers 404. */
static int
scope_tenant(
    struct api_ctx *c, const char *slug, const char *field, int64_t *id)
{
	struct store_tenant t = {0};
	int r;

	if (!api_name_ok(slug, 0))
		return api_fail(c, 400, "invalid_field", field,
		    "%s: expected a tenant slug", field);
	r = store_tenant_get(c->s, &c->who.scope, slug, &t);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", field, "no such tenant");
	if (r != 0)
		return api_store_fail(c, r);
	*id = t.id;
	store_tenant_clear(&t);
	return 0;
}

/* "target": {"host": ID} | {"tenant": SLUG} | {"all": true} |
 * {"advisory": ID, "tenant"?: SLUG}. */
static int
read_target(struct api_ctx *c, struct job_req *q)
{
	json_t *t = json_object_get(c->body, "target"), *v;
	struct store_advisory a = {0};
	size_t k;
	int r;

	if (!json_is_object(t) || (k = json_object_size(t)) < 1 || k > 2)
		return api_fail(c, 400, "invalid_field", "target",
		    "target: expected {\"host\": ID}, {\"tenant\": SLUG}, "
		    "{\"all\": true} or {\"advisory\": ID, \"tenant\"?: SLUG}");
	if ((v = json_object_get(t, "host")) != NULL) {
		if (k != 1 || !json_is_string(v) ||
		    !proto_agent_id_ok(json_string_value(v)))
			return api_fail(c, 400, "invalid_field", "target/host",
			    "target/host: expected an agent ID");
		snprintf(
		    q->agent, sizeof(q->agent), "%s", json_string_value(v));
	} else if ((v = json_object_get(t, "all")) != NULL) {
		if (k != 1 || !json_is_true(v))
			return api_fail(c, 400, "invalid_field", "target/all",
			    "target/all: expected true, alone");
		if (!c->who.scope.all || c->who.role != ROLE_MSP_ADMIN)
			return api_fail(c, 403, "forbidden", "target/all",
			    "a job on every tenant is for an msp-admin");
		q->all = 1;
	}
	if ((v = json_object_get(t, "tenant")) != NULL &&
	    (!json_is_string(v) ||
		scope_tenant(
		    c, json_string_value(v), "target/tenant", &q->tenant) < 0))
		return json_is_string(v)
		    ? -1
		    : api_fail(c, 400, "invalid_field", "target/tenant",
			  "target/tenant: expected a tenant slug");
	if ((v = json_object_get(t, "advisory")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return api_fail(c, 400, "invalid_field",
			    "target/advisory",
			    "target/advisory: expected an "
			    "advisory id");
		q->advisory = json_integer_value(v);
		r = store_advisory_get(c->s, &c->who.scope, q->advisory, 0, &a);
		store_advisory_clear(&a);
		if (r == RP_ERR_NOTFOUND)
			return api_fail(c, 404, "not_found", "target/advisory",
			    "no such advisory");
		if (r != 0)
			return api_store_fail(c, r);
	}
	if (q->agent[0] == '\0' && !q->all && q->tenant == 0 &&
	    q->advisory == 0)
		return api_fail(c, 400, "invalid_field", "target",
		    "target: expected host, tenant, all or advisory");
	return 0;
}

/* MSP-wide, or more hosts than the tenant's threshold, which is never
 * above the server's (the signer applies that one on its own). */
static int
needs_approval(const struct job_req *q)
{
	int64_t max = api_cfg()->job_approval_hosts;

	if (q->limit >= 0 && q->limit < max)
		max = q->limit;
	return q->tenant == 0 || (int64_t)q->n > max;
}

/* q->limit of q's tenant. */
static int
tenant_limit(struct api_ctx *c, struct job_req *q)
{
	q->limit = -1;
	return q->tenant != 0
	    ? store_tenant_approval_hosts(c->s, q->tenant, &q->limit)
	    : 0;
}

/* The hosts of the target, and the job's tenant: the one tenant they
 * are all in, or 0 (MSP-wide) when they span several or the target is
 * every tenant. */
static int
resolve(struct api_ctx *c, struct job_req *q)
{
	size_t i;
	int r;

	r = store_job_targets(c->s, &c->who.scope, q->agent, q->tenant,
	    q->advisory, JOB_TARGETS_MAX, &q->agents, &q->tenants, &q->n);
	if (r == RP_ERR_LIMIT)
		return api_fail(c, 400, "too_many_hosts", "target",
		    "the target resolves to more than %d hosts",
		    JOB_TARGETS_MAX);
	if (r != 0)
		return api_store_fail(c, r);
	if (q->agent[0] != '\0' && q->n == 0)
		return api_fail(
		    c, 404, "not_found", "target/host", "no such host");
	if (!q->all && q->tenant == 0)
		for (i = 0; i < q->n; i++) {
			if (i > 0 && q->tenants[i] != q->tenants[0])
				break;
			if (i == q->n - 1)
				q->tenant = q->tenants[0];
		}
	if ((r = tenant_limit(c, q)) != 0)
		return api_store_fail(c, r);
	return 0;
}

static json_t *
job_json(struct api_ctx *c, const struct store_job *j)
{
	static const char *const names[JOBH_NSTATES] = {JOBH_PENDING,
	    JOBH_QUEUED, JOBH_DELIVERED, JOBH_RUNNING, JOBH_DONE, JOBH_FAILED,
	    JOBH_REJECTED, JOBH_EXPIRED};
	json_t *o, *hosts = json_object();
	/* it was needed if it was given or is still awaited */
	int needed = j->approved_by != 0 || strcmp(j->state, JOB_AWAITING) == 0;
	char slug[64] = "";
	size_t i;

	if (j->tenant_id != 0 &&
	    api_tenant_slug_any(c, j->tenant_id, slug) != 0)
		slug[0] = '\0';
	for (i = 0; hosts != NULL && i < JOBH_NSTATES; i++)
		json_object_set_new(hosts, names[i], json_integer(j->hosts[i]));
	o = json_pack("{s:s,s:s?,s:s,s:o,s:o,s:I,s:s,s:b,s:s,s:o,s:o,s:s?,"
		      "s:o,s:o}",
	    "id", j->id, "tenant", j->tenant_id != 0 ? slug : NULL, "type",
	    j->type, "args", json_loads(j->args, 0, NULL), "target",
	    json_loads(j->target, 0, NULL), "targets", (json_int_t)j->targets,
	    "state", j->state, "needs_approval", needed, "created_by",
	    j->created_by_name, "created_at", api_time(j->created_at),
	    "expires_at", api_time(j->expires_at), "approved_by",
	    j->approved_by != 0 ? j->approved_by_name : NULL, "approved_at",
	    api_time(j->approved_at), "hosts", hosts);
	return o;
}

/* One signature for each pending host of j, a batch at a time: each
 * envelope queued and the batch's signatures audited in its
 * transaction.  *signed_n gets how many.  Returns 0; RP_ERR_INVALID
 * (the signer refused) or RP_ERR_IO (no signer) with why, audited; or a
 * store error.  Answers nothing. */
static int
sign_hosts(struct api_ctx *c, const struct store_job *j,
    const struct proto_job *tmpl, int64_t *signed_n, char *why, size_t wl)
{
	struct signer_client *sc = api_signer();
	struct signer_request rq;
	struct store_job_host *v = NULL;
	struct proto_job done;
	char *env;
	size_t n = 0, i;
	int r = 0;

	if (sc == NULL) {
		snprintf(why, wl, "%s", "this server has no signer");
		return RP_ERR_IO;
	}
	memset(&rq, 0, sizeof(rq));
	rq.job = *tmpl;
	rq.tenant_id = j->tenant_id;
	rq.requested_by = j->created_by;
	rq.approved_by = j->approved_by;
	rq.targets = (uint32_t)j->targets;
	do {
		json_t *sigs = json_array();

		if ((r = store_job_pending(c->s, j->seq, SIGN_BATCH, &v, &n)) !=
			0 ||
		    (r = store_begin(c->s)) != 0) {
			json_decref(sigs);
			break;
		}
		for (i = 0; r == 0 && i < n; i++) {
			memcpy(rq.job.agent_id, v[i].agent_id,
			    sizeof(rq.job.agent_id));
			r = signer_sign(sc, &rq, &env, &done, why, wl);
			if (r != 0)
				break;
			r = store_job_host_queue(
			    c->s, j->seq, v[i].agent_seq, env, c->rq->now);
			free(env);
			if (r == 0 &&
			    json_array_append_new(sigs,
				json_pack("{s:s,s:s}", "agent", v[i].agent_id,
				    "nonce", done.nonce)) != 0)
				r = RP_ERR_NOMEM;
			if (r == 0)
				(*signed_n)++;
		}
		/* one entry per batch, naming every signature in it */
		if (r == 0 && n > 0)
			r = api_audit(c, "job.sign", NULL, j->id, "ok",
			    json_pack("{s:o}", "signatures", sigs));
		else
			json_decref(sigs);
		if (r == 0)
			r = store_commit(c->s);
		else
			store_rollback(c->s);
		/* committed: the agents' waiting requests may take them */
		for (i = 0; r == 0 && api_cfg()->jobs_queued != NULL && i < n;
		     i++)
			api_cfg()->jobs_queued(v[i].agent_seq);
		store_job_hosts_free(v, n);
		v = NULL;
	} while (r == 0 && n == SIGN_BATCH);
	if (r == RP_ERR_INVALID || r == RP_ERR_IO)
		api_audit_now(c, "job.sign", NULL, j->id, "refused",
		    json_pack("{s:s}", "reason", why));
	return r;
}

/* sign_hosts, answering a failure. */
static int
sign_pending(struct api_ctx *c, const struct store_job *j,
    const struct proto_job *tmpl, int64_t *signed_n)
{
	char why[256] = "";
	int r = sign_hosts(c, j, tmpl, signed_n, why, sizeof(why));

	if (r == RP_ERR_INVALID || r == RP_ERR_IO)
		return api_fail(c, r == RP_ERR_IO ? 503 : 409,
		    r == RP_ERR_IO ? "signer_unavailable" : "signer_refused",
		    NULL, "the signer %s: %s",
		    r == RP_ERR_IO ? "cannot be reached" : "refused", why);
	return r != 0 ? api_store_fail(c, r) : 0;
}

/* The job as signed for every host: stored type, arguments, ID and
 * expiry (issue time and nonce are the signer's). */
static int
template_of(const struct store_job *j, struct proto_job *t)
{
	char why[256];

	memset(t, 0, sizeof(*t));
	t->type = proto_job_type_from_name(j->type);
	snprintf(t->job_id, sizeof(t->job_id), "%s", j->id);
	t->expires = j->expires_at;
	return proto_job_args_parse(
	    t, j->args, strlen(j->args), why, sizeof(why));
}

/* The job j answered with its state after signing what it can. */
static int
answer_job(struct api_ctx *c, int status, const char *id)
{
	struct store_job g = {0};
	int r = store_job_get(c->s, &c->who.scope, id, &g);

	if (r != 0)
		return api_store_fail(c, r);
	r = api_json(c, status, job_json(c, &g));
	store_job_clear(&g);
	return r;
}

/* Records the job of q with its hosts and its audit entry, asked for
 * by user named name.  Returns 0 or
 * a store error; answers nothing. */
static int
job_store(struct api_ctx *c, struct job_req *q, struct store_job *j,
    json_t *target, int64_t user, const char *name)
{
	char *args = NULL,
	     *tg = json_dumps(target, JSON_COMPACT | JSON_SORT_KEYS);
	char slug[64] = "";
	int r;

	if (tg == NULL || proto_job_args_text(&q->job, &args) != 0) {
		free(tg);
		return RP_ERR_NOMEM;
	}
	memset(j, 0, sizeof(*j));
	memcpy(j->id, q->job.job_id, sizeof(j->id));
	j->tenant_id = q->tenant;
	j->type = (char *)proto_job_type_name(q->job.type);
	j->args = args;
	j->target = tg;
	j->targets = (int64_t)q->n;
	j->state = needs_approval(q) ? JOB_AWAITING : JOB_ACTIVE;
	j->created_by = user;
	j->created_by_name = (char *)name;
	j->created_at = c->rq->now;
	j->expires_at = q->job.expires;
	if (q->tenant != 0)
		api_tenant_slug_any(c, q->tenant, slug);
	if ((r = store_begin(c->s)) == 0 &&
	    (r = store_job_create(c->s, j, q->agents, q->tenants, q->n)) == 0)
		r = api_audit_commit(c, "job.create", q->tenant ? slug : NULL,
		    j->id, "ok",
		    json_pack("{s:s,s:O,s:I,s:s}", "type", j->type, "target",
			target, "hosts", (json_int_t)q->n, "state", j->state));
	free(args);
	free(tg);
	j->type = j->args = j->target = j->state = j->created_by_name = NULL;
	return r;
}

int
h_job_create(struct api_ctx *c)
{
	static const char *const keys[] = {
	    "type", "args", "target", "expires_minutes", "dry_run", NULL};
	struct job_req q;
	struct store_job j = {0};
	int64_t minutes = JOB_MINUTES_DEFAULT, nsigned = 0;
	int dry = 0, r;

	memset(&q, 0, sizeof(q));
	if (api_keys_only(c, keys) < 0 ||
	    api_int(c, "expires_minutes", 1, PROTO_JOB_TTL_MAX / 60, &minutes) <
		0 ||
	    api_bool(c, "dry_run", &dry) < 0 ||
	    read_type_args(c, &q, minutes) < 0 || read_target(c, &q) < 0 ||
	    resolve(c, &q) < 0 ||
	    api_job_blocklist_check(c, q.tenant, &q.job) < 0) {
		job_req_clear(&q);
		return -1;
	}
	if (dry) {
		r = api_json(c, 200,
		    json_pack("{s:I,s:b}", "targets", (json_int_t)q.n,
			"needs_approval", needs_approval(&q)));
		job_req_clear(&q);
		return r;
	}
	if (q.n == 0) {
		job_req_clear(&q);
		return api_fail(c, 409, "no_hosts", "target",
		    "the target resolves to no host");
	}
	if ((r = job_store(c, &q, &j, json_object_get(c->body, "target"),
		 c->who.user_id, c->who.user)) != 0) {
		job_req_clear(&q);
		return api_store_fail(c, r);
	}
	if (!needs_approval(&q)) {
		struct store_job g = {0};

		if ((r = store_job_get(c->s, &c->who.scope, j.id, &g)) != 0) {
			job_req_clear(&q);
			return api_store_fail(c, r);
		}
		r = sign_pending(c, &g, &q.job, &nsigned);
		store_job_clear(&g);
		if (r < 0) {
			job_req_clear(&q);
			return -1;
		}
	}
	r = answer_job(c, 201, j.id);
	job_req_clear(&q);
	return r;
}

/* The {id} job in the caller's scope; answers 404. */
static int
path_job(struct api_ctx *c, struct store_job *j)
{
	int r;

	if (strlen(c->param[0]) != PROTO_JOB_ID_LEN ||
	    !proto_agent_id_ok(c->param[0]))
		return api_fail(c, 404, "not_found", NULL, "no such job");
	r = store_job_get(c->s, &c->who.scope, c->param[0], j);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such job");
	if (r != 0)
		return api_store_fail(c, r);
	return 0;
}

int
h_job_get(struct api_ctx *c)
{
	struct store_job j = {0};
	int r;

	if (path_job(c, &j) < 0)
		return -1;
	r = api_json(c, 200, job_json(c, &j));
	store_job_clear(&j);
	return r;
}

int
h_job_list(struct api_ctx *c)
{
	const char *slug = c->rq->arg(c->rq->arg_cls, "tenant");
	const char *host = c->rq->arg(c->rq->arg_cls, "host");
	/* per tenant, the newest job of this type with a host done */
	const char *latest = c->rq->arg(c->rq->arg_cls, "latest");
	struct store_agent a = {0};
	struct store_job *v = NULL;
	struct store_page pg;
	int64_t tenant = 0;
	size_t n = 0, i;
	json_t *items;
	int more = 0, r;

	if (api_page(c, &pg) < 0 ||
	    (slug != NULL && scope_tenant(c, slug, "?tenant", &tenant) < 0))
		return -1;
	if (latest != NULL && (slug != NULL || host != NULL))
		return api_fail(c, 400, "invalid_query", "?latest",
		    "latest goes with neither tenant nor host");
	if (latest != NULL && proto_job_type_from_name(latest) == 0)
		return api_fail(
		    c, 400, "invalid_query", "?latest", "no such job type");
	if (host != NULL) {
		/* another tenant's agent is as unknown as no agent */
		r = store_agent_get(c->s, &c->who.scope, host, &a);
		if (r == RP_ERR_NOTFOUND || r == RP_ERR_INVALID)
			return api_fail(
			    c, 404, "not_found", "?host", "no such agent");
		if (r != 0)
			return api_store_fail(c, r);
	}
	r = latest != NULL
	    ? store_job_latest(c->s, &c->who.scope, latest, &pg, &v, &n, &more)
	    : store_job_list(
		  c->s, &c->who.scope, tenant, a.seq, &pg, &v, &n, &more);
	store_agent_clear(&a);
	if (r != 0)
		return api_store_fail(c, r);
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, job_json(c, &v[i]));
	r = api_list(c, items, more, n > 0 ? v[n - 1].seq : 0);
	store_jobs_free(v, n);
	return r;
}

int
h_job_hosts(struct api_ctx *c)
{
	struct store_job j = {0};
	struct store_job_host *v = NULL;
	struct store_page pg;
	size_t n = 0, i;
	json_t *items;
	int more = 0, r;

	if (api_page(c, &pg) < 0 || path_job(c, &j) < 0)
		return -1;
	r = store_job_hosts(c->s, j.seq, &pg, &v, &n, &more);
	store_job_clear(&j);
	if (r != 0)
		return api_store_fail(c, r);
	items = json_array();
	for (i = 0; i < n; i++) {
		char slug[64] = "";

		api_tenant_slug_any(c, v[i].tenant_id, slug);
		json_array_append_new(items,
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "agent",
			v[i].agent_id, "hostname", v[i].hostname, "tenant",
			slug, "state", v[i].state, "reason", v[i].reason,
			"results",
			v[i].results != NULL ? json_loads(v[i].results, 0, NULL)
					     : json_null(),
			"updated_at", api_time(v[i].updated_at)));
	}
	r = api_list(c, items, more, n > 0 ? v[n - 1].agent_seq : 0);
	store_job_hosts_free(v, n);
	return r;
}

int
h_job_approve(struct api_ctx *c)
{
	struct store_job j = {0};
	struct proto_job t;
	int64_t nsigned = 0;
	int r;

	if (path_job(c, &j) < 0)
		return -1;
	if (strcmp(j.state, JOB_AWAITING) != 0)
		r = api_fail(c, 409, "conflict", NULL,
		    "the job is not waiting for approval");
	else if (j.created_by == c->who.user_id)
		r = api_fail(c, 403, "forbidden", NULL,
		    "a job is approved by a second user, not the one who "
		    "asked for it");
	else if (j.tenant_id == 0 && c->who.role != ROLE_MSP_ADMIN)
		r = api_fail(c, 403, "forbidden", NULL,
		    "an MSP-wide job is approved by an msp-admin");
	else if (template_of(&j, &t) != 0)
		r = api_store_fail(c, RP_ERR_INVALID);
	else if ((r = store_begin(c->s)) != 0 ||
	    (r = store_job_approve(
		 c->s, j.seq, c->who.user_id, c->who.user, c->rq->now)) != 0 ||
	    (r = api_audit_commit(c, "job.approve", NULL, j.id, "ok", NULL)) !=
		0) {
		store_rollback(c->s);
		r = r == RP_ERR_NOTFOUND
		    ? api_fail(c, 409, "conflict", NULL,
			  "the job is not waiting for approval")
		    : api_store_fail(c, r);
	} else {
		j.approved_by = c->who.user_id;
		r = sign_pending(c, &j, &t, &nsigned);
		if (r == 0)
			r = answer_job(c, 200, j.id);
	}
	store_job_clear(&j);
	return r;
}

/* --- the agent's side ---------------------------------------------------- */

/* The calling agent's row (its seq). */
static int
me(struct api_ctx *c, struct store_agent *a)
{
	int r = store_agent_get(c->s, &scope_all, c->who.agent_id, a);

	return r != 0 ? api_store_fail(c, r) : 0;
}

/* ?wait=SECONDS (0..AGENT_WAIT_MAX). */
static int
q_wait(struct api_ctx *c, int64_t *wait)
{
	const char *v = c->rq->arg(c->rq->arg_cls, "wait");
	char *end;
	long long n;

	*wait = 0;
	if (v == NULL)
		return 0;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 0 || n > AGENT_WAIT_MAX)
		return api_fail(c, 400, "invalid_query", "?wait",
		    "?wait: expected seconds, 0 to %d", AGENT_WAIT_MAX);
	*wait = n < api_cfg()->agent_wait_max ? n : api_cfg()->agent_wait_max;
	return 0;
}

int
h_agent_jobs(struct api_ctx *c)
{
	int64_t wait = 0;
	struct store_agent a = {0};
	struct store_job_env *v = NULL;
	size_t n = 0, i;
	json_t *jobs;
	int r;

	if (q_wait(c, &wait) < 0 || me(c, &a) < 0)
		return -1;
	/* the delivery and its audit entries in one transaction */
	if ((r = store_begin(c->s)) == 0)
		r = store_agent_jobs_take(
		    c->s, a.seq, c->rq->now, AGENT_JOBS_MAX, &v, &n);
	if (r == 0 && n == 0) {
		store_rollback(c->s);
		if (wait > 0 && c->rq->now < c->rq->first_seen + wait) {
			/* nothing yet: the HTTP layer holds the request */
			c->rs->wait_until = c->rq->first_seen + wait;
			c->rs->wait_agent = a.seq;
			store_agent_clear(&a);
			store_job_envs_free(v, n);
			return 0;
		}
	}
	store_agent_clear(&a);
	jobs = json_array();
	for (i = 0; r == 0 && i < n; i++) {
		json_array_append_new(jobs, json_string(v[i].envelope));
		r = api_audit(c, "job.deliver", NULL, v[i].job_id, "ok",
		    json_pack("{s:s}", "agent", c->who.agent_id));
	}
	if (r == 0 && n > 0)
		r = store_commit(c->s);
	store_job_envs_free(v, n);
	if (r != 0) {
		json_decref(jobs);
		return api_store_fail(c, r);
	}
	return api_json(c, 200, json_pack("{s:o}", "jobs", jobs));
}

int
h_agent_job_state(struct api_ctx *c)
{
	static const char *const keys[] = {"state", "reason", "results", NULL};
	static const char *const states[] = {
	    JOBH_RUNNING, JOBH_DONE, JOBH_FAILED, JOBH_REJECTED, NULL};
	struct store_agent a = {0};
	const char *state = NULL, *reason = "";
	json_t *res = json_object_get(c->body, "results"), *detail;
	char *rtxt = NULL, cur[16] = "", slug[64] = "";
	size_t i;
	int r, answered = 0;

	if (api_keys_only(c, keys) < 0 ||
	    api_str(c, "state", 1, 16, &state) < 0 ||
	    api_str(c, "reason", 0, 1024, &reason) < 0)
		return -1;
	for (i = 0; states[i] != NULL && strcmp(states[i], state) != 0; i++)
		;
	if (states[i] == NULL)
		return api_fail(c, 400, "invalid_field", "state",
		    "state: expected running, done, failed or rejected");
	if (res != NULL &&
	    (!json_is_array(res) || json_array_size(res) > JOB_RESULTS_MAX))
		return api_fail(c, 400, "invalid_field", "results",
		    "results: expected an array of at most %d objects",
		    JOB_RESULTS_MAX);
	if (strlen(c->param[0]) != PROTO_JOB_ID_LEN ||
	    !proto_agent_id_ok(c->param[0]))
		return api_fail(c, 404, "not_found", NULL, "no such job");
	if (me(c, &a) < 0)
		return -1;
	if (res != NULL && (rtxt = json_dumps(res, JSON_COMPACT)) == NULL) {
		store_agent_clear(&a);
		return api_store_fail(c, RP_ERR_NOMEM);
	}
	api_tenant_slug_any(c, a.tenant_id, slug);
	detail = json_pack(
	    "{s:s,s:s,s:s}", "agent", a.id, "state", state, "reason", reason);
	if (detail == NULL)
		r = RP_ERR_NOMEM;
	else if ((r = store_begin(c->s)) == 0 &&
	    (r = store_job_report(c->s, c->param[0], a.seq, state, reason, rtxt,
		 c->rq->now, cur)) == 0) {
		/* what the results add lands with the report, or neither */
		if (api_job_outcome(c, &a, c->param[0], state, res, detail) < 0)
			answered = 1;
		else
			r = api_audit_commit(c, "job.result", slug, c->param[0],
			    strcmp(state, JOBH_REJECTED) == 0 ? "rejected"
							      : "ok",
			    json_incref(detail));
	} else
		store_rollback(c->s);
	json_decref(detail);
	free(rtxt);
	store_agent_clear(&a);
	if (answered)
		return -1;
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such job");
	if (r == RP_ERR_INVALID)
		return api_fail(c, 409, "conflict", "state",
		    "the job is %s here: it cannot become %s", cur, state);
	if (r != 0)
		return api_store_fail(c, r);
	return api_json(c, 200, json_pack("{s:s}", "state", state));
}

/* --- the automatic response policy ---------------------------------------- */

/*
 * After an advisory import committed: for each tenant whose rules bundle
 * changed and whose policy is not "off", a sweep job with the new bundle
 * on every host of the tenant (quarantining matches under "quarantine"),
 * created by the policy on behalf of the importing user, then signed,
 * approved, audited and
 * followed exactly as a person's job: above the approval threshold it
 * waits for a user.  Answers nothing: the import is done whatever comes
 * of this; every outcome is in the audit log.
 */
void
api_auto_respond(struct api_ctx *c, const struct bundle_changes *ch)
{
	size_t k;

	for (k = 0; ch != NULL && k < ch->n; k++) {
		char pol[16] = "", slug[64] = "", why[256] = "", by[96];
		struct job_req q;
		struct store_job j = {0}, g = {0};
		json_t *target;
		int64_t nsigned = 0;
		int r;

		if (store_tenant_response(c->s, ch->v[k].tenant, pol) != 0 ||
		    strcmp(pol, TENANT_RESPONSE_OFF) == 0)
			continue;
		/* the user whose import set it off answers for it (the
		 * signer signs nobody's job), and cannot approve it */
		snprintf(by, sizeof(by), "policy (import by %s)", c->who.user);
		memset(&q, 0, sizeof(q));
		q.job.type = JOB_SWEEP;
		memcpy(q.job.bundle, ch->v[k].sha256, sizeof(q.job.bundle));
		q.job.quarantine = strcmp(pol, TENANT_RESPONSE_QUARANTINE) == 0;
		proto_job_id_new(q.job.job_id);
		q.job.expires = c->rq->now + AUTO_MINUTES * 60;
		q.tenant = ch->v[k].tenant;
		r = tenant_limit(c, &q);
		if (r == 0)
			r = store_job_targets(c->s, &scope_all, NULL, q.tenant,
			    0, JOB_TARGETS_MAX, &q.agents, &q.tenants, &q.n);
		api_tenant_slug_any(c, q.tenant, slug);
		target = json_pack("{s:s}", "tenant", slug);
		if (r == 0 && q.n > 0 && target != NULL &&
		    (r = job_store(c, &q, &j, target, c->who.user_id, by)) ==
			0 &&
		    !needs_approval(&q) &&
		    (r = store_job_get(c->s, &scope_all, j.id, &g)) == 0)
			(void)sign_hosts(
			    c, &g, &q.job, &nsigned, why, sizeof(why));
		store_job_clear(&g);
		json_decref(target);
		job_req_clear(&q);
	}
}
