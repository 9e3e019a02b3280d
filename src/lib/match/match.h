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

/*
 * The rule that decided a verdict.  Stable codes: the CLI and the API
 * turn them (with the facts) into sentences; docs/matching.md lists them.
 */
enum match_rule {
	MATCH_RULE_NO_SOFTWARE = 0, /* no installed software matches */
	MATCH_RULE_PLATFORM, /* products only for other platforms */
	MATCH_RULE_ALL_VERSIONS, /* the product lists no version */
	MATCH_RULE_EXACT, /* an exact version equals the installed one */
	MATCH_RULE_RANGE, /* a range contains the installed version */
	MATCH_RULE_AT_OR_ABOVE_FIX, /* at or above a fixed version */
	MATCH_RULE_OUTSIDE_AFFECTED, /* outside every affected version */
	MATCH_RULE_BELOW_FIX, /* below a fix, no affected version listed */
	MATCH_RULE_NOT_LISTED, /* not among the versions, none affected */
	MATCH_RULE_NO_VERSION, /* nothing installed to compare with */
	MATCH_RULE_CMP_ERROR, /* versions cannot be compared */
	MATCH_RULE_RANGE_UNUSABLE, /* the range could not be parsed */
	MATCH_RULE_RANGE_UNSUPPORTED, /* the range's scheme has no ordering */
	MATCH_RULE_RANGE_ERROR, /* the version cannot be compared with it */
	MATCH_RULE_RELEASE, /* products only for other distributions/releases */
	MATCH_RULE_COUNT
};

/* How the installed software was found to be the product. */
enum match_via {
	MATCH_VIA_NONE = 0,
	MATCH_VIA_NAME, /* normalised name (perhaps through an alias) */
	MATCH_VIA_PURL, /* package URL without version */
	MATCH_VIA_CPE, /* CPE part:vendor:product */
	MATCH_VIA_SOURCE, /* the distribution source package it was built from */
};

#define MATCH_LISTED_MAX 4

/*
 * What the rule looked at.  Every pointer borrows from the advisory, the
 * inventory or the matcher and lives as long as they do.
 */
struct match_facts {
	enum match_via via;
	const char *name; /* the product name the key was made from */
	const char *key; /* the product's normalised name key, or NULL */
	const char *alias; /* its alias group's canonical key, or NULL */
	const char *version; /* the installed version compared, or NULL */
	const char *source; /* SOURCE: the source package compared */
	const char *distro; /* the product's distribution ("Debian"), or NULL */
	const char *release; /* its release ("12"), or NULL */
	const char *host_distro; /* RELEASE: the host's distribution */
	const char *host_release; /* and release, or NULL */
	const char *bound; /* the product version compared, or NULL */
	const char *range; /* the product range as written, or NULL */
	const struct vers_range *vr; /* the parsed range, or NULL */
	const char *range_err; /* why the range could not be parsed */
	enum version_scheme scheme; /* the ordering used */
	int err; /* RP_ERR_* of a failed comparison, else 0 */
	int contains; /* EXACT/RANGE: 1 equal / contained, 0 not */
	int has_status; /* status below is set */
	enum adv_status status; /* the deciding product's status */
	const char *fix_version; /* the version to upgrade to, or NULL */
	enum os_family host_os; /* the host's OS family */
	unsigned os_mask; /* PLATFORM: 1 << family the products are for */
	/* Other product IDs the rule names (OUTSIDE_AFFECTED, NOT_LISTED). */
	const struct adv_product *listed[MATCH_LISTED_MAX];
	size_t nlisted;
	int more_listed; /* there were more than MATCH_LISTED_MAX */
};

/* One verdict for one (host, advisory, software) triple. */
struct match_result {
	const struct inv_host *host;
	const struct advisory *adv;
	const struct inv_software *sw; /* NULL: nothing installed matched */
	const struct adv_product *product; /* deciding product, or NULL */
	const struct adv_vuln *vuln; /* deciding vulnerability, or NULL */
	enum match_verdict verdict;
	enum match_rule rule;
	struct match_facts f;
};

/* Results of one or more hosts (no strings of their own). */
struct match_results {
	struct match_result *v;
	size_t n, cap;
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
 * advisory with no matching software.  Results borrow h, its software,
 * the advisories and the matcher (their facts point into all of them).  A matcher checks one host at a time (it keeps scratch
 * state): use one matcher per thread.  Returns 0 or RP_ERR_NOMEM.
 */
int matcher_check_host(
    struct matcher *m, const struct inv_host *h, struct match_results *out);

/* An all-zero struct match_results is empty; free it after use. */
void match_results_free(struct match_results *r);

const char *match_verdict_name(enum match_verdict v); /* "affected", ... */
/* Stable tokens for rules and identity ("range", "at_or_above_fix"). */
const char *match_rule_name(enum match_rule r);
const char *match_via_name(enum match_via v);
/*
 * The remediations that apply to a result's product, in the order vendor
 * fixes first: calls fn for each (at most 16, duplicates by category and
 * text dropped).  For presenters; returns the number given to fn.
 */
size_t match_result_remediations(const struct match_result *r,
    void (*fn)(const struct adv_remediation *, void *), void *arg);
/*
 * The sentences of a result, as `rampart check` and the server's findings
 * show them (docs/matching.md): the reason, one line, and what to do about
 * it, one line (NULL when nothing is known to do, or the text is too
 * long).  The caller frees; match_reason returns NULL only on ENOMEM.
 */
char *match_reason(const struct match_result *r);
char *match_remediation(const struct match_result *r);

/*
 * The lookup keys of sw: every key under which the matcher looks for
 * products naming it (its name keys through the alias table, purl
 * without version, CPE vendor:product, source package), each given to
 * fn once.  A product can match sw only if one of its index keys
 * (matcher_index_keys) is among them, so a store can keep both and find
 * what to evaluate again without evaluating everything.  Stops at and
 * returns fn's first non-zero return; else 0.
 */
int matcher_software_keys(const struct matcher *m,
    const struct inv_software *sw, int (*fn)(const char *key, void *arg),
    void *arg);
/* Every index key of the products added to m, each once, to fn. */
int matcher_index_keys(
    const struct matcher *m, int (*fn)(const char *key, void *arg), void *arg);

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
