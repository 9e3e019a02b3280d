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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ascii.h"
#include "util/err.h"
#include "util/indicator.h"
#include "util/str.h"

#include "ioc_int.h"

static const char *const type_names[IOC_TYPE_COUNT] = {
    "sha256", "sha1", "md5", "filename", "domain", "ip", "url", "cidr"};

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

static size_t
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

/* Clears the bits of addr (len bytes) after the first bits. */
static void
mask_host(unsigned char *addr, size_t len, int bits)
{
	size_t i;

	for (i = 0; i < len; i++) {
		int keep = bits - (int)i * 8;

		if (keep >= 8)
			continue;
		addr[i] &= keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
}

/* A network "address/N" in buf, rewritten with the host bits cleared. */
static const char *
cidr_check(char *buf, size_t outlen)
{
	char txt[INET6_ADDRSTRLEN];
	unsigned char addr[16];
	const char *why, *s;
	char *slash;
	int v6, bits = 0;

	if (strchr(buf, '/') == NULL)
		return "expected a network: address/prefix length";
	if ((why = rp_ip_check(buf, outlen, RP_IP_PREFIX)) != NULL)
		return why;
	/* canonical now: "address/bits" */
	slash = strchr(buf, '/');
	*slash = '\0';
	v6 = strchr(buf, ':') != NULL;
	for (s = slash + 1; *s != '\0'; s++)
		bits = bits * 10 + (*s - '0');
	if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, addr) != 1)
		return "not an IPv4 or IPv6 address";
	mask_host(addr, v6 ? 16 : 4, bits);
	if (inet_ntop(v6 ? AF_INET6 : AF_INET, addr, txt, sizeof(txt)) ==
		NULL ||
	    (size_t)snprintf(buf, outlen, "%s/%d", txt, bits) >= outlen)
		return "the network does not fit";
	return NULL;
}

enum ioc_type
ioc_net_type(enum ioc_type t, char *v, size_t vlen)
{
	char buf[IOC_NORM_MAX];
	const char *why;
	char *slash;
	size_t n;

	if ((t != IOC_IP && t != IOC_CIDR) || strchr(v, '/') == NULL)
		return t;
	if (ioc_normalize(IOC_CIDR, v, buf, sizeof(buf), &why) != 0)
		return IOC_CIDR; /* its error then speaks of a network */
	slash = strchr(buf, '/');
	if (strcmp(slash + 1, strchr(buf, ':') != NULL ? "128" : "32") == 0) {
		*slash = '\0';
		t = IOC_IP;
	} else
		t = IOC_CIDR;
	if ((n = strlen(buf)) < vlen)
		memcpy(v, buf, n + 1);
	return t;
}

/* Type-specific checks on buf (outlen bytes), in place. */
static const char *
check_type(enum ioc_type t, char *buf, size_t outlen)
{
	switch (t) {
	case IOC_SHA256:
	case IOC_SHA1:
	case IOC_MD5:
		return rp_hash_check(buf, ioc_hash_hexlen(t));
	case IOC_FILENAME:
		return filename_check(buf);
	case IOC_DOMAIN:
		return rp_domain_check(buf);
	case IOC_IP:
		return rp_ip_check(buf, outlen, 0);
	case IOC_URL:
		return rp_url_check(buf, 0);
	case IOC_CIDR:
		return cidr_check(buf, outlen);
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
	    (r = rp_refang(tmp, out, outlen)) == -1) {
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
