/*
 * Native advisory reader: Rampart's own small JSON form, written by hand
 * by a service provider for an incident no vendor advisory covers yet
 * (docs/advisory-native.md is its reference).  One document is one
 * vulnerability: products with their affected versions, fixes and
 * remediations, and indicators of compromise.
 *
 * The reader is strict: wrong types, missing required members, malformed
 * versions, hashes, domains, addresses and URLs are errors naming the
 * JSON pointer, and the document is rejected.  Unknown members are
 * warnings, so newer documents still load.
 *
 * Product IDs in the model: the entry's "id" for its range (or "all
 * versions"), "<id>@<version>" for each listed version and for the fixed
 * version.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ascii.h"
#include "adv_util.h"
#include "advisory.h"
#include "json/rpjson.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/indicator.h"
#include "util/rfc3339.h"
#include "util/str.h"
#include "version/version.h"

#define NATIVE_VERSION 1 /* the "rampart_advisory" this reader knows */
#define NATIVE_MAX_PRODUCTS 10000
#define NATIVE_MAX_VERSIONS 1000 /* per product entry */
#define NATIVE_MAX_ITEMS 100000 /* indicators, references, aliases */
#define NATIVE_MAX_ID 128
#define NATIVE_MAX_VALUE 8192 /* a one-line value (URL, domain, name...) */
#define NATIVE_MAX_TEXT (1024 * 1024) /* a summary, details, a YARA rule */

struct nat_ctx {
	struct rpjson_rd rd; /* bad values and missing members are errors */
	struct rpjson_path p;
	struct advisory *a;
	struct adv_vuln *v;
	size_t cur; /* index of the array element being read */
	size_t *ioc_pos; /* where each indicator was: /indicators/N */
	size_t cap_products, cap_refs, cap_ids, cap_notes, cap_rems, cap_iocs;
	size_t cap_pos;
	size_t cap_status[ADV_STATUS_COUNT];
};

static const char *const top_keys[] = {"rampart_advisory", "id", "title",
    "publisher", "published", "updated", "version", "status", "severity", "cve",
    "aliases", "cwe", "summary", "details", "references", "products",
    "indicators", NULL};
static const char *const product_keys[] = {"id", "vendor", "product", "name",
    "platform", "scheme", "versions", "affected", "status", "fixed",
    "remediation", "cpe", "purl", NULL};
static const char *const rem_keys[] = {"category", "details", "url", NULL};
static const char *const ioc_keys[] = {
    "type", "value", "comment", "size", "name", "rule", NULL};
static const char *const severities[] = {
    "none", "low", "medium", "high", "critical", NULL};
static const char *const schemes[] = {"generic", "semver", "deb", "rpm", NULL};
static const char *const platforms[] = {
    "windows", "macos", "linux", "android", "ios", "freebsd", NULL};
static const char *const doc_statuses[] = {"draft", "interim", "final", NULL};

/* ---- small helpers ---- */

/*
 * Strings are read through the layer: one-line values (names, IDs,
 * versions, indicator values) of at most NATIVE_MAX_VALUE bytes, texts
 * (summary, details, rule text) of at most NATIVE_MAX_TEXT.  Neither is
 * empty.
 */
#define LINE (RPJSON_NONEMPTY | RPJSON_LINE)
#define get_line(c, obj, key, flags)                                           \
	rpjson_str_at(&(c)->rd, (obj), (key), NATIVE_MAX_VALUE, LINE | (flags))
#define get_text(c, obj, key, flags)                                           \
	rpjson_str_at(&(c)->rd, (obj), (key), NATIVE_MAX_TEXT,                 \
	    RPJSON_NONEMPTY | (flags))

/* A member that must be one of list; NULL when absent or invalid. */
static const char *
get_enum(struct nat_ctx *c, const json_t *obj, const char *key,
    const char *const *list, unsigned flags)
{
	size_t i;

	return rpjson_get_enum(&c->rd, obj, key, list, flags, &i) == 1 ? list[i]
								       : NULL;
}

static int
push_str(struct nat_ctx *c, char ***arr, size_t *n, size_t *cap, const char *s)
{
	char **v;

	if (*n >= NATIVE_MAX_ITEMS) {
		rpjson_err(&c->rd, "more than %d entries", NATIVE_MAX_ITEMS);
		return RP_ERR_LIMIT;
	}
	if ((v = rp_arena_grow(c->a->arena, *arr, *n, cap, sizeof(*v))) == NULL)
		return RP_ERR_NOMEM;
	*arr = v;
	if ((v[*n] = rp_arena_strdup(c->a->arena, s)) == NULL)
		return RP_ERR_NOMEM;
	(*n)++;
	return 0;
}

