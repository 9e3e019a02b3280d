/*
 * Between the files of src/agent/jobs: the runner (run.c) hands an
 * accepted job -- checked, its nonce recorded -- to the action of its
 * type (act_file.c, act_proc.c, act_sweep.c).  Each action sets
 * o->state (JOBS_DONE or JOBS_FAILED) and o->reason, and appends its
 * results to o->results.
 */
#ifndef RP_AGENT_JOBS_INT_H
#define RP_AGENT_JOBS_INT_H

#include "jobs.h"
#include "util/diag.h"

/* Each returns 0, or RP_ERR_NOMEM (o says failed). */
int act_quarantine(const struct jobs_ctx *c, const struct proto_job *j,
    struct jobs_outcome *o);
int act_restore(const struct jobs_ctx *c, const struct proto_job *j,
    struct jobs_outcome *o);
int act_purge(const struct jobs_ctx *c, const struct proto_job *j,
    struct jobs_outcome *o);
int act_terminate(const struct jobs_ctx *c, const struct proto_job *j,
    struct jobs_outcome *o);
int act_inventory(const struct jobs_ctx *c, const struct proto_job *j,
    struct jobs_outcome *o);
int act_sweep(const struct jobs_ctx *c, const struct proto_job *j,
    struct jobs_outcome *o);

/*
 * The bytes of the rules bundle hash from the state directory's cache
 * (bundles.c), fetched from the server with c->fetch_bundle when absent
 * there (checked against hash, then cached).  The cached file is not
 * checked here: the caller hashes what it gets.  0 with *buf (malloc'd)
 * and *len, or -1 with o set (failed).
 */
int jobs_bundle_load(const struct jobs_ctx *c, const char *hash, char **buf,
    size_t *len, struct jobs_outcome *o);

/* The blocklist blob hash, as jobs_bundle_load (its own cache,
 * blocklists/), and checked against hash here. */
int jobs_blocklist_load(const struct jobs_ctx *c, const char *hash, char **buf,
    size_t *len, struct jobs_outcome *o);
/* block-apply, block-remove (act_block.c), block-verify (act_verify.c). */
int act_block_apply(const struct jobs_ctx *c, const struct proto_job *j,
    struct jobs_outcome *o);
int act_block_remove(const struct jobs_ctx *c, const struct proto_job *j,
    struct jobs_outcome *o);
int act_block_verify(const struct jobs_ctx *c, const struct proto_job *j,
    struct jobs_outcome *o);

/* Sets o's state and its reason (printf-style). */
void jobs_set(struct jobs_outcome *o, enum jobs_state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The first error in d (else its last entry), or dflt. */
const char *jobs_diag_text(const struct rp_diags *d, const char *dflt);
/* Appends o2 (taken) to o->results; RP_ERR_NOMEM when o2 is NULL or
 * cannot be added. */
int jobs_result(struct jobs_outcome *o, json_t *o2);

#endif
