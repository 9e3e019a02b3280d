/*
 * Names as keys: normalising product, vendor and OS names, and reducing
 * package URLs and CPEs to the part that names a product.  Everything
 * here works on bounded caller buffers and allocates nothing, because it
 * runs once per installed package of every host checked.
 */
#include "util/ascii.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "match_int.h"
#include "util/purl.h"

/* Decoded purl text kept while a key is made; longer purls have none. */
#define MATCH_PURL_BUF 4096

#define WORDS_MAX 64
#define WORD_MAX 64

size_t
match_normalize(const char *s, char *out, size_t outlen)
{
	size_t n = 0;
	unsigned char c;

	if (outlen == 0)
		return 0;
	for (; s != NULL && *s != '\0' && n + 1 < outlen; s++) {
		c = (unsigned char)*s;
		if (c >= 0x80)
			out[n++] = (char)c; /* keep non-ASCII text as is */
		else if (rp_isalnum(c))
			out[n++] = (char)rp_tolower(c);
	}
	out[n] = '\0';
	return n;
}

/* Splits s into lower-case alphanumeric words; returns the count. */
static size_t
alnum_words(const char *s, char w[][WORD_MAX], size_t maxw)
{
	size_t n = 0, len = 0;

	for (;; s++) {
		if (*s != '\0' && rp_isalnum((unsigned char)*s)) {
			if (len + 1 < WORD_MAX && n < maxw)
				w[n][len++] =
				    (char)rp_tolower((unsigned char)*s);
			continue;
		}
		if (len > 0 && n < maxw) {
			w[n][len] = '\0';
			n++;
		}
		len = 0;
		if (*s == '\0')
			break;
	}
	return n;
}

static int
word_in(const char *w, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(w, *list) == 0)
			return 1;
	}
	return 0;
}

enum os_family
os_family_from_name(const char *s)
{
	static const char *const win[] = {
	    "windows", "win32", "win64", "win10", "win11", NULL};
	static const char *const mac[] = {
	    "macos", "macosx", "osx", "darwin", "mac", NULL};
	static const char *const ios[] = {
	    "ios", "ipados", "iphone", "ipad", NULL};
	static const char *const lin[] = {"linux", "debian", "ubuntu", "rhel",
	    "fedora", "centos", "suse", "sles", "opensuse", "alpine", "rocky",
	    "almalinux", "mint", "gentoo", "wolfi", "mageia", "raspbian", NULL};
	char w[WORDS_MAX][WORD_MAX];
	size_t n, i;

	if (s == NULL)
		return OS_FAMILY_UNKNOWN;
	n = alnum_words(s, w, WORDS_MAX);
	for (i = 0; i < n; i++) {
		if (word_in(w[i], win))
			return OS_FAMILY_WINDOWS;
		if (word_in(w[i], mac) ||
		    (i + 1 < n && strcmp(w[i], "os") == 0 &&
			strcmp(w[i + 1], "x") == 0))
			return OS_FAMILY_MACOS;
		if (word_in(w[i], ios))
			return OS_FAMILY_IOS;
		if (strcmp(w[i], "android") == 0)
			return OS_FAMILY_ANDROID;
		if (word_in(w[i], lin) ||
		    (i + 1 < n && strcmp(w[i], "red") == 0 &&
			strcmp(w[i + 1], "hat") == 0))
			return OS_FAMILY_LINUX;
	}
	return OS_FAMILY_UNKNOWN;
}

const char *
os_family_name(enum os_family f)
{
	switch (f) {
	case OS_FAMILY_WINDOWS:
		return "Windows";
	case OS_FAMILY_MACOS:
		return "macOS";
	case OS_FAMILY_LINUX:
		return "Linux";
	case OS_FAMILY_IOS:
		return "iOS";
	case OS_FAMILY_ANDROID:
		return "Android";
	case OS_FAMILY_UNKNOWN:
		break;
	}
	return "unknown";
}

enum os_family
match_ecosystem_os(const char *ecosystem)
{
	char buf[WORD_MAX];
	size_t i;

	if (ecosystem == NULL)
		return OS_FAMILY_UNKNOWN;
	/* "Debian:12", "Alpine:v3.18": the distribution is before ':'. */
	for (i = 0;
	     ecosystem[i] != '\0' && ecosystem[i] != ':' && i + 1 < sizeof(buf);
	     i++)
		buf[i] = ecosystem[i];
	buf[i] = '\0';
	return os_family_from_name(buf);
}

/* A word that is a version rather than part of a name: "18.12.416", "v2.1". */
static int
version_word(const char *w, size_t len)
{
	size_t i = 0;
	int dot = 0;

	if (len > 1 && (w[0] == 'v' || w[0] == 'V') &&
	    rp_isdigit((unsigned char)w[1]))
		i = 1;
	if (i >= len || !rp_isdigit((unsigned char)w[i]))
		return 0;
	for (; i < len; i++) {
		if (w[i] == '.')
			dot = 1;
		else if (!rp_isalnum((unsigned char)w[i]) && w[i] != '-' &&
		    w[i] != '_' && w[i] != '+' && w[i] != '~')
			return 0;
	}
	return dot;
}

