/*
 * CSAF 2.0 JSON schema checks (csaf_json_schema-2.0.json), hand-coded as
 * tables: each object type lists its properties with a checker and
 * whether it is required; arrays carry minItems and uniqueItems.  Errors
 * use test id "schema".  The CVSS objects (external FIRST schemas) are
 * checked by test 6.1.8 in csaf_validate_vulns.c.  The 2.0 schema does not
 * forbid additional properties, so unknown properties are not errors.
 */
#include <stdlib.h>
#include <string.h>

#include "csaf_validate_int.h"
#include "util/uri.h"
#include "util/ascii.h"

typedef void (*chk_fn)(struct vctx *c, const json_t *v);

struct prop {
	const char *name;
	int required;
	chk_fn fn;
};

struct objdef {
	const struct prop *props;
	size_t nprops;
	size_t minprops;
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define SCHEMA "schema"

static void
check_object(struct vctx *c, const json_t *v, const struct objdef *def)
{
	size_t i, mark;
	json_t *x;

	if (!json_is_object(v)) {
		v_err(c, SCHEMA, "expected an object");
		return;
	}
	if (json_object_size(v) < def->minprops)
		v_err(c, SCHEMA, "expected at least %zu properties",
		    def->minprops);
	for (i = 0; i < def->nprops; i++) {
		if ((x = json_object_get(v, def->props[i].name)) == NULL) {
			if (def->props[i].required)
				v_err(c, SCHEMA,
				    "missing required property \"%s\"",
				    def->props[i].name);
			continue;
		}
		mark = rpjson_path_push_key(&c->path, def->props[i].name);
		def->props[i].fn(c, x);
		rpjson_path_pop(&c->path, mark);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* uniqueItems without quadratic cost: compare canonical serialisations
 * after sorting. */
static void
check_unique(struct vctx *c, const json_t *a)
{
	size_t i, n = json_array_size(a);
	char **s;

	if (n < 2)
		return;
	if ((s = calloc(n, sizeof(*s))) == NULL) {
		c->nomem = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		s[i] = json_dumps(json_array_get(a, i),
		    JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		if (s[i] == NULL) {
			c->nomem = 1;
			goto out;
		}
	}
	qsort(s, n, sizeof(*s), cmp_str);
	for (i = 1; i < n; i++) {
		if (strcmp(s[i - 1], s[i]) == 0) {
			v_err(c, SCHEMA,
			    "expected unique items, %.100s repeats", s[i]);
			break;
		}
	}
out:
	for (i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

static void
check_array(
    struct vctx *c, const json_t *v, chk_fn item, size_t min, int unique)
{
	size_t i, mark;
	json_t *e;

	if (!json_is_array(v)) {
		v_err(c, SCHEMA, "expected an array");
		return;
	}
	if (json_array_size(v) < min)
		v_err(c, SCHEMA, "expected at least %zu item%s", min,
		    min == 1 ? "" : "s");
	if (unique)
		check_unique(c, v);
	json_array_foreach(v, i, e)
	{
		mark = rpjson_path_push_index(&c->path, i);
		item(c, e);
		rpjson_path_pop(&c->path, mark);
	}
}

/* Returns the string, or NULL after reporting a type error. */
static const char *
want_str(struct vctx *c, const json_t *v)
{
	if (!json_is_string(v)) {
		v_err(c, SCHEMA, "expected a string");
		return NULL;
	}
	return json_string_value(v);
}

static void
chk_str1(struct vctx *c, const json_t *v)
{
	const char *s = want_str(c, v);

	if (s != NULL && *s == '\0')
		v_err(c, SCHEMA, "expected a non-empty string");
}

static void
check_enum(struct vctx *c, const json_t *v, const char *const *vals, size_t n)
{
	const char *s = want_str(c, v);
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < n; i++)
		if (strcmp(s, vals[i]) == 0)
			return;
	v_err(c, SCHEMA, "\"%.80s\" is not one of the allowed values (%s%s)", s,
	    vals[0], n > 1 ? ", ..." : "");
}

static void
chk_datetime(struct vctx *c, const json_t *v)
{
	const char *s = want_str(c, v);
	enum rp_time_err e;

	if (s != NULL && rp_rfc3339_parse(s, NULL, &e) != 0)
		v_err(c, SCHEMA, "\"%.80s\" is not an RFC 3339 date-time: %s",
		    s, rp_rfc3339_strerror(e));
}

static void
chk_uri(struct vctx *c, const json_t *v)
{
	const char *s = want_str(c, v);
	enum rp_uri_err e;

	if (s != NULL && rp_uri_check(s, &e) != 0)
		v_err(c, SCHEMA, "\"%.80s\" is not a URI (RFC 3986): %s", s,
		    rp_uri_strerror(e));
}

static void
chk_version(struct vctx *c, const json_t *v)
{
	const char *s = want_str(c, v);
	struct csaf_version ver;

	if (s != NULL && csaf_parse_version(s, &ver) != 0)
		v_err(c, SCHEMA,
		    "\"%.80s\" is neither an integer version nor a semantic "
		    "version",
		    s);
}

static void
chk_lang(struct vctx *c, const json_t *v)
{
	const char *s = want_str(c, v);

	if (s != NULL && !csaf_lang_syntax_ok(s))
		v_err(c, SCHEMA, "\"%.80s\" is not a language tag", s);
}

/* ^[^\s<edge>](.*[^\s<edge>])?$ : no leading/trailing space or edge
 * characters, no line break inside. */
static int
trimmed_ok(const char *s, const char *edge)
{
	size_t n = strlen(s);

	if (n == 0 || rp_isspace(s[0]) || rp_isspace(s[n - 1]) ||
	    strchr(edge, s[0]) != NULL || strchr(edge, s[n - 1]) != NULL)
		return 0;
	return strpbrk(s, "\n\r") == NULL;
}

static void
chk_doc_category(struct vctx *c, const json_t *v)
{
	const char *s = want_str(c, v);

	if (s != NULL && (*s == '\0' || !trimmed_ok(s, "-_.")))
		v_err(c, SCHEMA,
		    "category must not start or end with space, '-', '_' or "
		    "'.'");
}

static void
chk_tracking_id(struct vctx *c, const json_t *v)
{
	const char *s = want_str(c, v);

	if (s != NULL && !trimmed_ok(s, ""))
		v_err(c, SCHEMA,
		    "tracking ID must not be empty or start or end with "
		    "white space");
}

/* Prefix followed by digits: "CVE-" NNNN "-" NNNN+, "CWE-" [1-9]\d{0,5}. */
static void
chk_cve(struct vctx *c, const json_t *v)
{
	const char *s = want_str(c, v);
	size_t i, n;

	if (s == NULL)
		return;
	n = strlen(s);
	if (n >= 13 && strncmp(s, "CVE-", 4) == 0 && s[8] == '-') {
		for (i = 4; i < n; i++)
			if (i != 8 && (s[i] < '0' || s[i] > '9'))
				break;
		if (i == n)
			return;
	}
	v_err(c, SCHEMA, "\"%.80s\" is not a CVE ID (CVE-YYYY-NNNN)", s);
}

static void
chk_cwe_id(struct vctx *c, const json_t *v)
{
	const char *s = want_str(c, v);
	size_t i, n;

	if (s == NULL)
		return;
	n = strlen(s);
	if (n >= 5 && n <= 10 && strncmp(s, "CWE-", 4) == 0 && s[4] != '0') {
		for (i = 4; i < n; i++)
			if (s[i] < '0' || s[i] > '9')
				break;
		if (i == n)
			return;
	}
	v_err(c, SCHEMA, "\"%.80s\" is not a CWE ID (CWE-N)", s);
}

static void
chk_hash_value(struct vctx *c, const json_t *v)
{
	const char *s = want_str(c, v);
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; s[i] != '\0' && rp_isxdigit(s[i]); i++)
		;
	if (s[i] != '\0' || i < 32)
		v_err(c, SCHEMA, "expected at least 32 hexadecimal digits");
}

/* ^pkg:[A-Za-z.+-][A-Za-z0-9.+-]* / .+ and a URI. */
static void
chk_purl_pattern(struct vctx *c, const json_t *v)
{
	const char *s = want_str(c, v), *p;

	if (s == NULL)
		return;
	if (strncmp(s, "pkg:", 4) == 0 && strchr("0123456789/", s[4]) == NULL &&
	    s[4] != '\0') {
		for (p = s + 4; *p != '\0' && *p != '/'; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
				(*p >= 'A' && *p <= 'Z') ||
				(*p >= '0' && *p <= '9') || *p == '.' ||
				*p == '+' || *p == '-'))
				break;
		if (*p == '/' && p[1] != '\0' && rp_uri_check(s, NULL) == 0)
			return;
	}
	v_err(
	    c, SCHEMA, "\"%.80s\" does not look like a purl (pkg:type/...)", s);
}

#define CPE_ESCAPABLE "\\*?!\"#$%&'()+,/:;<=>@[]^`{|}~"

/* One CPE 2.3 attribute value (avstring) of len bytes. */
static int
cpe23_avstring(const char *s, size_t len)
{
	size_t i = 0, body;

	if (len == 1 && (*s == '*' || *s == '-'))
		return 1;
	if (i < len && s[i] == '*')
		i++;
	else
		while (i < len && s[i] == '?')
			i++;
	body = i;
	while (i < len) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '.' || s[i] == '_')
			i++;
		else if (s[i] == '\\' && i + 1 < len &&
		    strchr(CPE_ESCAPABLE, s[i + 1]) != NULL)
			i += 2;
		else
			break;
	}
	if (i == body)
		return 0;
	if (i < len && s[i] == '*')
		i++;
	else
		while (i < len && s[i] == '?')
			i++;
	return i == len;
}

static int
cpe23_lang(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 1 && (*s == '*' || *s == '-'))
		return 1;
	while (i < len &&
	    ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		i++;
	if (i < 2 || i > 3)
		return 0;
	if (i == len)
		return 1;
	if (s[i] != '-')
		return 0;
	s += i + 1;
	len -= i + 1;
	if (len == 2)
		return ((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z') &&
		    ((s[1] | 32) >= 'a' && (s[1] | 32) <= 'z');
	return len == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' &&
	    s[1] <= '9' && s[2] >= '0' && s[2] <= '9';
}

/* CPE 2.3 formatted string: cpe:2.3:part then ten attributes. */
static int
cpe23_ok(const char *s)
{
	const char *p, *start;
	int n = 0;

	if (strncmp(s, "cpe:2.3:", 8) != 0 || strchr("aho*-", s[8]) == NULL ||
	    s[8] == '\0' || s[9] != ':')
		return 0;
	p = s + 10;
	for (;;) {
		start = p;
		while (*p != '\0' && *p != ':') {
			if (*p == '\\' && p[1] != '\0')
				p++;
			p++;
		}
		n++;
		if (n == 6 ? !cpe23_lang(start, (size_t)(p - start))
			   : !cpe23_avstring(start, (size_t)(p - start)))
			return 0;
		if (*p == '\0')
			break;
		p++;
	}
	return n == 10;
}

/* CPE 2.2 URI: cpe:/part(:component){0,6}. */
static int
cpe22_ok(const char *s)
{
	int n = 0;

	if (s[0] != 'c' || (s[1] | 32) != 'p' || (s[2] | 32) != 'e' ||
	    s[3] != ':' || s[4] != '/')
		return 0;
	s += 5;
	if (*s != '\0' && strchr("AHOaho", *s) != NULL)
		s++;
	for (; *s != '\0'; s++) {
		if (*s == ':') {
			if (++n > 6)
				return 0;
		} else if (!((*s >= 'a' && *s <= 'z') ||
			       (*s >= 'A' && *s <= 'Z') ||
			       (*s >= '0' && *s <= '9') ||
			       strchr("._-~%", *s) != NULL))
			return 0;
		else if (n == 0)
			return 0;
	}
	return 1;
}

static void
chk_cpe(struct vctx *c, const json_t *v)
{
	const char *s = want_str(c, v);

	if (s != NULL && !cpe23_ok(s) && !cpe22_ok(s))
		v_err(c, SCHEMA, "\"%.80s\" is not a CPE 2.2 or 2.3 name", s);
}

#define ENUM(fn, ...)                                                          \
	static void fn(struct vctx *c, const json_t *v)                        \
	{                                                                      \
		static const char *const vals[] = {__VA_ARGS__};               \
		check_enum(c, v, vals, NELEM(vals));                           \
	}
#define OBJ(fn, minprops, ...)                                                 \
	static void fn(struct vctx *c, const json_t *v)                        \
	{                                                                      \
		static const struct prop props[] = {__VA_ARGS__};              \
		static const struct objdef def = {                             \
		    props, NELEM(props), minprops};                            \
		check_object(c, v, &def);                                      \
	}
#define ARR(fn, item, min, unique)                                             \
	static void fn(struct vctx *c, const json_t *v)                        \
	{                                                                      \
		check_array(c, v, item, min, unique);                          \
	}

ENUM(chk_csaf_version, "2.0")
ENUM(chk_branch_category, "architecture", "host_name", "language", "legacy",
    "patch_level", "product_family", "product_name", "product_version",
    "product_version_range", "service_pack", "specification", "vendor")
ENUM(chk_note_category, "description", "details", "faq", "general",
    "legal_disclaimer", "other", "summary")
ENUM(chk_ref_category, "external", "self")
ENUM(chk_tlp_label, "AMBER", "GREEN", "RED", "WHITE")
ENUM(chk_publisher_category, "coordinator", "discoverer", "other", "translator",
    "user", "vendor")
ENUM(chk_tracking_status, "draft", "final", "interim")
ENUM(chk_rel_category, "default_component_of", "external_component_of",
    "installed_on", "installed_with", "optional_component_of")
ENUM(chk_flag_label, "component_not_present",
    "inline_mitigations_already_exist",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "vulnerable_code_not_in_execute_path", "vulnerable_code_not_present")
ENUM(chk_party, "coordinator", "discoverer", "other", "user", "vendor")
ENUM(chk_involvement_status, "completed", "contact_attempted", "disputed",
    "in_progress", "not_contacted", "open")
ENUM(chk_rem_category, "mitigation", "no_fix_planned", "none_available",
    "vendor_fix", "workaround")
ENUM(chk_restart_category, "connected", "dependencies", "machine", "none",
    "parent", "service", "system", "vulnerable_component", "zone")
ENUM(chk_threat_category, "exploit_status", "impact", "target_set")

ARR(chk_str1_list, chk_str1, 1, 0)
ARR(chk_str1_set, chk_str1, 1, 1)
ARR(chk_uri_list, chk_uri, 1, 0)
ARR(chk_products, chk_str1, 1, 1) /* products_t */
ARR(chk_groups, chk_str1, 1, 1) /* product_groups_t */
ARR(chk_group_members, chk_str1, 2, 1)

OBJ(chk_ack, 1, {"names", 0, chk_str1_list}, {"organization", 0, chk_str1},
    {"summary", 0, chk_str1}, {"urls", 0, chk_uri_list})
ARR(chk_acks, chk_ack, 1, 0)

OBJ(chk_note, 0, {"audience", 0, chk_str1}, {"category", 1, chk_note_category},
    {"text", 1, chk_str1}, {"title", 0, chk_str1})
ARR(chk_notes, chk_note, 1, 0)

OBJ(chk_reference, 0, {"category", 0, chk_ref_category},
    {"summary", 1, chk_str1}, {"url", 1, chk_uri})
ARR(chk_references, chk_reference, 1, 0)

OBJ(chk_file_hash, 0, {"algorithm", 1, chk_str1}, {"value", 1, chk_hash_value})
ARR(chk_file_hashes, chk_file_hash, 1, 0)
OBJ(chk_hash, 0, {"file_hashes", 1, chk_file_hashes}, {"filename", 1, chk_str1})
ARR(chk_hashes, chk_hash, 1, 0)
OBJ(chk_generic_uri, 0, {"namespace", 1, chk_uri}, {"uri", 1, chk_uri})
ARR(chk_generic_uris, chk_generic_uri, 1, 0)
OBJ(chk_pih, 1, {"cpe", 0, chk_cpe}, {"hashes", 0, chk_hashes},
    {"model_numbers", 0, chk_str1_set}, {"purl", 0, chk_purl_pattern},
    {"sbom_urls", 0, chk_uri_list}, {"serial_numbers", 0, chk_str1_set},
    {"skus", 0, chk_str1_list}, {"x_generic_uris", 0, chk_generic_uris})
OBJ(chk_fpn, 0, {"name", 1, chk_str1}, {"product_id", 1, chk_str1},
    {"product_identification_helper", 0, chk_pih})
ARR(chk_fpns, chk_fpn, 1, 0)

static void chk_branches(struct vctx *c, const json_t *v);

OBJ(chk_branch_props, 3, {"branches", 0, chk_branches},
    {"category", 1, chk_branch_category}, {"name", 1, chk_str1},
    {"product", 0, chk_fpn})

/* branches_t items: the schema's oneOf, "branches" or "product". */
static void
chk_branch(struct vctx *c, const json_t *v)
{
	chk_branch_props(c, v);
	if (json_is_object(v) && json_object_get(v, "branches") != NULL &&
	    json_object_get(v, "product") != NULL)
		v_err(c, SCHEMA,
		    "a branch has either \"branches\" or \"product\", "
		    "not both");
}

static void
chk_branches(struct vctx *c, const json_t *v)
{
	if (c->depth >= CSAF_MAX_BRANCH_DEPTH) {
		v_err(c, SCHEMA, "branches nested deeper than %d levels",
		    CSAF_MAX_BRANCH_DEPTH);
		return;
	}
	c->depth++;
	check_array(c, v, chk_branch, 1, 0);
	c->depth--;
}

OBJ(chk_group, 0, {"group_id", 1, chk_str1},
    {"product_ids", 1, chk_group_members}, {"summary", 0, chk_str1})
ARR(chk_product_groups, chk_group, 1, 0)
OBJ(chk_relationship, 0, {"category", 1, chk_rel_category},
    {"full_product_name", 1, chk_fpn}, {"product_reference", 1, chk_str1},
    {"relates_to_product_reference", 1, chk_str1})
ARR(chk_relationships, chk_relationship, 1, 0)
OBJ(chk_product_tree, 1, {"branches", 0, chk_branches},
    {"full_product_names", 0, chk_fpns},
    {"product_groups", 0, chk_product_groups},
    {"relationships", 0, chk_relationships})

OBJ(chk_aggregate_severity, 0, {"namespace", 0, chk_uri}, {"text", 1, chk_str1})
OBJ(chk_tlp, 0, {"label", 1, chk_tlp_label}, {"url", 0, chk_uri})
OBJ(chk_distribution, 1, {"text", 0, chk_str1}, {"tlp", 0, chk_tlp})
OBJ(chk_publisher, 0, {"category", 1, chk_publisher_category},
    {"contact_details", 0, chk_str1}, {"issuing_authority", 0, chk_str1},
    {"name", 1, chk_str1}, {"namespace", 1, chk_uri})
OBJ(chk_engine, 0, {"name", 1, chk_str1}, {"version", 0, chk_str1})
OBJ(chk_generator, 0, {"date", 0, chk_datetime}, {"engine", 1, chk_engine})
OBJ(chk_revision, 0, {"date", 1, chk_datetime}, {"legacy_version", 0, chk_str1},
    {"number", 1, chk_version}, {"summary", 1, chk_str1})
ARR(chk_revisions, chk_revision, 1, 0)
OBJ(chk_tracking, 0, {"aliases", 0, chk_str1_set},
    {"current_release_date", 1, chk_datetime}, {"generator", 0, chk_generator},
    {"id", 1, chk_tracking_id}, {"initial_release_date", 1, chk_datetime},
    {"revision_history", 1, chk_revisions}, {"status", 1, chk_tracking_status},
    {"version", 1, chk_version})
OBJ(chk_document, 0, {"acknowledgments", 0, chk_acks},
    {"aggregate_severity", 0, chk_aggregate_severity},
    {"category", 1, chk_doc_category}, {"csaf_version", 1, chk_csaf_version},
    {"distribution", 0, chk_distribution}, {"lang", 0, chk_lang},
    {"notes", 0, chk_notes}, {"publisher", 1, chk_publisher},
    {"references", 0, chk_references}, {"source_lang", 0, chk_lang},
    {"title", 1, chk_str1}, {"tracking", 1, chk_tracking})

OBJ(chk_cwe, 0, {"id", 1, chk_cwe_id}, {"name", 1, chk_str1})
OBJ(chk_flag, 0, {"date", 0, chk_datetime}, {"group_ids", 0, chk_groups},
    {"label", 1, chk_flag_label}, {"product_ids", 0, chk_products})
ARR(chk_flags, chk_flag, 1, 1)
OBJ(chk_id, 0, {"system_name", 1, chk_str1}, {"text", 1, chk_str1})
ARR(chk_ids, chk_id, 1, 1)
OBJ(chk_involvement, 0, {"date", 0, chk_datetime}, {"party", 1, chk_party},
    {"status", 1, chk_involvement_status}, {"summary", 0, chk_str1})
ARR(chk_involvements, chk_involvement, 1, 1)
OBJ(chk_product_status, 1, {"first_affected", 0, chk_products},
    {"first_fixed", 0, chk_products}, {"fixed", 0, chk_products},
    {"known_affected", 0, chk_products},
    {"known_not_affected", 0, chk_products}, {"last_affected", 0, chk_products},
    {"recommended", 0, chk_products}, {"under_investigation", 0, chk_products})
OBJ(chk_restart, 0, {"category", 1, chk_restart_category},
    {"details", 0, chk_str1})
OBJ(chk_remediation, 0, {"category", 1, chk_rem_category},
    {"date", 0, chk_datetime}, {"details", 1, chk_str1},
    {"entitlements", 0, chk_str1_list}, {"group_ids", 0, chk_groups},
    {"product_ids", 0, chk_products}, {"restart_required", 0, chk_restart},
    {"url", 0, chk_uri})
ARR(chk_remediations, chk_remediation, 1, 0)
/* cvss_v2 and cvss_v3 contents are test 6.1.8 */
OBJ(chk_score, 2, {"products", 1, chk_products})
ARR(chk_scores, chk_score, 1, 0)
OBJ(chk_threat, 0, {"category", 1, chk_threat_category},
    {"date", 0, chk_datetime}, {"details", 1, chk_str1},
    {"group_ids", 0, chk_groups}, {"product_ids", 0, chk_products})
ARR(chk_threats, chk_threat, 1, 0)
OBJ(chk_vuln, 1, {"acknowledgments", 0, chk_acks}, {"cve", 0, chk_cve},
    {"cwe", 0, chk_cwe}, {"discovery_date", 0, chk_datetime},
    {"flags", 0, chk_flags}, {"ids", 0, chk_ids},
    {"involvements", 0, chk_involvements}, {"notes", 0, chk_notes},
    {"product_status", 0, chk_product_status},
    {"references", 0, chk_references}, {"release_date", 0, chk_datetime},
    {"remediations", 0, chk_remediations}, {"scores", 0, chk_scores},
    {"threats", 0, chk_threats}, {"title", 0, chk_str1})
ARR(chk_vulns, chk_vuln, 1, 0)

OBJ(chk_root, 0, {"document", 1, chk_document},
    {"product_tree", 0, chk_product_tree}, {"vulnerabilities", 0, chk_vulns})

void
csaf_validate_schema(struct vctx *c)
{
	c->depth = 0;
	chk_root(c, c->root);
}
