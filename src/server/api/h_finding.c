/*
 * Findings and detections as people see them (docs/findings.md): lists
 * filtered by advisory, tenants, host, verdict and status, one finding
 * with its history, and counts per verdict and tenant — always within
 * the caller's scope, which the store applies in SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "findings/findings.h"
#include "proto/proto.h"
#include "util/err.h"

#define HISTORY_MAX 200
#define VERDICTS STORE_VERDICTS

/* A query: the filter and what it owns. */
struct fq {
	struct store_finding_filter f;
	char tenants[4096];
};

static int
q_int_id(struct api_ctx *c, const char *name, int64_t *out)
{
	const char *v = c->rq->arg(c->rq->arg_cls, name);
	char *end;
	long long n;

	*out = 0;
	if (v == NULL)
		return 0;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 1)
		return api_fail(c, 400, "invalid_query", name,
		    "?%s: expected a positive integer", name);
	*out = n;
	return 0;
}

static int
q_host(struct api_ctx *c, int64_t *seq)
{
	const char *id = c->rq->arg(c->rq->arg_cls, "host");
	struct store_agent a = {0};
	int r;

	*seq = 0;
	if (id == NULL)
		return 0;
	if (!proto_agent_id_ok(id))
		return api_fail(c, 400, "invalid_query", "?host",
		    "?host: expected an agent ID");
	r = store_agent_get(c->s, &c->who.scope, id, &a);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", "?host", "no such host");
	if (r != 0)
		return api_store_fail(c, r);
	*seq = a.seq;
	store_agent_clear(&a);
	return 0;
}

