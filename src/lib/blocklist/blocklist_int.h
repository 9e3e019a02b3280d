/*
 * Inside the blocklist folder: the entry as stored and the renderers'
 * signatures, which blocklist_render() dispatches to.
 */
#ifndef RP_BLOCKLIST_INT_H
#define RP_BLOCKLIST_INT_H

#include "blocklist.h"
#include "str.h"

/* Stored types, in the order rendered files list them. */
enum bl_type { BL_DOMAIN = 0, BL_V4, BL_V6, BL_URL };

struct bl_entry {
	enum bl_type type;
	unsigned char addr[16]; /* network address (V4 uses 4 bytes) */
	unsigned prefix; /* V4/V6 prefix length */
	char *value; /* canonical text: name, address[/prefix], URL */
	char *comment; /* NULL or a printable line */
};

/* Whether CIDR b lies inside CIDR a (same family). */
int bl_contains(const struct bl_entry *a, const struct bl_entry *b);

/*
 * Renderers: e[0..n) sorted and distinct.  They append to b and count in
 * *skipped the entries the format cannot carry.
 */
int bl_render_nft(const struct bl_entry *const *e, size_t n, struct rp_buf *b,
    size_t *skipped);
int bl_render_unbound(const struct bl_entry *const *e, size_t n,
    const struct blocklist_opts *o, struct rp_buf *b, size_t *skipped);
int bl_render_rpz(const struct bl_entry *const *e, size_t n,
    const struct blocklist_opts *o, struct rp_buf *b, size_t *skipped);
int bl_render_dnsmasq(const struct bl_entry *const *e, size_t n,
    const struct blocklist_opts *o, struct rp_buf *b, size_t *skipped);
int bl_render_hosts(const struct bl_entry *const *e, size_t n,
    const struct blocklist_opts *o, struct rp_buf *b, size_t *skipped);

#endif
