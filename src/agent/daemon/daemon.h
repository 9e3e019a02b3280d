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

#define DAEMON_HEARTBEAT_DEFAULT 60 /* seconds, until the server says */
#define DAEMON_INVENTORY_DEFAULT 3600
#define DAEMON_SWEEP_DEFAULT 86400
#define DAEMON_BACKOFF_MAX 300 /* seconds */
/* What the server takes in one upload (docs/agent-protocol.md). */
#define DAEMON_UPLOAD_MAX ((size_t)16 << 20)
#define DAEMON_UPLOAD_HITS 10000

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
	int once;
};

/*
 * Runs the daemon until SIGTERM or SIGINT (the request in flight is
 * finished first; returns 0), or with o->once for one round: a heartbeat,
 * a full inventory queued (and a sweep, when configured), the queue sent;
 * returns 0 when it was emptied and nothing was refused, 1 when the
 * server refused something (a dropped upload, a refused heartbeat), 3
 * when items are left because the server could not be reached.  Returns
 * 2 for a local problem at start (state directory, enrolment, queue,
 * rules bundle).  Everything it says goes to stderr.
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
 * The backoff after one more failure when the last was cur seconds (0:
 * none yet): 1, then doubled, at most DAEMON_BACKOFF_MAX.
 */
unsigned daemon_backoff_next(unsigned cur);
/* A wait drawn uniformly from [0, cur seconds] in milliseconds (full
 * jitter: agents that failed together do not come back together). */
uint64_t daemon_backoff_jitter(unsigned cur);

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

#endif
