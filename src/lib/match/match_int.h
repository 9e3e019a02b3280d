/*
 * Internals of src/lib/match shared between its files: the string hash
 * map behind the product index and the alias table, name keys, and the
 * matcher's per-product record.  Nothing here is part of the public API.
 */
#ifndef RP_MATCH_INT_H
#define RP_MATCH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "match.h"
#include "version/version.h"

/* Longest normalised key kept; longer names are cut (still unique enough). */
#define MATCH_KEY_MAX 256
/* Products indexed by one matcher (the benchmark uses 10 000). */
#define MATCH_PRODUCTS_MAX (4u * 1024 * 1024)
/* Entries of one string map. */
#define STRMAP_MAX (16u * 1024 * 1024)

/* ---- strmap.c: string -> list of size_t ---- */

struct strmap_entry {
	uint64_t hash;
	size_t *v;
	size_t nv, capv; /* capv 0: v is fixed, in the entry's own block */
	char key[];
};

struct strmap {
	struct rp_hashtab *t; /* key -> entry; NULL until the first add */
	size_t n;
};

void strmap_init(struct strmap *m);
void strmap_clear(struct strmap *m);
/* The entry for key, or NULL. */
struct strmap_entry *strmap_get(const struct strmap *m, const char *key);
/* The same with the key's strmap_hash() already known. */
struct strmap_entry *strmap_get_h(
    const struct strmap *m, const char *key, uint64_t h);
/* The key's hash (util/hashtab.h rp_hash, keyed per process). */
uint64_t strmap_hash(const char *key);
/*
 * Appends val to key's list (creating the entry); a value equal to the
 * last one in the list is not repeated.  Returns 0, RP_ERR_NOMEM or
 * RP_ERR_LIMIT.
 */
int strmap_add(struct strmap *m, const char *key, size_t val);
/*
 * Adds key with the fixed list v[0..n), kept in the entry's own block
 * (strmap_add() may not extend it).  Returns 0, RP_ERR_NOMEM, RP_ERR_LIMIT,
 * or RP_ERR_INTERNAL when key is present.
 */
int strmap_put(struct strmap *m, const char *key, const size_t *v, size_t n);
/* Calls fn for every entry (order unspecified). */
void strmap_foreach(
    struct strmap *m, void (*fn)(struct strmap_entry *, void *), void *arg);

/* ---- normalize.c ---- */

/*
 * The identity key of a product or software name: words that are versions
 * ("18.12.416", "v2.1") and a trailing platform designation ("for
 * Windows", "(macOS)", "- Android") are dropped, the rest normalised.  The
 * platform named, if any, goes to *os (may be NULL).  Returns the key's
 * length (0: nothing left to match on).
 */
size_t match_name_key(
    const char *name, char *out, size_t outlen, enum os_family *os);
/* A vendor name normalised, legal-form words ("Inc", "GmbH") dropped. */
size_t match_vendor_key(const char *vendor, char *out, size_t outlen);
/*
 * The key of a package URL without version, qualifiers and subpath:
 * "purl:type/namespace/name", lower-cased and percent-decoded.  Writes the
 * type alone to type (may be NULL).  Returns the length, 0 if not a purl.
 */
size_t match_purl_key(
    const char *purl, char *out, size_t outlen, char *type, size_t typelen);
/*
 * The name (last path segment) and version of a package URL, decoded; the
 * version gets an "epoch=" qualifier as prefix ("1:2.0-3").  Either is ""
 * when absent.  Returns the name's length, 0 if not a purl.
 */
size_t match_purl_parts(const char *purl, char *name, size_t namelen,
    char *version, size_t versionlen);
/* "cpe:part:vendor:product" from a CPE 2.2 URI or 2.3 string; 0 if none. */
size_t match_cpe_key(const char *cpe, char *out, size_t outlen);
/* The OS family an OSV ecosystem implies ("Debian:12" -> LINUX). */
enum os_family match_ecosystem_os(const char *ecosystem);

/* ---- distro.c ---- */

#define DISTRO_REL_MAX 24

