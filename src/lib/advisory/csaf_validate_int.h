/*
 * Internals of the CSAF 2.0 validator (csaf_validate*.c): the walk
 * context, error reporting, a string hash set, and the shared walkers over
 * product definitions and references.  Nothing here leaves the advisory
 * library.
 */
#ifndef RP_CSAF_VALIDATE_INT_H
#define RP_CSAF_VALIDATE_INT_H

#include <stddef.h>

#include <jansson.h>

#include "json/rpjson.h"
#include "util/diag.h"
#include "util/rfc3339.h"

/* Deepest nesting of product_tree branches we walk: CSAF_MAX_DEPTH of
 * csaf_read_int.h, which says why. */
#define CSAF_MAX_BRANCH_DEPTH 512

/*
 * A set of strings (not copied: they live in the JSON document) each with
 * a caller value: the entries in an array, found through the keyed table
 * of util/hashtab.h.  The number of entries is bounded by the document.
 */
struct rp_hashtab;
struct strset_ent {
	const char *s;
	const void *val;
};
struct strset {
	struct rp_hashtab *t; /* string -> index into v + 1 */
	struct strset_ent *v;
	size_t cap, n;
};
struct vctx {
	const json_t *root;
	struct rp_diags *d;
	struct rpjson_path path; /* where the current check looks */
	size_t nerrors; /* errors this validation added */
	int nomem; /* an allocation failed: results are incomplete */
	const char *category; /* /document/category, or NULL */
	int depth; /* branches nesting during the schema walk */
	struct strset *groups; /* group_id -> product_ids array, lazily */
	size_t expand_budget; /* group members we may still expand */
	size_t expanded; /* group members expanded so far */
	int expand_spent; /* the budget ran out (and we warned) */
};

/* Group expansions (flags, statements) per document: a few references to
 * huge groups could otherwise cost products x references. */
#define CSAF_EXPAND_BUDGET (4u * 1024 * 1024)

/* Adds an error for test at the current path. */
void v_err(struct vctx *c, const char *test, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As v_err with the current path plus one key. */
void v_err_key(struct vctx *c, const char *test, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

void strset_init(struct strset *s);
void strset_free(struct strset *s);
/* Adds s; returns 1 if it was present already, 0 if added, or NOMEM. */
int strset_add(struct strset *s, const char *str, const void *val);
/* Returns the entry of str, or NULL. */
const struct strset_ent *strset_get(const struct strset *s, const char *str);

/*
 * The product_ids array of a product group, or NULL when undefined.  The
 * caller will visit every member: the members count against the
 * document's expansion budget, and once it is spent this returns NULL and
 * warns (once) that the group-based tests are incomplete.
 */
const json_t *group_members(struct vctx *c, const char *group_id);

/* Calls fn for each full_product_name_t in the product tree. */
typedef void (*fpn_fn)(struct vctx *c, const json_t *fpn, void *arg);
void walk_full_product_names(struct vctx *c, fpn_fn fn, void *arg);

/* Calls fn for each product ID reference (path points at the string). */
typedef void (*ref_fn)(struct vctx *c, const char *id, void *arg);
void walk_product_refs(struct vctx *c, ref_fn fn, void *arg);

/* Compares two valid RFC 3339 date-times (util/rfc3339) by instant. */
int csaf_cmp_datetime(const char *a, const char *b);

/* version_t: integer ("3") or semantic version ("1.2.0-rc.1+b"). */
struct csaf_version {
	int semantic;
	unsigned long long major, minor, patch;
	const char *pre; /* pre-release, not NUL-terminated, or NULL */
	size_t prelen;
	const char *build; /* build metadata start, or NULL */
};
int csaf_parse_version(const char *s, struct csaf_version *v);
/* Precedence of two parsed versions (build ignored) like strcmp. */
int csaf_cmp_version(
    const struct csaf_version *a, const struct csaf_version *b);

/* BCP 47 language tag with registered subtags (6.1.12); 0 if valid, else
 * -1 with a static reason in *why. */
int csaf_check_lang(const char *tag, const char **why);
/* Syntax of a lang_t (the schema pattern). */
int csaf_lang_syntax_ok(const char *tag);
/* purl syntax (6.1.13); 0 if valid, else -1 with a reason in *why. */
int csaf_check_purl(const char *purl, const char **why);

/* Test groups. */
void csaf_validate_schema(struct vctx *c);
void csaf_validate_products(struct vctx *c);
void csaf_validate_tracking(struct vctx *c);
void csaf_validate_vulns(struct vctx *c);
void csaf_validate_profiles(struct vctx *c);

/* Generated tables. */
struct cwe_entry {
	int id;
	const char *name;
};
extern const struct cwe_entry cwe_table[];
extern const size_t cwe_table_len;
extern const char *const lang_language[],
    *const lang_extlang[], *const lang_script[], *const lang_region[],
						     *const lang_variant[];
extern const size_t lang_language_len, lang_extlang_len, lang_script_len,
    lang_region_len, lang_variant_len;

#endif
