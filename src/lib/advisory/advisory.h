/*
 * The advisory model: one representation for CSAF 2.0, OSV and Rampart's
 * native JSON advisories, so matching, reports and the server never care
 * where an advisory came from.
 *
 * All strings and arrays of a struct advisory belong to its arena and are
 * freed by advisory_free(); callers treat them as read-only.  Product IDs
 * referenced from statuses, remediations, threats and scores are already
 * expanded from product groups, and each refers to an entry of
 * products[] (unknown IDs are reported and dropped).
 */
#ifndef RP_ADVISORY_H
#define RP_ADVISORY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/diag.h"
#include "version/version.h"

struct rp_arena;

enum adv_format {
	ADV_FORMAT_AUTO = 0, /* detect from the document */
	ADV_FORMAT_CSAF,
	ADV_FORMAT_OSV,
	ADV_FORMAT_NATIVE,
};

/* CSAF product status groups (CSAF 2.0 section 3.2.3.9). */
enum adv_status {
	ADV_STATUS_FIRST_AFFECTED,
	ADV_STATUS_KNOWN_AFFECTED,
	ADV_STATUS_LAST_AFFECTED,
	ADV_STATUS_FIRST_FIXED,
	ADV_STATUS_FIXED,
	ADV_STATUS_RECOMMENDED,
	ADV_STATUS_KNOWN_NOT_AFFECTED,
	ADV_STATUS_UNDER_INVESTIGATION,
	ADV_STATUS_COUNT
};

/* CSAF remediation categories (section 3.2.3.12.2). */
enum adv_rem_category {
	ADV_REM_VENDOR_FIX,
	ADV_REM_WORKAROUND,
	ADV_REM_MITIGATION,
	ADV_REM_NO_FIX_PLANNED,
	ADV_REM_NONE_AVAILABLE,
};

enum adv_ioc_type {
	ADV_IOC_SHA256,
	ADV_IOC_SHA1,
	ADV_IOC_MD5,
	ADV_IOC_FILENAME,
	ADV_IOC_DOMAIN,
	ADV_IOC_IP,
	ADV_IOC_URL,
	ADV_IOC_YARA, /* value holds the rule text */
};

struct adv_hash {
	char *algorithm; /* "sha256", ... as written */
	char *value;
	char *filename;
};

/* A product as the advisory names it (a CSAF full_product_name). */
struct adv_product {
	char *id; /* CSAF product_id; OSV/native: synthetic and unique */
	char *name; /* full product name, for people */
	char *vendor; /* nearest "vendor" branch / OSV: ecosystem owner */
	char *product; /* nearest "product_name" branch / OSV package */
	char *family; /* nearest "product_family" branch */
	char *version; /* exact version ("product_version"), or NULL */
	char *range; /* "product_version_range" (vers: or vls) as written,
			for people; NULL when the product has none */
	/*
	 * The range parsed once by the reader (in the arena: never pass it
	 * to vers_range_free), or NULL when there is none or it could not
	 * be parsed; then range_err says why (static or arena text).
	 */
	const struct vers_range *vr;
	const char *range_err;
	char *platform; /* where it runs: "architecture" branch or the
			   target of an installed_on/running_on relationship */
	char *ecosystem; /* OSV ecosystem ("Debian:12", "npm"), or NULL */
	/* The ordering the advisory declares for the product: its scheme,
	   else its purl type, else its OSV ecosystem; UNKNOWN when none. */
	enum version_scheme scheme;
	char *cpe; /* CPE 2.2 or 2.3 */
	char *purl;
	struct adv_hash *hashes;
	size_t nhashes;
	char **model_numbers;
	size_t nmodel_numbers;
	char **serial_numbers;
	size_t nserial_numbers;
	char **skus;
	size_t nskus;
	/* Set when this product comes from a CSAF relationship. */
	char *rel_category; /* "default_component_of", "installed_on", ... */
	char *rel_component; /* product_reference: the component's ID */
	char *rel_target; /* relates_to_product_reference */
	char *branch_path; /* "3CX > 3CX Desktop App > 18.12.416", for show */
};

struct adv_group {
	char *id;
	char *summary;
	char **product_ids;
	size_t nproduct_ids;
};

struct adv_remediation {
	enum adv_rem_category category;
	char *details; /* the source's text, or NULL */
	/* The version to upgrade to where the source gives it as data (an
	   OSV "fixed" event, a native entry's "fixed") rather than text;
	   presenters write the advice. */
	char *fix_version;
	char *url;
	char *date;
	char **product_ids; /* groups expanded */
	size_t nproduct_ids;
};

struct adv_threat {
	char *category; /* "impact", "exploit_status", "target_set" */
	char *details;
	char **product_ids;
	size_t nproduct_ids;
};

struct adv_score {
	char *cvss_version; /* "2.0", "3.0", "3.1" */
	char *vector;
	double base_score;
	char *base_severity; /* NULL for CVSS v2 */
	char **product_ids;
	size_t nproduct_ids;
};

struct adv_note {
	char *category; /* "summary", "description", "details", ... */
	char *title;
	char *text;
};

struct adv_vuln {
	char *cve; /* may be NULL */
	char **ids; /* other IDs: GHSA-..., OSV aliases, vendor IDs */
	size_t nids;
	char *title;
	char *cwe_id;
	char *cwe_name;
	char **status[ADV_STATUS_COUNT]; /* product IDs per status */
	size_t nstatus[ADV_STATUS_COUNT];
	struct adv_remediation *remediations;
	size_t nremediations;
	struct adv_threat *threats;
	size_t nthreats;
	struct adv_score *scores;
	size_t nscores;
	struct adv_note *notes;
	size_t nnotes;
};

