/*
 * Blocklist blobs (docs/agent-jobs.md, "Blocklists"): the bytes a
 * block-apply or block-verify job names by SHA-256.  One canonical JSON
 * text, {"v":1,"addresses":[...],"domains":[...],"sinkhole":[...]}: each
 * list normalised (addresses by inet_ntop with the host bits of a CIDR
 * cleared, domains lower-cased without a final dot), sorted and without
 * duplicates, so the same set always has the same bytes and hash.  The
 * server builds a blob from what a user or the indicator store gives
 * (blockblob_build); the agent reads one it fetched (blockblob_read),
 * which accepts nothing but the canonical form.
 */
#ifndef RP_BLOCKBLOB_H
#define RP_BLOCKBLOB_H

#include <stddef.h>

#include <jansson.h>

#define BLOCKBLOB_ENTRIES_MAX 200000u /* addresses + domains + sinkhole */
#define BLOCKBLOB_BYTES_MAX ((size_t)16 << 20) /* of the canonical text */
#define BLOCKBLOB_SINKHOLE_MAX 16u

struct blockblob {
	char **addresses; /* "192.0.2.1", "2001:db8::/32" */
	size_t naddresses;
	char **domains; /* "example.com" */
	size_t ndomains;
	char **sinkhole; /* addresses an answer may carry and be blocked */
	size_t nsinkhole;
};

/*
 * The blob of in, a JSON object {"addresses": [...], "domains": [...],
 * "sinkhole"?: [...]} (strings; at least one address or domain): each
 * value checked and normalised, the lists sorted and deduplicated.
 * *out gets the canonical text (malloc'd, NUL-terminated), *len its
 * length, sha256 its hex SHA-256.  Returns 0; RP_ERR_INVALID with the
 * reason in why (a JSON pointer and what was expected); RP_ERR_LIMIT
 * (more than BLOCKBLOB_ENTRIES_MAX entries or BLOCKBLOB_BYTES_MAX
 * bytes; why says which); RP_ERR_NOMEM.
 */
int blockblob_build(const json_t *in, char **out, size_t *len, char sha256[65],
    char *why, size_t whylen);

/*
 * Reads the canonical text buf[0..len) into *out (blockblob_free):
 * exactly the members v, addresses, domains and sinkhole, every value
 * valid and already normalised, the lists sorted without duplicates.
 * Returns 0, RP_ERR_INVALID (why), RP_ERR_LIMIT or RP_ERR_NOMEM.
 */
int blockblob_read(const char *buf, size_t len, struct blockblob **out,
    char *why, size_t whylen);
void blockblob_free(struct blockblob *b);

#endif
