/*
 * Inside the worker role: what it knows of a pulled source, and the run
 * of one fetch (run.c) that the scheduler (worker.c) hands to its
 * threads.
 */
#ifndef RP_FETCH_INT_H
#define RP_FETCH_INT_H

#include <stdint.h>

#include "fetch/fetch.h"

struct store;

/* Where the worker works: the configuration's limits and directories. */
struct fetch_ctx {
	struct fetch_opts opts;
	char dir[1100]; /* STATE_DIR/feeds */
	volatile int *stopping; /* set by SIGTERM: transfers end early */
};

/* A pulled source as the scheduler sees it. */
struct fetch_due {
	int64_t id;
	int64_t interval; /* seconds between fetches */
	int64_t last_fetch_at; /* when the last run began; 0: never */
	int64_t requested_at; /* a "fetch now" asked at; 0: none */
};

/* Every enabled source of a pulled kind (list-url, misp-feed); *v freed
 * with free().  0 or an RP_ERR_* code of the store. */
int fetch_due_list(struct store *s, struct fetch_due **v, size_t *n);

/*
 * Runs one fetch of source id on s: the GET, the parse, the indicators
 * replaced in one transaction with the fetch state and the audit entry,
 * the last good copy; or, on any failure, only the fetch state (with
 * the error and the copy kept) and the audit entry.  started is when
 * the run began (last_fetch_at).  Returns 0 when the run was recorded
 * (whatever its outcome), else an RP_ERR_* code (the store failed).
 */
int fetch_run(const struct fetch_ctx *cx, struct store *s, int64_t id,
    int64_t started);

#endif