static int
add_note(struct nat_ctx *c, const char *category, const char *text)
{
	struct adv_note *n;

	if ((n = rp_arena_grow(c->a->arena, c->v->notes, c->v->nnotes,
		 &c->cap_notes, sizeof(*n))) == NULL)
		return RP_ERR_NOMEM;
	c->v->notes = n;
	n += c->v->nnotes++;
	n->category = rp_arena_strdup(c->a->arena, category);
	n->text = rp_arena_strdup(c->a->arena, text);
	return n->category == NULL || n->text == NULL ? RP_ERR_NOMEM : 0;
}

static const char *
get_time(struct nat_ctx *c, const json_t *obj, const char *key, unsigned flags)
{
	const char *s = get_line(c, obj, key, flags);
	enum rp_time_err e;

	if (s != NULL && rp_rfc3339_parse(s, NULL, &e) != 0) {
		rpjson_err_at(&c->rd, key,
		    "\"%s\" is not an RFC 3339 timestamp (%s; expected e.g. "
		    "2023-03-30T00:00:00Z)",
		    s, rp_rfc3339_strerror(e));
		return NULL;
	}
	return s;
}

/* Identifiers people type: letters, digits and ._:- only. */
static int
id_valid(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && n <= max &&
	    strspn(s,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"0123456789._:-") == n;
}

/* ---- indicators ---- */

