/*
 * Indicator values as feeds write them, made comparable: per type
 * validation and one canonical spelling (lowercase hex, lowercase domain
 * without a trailing dot, inet_ntop addresses, URL scheme and host in
 * lowercase).  Feeds defang network indicators so nobody clicks them
 * ("hxxp://evil[.]com"); that is undone here.  Copy-and-paste from web
 * pages brings a BOM or invisible marks (U+200E after a URL in the Sophos
 * 3CX list); those are dropped from every type except file names, where
 * an invisible character can be the very trick (U+202E).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/ascii.h"
#include "util/err.h"
#include "util/str.h"

#include "ioc_int.h"

static const char *const type_names[IOC_TYPE_COUNT] = {
    "sha256", "sha1", "md5", "filename", "domain", "ip", "url"};

const char *
ioc_type_name(enum ioc_type t)
{
	if ((unsigned)t >= IOC_TYPE_COUNT)
		return "?";
	return type_names[t];
}

int
ioc_type_from_name(const char *name, enum ioc_type *out)
{
	size_t i;

	for (i = 0; i < IOC_TYPE_COUNT; i++) {
		if (rp_streq_ci(name, type_names[i])) {
			*out = (enum ioc_type)i;
			return 0;
		}
	}
	return RP_ERR_NOTFOUND;
}

int
ioc_type_is_hash(enum ioc_type t)
{
	return t == IOC_SHA256 || t == IOC_SHA1 || t == IOC_MD5;
}

size_t
ioc_hash_hexlen(enum ioc_type t)
{
	switch (t) {
	case IOC_SHA256:
		return 64;
	case IOC_SHA1:
		return 40;
	case IOC_MD5:
		return 32;
	default:
		return 0;
	}
}

/* Length of an invisible format character at s (0 when none). */
static size_t
invisible_at(const unsigned char *s, size_t n)
{
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3; /* U+FEFF, the BOM */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x8b && s[2] <= 0x8f) || (s[2] >= 0xaa && s[2] <= 0xae)))
		return 3; /* U+200B-U+200F, U+202A-U+202E */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0xa0)
		return 3; /* U+2060 word joiner */
	if (n >= 2 && s[0] == 0xc2 && (s[1] == 0xa0 || s[1] == 0xad))
		return 2; /* no-break space, soft hyphen */
	return 0;
}

const char *
ioc_trim(const char *s, size_t n, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	size_t k;
	int moved = 1;

	while (moved && p < e) {
		moved = 0;
		if (rp_isspace(*p)) {
			p++;
			moved = 1;
		} else if ((k = invisible_at(p, (size_t)(e - p))) > 0) {
			p += k;
			moved = 1;
		}
	}
	while (moved == 0 && e > p) {
		if (rp_isspace(e[-1])) {
			e--;
			continue;
		}
		for (k = 2; k <= 3; k++) {
			if ((size_t)(e - p) >= k && invisible_at(e - k, k) == k)
				break;
		}
		if (k > 3)
			break;
		e -= k;
	}
	*len = (size_t)(e - p);
	return (const char *)p;
}