enum distro_id {
	DISTRO_NONE = 0, /* not a distribution's package, or not known */
	DISTRO_DEBIAN,
	DISTRO_UBUNTU,
	DISTRO_RHEL,
	DISTRO_CENTOS,
	DISTRO_ALMALINUX,
	DISTRO_ROCKY,
	DISTRO_SLES,
	DISTRO_OPENSUSE,
	DISTRO_ALPINE,
	DISTRO_MAGEIA,
	DISTRO_OPENEULER,
	DISTRO_AZURE,
};

/* A distribution and release ("" when the release is not known). */
struct distro {
	enum distro_id id;
	int fips; /* an Ubuntu Pro FIPS stream */
	char rel[DISTRO_REL_MAX]; /* "12", "22.04", "8.6": digits and dots */
};

enum distro_fit {
	DISTRO_FIT_YES, /* same, or one side does not say */
	DISTRO_FIT_OTHER_DISTRO,
	DISTRO_FIT_OTHER_RELEASE,
};

/* Each returns 1 and fills *d when s names a distribution, else 0. */
int distro_from_ecosystem(const char *eco, struct distro *d);
int distro_from_cpe(const char *cpe, struct distro *d);
int distro_from_name(const char *name, const char *version, struct distro *d);
/* Also sets *source when the purl names a source package (arch=source). */
int distro_from_purl(const char *purl, struct distro *d, int *source);
/*
 * Whether a product for prod applies to a host running host; version
 * is the installed one (Ubuntu's FIPS streams apply to FIPS builds).
 */
enum distro_fit distro_fit(
    const struct distro *prod, const struct distro *host, const char *version);
const char *distro_label(enum distro_id id); /* "Debian", or NULL */
/*
 * The one spelling of a distribution's purl namespace: "redhat" and
 * "rhel" (and CentOS's "centos") are one, "suse" and "sles" are one, and
 * so on.  Returns the distribution's names list, whose first word up to
 * '|' is the canonical one; NULL when ns names no distribution.
 */
const char *distro_ns_canon(const char *ns);
/* Whether the distribution's advisories name source packages. */
int distro_names_source(enum distro_id id);

/* ---- alias.c ---- */

struct alias_table {
	struct strmap names; /* normalised name -> group number */
	char **canon; /* group -> canonical key (its first name) */
	size_t ncanon, capcanon;
};

int alias_init(struct alias_table *t); /* with the built-in entries */
void alias_free(struct alias_table *t);
int alias_add(struct alias_table *t, const char *a, const char *b);
/* The canonical key for a normalised key (key itself when no alias). */
const char *alias_canon(const struct alias_table *t, const char *key);
/* The same; *h holds key's hash on entry and the result's on return. */
const char *alias_canon_h(
    const struct alias_table *t, const char *key, uint64_t *h);

/* ---- match.c: the per-product record ---- */

struct mstat {
	uint32_t vuln;
	uint8_t status; /* enum adv_status */
};

struct mrem {
	uint32_t vuln, rem;
};

struct mprod {
	/* Read for every candidate of every package: kept together. */
	size_t adv; /* index into matcher->advs */
	const struct adv_product *p; /* as the statuses list it */
	const char *version, *range; /* effective: see below */
	enum os_family os;
	enum match_via via; /* the strongest key it has */
	/* Order key of each bound of vr, when every bound has one (made
	   when the product is indexed), or NULL; bit r of kin: vr contains
	   the versions of region r among them (match.c mprod_keys()); the
	   keys are of scheme kscheme (vr's). */
	struct version_key *bkey;
	uint64_t kin;
	uint32_t nbkey;
	enum version_scheme kscheme;
	struct mstat *st;
	size_t nst;
	const struct vers_range *vr; /* the reader's parsed range, or NULL */
	/* Effective fields: the product's own, else its relationship's
	   component's. */
	const char *vendor, *product, *purl, *cpe;
	const char *platform; /* for people: "Microsoft Windows" */
	enum version_scheme scheme; /* declared by the advisory, or UNKNOWN */
	int vr_ok; /* vr's bounds are valid: vers_contains_valid() */
	uint32_t *bcls; /* rank class of each bound of vr (vrank.c), or NULL */
	const char *range_err; /* why range could not be parsed */
	char *ident; /* the name the key was made from, for people */
	char *name_key, *vname_key; /* before aliasing */
	char *purl_key, *cpe_key; /* or NULL */
	char *vendor_key;
	const char *canon; /* alias group key of name_key, or NULL */
	char *purl_version; /* the purl's version, used as the exact one */
	struct distro dist; /* the distribution it is for, if any */
	int by_source; /* names a source package: matched by src_key */
	char *src_key; /* "src:deb:openssl", or NULL */
	struct mrem *rem;
	size_t nrem;
};

