/*
 * The findings engine (docs/findings.md, docs/internals/findings.md):
 * agents' inventory uploads checked and applied, and the matcher's
 * verdicts kept current per (host, advisory, software) — evaluating
 * again only the host whose inventory changed, against only the
 * advisories that name its changed software, and, when an advisory is
 * imported or revised, only the hosts that have software it names.
 *
 * Every function that writes runs inside the caller's transaction, so
 * an upload, its findings and its audit entry land together or not at
 * all.
 */
#ifndef RP_SERVER_FINDINGS_H
#define RP_SERVER_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "advisory/advisory.h"
#include "store/store.h"

struct inv_host;

/* Caps of one upload (docs/agent-protocol.md). */
#define FND_SOFTWARE_MAX 50000
#define FND_HITS_MAX 10000
#define FND_ADDRS_MAX STORE_ADDRS_MAX /* host.addresses */

/* One software entry: its canonical JSON and identity. */
struct fnd_entry {
	char ident[17];
	char *json;
};

/* An inventory upload, checked. */
struct fnd_upload {
	int64_t seq;
	int full;
	int64_t base; /* delta: the inventory it applies to */
	/* the host fields given, NULL when not */
	char *name, *os, *os_version, *arch;
	/* host.addresses when given (have_addrs), to replace the host's */
	int have_addrs;
	struct store_addr *addrs;
	size_t naddrs;
	struct fnd_entry *add; /* full: the whole inventory */
	size_t nadd;
	/* add as the inventory reader read it: add_host->sw[i] is add[i]
	 * (NULL when nadd is 0) */
	struct inv_host *add_host;
	struct fnd_entry *rm;
	size_t nrm;
};
void fnd_upload_free(struct fnd_upload *u);

/* Where an upload is wrong: a JSON pointer and a sentence. */
struct fnd_err {
	char field[256];
	char msg[512];
};

/*
 * Checks an inventory upload body (an object) into *out: known keys
 * only, every software entry one the native inventory reader accepts
 * without a warning, the host's addresses each an IP address in
 * canonical text with its interface and, optionally, its MAC.  Returns 0, RP_ERR_INVALID with err, RP_ERR_LIMIT
 * (too many entries) with err, or RP_ERR_NOMEM.
 */
int fnd_upload_parse(
    const json_t *body, struct fnd_upload **out, struct fnd_err *err);

/* A sweep upload, checked: its hits as detections. */
struct fnd_hit {
	const char *kind, *path, *sha256; /* borrowed from the body */
	char what[512];
};
struct fnd_sweep {
	int64_t seq;
	int64_t started_at;
	struct fnd_hit *hits;
	size_t nhits;
	char *report; /* the report's JSON text */
};
void fnd_sweep_free(struct fnd_sweep *s);
int fnd_sweep_parse(
    const json_t *body, struct fnd_sweep **out, struct fnd_err *err);
/* A quarantine entry a job's results name (strings borrowed from the
 * results, or the job's). */
#define FND_QENTRY_LEN 32 /* an entry ID: lower-case hex digits */
#define FND_PATH_MAX 16384 /* bytes of a path */
struct fnd_qentry {
	const char *entry;
	const char *path;
	const char *sha256; /* of the file taken; "" when not said */
};
/* The job a report is about, as the server stored it. */
struct fnd_job {
	const char *type; /* "quarantine", "sweep", ... */
	const char *state; /* what the agent reports: "done", "failed", ... */
	const char *path; /* quarantine: the file */
	int quarantine; /* sweep: quarantine what matches */
};
/* What the results of a job add to the server's records. */
struct fnd_job_result {
	struct fnd_sweep *sweep; /* a sweep job's report, or NULL */
	struct fnd_qentry *entries; /* quarantine entries it made */
	size_t nentries;
};
void fnd_job_result_free(struct fnd_job_result *r);
/*
 * Checks the results (a JSON array, or NULL) an agent reports for job j
 * (docs/agent-jobs.md) into *out (borrowing from results): a done
 * quarantine job's entry, at j->path; a done or failed sweep job's
 * report (a failed one may have none), and with j->quarantine the
 * entries of its "quarantine" items, an item's hash falling back on its
 * hit's.  Any other job and state add nothing.  0, RP_ERR_INVALID or
 * RP_ERR_LIMIT with err (a pointer under /results), RP_ERR_NOMEM.
 */
int fnd_job_result_parse(const struct fnd_job *j, const json_t *results,
    struct fnd_job_result **out, struct fnd_err *err);

/* What a recomputation changed. */
struct fnd_tally {
	int64_t opened; /* became open (new, or again) */
	int64_t resolved; /* stopped being open */
	int64_t changed; /* other changes of verdict or version */
	int64_t hosts; /* hosts evaluated */
	int64_t advisories; /* advisories evaluated against them */
	int stale; /* the delta does not apply: nothing was written */
};

/*
 * Applies an inventory upload u of the agent whose state is st (read by
 * store_inv_state in this transaction), recomputes the host's findings,
 * and records the new state.  A delta whose base is not st->inventory,
 * or that removes an entry the host does not have, changes nothing and
 * sets t->stale (the agent must send a full inventory).
 */
int fnd_apply_inventory(struct store *s, const struct store_inv_state *st,
    const struct fnd_upload *u, int64_t now, struct fnd_tally *t);

/*
 * After advisory id was imported or revised (its latest revision is
 * revision, read as a): records its lookup keys and recomputes the
 * findings of the hosts that have software it names, or had findings of
 * it, within its tenants.
 */
int fnd_apply_advisory(struct store *s, int64_t id, int revision,
    const struct advisory *a, int scope_all, const int64_t *tenants,
    size_t ntenants, int64_t now, struct fnd_tally *t);

/* The verdict's name in the API ("under_investigation") and from a name
 * (-1 if unknown). */
const char *fnd_verdict_name(int verdict);
int fnd_verdict_from_name(const char *name);

#endif