int
ioc_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, j;
	uint32_t c;

	while (i < n) {
		if (s[i] == 0)
			return 0;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			k = 1, c = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			k = 2, c = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			k = 3, c = s[i] & 0x07;
		else
			return 0;
		if (n - i <= k)
			return 0;
		for (j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
		    (k == 3 && (c < 0x10000 || c > 0x10ffff)))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* Copies s without invisible characters; -1 when it does not fit. */
static int
strip_invisible(const char *s, size_t n, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, k;

	while (i < n) {
		if ((k = invisible_at(p + i, n - i)) > 0) {
			i += k;
			continue;
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = s[i++];
	}
	out[o] = '\0';
	return 0;
}

/*
 * Undoes defanging in place-free fashion from s into out: "[.]", "(.)",
 * "{.}", "[dot]" -> ".", "[:]" -> ":", "[://]" -> "://", "[/]" -> "/",
 * and the scheme words "hxxp", "hxxps", "fxp" at the start.
 */
static const struct {
	const char *from, *to;
} rep[] = {{"[.]", "."}, {"(.)", "."}, {"{.}", "."}, {"[dot]", "."},
    {"(dot)", "."}, {"{dot}", "."}, {"[:]", ":"}, {"[://]", "://"},
    {"[/]", "/"}, {"hxxps", "https"}, {"hxxp", "http"}, {"fxp", "ftp"}};

/* The defanging pattern at s (n: output written so far), or -1. */
static int
defang_at(const char *s, size_t n)
{
	size_t i, fl;

	for (i = 0; i < sizeof(rep) / sizeof(rep[0]); i++) {
		fl = strlen(rep[i].from);
		if (strncasecmp(s, rep[i].from, fl) != 0)
			continue;
		if (rp_isalpha(rep[i].from[0]) &&
		    (n != 0 || (s[fl] != ':' && s[fl] != '[')))
			continue; /* scheme words only as the scheme */
		return (int)i;
	}
	return -1;
}

static int
refang(const char *s, char *out, size_t outlen)
{
	size_t o = 0, tl;
	int i;
	while (*s != '\0') {
		if ((i = defang_at(s, o)) >= 0) {
			tl = strlen(rep[i].to);
			if (o + tl >= outlen)
				return -1;
			memcpy(out + o, rep[i].to, tl);
			o += tl;
			s += strlen(rep[i].from);
			continue;
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = *s++;
	}
	out[o] = '\0';
	/* "[[.]]" would become "[.]": refuse, so that normalising a
	   normalised value changes nothing */
	for (s = out; *s != '\0'; s++) {
		if (defang_at(s, (size_t)(s - out)) >= 0)
			return -2;
	}
	return 0;
}

static const char *
hash_check(char *s, size_t want)
{
	size_t n = strlen(s);

	if (strspn(s, "0123456789abcdefABCDEF") != n)
		return "a hash is written in hexadecimal digits";
	if (n != want)
		return want == 64 ? "a SHA-256 hash has 64 hex digits"
		    : want == 40  ? "a SHA-1 hash has 40 hex digits"
				  : "an MD5 hash has 32 hex digits";
	rp_ascii_lower(s, n);
	return NULL;
}

int
ioc_ip_canonical(const char *in, char *out, size_t outlen)
{
	unsigned char a[16];
	char tmp[64];
	size_t n = strlen(in);

	if (n >= 2 && in[0] == '[' && in[n - 1] == ']') {
		in++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(tmp))
		return RP_ERR_INVALID;
	memcpy(tmp, in, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, a) == 1) {
		if (inet_ntop(AF_INET, a, out, (socklen_t)outlen) == NULL)
			return RP_ERR_INVALID;
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, a) == 1) {
		if (inet_ntop(AF_INET6, a, out, (socklen_t)outlen) == NULL)
			return RP_ERR_INVALID;
		return 0;
	}
	return RP_ERR_INVALID;
}

static const char *
ip_check(char *s, size_t outlen)
{
	char buf[64];

	if (strchr(s, '/') != NULL)
		return "an IP indicator is one address; network ranges "
		       "(/N) are not supported";
	if (strchr(s, '%') != NULL)
		return "an IP indicator has no zone (%...)";
	if (ioc_ip_canonical(s, buf, sizeof(buf)) != 0)
		return "not an IPv4 or IPv6 address";
	if (strlen(buf) >= outlen)
		return "not an IPv4 or IPv6 address";
	memcpy(s, buf, strlen(buf) + 1);
	return NULL;
}

/* The host of a URL in h (n bytes), lowercased in place. */
static const char *
url_host_check(char *h, size_t n)
{
	char host[256];

	if (n == 0)
		return "a URL names a host";
	if (h[0] == '[') {
		if (h[n - 1] != ']' || n - 2 >= sizeof(host))
			return "a bracketed URL host is an IPv6 address";
		memcpy(host, h + 1, n - 2);
		host[n - 2] = '\0';
		if (strchr(host, ':') == NULL ||
		    ioc_ip_canonical(host, host, sizeof(host)) != 0)
			return "a bracketed URL host is an IPv6 address";
		rp_ascii_lower(h, n);
		return NULL;
	}
	if (n >= sizeof(host))
		return "the URL host is too long";
	memcpy(host, h, n);
	host[n] = '\0';
	if (strspn(host, "0123456789.") == n) {
		if (ioc_ip_canonical(host, host, sizeof(host)) != 0)
			return "the URL host is not an IPv4 address";
	} else if (host[n - 1] == '.' || rp_domain_check(host) != NULL)
		return "the URL host is not a domain name or an address";
	rp_ascii_lower(h, n);
	return NULL;
}

/*
 * scheme://[user@]host[:port][/...] or, as feeds often write it,
 * host[:port]/path without a scheme (then it matches any scheme).
 */
static const char *
url_check(char *s)
{
	char *h, *p, *end;
	const char *why;
	size_t n, hn;
	long port;

	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return "a URL has no spaces or control characters";
	}
	n = strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+.-");
	if (n > 0 && strncmp(s + n, "://", 3) == 0) {
		if (!rp_isalpha(s[0]))
			return "a URL scheme starts with a letter";
		rp_ascii_lower(s, n);
		h = s + n + 3;
	} else if (strstr(s, "://") != NULL) {
		return "a URL scheme has only letters, digits, '+', '-' "
		       "and '.'";
	} else {
		h = s;
		if (strcspn(h, "/?#") == strlen(h))
			return "a URL without a scheme has a path "
			       "(example.com/path); a bare name is a domain";
	}
	if ((p = strchr(h, '@')) != NULL && p < h + strcspn(h, "/?#"))
		h = p + 1;
	n = strcspn(h, "/?#");
	hn = n;
	if (h[0] == '[') {
		if ((p = memchr(h, ']', n)) == NULL)
			return "a bracketed URL host is an IPv6 address";
		hn = (size_t)(p - h) + 1;
	} else if ((p = memchr(h, ':', n)) != NULL)
		hn = (size_t)(p - h);
	if ((why = url_host_check(h, hn)) != NULL)
		return why;
	p = h + hn;
	if (*p == ':') {
		port = strtol(p + 1, &end, 10);
		if (!rp_isdigit(p[1]) || port < 1 || port > 65535 ||
		    end != h + n)
			return "the URL port is a number from 1 to 65535";
	} else if (p != h + n)
		return "a bracketed URL host is an IPv6 address";
	return NULL;
}

