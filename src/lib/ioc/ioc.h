/*
 * Indicators of compromise and the rules bundle that carries them to the
 * agent: file hashes (with the file size when known), file names, domains,
 * IP addresses, URLs and YARA rule text, each with where it came from.
 * docs/bundle.md describes the JSON form.
 *
 * A struct ioc_bundle owns everything in its arena.  Values are stored
 * normalised: hashes lowercase hex, domains lowercase without a trailing
 * dot, IP addresses in the canonical inet_ntop form, defanged input
 * ("hxxp", "[.]") restored.
 */
#ifndef RP_IOC_H
#define RP_IOC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/diag.h"

struct rp_arena;

enum ioc_type {
	IOC_SHA256,
	IOC_SHA1,
	IOC_MD5,
	IOC_FILENAME, /* a file's base name, compared exactly */
	IOC_DOMAIN, /* the name and every name below it */
	IOC_IP, /* IPv4 or IPv6 address */
	IOC_URL,
	IOC_TYPE_COUNT
};

/*
 * What a match of an indicator is for: block (a detection to act on, the
 * default, so every reader that does not say is unchanged) or inform (a
 * fact worth showing that is too weak to act on, e.g. a MISP attribute
 * with to_ids false).
 */
enum ioc_mode {
	IOC_MODE_BLOCK = 0,
	IOC_MODE_INFORM,
};

struct ioc {
	enum ioc_type type;
	enum ioc_mode mode;
	const char *value; /* normalised, see above */
	uint64_t size; /* file size in bytes for hashes; 0 = unknown */
	const char *source; /* advisory ID or input file name, or NULL */
	const char *comment; /* or NULL */
};

struct ioc_yara {
	const char *name; /* label for reports: file name or advisory ID */
	const char *text; /* YARA source text */
	const char *source; /* or NULL */
};

struct ioc_bundle {
	struct rp_arena *arena;
	const char *created; /* RFC 3339 UTC, or NULL */
	const char **advisories; /* IDs of the advisories it was built from */
	size_t nadvisories;
	struct ioc *iocs;
	size_t niocs, capiocs;
	struct ioc_yara *yara;
	size_t nyara, capyara;
};

/* Limits on what a bundle may hold (bounded reading of hostile input). */
#define IOC_BUNDLE_MAX_IOCS 1000000
#define IOC_BUNDLE_MAX_YARA 10000
#define IOC_VALUE_MAX 8192
#define IOC_YARA_TEXT_MAX (16 * 1024 * 1024)

/* A new empty bundle; NULL when out of memory. */
struct ioc_bundle *ioc_bundle_new(void);
/* Frees b and all it owns; NULL is a no-op. */
void ioc_bundle_free(struct ioc_bundle *b);

/*
 * Normalises and validates value for its type and appends an indicator
 * (strings copied).  A duplicate (same type and value) is not added and
 * returns 0 with a warning in d.  Returns 0, RP_ERR_INVALID (value not
 * valid for the type; error in d naming what was expected), RP_ERR_LIMIT
 * or RP_ERR_NOMEM.
 */
int ioc_bundle_add(struct ioc_bundle *b, enum ioc_type type, const char *value,
    uint64_t size, const char *source, const char *comment, struct rp_diags *d);
/* Appends YARA rule text (copied; not compiled here).  Same returns. */
int ioc_bundle_add_yara(struct ioc_bundle *b, const char *name,
    const char *text, const char *source, struct rp_diags *d);
/*
 * Records an advisory ID the bundle was built from (copied; one line of
 * at most 256 bytes; a repeated ID is kept once).  Returns 0,
 * RP_ERR_INVALID, RP_ERR_LIMIT (10 000 IDs) or RP_ERR_NOMEM.
 */
int ioc_bundle_add_advisory(struct ioc_bundle *b, const char *id);
/*
 * Sets when the bundle was made (copied): an RFC 3339 date-time such as
 * "2023-03-30T12:00:00Z".  Returns 0, RP_ERR_INVALID or RP_ERR_NOMEM.
 */