struct span {
	const char *s;
	size_t len;
};

/* Whitespace-separated words of s, parentheses and commas split off. */
static size_t
space_words(const char *s, struct span *w, size_t maxw)
{
	size_t n = 0;
	const char *p = s;

	while (*p != '\0' && n < maxw) {
		while (
		    *p != '\0' && (rp_isspace((unsigned char)*p) || *p == ','))
			p++;
		if (*p == '\0')
			break;
		w[n].s = p;
		if (*p == '(' || *p == ')')
			p++;
		else
			while (*p != '\0' && !rp_isspace((unsigned char)*p) &&
			    *p != '(' && *p != ')' && *p != ',')
				p++;
		w[n].len = (size_t)(p - w[n].s);
		n++;
	}
	return n;
}

/* The OS the words w[from..to) name, UNKNOWN unless all are OS words. */
static enum os_family
words_os(const struct span *w, size_t from, size_t to)
{
	char buf[256];
	size_t i, len = 0;

	if (to <= from || to - from > 4)
		return OS_FAMILY_UNKNOWN;
	for (i = from; i < to; i++) {
		if (len + w[i].len + 2 >= sizeof(buf))
			return OS_FAMILY_UNKNOWN;
		memcpy(buf + len, w[i].s, w[i].len);
		len += w[i].len;
		buf[len++] = ' ';
	}
	buf[len] = '\0';
	return os_family_from_name(buf);
}

/* Finds a trailing platform designation; returns where it starts or n. */
static size_t
strip_platform(const struct span *w, size_t n, enum os_family *os)
{
	enum os_family f;
	size_t k;

	if (n < 2)
		return n;
	/* "... (Windows)" */
	if (w[n - 1].len == 1 && w[n - 1].s[0] == ')') {
		for (k = n - 1; k > 0; k--) {
			if (w[k - 1].len == 1 && w[k - 1].s[0] == '(')
				break;
		}
		if (k > 1 && (f = words_os(w, k, n - 1)) != OS_FAMILY_UNKNOWN) {
			*os = f;
			return k - 1;
		}
		return n;
	}
	/* "... for Windows", "... on Apple macOS", "... - Android" */
	for (k = 1; k + 1 < n; k++) {
		if ((w[k].len == 3 && strncasecmp(w[k].s, "for", 3) == 0) ||
		    (w[k].len == 2 && strncasecmp(w[k].s, "on", 2) == 0) ||
		    (w[k].len == 1 && w[k].s[0] == '-')) {
			if ((f = words_os(w, k + 1, n)) != OS_FAMILY_UNKNOWN) {
				*os = f;
				return k;
			}
		}
	}
	return n;
}

size_t
match_name_key(const char *name, char *out, size_t outlen, enum os_family *os)
{
	struct span w[WORDS_MAX];
	enum os_family f = OS_FAMILY_UNKNOWN;
	char buf[MATCH_KEY_MAX * 2];
	size_t n, end, i, len = 0, kept = 0;

	if (os != NULL)
		*os = OS_FAMILY_UNKNOWN;
	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (name == NULL)
		return 0;
	n = space_words(name, w, WORDS_MAX);
	end = strip_platform(w, n, &f);
	for (i = 0; i < end; i++) {
		if (version_word(w[i].s, w[i].len))
			continue;
		if (len + w[i].len + 1 >= sizeof(buf))
			break;
		memcpy(buf + len, w[i].s, w[i].len);
		len += w[i].len;
		buf[len++] = ' ';
		kept++;
	}
	buf[len] = '\0';
	if (kept == 0) /* the name was only a version: keep it whole */
		return match_normalize(name, out, outlen);
	if (os != NULL)
		*os = f;
	return match_normalize(buf, out, outlen);
}

size_t
match_vendor_key(const char *vendor, char *out, size_t outlen)
{
	static const char *const legal[] = {"inc", "incorporated", "ltd",
	    "limited", "llc", "gmbh", "ag", "corp", "corporation", "co",
	    "company", "sa", "srl", "bv", "plc", "kg", "oy", "ab", "pty", "se",
	    NULL};
	char w[WORDS_MAX][WORD_MAX];
	size_t n, i, len = 0, wl;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (vendor == NULL)
		return 0;
	n = alnum_words(vendor, w, WORDS_MAX);
	for (i = 0; i < n; i++) {
		if (i > 0 && word_in(w[i], legal))
			continue;
		wl = strlen(w[i]);
		if (len + wl + 1 > outlen)
			break;
		memcpy(out + len, w[i], wl);
		len += wl;
	}
	out[len] = '\0';
	return len;
}

