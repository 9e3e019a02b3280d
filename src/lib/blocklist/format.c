/*
 * The table of formats: each one's name (as the CLI and the feed URLs
 * spell it), its HTTP content type, the entry limit of the device class
 * it is for (docs/internals/blocklist.md cites where each figure comes
 * from) and which kinds of entries it can express.
 */
#include <string.h>

#include "blocklist_int.h"
#include "err.h"

#define T_DOM (1u << BL_DOMAIN)
#define T_IP ((1u << BL_V4) | (1u << BL_V6))
#define T_V4 (1u << BL_V4)
#define T_V6 (1u << BL_V6)
#define T_URL (1u << BL_URL)
#define T_HASH ((1u << BL_MD5) | (1u << BL_SHA1) | (1u << BL_SHA256))
#define T_ALL (T_DOM | T_IP | T_URL | T_HASH)

#define CT_TEXT "text/plain; charset=utf-8"

static const struct format {
	enum blocklist_format fmt;
	const char *name;
	const char *content_type;
	size_t limit;
	unsigned takes;
} formats[] = {
    {BLOCKLIST_NFT, "nft", CT_TEXT, 0, T_IP},
    {BLOCKLIST_IPSET, "ipset", CT_TEXT, 0, T_IP},
    {BLOCKLIST_IPTABLES, "iptables", CT_TEXT, 0, T_V4},
    {BLOCKLIST_IP6TABLES, "ip6tables", CT_TEXT, 0, T_V6},
    {BLOCKLIST_UNBOUND, "unbound", CT_TEXT, 0, T_DOM},
    {BLOCKLIST_RPZ, "rpz", CT_TEXT, 0, T_DOM | T_IP},
    {BLOCKLIST_DNSMASQ, "dnsmasq", CT_TEXT, 0, T_DOM},
    {BLOCKLIST_HOSTS, "hosts", CT_TEXT, 0, T_DOM},
    {BLOCKLIST_SURICATA_RULES, "suricata", CT_TEXT, 0, T_DOM | T_URL},
    {BLOCKLIST_SURICATA_DATASET, "suricata-dataset", CT_TEXT, 0, T_DOM},
    {BLOCKLIST_PFSENSE, "pfsense", CT_TEXT, 200000, T_IP},
    {BLOCKLIST_FORTIGATE_IP, "fortigate-ip", CT_TEXT, 131072, T_IP},
    {BLOCKLIST_FORTIGATE_DOMAIN, "fortigate-domain", CT_TEXT, 131072, T_DOM},
    {BLOCKLIST_FORTIGATE_HASH, "fortigate-hash", CT_TEXT, 131072, T_HASH},
    {BLOCKLIST_PAN_EDL_IP, "pan-ip", CT_TEXT, 50000, T_IP},
    {BLOCKLIST_PAN_EDL_DOMAIN, "pan-domain", CT_TEXT, 50000, T_DOM},
    {BLOCKLIST_PAN_EDL_URL, "pan-url", CT_TEXT, 50000, T_URL},
    {BLOCKLIST_SQUID_DSTDOMAIN, "squid-dstdomain", CT_TEXT, 0, T_DOM},
    {BLOCKLIST_SQUID_DST, "squid-dst", CT_TEXT, 0, T_IP},
    {BLOCKLIST_SQUID_URL_REGEX, "squid-url", CT_TEXT, 0, T_URL},
    {BLOCKLIST_MIKROTIK, "mikrotik", CT_TEXT, 0, T_IP | T_DOM},
    {BLOCKLIST_CSV, "csv", "text/csv; charset=utf-8", 0, T_ALL},
    {BLOCKLIST_JSON, "json", "application/json", 0, T_ALL},
    {BLOCKLIST_STIX, "stix", "application/json", 0, T_ALL},
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

static const struct format *
lookup(enum blocklist_format fmt)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (formats[i].fmt == fmt)
			return &formats[i];
	return NULL;
}

int
blocklist_format_from_name(const char *name, enum blocklist_format *fmt)
{
	size_t i;

	for (i = 0; name != NULL && i < NFORMATS; i++)
		if (strcmp(name, formats[i].name) == 0) {
			*fmt = formats[i].fmt;
			return 0;
		}
	return RP_ERR_NOTFOUND;
}

const char *
blocklist_format_name(enum blocklist_format fmt)
{
	const struct format *f = lookup(fmt);

	return f ? f->name : NULL;
}

const char *
blocklist_format_content_type(enum blocklist_format fmt)
{
	const struct format *f = lookup(fmt);

	return f ? f->content_type : NULL;
}

size_t
blocklist_format_default_limit(enum blocklist_format fmt)
{
	const struct format *f = lookup(fmt);

	return f ? f->limit : 0;
}

int
bl_format_takes(enum blocklist_format fmt, enum bl_type t)
{
	const struct format *f = lookup(fmt);

	return f != NULL && (f->takes & (1u << t)) != 0;
}
