/*
 * The agent's on-disk upload queue (docs/agent-daemon.md, the contract in
 * docs/agent-protocol.md "Uploads: sequence numbers"): every result the
 * daemon reports (inventories, sweep reports, job states) is a file in the state
 * directory's queue/ (mode 0700) until the server has answered 2xx for
 * it, so nothing is lost when the server, the network or the agent dies
 * half-way, and each carries its upload sequence number `seq`.
 *
 * Layout of queue/:
 *   0000000000000042  one item: a header line "rampart-queue 1 KIND LEN\n"
 *                     and the LEN bytes of the request body (JSON, with
 *                     "seq": 42 in it); the name is the seq, 16 digits
 *   seq               the highest seq ever given out, in decimal
 *   .NAME.tmp         a file being written (removed when the queue opens)
 *
 * Invariants, whatever instant the process is killed at:
 *   - a file is whole or absent: it is written to a temporary name,
 *     fsync'ed, renamed into place, and the directory fsync'ed;
 *   - a seq is never given out twice: `seq` is raised (and synced) before
 *     an item with the new number can exist, and the next number is
 *     max(seq, the largest item name) + 1, so it holds also after the
 *     queue was emptied (queue_open raises `seq` to the largest item
 *     name it finds, for items this module did not write: a restored
 *     backup);
 *   - an item leaves only through queue_remove (after a 2xx) or by being
 *     superseded by a newer full inventory.
 * The queue is bounded (QUEUE_MAX_ITEMS, QUEUE_MAX_BYTES); a full
 * inventory first drops every queued inventory (full or delta), so
 * inventories never fill it.  Files are opened without following
 * symbolic links, relative to the directory's descriptor, and refused
 * when another user owns them or others may change them.
 *
 * The same file primitive writes the daemon's small state files next to
 * queue/ (inventory.json, sweep.json): queue_state_write/read/remove.
 * One process uses a queue at a time (the daemon); this module takes no
 * lock.
 */
#ifndef RP_AGENT_QUEUE_H
#define RP_AGENT_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define QUEUE_DIR "queue"
#define QUEUE_MAX_ITEMS 256
#define QUEUE_MAX_BYTES ((uint64_t)64 << 20)
/* Room for a message about what went wrong. */
#define QUEUE_ERR_MAX 512

enum queue_kind {
	QUEUE_DAMAGED = 0, /* a file whose header does not read: never sent */
	QUEUE_INVENTORY_FULL,
	QUEUE_INVENTORY_DELTA,
	QUEUE_SWEEP,
	QUEUE_JOB_STATE, /* a job's state for the server (the daemon's
			    encoding: daemon_report_item) */
};
#define QUEUE_KIND_LAST QUEUE_JOB_STATE

/* The kind's name as the header writes it ("inventory-full"). */
const char *queue_kind_name(enum queue_kind k);

struct queue_item {
	uint64_t seq;
	enum queue_kind kind;
	uint64_t size; /* bytes of the file, header included */
};

struct queue;

/*
 * Opens (creating it, mode 0700) the queue in the state directory statefd
 * (which the caller keeps open as long as the queue).  Removes what a
 * killed writer left (.NAME.tmp), reads every item's header.  Returns 0;
 * RP_ERR_INVALID when queue/, `seq` or an item is a symbolic link, not
 * this user's, or writable by others, or `seq` is not a number;
 * RP_ERR_IO; RP_ERR_NOMEM; with a sentence in err.
 */
int queue_open(int statefd, struct queue **out, char err[QUEUE_ERR_MAX]);
/* Frees q (the files stay); NULL is a no-op. */
void queue_free(struct queue *q);

/* The items, oldest (lowest seq) first; valid until the queue changes. */
const struct queue_item *queue_items(const struct queue *q, size_t *n);
/* Bytes the items take (the bound is QUEUE_MAX_BYTES). */
uint64_t queue_bytes(const struct queue *q);
/* The highest seq ever given out (0: none yet). */
uint64_t queue_last_seq(const struct queue *q);

/*
 * Queues body (a JSON object) as an item of kind (not QUEUE_DAMAGED):
 * gives it the next seq, sets body's "seq" member to it (body is
 * changed), and writes it crash-safely.  A QUEUE_INVENTORY_FULL first
 * supersedes every queued inventory item: they are counted out of the
 * bounds, and removed once the new item is in place (*superseded, may be
 * NULL, gets how many).  Returns 0 with *seq; RP_ERR_LIMIT when the item
 * would exceed QUEUE_MAX_ITEMS or QUEUE_MAX_BYTES (nothing changes);
 * RP_ERR_ARG; RP_ERR_IO; RP_ERR_NOMEM; with err.
 */
int queue_add(struct queue *q, enum queue_kind kind, json_t *body,
    uint64_t *seq, size_t *superseded, char err[QUEUE_ERR_MAX]);

/*
 * Reads item seq's body into *body (NUL-terminated, caller frees) and
 * *len.  Returns 0; RP_ERR_NOTFOUND; RP_ERR_INVALID when the file is
 * damaged (header, length) or refused (owner, mode, link); RP_ERR_IO;
 * RP_ERR_NOMEM; with err.
 */
int queue_read(struct queue *q, uint64_t seq, char **body, size_t *len,
    char err[QUEUE_ERR_MAX]);

/*
 * Removes item seq for good (unlink, then the directory synced).  An item
 * already gone is not an error.  Returns 0 or RP_ERR_IO with err.
 */
int queue_remove(struct queue *q, uint64_t seq, char err[QUEUE_ERR_MAX]);

/*
 * The daemon's state files in the state directory statefd: name (a plain
 * file name) written whole or not at all, replacing the old one (mode
 * 0600); read back (at most max bytes, this user's, no link; *data
 * NUL-terminated, caller frees); removed (and the directory synced).
 * Return 0, RP_ERR_NOTFOUND (read: no such file; remove: never), RP_ERR_
 * INVALID (refused, or read: larger than max), RP_ERR_IO, RP_ERR_NOMEM,
 * with err.
 */
int queue_state_write(int statefd, const char *name, const void *data,
    size_t len, char err[QUEUE_ERR_MAX]);
int queue_state_read(int statefd, const char *name, size_t max, char **data,
    size_t *len, char err[QUEUE_ERR_MAX]);
int queue_state_remove(int statefd, const char *name, char err[QUEUE_ERR_MAX]);

#ifdef RP_QUEUE_CRASH_HOOK
/*
 * Test hook, only in the crash-test build of this library (meson:
 * rp_queue_crashtest, linked by the unit tests; the shipped agent has
 * none of it): the process raise(SIGKILL)s at the n-th durable step from
 * now (each open, write, fsync, rename, unlink of a queue or state file
 * is one), so a test can kill a writer at every point in turn by count.
 * 0 turns it off.
 */
void queue_crash_after(unsigned long n);
#endif

#endif