int ioc_bundle_set_created(struct ioc_bundle *b, const char *rfc3339);

/*
 * Adds an advisory (advisory/advisory.h) to b as `rampart bundle
 * --advisory` does: records its ID, adds its indicators with the ID as
 * their source, its YARA rules as YARA entries named after their comment.
 * An indicator a bundle cannot carry is a warning in d and skipped.
 * yara_ok (may be NULL) is asked about each YARA text first (i: the
 * indicator's index); nonzero leaves it out and the call, after the
 * remaining indicators, returns RP_ERR_INVALID.  Returns 0,
 * RP_ERR_INVALID (no usable ID: error in d; or a refused YARA text),
 * RP_ERR_LIMIT or RP_ERR_NOMEM.
 */
struct advisory;
int ioc_bundle_add_advisory_doc(struct ioc_bundle *b, const struct advisory *a,
    int (*yara_ok)(void *arg, size_t i, const char *text), void *arg,
    struct rp_diags *d);

/*
 * Reads a bundle file / parsed document.  Problems name the JSON pointer.
 * Returns 0 (then *out is the caller's), RP_ERR_NOTFOUND, RP_ERR_IO,
 * RP_ERR_INVALID, RP_ERR_UNSUPPORTED (another bundle format version),
 * RP_ERR_LIMIT or RP_ERR_NOMEM; *out stays NULL on error.
 */
int ioc_bundle_read_file(
    const char *path, struct ioc_bundle **out, struct rp_diags *d);
int ioc_bundle_read_json(
    const json_t *root, struct ioc_bundle **out, struct rp_diags *d);
/* The bundle as JSON (caller decrefs); NULL on ENOMEM. */
json_t *ioc_bundle_write(const struct ioc_bundle *b);

/*
 * Reads an indicator list into b: a plain list (one indicator per line,
 * type recognised from its form; '#' comments), or a CSV file with a
 * header naming the type and value columns (the Sophos
 * "Indicator,Data,Note" and Volexity "value,entity_type,description"
 * layouts, where one cell may hold several hashes separated by commas).
 * Lines that are not indicators are warnings with their line number.
 * Returns 0, RP_ERR_NOTFOUND, RP_ERR_IO, RP_ERR_INVALID (nothing usable),
 * RP_ERR_LIMIT or RP_ERR_NOMEM.
 */
int ioc_list_read_file(
    const char *path, struct ioc_bundle *b, struct rp_diags *d);
int ioc_list_read_buf(const char *buf, size_t len, const char *name,
    struct ioc_bundle *b, struct rp_diags *d);

/*
 * What an import from a feed (MISP, STIX) read and what it left out, so
 * that nothing is dropped silently: entries of a kind the model does not
 * hold are counted by their type name ("link", "regkey|value",
 * "email-src"...).  Type names past IOC_IMPORT_MAX_TYPES distinct ones,
 * or longer than 63 bytes, are counted under "(other)".
 */
#define IOC_IMPORT_MAX_TYPES 64
struct ioc_import_skip {
	char type[64];
	size_t n;
};
struct ioc_import {
	size_t nread; /* indicators accepted (new or repeated) */
	size_t ninvalid; /* entries of a usable type with a bad value */
	size_t ndeleted; /* entries the feed marks deleted or revoked */
	size_t nskipped; /* entries of a type the model does not hold */
	struct ioc_import_skip skipped[IOC_IMPORT_MAX_TYPES];
	size_t nskiptypes;
};

