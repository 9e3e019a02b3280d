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
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adv_util.h"
#include "advisory.h"
#include "json/rpjson.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/rfc3339.h"
#include "util/str.h"
#include "version/version.h"

#define NATIVE_VERSION 1 /* the "rampart_advisory" this reader knows */
#define NATIVE_MAX_PRODUCTS 10000
#define NATIVE_MAX_VERSIONS 1000 /* per product entry */
#define NATIVE_MAX_ITEMS 100000 /* indicators, references, aliases */
#define NATIVE_MAX_ID 128
#define NATIVE_MAX_VALUE 8192 /* an indicator value (URL, domain...) */

struct nat_ctx {
	struct advisory *a;
	struct adv_vuln *v;
	struct rp_diags *d;
	struct rpjson_path p;
	size_t nerrors;
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

/* ---- diagnostics and small helpers ---- */

static void __attribute__((format(printf, 3, 0))) nat_vdiag(
    struct nat_ctx *c, enum rp_diag_level lvl, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (lvl == RP_DIAG_ERROR)
		c->nerrors++;
	(void)rp_diags_add(c->d, lvl, NULL, rpjson_path_str(&c->p), "%s", msg);
}

static void __attribute__((format(printf, 2, 3)))
nat_err(struct nat_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nat_vdiag(c, RP_DIAG_ERROR, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3)))
nat_warn(struct nat_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nat_vdiag(c, RP_DIAG_WARNING, fmt, ap);
	va_end(ap);
}

/* An error at obj member key. */
static void __attribute__((format(printf, 3, 4)))
nat_err_at(struct nat_ctx *c, const char *key, const char *fmt, ...)
{
	size_t m = rpjson_path_push_key(&c->p, key);
	va_list ap;

	va_start(ap, fmt);
	nat_vdiag(c, RP_DIAG_ERROR, fmt, ap);
	va_end(ap);
	rpjson_path_pop(&c->p, m);
}

/* Joins a list for messages: "a, b, c". */
static const char *
list_str(const char *const *list, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; *list != NULL && n < len; list++)
		n += (size_t)snprintf(
		    buf + n, len - n, "%s%s", n ? ", " : "", *list);
	return buf;
}

static void
check_keys(struct nat_ctx *c, const json_t *obj, const char *const *known)
{
	const char *key;
	json_t *val;
	size_t m;

	json_object_foreach((json_t *)obj, key, val)
	{
		if (adv_in_list(known, key))
			continue;
		m = rpjson_path_push_key(&c->p, key);
		nat_warn(c, "unknown member \"%s\" ignored", key);
		rpjson_path_pop(&c->p, m);
	}
}

/*
 * obj[key] as a non-empty string without control characters: NULL when
 * absent (an error if required) or invalid (an error).
 */
static const char *
get_str(struct nat_ctx *c, const json_t *obj, const char *key, int required)
{
	const json_t *val = json_object_get(obj, key);

	if (val == NULL) {
		if (required)
			nat_err(c, "required member \"%s\" is missing", key);
		return NULL;
	}
	if (!json_is_string(val)) {
		nat_err_at(c, key, "\"%s\" must be a string", key);
		return NULL;
	}
	if (json_string_length(val) == 0) {
		nat_err_at(c, key, "\"%s\" must not be empty", key);
		return NULL;
	}
	if (strlen(json_string_value(val)) != json_string_length(val)) {
		nat_err_at(c, key, "\"%s\" contains a NUL character", key);
		return NULL;
	}
	return json_string_value(val);
}

/* A one-line string: as get_str, also without control characters. */
static const char *
get_line(struct nat_ctx *c, const json_t *obj, const char *key, int required)
{
	const char *s = get_str(c, obj, key, required);
	const unsigned char *p;

	if (s == NULL)
		return NULL;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			nat_err_at(c, key,
			    "\"%s\" must be one line without control "
			    "characters",
			    key);
			return NULL;
		}
	}
	return s;
}

/* A member that must be one of list; NULL when absent or invalid. */
static const char *
get_enum(struct nat_ctx *c, const json_t *obj, const char *key,
    const char *const *list, int required)
{
	const char *s = get_str(c, obj, key, required);
	char buf[256];

	if (s == NULL || adv_in_list(list, s))
		return s;
	nat_err_at(c, key, "\"%s\" is not one of %s", s,
	    list_str(list, buf, sizeof(buf)));
	return NULL;
}

