/*
 * The syntax of network and file indicators, one copy for every reader
 * of them (indicator lists and bundles in ioc/, the native advisory's
 * indicators and references): undoing defanging, hash digits, IP
 * addresses and URLs.  Each check works in place on a NUL-terminated
 * buffer, leaves the canonical spelling there (lowercase hex, inet_ntop
 * addresses, lowercase URL scheme and host) and returns NULL, or a static
 * sentence saying what was expected.  Domain names are rp_domain_check
 * (util/str.h).
 */
#ifndef RP_INDICATOR_H
#define RP_INDICATOR_H

#include <stddef.h>

/*
 * Undoes the usual defanging of s into out (outlen bytes): "[.]", "(.)",
 * "{.}", "[dot]", "(dot)", "{dot}" -> ".", "[:]" -> ":", "[://]" -> "://",
 * "[/]" -> "/", "[at]" and "[@]" -> "@" (a URL's user), and the
 * scheme words "hxxp", "hxxps", "fxp" at the start.
 * Returns 0, -1 when it does not fit, or -2 when the result is still
 * defanged ("[[.]]"), so that refanging a refanged value changes nothing.
 */
int rp_refang(const char *s, char *out, size_t outlen);

/* A hash of want hexadecimal digits (64, 40, 32); lowercased. */
const char *rp_hash_check(char *s, size_t want);

/*
 * The canonical text of an IPv4 or IPv6 address in, brackets allowed,
 * into out (at least 46 bytes).  Returns 0, or -1 when in is none.
 */
int rp_ip_canonical(const char *in, char *out, size_t outlen);

#define RP_IP_PREFIX 0x01u /* a "/N" prefix length may follow */
/* One address (s has room for outlen bytes); see RP_IP_PREFIX. */
const char *rp_ip_check(char *s, size_t outlen, unsigned flags);

#define RP_URL_SCHEME 0x01u /* "scheme://" is required */
/*
 * scheme://[user@]host[:port][/...] or, without RP_URL_SCHEME, as feeds
 * often write it, host[:port]/path (a bare name is a domain, not a URL).
 * The host is a domain name, an IPv4 address or a bracketed IPv6 one.
 */
const char *rp_url_check(char *s, unsigned flags);

#endif