int
api_verdicts(struct api_ctx *c, unsigned *mask)
{
	const char *v = c->rq->arg(c->rq->arg_cls, "verdict");
	char buf[256], *p, *save = NULL;
	int n;

	*mask = 0;
	if (v == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s", v);
	for (p = strtok_r(buf, ",", &save); p != NULL;
	     p = strtok_r(NULL, ",", &save)) {
		if ((n = fnd_verdict_from_name(p)) < 0)
			return api_fail(c, 400, "invalid_query", "?verdict",
			    "?verdict: \"%.40s\" is not affected, "
			    "under_investigation, unknown, fixed or "
			    "not_affected",
			    p);
		*mask |= 1u << n;
	}
	return 0;
}

static int
q_status(struct api_ctx *c, int *status)
{
	const char *v = c->rq->arg(c->rq->arg_cls, "status");

	*status = 0;
	if (v == NULL || strcmp(v, "open") == 0)
		return 0;
	if (strcmp(v, "resolved") == 0)
		*status = 1;
	else if (strcmp(v, "all") == 0)
		*status = 2;
	else
		return api_fail(c, 400, "invalid_query", "?status",
		    "?status: expected open, resolved or all");
	return 0;
}

/* The filters of the query into q; -1 when answered. */
static int
query(struct api_ctx *c, struct fq *q)
{
	int64_t *ids = NULL;
	size_t i, off;
	int n = 0;

	memset(q, 0, sizeof(*q));
	if (q_int_id(c, "advisory", &q->f.advisory_id) < 0 ||
	    q_host(c, &q->f.agent_seq) < 0 ||
	    api_verdicts(c, &q->f.verdicts) < 0 ||
	    q_status(c, &q->f.status) < 0)
		return -1;
	if (c->rq->arg(c->rq->arg_cls, "tenant") != NULL &&
	    (n = api_tenant_ids(c, "tenant", 1, &ids)) < 0)
		return -1;
	if (n > 0) {
		off = (size_t)snprintf(q->tenants, sizeof(q->tenants), "[");
		for (i = 0; i < (size_t)n && off < sizeof(q->tenants); i++)
			off += (size_t)snprintf(q->tenants + off,
			    sizeof(q->tenants) - off, "%s%lld", i ? "," : "",
			    (long long)ids[i]);
		if (off < sizeof(q->tenants))
			snprintf(
			    q->tenants + off, sizeof(q->tenants) - off, "]");
		q->f.tenants = q->tenants;
	}
	free(ids);
	return 0;
}

static json_t *
finding_json(const struct store_finding *f)
{
	return json_pack(
	    "{s:I,s:s,s:{s:s,s:s},s:{s:I,s:s,s:s,s:i},"
	    "s:{s:s,s:s,s:s?,s:s?},s:s,s:s,s:s,s:s?,s:s,s:o,s:I,s:o,s:o,s:o}",
	    "id", (json_int_t)f->id, "tenant", f->tenant, "host", "id",
	    f->agent_id, "hostname", f->hostname ? f->hostname : "", "advisory",
	    "id", (json_int_t)f->advisory_id, "doc_id",
	    f->doc_id ? f->doc_id : "", "title", f->title ? f->title : "",
	    "revision", f->revision, "software", "name", f->sw_name, "version",
	    f->sw_version, "arch", f->sw_arch, "purl", f->sw_purl, "verdict",
	    fnd_verdict_name(f->verdict), "rule", f->rule, "reason", f->reason,
	    "remediation", f->remediation, "status",
	    f->open ? "open" : (f->resolved_at ? "resolved" : "clear"),
	    "first_seen", api_time(f->first_seen), "first_inventory",
	    (json_int_t)f->first_inventory, "resolved_at",
	    api_time(f->resolved_at), "resolved_inventory",
	    f->resolved_inventory ? json_integer(f->resolved_inventory)
				  : json_null(),
	    "updated_at", api_time(f->updated_at));
}

static int
add_count(int64_t tenant, int verdict, int64_t nf, int64_t nh, void *arg)
{
	int64_t(*tot)[2] = arg;

	(void)tenant;
	if (verdict >= 0 && verdict < VERDICTS) {
		tot[verdict][0] += nf;
		tot[verdict][1] += nh;
	}
	return 0;
}

static json_t *
counts_json(int64_t (*tot)[2], int which)
{
	json_t *o = json_object();
	int v;

	for (v = VERDICTS - 1; o != NULL && v >= 0; v--)
		json_object_set_new(o, fnd_verdict_name(v),
		    json_integer((json_int_t)tot[v][which]));
	return o;
}

int
h_finding_list(struct api_ctx *c)
{
	struct store_finding *v = NULL;
	struct store_page pg;
	int64_t tot[VERDICTS][2] = {{0}}, total = 0;
	const char *cq = c->rq->arg(c->rq->arg_cls, "counts");
	struct fq q;
	size_t n = 0, i;
	int more = 0, r, counts = 1;
	json_t *items;

	if (query(c, &q) < 0 || api_page(c, &pg) < 0)
		return -1;
	/* ?counts=0: a page that shows /findings/counts beside the list
	 * need not have them counted twice (they read every finding). */
	if (cq != NULL && strcmp(cq, "0") != 0 && strcmp(cq, "1") != 0)
		return api_fail(c, 400, "invalid_query", "?counts",
		    "?counts: expected 0 or 1");
	counts = cq == NULL || strcmp(cq, "1") == 0;
	/* One snapshot: the page, the total and the counts agree. */
	if ((r = store_begin_read(c->s)) != 0 ||
	    (r = store_finding_list(
		 c->s, &c->who.scope, &q.f, &pg, &v, &n, &more)) != 0 ||
	    (r = store_finding_total(c->s, &c->who.scope, &q.f, &total)) != 0 ||
	    (counts &&
		(r = store_finding_counts(
		     c->s, &c->who.scope, &q.f, add_count, tot)) != 0) ||
	    (r = store_commit(c->s)) != 0) {
		store_findings_free(v, n);
		return api_store_fail(c, r);
	}
	if ((items = json_array()) == NULL) {
		store_findings_free(v, n);
		return api_store_fail(c, RP_ERR_NOMEM);
	}
	for (i = 0; i < n; i++)
		json_array_append_new(items, finding_json(&v[i]));
	r = api_list_ext(c, items, more, n ? v[n - 1].id : 0,
	    json_pack("{s:o*,s:I}", "counts",
		counts ? counts_json(tot, 0) : NULL, "total",
		(json_int_t)total));
	store_findings_free(v, n);
	return r;
}

int
h_finding_get(struct api_ctx *c)
{
	struct store_finding f = {0};
	struct store_finding_event *ev = NULL;
	char *end;
	long long id = strtoll(c->param[0], &end, 10);
	size_t n = 0, i;
	json_t *o, *h;
	int r;

	if (*c->param[0] == '\0' || *end != '\0' || id < 1)
		return api_fail(c, 404, "not_found", NULL, "no such finding");
	r = store_finding_get(c->s, &c->who.scope, id, &f);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such finding");
	if (r != 0 ||
	    (r = store_finding_events(c->s, id, HISTORY_MAX, &ev, &n)) != 0) {
		store_finding_clear(&f);
		return api_store_fail(c, r);
	}
	o = finding_json(&f);
	h = json_array();
	for (i = 0; h != NULL && i < n; i++)
		json_array_append_new(h,
		    json_pack("{s:o,s:o,s:s,s:s,s:s,s:s}", "at",
			api_time(ev[i].at), "inventory",
			ev[i].inventory ? json_integer(ev[i].inventory)
					: json_null(),
			"verdict", fnd_verdict_name(ev[i].verdict), "rule",
			ev[i].rule, "version", ev[i].version, "reason",
			ev[i].reason));
	json_object_set_new(o, "history", h);
	store_finding_events_free(ev, n);
	store_finding_clear(&f);
	return api_json(c, 200, o);
}

/* Counts per tenant, in tenant order (the store's). */
struct tcounts {
	struct api_ctx *c;
	int64_t all[VERDICTS][2];
	json_t *tenants;
	int64_t cur; /* tenant of the last group, 0 before the first */
	int64_t t[VERDICTS][2];
};

static int
flush_tenant(struct tcounts *k)
{
	json_t *slug;

	if (k->cur == 0)
		return 0;
	slug = api_tenant_slugs(k->c, &k->cur, 1);
	json_array_append_new(k->tenants,
	    json_pack("{s:O,s:o,s:o}", "tenant", json_array_get(slug, 0),
		"counts", counts_json(k->t, 0), "hosts", counts_json(k->t, 1)));
	json_decref(slug);
	memset(k->t, 0, sizeof(k->t));
	return 0;
}

static int
tenant_count(int64_t tenant, int verdict, int64_t nf, int64_t nh, void *arg)
{
	struct tcounts *k = arg;

	if (tenant != k->cur) {
		flush_tenant(k);
		k->cur = tenant;
	}
	add_count(tenant, verdict, nf, nh, k->t);
	return add_count(tenant, verdict, nf, nh, k->all);
}

static int
advisory_count(const struct store_advisory_count *g, void *arg)
{
	int64_t t[VERDICTS][2];
	json_t *o;
	int v;

	for (v = 0; v < VERDICTS; v++) {
		t[v][0] = g->findings[v];
		t[v][1] = g->hosts[v];
	}
	o = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o}", "id",
	    (json_int_t)g->advisory_id, "doc_id", g->doc_id, "title", g->title,
	    "severity", g->severity, "counts", counts_json(t, 0), "hosts",
	    counts_json(t, 1));
	return json_array_append_new(arg, o) != 0 ? RP_ERR_NOMEM : 0;
}