/* ---- vrank.c: installed versions placed among the bounds once ---- */

#define VRANK_SCHEMES (VERSION_SCHEME_GENERIC + 1)
#define VRANK_INVALID SIZE_MAX /* the version is not valid in the scheme */

struct vrank {
	char **cls; /* one bound per class of equal versions, ascending */
	size_t ncls;
	struct strmap seen; /* installed version -> its position */
};

struct vrank_arg {
	size_t pos; /* the installed version's position */
	const uint32_t *bcls; /* the range's bound classes */
};

struct matcher;
/* Ranks every rankable range bound; returns 0 or RP_ERR_NOMEM. */
int vrank_build(struct matcher *m);
void vrank_free(struct matcher *m);
/* The position of valid-or-not version v in scheme s (VRANK_INVALID). */
int vrank_pos(
    struct matcher *m, enum version_scheme s, const char *v, size_t *pos);
/* vers_contains_by() comparator over a struct vrank_arg. */
int vrank_cmp(size_t i, void *arg, int *any);

struct madv {
	const struct advisory *a;
	size_t first, n; /* its products in matcher->prods */
	size_t stamp; /* last host that matched it */
};

/*
 * Tables of the identity cache: keys of several parts in table 0, plain
 * names of software that is not a distribution's package in table 0 too
 * (no separator in them), plain names of deb, rpm and apk packages in
 * tables 1 to 3 (they also match by source package, so a dpkg "openssl"
 * and a snap "openssl" have other candidates).
 */
#define MATCH_CACHE_TABLES 4

struct matcher {
	struct alias_table alias;
	struct madv *advs;
	size_t nadvs, capadvs;
	struct mprod *prods;
	size_t nprods, capprods;
	struct strmap index; /* canonical key -> indices into prods */
	int dirty; /* an alias came after products: rebuild index */
	size_t stamp; /* hosts checked so far */
	size_t *scratch; /* candidate list of one package */
	size_t nscratch, capscratch;
	size_t *compat; /* candidates for the host's platform (capscratch) */
	/* Software identity -> candidates, so that a package name seen on
	   many hosts is reduced to keys once: each entry holds the
	   candidate indices in its own block (strmap_put()).  Cleared when
	   products change. */
	struct strmap cache[MATCH_CACHE_TABLES];
	struct distro hdist; /* the host being checked */
	struct distro swdist; /* the package's, when the host's is unknown */
	size_t cache_gen; /* times the cache was emptied */
	struct vrank ranks[VRANK_SCHEMES];
	int ranks_dirty; /* products changed since vrank_build() */
	/* The installed version being checked: its order key per scheme,
	   read once per package (khave: 0 not yet, 1 read, 2 none). */
	const char *kver;
	unsigned char khave[VRANK_SCHEMES];
	struct version_key key[VRANK_SCHEMES];
	char ckbuf[1024]; /* the identity cache key being looked up */
};

/* Entries of the identity cache before it is cleared and refilled. */
#define MATCH_CACHE_MAX 65536

/* ---- eval.c ---- */

/*
 * Decides the verdict of software sw on host h for the candidate products
 * cand[0..n) of one advisory (identity already matched) and appends the
 * result to out.  Returns 0 or RP_ERR_NOMEM.
 */
int match_eval(struct matcher *m, const struct inv_host *h, enum os_family hos,
    const struct inv_software *sw, const size_t *cand, size_t n,
    struct match_results *out);
/* Room for n results in out (grown at once, not result by result). */
int match_results_reserve(struct match_results *out, size_t n);
/* Appends the "no installed software matches" result for advisory ai. */
int match_eval_nomatch(const struct matcher *m, const struct inv_host *h,
    size_t ai, struct match_results *out);

#endif
