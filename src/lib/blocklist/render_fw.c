/*
 * The firewall renderers: an ipset restore file and the iptables /
 * ip6tables rules that match its sets, the pfSense/OPNsense URL table,
 * FortiGate external threat feeds (addresses, domains, file hashes),
 * Palo Alto external dynamic lists (addresses, domains, URLs) and a
 * MikroTik RouterOS script.  Every line is one the device's parser
 * accepts: values are already normalised, and comments are written only
 * where the format has them (docs/internals/blocklist.md).
 */
#include <string.h>

#include "blocklist_int.h"
#include "err.h"

/* The ipset sets' maxelem: the most entries a list holds.  A fixed value
 * keeps `create -exist` valid when the list grows (ipset refuses -exist
 * for a set whose maxelem differs from the one loaded). */
#define SET_MAXELEM BLOCKLIST_MAX_ENTRIES

static void
ipset_family(
    struct bl_out *w, enum bl_type t, const char *set, const char *family)
{
	size_t i;

	rp_buf_appendf(w->b,
	    "create %s hash:net family %s maxelem %u -exist\n"
	    "create %s-new hash:net family %s maxelem %u -exist\n"
	    "flush %s-new\n",
	    set, family, SET_MAXELEM, set, family, SET_MAXELEM, set);
	for (i = 0; i < w->n; i++)
		if (w->e[i]->type == t)
			rp_buf_appendf(
			    w->b, "add %s-new %s\n", set, w->e[i]->value);
	rp_buf_appendf(w->b, "swap %s-new %s\ndestroy %s-new\n", set, set, set);
}

int
bl_render_ipset(struct bl_out *w)
{
	rp_buf_append(w->b,
	    "# Rampart blocklist (ipset restore): fills rampart-block4-new / "
	    "rampart-block6-new\n"
	    "# and swaps them with rampart-block4 / rampart-block6 "
	    "atomically.\n");
	ipset_family(w, BL_V4, "rampart-block4", "inet");
	ipset_family(w, BL_V6, "rampart-block6", "inet6");
	return 0;
}

/*
 * The rules live in chains of our own, declared here so that
 * `iptables-restore --noflush` flushes and refills them on every load and
 * touches nothing else.  The jumps into RAMPART-BLOCK from INPUT, FORWARD
 * and OUTPUT are added once (the header says how): a restore file cannot
 * add a rule only when it is missing, and one added on every load would
 * pile up.
 */
int
bl_render_iptables(struct bl_out *w, int v6)
{
	const char *set = v6 ? "rampart-block6" : "rampart-block4";
	const char *cmd = v6 ? "ip6tables" : "iptables";

	rp_buf_appendf(w->b,
	    "# Rampart blocklist (%s-restore --noflush; load the ipset file "
	    "first).\n"
	    "# Once, to hook the chain in:\n"
	    "#   for c in INPUT FORWARD OUTPUT; do %s -C $c -j RAMPART-BLOCK "
	    "2>/dev/null || %s -I $c -j RAMPART-BLOCK; done\n"
	    "# %zu addresses and blocks are in the set %s.\n"
	    "*filter\n"
	    ":RAMPART-BLOCK - [0:0]\n"
	    ":RAMPART-DROP - [0:0]\n"
	    "-A RAMPART-DROP -m limit --limit 10/min -j LOG --log-prefix "
	    "\"rampart-block: \"\n"
	    "-A RAMPART-DROP -j DROP\n"
	    "-A RAMPART-BLOCK -m set --match-set %s src -j RAMPART-DROP\n"
	    "-A RAMPART-BLOCK -m set --match-set %s dst -j RAMPART-DROP\n"
	    "COMMIT\n",
	    cmd, cmd, cmd, w->n, set, set, set);
	return 0;
}

/* pfSense/OPNsense "URL Table (IPs)": one address or block a line. */
int
bl_render_pfsense(struct bl_out *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		rp_buf_appendf(w->b, "%s\n", w->e[i]->value);
	return 0;
}

/*
 * FortiOS external feeds: one entry a line.  Domain feeds take simple
 * wildcards, so a name is written with "*.name" for its subdomains; the
 * malware hash feed takes "<hex hash> [description]".
 */
