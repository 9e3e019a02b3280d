/*
 * The resolver renderers: Unbound local-zones, an RPZ zone (BIND,
 * PowerDNS, Unbound's rpz module), dnsmasq address= lines and a hosts
 * file.  Domains block the name and its subdomains, except in a hosts
 * file, which matches exact names only.  Addresses are written only as
 * RPZ rpz-ip triggers; the other formats are not given them.
 */
#include <arpa/inet.h>
#include <string.h>

#include "blocklist_int.h"
#include "err.h"

/* Checks the sinkhole options: each NULL or an address of its family. */
static int
sinkholes_check(const struct blocklist_opts *o)
{
	unsigned char a[16];

	if (o->sinkhole4 != NULL && inet_pton(AF_INET, o->sinkhole4, a) != 1)
		return RP_ERR_ARG;
	if (o->sinkhole6 != NULL && inet_pton(AF_INET6, o->sinkhole6, a) != 1)
		return RP_ERR_ARG;
	return 0;
}

int
bl_render_unbound(struct bl_out *w)
{
	const struct bl_entry *const *e = w->e;
	const struct blocklist_opts *o = w->o;
	struct rp_buf *b = w->b;
	size_t n = w->n;
	int sink = o->sinkhole4 != NULL || o->sinkhole6 != NULL;
	size_t i;

	if (sinkholes_check(o) != 0)
		return RP_ERR_ARG;
	rp_buf_append(b,
	    "# Rampart blocklist (Unbound include file)\n"
	    "server:\n");
	for (i = 0; i < n; i++) {
		const char *v = e[i]->value;
		bl_comment_line(e[i], "#", b);
		if (!sink) {
			rp_buf_appendf(
			    b, "\tlocal-zone: \"%s.\" always_nxdomain\n", v);
			continue;
		}
		rp_buf_appendf(b, "\tlocal-zone: \"%s.\" redirect\n", v);
		if (o->sinkhole4 != NULL)
			rp_buf_appendf(
			    b, "\tlocal-data: \"%s. A %s\"\n", v, o->sinkhole4);
		if (o->sinkhole6 != NULL)
			rp_buf_appendf(b, "\tlocal-data: \"%s. AAAA %s\"\n", v,
			    o->sinkhole6);
	}
	return 0;
}

/*
 * The rpz-ip owner name of a block: prefix length, then the address
 * reversed -- IPv4 octets in decimal, IPv6 16-bit words in hex without
 * leading zeros, the longest run of two or more zero words (the first
 * of equal runs) written "zz", as "::" in RFC 5952.
 */
static void
rpz_ip_name(const struct bl_entry *e, struct rp_buf *b)
{
	unsigned w[8];
	int i, best = -1, bestlen = 1, run;

	rp_buf_appendf(b, "%u", e->prefix);
	if (e->type == BL_V4) {
		for (i = 3; i >= 0; i--)
			rp_buf_appendf(b, ".%u", e->addr[i]);
		rp_buf_append(b, ".rpz-ip");
		return;
	}
	for (i = 0; i < 8; i++)
		w[i] = (unsigned)e->addr[2 * i] << 8 | e->addr[2 * i + 1];
	for (i = 0; i<8; i += run> 0 ? run : 1) {
		for (run = 0; i + run < 8 && w[i + run] == 0; run++)
			;
		if (run > bestlen) {
			best = i;
			bestlen = run;
		}
	}
	for (i = 7; i >= 0; i--) {
		if (best >= 0 && i == best + bestlen - 1) {
			rp_buf_append(b, ".zz");
			i = best;
			continue;
		}
		rp_buf_appendf(b, ".%x", w[i]);
	}
	rp_buf_append(b, ".rpz-ip");
}

int
bl_render_rpz(struct bl_out *w)
{
	const struct bl_entry *const *e = w->e;
	const struct blocklist_opts *o = w->o;
	struct rp_buf *b = w->b;
	size_t n = w->n;
	size_t i;

	rp_buf_appendf(b,
	    "; Rampart blocklist (response policy zone)\n"
	    "$TTL 300\n"
	    "@ IN SOA localhost. hostmaster.localhost. %u 3600 600 86400 300\n"
	    "@ IN NS localhost.\n",
	    (unsigned)o->rpz_serial);
	for (i = 0; i < n; i++) {
		bl_comment_line(e[i], ";", b);
		switch (e[i]->type) {
		case BL_DOMAIN:
			rp_buf_appendf(b, "%s CNAME .\n*.%s CNAME .\n",
			    e[i]->value, e[i]->value);
			break;
		case BL_V4:
		case BL_V6:
			rpz_ip_name(e[i], b);
			rp_buf_append(b, " CNAME .\n");
			break;
		default:
			break;
		}
	}
	return 0;
}

int
bl_render_dnsmasq(struct bl_out *w)
{
	const struct bl_entry *const *e = w->e;
	const struct blocklist_opts *o = w->o;
	struct rp_buf *b = w->b;
	size_t n = w->n;
	size_t i;

	if (sinkholes_check(o) != 0)
		return RP_ERR_ARG;
	rp_buf_append(b, "# Rampart blocklist (dnsmasq conf-file)\n");
	for (i = 0; i < n; i++) {
		const char *v = e[i]->value;
		bl_comment_line(e[i], "#", b);
		if (o->sinkhole4 == NULL && o->sinkhole6 == NULL)
			rp_buf_appendf(b, "address=/%s/\n", v);
		if (o->sinkhole4 != NULL)
			rp_buf_appendf(b, "address=/%s/%s\n", v, o->sinkhole4);
		if (o->sinkhole6 != NULL)
			rp_buf_appendf(b, "address=/%s/%s\n", v, o->sinkhole6);
	}
	return 0;
}

int
bl_render_hosts(struct bl_out *w)
{
	const struct bl_entry *const *e = w->e;
	const struct blocklist_opts *o = w->o;
	struct rp_buf *b = w->b;
	size_t n = w->n;
	const char *a4 = o->sinkhole4 != NULL ? o->sinkhole4 : "0.0.0.0";
	size_t i;

	if (sinkholes_check(o) != 0)
		return RP_ERR_ARG;
	rp_buf_append(b,
	    "# Rampart blocklist (hosts file; exact names only, "
	    "subdomains are not blocked)\n");
	for (i = 0; i < n; i++) {
		bl_comment_line(e[i], "#", b);
		rp_buf_appendf(b, "%s %s\n", a4, e[i]->value);
		if (o->sinkhole6 != NULL)
			rp_buf_appendf(b, "%s %s\n", o->sinkhole6, e[i]->value);
	}
	return 0;
}
