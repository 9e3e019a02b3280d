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
	struct rpjson_rd rd; /* errors, with rule id "schema" */
	struct rpjson_path p; /* rd's path */
	struct advisory *a;
	struct adv_vuln *v;
	struct rp_arena *tmp; /* scratch, freed when reading ends */
	struct rp_buf *join; /* where osv_related() collects IDs */
	size_t cap_products, cap_refs, cap_ids, cap_anotes, cap_vnotes;
	size_t cap_rems, cap_scores;
	size_t cap_status[ADV_STATUS_COUNT];
};

/* An error or a warning at the current pointer (json/rpjson.h). */
#define osv_err(c, test, ...)                                                  \
	rpjson_diag(&(c)->rd, RP_DIAG_ERROR, (test), NULL, __VA_ARGS__)
#define osv_warn(c, test, ...)                                                 \
	rpjson_diag(&(c)->rd, RP_DIAG_WARNING, (test), NULL, __VA_ARGS__)

/*
 * A part the record can do without (a score, a reference, an affected
 * entry): errors found in it after rpjson_mark() become warnings in
 * osv_forgive(), which then adds `then` (what was done about them) and
 * returns 1; it returns 0 when there were none.
 */
int osv_forgive(
    struct osv_ctx *c, const struct rpjson_mark *t, const char *then);

/*
 * Members through the layer: strings and arrays are bounded by the
 * record's size (RP_CAP_ADVISORY), counts where entries are added.
 * osv_str is obj[key] as a string, NULL when absent (an error if
 * required) or not a string (an error); osv_array obj[key] as an array,
 * NULL when absent, null (if nullable) or not an array (an error).
 */
#define osv_check_keys(c, obj, ...)                                            \
	rpjson_check_keys(&(c)->rd, obj, __VA_ARGS__)
#define osv_str(c, obj, key, required)                                         \
	rpjson_str_at(&(c)->rd, (obj), (key), SIZE_MAX,                        \
	    (required) ? RPJSON_REQUIRED : 0)
#define osv_array(c, obj, key, nullable)                                       \
	rpjson_array_at(&(c)->rd, (obj), (key), SIZE_MAX,                      \
	    (nullable) ? RPJSON_NULLABLE : 0)

/*
 * The severity[] array of obj (the record or an affected entry) as scores
 * of the products pids (NULL: every affected product, filled in at the
 * end), raising the advisory's aggregate severity.  An entry in error is
 * ignored with a warning.  Returns 0, RP_ERR_NOMEM or RP_ERR_LIMIT.
 */
int osv_severity(struct osv_ctx *c, const json_t *obj, char **pids, size_t np);

#endif
