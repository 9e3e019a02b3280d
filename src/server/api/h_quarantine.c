/*
 * What agents' job reports leave on the server (docs/jobs.md, "What the
 * reports record"), and the list of each agent's quarantine entries.  A
 * report's results are checked (src/server/findings) and recorded in
 * the transaction of the report and its audit entry: the entries a
 * quarantine or sweep job made, held; the entry a restore or purge job
 * named, restored or purged; and a sweep job's report as a sweep whose
 * hits are detections naming the job.  A malformed result refuses the
 * whole report, which then changes nothing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "findings/findings.h"
#include "proto/proto.h"
#include "util/err.h"

/* When the sweep of a report that arrived at now began: its "seconds"
 * before (now, when it does not say). */
static int64_t
sweep_start(const json_t *results, int64_t now)
{
	double sec = json_number_value(
	    json_object_get(json_array_get(results, 0), "seconds"));

	if (!isfinite(sec) || sec < 0 || sec > (double)PROTO_JOB_TTL_MAX * 2)
		return now;
	return now - (int64_t)sec;
}

/* Records a sweep job's report as a sweep of job j with its hits as
 * detections; their count into detail. */
static int
record_sweep(struct api_ctx *c, const struct store_agent *a,
    const struct store_job *j, const json_t *results,
    const struct fnd_sweep *sw, json_t *detail)
{
	const struct fnd_hit *h;
	int64_t id = 0;
	size_t i;
	int r;

	if ((r = store_sweep_add(c->s, a->seq, a->tenant_id, 0, j->seq,
		 sweep_start(results, c->rq->now), c->rq->now,
		 (int64_t)sw->nhits, sw->report, &id)) != 0)
		return r;
	for (i = 0; i < sw->nhits; i++) {
		h = &sw->hits[i];
		if ((r = store_detection_add(c->s, id, a->seq, a->tenant_id,
			 h->kind, h->path ? h->path : "",
			 h->sha256 ? h->sha256 : "", h->what, c->rq->now)) != 0)
			return r;
	}
	json_object_set_new(detail, "sweep", json_integer((json_int_t)id));
	json_object_set_new(
	    detail, "detections", json_integer((json_int_t)sw->nhits));
	return 0;
}

/* Records what res and a restore or purge job add; counts into detail. */
static int
record(struct api_ctx *c, const struct store_agent *a,
    const struct store_job *j, const struct proto_job *pj, const char *state,
    const json_t *results, const struct fnd_job_result *res, json_t *detail)
{
	const char *to =
	    pj->type == JOB_RESTORE ? QENTRY_RESTORED : QENTRY_PURGED;
	size_t i;
	int r = 0;

	if (res->sweep != NULL &&
	    (r = record_sweep(c, a, j, results, res->sweep, detail)) != 0)
		return r;
	for (i = 0; i < res->nentries; i++)
		if ((r = store_qentry_add(c->s, a->tenant_id, a->seq,
			 res->entries[i].entry, res->entries[i].path,
			 res->entries[i].sha256, j->seq, c->rq->now)) != 0)
			return r;
	if (res->nentries > 0)
		json_object_set_new(detail, "entries_held",
		    json_integer((json_int_t)res->nentries));
	if ((pj->type != JOB_RESTORE && pj->type != JOB_PURGE) ||
	    strcmp(state, JOBH_DONE) != 0)
		return 0;
	/* an entry the server never heard of (quarantined before it kept
	 * entries, or by hand on the machine) has nothing to move */
	r = store_qentry_set_state(
	    c->s, a->seq, pj->entry, to, j->seq, c->rq->now);
	if (r == RP_ERR_NOTFOUND)
		return 0;
	if (r == 0) {
		json_object_set_new(detail, "entry", json_string(pj->entry));
		json_object_set_new(detail, "entry_state", json_string(to));
	}
	return r;
}

