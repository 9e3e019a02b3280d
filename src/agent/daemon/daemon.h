/*
 * The agent daemon, `rampart-agent run` (docs/agent-daemon.md): it sends
 * heartbeats, collects the inventory and queues it (full at start, then a
 * delta when something changed), runs scheduled sweeps in a child
 * process and queues their reports, and sends the queue (queue/queue.h)
 * oldest first, backing off with full jitter when the server cannot be
 * reached.  Uploads follow docs/agent-protocol.md ("Uploads", "Inventory",
 * "Sweep results").  It logs to stderr in logfmt; never a key, a
 * signature or a request body.
 */
#ifndef RP_AGENT_DAEMON_H
#define RP_AGENT_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "jobs/jobs.h"

#define DAEMON_HEARTBEAT_DEFAULT 60 /* seconds, until the server says */
#define DAEMON_INVENTORY_DEFAULT 3600
#define DAEMON_SWEEP_DEFAULT 86400
#define DAEMON_BACKOFF_MAX 300 /* seconds */
/* What the server takes in one upload (docs/agent-protocol.md). */
#define DAEMON_UPLOAD_MAX ((size_t)16 << 20)
#define DAEMON_UPLOAD_HITS 10000
#define DAEMON_UPLOAD_ADDRS 64 /* host.addresses */
/* The longest a job poll asks the server to hold it (the server's own
 * cap by default: http.connection_timeout - 5). */
#define DAEMON_POLL_MAX 25

struct daemon_opts {
	const char *state_dir;
	const char *hostname; /* reported (heartbeat, inventory host) */
	const char *os; /* reported in the heartbeat */
	const char *version; /* agent_version */
	unsigned heartbeat; /* seconds; 0: as the server's next_heartbeat */
	unsigned inventory_interval; /* seconds */
	const char *inventory_root; /* "/" or a mounted system */
	const char *sweep_rules; /* a rules bundle; NULL: no sweeps */
	const char *sweep_root;
	unsigned sweep_interval; /* seconds */
	const char *jobs_config; /* agent.conf; NULL: JOBS_CONF_DEFAULT,
				    which may be missing */
	const char *jobs_store; /* the quarantine store; NULL: its default */
	const char *jobs_root; /* what inventory and sweep jobs read */
	int once;
};

/*
 * Runs the daemon until SIGTERM or SIGINT (the request in flight is
 * finished first; returns 0), or with o->once for one round: a heartbeat,
 * a full inventory queued (and a sweep, when configured), the queue sent,
 * one job poll that does not wait (its jobs run and their reports sent);
 * returns 0 when it was emptied and nothing was refused, 1 when the
 * server refused something (a dropped upload, a refused heartbeat), 3
 * when items are left because the server could not be reached.  Returns
 * 2 for a local problem at start (state directory, enrolment, queue,
 * rules bundle, agent.conf).  Everything it says goes to stderr.
 */
int daemon_run(const struct daemon_opts *o);

/*
 * The difference between two software lists (JSON arrays of the native
 * inventory's software objects, docs/inventory.md), as multisets of
 * objects compared whole (json_equal): *add (in now, not in before) and
 * *remove (in before, not in now), new arrays the caller decrefs.  Order
 * within each follows a canonical sort, O(n log n).  Returns 0,
 * RP_ERR_INVALID (an argument is not an array of objects) or
 * RP_ERR_NOMEM.
 */
int daemon_inv_delta(
    const json_t *before, const json_t *now, json_t **add, json_t **remove);

/*
 * The host's addresses an inventory upload carries (docs/agent-protocol.md,
 * "What the agent sends"), chosen from collected (a JSON array of the
 * native inventory's address objects; NULL: none): IPv4 and IPv6 without
 * loopback, link-local and unspecified ones, sorted by interface name,
 * then IPv4 before IPv6, then by address, each (interface, address) once,
 * the first DAEMON_UPLOAD_ADDRS of them; *left_out gets how many more
 * there were.  Items the server would refuse (no interface name it takes,
 * not an address) are left out too, not counted; a link address not in
 * the server's form is dropped from its item.  A new array, or NULL when
 * out of memory.
 */
json_t *daemon_inv_addresses(const json_t *collected, size_t *left_out);
/*
 * The host object a delta carries: now, without its "addresses" when
 * before has the same ones (the server keeps what it has).  A new object,
 * or NULL when out of memory.
 */
json_t *daemon_inv_delta_host(const json_t *before, const json_t *now);

/*
 * The backoff after one more failure when the last was cur seconds (0:
 * none yet): 1, then doubled, at most DAEMON_BACKOFF_MAX.
 */
unsigned daemon_backoff_next(unsigned cur);
/* A wait drawn uniformly from [0, cur seconds] in milliseconds (full
 * jitter: agents that failed together do not come back together). */
uint64_t daemon_backoff_jitter(unsigned cur);

/*
 * The wait, in seconds, of a job poll made at now_ms when the daemon's
 * next own work is due at due_ms (monotonic milliseconds): the time
 * until then, rounded down so that work is not late, from 1 to
 * DAEMON_POLL_MAX.
 */
unsigned daemon_poll_wait(uint64_t now_ms, uint64_t due_ms);

/*
 * A job's report as the daemon queues it (queue kind QUEUE_JOB_STATE):
 * {"job": job_id, "report": report}, where report is what the server's
 * POST /api/v1/agent/jobs/{job_id}/state takes ({"state", "reason",
 * "results"}).  Takes a reference of report.  A new object, or NULL when
 * job_id is not a job ID or report not an object (or out of memory).
 */
json_t *daemon_report_item(const char *job_id, json_t *report);
/*
 * Reads a queued report item (body[0..len), with the "seq" the queue
 * added): exactly the members seq, job and report.  *job_id gets the job
 * ID, *report the request body to send (compact JSON, caller frees) and
 * *rlen its length.  Returns 0, RP_ERR_INVALID (not such an item) or
 * RP_ERR_NOMEM.
 */
int daemon_report_parse(const char *body, size_t len,
    char job_id[PROTO_JOB_ID_LEN + 1], char **report, size_t *rlen);

/* ---- logfmt lines on stderr (log.c): the agent's log, also for
 * the commands that act on the machine (job run) ---- */

#define DLOG_LINE_MAX 4096

/* One line being built: "ts=... level=... msg=\"...\" key=value ...". */
struct dlog {
	char buf[DLOG_LINE_MAX];
	size_t len;
};

void dlog_begin(struct dlog *l, const char *level, const char *msg);
/* key=value, quoted and escaped when needed; NULL is written as "-". */
void dlog_str(struct dlog *l, const char *key, const char *val);
void dlog_u64(struct dlog *l, const char *key, uint64_t v);
void dlog_i64(struct dlog *l, const char *key, int64_t v);
/* Writes the line (one write(2), so lines of two processes do not mix). */
void dlog_end(struct dlog *l);
/* A line with only a message and one key. */
void dlog1(
    const char *level, const char *msg, const char *key, const char *val);
/* The line of a job's outcome: "job done" (info), "job failed" or "job
 * rejected" (warn), with its ID, type and reason. */
void dlog_job(const struct jobs_outcome *o);

#endif
