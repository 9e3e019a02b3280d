/*
 * OSV ranges as vers strings: the events of a SEMVER or ECOSYSTEM range turned
 * into affected intervals the way the OSV spec's evaluation does.
 * Internal to the advisory library (used by osv.c).
 */
#ifndef RP_OSV_VERS_H
#define RP_OSV_VERS_H

#include <stddef.h>

struct rp_arena;

/* One introduced, fixed or last_affected event of a range. */
struct osv_ev {
	const char *kind; /* "introduced", "fixed", "last_affected" */
	const char *val;
	size_t idx; /* in the events array */
};

/* One affected interval: [lo, hi) or, for last_affected, [lo, hi]. */
struct osv_ival {
	const char *lo; /* NULL: no lower bound (introduced "0") */
	const char *hi; /* NULL: no upper bound */
	int hi_incl;
};

/*
 * The vers scheme for a range of an ecosystem Rampart has no ordering
 * for: its name in lower case without spaces ("GitHub Actions" ->
 * "githubactions"), written to buf.  Returns buf.
 */
const char *osv_vers_scheme_other(const char *ecosystem, char *buf, size_t len);

/*
 * Sorts events by version in Rampart scheme `scheme` (stable; introduced
 * "0" first), into a new array from arena a.  Returns 0 and sets *out, or
 * -1 when the scheme is not ordered here, a version does not compare, or
 * memory runs out; then the record's order is to be used.
 */
int osv_ev_sort(struct rp_arena *a, const char *scheme, const struct osv_ev *ev,
    size_t n, struct osv_ev **out);

/*
 * Turns events (in evaluation order) into intervals, allocated from a:
 * introduced opens one unless one is open, fixed and last_affected close
 * it.  Returns 0 or RP_ERR_NOMEM.
 */
int osv_ev_walk(struct rp_arena *a, const struct osv_ev *ev, size_t n,
    struct osv_ival **iv, size_t *niv);

/*
 * A version v both introduced and fixed in one range, once its events are
 * intervals: an interval [v, v) is empty and removed (OSV_SETTLE_EMPTY);
 * [a, v) followed by [v, b) are joined into [a, b), v staying affected
 * (OSV_SETTLE_JOINED); else nothing changes (OSV_SETTLE_NONE).  Versions
 * are compared as strings, as the record wrote them.
 */
enum {
	OSV_SETTLE_NONE,
	OSV_SETTLE_EMPTY,
	OSV_SETTLE_JOINED,
};
int osv_ivals_settle(struct osv_ival *iv, size_t *n, const char *v);

/*
 * The constraints of intervals, in the order osv_ivals_to_vers() writes
 * them, into cs (room for 2 * n + 1; versions borrowed from iv): one "*"
 * when an interval is unbounded both ways.  Returns their number.
 */
struct vers_constraint;
size_t osv_ivals_constraints(
    const struct osv_ival *iv, size_t n, struct vers_constraint *cs);

/*
 * Formats intervals as "vers:<vscheme>/<constraints>" (caller frees);
 * NULL when out of memory or longer than max bytes.
 */
char *osv_ivals_to_vers(
    const char *vscheme, const struct osv_ival *iv, size_t n, size_t max);

#endif
