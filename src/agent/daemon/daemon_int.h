/*
 * Between the files of src/agent/daemon: the daemon's state (struct
 * daemon), the logfmt line builder (log.c), the inventory (inv.c), the
 * sweep child (sweepjob.c), the jobs from the server (jobpoll.c) and the
 * server link (link.c) that the loop (loop.c) drives.
 */
#ifndef RP_AGENT_DAEMON_INT_H
#define RP_AGENT_DAEMON_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "daemon.h"
#include "jobs/jobs.h"
#include "queue/queue.h"
#include "uplink/uplink.h"

/* ---- the daemon ---- */

/* What sending a request came to. */
enum link_outcome {
	LINK_OK, /* 2xx */
	LINK_DOWN, /* no answer, 5xx, 429, or a refusal that may pass (401,
		      403, 404, 405, 408): keep the item, back off */
	LINK_DROPPED, /* a 4xx that can never succeed: the item was removed */
	LINK_REBASE, /* 409 inventory_base: the delta was removed; a full
			inventory must follow */
	LINK_LOCAL, /* the state directory failed us */
};

/* The last inventory queued (inventory.json). */
struct inv_state {
	int have; /* 0: the next inventory must be full */
	uint64_t seq;
	json_t *host;
	json_t *software;
};

/* A sweep running in a child process (sweepjob.c). */
struct sweep_job {
	pid_t pid; /* 0: none */
	int fd; /* its report comes on this pipe; -1: none */
	char *buf;
	size_t len, cap;
	int64_t started; /* wall-clock seconds */
	int overflow;
};

struct daemon {
	const struct daemon_opts *o;
	int statefd;
	struct uplink *u;
	struct queue *q;
	struct inv_state inv;
	struct sweep_job sweep;
	unsigned backoff; /* seconds; 0: the last request went through */
	uint64_t retry_at; /* monotonic ms: no request before */
	unsigned server_hb; /* the server's next_heartbeat, seconds */
	int refused; /* something was refused or dropped (exit 1) */
	int down; /* the last attempt found the server unreachable */
	int hb_ok; /* the last heartbeat went through */
	struct jobs_conf jconf; /* agent.conf, read at start */
	int inv_full; /* an inventory job asked for a full one */
	uint64_t poll_at; /* monotonic ms: no job poll before */
};

/* Monotonic milliseconds. */
uint64_t daemon_now_ms(void);

/* ---- inventory (inv.c) ---- */

/*
 * Collects the inventory (opts' root and host name) and queues it: full
 * when full is set or no inventory was queued before, else a delta
 * against the last one, or nothing when nothing changed.  Returns 0 or
 * an RP_ERR_* (logged).
 */
int inv_tick(struct daemon *d, int full);
/* Queues the last inventory again as a full one (after a 409). */
int inv_requeue_full(struct daemon *d);
void inv_state_clear(struct inv_state *s);

/* ---- the sweep child (sweepjob.c) ---- */

/* Checks that the rules bundle loads and compiles (at start).  0 or -1,
 * logged. */
int sweep_job_check(const struct daemon_opts *o);
/* Starts a sweep in a child.  0 or -1 (logged). */
int sweep_job_start(struct daemon *d);
/*
 * Reads what the child sent (d->sweep.fd is readable).  At its end:
 * reaps the child and queues the report.  Returns 1 while it runs, 0
 * once it is over (queued or failed, logged).
 */
int sweep_job_read(struct daemon *d);
/* Ends a running sweep (SIGTERM, reaped); its report is lost. */
void sweep_job_stop(struct daemon *d);
/* When the last sweep started (sweep.json), wall-clock seconds; 0 when
 * none was recorded. */
int64_t sweep_job_last(struct daemon *d);

/* Sends queued items while the server takes them (loop.c).  The outcome
 * of the last request (LINK_OK when the queue is empty). */
enum link_outcome daemon_drain(struct daemon *d);

/* ---- jobs from the server (jobpoll.c) ---- */

/* Reads agent.conf into d->jconf (at start).  0 or -1, logged. */
int jobpoll_setup(struct daemon *d);
/*
 * One job poll asking the server to hold it up to wait seconds, then the
 * jobs of its answer run in order, each report queued (and sent).  Sets
 * d->poll_at: at once after jobs came, else not before the wait is over
 * (a server that answers at once is not asked again and again).
 * Returns the poll's outcome (a failed one backed off).
 */
enum link_outcome jobpoll_tick(struct daemon *d, unsigned wait);

/* ---- the server (link.c) ---- */

/* One heartbeat.  LINK_OK, LINK_DOWN or LINK_DROPPED (refused). */
enum link_outcome link_heartbeat(struct daemon *d);
/* Sends the oldest queued item and removes it after a 2xx. */
enum link_outcome link_send_head(struct daemon *d);
/* GET the jobs queued for this agent, the server holding the request up
 * to wait seconds: *jobs gets the answer's array of envelope texts (a new
 * reference) with LINK_OK; else LINK_DOWN, backed off. */
enum link_outcome link_poll_jobs(
    struct daemon *d, unsigned wait, json_t **jobs);
/* Records a failure: the backoff grows and d->retry_at is set (at least
 * retry_after seconds when >= 0). */
void link_backoff(struct daemon *d, long retry_after);

#endif
