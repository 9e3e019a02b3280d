/*
 * Jobs from the server (docs/agent-daemon.md "Jobs"): a signed long poll
 * (GET /api/v1/agent/jobs?wait=N) whose envelopes run one after another
 * through the same runner as `rampart-agent job run` (jobs/jobs.h), and
 * each outcome queued as a QUEUE_JOB_STATE item for POST /api/v1/agent/
 * jobs/{id}/state, so a report waits on disk while the server is away.
 * The replay store, not this file, keeps a job from running twice: a kill
 * between acting and queueing loses the report, never repeats the act.
 * A job refused before its signature verified has no job ID to report
 * under; it is logged here only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon_int.h"
#include "util/err.h"

unsigned
daemon_poll_wait(uint64_t now_ms, uint64_t due_ms)
{
	uint64_t s;

	if (due_ms <= now_ms)
		return 1;
	s = (due_ms - now_ms) / 1000;
	if (s < 1)
		return 1;
	return s > DAEMON_POLL_MAX ? DAEMON_POLL_MAX : (unsigned)s;
}

static int
job_id_ok(const char *s)
{
	return s != NULL && strlen(s) == PROTO_JOB_ID_LEN &&
	    proto_agent_id_ok(s);
}

json_t *
daemon_report_item(const char *job_id, json_t *report)
{
	if (!job_id_ok(job_id) || !json_is_object(report))
		return NULL;
	return json_pack("{s:s, s:O}", "job", job_id, "report", report);
}

int
daemon_report_parse(const char *body, size_t len,
    char job_id[PROTO_JOB_ID_LEN + 1], char **report, size_t *rlen)
{
	json_t *v = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	const char *id = json_string_value(json_object_get(v, "job"));
	json_t *rep = json_object_get(v, "report");
	size_t want = 2 + (json_object_get(v, "seq") != NULL);
	char *text;

	*report = NULL;
	if (!json_is_object(v) || json_object_size(v) != want ||
	    !job_id_ok(id) || !json_is_object(rep) ||
	    (want == 3 && !json_is_integer(json_object_get(v, "seq")))) {
		json_decref(v);
		return RP_ERR_INVALID;
	}
	if ((text = json_dumps(rep, JSON_COMPACT)) == NULL) {
		json_decref(v);
		return RP_ERR_NOMEM;
	}
	memcpy(job_id, id, PROTO_JOB_ID_LEN + 1);
	json_decref(v);
	*report = text;
	*rlen = strlen(text);
	return 0;
}

int
jobpoll_setup(struct daemon *d)
{
	const char *path = d->o->jobs_config;
	char err[JOBS_ERR_MAX];
	int r;

	jobs_conf_default(&d->jconf);
	r = jobs_conf_read(path ? path : JOBS_CONF_DEFAULT, &d->jconf, err);
	if (r == 0)
		return 0;
	if (r == RP_ERR_NOTFOUND && path == NULL) {
		jobs_conf_default(&d->jconf); /* no file: every type */
		return 0;
	}
	dlog1("error", "cannot start: agent.conf", "error", err);
	return -1;
}

/* Queues report (a reference is taken) for job_id: 0, or -1 logged. */
static int
queue_report(struct daemon *d, const char *job_id, json_t *report)
{
	json_t *item = daemon_report_item(job_id, report);
	char err[QUEUE_ERR_MAX];
	const char *st = json_string_value(json_object_get(report, "state"));
	struct dlog l;
	uint64_t seq;
	int r;

	if (item == NULL) {
		dlog1("error", "JOB REPORT NOT QUEUED: out of memory", "job",
		    job_id);
		return -1;
	}
	r = queue_add(d->q, QUEUE_JOB_STATE, item, &seq, NULL, err);
	json_decref(item);
	if (r != 0) {
		dlog_begin(&l, "error", "JOB REPORT NOT QUEUED");
		dlog_str(&l, "job", job_id);
		dlog_str(&l, "state", st);
		dlog_str(&l, "error", err);
		dlog_end(&l);
		return -1;
	}
	dlog_begin(&l, "info", "job report queued");
	dlog_u64(&l, "seq", seq);
	dlog_str(&l, "job", job_id);
	dlog_str(&l, "state", st);
	dlog_end(&l);
	return 0;
}

