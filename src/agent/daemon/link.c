/*
 * The daemon's requests (docs/agent-protocol.md): heartbeats, and the
 * queue's items sent oldest first, each removed only after the server
 * answered 2xx (a duplicate is a 2xx too: the server had it already).
 * What an answer means for the item:
 *   2xx                      removed
 *   no answer, 5xx, 429      kept; back off (Retry-After at least)
 *   401 403 404 405 408      kept; back off: the agent's credentials,
 *                            clock or the server's version, not the item
 *   409 inventory_base       a delta the server cannot apply: removed, a
 *                            full inventory follows
 *   409, 404 on a job state  the server has the job's final state already,
 *                            or no such job for this agent: delivered
 *                            as far as it can be (removed, logged)
 *   other 4xx                the item can never succeed: removed, logged
 *                            as an error with the server's own words
 * Nothing here logs a request body, a header or a signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "daemon_int.h"
#include "util/err.h"

#define HEARTBEAT_PATH "/api/v1/agent/heartbeat"
#define INVENTORY_PATH "/api/v1/agent/inventory"
#define SWEEPS_PATH "/api/v1/agent/sweeps"
#define JOBS_PATH "/api/v1/agent/jobs"
/* The server's next_heartbeat is taken within these bounds. */
#define HB_MIN 5
#define HB_MAX 86400

unsigned
daemon_backoff_next(unsigned cur)
{
	if (cur == 0)
		return 1;
	return cur >= DAEMON_BACKOFF_MAX / 2 ? DAEMON_BACKOFF_MAX : cur * 2;
}

uint64_t
daemon_backoff_jitter(unsigned cur)
{
	/* randombytes_uniform: no modulo bias */
	return (uint64_t)randombytes_uniform(cur * 1000u + 1);
}

void
link_backoff(struct daemon *d, long retry_after)
{
	uint64_t wait;
	struct dlog l;

	d->backoff = daemon_backoff_next(d->backoff);
	wait = daemon_backoff_jitter(d->backoff);
	if (retry_after > 0 && (uint64_t)retry_after * 1000 > wait)
		wait = (uint64_t)(retry_after > HB_MAX ? HB_MAX : retry_after) *
		    1000;
	d->retry_at = daemon_now_ms() + wait;
	if (d->o->once)
		return; /* --once does not wait: nothing to announce */
	dlog_begin(&l, "info", "backing off");
	dlog_u64(&l, "backoff_s", d->backoff);
	dlog_u64(&l, "wait_ms", wait);
	dlog_end(&l);
}

