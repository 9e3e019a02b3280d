/*
 * Each tenant's rules bundle (docs/bundle.md, "From the server"): built
 * here from the advisories the tenant sees with the indicators library
 * that `rampart bundle` uses, stored with the SHA-256 of its bytes, and
 * served to the tenant's agents by that hash.  A sweep job names the
 * hash and is signed by the signer role, so an agent trusts a bundle
 * exactly when its bytes hash to the signed hash; the bundle needs no
 * signature of its own.  The build is deterministic (no creation time,
 * advisories in id order, indicators in document order), so rebuilding
 * without a change keeps the hash, and the store then writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "api_int.h"
#include "crypto/crypto.h"
#include "ioc/ioc.h"
#include "util/err.h"

/* What one build collects while walking the tenant's advisories. */
struct build {
	struct ioc_bundle *b;
	struct rp_diags *d;
};

/* One advisory of the tenant into the bundle.  An advisory that cannot
 * be read again or carried (it was validated when imported) is left
 * out rather than withholding every other advisory's indicators. */
static int
add_doc(int64_t id, const char *body, void *arg)
{
	struct build *bd = arg;
	struct advisory *a = NULL;
	struct rp_diags *d;
	json_t *root;
	int r = 0;

	(void)id;
	if ((d = rp_diags_new()) == NULL)
		return RP_ERR_NOMEM;
	if ((root = json_loads(body, JSON_REJECT_DUPLICATES, NULL)) != NULL &&
	    advisory_read_json(root, advisory_detect(root), &a, d) == 0) {
		r = ioc_bundle_add_advisory_doc(bd->b, a, NULL, NULL, bd->d);
		if (r == RP_ERR_INVALID)
			r = 0;
	}
	advisory_free(a);
	json_decref(root);
	rp_diags_free(d);
	return r;
}

/* {"indicators": n, "sha256": n, ..., "yara": n} of b. */
static json_t *
counts_json(const struct ioc_bundle *b)
{
	size_t n[IOC_TYPE_COUNT] = {0}, i;
	json_t *o = json_object();

	for (i = 0; i < b->niocs; i++)
		n[b->iocs[i].type]++;
	if (o == NULL)
		return NULL;
	json_object_set_new(
	    o, "indicators", json_integer((json_int_t)b->niocs));
	for (i = 0; i < IOC_TYPE_COUNT; i++)
		if (i != IOC_CIDR) /* the bundle file carries none */
			json_object_set_new(o, ioc_type_name((enum ioc_type)i),
			    json_integer((json_int_t)n[i]));
	json_object_set_new(o, "yara", json_integer((json_int_t)b->nyara));
	return o;
}

/* The row of b's bytes for tenant (strings malloc'd into out). */
static int
bundle_row(const struct ioc_bundle *b, int64_t tenant, int64_t now,
    struct store_bundle *out)
{
	json_t *root = ioc_bundle_write(b), *counts = counts_json(b);
	json_t *adv = json_object_get(root, "advisories");

	memset(out, 0, sizeof(*out));
	out->tenant_id = tenant;
	out->built_at = now;
	if (root != NULL && counts != NULL && adv != NULL) {
		out->body = json_dumps(root, JSON_COMPACT);
		out->counts = json_dumps(counts, JSON_COMPACT);
		out->advisories = json_dumps(adv, JSON_COMPACT);
	}
	json_decref(root);
	json_decref(counts);
	if (out->body == NULL || out->counts == NULL ||
	    out->advisories == NULL) {
		store_bundle_clear(out);
		return RP_ERR_NOMEM;
	}
	out->size = (int64_t)strlen(out->body);
	crypto_sha256_hex(out->body, strlen(out->body), out->sha256);
	return 0;
}

/* Builds the tenant's bundle and makes it current (*changed 0: the hash
 * is the current one's, nothing written). */
static int
bundle_rebuild(
    struct store *s, int64_t tenant, int64_t now, int *changed, char sha256[65])
{
	struct build bd = {NULL, NULL};
	struct store_bundle row;
	int r = RP_ERR_NOMEM;

	if ((bd.b = ioc_bundle_new()) == NULL ||
	    (bd.d = rp_diags_new()) == NULL)
		goto out;
	if ((r = store_advisory_each_of_tenant(s, tenant, add_doc, &bd)) != 0 ||
	    (r = bundle_row(bd.b, tenant, now, &row)) != 0)
		goto out;
	r = store_bundle_put(s, &row, changed);
	if (sha256 != NULL)
		memcpy(sha256, row.sha256, 65);
	store_bundle_clear(&row);
out:
	rp_diags_free(bd.d);
	ioc_bundle_free(bd.b);
	return r;
}

void
bundle_changes_free(struct bundle_changes *ch)
{
	free(ch->v);
	memset(ch, 0, sizeof(*ch));
}

