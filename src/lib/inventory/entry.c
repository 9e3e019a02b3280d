/*
 * Field bounds, scheme names and purl inference shared by the CycloneDX and
 * native readers.  Everything here works on bounded stack buffers; a purl
 * that does not parse simply implies nothing.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "entry.h"
#include "util/arena.h"
#include "util/err.h"

static const size_t field_max[] = {
    [INV_F_NAME] = 512,
    [INV_F_VERSION] = 256,
    [INV_F_VENDOR] = 512,
    [INV_F_ARCH] = 64,
    [INV_F_PATH] = 4096,
    [INV_F_PURL] = 4096,
    [INV_F_CPE] = 1024,
    [INV_F_BUNDLE_ID] = 512,
    [INV_F_HOST_NAME] = 255,
    [INV_F_HOST_ID] = 256,
    [INV_F_CUSTOMER] = 256,
    [INV_F_OS] = 256,
    [INV_F_OS_VERSION] = 128,
    [INV_F_WORD] = 64,
    [INV_F_IFACE] = 64,
    [INV_F_IP] = 64,
    [INV_F_MAC] = 64,
    [INV_F_CMDLINE] = 4096,
    [INV_F_PROP_JSON] = 32768,
};

static const struct {
	const char *name;
	enum version_scheme scheme;
} scheme_names[] = {
    {"deb", VERSION_SCHEME_DEB},
    {"rpm", VERSION_SCHEME_RPM},
    {"semver", VERSION_SCHEME_SEMVER},
    {"generic", VERSION_SCHEME_GENERIC},
};

/* purl types whose versions order like a scheme Rampart implements. */
static const struct {
	const char *type;
	enum version_scheme scheme;
	enum inv_source source;
} purl_types[] = {
    {"deb", VERSION_SCHEME_DEB, INV_SOURCE_DPKG},
    {"rpm", VERSION_SCHEME_RPM, INV_SOURCE_RPM},
    {"npm", VERSION_SCHEME_SEMVER, INV_SOURCE_UNKNOWN},
    {"cargo", VERSION_SCHEME_SEMVER, INV_SOURCE_UNKNOWN},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PURL_TOKEN_MAX 256

size_t
inv_field_max(enum inv_field f)
{
	if ((size_t)f >= NELEM(field_max))
		return 0;
	return field_max[f];
}

const char *
inv_field_check(enum inv_field f, const char *s)
{
	const unsigned char *p;
	size_t n;

	if (s == NULL || *s == '\0')
		return "is empty";
	n = strnlen(s, inv_field_max(f) + 1);
	if (n > inv_field_max(f))
		return "is too long";
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return "contains a control character";
	}
	return NULL;
}

int
inv_scheme_from_name(const char *name, enum version_scheme *out)
{
	size_t i;

	for (i = 0; i < NELEM(scheme_names); i++) {
		if (strcmp(scheme_names[i].name, name) == 0) {
			*out = scheme_names[i].scheme;
			return 0;
		}
	}
	return version_scheme_from_name(name, out);
}

const char *
inv_scheme_name(enum version_scheme s)
{
	size_t i;

	for (i = 0; i < NELEM(scheme_names); i++) {
		if (scheme_names[i].scheme == s)
			return scheme_names[i].name;
	}
	return NULL;
}

/* The purl type, lower-cased, into buf.  Returns 0 or RP_ERR_INVALID. */
static int
purl_type(const char *purl, char *buf, size_t len)
{
	const char *p;
	size_t n = 0;

	if (strncasecmp(purl, "pkg:", 4) != 0)
		return RP_ERR_INVALID;
	for (p = purl + 4; *p == '/'; p++)
		;
	for (; *p != '\0' && *p != '/'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '+' &&
		    *p != '-')
			return RP_ERR_INVALID;
		if (n + 1 >= len)
			return RP_ERR_INVALID;
		buf[n++] = (char)tolower((unsigned char)*p);
	}
	if (*p != '/' || n == 0)
		return RP_ERR_INVALID;
	buf[n] = '\0';
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Percent-decodes s[0..n) into buf.  Returns 0, or RP_ERR_INVALID for a
 * bad escape, a control character or a value that does not fit.
 */