/* The answer's JSON object, or NULL when it is not one. */
static json_t *
answer_json(const struct net_resp *resp)
{
	json_t *v;

	if (strcmp(resp->ctype, "application/json") != 0)
		return NULL;
	v = json_loadb(resp->body, resp->len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(v)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* The API's error code of an answer ("" when it has none). */
static const char *
error_code(const json_t *v)
{
	const char *c = json_string_value(
	    json_object_get(json_object_get(v, "error"), "code"));

	return c != NULL ? c : "";
}

/* Adds what the server said about an error to a log line. */
static void
log_error_body(struct dlog *l, const struct net_resp *resp, const json_t *v)
{
	const json_t *e = json_object_get(v, "error");

	dlog_i64(l, "status", resp->status);
	if (e == NULL) {
		dlog_str(l, "answer", "not the Rampart API's error object");
		return;
	}
	dlog_str(l, "code", error_code(v));
	dlog_str(
	    l, "message", json_string_value(json_object_get(e, "message")));
	if (json_object_get(e, "field") != NULL)
		dlog_str(
		    l, "field", json_string_value(json_object_get(e, "field")));
}

/* Whether a status means "try again later" rather than "never". */
static int
transient(long status)
{
	return status >= 500 || status == 429 || status == 401 ||
	    status == 403 || status == 404 || status == 405 || status == 408 ||
	    status < 200 || (status >= 300 && status < 400);
}

static char *
heartbeat_body(const struct daemon_opts *o)
{
	json_t *v;
	char *text;

	v = json_pack("{s:s, s:s, s:s}", "hostname", o->hostname, "os", o->os,
	    "agent_version", o->version);
	text = v != NULL ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	return text;
}

/* Takes next_heartbeat from a heartbeat's answer. */
static void
take_interval(struct daemon *d, const json_t *v)
{
	json_int_t n = json_integer_value(json_object_get(v, "next_heartbeat"));

	if (json_is_integer(json_object_get(v, "next_heartbeat")))
		d->server_hb = n < HB_MIN ? HB_MIN
		    : n > HB_MAX	  ? HB_MAX
					  : (unsigned)n;
}

enum link_outcome
link_heartbeat(struct daemon *d)
{
	struct net_resp resp = {.retry_after = -1};
	char err[UPLINK_ERR_MAX], *body;
	enum link_outcome out = LINK_DOWN;
	json_t *v = NULL;
	struct dlog l;

	if ((body = heartbeat_body(d->o)) == NULL) {
		dlog1("error", "heartbeat: out of memory", NULL, NULL);
		return LINK_DOWN;
	}
	if (uplink_call(d->u, "POST", HEARTBEAT_PATH, body, strlen(body), &resp,
		err) != 0) {
		dlog1("warn", "heartbeat: server unreachable", "error", err);
		goto out;
	}
	v = answer_json(&resp);
	if (resp.status == 200 && v != NULL) {
		take_interval(d, v);
		out = LINK_OK;
		goto out;
	}
	dlog_begin(
	    &l, transient(resp.status) ? "warn" : "error", "heartbeat refused");
	log_error_body(&l, &resp, v);
	dlog_end(&l);
	out =
	    resp.status >= 500 || resp.status == 429 ? LINK_DOWN : LINK_DROPPED;
out:
	if (out != LINK_OK)
		link_backoff(d, resp.retry_after);
	free(body);
	json_decref(v);
	net_resp_clear(&resp);
	return out;
}

/* Removes item it; LINK_LOCAL when the state directory refuses. */
static enum link_outcome
drop(struct daemon *d, const struct queue_item *it, enum link_outcome out)
{
	char err[QUEUE_ERR_MAX];
	uint64_t seq = it->seq;

	if (queue_remove(d->q, seq, err) != 0) {
		dlog1("error", "queue: item not removed", "error", err);
		return LINK_LOCAL;
	}
	return out;
}

/* A 2xx: the item is the server's now. */
static enum link_outcome
accepted(struct daemon *d, const struct queue_item *it, const char *job,
    const struct net_resp *resp, const json_t *v)
{
	struct dlog l;

	dlog_begin(&l, "info", "upload accepted");
	dlog_u64(&l, "seq", it->seq);
	dlog_str(&l, "kind", queue_kind_name(it->kind));
	if (job != NULL)
		dlog_str(&l, "job", job);
	dlog_i64(&l, "status", resp->status);
	dlog_str(&l, "duplicate",
	    json_is_true(json_object_get(v, "duplicate")) ? "true" : "false");
	dlog_end(&l);
	return drop(d, it, LINK_OK);
}

/* What to do with item it (job: its job ID for a job state, else NULL)
 * after the server's answer resp. */
static enum link_outcome
judge(struct daemon *d, const struct queue_item *it, const char *job,
    const struct net_resp *resp)
{
	json_t *v = answer_json(resp);
	enum link_outcome out;
	struct dlog l;

	if (resp->status >= 200 && resp->status < 300) {
		out = accepted(d, it, job, resp, v);
	} else if (it->kind == QUEUE_JOB_STATE &&
	    (resp->status == 409 || resp->status == 404)) {
		/* a report sent again after a crash, or a job the server
		   dropped: nothing more this report can do */
		dlog_begin(&l, "info",
		    resp->status == 409
			? "job report: the server holds a final state already; "
			  "dropped"
			: "job report: the server has no such job for this "
			  "agent; dropped");
		dlog_u64(&l, "seq", it->seq);
		dlog_str(&l, "job", job);
		log_error_body(&l, resp, v);
		dlog_end(&l);
		out = drop(d, it, LINK_OK);
	} else if (resp->status == 409 && it->kind == QUEUE_INVENTORY_DELTA &&
	    strcmp(error_code(v), "inventory_base") == 0) {
		dlog_begin(&l, "warn",
		    "inventory delta refused: the server holds another base; "
		    "a full inventory follows");
		dlog_u64(&l, "seq", it->seq);
		dlog_i64(&l, "server_inventory",
		    json_integer_value(json_object_get(v, "inventory")));
		dlog_end(&l);
		out = drop(d, it, LINK_REBASE);
	} else if (transient(resp->status)) {
		dlog_begin(&l, "warn", "upload not taken now; kept");
		dlog_u64(&l, "seq", it->seq);
		log_error_body(&l, resp, v);
		dlog_end(&l);
		link_backoff(d, resp->retry_after);
		out = LINK_DOWN;
	} else {
		dlog_begin(&l, "error",
		    "UPLOAD REFUSED AND DROPPED: the server will never take "
		    "it");
		dlog_u64(&l, "seq", it->seq);
		dlog_str(&l, "kind", queue_kind_name(it->kind));
		if (job != NULL)
			dlog_str(&l, "job", job);
		log_error_body(&l, resp, v);
		dlog_end(&l);
		d->refused = 1;
		out = drop(d, it, LINK_DROPPED);
	}
	json_decref(v);
	return out;
}

/*
 * Where item it goes and what is sent: the queued body itself, or for a
 * job state the report inside it, to its job's route.  Returns 0, or
 * RP_ERR_INVALID (an item that does not read as one) or RP_ERR_NOMEM.
 */
static int
route(const struct queue_item *it, const char *body, size_t len, char path[128],
    char job[PROTO_JOB_ID_LEN + 1], char **send, size_t *slen)
{
	*send = NULL;
	job[0] = '\0';
	if (it->kind != QUEUE_JOB_STATE) {
		snprintf(path, 128, "%s",
		    it->kind == QUEUE_SWEEP ? SWEEPS_PATH : INVENTORY_PATH);
		*slen = len;
		return 0;
	}
	if (daemon_report_parse(body, len, job, send, slen) != 0)
		return RP_ERR_INVALID;
	snprintf(path, 128, JOBS_PATH "/%s/state", job);
	return 0;
}

/* An item that cannot be sent as it is: logged, dropped. */
static enum link_outcome
damaged(struct daemon *d, const struct queue_item *it, const char *why)
{
	struct dlog l;

	dlog_begin(&l, "error", "QUEUED ITEM DAMAGED AND DROPPED");
	dlog_u64(&l, "seq", it->seq);
	dlog_str(&l, "error", why);
	dlog_end(&l);
	d->refused = 1;
	return drop(d, it, LINK_DROPPED);
}

enum link_outcome
link_send_head(struct daemon *d)
{
	struct net_resp resp = {.retry_after = -1};
	char err[UPLINK_ERR_MAX], qerr[QUEUE_ERR_MAX], path[128];
	char job[PROTO_JOB_ID_LEN + 1];
	const struct queue_item *v;
	struct queue_item it;
	enum link_outcome out;
	char *body = NULL, *rep = NULL;
	struct dlog l;
	size_t n, len = 0, slen = 0;
	int r = RP_ERR_INVALID;

	if ((v = queue_items(d->q, &n)) == NULL || n == 0)
		return LINK_OK;
	it = v[0]; /* a copy: removing it changes the list */
	if (it.kind == QUEUE_DAMAGED)
		snprintf(qerr, sizeof(qerr), "its header does not read");
	else
		r = queue_read(d->q, it.seq, &body, &len, qerr);
	if (r == RP_ERR_INVALID || r == RP_ERR_NOTFOUND)
		return damaged(d, &it, qerr);
	if (r != 0) {
		dlog1("error", "queue: item not read", "error", qerr);
		return LINK_LOCAL;
	}
	if ((r = route(&it, body, len, path, job, &rep, &slen)) != 0) {
		free(body);
		if (r == RP_ERR_NOMEM) {
			dlog1("error", "queue: out of memory", NULL, NULL);
			return LINK_LOCAL;
		}
		return damaged(d, &it, "not a job report");
	}
	if (uplink_call(d->u, "POST", path, rep != NULL ? rep : body, slen,
		&resp, err) != 0) {
		dlog_begin(&l, "warn", "upload: server unreachable; kept");
		dlog_u64(&l, "seq", it.seq);
		dlog_str(&l, "kind", queue_kind_name(it.kind));
		if (job[0] != '\0')
			dlog_str(&l, "job", job);
		dlog_str(&l, "error", err);
		dlog_end(&l);
		link_backoff(d, -1);
		out = LINK_DOWN;
	} else {
		out = judge(d, &it, job[0] ? job : NULL, &resp);
	}
	free(rep);
	free(body);
	net_resp_clear(&resp);
	return out;
}

enum link_outcome
link_poll_jobs(struct daemon *d, unsigned wait, json_t **jobs)
{
	struct net_resp resp = {.retry_after = -1};
	char err[UPLINK_ERR_MAX], path[64];
	json_t *v = NULL, *a;
	struct dlog l;
	enum link_outcome out = LINK_DOWN;

	*jobs = NULL;
	snprintf(path, sizeof(path), JOBS_PATH "?wait=%u", wait);
	if (uplink_call(d->u, "GET", path, NULL, 0, &resp, err) != 0) {
		dlog1("warn", "job poll: server unreachable", "error", err);
		goto out;
	}
	v = answer_json(&resp);
	a = json_object_get(v, "jobs");
	if (resp.status == 200 && json_is_array(a)) {
		*jobs = json_incref(a);
		out = LINK_OK;
		goto out;
	}
	dlog_begin(&l, "warn", "job poll refused");
	log_error_body(&l, &resp, v);
	dlog_end(&l);
out:
	if (out != LINK_OK) {
		d->down = 1;
		link_backoff(d, resp.retry_after);
	}
	json_decref(v);
	net_resp_clear(&resp);
	return out;
}
