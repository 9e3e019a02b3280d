/*
 * Blocklist blobs (docs/agent-jobs.md, "Blocklists"): a tenant's set of
 * addresses and domains in its canonical bytes (blockblob_build), kept
 * under its SHA-256, named by block-apply and block-verify jobs and
 * served to the tenant's agents by that hash.  As with rules bundles,
 * the signed hash is what makes the bytes trusted; the blob needs no
 * signature of its own.  The route that stores a blob from a request
 * body is one way in; blobs built from the tenant's indicators go
 * through the same blocklist_store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "blockblob/blockblob.h"
#include "feeds/feeds.h"
#include "proto/proto.h"
#include "util/err.h"

/*
 * Builds the blob of in ({addresses, domains, sinkhole?}) and keeps it
 * for tenant (slug for the audit entry), audited: 0 with sha256,
 * *created and a summary object (a new reference) in *summary; else it
 * answered the failure (400/413 with the reason, or a store error) and
 * returns -1.  The one way a blob is made here; a blob built from the
 * tenant's indicators is meant to go through it too.
 */
static int
blocklist_store(struct api_ctx *c, int64_t tenant, const char *slug,
    const json_t *in, char sha256[65], int *created, json_t **summary)
{
	struct blockblob *b = NULL;
	char *text = NULL, why[256] = "";
	size_t len = 0;
	int r;

	*summary = NULL;
	r = blockblob_build(in, &text, &len, sha256, why, sizeof(why));
	if (r == RP_ERR_INVALID || r == RP_ERR_LIMIT)
		return api_fail(c, r == RP_ERR_LIMIT ? 413 : 400,
		    r == RP_ERR_LIMIT ? "too_large" : "invalid_blocklist", NULL,
		    "%s", why);
	if (r == 0 && (r = blockblob_read(text, len, &b, why, sizeof(why))))
		r = RP_ERR_INTERNAL; /* the writer and reader disagree */
	if (r == 0 && (r = store_begin(c->s)) == 0) {
		r = store_blocklist_put(
		    c->s, tenant, sha256, text, c->rq->now, created);
		if (r != 0)
			store_rollback(c->s);
		else /* the blob and its entry land together */
			r = api_audit_commit(c, "blocklist.create", slug,
			    sha256, "ok",
			    json_pack("{s:I,s:I,s:b}", "addresses",
				(json_int_t)b->naddresses, "domains",
				(json_int_t)b->ndomains, "new", *created));
	}
	if (r == 0)
		*summary = json_pack("{s:s,s:s,s:I,s:I,s:I,s:b}", "tenant",
		    slug, "sha256", sha256, "size", (json_int_t)len,
		    "addresses", (json_int_t)b->naddresses, "domains",
		    (json_int_t)b->ndomains, "new", *created);
	blockblob_free(b);
	free(text);
	if (r == 0 && *summary == NULL)
		r = RP_ERR_NOMEM;
	return r != 0 ? api_store_fail(c, r) : 0;
}

/*
 * {"from": "indicators", "sinkhole"?: [...]}: the blob of what the
 * tenant's feeds serve of addresses and domains (feeds_blob_input: the
 * same indicators through the same allowlist guard) into *in (a new
 * reference), *refused what the guard left out; -1 answered.
 */
static int
from_indicators(struct api_ctx *c, int64_t tenant, json_t **in, size_t *refused)
{
	json_t *from = json_object_get(c->body, "from");
	json_t *sink = json_object_get(c->body, "sinkhole");
	const char *k;
	json_t *v;
	int r;

	*in = NULL;
	if (!json_is_string(from) ||
	    strcmp(json_string_value(from), "indicators") != 0)
		return api_fail(c, 400, "invalid_field", "/from",
		    "from: expected \"indicators\"");
	json_object_foreach(c->body, k, v)
	{
		if (strcmp(k, "from") != 0 && strcmp(k, "sinkhole") != 0)
			return api_fail(c, 400, "invalid_field", NULL,
			    "with \"from\", only \"sinkhole\" may be given");
	}
	r = feeds_blob_input(
	    c->s, tenant, c->rq->now, BLOCKBLOB_ENTRIES_MAX, in, refused);
	if (r == RP_ERR_LIMIT)
		return api_fail(c, 413, "too_large", NULL,
		    "the tenant's indicators are over %u entries",
		    BLOCKBLOB_ENTRIES_MAX);
	if (r != 0)
		return api_store_fail(c, r);
	if (sink != NULL)
		json_object_set(*in, "sinkhole", sink);
	return 0;
}

int
h_tenant_blocklist_create(struct api_ctx *c)
{
	struct store_tenant t = {0};
	char sha[65];
	json_t *summary = NULL, *in = NULL;
	size_t refused = 0;
	int created = 0, r;

	/* the tenant first: outside the caller's scope it is 404 */
	if (!api_name_ok(c->param[0], 0))
		return api_fail(c, 404, "not_found", NULL, "no such tenant");
	r = store_tenant_get(c->s, &c->who.scope, c->param[0], &t);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such tenant");
	if (r != 0)
		return api_store_fail(c, r);
	if (json_object_get(c->body, "from") != NULL &&
	    from_indicators(c, t.id, &in, &refused) < 0) {
		store_tenant_clear(&t);
		return -1;
	}
	r = blocklist_store(c, t.id, t.slug, in != NULL ? in : c->body, sha,
	    &created, &summary);
	store_tenant_clear(&t);
	if (r == 0 && in != NULL)
		json_object_set_new(
		    summary, "refused", json_integer((json_int_t)refused));
	json_decref(in);
	if (r < 0)
		return -1;
	return api_json(c, created ? 201 : 200, summary);
}

static int
hex64(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 64 ||
		    !((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

int
h_agent_blocklist_get(struct api_ctx *c)
{
	struct store_blocklist b = {0};
	struct api_response *rs = c->rs;
	int r;

	if (!hex64(c->param[0]))
		return api_fail(c, 404, "not_found", NULL,
		    "no such blocklist (a blocklist is named by 64 lower-case "
		    "hex digits)");
	/* only this agent's tenant's: another tenant's hash is as unknown
	 * here as a hash never stored */
	r = store_blocklist_get(c->s, c->who.agent_tenant, c->param[0], 1, &b);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such blocklist");
	if (r != 0)
		return api_store_fail(c, r);
	snprintf(rs->etag, sizeof(rs->etag), "\"%s\"", b.sha256);
	free(rs->body);
	rs->body = b.body;
	rs->body_len = strlen(b.body);
	b.body = NULL;
	rs->status = 200;
	rs->content_type = "application/json";
	store_blocklist_clear(&b);
	return 0;
}

int
api_job_blocklist_check(
    struct api_ctx *c, int64_t tenant, const struct proto_job *j)
{
	struct store_blocklist b = {0};
	int r;

	if (j->type != JOB_BLOCK_APPLY && j->type != JOB_BLOCK_VERIFY)
		return 0;
	if (tenant == 0)
		return api_fail(c, 400, "invalid_job", "target",
		    "a %s job is for the hosts of one tenant: its blocklist "
		    "is that tenant's",
		    proto_job_type_name(j->type));
	r = store_blocklist_get(c->s, tenant, j->blocklist, 0, &b);
	store_blocklist_clear(&b);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", "args/blocklist",
		    "the job's tenant has no blocklist %s (POST "
		    "/api/v1/tenants/{tenant}/blocklists stores one)",
		    j->blocklist);
	return r != 0 ? api_store_fail(c, r) : 0;
}