/* ?by=advisory: open findings and hosts per advisory and verdict. */
static int
counts_by_advisory(struct api_ctx *c, const struct fq *q)
{
	json_t *a;
	int r;

	if ((a = json_array()) == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	r = store_finding_advisory_counts(
	    c->s, &c->who.scope, &q->f, advisory_count, a);
	if (r != 0) {
		json_decref(a);
		return api_store_fail(c, r);
	}
	return api_json(c, 200, json_pack("{s:o}", "advisories", a));
}

int
h_finding_counts(struct api_ctx *c)
{
	const char *by = c->rq->arg(c->rq->arg_cls, "by"), *st;
	struct tcounts k;
	struct fq q;
	int r;

	memset(&k, 0, sizeof(k));
	k.c = c;
	if (query(c, &q) < 0)
		return -1;
	if (by != NULL && strcmp(by, "advisory") == 0)
		return counts_by_advisory(c, &q);
	if (by != NULL && strcmp(by, "tenant") != 0)
		return api_fail(c, 400, "invalid_query", "?by",
		    "?by: expected tenant or advisory");
	/* ?status=open: open findings only (without it, every finding,
	 * resolved ones too); ?status= of other values is not taken here */
	st = c->rq->arg(c->rq->arg_cls, "status");
	if (st != NULL && strcmp(st, "open") != 0)
		return api_fail(c, 400, "invalid_query", "?status",
		    "?status: only open is taken by the counts");
	q.f.counts_open = st != NULL;
	if ((k.tenants = json_array()) == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	if ((r = store_finding_counts(
		 c->s, &c->who.scope, &q.f, tenant_count, &k)) != 0) {
		json_decref(k.tenants);
		return api_store_fail(c, r);
	}
	flush_tenant(&k);
	return api_json(c, 200,
	    json_pack("{s:o,s:o,s:o}", "counts", counts_json(k.all, 0), "hosts",
		counts_json(k.all, 1), "tenants", k.tenants));
}

int
h_detection_list(struct api_ctx *c)
{
	struct store_detection *v = NULL;
	struct store_page pg;
	int64_t *ids = NULL, agent = 0;
	size_t n = 0, i;
	int nt = 0, more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0 || q_host(c, &agent) < 0)
		return -1;
	if (c->rq->arg(c->rq->arg_cls, "tenant") != NULL &&
	    (nt = api_tenant_ids(c, "tenant", 1, &ids)) < 0)
		return -1;
	if (nt > 1) {
		free(ids);
		return api_fail(c, 400, "invalid_query", "?tenant",
		    "?tenant: one tenant slug");
	}
	r = store_detection_list(
	    c->s, &c->who.scope, nt ? ids[0] : 0, agent, &pg, &v, &n, &more);
	free(ids);
	if (r != 0)
		return api_store_fail(c, r);
	if ((items = json_array()) == NULL) {
		store_detections_free(v, n);
		return api_store_fail(c, RP_ERR_NOMEM);
	}
	for (i = 0; i < n; i++) {
		json_t *slug = api_tenant_slugs(c, &v[i].tenant_id, 1);

		json_array_append_new(items,
		    json_pack("{s:I,s:I,s:s?,s:O,s:s,s:s,s:s,s:s?,s:s,s:o}",
			"id", (json_int_t)v[i].id, "sweep",
			(json_int_t)v[i].sweep_id, "job",
			v[i].job_id[0] ? v[i].job_id : NULL, "tenant",
			json_array_get(slug, 0), "host", v[i].agent_id, "kind",
			v[i].kind, "path", v[i].path, "sha256",
			v[i].sha256[0] ? v[i].sha256 : NULL, "what", v[i].what,
			"at", api_time(v[i].at)));
		json_decref(slug);
	}
	r = api_list(c, items, more, n ? v[n - 1].id : 0);
	store_detections_free(v, n);
	return r;
}
