/*
 * Field bounds, scheme names and purl inference shared by the CycloneDX and
 * native readers.  Everything here works on bounded stack buffers; a purl
 * that does not parse simply implies nothing.
 */
#include "util/ascii.h"
#include <string.h>
#include <strings.h>

#include "entry.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/purl.h"

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
/* Decoded purl text; a longer purl implies nothing. */
#define INV_PURL_BUF 4096

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

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!rp_isdigit((unsigned char)*s))
			return 0;
	}
	return 1;
}

int
inv_srpm_split(const char *srpm, char *name, size_t namelen, char *version,
    size_t versionlen)
{
	size_t n = strlen(srpm);
	const char *rel, *ver;

	/* "openssl-3.0.7-27.el9.src.rpm": N-V-R, split at the last two '-'. */
	if (n > 8 && strcmp(srpm + n - 8, ".src.rpm") == 0)
		n -= 8;
	else if (n > 10 && strcmp(srpm + n - 10, ".nosrc.rpm") == 0)
		n -= 10;
	else
		return RP_ERR_INVALID;
	if ((rel = memrchr(srpm, '-', n)) == NULL || rel == srpm ||
	    (ver = memrchr(srpm, '-', (size_t)(rel - srpm))) == NULL ||
	    ver == srpm || ver + 1 == rel || rel + 1 == srpm + n)
		return RP_ERR_INVALID;
	if ((size_t)(ver - srpm) >= namelen ||
	    (size_t)(srpm + n - ver - 1) >= versionlen)
		return RP_ERR_LIMIT;
	memcpy(name, srpm, (size_t)(ver - srpm));
	name[ver - srpm] = '\0';
	memcpy(version, ver + 1, (size_t)(srpm + n - ver - 1));
	version[srpm + n - ver - 1] = '\0';
	return 0;
}

/*
 * Blanks in name / ver what equals the package's own (ver "" when the
 * same version); returns 0 when something is left to record, else -1.
 */
static int
source_differs(char *name, char *ver, const char *pname, const char *pver)
{
	if (ver[0] != '\0' && pver != NULL && strcmp(ver, pver) == 0)
		ver[0] = '\0';
	return ver[0] == '\0' && pname != NULL && strcmp(name, pname) == 0 ? -1
									   : 0;
}

int
inv_srpm_source(const char *srpm, const char *pname, const char *pver,
    char *name, size_t namelen, char *ver, size_t verlen)
{
	const char *colon = pver != NULL ? strchr(pver, ':') : NULL;
	char v[PURL_TOKEN_MAX];
	int r, n;

	if ((r = inv_srpm_split(srpm, name, namelen, v, sizeof(v))) != 0)
		return r;
	/* The source rpm's name has no epoch: the package's is its. */
	n = snprintf(ver, verlen, "%.*s%s",
	    colon != NULL ? (int)(colon - pver + 1) : 0, colon ? pver : "", v);
	if (n < 0 || (size_t)n >= verlen)
		return RP_ERR_LIMIT;
	return source_differs(name, ver, pname, pver) == 0 ? 0
							   : RP_ERR_NOTFOUND;
}

/* Keeps s (a value from a purl) in *dst when field f accepts it. */
static int
keep(const char **dst, enum inv_field f, const char *s, struct rp_arena *a)
{
	if (*dst != NULL || s == NULL || inv_field_check(f, s) != NULL)
		return 0;
	return (*dst = rp_arena_strdup(a, s)) == NULL ? RP_ERR_NOMEM : 0;
}

/*
 * The source package a purl's "upstream" qualifier names: "xz-utils" or
 * "xz-utils@5.4.1-0.2" for deb, the source rpm's file name for rpm (as
 * syft and Rampart's collectors write it).
 */
static int
complete_upstream(
    struct inv_software *sw, const struct rp_purl *p, struct rp_arena *arena)
{
	char name[PURL_TOKEN_MAX], ver[PURL_TOKEN_MAX];
	const char *up = rp_purl_qualifier(p, "upstream"), *at;
	int r;

	if (up == NULL || sw->source_name != NULL)
		return 0;
	if (strcmp(p->type, "rpm") == 0) {
		if (inv_srpm_source(up, sw->name, sw->version, name,
			sizeof(name), ver, sizeof(ver)) != 0)
			return 0;
	} else {
		at = strchr(up, '@');
		snprintf(name, sizeof(name), "%.*s",
		    (int)(at ? (size_t)(at - up) : strlen(up)), up);
		snprintf(ver, sizeof(ver), "%s", at ? at + 1 : "");
		/* Recorded only where it differs from the package's own. */
		if (source_differs(name, ver, sw->name, sw->version) != 0)
			return 0;
	}
	if ((r = keep(&sw->source_name, INV_F_NAME, name, arena)) != 0)
		return r;
	return ver[0] != '\0'
	    ? keep(&sw->source_version, INV_F_VERSION, ver, arena)
	    : 0;
}

/* The scheme and source a purl type implies, where sw does not say. */
static void
complete_type(struct inv_software *sw, const char *type)
{
	enum version_scheme vs;
	size_t i;

	for (i = 0; i < NELEM(purl_types); i++) {
		if (strcmp(purl_types[i].type, type) != 0)
			continue;
		if (sw->scheme == VERSION_SCHEME_UNKNOWN)
			sw->scheme = purl_types[i].scheme;
		if (sw->source == INV_SOURCE_UNKNOWN)
			sw->source = purl_types[i].source;
		break;
	}
	if (sw->scheme == VERSION_SCHEME_UNKNOWN &&
	    version_scheme_from_name(type, &vs) == 0)
		sw->scheme = vs;
}

int
inv_software_complete(struct inv_software *sw, struct rp_arena *arena)
{
	char buf[INV_PURL_BUF];
	struct rp_purl p;
	const char *epoch;
	int r, known;

	known = sw->purl != NULL &&
	    rp_purl_parse(sw->purl, &p, buf, sizeof(buf), NULL) == 0;
	if (known)
		complete_type(sw, p.type);
	if (sw->scheme == VERSION_SCHEME_UNKNOWN)
		sw->scheme = inv_source_scheme(sw->source);
	if (!known)
		return 0;
	if ((r = keep(&sw->arch, INV_F_ARCH, rp_purl_qualifier(&p, "arch"),
		 arena)) != 0)
		return r;
	/*
	 * rpm (and some deb producers) keep the epoch only in the purl.  The
	 * result must still pass the version bound, or a written file would
	 * not read back.
	 */
	epoch = rp_purl_qualifier(&p, "epoch");
	if ((strcmp(p.type, "rpm") == 0 || strcmp(p.type, "deb") == 0) &&
	    sw->version != NULL && strchr(sw->version, ':') == NULL &&
	    epoch != NULL && all_digits(epoch) && strcmp(epoch, "0") != 0 &&
	    strlen(epoch) < 10 &&
	    strlen(epoch) + 1 + strlen(sw->version) <=
		inv_field_max(INV_F_VERSION)) {
		if ((sw->version = rp_arena_printf(
			 arena, "%s:%s", epoch, sw->version)) == NULL)
			return RP_ERR_NOMEM;
	}
	return complete_upstream(sw, &p, arena);
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