/* Light sanity of YARA text: it declares a rule named name, with a body. */
static const char *
yara_check(const char *rule, const char *name)
{
	const char *p = rule, *q;
	size_t nl;
	int found = 0, any = 0;

	while ((p = strstr(p, "rule")) != NULL) {
		q = p + 4;
		if ((p == rule || rp_isspace(p[-1])) && rp_isspace(*q)) {
			while (rp_isspace(*q))
				q++;
			nl = strspn(q,
			    "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
			if (nl > 0) {
				any = 1;
				if (name != NULL && strlen(name) == nl &&
				    strncmp(q, name, nl) == 0)
					found = 1;
			}
		}
		p += 4;
	}
	if (!any || strchr(rule, '{') == NULL || strrchr(rule, '}') == NULL ||
	    strrchr(rule, '}') < strchr(rule, '{'))
		return "the rule text declares no YARA rule "
		       "(rule NAME { ... })";
	if (name != NULL && !found)
		return "the rule text has no rule of that name";
	return NULL;
}

/* Normalizes and checks value for type t in place; NULL when valid. */
static const char *
ioc_check(enum adv_ioc_type t, char *val)
{
	switch (t) {
	case ADV_IOC_SHA256:
		return rp_hash_check(val, 64);
	case ADV_IOC_SHA1:
		return rp_hash_check(val, 40);
	case ADV_IOC_MD5:
		return rp_hash_check(val, 32);
	case ADV_IOC_DOMAIN:
		return rp_domain_check(val);
	case ADV_IOC_IP:
		return rp_ip_check(val, NATIVE_MAX_VALUE, RP_IP_PREFIX);
	case ADV_IOC_URL:
		return rp_url_check(val, RP_URL_SCHEME);
	case ADV_IOC_FILENAME:
		if (strpbrk(val, "\r\n") != NULL)
			return "a file name is one line";
		return NULL;
	case ADV_IOC_YARA:
		break;
	}
	return NULL;
}

static int
ioc_is_hash(enum adv_ioc_type t)
{
	return t == ADV_IOC_SHA256 || t == ADV_IOC_SHA1 || t == ADV_IOC_MD5;
}

struct ioc_key {
	enum adv_ioc_type t;
	const char *v;
	size_t i;
};

static int
ioc_key_cmp(const void *x, const void *y)
{
	const struct ioc_key *a = x, *b = y;
	int c;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if ((c = strcmp(a->v, b->v)) != 0)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

/*
 * Drops repeated indicators (same type and normalized value), keeping
 * the first, with a warning at each one dropped.  Sorting keeps this
 * cheap for long lists.
 */
static int
dedupe_iocs(struct nat_ctx *c)
{
	struct adv_indicator *io = c->a->iocs;
	size_t i, j, m, n = c->a->niocs;
	unsigned char *drop = NULL;
	struct ioc_key *k = NULL;
	int r = RP_ERR_NOMEM;

	if (n < 2)
		return 0;
	if ((k = calloc(n, sizeof(*k))) == NULL ||
	    (drop = calloc(n, 1)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		k[i].t = io[i].type;
		k[i].v = io[i].value;
		k[i].i = i;
	}
	qsort(k, n, sizeof(*k), ioc_key_cmp);
	for (i = 1; i < n; i++) {
		if (k[i].t == k[i - 1].t && strcmp(k[i].v, k[i - 1].v) == 0)
			drop[k[i].i] = 1;
	}
	for (i = j = 0; i < n; i++) {
		if (!drop[i]) {
			io[j++] = io[i];
			continue;
		}
		m = rpjson_push_key(&c->rd, "indicators");
		rpjson_push_index(&c->rd, c->ioc_pos[i]);
		rpjson_warn(&c->rd, "duplicate %s indicator ignored",
		    adv_ioc_type_name(io[i].type));
		rpjson_pop(&c->rd, m);
	}
	c->a->niocs = j;
	r = 0;
out:
	free(k);
	free(drop);
	return r;
}

static int
ioc_size(
    struct nat_ctx *c, const json_t *ioc, enum adv_ioc_type t, uint64_t *size)
{
	const json_t *v = json_object_get(ioc, "size");

	*size = 0;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		rpjson_err_at(&c->rd, "size", "\"size\" is a number of bytes");
		return -1;
	}
	if (!ioc_is_hash(t)) {
		rpjson_warn(
		    &c->rd, "\"size\" applies to file hashes only; ignored");
		return 0;
	}
	*size = (uint64_t)json_integer_value(v);
	return 0;
}

static int
nat_indicator(struct nat_ctx *c, const json_t *ioc)
{
	struct rp_arena *ar = c->a->arena;
	struct adv_indicator *e;
	enum adv_ioc_type t;
	const char *type, *value, *comment, *name, *why;
	char buf[NATIVE_MAX_VALUE];
	uint64_t size;
	size_t *pos;
	int r;

	if (!json_is_object(ioc)) {
		rpjson_err(&c->rd, "an indicator is an object");
		return 0;
	}
	rpjson_check_keys(&c->rd, ioc, ioc_keys);
	if ((type = get_text(c, ioc, "type", RPJSON_REQUIRED)) == NULL)
		return 0;
	if (adv_ioc_type_from_name(type, &t) != 0) {
		rpjson_err_at(&c->rd, "type",
		    "indicator type \"%s\" is not one of sha256, sha1, md5, "
		    "filename, domain, ip, url, yara",
		    type);
		return 0;
	}
	comment = get_text(c, ioc, "comment", 0);
	if (ioc_size(c, ioc, t, &size) != 0)
		return 0;
	if (t == ADV_IOC_YARA) {
		name = get_line(c, ioc, "name", 0);
		if (json_object_get(ioc, "value") != NULL)
			rpjson_err_at(&c->rd, "value",
			    "a yara indicator has \"rule\" (the rule text), "
			    "not \"value\"");
		if ((value = get_text(c, ioc, "rule", RPJSON_REQUIRED)) == NULL)
			return 0;
		if ((why = yara_check(value, name)) != NULL) {
			rpjson_err_at(&c->rd, "rule", "%s", why);
			return 0;
		}
		if (comment == NULL)
			comment = name;
	} else {
		if (json_object_get(ioc, "rule") != NULL ||
		    json_object_get(ioc, "name") != NULL)
			rpjson_warn(&c->rd,
			    "\"rule\" and \"name\" belong to yara "
			    "indicators; ignored");
		if ((value = get_line(c, ioc, "value", RPJSON_REQUIRED)) ==
		    NULL)
			return 0;
		if ((r = rp_refang(value, buf, sizeof(buf))) != 0) {
			rpjson_err_at(&c->rd, "value", "%s",
			    r == -1
				? "the value is too long"
				: "the value is defanged twice (\"[[.]]\")");
			return 0;
		}
		if ((why = ioc_check(t, buf)) != NULL) {
			rpjson_err_at(
			    &c->rd, "value", "%s: \"%s\"", why, value);
			return 0;
		}
		value = buf;
	}
	if (c->a->niocs >= NATIVE_MAX_ITEMS) {
		rpjson_err(&c->rd, "more than %d indicators", NATIVE_MAX_ITEMS);
		return RP_ERR_LIMIT;
	}
	if ((e = rp_arena_grow(ar, c->a->iocs, c->a->niocs, &c->cap_iocs,
		 sizeof(*e))) == NULL)
		return RP_ERR_NOMEM;
	c->a->iocs = e;
	if ((pos = rp_arena_grow(ar, c->ioc_pos, c->a->niocs, &c->cap_pos,
		 sizeof(*pos))) == NULL)
		return RP_ERR_NOMEM;
	c->ioc_pos = pos;
	pos[c->a->niocs] = c->cur;
	e += c->a->niocs++;
	e->type = t;
	e->size = size;
	e->value = rp_arena_strdup(ar, value);
	e->comment = rp_arena_strdup(ar, comment);
	if (e->value == NULL || (comment != NULL && e->comment == NULL))
		return RP_ERR_NOMEM;
	return 0;
}

/* ---- products ---- */

/* What one products[] entry says, checked. */
struct nat_entry {
	const char *id, *vendor, *product, *name, *platform, *scheme;
	const char *range, *fixed, *cpe, *purl;
	const struct vers_range *vr; /* range parsed (arena), or NULL */
	const char *range_err; /* why range did not parse */
	enum adv_status status;
	char **pids; /* the model products this entry lists (not the fix) */
	size_t npids;
};

static int
product_id_taken(const struct advisory *a, const char *id)
{
	return advisory_product(a, id) != NULL;
}

/* Whether an earlier entry has this id ("@" never occurs in one). */
static int
entry_id_taken(const struct advisory *a, const char *id)
{
	size_t i, n = strlen(id);

	for (i = 0; i < a->nproducts; i++) {
		if (strncmp(a->products[i].id, id, n) == 0 &&
		    (a->products[i].id[n] == '\0' ||
			a->products[i].id[n] == '@'))
			return 1;
	}
	return 0;
}

/* A display name: "3CX Desktop App 18.12.416 (windows)". */
static char *
display_name(
    struct rp_arena *ar, const struct nat_entry *e, const char *version)
{
	const char *base = e->name;
	char *who = NULL;

	if (base == NULL) {
		if (e->vendor != NULL &&
		    !rp_str_startswith(e->product, e->vendor))
			who =
			    rp_arena_printf(ar, "%s %s", e->vendor, e->product);
		base = who != NULL ? who : e->product;
	}
	return rp_arena_printf(ar, "%s%s%s%s%s%s", base, version ? " " : "",
	    version ? version : "", e->platform ? " (" : "",
	    e->platform ? e->platform : "", e->platform ? ")" : "");
}

static int
add_product(struct nat_ctx *c, const struct nat_entry *e, const char *version,
    const char *range, enum adv_status st, char **idp)
{
	struct rp_arena *ar = c->a->arena;
	struct adv_product *p;
	char *id;

	*idp = NULL;
	id = version != NULL ? rp_arena_printf(ar, "%s@%s", e->id, version)
			     : rp_arena_strdup(ar, e->id);
	if (id == NULL)
		return RP_ERR_NOMEM;
	if (product_id_taken(c->a, id)) {
		rpjson_err(&c->rd, "version %s is listed twice", version);
		return 0;
	}
	if (c->a->nproducts >= NATIVE_MAX_PRODUCTS) {
		rpjson_err(
		    &c->rd, "more than %d products", NATIVE_MAX_PRODUCTS);
		return RP_ERR_LIMIT;
	}
	if ((p = rp_arena_grow(ar, c->a->products, c->a->nproducts,
		 &c->cap_products, sizeof(*p))) == NULL)
		return RP_ERR_NOMEM;
	c->a->products = p;
	p += c->a->nproducts++;
	p->id = id;
	p->name = display_name(ar, e, version);
	p->vendor = rp_arena_strdup(ar, e->vendor);
	p->product = rp_arena_strdup(ar, e->product);
	p->platform = rp_arena_strdup(ar, e->platform);
	p->version = rp_arena_strdup(ar, version);
	p->range = rp_arena_strdup(ar, range);
	p->cpe = rp_arena_strdup(ar, e->cpe);
	p->purl = rp_arena_strdup(ar, e->purl);
	p->scheme = adv_scheme_declared(e->scheme, e->purl, NULL);
	/* The entry's range was parsed when it was checked; "*" is here. */
	if (range != NULL && range == e->range) {
		p->vr = e->vr;
		p->range_err = e->vr == NULL ? e->range_err : NULL;
	} else if (p->range != NULL && adv_range_parse(ar, p, NULL) != 0)
		return RP_ERR_NOMEM;
	if (p->name == NULL || p->product == NULL ||
	    (e->vendor != NULL && p->vendor == NULL) ||
	    (e->platform != NULL && p->platform == NULL) ||
	    (version != NULL && p->version == NULL) ||
	    (range != NULL && p->range == NULL) ||
	    (e->cpe != NULL && p->cpe == NULL) ||
	    (e->purl != NULL && p->purl == NULL))
		return RP_ERR_NOMEM;
	*idp = id;
	return push_str(
	    c, &c->v->status[st], &c->v->nstatus[st], &c->cap_status[st], id);
}

/* A version must be one of its scheme, when Rampart knows the scheme. */
static int
version_ok(struct nat_ctx *c, const char *scheme, const char *v)
{
	enum version_scheme vs;
	const char *why = NULL;

	if (strpbrk(v, " \t\r\n|") != NULL) {
		rpjson_err(&c->rd, "version \"%s\" has spaces or '|'", v);
		return 0;
	}
	if (version_scheme_from_name(scheme, &vs) != 0)
		return 1; /* nothing to check against yet */
	if (!version_valid(vs, v, &why)) {
		rpjson_err(&c->rd, "\"%s\" is not a %s version%s%s", v, scheme,
		    why ? ": " : "", why ? why : "");
		return 0;
	}
	return 1;
}

/*
 * The "affected" range: a vers string of the entry's scheme.  Its syntax
 * is checked by the version library, whose repairs of sloppy writing
 * ("vers:generic/< 2.0") are passed on as warnings.
 */
static int
range_ok(struct nat_ctx *c, struct nat_entry *e)
{
	const char *scheme = e->scheme, *range = e->range;
	struct rp_diags *tmp;
	struct vers_range *vr = NULL;
	size_t sl = strlen(scheme), i, m;
	int r;

	e->vr = NULL;
	e->range_err = "not a vers range of the entry's scheme";
	if (!rp_str_startswith(range, "vers:") ||
	    strncmp(range + 5, scheme, sl) != 0 || range[5 + sl] != '/' ||
	    range[6 + sl] == '\0') {
		rpjson_err_at(&c->rd, "affected",
		    "\"%s\" is not a vers range of scheme %s "
		    "(e.g. vers:%s/>=1.0|<1.2)",
		    range, scheme, scheme);
		return 0;
	}
	if ((tmp = rp_diags_new()) == NULL)
		return RP_ERR_NOMEM;
	/* Parsed once: the product keeps the result (adv_range_copy). */
	r = vers_parse_tolerant(range, &vr, tmp);
	if (r == 0 && (e->vr = adv_range_copy(c->a->arena, vr)) == NULL)
		r = RP_ERR_NOMEM;
	else if (r != 0 && r != RP_ERR_NOMEM) {
		struct adv_product tp = {0};

		if (adv_range_failed(c->a->arena, &tp, r, tmp) != 0)
			r = RP_ERR_NOMEM;
		e->range_err = tp.range_err;
	}
	vers_range_free(vr);
	m = rpjson_push_key(&c->rd, "affected");
	for (i = 0; i < tmp->n; i++) {
		if (tmp->v[i].level == RP_DIAG_ERROR)
			rpjson_err(&c->rd, "%s", tmp->v[i].msg);
		else
			rpjson_warn(&c->rd, "%s", tmp->v[i].msg);
	}
	if (r == RP_ERR_INVALID && tmp->nerrors == 0)
		rpjson_err(&c->rd, "\"%s\" is not a valid range", range);
	rpjson_pop(&c->rd, m);
	rp_diags_free(tmp);
	return r == RP_ERR_NOMEM ? RP_ERR_NOMEM : 0;
}

/* Reads the scalar members of a products[] entry into e. */
static void
entry_fields(struct nat_ctx *c, const json_t *obj, struct nat_entry *e)
{
	const char *st;

	memset(e, 0, sizeof(*e));
	rpjson_check_keys(&c->rd, obj, product_keys);
	if ((e->id = get_text(c, obj, "id", RPJSON_REQUIRED)) != NULL &&
	    !id_valid(e->id, 64)) {
		rpjson_err_at(&c->rd, "id",
		    "a product id has 1 to 64 letters, digits, '.', '_', ':' "
		    "or '-'");
		e->id = NULL;
	}
	e->vendor = get_line(c, obj, "vendor", 0);
	e->product = get_line(c, obj, "product", RPJSON_REQUIRED);
	e->name = get_line(c, obj, "name", 0);
	if ((e->platform = get_line(c, obj, "platform", 0)) != NULL &&
	    !adv_in_list(platforms, e->platform)) {
		size_t m = rpjson_push_key(&c->rd, "platform");

		rpjson_warn(&c->rd,
		    "platform \"%s\" is not one Rampart inventories report "
		    "(windows, macos, linux, android, ios, freebsd)",
		    e->platform);
		rpjson_pop(&c->rd, m);
	}
	if (json_object_get(obj, "scheme") == NULL)
		e->scheme = "generic";
	else
		e->scheme = get_enum(c, obj, "scheme", schemes, 0);
	e->range = get_text(c, obj, "affected", 0);
	e->fixed = get_line(c, obj, "fixed", 0);
	if ((e->cpe = get_line(c, obj, "cpe", 0)) != NULL &&
	    !rp_str_startswith(e->cpe, "cpe:"))
		rpjson_err_at(&c->rd, "cpe", "a CPE starts with \"cpe:\"");
	if ((e->purl = get_line(c, obj, "purl", 0)) != NULL &&
	    !rp_str_startswith(e->purl, "pkg:"))
		rpjson_err_at(
		    &c->rd, "purl", "a package URL starts with \"pkg:\"");
	e->status = ADV_STATUS_KNOWN_AFFECTED;
	st = get_enum(c, obj, "status",
	    (const char *const[]){
		"affected", "not_affected", "under_investigation", NULL},
	    0);
	if (st != NULL && strcmp(st, "not_affected") == 0)
		e->status = ADV_STATUS_KNOWN_NOT_AFFECTED;
	else if (st != NULL && strcmp(st, "under_investigation") == 0)
		e->status = ADV_STATUS_UNDER_INVESTIGATION;
}

/* The entry's listed versions, each a product. */
static int
entry_versions(
    struct nat_ctx *c, const json_t *obj, struct nat_entry *e, size_t *cap)
{
	const json_t *arr = json_object_get(obj, "versions"), *v;
	size_t i, m, m2;
	char *id;
	int r = 0;

	if (arr == NULL)
		return 0;
	m = rpjson_push_key(&c->rd, "versions");
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > NATIVE_MAX_VERSIONS) {
		rpjson_err(&c->rd,
		    "\"versions\" is an array of 1 to %d versions",
		    NATIVE_MAX_VERSIONS);
		goto out;
	}
	json_array_foreach(arr, i, v)
	{
		m2 = rpjson_push_index(&c->rd, i);
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    strlen(json_string_value(v)) != json_string_length(v))
			rpjson_err(&c->rd, "a version is a non-empty string");
		else if (version_ok(c, e->scheme, json_string_value(v))) {
			if ((r = add_product(c, e, json_string_value(v), NULL,
				 e->status, &id)) != 0 ||
			    (id != NULL &&
				(r = push_str(
				     c, &e->pids, &e->npids, cap, id)) != 0)) {
				rpjson_pop(&c->rd, m2);
				break;
			}
		}
		rpjson_pop(&c->rd, m2);
	}
out:
	rpjson_pop(&c->rd, m);
	return r;
}