/*
 * Reads a MISP event ({"Event": {...}}, or the bare event object) into b:
 * its Attribute[] and each Object[].Attribute[].  ip-src/ip-dst (also
 * "|port"), domain, hostname (also "|port"), domain|ip, url, md5, sha1,
 * sha256, filename and filename|md5/sha1/sha256 are kept; to_ids true
 * makes an indicator IOC_MODE_BLOCK, false or absent IOC_MODE_INFORM.
 * Other types are counted in *st (may be NULL) and each type is one note
 * in d; bad values are warnings at their JSON pointer.  Indicators carry
 * name (may be NULL: then the event's uuid) as their source.  Returns 0,
 * RP_ERR_INVALID (not a MISP event, or nothing usable in it),
 * RP_ERR_NOTFOUND / RP_ERR_IO (file), RP_ERR_LIMIT or RP_ERR_NOMEM.
 */
int ioc_misp_read_json(const json_t *root, const char *name,
    struct ioc_bundle *b, struct ioc_import *st, struct rp_diags *d);
int ioc_misp_read_file(const char *path, struct ioc_bundle *b,
    struct ioc_import *st, struct rp_diags *d);

/*
 * A MISP feed (a folder or URL with manifest.json, one <uuid>.json per
 * event and optionally hashes.csv) as docs/misp-feed.md describes it.
 * The manifest maps each event's UUID to a summary of it; only an entry
 * whose name is a UUID in MISP's lowercase 8-4-4-4-12 form is kept, so
 * that a UUID is safe as a file name and as a URL path.  Counts and
 * numbers are bounded; "timestamp" is required, the rest optional
 * (numbers as JSON numbers or numeric strings, as MISP and PyMISP write
 * them).  Members MISP may add later are ignored.
 */
#define IOC_MISP_FEED_MAX_EVENTS 100000
struct ioc_misp_manifest_event {
	char uuid[37]; /* checked: lowercase hex, safe as a file name */
	int64_t timestamp; /* last change, Unix seconds */
	int64_t publish_timestamp; /* 0 when absent */
	const char *info; /* title, or NULL */
	const char *org; /* Orgc.name, or NULL */
	const char *date; /* "2016-08-29", or NULL */
	const char *tlp; /* the first "tlp:..." tag, or NULL */
	int analysis; /* 0 initial, 1 ongoing, 2 completed; -1 absent */
	int threat_level; /* 1 high ... 4 undefined; -1 absent */
};
struct ioc_misp_manifest {
	struct rp_arena *arena; /* owns the strings */
	struct ioc_misp_manifest_event *events; /* sorted by uuid */
	size_t nevents;
};

/*
 * Reads a parsed manifest.json.  An entry that is not usable (name not
 * a UUID, not an object, bad timestamp) is a warning at its JSON pointer
 * and left out.  Returns 0 (then *out is the caller's,
 * ioc_misp_manifest_free), RP_ERR_INVALID (not an object, or entries but
 * none usable: error in d), RP_ERR_LIMIT (over IOC_MISP_FEED_MAX_EVENTS)
 * or RP_ERR_NOMEM; *out stays NULL on error.
 */
int ioc_misp_manifest_read_json(
    const json_t *root, struct ioc_misp_manifest **out, struct rp_diags *d);
/* Frees m; NULL is a no-op. */
void ioc_misp_manifest_free(struct ioc_misp_manifest *m);

/*
 * Reads a MISP feed folder into b: dir/manifest.json, then each listed
 * event dir/<uuid>.json with ioc_misp_read_json (to_ids true: block,
 * else inform), in UUID order, the UUID as the indicators' source.
 * hashes.csv is not needed (it only lets MISP look values up without
 * reading events).  A listed event that is missing or unusable is a
 * warning and skipped; its diagnostics' pointers start with
 * "<uuid>.json#".  *st (may be NULL) sums every event's counts.
 * Returns 0, RP_ERR_NOTFOUND / RP_ERR_IO (no readable manifest),
 * RP_ERR_INVALID (bad manifest, or no usable indicator in the feed),
 * RP_ERR_LIMIT or RP_ERR_NOMEM.
 */
int ioc_misp_feed_read_dir(const char *dir, struct ioc_bundle *b,
    struct ioc_import *st, struct rp_diags *d);

