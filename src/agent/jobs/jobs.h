/*
 * Signed jobs on the agent's side (docs/jobs.md, docs/agent-jobs.md):
 * the local configuration that may forbid job types (agent.conf), the
 * replay store that remembers the nonces of accepted jobs on disk, and
 * the runner that opens an envelope, makes every check of docs/jobs.md
 * in order and only then acts.  A job refused by any check changes
 * nothing on the host; its nonce is recorded durably before it acts, so
 * a crash after acting never lets the same job run twice.  Nothing here
 * prints: the outcome is returned, and the programs log it.
 */
#ifndef RP_AGENT_JOBS_H
#define RP_AGENT_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "proto/proto.h"

#define JOBS_CONF_DEFAULT "/etc/rampart/agent.conf"
#define JOBS_SEEN_FILE "jobs-seen" /* in the state directory */
#define JOBS_SEEN_MAX 100000 /* nonces remembered at most */
#define JOBS_SEEN_RECORD 80 /* bytes of one record */
#define JOBS_BUNDLE_DIR "bundles" /* <sha256>.json, in the state dir */
#define JOBS_BUNDLE_KEEP 8 /* bundles the cache keeps, newest first */
#define JOBS_BLOCKLIST_DIR "blocklists" /* <sha256>.json, as bundles */
#define JOBS_ERR_MAX 512

/* ---- agent.conf (conf.c) ---- */

/* What the local configuration allows: bit (1 << type) for each
 * enum proto_job_type. */
struct jobs_conf {
	unsigned allow;
};

/* Every job type allowed (no configuration file). */
void jobs_conf_default(struct jobs_conf *c);
/*
 * Reads the configuration file path (an INI file; section [jobs], keys
 * allow and deny: job type names separated by spaces or commas) into *c.
 * A missing file is RP_ERR_NOTFOUND (the caller decides whether that is
 * fine).  Unknown sections, keys and type names are errors; err names
 * the file and line ("agent.conf:3: ...").  Returns 0, RP_ERR_NOTFOUND,
 * RP_ERR_INVALID, RP_ERR_IO or RP_ERR_NOMEM.
 */
int jobs_conf_read(
    const char *path, struct jobs_conf *c, char err[JOBS_ERR_MAX]);
/* Whether c allows type. */
int jobs_conf_allows(const struct jobs_conf *c, int type);

/* ---- the replay store (seen.c) ---- */

/*
 * The nonces (and job IDs) of accepted jobs with their expiry, in
 * JOBS_SEEN_FILE: an append-only file of fixed-size records
 * (JOBS_SEEN_RECORD bytes: magic, expiry, nonce, job ID, BLAKE2b
 * checksum), each appended and fsync'ed before its job acts.  A torn last
 * record (a crash while appending) is ignored and cut off; a damaged
 * record before the last refuses the store (nothing can be said about
 * what it held).  Entries past their expiry + PROTO_SKEW are dropped by
 * rewriting the file whole (temporary file, fsync, rename, directory
 * fsync).  The store is locked (flock on JOBS_SEEN_FILE ".lock") while
 * open, so the daemon and `job run` never interleave.
 */
struct jobs_seen;

/*
 * Opens and locks the store in the state directory dirfd, loads it and
 * prunes what expired before now.  Returns 0, RP_ERR_INVALID (damaged
 * or refused file), RP_ERR_IO or RP_ERR_NOMEM, with err.
 */
int jobs_seen_open(
    int dirfd, int64_t now, struct jobs_seen **out, char err[JOBS_ERR_MAX]);
/* Unlocks and frees; NULL is a no-op. */
void jobs_seen_close(struct jobs_seen *s);
/* Whether nonce is recorded: 1 (with the job ID it came with into
 * job_id when not NULL), 0 not. */
int jobs_seen_has(const struct jobs_seen *s, const char *nonce,
    char job_id[PROTO_JOB_ID_LEN + 1]);
/*
 * Records nonce and job_id until expires, durably (append, fsync).
 * Returns 0, RP_ERR_INVALID (recorded already: a replay), RP_ERR_LIMIT (the store
 * holds JOBS_SEEN_MAX live entries) or RP_ERR_IO, with err.
 */
int jobs_seen_add(struct jobs_seen *s, const char *nonce, const char *job_id,
    int64_t expires, char err[JOBS_ERR_MAX]);
/* How many entries the store holds. */
size_t jobs_seen_count(const struct jobs_seen *s);

