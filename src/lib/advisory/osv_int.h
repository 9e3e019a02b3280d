/*
 * Internal to the OSV reader (osv.c, osv_severity.c): the reading
 * context and the helpers that report at its JSON pointer.
 */
#ifndef RP_OSV_INT_H
#define RP_OSV_INT_H

#include <stddef.h>

#include <jansson.h>

#include "advisory.h"
#include "json/rpjson.h"
#include "util/diag.h"

#define OSV_MAX_ITEMS 100000 /* references, IDs, notes, scores, ... */

struct rp_arena;
struct rp_buf;

struct osv_ctx {
	struct advisory *a;
	struct adv_vuln *v;
	struct rp_diags *d;
	struct rpjson_path p;
	struct rp_arena *tmp; /* scratch, freed when reading ends */
	struct rp_buf *join; /* where osv_related() collects IDs */
	size_t nerrors;
	size_t cap_products, cap_refs, cap_ids, cap_anotes, cap_vnotes;
	size_t cap_rems, cap_scores;
	size_t cap_status[ADV_STATUS_COUNT];
};

/* An error or a warning at the current pointer; errors are counted. */
void osv_err(struct osv_ctx *c, const char *test, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void osv_warn(struct osv_ctx *c, const char *test, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * A part the record can do without (a score, a reference, an affected
 * entry): errors found in it after osv_try() become warnings in
 * osv_forgive(), which then adds `then` (what was done about them) and
 * returns 1; it returns 0 when there were none.
 */
struct osv_try {
	struct rp_diags_mark d;
	size_t nerrors;
};
void osv_try(struct osv_ctx *c, struct osv_try *t);
int osv_forgive(struct osv_ctx *c, const struct osv_try *t, const char *then);

/* Warns about members of obj not in known (the schema forbids them). */
void osv_check_keys(
    struct osv_ctx *c, const json_t *obj, const char *const *known);
/*
 * obj[key] as a string: NULL when absent (an error if required) or not a
 * string (an error).
 */
const char *osv_str(
    struct osv_ctx *c, const json_t *obj, const char *key, int required);
/* obj[key] as an array: NULL when absent, null (if nullable) or wrong. */
const json_t *osv_array(
    struct osv_ctx *c, const json_t *obj, const char *key, int nullable);

/*
 * The severity[] array of obj (the record or an affected entry) as scores
 * of the products pids (NULL: every affected product, filled in at the
 * end), raising the advisory's aggregate severity.  An entry in error is
 * ignored with a warning.  Returns 0, RP_ERR_NOMEM or RP_ERR_LIMIT.
 */
int osv_severity(struct osv_ctx *c, const json_t *obj, char **pids, size_t np);

#endif