int
bl_render_fortigate(struct bl_out *w, enum blocklist_format fmt)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		const struct bl_entry *e = w->e[i];
		switch (fmt) {
		case BLOCKLIST_FORTIGATE_DOMAIN:
			rp_buf_appendf(w->b, "%s\n*.%s\n", e->value, e->value);
			break;
		case BLOCKLIST_FORTIGATE_HASH:
			if (e->comment != NULL && bl_ascii(e->comment))
				rp_buf_appendf(
				    w->b, "%s %s\n", e->value, e->comment);
			else
				rp_buf_appendf(w->b, "%s\n", e->value);
			break;
		default:
			rp_buf_appendf(w->b, "%s\n", e->value);
		}
	}
	return 0;
}

/*
 * A URL the way a PAN-OS URL list takes it: without its scheme and
 * fragment.  "*" and "^" are PAN's wildcard tokens; a URL with either
 * (or longer than an entry may be) cannot be written as an exact match.
 */
static int
pan_url(const char *url, struct rp_buf *b)
{
	const char *s = strstr(url, "://");
	size_t n;

	s = s != NULL ? s + 3 : url;
	n = strcspn(s, "#");
	if (n == 0 || n > 255 || memchr(s, '*', n) != NULL ||
	    memchr(s, '^', n) != NULL)
		return -1;
	rp_buf_appendn(b, s, n);
	rp_buf_append(b, "\n");
	return 0;
}

/*
 * Palo Alto EDLs: one entry a line.  IP lists take a comment after a
 * space; domain lists take "*.name" for the subdomains; URL lists take
 * entries without a scheme.
 */
int
bl_render_pan(struct bl_out *w, enum blocklist_format fmt)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		const struct bl_entry *e = w->e[i];
		switch (fmt) {
		case BLOCKLIST_PAN_EDL_DOMAIN:
			rp_buf_appendf(w->b, "%s\n*.%s\n", e->value, e->value);
			break;
		case BLOCKLIST_PAN_EDL_URL:
			if (pan_url(e->value, w->b) != 0)
				w->refused++;
			break;
		default:
			if (e->comment != NULL && bl_ascii(e->comment))
				rp_buf_appendf(
				    w->b, "%s #%s\n", e->value, e->comment);
			else
				rp_buf_appendf(w->b, "%s\n", e->value);
		}
	}
	return 0;
}

/*
 * A RouterOS string literal: printable ASCII as it is except the
 * characters the console interprets ($ variable, ? help, quote,
 * backslash), which are escaped; other bytes as \XX.
 */
static void
ros_string(const char *s, struct rp_buf *b)
{
	rp_buf_append(b, "\"");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f)
			rp_buf_appendf(b, "\\%02X", c);
		else if (c == '$' || c == '?' || c == '"' || c == '\\')
			rp_buf_appendf(b, "\\%c", c);
		else
			rp_buf_appendn(b, s, 1);
	}
	rp_buf_append(b, "\"");
}

static void
ros_list(struct bl_out *w, const char *menu, int v6)
{
	size_t i;

	rp_buf_appendf(w->b, "%s\nremove [find list=rampart-block]\n", menu);
	for (i = 0; i < w->n; i++) {
		const struct bl_entry *e = w->e[i];
		if ((e->type == BL_V6) != v6)
			continue;
		rp_buf_appendf(
		    w->b, "add list=rampart-block address=%s", e->value);
		if (e->comment != NULL) {
			rp_buf_append(w->b, " comment=");
			ros_string(e->comment, w->b);
		}
		rp_buf_append(w->b, "\n");
	}
}

/*
 * A RouterOS script (/import file-name=...): the old entries of the list
 * rampart-block are removed, then the new ones added.  Domains go into
 * the IPv4 list as names: RouterOS resolves them and keeps their
 * addresses in the list (a name only, not its subdomains).
 */
int
bl_render_mikrotik(struct bl_out *w)
{
	rp_buf_append(w->b,
	    "# Rampart blocklist (RouterOS script: /import "
	    "file-name=rampart-block.rsc)\n");
	ros_list(w, "/ip firewall address-list", 0);
	ros_list(w, "/ipv6 firewall address-list", 1);
	return 0;
}