/* Adds (tenant, sha256) to ch. */
static int
change_add(struct bundle_changes *ch, int64_t tenant, const char *sha256)
{
	if (ch->n == ch->cap) {
		size_t nc = ch->cap ? 2 * ch->cap : 8;
		void *nv = reallocarray(ch->v, nc, sizeof(*ch->v));

		if (nv == NULL)
			return RP_ERR_NOMEM;
		ch->v = nv;
		ch->cap = nc;
	}
	ch->v[ch->n].tenant = tenant;
	memcpy(ch->v[ch->n].sha256, sha256, 65);
	ch->n++;
	return 0;
}

int
api_bundles_rebuild(struct store *s, int all, const int64_t *tenants, size_t n,
    int64_t now, int *nchanged, struct bundle_changes *ch)
{
	int64_t *ids = NULL;
	char sha[65];
	size_t i;
	int r = 0, changed;

	*nchanged = 0;
	if (all) {
		if ((r = store_tenant_ids(s, &ids, &n)) != 0)
			return r;
		tenants = ids;
	}
	for (i = 0; i < n && r == 0; i++) {
		changed = 0;
		r = bundle_rebuild(s, tenants[i], now, &changed, sha);
		*nchanged += changed;
		if (r == 0 && changed && ch != NULL)
			r = change_add(ch, tenants[i], sha);
	}
	free(ids);
	return r;
}

/* The tenant's current bundle, built now when it has none yet (a tenant
 * made after the last import, a database from before bundles). */
static int
current(
    struct api_ctx *c, int64_t tenant, int with_body, struct store_bundle *out)
{
	int r, changed;

	r = store_bundle_current(c->s, tenant, with_body, out);
	if (r != RP_ERR_NOTFOUND)
		return r;
	if ((r = store_begin(c->s)) != 0)
		return r;
	if ((r = bundle_rebuild(c->s, tenant, c->rq->now, &changed, NULL)) !=
	    0) {
		store_rollback(c->s);
		return r;
	}
	if ((r = store_commit(c->s)) != 0)
		return r;
	return store_bundle_current(c->s, tenant, with_body, out);
}

/* Answers with the bundle's bytes and its ETag (taking b->body). */
static int
send_bytes(struct api_ctx *c, struct store_bundle *b)
{
	struct api_response *rs = c->rs;

	snprintf(rs->etag, sizeof(rs->etag), "\"%s\"", b->sha256);
	free(rs->body);
	rs->body = b->body;
	rs->body_len = (size_t)b->size;
	b->body = NULL;
	rs->status = 200;
	rs->content_type = "application/json";
	return 0;
}

/* Whether an If-None-Match value names etag ("*", or one of a list). */
static int
etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = inm;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p == '*' ||
		    (strncmp(p, etag, n) == 0 &&
			(p[n] == '\0' || p[n] == ',' || p[n] == ' ')))
			return 1;
		p = strchr(p, ',');
	}
	return 0;
}

int
h_agent_bundle(struct api_ctx *c)
{
	struct store_bundle b;
	char etag[sizeof(c->rs->etag)];
	int r;

	r = current(c, c->who.agent_tenant, 1, &b);
	if (r != 0)
		return api_store_fail(c, r);
	snprintf(etag, sizeof(etag), "\"%s\"", b.sha256);
	if (c->rq->if_none_match != NULL &&
	    etag_matches(c->rq->if_none_match, etag)) {
		store_bundle_clear(&b);
		memcpy(c->rs->etag, etag, sizeof(etag));
		c->rs->status = 304;
		return 0;
	}
	r = send_bytes(c, &b);
	store_bundle_clear(&b);
	return r;
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
h_agent_bundle_get(struct api_ctx *c)
{
	struct store_bundle b;
	int r;

	if (!hex64(c->param[0]))
		return api_fail(c, 404, "not_found", NULL,
		    "no such rules bundle (a bundle is named by 64 lower-case "
		    "hex digits)");
	/* Only this agent's tenant's bundles: the hash of another
	 * tenant's is as unknown here as a hash never built. */
	r = store_bundle_get(c->s, c->who.agent_tenant, c->param[0], &b);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(
		    c, 404, "not_found", NULL, "no such rules bundle");
	if (r != 0)
		return api_store_fail(c, r);
	r = send_bytes(c, &b);
	store_bundle_clear(&b);
	return r;
}

int
h_tenant_bundle(struct api_ctx *c)
{
	struct store_tenant t = {0};
	struct store_bundle b;
	json_t *counts, *adv;
	int r;

	r = store_tenant_get(c->s, &c->who.scope, c->param[0], &t);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such tenant");
	if (r != 0)
		return api_store_fail(c, r);
	r = current(c, t.id, 0, &b);
	if (r != 0) {
		store_tenant_clear(&t);
		return api_store_fail(c, r);
	}
	counts = json_loads(b.counts, 0, NULL);
	adv = json_loads(b.advisories, 0, NULL);
	r = api_json(c, 200,
	    json_pack("{s:s,s:s,s:I,s:o,s:o*,s:o*}", "tenant", t.slug, "sha256",
		b.sha256, "size", (json_int_t)b.size, "built_at",
		api_time(b.built_at), "counts", counts, "advisories", adv));
	store_bundle_clear(&b);
	store_tenant_clear(&t);
	return r;
}