/* The remediation of an entry: from "remediation" and "fixed". */
static int
entry_remediation(struct nat_ctx *c, const json_t *obj, struct nat_entry *e)
{
	struct rp_arena *ar = c->a->arena;
	const json_t *rj = json_object_get(obj, "remediation");
	struct adv_remediation *rem;
	enum adv_rem_category cat;
	const char *details = NULL, *url = NULL, *cs = NULL;
	char url_buf[NATIVE_MAX_VALUE];
	size_t m;

	if (rj == NULL && e->fixed == NULL)
		return 0;
	cat = e->fixed != NULL ? ADV_REM_VENDOR_FIX : ADV_REM_MITIGATION;
	m = rpjson_push_key(&c->rd, "remediation");
	if (json_is_string(rj) && json_string_length(rj) > 0)
		details = json_string_value(rj);
	else if (json_is_object(rj)) {
		rpjson_check_keys(&c->rd, rj, rem_keys);
		cs = get_enum(c, rj, "category",
		    (const char *const[]){"vendor_fix", "workaround",
			"mitigation", "no_fix_planned", "none_available", NULL},
		    0);
		if (cs != NULL)
			(void)adv_rem_category_from_name(cs, &cat);
		details = get_text(c, rj, "details", RPJSON_REQUIRED);
		if ((url = get_line(c, rj, "url", 0)) != NULL) {
			if (strlen(url) >= sizeof(url_buf))
				url = NULL;
			else {
				memcpy(url_buf, url, strlen(url) + 1);
				if (rp_url_check(url_buf, RP_URL_SCHEME) !=
				    NULL)
					rpjson_err_at(&c->rd, "url",
					    "\"%s\" is not a URL", url);
			}
		}
	} else if (rj != NULL)
		rpjson_err(&c->rd,
		    "\"remediation\" is a text or an object with "
		    "category, details and url");
	rpjson_pop(&c->rd, m);
	if (details == NULL && e->fixed == NULL)
		return 0;
	if ((rem = rp_arena_grow(ar, c->v->remediations, c->v->nremediations,
		 &c->cap_rems, sizeof(*rem))) == NULL)
		return RP_ERR_NOMEM;
	c->v->remediations = rem;
	rem += c->v->nremediations++;
	memset(rem, 0, sizeof(*rem));
	rem->category = cat;
	/* Without a text of the source's, the fixed version as data. */
	rem->details = details != NULL ? rp_arena_strdup(ar, details) : NULL;
	rem->fix_version =
	    e->fixed != NULL ? rp_arena_strdup(ar, e->fixed) : NULL;
	rem->url = rp_arena_strdup(ar, url);
	rem->product_ids = e->pids;
	rem->nproduct_ids = e->npids;
	if ((details != NULL && rem->details == NULL) ||
	    (e->fixed != NULL && rem->fix_version == NULL) ||
	    (url != NULL && rem->url == NULL))
		return RP_ERR_NOMEM;
	return 0;
}

