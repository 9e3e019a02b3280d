/*
 * Small predicates and the product-range helpers the advisory readers
 * share (internal to the advisory library).
 */
#ifndef RP_ADV_UTIL_H
#define RP_ADV_UTIL_H

#include "advisory.h"

struct rp_arena;

/* Whether s is one of the NULL-terminated list. */
int adv_in_list(const char *const *list, const char *s);
/* Whether s is a CVE ID: "CVE-", four digits, "-", four or more digits. */
int adv_is_cve(const char *s);

/*
 * The ordering a product declares: its scheme name, else its purl's type,
 * else its OSV ecosystem (each may be NULL).
 */
enum version_scheme adv_scheme_declared(
    const char *scheme, const char *purl, const char *ecosystem);

/* A copy of vr in the arena (never vers_range_free it), or NULL. */
const struct vers_range *adv_range_copy(
    struct rp_arena *ar, const struct vers_range *vr);
/* Keeps a copy of vr, in the arena, as p's parsed range. */
int adv_range_keep(
    struct rp_arena *ar, struct adv_product *p, const struct vers_range *vr);
/*
 * Records that p's range could not be parsed (r: the parser's return):
 * the reason is the first error in d, else rp_strerror(r).  Returns 0 or
 * RP_ERR_NOMEM.
 */
int adv_range_failed(struct rp_arena *ar, struct adv_product *p, int r,
    const struct rp_diags *d);
/*
 * Parses p->range once: a "vers:" range tolerantly, anything else as a
 * CSAF vls form in p->scheme (generic when unknown).  Sets p->vr, or
 * p->range_err when it does not parse.  The parser's diagnostics go to d
 * (may be NULL).  Returns 0 or RP_ERR_NOMEM.
 */
int adv_range_parse(
    struct rp_arena *ar, struct adv_product *p, struct rp_diags *d);

#endif
