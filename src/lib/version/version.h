/*
 * Version schemes and version ranges.  Every comparison is exact for its
 * scheme: Debian as dpkg compares, RPM as rpmvercmp, SemVer 2.0.0
 * precedence, and "generic" dotted vendor versions (3CX's 18.12.416, which
 * Windows reports as 18.12.416.0).  Ranges are package-url "vers:" strings
 * and the CSAF "vls" forms seen in real advisories ("<V3.0.29",
 * ">= 8.1.5", "All versions").
 */
#ifndef RP_VERSION_H
#define RP_VERSION_H

#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

enum version_scheme {
	VERSION_SCHEME_UNKNOWN = 0,
	VERSION_SCHEME_DEB, /* [epoch:]upstream[-revision] */
	VERSION_SCHEME_RPM, /* [epoch:]version[-release], rpmvercmp */
	VERSION_SCHEME_SEMVER, /* SemVer 2.0.0 */
	VERSION_SCHEME_GENERIC, /* dotted numbers, letters may follow */
};

/*
 * Maps a scheme name to its enum.  Accepts Rampart's names ("deb", "rpm",
 * "semver", "generic") and the vers/purl type names that use one of these
 * orderings ("debian", "npm", "cargo", "golang", ...).  Returns 0, or
 * RP_ERR_NOTFOUND for a scheme Rampart does not implement.
 */
int version_scheme_from_name(const char *name, enum version_scheme *out);
/* The canonical name of a scheme ("deb", "rpm", "semver", "generic"). */
const char *version_scheme_name(enum version_scheme s);

/*
 * Whether s is a well-formed version in the scheme (for generic: printable
 * ASCII with a letter or digit, no leading or trailing space; see
 * docs/versions.md).  Returns 1 or 0; on 0 and when why is not NULL, *why
 * points to a static explanation.
 */
int version_valid(enum version_scheme s, const char *v, const char **why);

/*
 * What the reference tool only warns about in a version it accepts (dpkg
 * prints "warning: version '...' has bad syntax").  Only the Debian scheme
 * has warnings today.
 */
enum version_warning {
	VERSION_WARN_NONE = 0,
	VERSION_WARN_NO_LEADING_DIGIT, /* deb: upstream starts with no digit */
	VERSION_WARN_BAD_CHAR, /* deb: upstream has a char outside [A-Za-z0-9.+~:-] */
	VERSION_WARN_BAD_REVISION_CHAR, /* deb: revision outside [A-Za-z0-9.+~] */
};

struct version_check {
	int valid; /* 1 when the scheme accepts v (perhaps with a warning) */
	enum version_warning
	    warning; /* VERSION_WARN_NONE when valid and clean */
	const char *why; /* static text of the error or warning, else NULL */
};

/*
 * Checks v in scheme s as the scheme's reference tool reads it and fills
 * *out.  A version accepted with a warning is valid: version_valid() and
 * version_compare() take it.
 */
void version_check(
    enum version_scheme s, const char *v, struct version_check *out);

/*
 * Compares a and b in scheme s, a total order (rpm: librpm's rpmverCmp(),
 * where a missing release sorts before every release).  Sets *cmp to <0,
 * 0, >0.  Returns 0, or
 * RP_ERR_INVALID when either is not a valid version of the scheme (then
 * *cmp is 0), or RP_ERR_ARG for VERSION_SCHEME_UNKNOWN.
 */
int version_compare(
    enum version_scheme s, const char *a, const char *b, int *cmp);

/*
 * Compares installed version v with a bound b (an exact product version
 * or a range endpoint) as the scheme's dependency ranges do.  For rpm a
 * side without a release matches every release of its version (rpm's
 * rpmverOverlap()): "5.14.0-570.el9" against bound "5.14.0" gives 0,
 * where version_compare() gives >0.  Other schemes: as version_compare().
 * Same returns as version_compare().
 */
int version_compare_bound(
    enum version_scheme s, const char *v, const char *b, int *cmp);

/*
 * Guesses the scheme of a bare version string where nothing else says:
 * SemVer when it is a strict SemVer, otherwise generic.
 */
enum version_scheme version_scheme_guess(const char *v);

/*
 * An order key: the common shapes of versions ("1.2.3-4" in deb, "1.2.3"
 * in semver, "18.12.416" in generic; see vkey.c) as numbers that compare
 * with version_key_cmp() exactly as version_compare() compares the
 * versions, so one version compared with many is read once.
 */
struct version_key {
	uint64_t w[4];
};

/*
 * Fills *k with the key of v in scheme s.  Returns 1, or 0 when v has no
 * key (another shape, an invalid version, rpm): then compare the strings.
 * A version with a key is valid in s.  Keys of different schemes do not
 * compare.
 */
int version_key(enum version_scheme s, const char *v, struct version_key *k);

/* <0, 0, >0 as the versions of a and b (keys of one scheme) compare. */
static inline int
version_key_cmp(const struct version_key *a, const struct version_key *b)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	}
	return 0;
}

/* ---- ranges ---- */

enum vers_op {
	VERS_OP_EQ, /* "=" (or no operator) */
	VERS_OP_NE, /* "!=" */
	VERS_OP_LT, /* "<" */
	VERS_OP_LE, /* "<=" */
	VERS_OP_GT, /* ">" */
	VERS_OP_GE, /* ">=" */
	VERS_OP_ANY, /* "*": every version */
};