static int
nat_product(struct nat_ctx *c, const json_t *obj)
{
	struct nat_entry e;
	size_t cap = 0;
	char *id;
	int r;

	if (!json_is_object(obj)) {
		rpjson_err(&c->rd, "a product is an object");
		return 0;
	}
	entry_fields(c, obj, &e);
	if (e.id != NULL && entry_id_taken(c->a, e.id)) {
		rpjson_err_at(
		    &c->rd, "id", "product id \"%s\" is not unique", e.id);
		return 0;
	}
	if (e.id == NULL || e.product == NULL || e.scheme == NULL)
		return 0;
	if (e.range != NULL && (r = range_ok(c, &e)) != 0)
		return r;
	if ((r = entry_versions(c, obj, &e, &cap)) != 0)
		return r;
	/* a range, or no versions at all: every version */
	if (e.range != NULL || json_object_get(obj, "versions") == NULL) {
		char *all = NULL;

		if (e.range == NULL &&
		    (all = rp_arena_printf(
			 c->a->arena, "vers:%s/*", e.scheme)) == NULL)
			return RP_ERR_NOMEM;
		if ((r = add_product(c, &e, NULL, e.range ? e.range : all,
			 e.status, &id)) != 0 ||
		    (id != NULL &&
			(r = push_str(c, &e.pids, &e.npids, &cap, id)) != 0))
			return r;
	}
	if (e.fixed != NULL) {
		size_t m = rpjson_push_key(&c->rd, "fixed");

		if (e.status != ADV_STATUS_KNOWN_AFFECTED)
			rpjson_err(&c->rd,
			    "only affected products have a fixed "
			    "version");
		else if (version_ok(c, e.scheme, e.fixed))
			r = add_product(
			    c, &e, e.fixed, NULL, ADV_STATUS_FIXED, &id);
		rpjson_pop(&c->rd, m);
		if (r != 0)
			return r;
	}
	return entry_remediation(c, obj, &e);
}

