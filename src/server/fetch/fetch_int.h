/*
 * Inside the worker role: what it knows of a pulled source, and the run
 * of one fetch (run.c) that the scheduler (worker.c) hands to its
 * threads.
 */
#ifndef RP_FETCH_INT_H
#define RP_FETCH_INT_H

#include <stdint.h>

#include "fetch/fetch.h"

struct ioc_bundle;
struct store;

/* Where the worker works: the configuration's limits and directories. */
struct fetch_ctx {
	struct fetch_opts opts;
	char dir[1100]; /* STATE_DIR/feeds */
	volatile int *stopping; /* set by SIGTERM: transfers end early */
};

/* Every enabled source of a pulled kind (list-url, misp-feed); *v freed
 * with free().  0 or an RP_ERR_* code of the store. */
int fetch_due_list(struct store *s, struct fetch_due **v, size_t *n);
/* Records the outcome of the last run of source id in a few words
 * ("304 not modified", "200: 3 added, ...") for its state. */
int fetch_result_note(struct store *s, int64_t id, const char *text);

/* The source a run pulls (strings borrowed from the store's row). */
struct fetch_source {
	int64_t id;
	const char *name;
	const char *url;
	char shown[256]; /* url masked (fetch_url_mask) */
	const char *etag; /* or NULL */
	const char *last_modified; /* or NULL */
	const char *last_good_sha256; /* or NULL */
};

/* A MISP event fetched in this run, to be kept once the run is stored. */
struct fetch_event {
	char uuid[40];
	char *body;
	size_t len;
};

/* What a pull found (pull.c). */
struct fetch_pull {
	enum { PULL_FAILED, PULL_NOT_MODIFIED, PULL_NEW } kind;
	long http_status; /* of the last answer, 0: none */
	char error[FETCH_ERROR_MAX + 512]; /* PULL_FAILED: what happened */
	struct ioc_bundle *b; /* PULL_NEW: every indicator of the feed */
	char *body; /* PULL_NEW: the list, or the MISP manifest */
	size_t len;
	char etag[FETCH_VALIDATOR_MAX];
	char last_modified[FETCH_VALIDATOR_MAX];
	struct fetch_event *events; /* MISP: the events fetched */
	size_t nevents;
	size_t nfetched, nkept; /* MISP: events fetched / read from copies */
	size_t nbad_uuids; /* MISP: manifest entries left out */
	size_t nwarnings; /* lines or attributes left out */
	char (*uuids)[40]; /* MISP: the manifest's valid uuids, sorted */
	size_t nuuids;
};

/* A list-url source: one conditional GET, read as a list or CSV.  0
 * with the outcome in *p (fetch_pull_clear), or RP_ERR_NOMEM. */
int fetch_pull_list(const struct fetch_ctx *cx, const struct fetch_source *src,
    struct fetch_pull *p);
/* A misp-feed source: manifest.json (conditional), then the events whose
 * timestamp is newer than in the last good manifest.  As above. */
int fetch_pull_misp(const struct fetch_ctx *cx, const struct fetch_source *src,
    struct fetch_pull *p);
void fetch_pull_clear(struct fetch_pull *p);
/* Whether uuid is in the manifest a MISP pull read. */
int fetch_manifest_has(const struct fetch_pull *p, const char *uuid);

/*
 * Runs one fetch of source id on s: the GET, the parse, the indicators
 * replaced in one transaction with the fetch state and the audit entry,
 * the last good copy; or, on any failure, only the fetch state (with
 * the error and the copy kept) and the audit entry.  started is when
 * the run began (last_fetch_at).  Returns 0 when the run was recorded
 * (whatever its outcome), else an RP_ERR_* code (the store failed).
 */
int fetch_run(
    const struct fetch_ctx *cx, struct store *s, int64_t id, int64_t started);

#endif
