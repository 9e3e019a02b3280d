/*
 * Internal to src/server/findings: evaluation of one host and the
 * comparison of its results with its stored findings (eval.c), used by
 * the inventory and advisory paths (engine.c).
 */
#ifndef RP_SERVER_FND_EVAL_INT_H
#define RP_SERVER_FND_EVAL_INT_H

#include "fnd_int.h"

/* The host fields an evaluation reads (borrowed; "" when unknown). */
struct fnd_hostref {
	const char *hostname, *os, *os_version, *arch;
};

/* An inventory of the host from stored entries (canonical JSON). */
int fnd_host_build(const struct fnd_hostref *hr, char *const *entries, size_t n,
    struct inv_host **out);

/* New findings waiting to be written together (store_findings_add):
 * an advisory import creates thousands at once. */
#define FND_BATCH_MAX 2000
struct fnd_batch {
	struct store_finding *v;
	size_t n, cap;
	int64_t inventory; /* of their first events */
};
int fnd_batch_flush(struct store *s, struct fnd_batch *b);
/* Frees what is left unwritten (after a failure). */
void fnd_batch_free(struct fnd_batch *b);

/* What one comparison is about. */
struct fnd_ctx {
	int64_t tenant_id, agent_seq, advisory_id;
	int revision;
	int64_t host_inventory; /* the host's current inventory */
	int64_t event_inventory; /* 0: an advisory change */
	int64_t now;
	struct fnd_batch *batch; /* new findings go here */
};

/*
 * Compares the results of advisory a in res (NULL: none) with the
 * stored findings old[0..nold) of this host and advisory, and writes the
 * changes (old's rows are updated in place).
 */
int fnd_diff(struct store *s, const struct fnd_ctx *x,
    const struct match_results *res, const struct advisory *a,
    struct store_finding *old, size_t nold, struct fnd_tally *t);

#endif
