/*
 * Indicator syntax (indicator.h).  Everything works on bounded stack
 * buffers; a value that does not fit is refused, never cut.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "indicator.h"
#include "str.h"

static const struct {
	const char *from, *to;
} rep[] = {{"[.]", "."}, {"(.)", "."}, {"{.}", "."}, {"[dot]", "."},
    {"(dot)", "."}, {"{dot}", "."}, {"[:]", ":"}, {"[://]", "://"},
    {"[/]", "/"}, {"[at]", "@"}, {"[@]", "@"}, {"hxxps", "https"},
    {"hxxp", "http"}, {"fxp", "ftp"}};

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

int
rp_refang(const char *s, char *out, size_t outlen)
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
	for (s = out; *s != '\0'; s++) {
		if (defang_at(s, (size_t)(s - out)) >= 0)
			return -2;
	}
	return 0;
}

const char *
rp_hash_check(char *s, size_t want)
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
rp_ip_canonical(const char *in, char *out, size_t outlen)
{
	unsigned char a[16];
	char tmp[64];
	size_t n = strlen(in);

	if (n >= 2 && in[0] == '[' && in[n - 1] == ']') {
		in++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, in, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, a) == 1)
		return inet_ntop(AF_INET, a, out, (socklen_t)outlen) ? 0 : -1;
	if (inet_pton(AF_INET6, tmp, a) == 1)
		return inet_ntop(AF_INET6, a, out, (socklen_t)outlen) ? 0 : -1;
	return -1;
}

/* The prefix length after the '/' at p, or -1. */
static int
prefix_len(const char *p, int v6)
{
	size_t i, n = strlen(p);
	int bits = 0;

	if (n == 0 || n > 3 || strspn(p, "0123456789") != n)
		return -1;
	for (i = 0; i < n; i++)
		bits = bits * 10 + (p[i] - '0');
	return bits <= (v6 ? 128 : 32) ? bits : -1;
}

const char *
rp_ip_check(char *s, size_t outlen, unsigned flags)
{
	char buf[64], *slash;
	int bits = -1;
	size_t n;

	if (strchr(s, '%') != NULL)
		return "an IP indicator has no zone (%...)";
	if ((slash = strchr(s, '/')) != NULL) {
		if (!(flags & RP_IP_PREFIX))
			return "an IP indicator is one address; network "
			       "ranges (/N) are not supported";
		if ((bits = prefix_len(slash + 1, strchr(s, ':') != NULL)) < 0)
			return "the prefix length after '/' is out of range";
		*slash = '\0';
	}
	if (rp_ip_canonical(s, buf, sizeof(buf)) != 0) {
		if (slash != NULL)
			*slash = '/';
		return strchr(s, ':') != NULL ? "not an IPv6 address"
					      : "not an IPv4 address";
	}
	n = strlen(buf);
	if (bits >= 0)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "/%d", bits);
	if (n >= outlen || n >= sizeof(buf)) {
		if (slash != NULL)
			*slash = '/';
		return "not an IPv4 or IPv6 address";
	}
	memcpy(s, buf, n + 1);
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
		    rp_ip_canonical(host, host, sizeof(host)) != 0)
			return "a bracketed URL host is an IPv6 address";
		rp_ascii_lower(h, n);
		return NULL;
	}
	if (n >= sizeof(host))
		return "the URL host is too long";
	memcpy(host, h, n);
	host[n] = '\0';
	if (strspn(host, "0123456789.") == n) {
		if (rp_ip_canonical(host, host, sizeof(host)) != 0)
			return "the URL host is not an IPv4 address";
	} else if (host[n - 1] == '.' || rp_domain_check(host) != NULL)
		return "the URL host is not a domain name or an address";
	rp_ascii_lower(h, n);
	return NULL;
}

const char *
rp_url_check(char *s, unsigned flags)
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
	} else if (flags & RP_URL_SCHEME) {
		return "a URL starts with a scheme, e.g. https://";
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
