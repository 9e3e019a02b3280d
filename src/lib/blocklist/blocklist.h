/*
 * Blocklists: a set of indicators (domains, IPv4/IPv6 addresses and CIDR
 * blocks, URLs, file hashes) with what is known about each (confidence,
 * first and last sighting, expiry, TLP, source) and renderers that turn
 * it into the bytes of a file a firewall, resolver, proxy, IDS or
 * threat-intelligence platform accepts as it is.  Rendering is a pure
 * function of the entries: the same set gives the same bytes whatever the
 * order it was added in (docs/internals/blocklist.md).
 */
#ifndef RP_BLOCKLIST_H
#define RP_BLOCKLIST_H

#include <stddef.h>
#include <stdint.h>

/* What an entry's value is read as. */
enum blocklist_kind {
	BLOCKLIST_DOMAIN = 1, /* the name and all its subdomains */
	BLOCKLIST_ADDR, /* IPv4/IPv6 address or CIDR block */
	BLOCKLIST_URL, /* one exact URL; never widened to its host */
	BLOCKLIST_SHA256, /* file hashes, hex (stored lowercase) */
	BLOCKLIST_SHA1,
	BLOCKLIST_MD5,
};

enum blocklist_format {
	BLOCKLIST_NFT = 1,
	BLOCKLIST_UNBOUND,
	BLOCKLIST_RPZ,
	BLOCKLIST_DNSMASQ,
	BLOCKLIST_HOSTS,
	BLOCKLIST_IPSET,
	BLOCKLIST_IPTABLES,
	BLOCKLIST_IP6TABLES,
	BLOCKLIST_SURICATA_RULES,
	BLOCKLIST_SURICATA_DATASET,
	BLOCKLIST_PFSENSE,
	BLOCKLIST_FORTIGATE_IP,
	BLOCKLIST_FORTIGATE_DOMAIN,
	BLOCKLIST_FORTIGATE_HASH,
	BLOCKLIST_PAN_EDL_IP,
	BLOCKLIST_PAN_EDL_DOMAIN,
	BLOCKLIST_PAN_EDL_URL,
	BLOCKLIST_SQUID_DSTDOMAIN,
	BLOCKLIST_SQUID_DST,
	BLOCKLIST_SQUID_URL_REGEX,
	BLOCKLIST_MIKROTIK,
	BLOCKLIST_CSV,
	BLOCKLIST_JSON,
	BLOCKLIST_STIX,
};
/* One past the last format, for loops over all of them. */
#define BLOCKLIST_FORMAT_END (BLOCKLIST_STIX + 1)

/* Most entries one list holds, and most bytes one rendered file has. */
#define BLOCKLIST_MAX_ENTRIES 10000000u
#define BLOCKLIST_MAX_OUTPUT (1024u * 1024u * 1024u)

/*
 * One indicator and what is known about it.  Strings are borrowed by
 * blocklist_add_entry() (it copies them); comment, source, tlp and tags
 * may be NULL.  Times are Unix seconds, 0 for unknown (expires: never).
 */
struct blocklist_entry {
	enum blocklist_kind kind;
	const char *value;
	const char *comment;
	const char *source;
	int confidence; /* 0..100 */
	int64_t first_seen, last_seen, expires;
	uint32_t sightings;
	const char *tlp; /* "clear","green","amber","amber+strict","red" */
	const char *tags; /* comma-separated */
};

struct blocklist;

/*
 * Options of a render.  sinkhole4/sinkhole6: answer names with these
 * addresses instead of NXDOMAIN (Unbound, dnsmasq; hosts uses sinkhole4
 * or 0.0.0.0).  rpz_serial: the zone's SOA serial.  max_entries: most
 * entries written (0: no limit); when more would be written, the lowest
 * ranked are left out (confidence, then last_seen, then sightings, all
 * descending, then value) and each one is passed to on_trimmed (when not
 * NULL), best ranked first.  now: entries with expires != 0 and
 * expires <= now are left out (now 0: nothing expires).
 */
struct blocklist_opts {
	const char *sinkhole4;
	const char *sinkhole6;
	uint32_t rpz_serial;
	size_t max_entries;
	int64_t now;
	void (*on_trimmed)(void *arg, const struct blocklist_entry *e);
	void *on_trimmed_arg;
};

/*
 * What a render did with the distinct entries: written into the file,
 * skipped (the format cannot express them: addresses in DNS formats,
 * domains in firewall formats, ...), expired, trimmed (over max_entries).
 */
struct blocklist_report {
	size_t written, skipped, expired, trimmed;
};

struct blocklist *blocklist_new(void);
void blocklist_free(struct blocklist *bl);
/*
 * Adds one entry, normalised (domain lowercased without its final dot,
 * CIDR reduced to its network address, hashes lowercased).  An entry of
 * the same kind and normalised value merges into the one present: the
 * highest confidence, earliest first_seen, latest last_seen, summed
 * sightings, latest expiry (0, never, wins), the strictest TLP, the
 * union of the tags and the first comment and source in byte order.  On
 * RP_ERR_INVALID / RP_ERR_LIMIT *why says what is wrong (static text).
 */
int blocklist_add_entry(
    struct blocklist *bl, const struct blocklist_entry *e, const char **why);
/* blocklist_add_entry() with only a kind, value and comment. */
int blocklist_add(struct blocklist *bl, enum blocklist_kind kind,
    const char *value, const char *comment, const char **why);
/* Distinct entries the list holds. */
size_t blocklist_count(const struct blocklist *bl);
/*
 * Renders the list in fmt into *out (NUL-terminated, caller frees), its
 * length into *outlen and the counts into *rep.  Out-parameters are set
 * only on success.
 */
int blocklist_render(const struct blocklist *bl, enum blocklist_format fmt,
    const struct blocklist_opts *opts, char **out, size_t *outlen,
    struct blocklist_report *rep);

/*
 * The format named name ("nft", "ipset", "suricata", "pan-url", "stix",
 * ...; docs/blocklists.md lists them): 0 and *fmt, or RP_ERR_NOTFOUND.
 */
int blocklist_format_from_name(const char *name, enum blocklist_format *fmt);
/* The name of fmt, or NULL for no format. */
const char *blocklist_format_name(enum blocklist_format fmt);
/* The HTTP Content-Type a feed of fmt is served with. */
const char *blocklist_format_content_type(enum blocklist_format fmt);
/*
 * The entry limit of the device class a format is for (0: none known),
 * the default of max_entries; docs/internals/blocklist.md cites sources.
 */
size_t blocklist_format_default_limit(enum blocklist_format fmt);

#endif