/* ---- top level ---- */

/* Each element of root[key] (an array) through fn, at its pointer. */
static int
each(struct nat_ctx *c, const json_t *root, const char *key,
    int (*fn)(struct nat_ctx *, const json_t *))
{
	const json_t *arr = json_object_get(root, key), *v;
	size_t i, m, m2;
	int r = 0;

	if (arr == NULL)
		return 0;
	m = rpjson_push_key(&c->rd, key);
	if (!json_is_array(arr))
		rpjson_err(&c->rd, "\"%s\" is an array", key);
	json_array_foreach(arr, i, v)
	{
		m2 = rpjson_push_index(&c->rd, i);
		c->cur = i;
		r = fn(c, v);
		rpjson_pop(&c->rd, m2);
		if (r != 0)
			break;
	}
	rpjson_pop(&c->rd, m);
	return r;
}

static int
nat_alias(struct nat_ctx *c, const json_t *v)
{
	if (!json_is_string(v) || !id_valid(json_string_value(v), 128)) {
		rpjson_err(&c->rd,
		    "an alias is an identifier (letters, digits, "
		    "'.', '_', ':', '-')");
		return 0;
	}
	if (c->v->cve != NULL && strcmp(c->v->cve, json_string_value(v)) == 0)
		return 0; /* already the CVE */
	if (c->v->cve == NULL && adv_is_cve(json_string_value(v)))
		return (c->v->cve = rp_arena_strdup(
			    c->a->arena, json_string_value(v))) == NULL
		    ? RP_ERR_NOMEM
		    : 0;
	return push_str(
	    c, &c->v->ids, &c->v->nids, &c->cap_ids, json_string_value(v));
}

