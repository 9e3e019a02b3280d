/*
 * The nftables renderer: one table of our own, inet rampart_blocklist,
 * with an interval set per address family and drop rules on input,
 * forward and output.  The file first declares and then deletes the table
 * before defining it again, so `nft -f` replaces the whole table in one
 * transaction (the kernel applies all of it or none of it).
 */
#include "blocklist_int.h"

/* Our base chains run just before the usual filter chains (priority 0). */
#define NFT_PRIORITY "filter - 10"

/*
 * Writes the set of one family.  Interval sets refuse overlapping
 * elements, so a block inside a kept block is left out (e is sorted by
 * address, widest first, so a container always comes first).
 */
static void
nft_set(const struct bl_entry *const *e, size_t n, enum bl_type t,
    const char *name, const char *type, struct rp_buf *b)
{
	const struct bl_entry *last = NULL;
	size_t i, k = 0;

	rp_buf_appendf(
	    b, "\tset %s {\n\t\ttype %s\n\t\tflags interval\n", name, type);
	for (i = 0; i < n; i++) {
		if (e[i]->type != t)
			continue;
		if (last != NULL && bl_contains(last, e[i]))
			continue;
		last = e[i];
		rp_buf_append(
		    b, k == 0 ? "\t\telements = {\n\t\t\t" : ",\n\t\t\t");
		rp_buf_append(b, e[i]->value);
		k++;
	}
	if (k > 0)
		rp_buf_append(b, "\n\t\t}\n");
	rp_buf_append(b, "\t}\n");
}

static void
nft_chain(const char *hook, const char *const *rules, struct rp_buf *b)
{
	rp_buf_appendf(b,
	    "\tchain %s {\n\t\ttype filter hook %s priority " NFT_PRIORITY
	    "; policy accept;\n",
	    hook, hook);
	for (; *rules != NULL; rules++)
		rp_buf_appendf(b, "\t\t%s drop\n", *rules);
	rp_buf_append(b, "\t}\n");
}

int
bl_render_nft(struct bl_out *w)
{
	const struct bl_entry *const *e = w->e;
	struct rp_buf *b = w->b;
	size_t n = w->n;
	static const char *const in[] = {
	    "ip saddr @blocked4", "ip6 saddr @blocked6", NULL};
	static const char *const fwd[] = {"ip saddr @blocked4",
	    "ip daddr @blocked4", "ip6 saddr @blocked6", "ip6 daddr @blocked6",
	    NULL};
	static const char *const outr[] = {
	    "ip daddr @blocked4", "ip6 daddr @blocked6", NULL};

	rp_buf_append(b,
	    "# Rampart blocklist: replaces table inet rampart_blocklist "
	    "atomically (nft -f).\n"
	    "table inet rampart_blocklist\n"
	    "delete table inet rampart_blocklist\n"
	    "table inet rampart_blocklist {\n");
	nft_set(e, n, BL_V4, "blocked4", "ipv4_addr", b);
	nft_set(e, n, BL_V6, "blocked6", "ipv6_addr", b);
	nft_chain("input", in, b);
	nft_chain("forward", fwd, b);
	nft_chain("output", outr, b);
	rp_buf_append(b, "}\n");
	return 0;
}