static int
pct_decode(const char *s, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;
	int hi, lo, c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (n - i < 3)
				return RP_ERR_INVALID;
			if ((hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0)
				return RP_ERR_INVALID;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c < 0x20 || c == 0x7f || o + 1 >= len)
			return RP_ERR_INVALID;
		buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return 0;
}

/*
 * The decoded value of qualifier key into buf.  Returns 0, RP_ERR_NOTFOUND
 * or RP_ERR_INVALID.
 */
static int
purl_qualifier(const char *purl, const char *key, char *buf, size_t len)
{
	const char *q, *end, *amp, *eq;
	size_t klen = strlen(key);

	if ((q = strchr(purl, '?')) == NULL)
		return RP_ERR_NOTFOUND;
	q++;
	if ((end = strchr(q, '#')) == NULL)
		end = q + strlen(q);
	while (q < end) {
		if ((amp = memchr(q, '&', (size_t)(end - q))) == NULL)
			amp = end;
		eq = memchr(q, '=', (size_t)(amp - q));
		if (eq != NULL && (size_t)(eq - q) == klen &&
		    strncasecmp(q, key, klen) == 0)
			return pct_decode(
			    eq + 1, (size_t)(amp - eq - 1), buf, len);
		q = amp + 1;
	}
	return RP_ERR_NOTFOUND;
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return 0;
	}
	return 1;
}

int
inv_software_complete(struct inv_software *sw, struct rp_arena *arena)
{
	char type[PURL_TOKEN_MAX], val[PURL_TOKEN_MAX];
	enum version_scheme vs;
	size_t i;
	int known = 0, r = RP_ERR_INTERNAL;

	if (sw->purl != NULL && purl_type(sw->purl, type, sizeof(type)) == 0)
		known = 1;
	for (i = 0; known && i < NELEM(purl_types); i++) {
		if (strcmp(purl_types[i].type, type) != 0)
			continue;
		if (sw->scheme == VERSION_SCHEME_UNKNOWN)
			sw->scheme = purl_types[i].scheme;
		if (sw->source == INV_SOURCE_UNKNOWN)
			sw->source = purl_types[i].source;
		break;
	}
	if (known && sw->scheme == VERSION_SCHEME_UNKNOWN &&
	    version_scheme_from_name(type, &vs) == 0)
		sw->scheme = vs;
	if (sw->scheme == VERSION_SCHEME_UNKNOWN)
		sw->scheme = inv_source_scheme(sw->source);
	if (known && sw->arch == NULL &&
	    purl_qualifier(sw->purl, "arch", val, sizeof(val)) == 0 &&
	    inv_field_check(INV_F_ARCH, val) == NULL) {
		if ((sw->arch = rp_arena_strdup(arena, val)) == NULL) {
			r = RP_ERR_NOMEM;
			goto out;
		}
	}
	/*
	 * rpm (and some deb producers) keep the epoch only in the purl.  The
	 * result must still pass the version bound, or a written file would
	 * not read back.
	 */
	if (known && (strcmp(type, "rpm") == 0 || strcmp(type, "deb") == 0) &&
	    sw->version != NULL && strchr(sw->version, ':') == NULL &&
	    purl_qualifier(sw->purl, "epoch", val, sizeof(val)) == 0 &&
	    all_digits(val) && strcmp(val, "0") != 0 && strlen(val) < 10 &&
	    strlen(val) + 1 + strlen(sw->version) <=
		inv_field_max(INV_F_VERSION)) {
		if ((sw->version = rp_arena_printf(
			 arena, "%s:%s", val, sw->version)) == NULL) {
			r = RP_ERR_NOMEM;
			goto out;
		}
	}
	r = 0;
out:
	return r;
}

const char *
inv_field_get(struct rpjson_rd *rd, const json_t *obj, const char *key,
    enum inv_field f, unsigned flags, const char *then, int *bad)
{
	const char *s = NULL;

	rd->then = then;
	if (rpjson_get_str(rd, obj, key, inv_field_max(f),
		flags | INV_FIELD_FLAGS, &s) < 0 &&
	    bad != NULL)
		*bad = 1;
	return s;
}