/*
 * Parses the bytes of a replay store file (what jobs_seen_open reads):
 * calls fn for each whole record whose checksum holds, in order.
 * *whole gets the number of bytes of whole, valid records.  Returns 0
 * (a torn tail -- a partial or damaged last record -- is not an error),
 * RP_ERR_INVALID (a damaged record before the last; err says which) or
 * fn's nonzero return.  Exported for the fuzz target.
 */
int jobs_seen_parse(const unsigned char *buf, size_t len,
    int (*fn)(
	const char *nonce, const char *job_id, int64_t expires, void *arg),
    void *arg, size_t *whole, char err[JOBS_ERR_MAX]);

/* ---- the runner (run.c, act_*.c) ---- */

enum jobs_state {
	JOBS_DONE, /* it acted */
	JOBS_FAILED, /* accepted, but the action did not succeed (or was
			refused by its own check: a hash that differs) */
	JOBS_REJECTED, /* refused by a check; nothing changed */
};

/* Where and how the runner acts. */
struct jobs_ctx {
	int statefd; /* the state directory (replay store, bundles) */
	/* the pinned job-signing key, or NULL when none was pinned */
	const unsigned char *job_key;
	const char *agent_id; /* this agent */
	const struct jobs_conf *conf;
	const char *store; /* the quarantine store; NULL: its default */
	const char *root; /* what inventory and sweep read; NULL: "/" */
	int64_t now; /* Unix seconds */
	/* inventory: only set outcome->inventory_requested (the daemon
	   uploads it on its next turn) instead of collecting here */
	int inventory_deferred;
	/* Fetches the rules bundle named sha256 from the server (a signed
	   GET /api/v1/agent/bundles/{sha256}) into *buf (malloc'd), *len;
	   0, or nonzero with a sentence in err.  NULL: no server to ask,
	   so a bundle not in the cache is not available. */
	int (*fetch_bundle)(void *arg, const char *sha256, char **buf,
	    size_t *len, char err[JOBS_ERR_MAX]);
	/* As fetch_bundle, for the blocklist blob a block-apply or
	   block-verify job names (GET /api/v1/agent/blocklists/{sha256}). */
	int (*fetch_blocklist)(void *arg, const char *sha256, char **buf,
	    size_t *len, char err[JOBS_ERR_MAX]);
	void *fetch_arg; /* of both */
};

struct jobs_outcome {
	enum jobs_state state;
	char job_id[PROTO_JOB_ID_LEN + 1]; /* "" when not known */
	const char *type; /* the type's name, or NULL when not known */
	char reason[JOBS_ERR_MAX]; /* why (rejected, failed), or "" */
	json_t *results; /* array of objects; never NULL after jobs_run */
	int inventory_requested;
	/* rejected because this very job (nonce and ID) was accepted here
	   before: the server offered it again, its outcome is reported */
	int seen_before;
};

/*
 * Runs one envelope (len bytes, as received): proto_job_open with the
 * pinned key, then the checks of docs/jobs.md in order -- this agent,
 * now within [issued - PROTO_SKEW, expires], a nonce not seen, a type
 * the configuration allows -- then records the nonce durably and acts.
 * *o is filled whatever happens (jobs_outcome_clear frees it).  Returns
 * 0, or RP_ERR_NOMEM (then o says rejected or failed as far as it got).
 */
int jobs_run(const struct jobs_ctx *c, const char *envelope, size_t len,
    struct jobs_outcome *o);
void jobs_outcome_clear(struct jobs_outcome *o);
/*
 * The outcome as the report the server takes (docs/agent-protocol.md,
 * "Jobs"): {"state", "reason", "results"}; with the job ID and type
 * when with_job.  A new reference or NULL (out of memory).
 */
json_t *jobs_outcome_json(const struct jobs_outcome *o, int with_job);

/*
 * A fetch_bundle for struct jobs_ctx over an enrolled agent's link (arg:
 * its struct uplink): a signed GET /api/v1/agent/bundles/{sha256}.  The
 * caller checks the bytes against the hash (jobs_bundle_load does).
 */
int jobs_uplink_bundle(void *arg, const char *sha256, char **buf, size_t *len,
    char err[JOBS_ERR_MAX]);
/* The same for a blocklist blob (GET /api/v1/agent/blocklists/{sha256}). */
int jobs_uplink_blocklist(void *arg, const char *sha256, char **buf,
    size_t *len, char err[JOBS_ERR_MAX]);

#endif
