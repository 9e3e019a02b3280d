/*
 * The job runner (jobs.h): the checks of docs/jobs.md, in its order,
 * before anything acts.  The signature is verified before the payload is
 * read (proto_job_open); then this agent, the time window, the nonce
 * and the local configuration.  Only a job that passed them all has its
 * nonce recorded -- durably, before it acts -- so a refused job writes
 * nothing, and an accepted one can never run twice.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jobs_int.h"
#include "util/err.h"

static const struct {
	int type;
	int (*fn)(const struct jobs_ctx *, const struct proto_job *,
	    struct jobs_outcome *);
} actions[] = {
    {JOB_INVENTORY, act_inventory},
    {JOB_SWEEP, act_sweep},
    {JOB_QUARANTINE, act_quarantine},
    {JOB_RESTORE, act_restore},
    {JOB_PURGE, act_purge},
    {JOB_TERMINATE, act_terminate},
    {JOB_BLOCK_APPLY, act_block_apply},
    {JOB_BLOCK_REMOVE, act_block_remove},
    {JOB_BLOCK_VERIFY, act_block_verify},
};

void
jobs_set(struct jobs_outcome *o, enum jobs_state s, const char *fmt, ...)
{
	va_list ap;

	o->state = s;
	va_start(ap, fmt);
	vsnprintf(o->reason, sizeof(o->reason), fmt, ap);
	va_end(ap);
}

const char *
jobs_diag_text(const struct rp_diags *d, const char *dflt)
{
	size_t i;

	for (i = 0; d != NULL && i < d->n; i++)
		if (d->v[i].level == RP_DIAG_ERROR && d->v[i].msg != NULL)
			return d->v[i].msg;
	if (d != NULL && d->n > 0 && d->v[d->n - 1].msg != NULL)
		return d->v[d->n - 1].msg;
	return dflt;
}

int
jobs_result(struct jobs_outcome *o, json_t *r)
{
	if (r == NULL || json_array_append_new(o->results, r) != 0)
		return RP_ERR_NOMEM;
	return 0;
}

/* "done", "failed", "rejected". */
static const char *
jobs_state_name(enum jobs_state s)
{
	switch (s) {
	case JOBS_DONE:
		return "done";
	case JOBS_FAILED:
		return "failed";
	case JOBS_REJECTED:
		break;
	}
	return "rejected";
}

void
jobs_outcome_clear(struct jobs_outcome *o)
{
	json_decref(o->results);
	memset(o, 0, sizeof(*o));
}

json_t *
jobs_outcome_json(const struct jobs_outcome *o, int with_job)
{
	json_t *v =
	    json_pack("{s:s, s:s, s:O}", "state", jobs_state_name(o->state),
		"reason", o->reason, "results", o->results);

	if (v != NULL && with_job &&
	    (json_object_set_new(v, "job",
		 o->job_id[0] ? json_string(o->job_id) : json_null()) != 0 ||
		json_object_set_new(v, "type",
		    o->type ? json_string(o->type) : json_null()) != 0)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* Checks 4 to 7 of docs/jobs.md for the opened job j; on success its
 * nonce is recorded.  0, or the outcome says rejected. */
static int
admit(
    const struct jobs_ctx *c, const struct proto_job *j, struct jobs_outcome *o)
{
	struct jobs_seen *s = NULL;
	char err[JOBS_ERR_MAX], first[PROTO_JOB_ID_LEN + 1];
	int r = -1;

	if (strcmp(j->agent_id, c->agent_id) != 0) {
		jobs_set(o, JOBS_REJECTED,
		    "the job is for agent %s, not for this one (%s)",
		    j->agent_id, c->agent_id);
		return -1;
	}
	if (c->now < j->issued - PROTO_SKEW) {
		jobs_set(o, JOBS_REJECTED,
		    "issued in the future: at %lld, now is %lld (more than "
		    "%d s ahead)",
		    (long long)j->issued, (long long)c->now, PROTO_SKEW);
		return -1;
	}
	if (c->now > j->expires) {
		jobs_set(o, JOBS_REJECTED, "expired at %lld (now %lld)",
		    (long long)j->expires, (long long)c->now);
		return -1;
	}
	if (jobs_seen_open(c->statefd, c->now, &s, err) != 0) {
		jobs_set(o, JOBS_REJECTED, "the replay store: %s", err);
		return -1;
	}
	if (jobs_seen_has(s, j->nonce, first)) {
		jobs_set(o, JOBS_REJECTED,
		    "replayed: its nonce was seen before (job %s)", first);
		o->seen_before = strcmp(first, j->job_id) == 0;
		goto out;
	}
	if (!jobs_conf_allows(c->conf, j->type)) {
		jobs_set(o, JOBS_REJECTED,
		    "job type '%s' is not allowed by this machine's "
		    "configuration (agent.conf)",
		    proto_job_type_name(j->type));
		goto out;
	}
	if (jobs_seen_add(s, j->nonce, j->job_id, j->expires, err) != 0) {
		jobs_set(o, JOBS_REJECTED, "%s", err);
		goto out;
	}
	r = 0;
out:
	jobs_seen_close(s);
	return r;
}

int
jobs_run(const struct jobs_ctx *c, const char *envelope, size_t len,
    struct jobs_outcome *o)
{
	struct proto_job j;
	char why[JOBS_ERR_MAX];
	size_t i;
	int r;

	memset(o, 0, sizeof(*o));
	if ((o->results = json_array()) == NULL) {
		jobs_set(o, JOBS_REJECTED, "out of memory");
		return RP_ERR_NOMEM;
	}
	if (c->job_key == NULL) {
		jobs_set(o, JOBS_REJECTED,
		    "no job-signing key was pinned at enrolment");
		return 0;
	}
	why[0] = '\0';
	r = proto_job_open(envelope, len, c->job_key, &j, why, sizeof(why));
	memcpy(o->job_id, j.job_id, sizeof(o->job_id));
	if (r != 0) {
		jobs_set(o, JOBS_REJECTED, "%s",
		    r == RP_ERR_NOMEM ? "out of memory" : why);
		return r == RP_ERR_NOMEM ? r : 0;
	}
	o->type = proto_job_type_name(j.type);
	if (admit(c, &j, o) != 0)
		return 0;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (actions[i].type == j.type)
			return actions[i].fn(c, &j, o);
	jobs_set(o, JOBS_FAILED, "no action for type %d", (int)j.type);
	return 0;
}