struct vers_constraint {
	enum vers_op op;
	char *version; /* NULL for VERS_OP_ANY */
};

/*
 * A parsed range.  `scheme_name` is the vers versioning scheme as written
 * (lower-cased), `scheme` the ordering Rampart uses for it, UNKNOWN when it
 * has none (containment then fails with RP_ERR_UNSUPPORTED).  Constraints
 * are kept sorted by version as the vers spec requires.
 */
struct vers_range {
	char *scheme_name;
	enum version_scheme scheme;
	struct vers_constraint *c;
	size_t n;
};

/*
 * Parses a canonical "vers:<scheme>/<constraints>" string exactly as the
 * vers spec defines it: lowercase "vers" and scheme, no spaces, constraints
 * sorted and unique, "*" alone.  Returns 0 and sets *out (caller frees with
 * vers_range_free), or RP_ERR_INVALID with an explanation added to d.  A
 * version that is not valid in a known scheme is only a warning here (the
 * vers grammar does not depend on the scheme); vers_contains() then
 * returns RP_ERR_INVALID.
 */
int vers_parse(const char *s, struct vers_range **out, struct rp_diags *d);

/*
 * Parses the same leniently, as real advisories write it: case-insensitive
 * prefix and scheme, spaces around operators and "|", unsorted
 * constraints, a leading "v"/"V" on versions ("vers:all/<V4.3.8", read as
 * "vers:generic/<4.3.8").  Sorts and simplifies the result; versions must
 * be valid in the scheme.  Quirks that were repaired are reported as
 * warnings to d.
 */
int vers_parse_tolerant(
    const char *s, struct vers_range **out, struct rp_diags *d);

/*
 * Builds a range of vers type `type` from constraints already split (an
 * OSV record's events), as vers_parse_tolerant() reads the same range
 * written out: versions taken as they are (no percent-decoding; printable
 * ASCII only), checked in the scheme, sorted and simplified.  The
 * constraints are copied.  input names the range in messages (NULL: the
 * type).  Same returns as vers_parse_tolerant().
 */
int vers_build(const char *type, const struct vers_constraint *c, size_t n,
    const char *input, struct vers_range **out, struct rp_diags *d);

/*
 * Parses a CSAF "vls" product_version_range such as "<V3.0.29",
 * ">= 8.1.5", "< V4.1.3", ">=1.0 <2.0", "All versions", comparing in
 * scheme `scheme` (GENERIC when unsure).  Returns 0, RP_ERR_INVALID (with
 * the reason in d) when it is not a range.
 */
int vls_parse(const char *s, enum version_scheme scheme,
    struct vers_range **out, struct rp_diags *d);

/*
 * Whether version v lies in range r, following the vers spec's algorithm.
 * Sets *in to 1 or 0.  Returns 0; RP_ERR_UNSUPPORTED when r's scheme has no
 * ordering here; RP_ERR_INVALID when v (or a bound) is not a valid version
 * of the scheme.
 */
int vers_contains(const struct vers_range *r, const char *v, int *in);
/*
 * Whether every bound of r is a valid version of its scheme (and the
 * scheme is ordered here), so that vers_contains_valid() may be used.
 */
int vers_range_valid(const struct vers_range *r);
/*
 * vers_contains() without the checks, for callers that test one range
 * many times: r must pass vers_range_valid() and v version_valid() in
 * r->scheme.  Each bound is compared once.  Returns 0.
 */
int vers_contains_valid(const struct vers_range *r, const char *v, int *in);
/*
 * The same algorithm with the comparisons given: cmp_at(i, arg, &any)
 * returns <0, 0, >0 as the version tested compares with r->c[i].version
 * (never called for "*"), and sets any when an equal bound matches every
 * relation (rpm: a version without release against a bound with one).
 * For callers that order versions their own way (the matcher ranks the
 * installed versions once).  Returns 0.
 */
int vers_contains_by(const struct vers_range *r,
    int (*cmp_at)(size_t, void *, int *), void *arg, int *in);

/*
 * Formats r canonically ("vers:deb/>=1.0|<2.0"); the caller frees the
 * string.  Returns NULL when out of memory.
 */
char *vers_to_string(const struct vers_range *r);

void vers_range_free(struct vers_range *r);

/*
 * Package ecosystems as the OSV schema names them ("Debian", "crates.io",
 * "Red Hat"): one table (ecosystem.c) for every reader and the matcher,
 * saying which version ordering each has and whether it is an operating
 * system distribution whose advisories name source packages.
 */
/* ecosystem.flags */
#define ECO_DISTRO 0x1 /* an operating system distribution's packages */
#define ECO_SOURCE 0x2 /* its advisories name source packages */

struct ecosystem {
	const char *name; /* as the schema spells it */
	const char *scheme; /* Rampart's ordering ("deb"), NULL when none */
	const char *vers; /* the vers versioning scheme ("cargo"), or NULL */
	unsigned flags;
};

/*
 * The row of an ecosystem, by the part before the first ':' ("Debian:12"
 * -> Debian; names are compared exactly, as the schema defines them).
 * NULL when the OSV schema does not define it.
 */
const struct ecosystem *ecosystem_lookup(const char *eco);

#endif
