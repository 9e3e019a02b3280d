/*
 * Blocklists: a set of indicators (domains, IPv4/IPv6 addresses and CIDR
 * blocks, URLs) and renderers that turn it into the bytes of a file a
 * firewall or resolver accepts as it is (nftables, Unbound, an RPZ zone,
 * dnsmasq, a hosts file).  Rendering is a pure function of the entries:
 * the same set gives the same bytes whatever the order it was added in
 * (docs/internals/blocklist.md).
 */
#ifndef RP_BLOCKLIST_H
#define RP_BLOCKLIST_H

#include <stddef.h>
#include <stdint.h>

/* What a value passed to blocklist_add() is read as. */
enum blocklist_kind {
	BLOCKLIST_DOMAIN = 1, /* the name and all its subdomains */
	BLOCKLIST_ADDR, /* IPv4/IPv6 address or CIDR block */
	BLOCKLIST_URL, /* carried; no renderer of this round writes URLs */
};

enum blocklist_format {
	BLOCKLIST_NFT = 1,
	BLOCKLIST_UNBOUND,
	BLOCKLIST_RPZ,
	BLOCKLIST_DNSMASQ,
	BLOCKLIST_HOSTS,
};

/* Most entries one list holds, and most bytes one rendered file has. */
#define BLOCKLIST_MAX_ENTRIES 10000000u
#define BLOCKLIST_MAX_OUTPUT (1024u * 1024u * 1024u)

struct blocklist;

/*
 * Options of a render.  sinkhole4/sinkhole6: answer names with these
 * addresses instead of NXDOMAIN (Unbound, dnsmasq; hosts uses sinkhole4
 * or 0.0.0.0).  rpz_serial: the zone's SOA serial.
 */
struct blocklist_opts {
	const char *sinkhole4;
	const char *sinkhole6;
	uint32_t rpz_serial;
};

struct blocklist *blocklist_new(void);
void blocklist_free(struct blocklist *bl);
/*
 * Adds one entry, normalised (domain lowercased without its final dot,
 * CIDR reduced to its network address).  comment may be NULL; it is
 * written next to the entry where the format has comments.  On
 * RP_ERR_INVALID / RP_ERR_LIMIT *why says what is wrong (static text).
 */
int blocklist_add(struct blocklist *bl, enum blocklist_kind kind,
    const char *value, const char *comment, const char **why);
/*
 * Renders the list in fmt into *out (NUL-terminated, caller frees) and
 * its length into *outlen; *skipped counts the distinct entries the
 * format cannot express (addresses in DNS formats, domains in nftables,
 * URLs everywhere).  Out-parameters are set only on success.
 */
int blocklist_render(const struct blocklist *bl, enum blocklist_format fmt,
    const struct blocklist_opts *opts, char **out, size_t *outlen,
    size_t *skipped);

#endif