struct adv_indicator {
	enum adv_ioc_type type;
	char *value;
	char *comment;
	uint64_t size; /* file size in bytes for hashes, 0 if unknown */
};

struct advisory {
	struct rp_arena *arena; /* owns everything below */
	enum adv_format format;
	char *id; /* tracking ID / OSV id */
	char *title;
	char *publisher;
	char *
	    category; /* CSAF document category, e.g. "csaf_security_advisory" */
	char *status; /* "final", "interim", "draft" */
	char *version; /* document version */
	char *initial_release;
	char *current_release;
	char *lang;
	char *severity; /* aggregate severity text, if any */
	char **references; /* URLs */
	size_t nreferences;
	struct adv_note *notes;
	size_t nnotes;
	struct adv_product *products;
	size_t nproducts;
	struct adv_group *groups;
	size_t ngroups;
	struct adv_vuln *vulns;
	size_t nvulns;
	struct adv_indicator *iocs;
	size_t niocs;
	/* products[] in ID order for advisory_product(), or NULL (then the
	   lookup is linear); set by advisory_index_products(). */
	struct adv_product **by_id;
};

/*
 * Reads an advisory file.  fmt AUTO detects CSAF (document.csaf_version),
 * OSV (id + schema_version/affected/modified) and native
 * ("rampart_advisory").  Readers are tolerant: problems that do not stop
 * a meaningful import are warnings in d; problems that do are errors, and
 * then RP_ERR_INVALID is returned and *out stays NULL; a file that cannot
 * be loaded gives rpjson_load's code (RP_ERR_NOTFOUND when it does not
 * exist, RP_ERR_IO, RP_ERR_LIMIT).  The caller frees *out with
 * advisory_free.
 */
int advisory_read_file(const char *path, enum adv_format fmt,
    struct advisory **out, struct rp_diags *d);
/* As advisory_read_file for a parsed document (borrowed). */
int advisory_read_json(const json_t *root, enum adv_format fmt,
    struct advisory **out, struct rp_diags *d);
/* The format a document looks like, or ADV_FORMAT_AUTO when none. */
enum adv_format advisory_detect(const json_t *root);

/* Format-specific readers used by the above. */
int csaf_read(const json_t *root, struct advisory **out, struct rp_diags *d);
int osv_read(const json_t *root, struct advisory **out, struct rp_diags *d);
int native_advisory_read(
    const json_t *root, struct advisory **out, struct rp_diags *d);

/*
 * Validates a CSAF 2.0 document: the structure of the JSON schema and the
 * mandatory tests of section 6.1.  Every failure is an error in d whose
 * `test` is the test number ("6.1.6") or "schema", with a JSON pointer.
 * Returns 0 when valid, RP_ERR_INVALID when any test failed.
 */
int csaf_validate(const json_t *root, struct rp_diags *d);
/*
 * The test id of the note csaf_validate() adds where a CVSS v2 score
 * matches only the FIRST/NVD calculator's floating-point rounding (2.8
 * for 3.0 x 0.95) and not the specification's decimal rounding (2.9):
 * both are accepted by 6.1.9; no note means the decimal rounding matched.
 */
#define CSAF_NOTE_CVSS2_FLOAT "6.1.9-float-rounding"
/*
 * The work a validation did, so that tests can bound it by count instead
 * of by time.  expand_limit (in) caps the product group members expanded
 * by the group-based tests (0: the default of 4 Mi); expanded (out) is the
 * number that were.
 */
struct csaf_work {
	size_t expand_limit;
	size_t expanded;
};
/* As csaf_validate; w (may be NULL) sets the limit and gets the count. */
int csaf_validate_work(
    const json_t *root, struct rp_diags *d, struct csaf_work *w);

/* Looks up a product by ID; NULL when absent. */
const struct adv_product *advisory_product(
    const struct advisory *a, const char *id);
/*
 * Builds a->by_id so advisory_product() is a binary search; call it once
 * products[] is complete (csaf_read does).  Returns 0 or RP_ERR_NOMEM.
 */
int advisory_index_products(struct advisory *a);

/* Names for printing ("known_affected", "vendor_fix", "sha256"). */
const char *adv_status_name(enum adv_status s);
const char *adv_rem_category_name(enum adv_rem_category c);
const char *adv_ioc_type_name(enum adv_ioc_type t);
/* Parse a name back; returns 0 or RP_ERR_NOTFOUND. */
int adv_rem_category_from_name(const char *name, enum adv_rem_category *out);
int adv_ioc_type_from_name(const char *name, enum adv_ioc_type *out);

/*
 * Sets product p of a to the range text range (NULL: none), for code that
 * builds an advisory itself: the text is copied into a's arena and parsed
 * once, as the readers parse it (vers, else vls in p->scheme: set that
 * first), into p->vr; a range that does not parse keeps its text, with
 * the reason in p->range_err.  Returns 0 or RP_ERR_NOMEM.
 */
int advisory_product_range(
    struct advisory *a, struct adv_product *p, const char *range);

/* Allocates an empty advisory with its arena (for readers); NULL on ENOMEM. */
struct advisory *advisory_new(void);
void advisory_free(struct advisory *a);

#endif