static int
nat_reference(struct nat_ctx *c, const json_t *v)
{
	char buf[NATIVE_MAX_VALUE];
	const char *why;

	if (!json_is_string(v) || json_string_length(v) >= sizeof(buf)) {
		rpjson_err(&c->rd, "a reference is a URL string");
		return 0;
	}
	memcpy(buf, json_string_value(v), json_string_length(v) + 1);
	if ((why = rp_url_check(buf, RP_URL_SCHEME)) != NULL) {
		rpjson_err(&c->rd, "%s: \"%s\"", why, json_string_value(v));
		return 0;
	}
	return push_str(
	    c, &c->a->references, &c->a->nreferences, &c->cap_refs, buf);
}

/* Copies s (may be NULL) into *dst; returns 0 or RP_ERR_NOMEM. */
static int
keep(struct nat_ctx *c, const char *s, char **dst)
{
	*dst = rp_arena_strdup(c->a->arena, s);
	return s != NULL && *dst == NULL ? RP_ERR_NOMEM : 0;
}

static int
nat_header(struct nat_ctx *c, const json_t *root)
{
	const json_t *ver = json_object_get(root, "rampart_advisory");
	const char *id, *cve, *cwe, *summary, *details, *st, *upd;
	int r;

	rpjson_check_keys(&c->rd, root, top_keys);
	if (!json_is_integer(ver) || json_integer_value(ver) != NATIVE_VERSION)
		rpjson_err_at(&c->rd, "rampart_advisory",
		    "\"rampart_advisory\" must be %d (the format version "
		    "this Rampart reads)",
		    NATIVE_VERSION);
	if ((id = get_line(c, root, "id", RPJSON_REQUIRED)) != NULL &&
	    !id_valid(id, NATIVE_MAX_ID))
		rpjson_err_at(&c->rd, "id",
		    "the id has 1 to %d letters, digits, '.', '_', ':' or '-'",
		    NATIVE_MAX_ID);
	if ((cve = get_line(c, root, "cve", 0)) != NULL && !adv_is_cve(cve)) {
		rpjson_err_at(&c->rd, "cve",
		    "\"%s\" is not a CVE ID (CVE-2023-29059)", cve);
		cve = NULL;
	}
	if ((cwe = get_line(c, root, "cwe", 0)) != NULL &&
	    (!rp_str_startswith(cwe, "CWE-") || cwe[4] == '\0' ||
		strspn(cwe + 4, "0123456789") != strlen(cwe + 4))) {
		rpjson_err_at(
		    &c->rd, "cwe", "\"%s\" is not a CWE ID (CWE-506)", cwe);
		cwe = NULL;
	}
	if (json_object_get(root, "status") == NULL)
		st = "final";
	else
		st = get_enum(c, root, "status", doc_statuses, 0);
	summary = get_text(c, root, "summary", 0);
	details = get_text(c, root, "details", 0);
	if ((r = keep(c, id, &c->a->id)) != 0 ||
	    (r = keep(c, get_line(c, root, "title", RPJSON_REQUIRED),
		 &c->a->title)) != 0 ||
	    (r = keep(c, get_line(c, root, "publisher", 0),
		 &c->a->publisher)) != 0 ||
	    (r = keep(c, get_time(c, root, "published", RPJSON_REQUIRED),
		 &c->a->initial_release)) != 0 ||
	    (r = keep(c,
		 (upd = get_time(c, root, "updated", 0)) != NULL
		     ? upd
		     : c->a->initial_release,
		 &c->a->current_release)) != 0 ||
	    (r = keep(c, get_line(c, root, "version", 0), &c->a->version)) !=
		0 ||
	    (r = keep(c, st, &c->a->status)) != 0 ||
	    (r = keep(c, get_enum(c, root, "severity", severities, 0),
		 &c->a->severity)) != 0 ||
	    (r = keep(c, cve, &c->v->cve)) != 0 ||
	    (r = keep(c, cwe, &c->v->cwe_id)) != 0)
		return r;
	c->v->title = c->a->title;
	if (id != NULL &&
	    (r = push_str(c, &c->v->ids, &c->v->nids, &c->cap_ids, id)) != 0)
		return r;
	if ((summary != NULL && (r = add_note(c, "summary", summary)) != 0) ||
	    (details != NULL && (r = add_note(c, "details", details)) != 0))
		return r;
	return 0;
}

