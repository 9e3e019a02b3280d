/*
 * Blocklists on a Linux gateway (docs/agent-jobs.md, "Blocklists"):
 * block-apply loads the addresses of the blob the job names into
 * nftables, block-remove takes them out.  Both act on one table of our
 * own, inet rampart_blocklist, and nothing else.  The rendered file
 * declares, deletes and defines that table again, and libnftables runs
 * a buffer as one transaction, so the kernel holds the old list or the
 * new one, never half of either.  Needs CAP_NET_ADMIN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "blockblob/blockblob.h"
#include "blocklist/blocklist.h"
#include "jobs_int.h"
#include "util/err.h"

#define NFT_TABLE "inet rampart_blocklist"
#define NFT_ERR_MAX 1000 /* bytes of nft's error text kept in a reason */

/* The blob the job names, hash-checked and read (canonical only). */
static int
load_blob(const struct jobs_ctx *c, const struct proto_job *j,
    struct blockblob **b, struct jobs_outcome *o)
{
	char *buf = NULL, why[256] = "";
	size_t len = 0;
	int r;

	if (jobs_blocklist_load(c, j->blocklist, &buf, &len, o) != 0)
		return -1;
	r = blockblob_read(buf, len, b, why, sizeof(why));
	free(buf);
	if (r == RP_ERR_NOMEM)
		return RP_ERR_NOMEM;
	if (r != 0) {
		jobs_set(o, JOBS_FAILED, "blocklist %s: %s", j->blocklist, why);
		return -1;
	}
	return 0;
}

/*
 * The nftables ruleset of b's addresses.  The one call of the
 * renderer: *skipped counts what nftables cannot carry (none here, the
 * blob's domains are not handed to it).
 */
static int
render(const struct blockblob *b, char **out, const char **why)
{
	struct blocklist *bl = blocklist_new();
	struct blocklist_report rep;
	size_t i, len = 0;
	int r = RP_ERR_NOMEM;

	*why = NULL;
	for (i = 0; bl != NULL && i < b->naddresses; i++)
		if ((r = blocklist_add(
			 bl, BLOCKLIST_ADDR, b->addresses[i], NULL, why)) != 0)
			goto out;
	if (bl != NULL)
		r = blocklist_render(bl, BLOCKLIST_NFT, NULL, out, &len, &rep);
out:
	blocklist_free(bl);
	return r;
}

/* nft's error text, one line, at most NFT_ERR_MAX bytes. */
static void
nft_error(struct nft_ctx *nft, char *out, size_t cap)
{
	const char *e = nft_ctx_get_error_buffer(nft);
	size_t i, n = 0;

	for (i = 0; e != NULL && e[i] != '\0' && n + 1 < cap; i++)
		out[n++] = e[i] == '\n' || e[i] == '\t' ? ' ' : e[i];
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* Runs text as one nft transaction: 0, or -1 with nft's error in err
 * (also when libnftables cannot start). */
static int
nft_run(const char *text, char *err, size_t cap)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	int r = -1;

	err[0] = '\0';
	if (nft == NULL) {
		snprintf(err, cap, "%s", "libnftables: no context");
		return -1;
	}
	if (nft_ctx_buffer_output(nft) != 0 || nft_ctx_buffer_error(nft) != 0)
		snprintf(err, cap, "%s", "libnftables: cannot buffer output");
	else if (nft_run_cmd_from_buffer(nft, text) != 0)
		nft_error(nft, err, cap);
	else
		r = 0;
	nft_ctx_free(nft);
	return r;
}

int
act_block_apply(
    const struct jobs_ctx *c, const struct proto_job *j, struct jobs_outcome *o)
{
	struct blockblob *b = NULL;
	char *text = NULL, err[NFT_ERR_MAX + 1];
	const char *why = NULL;
	size_t n4 = 0, i;
	int r;

	if ((r = load_blob(c, j, &b, o)) != 0)
		goto out;
	if ((r = render(b, &text, &why)) != 0) {
		jobs_set(o, JOBS_FAILED, "blocklist %s: %s", j->blocklist,
		    why != NULL ? why : rp_strerror(r));
		r = r == RP_ERR_NOMEM ? r : 0;
		goto out;
	}
	for (i = 0; i < b->naddresses; i++)
		n4 += strchr(b->addresses[i], ':') == NULL;
	if (nft_run(text, err, sizeof(err)) != 0) {
		/* nothing changed: the transaction is all or nothing */
		jobs_set(
		    o, JOBS_FAILED, "nftables refused the blocklist: %s", err);
		goto out;
	}
	jobs_set(o, JOBS_DONE, "%s", "");
	r = jobs_result(o,
	    json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "table", NFT_TABLE,
		"blocklist", j->blocklist, "addresses",
		(json_int_t)b->naddresses, "ipv4", (json_int_t)n4, "ipv6",
		(json_int_t)(b->naddresses - n4), "domains_not_applied",
		(json_int_t)b->ndomains));
out:
	if (r == RP_ERR_NOMEM)
		jobs_set(o, JOBS_FAILED, "out of memory");
	free(text);
	blockblob_free(b);
	return r == RP_ERR_NOMEM ? r : 0;
}

int
act_block_remove(
    const struct jobs_ctx *c, const struct proto_job *j, struct jobs_outcome *o)
{
	char err[NFT_ERR_MAX + 1];
	int present;

	(void)c;
	(void)j;
	/* whether it is there, for the report; the removal below
	 * succeeds either way (declared, then deleted, in one
	 * transaction), so a table that appears in between goes too */
	present = nft_run("list table " NFT_TABLE "\n", err, sizeof(err)) == 0;
	if (nft_run("table " NFT_TABLE "\ndelete table " NFT_TABLE "\n", err,
		sizeof(err)) != 0) {
		jobs_set(o, JOBS_FAILED, "nftables did not remove table %s: %s",
		    NFT_TABLE, err);
		return 0;
	}
	jobs_set(o, JOBS_DONE, "%s", "");
	return jobs_result(o,
	    json_pack("{s:s, s:s}", "table", NFT_TABLE, "outcome",
		present ? "removed" : "not present"));
}