static int
push_str(struct nat_ctx *c, char ***arr, size_t *n, size_t *cap, const char *s)
{
	char **v;

	if (*n >= NATIVE_MAX_ITEMS) {
		nat_err(c, "more than %d entries", NATIVE_MAX_ITEMS);
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
get_time(struct nat_ctx *c, const json_t *obj, const char *key, int required)
{
	const char *s = get_str(c, obj, key, required);

	enum rp_time_err e;

	if (s != NULL && rp_rfc3339_parse(s, NULL, &e) != 0) {
		nat_err_at(c, key,
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

/*
 * Undoes the usual defanging ("example[.]com", "hxxps://", "1.2.3[.]4",
 * "http[:]//") into buf.  Returns 0, or -1 when it does not fit.
 */
static int
refang(const char *s, char *buf, size_t len)
{
	static const struct {
		const char *from, *to;
	} rep[] = {{"[.]", "."}, {"(.)", "."}, {"{.}", "."}, {"[dot]", "."},
	    {"[:]", ":"}, {"[://]", "://"}, {"hxxps", "https"},
	    {"hxxp", "http"}, {"fxp", "ftp"}};
	size_t n = 0, i, fl;

	while (*s != '\0') {
		for (i = 0; i < sizeof(rep) / sizeof(rep[0]); i++) {
			fl = strlen(rep[i].from);
			if (strncasecmp(s, rep[i].from, fl) != 0)
				continue;
			/* scheme words only as the scheme: "hxxp://" */
			if (strchr("[({", rep[i].from[0]) == NULL &&
			    (n != 0 || (s[fl] != ':' && s[fl] != '[')))
				continue;
			break;
		}
		if (i < sizeof(rep) / sizeof(rep[0])) {
			fl = strlen(rep[i].to);
			if (n + fl >= len)
				return -1;
			memcpy(buf + n, rep[i].to, fl);
			n += fl;
			s += strlen(rep[i].from);
			continue;
		}
		if (n + 1 >= len)
			return -1;
		buf[n++] = *s++;
	}
	buf[n] = '\0';
	return 0;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* An IPv4 or IPv6 address, optionally with a /prefix length. */
static const char *
ip_check(char *s)
{
	unsigned char addr[16];
	char *slash;
	long bits;
	char *end;
	int v6;

	v6 = strchr(s, ':') != NULL;
	if ((slash = strchr(s, '/')) != NULL) {
		*slash = '\0';
		bits = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || !isdigit((unsigned char)slash[1]) ||
		    *end != '\0' || bits < 0 || bits > (v6 ? 128 : 32)) {
			*slash = '/';
			return "the prefix length after '/' is out of range";
		}
	}
	if (inet_pton(v6 ? AF_INET6 : AF_INET, s, addr) != 1) {
		if (slash != NULL)
			*slash = '/';
		return v6 ? "not an IPv6 address" : "not an IPv4 address";
	}
	if (slash != NULL)
		*slash = '/';
	lower(s);
	return NULL;
}

/* scheme://host[:port][/...] with a valid host; no spaces. */
static const char *
url_check(char *s)
{
	char host[256], *p, *h, *end;
	const char *why;
	size_t n;
	long port;

	n = strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+.-");
	if (n == 0 || !isalpha((unsigned char)s[0]) ||
	    strncmp(s + n, "://", 3) != 0)
		return "a URL starts with a scheme, e.g. https://";
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return "a URL has no spaces or control characters";
	}
	for (p = s; p < s + n; p++)
		*p = (char)tolower((unsigned char)*p);
	h = s + n + 3;
	if ((p = strchr(h, '@')) != NULL && p < h + strcspn(h, "/?#"))
		h = p + 1; /* userinfo */
	n = strcspn(h, "/?#");
	if (h[0] == '[') {
		if ((p = memchr(h, ']', n)) == NULL || (size_t)(p - h) > 64)
			return "a bracketed URL host is an IPv6 address";
		memcpy(host, h + 1, (size_t)(p - h - 1));
		host[p - h - 1] = '\0';
		if (strchr(host, ':') == NULL || ip_check(host) != NULL)
			return "a bracketed URL host is an IPv6 address";
		if (*++p != ':' && p != h + n)
			return "a bracketed URL host is an IPv6 address";
	} else {
		p = memchr(h, ':', n);
		if (p == NULL)
			p = h + n;
		if ((size_t)(p - h) >= sizeof(host))
			return "the URL host is too long";
		memcpy(host, h, (size_t)(p - h));
		host[p - h] = '\0';
		if (strspn(host, "0123456789.") == strlen(host)) {
			if ((why = ip_check(host)) != NULL)
				return why;
		} else if ((why = rp_domain_check(host)) != NULL)
			return why;
		for (; h < p; h++)
			*h = (char)tolower((unsigned char)*h);
	}
	if (*p == ':') {
		port = strtol(p + 1, &end, 10);
		if (!isdigit((unsigned char)p[1]) || port < 1 || port > 65535 ||
		    (*end != '\0' && strchr("/?#", *end) == NULL))
			return "the URL port is not a number from 1 to 65535";
	}
	return NULL;
}

static const char *
hash_check(char *s, size_t len)
{
	if (strlen(s) != len || strspn(s, "0123456789abcdefABCDEF") != len)
		return "a hash is hexadecimal of its algorithm's length";
	lower(s);
	return NULL;
}

/* Light sanity of YARA text: it declares a rule named name, with a body. */
static const char *
yara_check(const char *rule, const char *name)
{
	const char *p = rule, *q;
	size_t nl;
	int found = 0, any = 0;

	while ((p = strstr(p, "rule")) != NULL) {
		q = p + 4;
		if ((p == rule || isspace((unsigned char)p[-1])) &&
		    isspace((unsigned char)*q)) {
			while (isspace((unsigned char)*q))
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
		return hash_check(val, 64);
	case ADV_IOC_SHA1:
		return hash_check(val, 40);
	case ADV_IOC_MD5:
		return hash_check(val, 32);
	case ADV_IOC_DOMAIN:
		return rp_domain_check(val);
	case ADV_IOC_IP:
		return ip_check(val);
	case ADV_IOC_URL:
		return url_check(val);
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
		m = rpjson_path_push_key(&c->p, "indicators");
		rpjson_path_push_index(&c->p, c->ioc_pos[i]);
		nat_warn(c, "duplicate %s indicator ignored",
		    adv_ioc_type_name(io[i].type));
		rpjson_path_pop(&c->p, m);
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
		nat_err_at(c, "size", "\"size\" is a number of bytes");
		return -1;
	}
	if (!ioc_is_hash(t)) {
		nat_warn(c, "\"size\" applies to file hashes only; ignored");
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

	if (!json_is_object(ioc)) {
		nat_err(c, "an indicator is an object");
		return 0;
	}
	check_keys(c, ioc, ioc_keys);
	if ((type = get_str(c, ioc, "type", 1)) == NULL)
		return 0;
	if (adv_ioc_type_from_name(type, &t) != 0) {
		nat_err_at(c, "type",
		    "indicator type \"%s\" is not one of sha256, sha1, md5, "
		    "filename, domain, ip, url, yara",
		    type);
		return 0;
	}
	comment = get_str(c, ioc, "comment", 0);
	if (ioc_size(c, ioc, t, &size) != 0)
		return 0;
	if (t == ADV_IOC_YARA) {
		name = get_line(c, ioc, "name", 0);
		if (json_object_get(ioc, "value") != NULL)
			nat_err_at(c, "value",
			    "a yara indicator has \"rule\" (the rule text), "
			    "not \"value\"");
		if ((value = get_str(c, ioc, "rule", 1)) == NULL)
			return 0;
		if ((why = yara_check(value, name)) != NULL) {
			nat_err_at(c, "rule", "%s", why);
			return 0;
		}
		if (comment == NULL)
			comment = name;
	} else {
		if (json_object_get(ioc, "rule") != NULL ||
		    json_object_get(ioc, "name") != NULL)
			nat_warn(c,
			    "\"rule\" and \"name\" belong to yara "
			    "indicators; ignored");
		if ((value = get_line(c, ioc, "value", 1)) == NULL)
			return 0;
		if (refang(value, buf, sizeof(buf)) != 0) {
			nat_err_at(c, "value", "the value is too long");
			return 0;
		}
		if ((why = ioc_check(t, buf)) != NULL) {
			nat_err_at(c, "value", "%s: \"%s\"", why, value);
			return 0;
		}
		value = buf;
	}
	if (c->a->niocs >= NATIVE_MAX_ITEMS) {
		nat_err(c, "more than %d indicators", NATIVE_MAX_ITEMS);
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
		nat_err(c, "version %s is listed twice", version);
		return 0;
	}
	if (c->a->nproducts >= NATIVE_MAX_PRODUCTS) {
		nat_err(c, "more than %d products", NATIVE_MAX_PRODUCTS);
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
		nat_err(c, "version \"%s\" has spaces or '|'", v);
		return 0;
	}
	if (version_scheme_from_name(scheme, &vs) != 0)
		return 1; /* nothing to check against yet */
	if (!version_valid(vs, v, &why)) {
		nat_err(c, "\"%s\" is not a %s version%s%s", v, scheme,
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
		nat_err_at(c, "affected",
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
	m = rpjson_path_push_key(&c->p, "affected");
	for (i = 0; i < tmp->n; i++) {
		if (tmp->v[i].level == RP_DIAG_ERROR)
			nat_err(c, "%s", tmp->v[i].msg);
		else
			nat_warn(c, "%s", tmp->v[i].msg);
	}
	if (r == RP_ERR_INVALID && tmp->nerrors == 0)
		nat_err(c, "\"%s\" is not a valid range", range);
	rpjson_path_pop(&c->p, m);
	rp_diags_free(tmp);
	return r == RP_ERR_NOMEM ? RP_ERR_NOMEM : 0;
}

/* Reads the scalar members of a products[] entry into e. */
static void
entry_fields(struct nat_ctx *c, const json_t *obj, struct nat_entry *e)
{
	const char *st;

	memset(e, 0, sizeof(*e));
	check_keys(c, obj, product_keys);
	if ((e->id = get_str(c, obj, "id", 1)) != NULL &&
	    !id_valid(e->id, 64)) {
		nat_err_at(c, "id",
		    "a product id has 1 to 64 letters, digits, '.', '_', ':' "
		    "or '-'");
		e->id = NULL;
	}
	e->vendor = get_line(c, obj, "vendor", 0);
	e->product = get_line(c, obj, "product", 1);
	e->name = get_line(c, obj, "name", 0);
	if ((e->platform = get_line(c, obj, "platform", 0)) != NULL &&
	    !adv_in_list(platforms, e->platform)) {
		size_t m = rpjson_path_push_key(&c->p, "platform");

		nat_warn(c,
		    "platform \"%s\" is not one Rampart inventories report "
		    "(windows, macos, linux, android, ios, freebsd)",
		    e->platform);
		rpjson_path_pop(&c->p, m);
	}
	if (json_object_get(obj, "scheme") == NULL)
		e->scheme = "generic";
	else
		e->scheme = get_enum(c, obj, "scheme", schemes, 0);
	e->range = get_str(c, obj, "affected", 0);
	e->fixed = get_line(c, obj, "fixed", 0);
	if ((e->cpe = get_line(c, obj, "cpe", 0)) != NULL &&
	    !rp_str_startswith(e->cpe, "cpe:"))
		nat_err_at(c, "cpe", "a CPE starts with \"cpe:\"");
	if ((e->purl = get_line(c, obj, "purl", 0)) != NULL &&
	    !rp_str_startswith(e->purl, "pkg:"))
		nat_err_at(c, "purl", "a package URL starts with \"pkg:\"");
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
	m = rpjson_path_push_key(&c->p, "versions");
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > NATIVE_MAX_VERSIONS) {
		nat_err(c, "\"versions\" is an array of 1 to %d versions",
		    NATIVE_MAX_VERSIONS);
		goto out;
	}
	json_array_foreach(arr, i, v)
	{
		m2 = rpjson_path_push_index(&c->p, i);
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    strlen(json_string_value(v)) != json_string_length(v))
			nat_err(c, "a version is a non-empty string");
		else if (version_ok(c, e->scheme, json_string_value(v))) {
			if ((r = add_product(c, e, json_string_value(v), NULL,
				 e->status, &id)) != 0 ||
			    (id != NULL &&
				(r = push_str(
				     c, &e->pids, &e->npids, cap, id)) != 0)) {
				rpjson_path_pop(&c->p, m2);
				break;
			}
		}
		rpjson_path_pop(&c->p, m2);
	}
out:
	rpjson_path_pop(&c->p, m);
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
	m = rpjson_path_push_key(&c->p, "remediation");
	if (json_is_string(rj) && json_string_length(rj) > 0)
		details = json_string_value(rj);
	else if (json_is_object(rj)) {
		check_keys(c, rj, rem_keys);
		cs = get_enum(c, rj, "category",
		    (const char *const[]){"vendor_fix", "workaround",
			"mitigation", "no_fix_planned", "none_available", NULL},
		    0);
		if (cs != NULL)
			(void)adv_rem_category_from_name(cs, &cat);
		details = get_str(c, rj, "details", 1);
		if ((url = get_line(c, rj, "url", 0)) != NULL) {
			if (strlen(url) >= sizeof(url_buf))
				url = NULL;
			else {
				memcpy(url_buf, url, strlen(url) + 1);
				if (url_check(url_buf) != NULL)
					nat_err_at(c, "url",
					    "\"%s\" is not a URL", url);
			}
		}
	} else if (rj != NULL)
		nat_err(c,
		    "\"remediation\" is a text or an object with "
		    "category, details and url");
	rpjson_path_pop(&c->p, m);
	if (details == NULL && e->fixed == NULL)
		return 0;
	if ((rem = rp_arena_grow(ar, c->v->remediations, c->v->nremediations,
		 &c->cap_rems, sizeof(*rem))) == NULL)
		return RP_ERR_NOMEM;
	c->v->remediations = rem;
	rem += c->v->nremediations++;
	rem->category = cat;
	rem->details = details != NULL
	    ? rp_arena_strdup(ar, details)
	    : rp_arena_printf(
		  ar, "Upgrade %s to %s or later.", e->product, e->fixed);
	rem->url = rp_arena_strdup(ar, url);
	rem->product_ids = e->pids;
	rem->nproduct_ids = e->npids;
	if (rem->details == NULL || (url != NULL && rem->url == NULL))
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
		nat_err(c, "a product is an object");
		return 0;
	}
	entry_fields(c, obj, &e);
	if (e.id != NULL && entry_id_taken(c->a, e.id)) {
		nat_err_at(c, "id", "product id \"%s\" is not unique", e.id);
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
		size_t m = rpjson_path_push_key(&c->p, "fixed");

		if (e.status != ADV_STATUS_KNOWN_AFFECTED)
			nat_err(c,
			    "only affected products have a fixed "
			    "version");
		else if (version_ok(c, e.scheme, e.fixed))
			r = add_product(
			    c, &e, e.fixed, NULL, ADV_STATUS_FIXED, &id);
		rpjson_path_pop(&c->p, m);
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
	m = rpjson_path_push_key(&c->p, key);
	if (!json_is_array(arr))
		nat_err(c, "\"%s\" is an array", key);
	json_array_foreach(arr, i, v)
	{
		m2 = rpjson_path_push_index(&c->p, i);
		c->cur = i;
		r = fn(c, v);
		rpjson_path_pop(&c->p, m2);
		if (r != 0)
			break;
	}
	rpjson_path_pop(&c->p, m);
	return r;
}

static int
nat_alias(struct nat_ctx *c, const json_t *v)
{
	if (!json_is_string(v) || !id_valid(json_string_value(v), 128)) {
		nat_err(c,
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
		nat_err(c, "a reference is a URL string");
		return 0;
	}
	memcpy(buf, json_string_value(v), json_string_length(v) + 1);
	if ((why = url_check(buf)) != NULL) {
		nat_err(c, "%s: \"%s\"", why, json_string_value(v));
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

	check_keys(c, root, top_keys);
	if (!json_is_integer(ver) || json_integer_value(ver) != NATIVE_VERSION)
		nat_err_at(c, "rampart_advisory",
		    "\"rampart_advisory\" must be %d (the format version "
		    "this Rampart reads)",
		    NATIVE_VERSION);
	if ((id = get_line(c, root, "id", 1)) != NULL &&
	    !id_valid(id, NATIVE_MAX_ID))
		nat_err_at(c, "id",
		    "the id has 1 to %d letters, digits, '.', '_', ':' or '-'",
		    NATIVE_MAX_ID);
	if ((cve = get_line(c, root, "cve", 0)) != NULL && !adv_is_cve(cve)) {
		nat_err_at(
		    c, "cve", "\"%s\" is not a CVE ID (CVE-2023-29059)", cve);
		cve = NULL;
	}
	if ((cwe = get_line(c, root, "cwe", 0)) != NULL &&
	    (!rp_str_startswith(cwe, "CWE-") || cwe[4] == '\0' ||
		strspn(cwe + 4, "0123456789") != strlen(cwe + 4))) {
		nat_err_at(c, "cwe", "\"%s\" is not a CWE ID (CWE-506)", cwe);
		cwe = NULL;
	}
	if (json_object_get(root, "status") == NULL)
		st = "final";
	else
		st = get_enum(c, root, "status", doc_statuses, 0);
	summary = get_str(c, root, "summary", 0);
	details = get_str(c, root, "details", 0);
	if ((r = keep(c, id, &c->a->id)) != 0 ||
	    (r = keep(c, get_line(c, root, "title", 1), &c->a->title)) != 0 ||
	    (r = keep(c, get_line(c, root, "publisher", 0),
		 &c->a->publisher)) != 0 ||
	    (r = keep(c, get_time(c, root, "published", 1),
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
		nat_err(
		    c, "an advisory names products or indicators (or both)");
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
	c.d = d;
	rpjson_path_init(&c.p);
	if (!json_is_object(root)) {
		nat_err(&c, "a native advisory is a JSON object");
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
			nat_err(&c, "out of memory");
		goto out;
	}
	if (c.nerrors > 0) {
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