static int
nat_document(struct nat_ctx *c, const json_t *root)
{
	const json_t *pr = json_object_get(root, "products");
	const json_t *io = json_object_get(root, "indicators");
	int r;

	if ((r = nat_header(c, root)) != 0 ||
	    (r = each(c, root, "aliases", nat_alias)) != 0 ||
	    (r = each(c, root, "references", nat_reference)) != 0 ||
	    (r = each(c, root, "products", nat_product)) != 0 ||
	    (r = each(c, root, "indicators", nat_indicator)) != 0 ||
	    (r = dedupe_iocs(c)) != 0)
		return r;
	if (json_array_size(pr) == 0 && json_array_size(io) == 0)
		rpjson_err(&c->rd,
		    "an advisory names products or indicators (or both)");
	return 0;
}

int
native_advisory_read(
    const json_t *root, struct advisory **out, struct rp_diags *d)
{
	struct advisory *a = NULL;
	struct nat_ctx c;
	int r = RP_ERR_INTERNAL;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	rpjson_rd_init(&c.rd, &c.p, d);
	if (!json_is_object(root)) {
		rpjson_err(&c.rd, "a native advisory is a JSON object");
		r = RP_ERR_INVALID;
		goto out;
	}
	if ((a = advisory_new()) == NULL ||
	    (a->vulns = rp_arena_calloc(a->arena, 1, sizeof(*a->vulns))) ==
		NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	c.a = a;
	c.v = a->vulns;
	a->nvulns = 1;
	a->format = ADV_FORMAT_NATIVE;
	if ((r = nat_document(&c, root)) != 0) {
		if (r == RP_ERR_NOMEM)
			rpjson_err(&c.rd, "out of memory");
		goto out;
	}
	if (c.rd.nerrors > 0) {
		r = RP_ERR_INVALID;
		goto out;
	}
	*out = a;
	a = NULL;
	r = 0;
out:
	advisory_free(a);
	return r;
}
