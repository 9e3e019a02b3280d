/*
 * RFC 3986 URI syntax (section 3, the "URI" rule: an absolute URI with
 * an optional fragment), as JSON schema's "uri" format requires.  The
 * check is syntactic only; nothing is resolved or normalised.
 */
#ifndef RP_URI_H
#define RP_URI_H

/* Why a string is not a URI. */
enum rp_uri_err {
	RP_URI_OK = 0,
	RP_URI_SCHEME, /* no scheme ALPHA *(ALPHA / DIGIT / "+" / "-" / ".") ":" */
	RP_URI_USERINFO, /* a character not allowed before '@' */
	RP_URI_HOST, /* not a reg-name, IPv4, [IPv6] or [vX.…] */
	RP_URI_PORT, /* a port that is not digits */
	RP_URI_PATH, /* a character not allowed in the path */
	RP_URI_QUERY, /* a character not allowed in the query */
	RP_URI_FRAGMENT, /* a character not allowed in the fragment ('#'…) */
	RP_URI_PERCENT, /* '%' not followed by two hex digits */
};

/*
 * Checks s.  Returns 0, or RP_ERR_INVALID with *err (when not NULL) set to
 * the first part that breaks the grammar.  Linear in the length of s.
 */
int rp_uri_check(const char *s, enum rp_uri_err *err);

/* A static description of e. */
const char *rp_uri_strerror(enum rp_uri_err e);

#endif