int
api_job_outcome(struct api_ctx *c, const struct store_agent *a,
    const char *job_id, const char *state, const json_t *results,
    json_t *detail)
{
	struct store_job j = {0};
	struct proto_job pj;
	struct fnd_job fj;
	struct fnd_job_result *res = NULL;
	struct fnd_err e = {{0}, {0}};
	char why[256];
	int r;

	if (strcmp(state, JOBH_DONE) != 0 && strcmp(state, JOBH_FAILED) != 0)
		return 0;
	if ((r = store_job_by_id(c->s, job_id, &j)) != 0)
		return api_store_fail(c, r);
	memset(&pj, 0, sizeof(pj));
	pj.type = proto_job_type_from_name(j.type);
	/* the stored arguments were checked when the job was made */
	if (proto_job_args_parse(
		&pj, j.args, strlen(j.args), why, sizeof(why)) != 0) {
		store_job_clear(&j);
		return api_store_fail(c, RP_ERR_INVALID);
	}
	fj.type = j.type;
	fj.state = state;
	fj.path = pj.path;
	fj.quarantine = pj.quarantine;
	r = fnd_job_result_parse(&fj, results, &res, &e);
	if (r == 0)
		r = record(c, a, &j, &pj, state, results, res, detail);
	fnd_job_result_free(res);
	store_job_clear(&j);
	if (r == RP_ERR_INVALID && e.msg[0] != '\0') {
		store_rollback(c->s);
		return api_fail(
		    c, 400, "invalid_field", e.field, "%s: %s", e.field, e.msg);
	}
	if (r == RP_ERR_LIMIT) {
		store_rollback(c->s);
		return api_fail(c, 413, "payload_too_large", e.field, "%s: %s",
		    e.field, e.msg);
	}
	return r != 0 ? api_store_fail(c, r) : 0;
}

/* The entries of the {id} agent: any caller who sees its tenant. */
int
h_agent_quarantine(struct api_ctx *c)
{
	static const char *const states[] = {
	    QENTRY_HELD, QENTRY_RESTORED, QENTRY_PURGED, "all", NULL};
	const char *st = c->rq->arg(c->rq->arg_cls, "state");
	struct store_agent a = {0};
	struct store_qentry *v = NULL;
	struct store_page pg;
	size_t n = 0, i;
	json_t *items;
	int more = 0, r;

	st = st != NULL ? st : QENTRY_HELD;
	for (i = 0; states[i] != NULL && strcmp(states[i], st) != 0; i++)
		;
	if (states[i] == NULL)
		return api_fail(c, 400, "invalid_query", "?state",
		    "?state: expected held, restored, purged or all");
	if (api_page(c, &pg) < 0)
		return -1;
	r = proto_agent_id_ok(c->param[0])
	    ? store_agent_get(c->s, &c->who.scope, c->param[0], &a)
	    : RP_ERR_NOTFOUND;
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such agent");
	if (r != 0)
		return api_store_fail(c, r);
	r = store_qentry_list(c->s, &c->who.scope, a.seq,
	    strcmp(st, "all") == 0 ? NULL : st, &pg, &v, &n, &more);
	store_agent_clear(&a);
	if (r != 0)
		return api_store_fail(c, r);
	items = json_array();
	for (i = 0; items != NULL && i < n; i++)
		json_array_append_new(items,
		    json_pack("{s:s,s:s,s:s?,s:s?,s:o,s:s,s:s?,s:o}", "entry",
			v[i].entry, "path", v[i].path, "sha256",
			v[i].sha256[0] ? v[i].sha256 : NULL, "job",
			v[i].job_id[0] ? v[i].job_id : NULL, "created_at",
			api_time(v[i].created_at), "state", v[i].state,
			"state_job",
			v[i].state_job_id[0] ? v[i].state_job_id : NULL,
			"state_at", api_time(v[i].state_at)));
	r = api_list(c, items, more, n > 0 ? v[n - 1].id : 0);
	store_qentries_free(v, n);
	return r;
}
