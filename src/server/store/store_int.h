/*
 * Helpers the store's domain files share (internal to src/server/store):
 * running a statement through the connection's driver while counting
 * its work, reading columns into owned strings, pages, and transactions
 * that nest (a savepoint inside the caller's transaction).
 */
#ifndef RP_STORE_INT_H
#define RP_STORE_INT_H

#include "drv.h"

#define A_INT(v) ((struct drv_arg){.t = DRV_INT, .i = (v)})
#define A_TEXT(v) ((struct drv_arg){.t = DRV_TEXT, .s = (v)})
#define A_NULL ((struct drv_arg){.t = DRV_NULL})
/* An id where 0 means none: bound as NULL. */
#define A_ID(v) ((v) != 0 ? A_INT(v) : A_NULL)
#define NARGS(a) (sizeof(a) / sizeof((a)[0]))

/* Starts q with a[0..n); on success c is open until sq_done. */
int sq_query(struct store *s, struct drv_sql *q, const struct drv_arg *a,
    size_t n, struct drv_cur *c);
/* 1: a row, 0: done, < 0: an error (c stays open: call sq_done). */
int sq_step(struct drv_cur *c);
void sq_done(struct drv_cur *c);
/* Runs q to its end; *changes (may be NULL) gets the rows changed. */
int sq_exec(struct store *s, struct drv_sql *q, const struct drv_arg *a,
    size_t n, int64_t *changes);
/* Starts q and reads its first row: RP_ERR_NOTFOUND (c closed) when
 * there is none; otherwise c is open on the row until sq_done. */
int sq_row(struct store *s, struct drv_sql *q, const struct drv_arg *a,
    size_t n, struct drv_cur *c);
/* Runs q for one integer (first column of the first row). */
int sq_int1(struct store *s, struct drv_sql *q, const struct drv_arg *a,
    size_t n, int64_t *out);

int64_t sq_int(struct drv_cur *c, int col);
/* A new copy of a text column ("" for NULL); RP_ERR_NOMEM. */
int sq_dup(struct drv_cur *c, int col, char **out);
/* As sq_dup, but NULL stays NULL. */
int sq_dup0(struct drv_cur *c, int col, char **out);

/* Checks a page: *after and *limit (clamped to STORE_PAGE_MAX); NULL
 * is the first page of the largest size.  RP_ERR_ARG on limit < 1. */
int sq_page(const struct store_page *pg, int64_t *after, int *limit);
/*
 * One page of a list.  q's arguments are a[0..n): the cursor goes in
 * a[kind->after_at] and the limit (one more than the page, to tell
 * whether more rows follow) in a[n - 1], both filled here.  On success
 * *out holds *count rows of kind->size bytes, each read by kind->read
 * (which on failure leaves nothing to free); the caller frees them with
 * kind->clear and free().
 */
struct sq_rows {
	size_t size;
	size_t after_at;
	int (*read)(struct drv_cur *c, void *row);
	void (*clear)(void *row);
};
int sq_list(struct store *s, struct drv_sql *q, struct drv_arg *a, size_t n,
    const struct store_page *pg, const struct sq_rows *kind, void **out,
    size_t *count, int *more);

/* Scope arguments of the shared filter
 * `(? = 1 OR tenant_id IN (SELECT tenant_id FROM scope_tenants
 *  WHERE scope_id = ?))`. */
#define SCOPE_FILTER(col)                                                      \
	"(? = 1 OR " col " IN (SELECT tenant_id FROM scope_tenants "           \
	"WHERE scope_id = ?))"
#define A_SCOPE_ALL(sc) A_INT((sc)->all ? 1 : 0)
#define A_SCOPE_ID(sc) A_INT((sc)->all ? 0 : (sc)->id)

/* A unit of work that must be atomic: a transaction of its own, or a
 * savepoint inside the caller's. */
struct sq_tx {
	int nested;
	int saved_failed;
};
int sq_tx_enter(struct store *s, struct sq_tx *t);
/* Commits (r == 0) or undoes the work; returns r, or the commit's
 * error. */
int sq_tx_leave(struct store *s, struct sq_tx *t, int r);

/* Every row of q (at most max: RP_ERR_LIMIT past it), read by
 * kind->read into *out as with sq_list (kind->after_at unused). */
int sq_all(struct store *s, struct drv_sql *q, const struct drv_arg *a,
    size_t n, const struct sq_rows *kind, size_t max, void **out,
    size_t *count);

/* Runs statements without parameters or rows (transaction control,
 * migrations). */
int sq_script(struct store *s, const char *sql);

/* Grows *v (elements of size) to hold at least need, up to max;
 * RP_ERR_LIMIT past max, RP_ERR_NOMEM. */
int sq_grow(void **v, size_t *cap, size_t need, size_t size, size_t max);

/* A copy of search text v with its ASCII letters lower-cased into *out,
 * as the queries compare it with lower() (which on both drivers changes
 * only those); NULL for NULL or "".  RP_ERR_ARG past SQ_TEXT_ARG_MAX
 * bytes, RP_ERR_NOMEM. */
#define SQ_TEXT_ARG_MAX 1024
int sq_lower_dup(const char *v, char **out);

/* Indicators, sources and the allowlist (store_indicator.c). */
/* Whether v is one of set (NULL-terminated); NULL v is not. */
int sq_in_set(const char *v, const char *const *set);
int sq_tlp_ok(const char *tlp);
int sq_mode_ok(const char *mode);
/* 0 when sc may write rows of tenant (0: MSP-wide, only an all scope),
 * RP_ERR_NOTFOUND when not, RP_ERR_ARG, or a store error. */
int sq_writable(struct store *s, const struct store_scope *sc, int64_t tenant);
/* Takes the turn of scope's writers (PostgreSQL; SQLite's writers take
 * turns anyway): first thing in a transaction writing its indicators. */
int sq_ind_lock(struct store *s, int64_t scope);
/* Advances the indicator version of scope (a tenant, 0: MSP-wide). */
int sq_ind_bump(struct store *s, int64_t scope, int64_t now);

/* An indicator row as a merge sees it (store_indicator.c). */
struct ind_old {
	int64_t id, confidence, first_seen, last_seen, expires, size;
	char *tags;
};
/* The row o becomes when in (conf, fs, ls: its effective values) is
 * stored again, into *m (m->tags allocated); *changed says whether it
 * differs.  RP_ERR_ARG for a bad tag, RP_ERR_NOMEM. */
int sq_ind_merged(const struct ind_old *o, const struct store_indicator *in,
    int conf, int64_t fs, int64_t ls, struct ind_old *m, int *changed);
/* tags in their stored form (sorted, each once) into *out. */
int sq_ind_tags(const char *tags, char **out);
/* Stores one valid value (the caller holds the scope's turn), looking
 * it up first; conf and tlp are the source's defaults. */
int sq_ind_put_locked(struct store *s, const struct store_indicator *in,
    int conf, const char *tlp, int64_t now, int64_t *id,
    enum store_put_outcome *what, int *changed);
/* Stores in[0..n) of one scope and source a statement per step rather
 * than per value (store_ind_batch.c); as store_indicator_put_many's
 * loop, *any set when a row changed. */
int sq_ind_put_batch(struct store *s, const struct store_indicator *in,
    size_t n, int conf, const char *tlp, int64_t now, int64_t *ids,
    enum store_put_outcome *outcomes, int *rcs, int *any);

/* The current time in seconds (what created_at records). */
int64_t sq_now(void);

#endif
