/*
 * Private to the CSAF reader (csaf_read.c: document and vulnerabilities,
 * csaf_read_tree.c: the product tree).  One struct csaf_rd carries the
 * state of one csaf_read() call: the advisory under construction, the
 * diagnostics, the JSON pointer of the element being read and the
 * temporary ID indexes that keep product and group resolution linear.
 *
 * Fatal conditions (out of memory, limits) are returned as RP_ERR_* codes
 * and also recorded as an error in the diagnostics; everything else is a
 * warning and the offending element is skipped.
 */
#ifndef RP_CSAF_READ_INT_H
#define RP_CSAF_READ_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "advisory.h"
#include "json/rpjson.h"

/* Bounds on what one advisory may hold; past them the import fails. */
#define CSAF_MAX_PRODUCTS 1000000u
#define CSAF_MAX_GROUPS 1000000u
#define CSAF_MAX_VULNS 100000u
/* Product IDs listed in statuses, groups, remediations, ... together,
 * counting each group reference as its size. */
#define CSAF_MAX_REFS (16u * 1024 * 1024)
/*
 * Nesting of branches, and length of chains of relationships.  Real vendor
 * trees nest vendor / family / product / version / architecture / patch
 * level, a dozen levels at most; 512 leaves generated and machine-merged
 * trees ample room, while the walks (recursive, one small frame per level)
 * stay far from any stack limit.  The JSON reader stops deeper text first
 * (RPJSON_MAX_DEPTH, two JSON levels per branch).  Same value as
 * CSAF_MAX_BRANCH_DEPTH in csaf_validate_int.h.
 */
#define CSAF_MAX_DEPTH 512

/* Table from an ID string to an array index (util/hashtab.h). */
struct rp_hashtab;
struct csaf_idtab {
	struct rp_hashtab *t;
};

/* Per-product scratch data, parallel to a->products. */
struct csaf_paux {
	uint32_t seen; /* generation stamp: already in the list being built */
	uint32_t rel; /* relationship index + 1, or 0 */
	uint8_t relstate; /* REL_* in csaf_read_tree.c */
};

struct csaf_rd {
	struct rpjson_rd j; /* the layer: warnings, the arena of a */
	struct rpjson_path path; /* j's path */
	struct advisory *a;
	struct csaf_idtab products; /* product_id -> index in a->products */
	struct csaf_idtab groups; /* group_id -> index in a->groups */
	size_t maxproducts; /* slots allocated in a->products */
	struct csaf_paux *paux; /* maxproducts entries */
	uint32_t gen; /* current generation for paux[].seen */
	size_t nrefs; /* product references read so far */
};

/*
 * Members are read through j (json/rpjson.h).  Strings are bounded by the
 * document (RP_CAP_ADVISORY), so the getters are given no tighter bound.
 */
#define CSAF_MAX_STR SIZE_MAX

void csaf_idtab_free(struct csaf_idtab *t);

/*
 * Reads obj[pkey] (product IDs) and, when gkey is not NULL, obj[gkey]
 * (group IDs, expanded) into one list without duplicates; unknown IDs are
 * warned about and dropped.  The strings are the products' own IDs.
 */
int csaf_idlist(struct csaf_rd *rd, const json_t *obj, const char *pkey,
    const char *gkey, char ***out, size_t *nout);

/* Reads /product_tree (may be NULL) into a->products and a->groups. */
int csaf_tree_read(struct csaf_rd *rd, const json_t *tree);

#endif
