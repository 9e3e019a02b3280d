/*
 * Matching: which installed software an advisory concerns, and the verdict
 * for it.  A matcher indexes the products of any number of advisories by
 * purl, cpe and normalised name (with an alias table), then checks hosts
 * against the index; each result names the advisory, the product ID and
 * the rule that decided, and the remediation that applies.  The rules are
 * described in docs/matching.md.
 */
#ifndef RP_MATCH_H
#define RP_MATCH_H

#include <stddef.h>

#include "advisory/advisory.h"
#include "inventory/inventory.h"
#include "util/diag.h"

struct rp_arena;

/* Ordered by urgency: aggregation over a host keeps the largest. */
enum match_verdict {
	MATCH_NOT_AFFECTED = 0,
	MATCH_FIXED,
	MATCH_UNKNOWN,
	MATCH_UNDER_INVESTIGATION,
	MATCH_AFFECTED,
};

enum os_family {
	OS_FAMILY_UNKNOWN = 0,
	OS_FAMILY_WINDOWS,
	OS_FAMILY_MACOS,
	OS_FAMILY_LINUX,
	OS_FAMILY_IOS,
	OS_FAMILY_ANDROID,
};

/* One verdict for one (host, advisory, software) triple. */
struct match_result {
	const struct inv_host *host;
	const struct advisory *adv;
	const struct inv_software *sw; /* NULL: nothing installed matched */
	const struct adv_product *product; /* deciding product, or NULL */
	const struct adv_vuln *vuln; /* deciding vulnerability, or NULL */
	enum match_verdict verdict;
	char *reason; /* one line, for people; owned by the result set */
	char *remediation; /* e.g. "upgrade to 18.12.422 or later", or NULL */
};

/* Results and the strings they point to (reason, remediation). */
struct match_results {
	struct match_result *v;
	size_t n, cap;
	struct rp_arena *arena; /* owns every reason and remediation */
};

struct matcher;

/* A new matcher with the built-in alias table; NULL on ENOMEM. */
struct matcher *matcher_new(void);
void matcher_free(struct matcher *m);

/*
 * Adds an alias: names a and b (normalised: case, spaces and punctuation
 * do not matter) denote the same product.  May be called before or after
 * advisories are added.  Returns 0, RP_ERR_NOMEM, or RP_ERR_ARG when a
 * name has nothing to match on.
 */
int matcher_add_alias(struct matcher *m, const char *a, const char *b);
/*
 * Indexes an advisory's products (borrowed: a must outlive m).  Problems
 * such as unparseable ranges are warnings in d.  Returns 0 or an error.
 */
int matcher_add_advisory(
    struct matcher *m, const struct advisory *a, struct rp_diags *d);

/*
 * Checks one host against every advisory added, appending results to out:
 * one per (advisory, matching software), and one "not affected" result per
 * advisory with no matching software.  Results borrow h, its software and
 * the advisories.  A matcher checks one host at a time (it keeps scratch
 * state): use one matcher per thread.  Returns 0 or RP_ERR_NOMEM.
 */
int matcher_check_host(
    struct matcher *m, const struct inv_host *h, struct match_results *out);

void match_results_init(struct match_results *r);
void match_results_free(struct match_results *r);

const char *match_verdict_name(enum match_verdict v); /* "affected", ... */
enum os_family os_family_from_name(const char *s); /* "Windows 11" -> WINDOWS */
const char *os_family_name(enum os_family f);

/*
 * Normalises a product or vendor name for comparison: ASCII letters
 * lower-cased, digits kept, other ASCII dropped, non-ASCII bytes kept as
 * they are so that names in other scripts still have a key ("3CX Desktop
 * App" -> "3cxdesktopapp").  Writes at most outlen bytes including the
 * NUL; returns the length.
 */
size_t match_normalize(const char *s, char *out, size_t outlen);

#endif
