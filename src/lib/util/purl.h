/*
 * Package URLs (the purl specification): one parser for every reader,
 * the validator and the matcher.  "pkg:type/namespace/name@version
 * ?qualifiers#subpath" is split from the right as the specification's
 * parsing rules say, each component is checked and percent-decoded, and
 * nothing is allocated: the decoded text goes to a buffer of the
 * caller's, so the matcher can parse a purl per package per host.
 */
#ifndef RP_PURL_H
#define RP_PURL_H

#include <stddef.h>

/* Qualifiers kept from one purl; more is RP_ERR_LIMIT. */
#define RP_PURL_MAX_QUALIFIERS 32

struct rp_purl_qualifier {
	const char *key; /* lower-cased */
	const char *value; /* decoded, never empty */
};

/* A parsed purl.  Every string points into the caller's buffer. */
struct rp_purl {
	const char *type; /* lower-cased: "deb", "rpm", "npm" */
	const char *ns; /* segments decoded and joined by '/', or NULL */
	const char *name; /* decoded, never empty */
	const char *version; /* decoded, or NULL */
	struct rp_purl_qualifier q[RP_PURL_MAX_QUALIFIERS];
	size_t nq; /* in the order written */
	const char *subpath; /* decoded segments joined by '/', or NULL */
};

/*
 * Parses s into *out, the decoded strings into buf (strlen(s) + 8 bytes
 * always suffice).  Returns 0; RP_ERR_INVALID when s is not a purl, with
 * *why (may be NULL) set to a static reason ("name is required");
 * RP_ERR_LIMIT when buf is too small or there are more than
 * RP_PURL_MAX_QUALIFIERS qualifiers.  Work is linear in strlen(s) and
 * the number of qualifiers.
 */
int rp_purl_parse(const char *s, struct rp_purl *out, char *buf, size_t len,
    const char **why);

/* The value of qualifier key (lower case) or NULL. */
const char *rp_purl_qualifier(const struct rp_purl *p, const char *key);

#endif