/*
 * A sweep may take long: "running" is reported (and sent) before it
 * starts.  The envelope is opened here only to learn its type and ID
 * after its signature verified; jobs_run makes every check again.
 */
static void
report_running(struct daemon *d, const char *env, size_t len)
{
	const struct uplink_enrolment *e = uplink_who(d->u);
	struct proto_job j;
	char why[256];
	json_t *rep;

	if (!e->has_job_key ||
	    proto_job_open(env, len, e->job_key, &j, why, sizeof(why)) != 0 ||
	    j.type != JOB_SWEEP || strcmp(j.agent_id, e->agent_id) != 0)
		return;
	rep = json_pack("{s:s}", "state", "running");
	if (rep != NULL && queue_report(d, j.job_id, rep) == 0)
		(void)daemon_drain(d);
	json_decref(rep);
}

/* Runs one envelope and queues its outcome. */
static void
run_one(struct daemon *d, const char *env, size_t len)
{
	const struct uplink_enrolment *e = uplink_who(d->u);
	struct jobs_outcome out = {0};
	struct jobs_ctx c = {0};
	json_t *rep;

	report_running(d, env, len);
	c.statefd = d->statefd;
	c.job_key = e->has_job_key ? e->job_key : NULL;
	c.agent_id = e->agent_id;
	c.conf = &d->jconf;
	c.store = d->o->jobs_store;
	c.root = d->o->jobs_root;
	c.now = (int64_t)time(NULL);
	c.inventory_deferred = 1;
	c.fetch_bundle = jobs_uplink_bundle; /* a bundle not cached yet */
	c.fetch_blocklist = jobs_uplink_blocklist;
	c.fetch_arg = d->u;
	if (jobs_run(&c, env, len, &out) == RP_ERR_NOMEM)
		dlog1("error", "job: out of memory", "job",
		    out.job_id[0] ? out.job_id : NULL);
	dlog_job(&out);
	if (out.inventory_requested)
		d->inv_full = 1;
	if (out.seen_before) {
		/* offered again (its first answer may not have arrived): it
		   ran here once, and that outcome is what the server gets */
		dlog1("info", "job offered again; already taken", "job",
		    out.job_id);
	} else if (out.job_id[0] == '\0') {
		/* refused before its signature verified: no ID to report
		   under, and nothing the server could tie it to */
		dlog1("warn", "job not reported: it carries no verified job ID",
		    "reason", out.reason);
	} else if ((rep = jobs_outcome_json(&out, 0)) == NULL) {
		dlog1("error", "JOB REPORT NOT QUEUED: out of memory", "job",
		    out.job_id);
	} else {
		(void)queue_report(d, out.job_id, rep);
		json_decref(rep);
	}
	jobs_outcome_clear(&out);
}

enum link_outcome
jobpoll_tick(struct daemon *d, unsigned wait)
{
	uint64_t start = daemon_now_ms();
	enum link_outcome out;
	json_t *jobs = NULL, *x;
	const char *env;
	size_t i;

	out = link_poll_jobs(d, wait, &jobs);
	if (out != LINK_OK)
		return out;
	d->backoff = 0;
	d->down = 0;
	/* nothing came: the server held the request as long as it would;
	   not again before the wait is over, even if it answered at once */
	d->poll_at =
	    json_array_size(jobs) > 0 ? 0 : start + (uint64_t)wait * 1000;
	json_array_foreach(jobs, i, x)
	{
		if ((env = json_string_value(x)) == NULL) {
			dlog1("warn",
			    "job poll: an entry is not a string; "
			    "skipped",
			    NULL, NULL);
			continue;
		}
		run_one(d, env, json_string_length(x));
	}
	json_decref(jobs);
	return LINK_OK;
}