static const char *
filename_check(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 255)
		return "a file name has 1 to 255 bytes";
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return "a file name is not \".\" or \"..\"";
	for (i = 0; i < n; i++) {
		if (s[i] == '/' || s[i] == '\\')
			return "a file-name indicator is a base name, without "
			       "'/' or '\\'";
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "a file name has no control characters";
	}
	return NULL;
}

/* Type-specific checks on buf (outlen bytes), in place. */
static const char *
check_type(enum ioc_type t, char *buf, size_t outlen)
{
	switch (t) {
	case IOC_SHA256:
	case IOC_SHA1:
	case IOC_MD5:
		return hash_check(buf, ioc_hash_hexlen(t));
	case IOC_FILENAME:
		return filename_check(buf);
	case IOC_DOMAIN:
		return rp_domain_check(buf);
	case IOC_IP:
		return ip_check(buf, outlen);
	case IOC_URL:
		return url_check(buf);
	default:
		return "unknown indicator type";
	}
}

int
ioc_normalize(
    enum ioc_type t, const char *in, char *out, size_t outlen, const char **why)
{
	char tmp[IOC_NORM_MAX];
	const char *s;
	size_t n;
	int r;

	*why = NULL;
	s = ioc_trim(in, strlen(in), &n);
	if (n == 0) {
		*why = "the value is empty";
		return RP_ERR_INVALID;
	}
	if (n > IOC_VALUE_MAX || n >= outlen) {
		*why = "the value is longer than 8192 bytes";
		return RP_ERR_INVALID;
	}
	if (!ioc_utf8_valid(s, n)) {
		*why = "the value is not valid UTF-8";
		return RP_ERR_INVALID;
	}
	if (t == IOC_FILENAME) {
		memcpy(out, s, n);
		out[n] = '\0';
	} else if (strip_invisible(s, n, tmp, sizeof(tmp)) != 0 ||
	    (r = refang(tmp, out, outlen)) == -1) {
		*why = "the value is longer than 8192 bytes";
		return RP_ERR_INVALID;
	} else if (r != 0) {
		*why = "the value is defanged twice (\"[[.]]\")";
		return RP_ERR_INVALID;
	}
	if ((*why = check_type(t, out, outlen)) != NULL)
		return RP_ERR_INVALID;
	return 0;
}
