/*
 * Inside the blocklist folder: the entry as stored and the renderers'
 * signatures, which blocklist_render() dispatches to.
 */
#ifndef RP_BLOCKLIST_INT_H
#define RP_BLOCKLIST_INT_H

#include "blocklist.h"
#include "str.h"

/* Stored types, in the order rendered files list them. */
enum bl_type {
	BL_DOMAIN = 0,
	BL_V4,
	BL_V6,
	BL_URL,
	BL_MD5,
	BL_SHA1,
	BL_SHA256,
	BL_NTYPES
};

struct bl_entry {
	enum bl_type type;
	unsigned char addr[16]; /* network address (V4 uses 4 bytes) */
	unsigned prefix; /* V4/V6 prefix length */
	char *key; /* the type's letter then the value: the merge key */
	char *value; /* key + 1: name, address[/prefix], URL, hex hash */
	char *comment; /* NULL or printable UTF-8 without quote/backslash */
	char *source, *tlp, *tags; /* likewise; tags sorted, distinct */
	int confidence;
	int64_t first_seen, last_seen, expires;
	uint32_t sightings;
};

/* Whether CIDR b lies inside CIDR a (same family). */
int bl_contains(const struct bl_entry *a, const struct bl_entry *b);

/*
 * A render in progress: e[0..n) the entries to write, sorted by type and
 * value and distinct (expired, unexpressible and trimmed ones removed),
 * the options and the output.  A renderer counts in refused the entries
 * of a type it takes whose value it still cannot write safely (a URL
 * with PAN's wildcard characters, ...): they are reported as skipped.
 */
struct bl_out {
	const struct bl_entry *const *e;
	size_t n;
	const struct blocklist_opts *o;
	struct rp_buf *b;
	size_t refused;
};

/*
 * The parts of an http(s) URL (or a scheme-less "host/path" one) an
 * exact-URL rule matches: the host
 * (without userinfo or port) and the path and query (without the
 * fragment, which never leaves the browser; "/" when empty).  Returns 0,
 * or -1 when the URL has userinfo or does not fit (outlen bytes each).
 */
int bl_url_split(const char *url, char *host, size_t hostlen, char *path,
    size_t pathlen, unsigned *port);
/* Writes the comment as "<mark> comment\n" when there is one. */
void bl_comment_line(
    const struct bl_entry *e, const char *mark, struct rp_buf *b);
/* Whether s is all printable ASCII. */
int bl_ascii(const char *s);

/* Whether fmt can express an entry of type t. */
int bl_format_takes(enum blocklist_format fmt, enum bl_type t);

/* Renderers, one per format; 0 or a negative RP_ERR_*. */
int bl_render_nft(struct bl_out *w);
int bl_render_unbound(struct bl_out *w);
int bl_render_rpz(struct bl_out *w);
int bl_render_dnsmasq(struct bl_out *w);
int bl_render_hosts(struct bl_out *w);
int bl_render_ipset(struct bl_out *w);
int bl_render_iptables(struct bl_out *w, int v6);
int bl_render_pfsense(struct bl_out *w);
int bl_render_fortigate(struct bl_out *w, enum blocklist_format fmt);
int bl_render_pan(struct bl_out *w, enum blocklist_format fmt);
int bl_render_mikrotik(struct bl_out *w);
int bl_render_suricata(struct bl_out *w);
int bl_render_suricata_dataset(struct bl_out *w);
int bl_render_squid(struct bl_out *w, enum blocklist_format fmt);
int bl_render_csv(struct bl_out *w);
int bl_render_json(struct bl_out *w);
int bl_render_stix(struct bl_out *w);

#endif