/* Lower-cases s into out at *n (bounded by outlen). */
static void
put_lower(char *out, size_t *n, size_t outlen, const char *s)
{
	for (; *s != '\0' && *n + 1 < outlen; s++)
		out[(*n)++] = (char)rp_tolower((unsigned char)*s);
	out[*n] = '\0';
}

size_t
match_purl_key(
    const char *purl, char *out, size_t outlen, char *type, size_t typelen)
{
	struct rp_purl p;
	char buf[MATCH_PURL_BUF];
	const char *canon;
	size_t n = 0;

	if (type != NULL && typelen > 0)
		type[0] = '\0';
	if (outlen > 0)
		out[0] = '\0';
	if (outlen < 8 || purl == NULL ||
	    rp_purl_parse(purl, &p, buf, sizeof(buf), NULL) != 0)
		return 0;
	put_lower(out, &n, outlen, "purl:");
	put_lower(out, &n, outlen, p.type);
	put_lower(out, &n, outlen, "/");
	/* Distributions' packages: producers spell the namespace as they
	   like ("redhat", "rhel"); the distribution filter (distro.c) keeps
	   the release apart. */
	if (p.ns != NULL &&
	    (strcmp(p.type, "deb") == 0 || strcmp(p.type, "rpm") == 0 ||
		strcmp(p.type, "apk") == 0) &&
	    (canon = distro_ns_canon(p.ns)) != NULL) {
		for (; *canon != '\0' && *canon != '|' && n + 1 < outlen;
		     canon++)
			out[n++] = *canon;
		out[n] = '\0';
		put_lower(out, &n, outlen, "/");
	} else if (p.ns != NULL) {
		put_lower(out, &n, outlen, p.ns);
		put_lower(out, &n, outlen, "/");
	}
	put_lower(out, &n, outlen, p.name);
	if (type != NULL && typelen > 0)
		snprintf(type, typelen, "%s", p.type);
	return n;
}

/* Copies CPE field number idx (':'-separated, '\' escapes) lower-cased. */
static size_t
cpe_field(const char *s, int idx, char *out, size_t outlen)
{
	size_t n = 0;
	int f = 0;

	for (; *s != '\0'; s++) {
		if (*s == ':') {
			if (f++ == idx)
				break;
			continue;
		}
		if (*s == '\\' && s[1] != '\0')
			s++;
		if (f == idx && n + 1 < outlen)
			out[n++] = (char)rp_tolower((unsigned char)*s);
	}
	out[n] = '\0';
	return n;
}

size_t
match_cpe_key(const char *cpe, char *out, size_t outlen)
{
	char part[8], vendor[MATCH_KEY_MAX], product[MATCH_KEY_MAX];
	int base;
	int w;

	if (outlen > 0)
		out[0] = '\0';
	if (cpe == NULL)
		return 0;
	if (strncasecmp(cpe, "cpe:2.3:", 8) == 0)
		base = 2;
	else if (strncasecmp(cpe, "cpe:/", 5) == 0) {
		cpe += 5; /* "cpe:/a:vendor:product" */
		base = 0;
	} else
		return 0;
	cpe_field(cpe, base, part, sizeof(part));
	cpe_field(cpe, base + 1, vendor, sizeof(vendor));
	cpe_field(cpe, base + 2, product, sizeof(product));
	if (vendor[0] == '\0' || product[0] == '\0' ||
	    strcmp(vendor, "*") == 0 || strcmp(product, "*") == 0 ||
	    strcmp(vendor, "-") == 0 || strcmp(product, "-") == 0)
		return 0;
	w = snprintf(out, outlen, "cpe:%s:%s:%s", part, vendor, product);
	if (w < 0 || (size_t)w >= outlen) {
		out[0] = '\0';
		return 0;
	}
	return (size_t)w;
}

size_t
match_purl_parts(const char *purl, char *name, size_t namelen, char *version,
    size_t versionlen)
{
	struct rp_purl p;
	char buf[MATCH_PURL_BUF];
	const char *epoch;
	size_t elen;

	if (namelen > 0)
		name[0] = '\0';
	if (versionlen > 0)
		version[0] = '\0';
	if (purl == NULL ||
	    rp_purl_parse(purl, &p, buf, sizeof(buf), NULL) != 0)
		return 0;
	if (namelen > 0)
		snprintf(name, namelen, "%s", p.name);
	if (p.version == NULL || versionlen == 0)
		return strlen(name);
	/* rpm and others carry the epoch as a qualifier: "?epoch=1". */
	epoch = rp_purl_qualifier(&p, "epoch");
	elen = epoch != NULL ? strlen(epoch) : 0;
	if (elen > 0 && strspn(epoch, "0123456789") == elen &&
	    strchr(p.version, ':') == NULL)
		snprintf(version, versionlen, "%s:%s", epoch, p.version);
	else
		snprintf(version, versionlen, "%s", p.version);
	return strlen(name);
}
