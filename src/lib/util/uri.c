/*
 * RFC 3986 URI grammar (appendix A), one pass: scheme ":" hier-part
 * ["?" query] ["#" fragment], where hier-part is "//" authority
 * path-abempty or a path without authority.  IPv6 literals are checked
 * with inet_pton(), whose textual forms are those of RFC 4291 section
 * 2.2 that RFC 3986 section 3.2.2 adopts.
 */
#include <arpa/inet.h>
#include <string.h>

#include "ascii.h"
#include "err.h"
#include "uri.h"

static int
is_unreserved(int c)
{
	return rp_isalpha(c) || rp_isdigit(c) || c == '-' || c == '.' ||
	    c == '_' || c == '~';
}

static int
is_subdelim(int c)
{
	return c != '\0' && strchr("!$&'()*+,;=", c) != NULL;
}

/*
 * Skips the run of characters at *p allowed by unreserved / sub-delims /
 * pct-encoded plus those in extra, up to end.  Returns 0, or -1 on a bad
 * percent escape.
 */
static int
run(const char **p, const char *end, const char *extra)
{
	const char *s = *p;

	while (s < end) {
		int c = (unsigned char)*s;

		if (c == '%') {
			if (end - s < 3 || !rp_isxdigit((unsigned char)s[1]) ||
			    !rp_isxdigit((unsigned char)s[2])) {
				*p = s;
				return -1;
			}
			s += 3;
		} else if (is_unreserved(c) || is_subdelim(c) ||
		    (c != '\0' && strchr(extra, c) != NULL))
			s++;
		else
			break;
	}
	*p = s;
	return 0;
}

/* Whether [s, end) is entirely of the run's characters; *pct on escape. */
static int
all_run(const char *s, const char *end, const char *extra, int *pct)
{
	const char *p = s;

	*pct = run(&p, end, extra) != 0;
	return !*pct && p == end;
}

/* IP-literal without its brackets: IPv6address or IPvFuture. */
static int
ip_literal(const char *s, const char *end)
{
	char buf[64];
	unsigned char addr[16];
	const char *p;
	int pct;

	if (end > s && (*s == 'v' || *s == 'V')) {
		for (p = s + 1; p < end && rp_isxdigit((unsigned char)*p); p++)
			;
		if (p == s + 1 || p >= end || *p != '.' || p + 1 == end)
			return 0;
		p++;
		return all_run(p, end, ":", &pct) &&
		    memchr(p, '%', end - p) == NULL;
	}
	if ((size_t)(end - s) >= sizeof(buf))
		return 0;
	memcpy(buf, s, (size_t)(end - s));
	buf[end - s] = '\0';
	return inet_pton(AF_INET6, buf, addr) == 1;
}

static enum rp_uri_err
authority(const char *s, const char *end)
{
	const char *at, *host, *hend, *colon;
	int pct;

	at = memchr(s, '@', (size_t)(end - s));
	host = s;
	if (at != NULL) {
		if (!all_run(s, at, ":", &pct))
			return pct ? RP_URI_PERCENT : RP_URI_USERINFO;
		host = at + 1;
	}
	if (host < end && *host == '[') {
		if ((hend = memchr(host, ']', (size_t)(end - host))) == NULL ||
		    !ip_literal(host + 1, hend))
			return RP_URI_HOST;
		colon = hend + 1 < end ? hend + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return RP_URI_HOST;
	} else {
		colon = memchr(host, ':', (size_t)(end - host));
		hend = colon != NULL ? colon : end;
		if (!all_run(host, hend, "", &pct))
			return pct ? RP_URI_PERCENT : RP_URI_HOST;
	}
	if (colon != NULL) {
		for (colon++; colon < end; colon++)
			if (!rp_isdigit((unsigned char)*colon))
				return RP_URI_PORT;
	}
	return RP_URI_OK;
}

/* Skips path, query or fragment characters; *e is set on a bad one. */
static const char *
part(const char *p, const char *extra, enum rp_uri_err bad, enum rp_uri_err *e)
{
	const char *end = p + strlen(p);

	if (run(&p, end, extra) != 0)
		*e = RP_URI_PERCENT;
	else if (*p != '\0' && (bad == RP_URI_FRAGMENT || *p != '#') &&
	    (bad != RP_URI_PATH || *p != '?'))
		*e = bad;
	return p;
}

static enum rp_uri_err
check(const char *s)
{
	const char *p = s, *aend;
	enum rp_uri_err e = RP_URI_OK;

	if (!rp_isalpha((unsigned char)*p))
		return RP_URI_SCHEME;
	for (p++;
	     rp_isalpha((unsigned char)*p) || rp_isdigit((unsigned char)*p) ||
	     *p == '+' || *p == '-' || *p == '.';
	     p++)
		;
	if (*p++ != ':')
		return RP_URI_SCHEME;
	if (p[0] == '/' && p[1] == '/') {
		p += 2;
		aend = p + strcspn(p, "/?#");
		if ((e = authority(p, aend)) != RP_URI_OK)
			return e;
		p = aend;
	}
	p = part(p, ":@/", RP_URI_PATH, &e);
	if (e == RP_URI_OK && *p == '?')
		p = part(p + 1, ":@/?", RP_URI_QUERY, &e);
	if (e == RP_URI_OK && *p == '#')
		p = part(p + 1, ":@/?", RP_URI_FRAGMENT, &e);
	if (e == RP_URI_OK && *p != '\0')
		e = RP_URI_PATH;
	return e;
}

int
rp_uri_check(const char *s, enum rp_uri_err *err)
{
	enum rp_uri_err e = s != NULL ? check(s) : RP_URI_SCHEME;

	if (err != NULL)
		*err = e;
	return e == RP_URI_OK ? 0 : RP_ERR_INVALID;
}

const char *
rp_uri_strerror(enum rp_uri_err e)
{
	switch (e) {
	case RP_URI_OK:
		return "valid";
	case RP_URI_SCHEME:
		return "no scheme (a letter, then letters, digits, '+', '-' "
		       "or '.', then ':')";
	case RP_URI_USERINFO:
		return "character not allowed in the user information";
	case RP_URI_HOST:
		return "not a host name, IPv4 address or bracketed IPv6 "
		       "address";
	case RP_URI_PORT:
		return "port is not a number";
	case RP_URI_PATH:
		return "character not allowed in the path";
	case RP_URI_QUERY:
		return "character not allowed in the query";
	case RP_URI_FRAGMENT:
		return "character not allowed in the fragment";
	case RP_URI_PERCENT:
		return "'%' not followed by two hexadecimal digits";
	}
	return "not a URI";
}