/*
 * Reads a STIX 2.1 bundle into b: each indicator object with
 * pattern_type "stix" whose pattern is made of equality tests
 * [domain-name:value = '...'], [ipv4-addr:value = ...],
 * [ipv6-addr:value = ...], [url:value = ...], [file:name = ...],
 * [file:hashes.'SHA-256' = ...] ('SHA-1', MD5), joined by AND or OR
 * inside one [...] or between them, with parentheses.  AND is read as
 * OR: each test is an indicator (IOC_MODE_BLOCK).  Any other pattern
 * (operators, objects, MATCHES, FOLLOWEDBY, WITHIN/REPEATS/START/STOP)
 * is an error quoting it at its JSON pointer (/objects/3/pattern).
 * Revoked indicators are counted as deleted, other objects and pattern
 * types as skipped in *st (may be NULL).  Returns 0; RP_ERR_INVALID when
 * a pattern or object was rejected (every object is still read, and the
 * indicators of the accepted ones are in b), when it is no bundle or
 * nothing in it was usable; RP_ERR_NOTFOUND / RP_ERR_IO (file),
 * RP_ERR_LIMIT or RP_ERR_NOMEM.
 */
int ioc_stix_read_json(const json_t *root, const char *name,
    struct ioc_bundle *b, struct ioc_import *st, struct rp_diags *d);
int ioc_stix_read_file(const char *path, struct ioc_bundle *b,
    struct ioc_import *st, struct rp_diags *d);

/* "sha256", "sha1", "md5", "filename", "domain", "ip", "url". */
const char *ioc_type_name(enum ioc_type t);
int ioc_type_from_name(const char *name, enum ioc_type *out);

/*
 * Normalises in as an indicator of the type named type into out (outlen
 * bytes): the types of ioc_type_name as the readers do (hashes lower
 * case, domains lower case without the final dot, canonical addresses,
 * defanged input restored), "cidr" an IPv4 or IPv6 network
 * address/prefix with the host bits cleared ("10.1.2.3/8" is
 * "10.0.0.0/8"), "yara" rule text kept as it is (UTF-8, at most
 * IOC_YARA_VALUE_MAX bytes).  Returns 0, RP_ERR_INVALID with *why a
 * static sentence saying what was expected, or RP_ERR_ARG.
 */
#define IOC_YARA_VALUE_MAX 65536
int ioc_value_normalize(const char *type, const char *in, char *out,
    size_t outlen, const char **why);

/*
 * A lookup index over a bundle's indicators for the sweep: hashes as
 * binary digests, sorted; names, domains and IPs in hash sets.  The
 * index borrows b, which must outlive it.
 */
struct ioc_index;

/* Returns 0 or RP_ERR_NOMEM; *out is the caller's (ioc_index_free). */
int ioc_index_new(const struct ioc_bundle *b, struct ioc_index **out);
void ioc_index_free(struct ioc_index *x);

/* How many indicators of a type the index holds. */
size_t ioc_index_count(const struct ioc_index *x, enum ioc_type t);
/*
 * Whether a file of this size could match some hash indicator: true when
 * any hash indicator has an unknown size or one has exactly this size.
 * The sweep skips hashing files for which this is false (and no YARA).
 */
int ioc_index_size_wanted(const struct ioc_index *x, uint64_t size);
/*
 * The indicator a binary digest (32, 20 or 16 bytes for SHA-256, SHA-1,
 * MD5) matches, or NULL.  An indicator with a known size matches only a
 * file of that size.
 */
const struct ioc *ioc_index_hash(const struct ioc_index *x, enum ioc_type t,
    const unsigned char *digest, uint64_t size);
/* The file-name indicator equal to base name, or NULL. */
const struct ioc *ioc_index_filename(
    const struct ioc_index *x, const char *base);
/* The IP indicator equal to addr (any textual form), or NULL. */
const struct ioc *ioc_index_ip(const struct ioc_index *x, const char *addr);
/* The domain indicator equal to name or a parent of it, or NULL. */
const struct ioc *ioc_index_domain(const struct ioc_index *x, const char *name);

#endif
