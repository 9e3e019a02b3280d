/*
 * Routes about the server itself: its OpenAPI document, its health, and
 * the audit log (msp-admin), which clients verify themselves: each entry
 * goes out with the exact text that was hashed.
 */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "signer/signer.h"
#include "util/err.h"

int
h_openapi(struct api_ctx *c)
{
	struct api_response *rs = c->rs;

	if ((rs->body = malloc(api_openapi_json_len + 1)) == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	memcpy(rs->body, api_openapi_json, api_openapi_json_len);
	rs->body[api_openapi_json_len] = '\0';
	rs->body_len = api_openapi_json_len;
	rs->status = 200;
	rs->content_type = "application/json";
	return 0;
}

/*
 * Health, and the job-signing public key with its key ID when the
 * signer answers: public, like the TLS certificate's fingerprint, and
 * what agents pin at enrolment (docs/jobs.md).
 */
int
h_health(struct api_ctx *c)
{
	struct signer_client *sc = api_signer();
	unsigned char pk[32];
	char kid[PROTO_JOB_KEY_ID_LEN + 1], pks[64];
	char *v = NULL;
	int r = store_meta_get(c->s, "schema", &v);
	json_t *o;

	free(v);
	if (r != 0 && r != RP_ERR_NOTFOUND)
		return api_fail(
		    c, 503, "unavailable", NULL, "the store does not answer");
	o = json_pack("{s:s}", "status", "ok");
	if (o != NULL && sc != NULL && signer_public_key(sc, pk, kid) == 0) {
		proto_pk_encode(pk, pks);
		json_object_set_new(o, "job_key",
		    json_pack("{s:s,s:s}", "id", kid, "public_key", pks));
	}
	return api_json(c, 200, o);
}

static json_t *
entry_json(const struct audit_entry *e)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "seq",
	    (json_int_t)e->seq, "at", e->at, "actor", e->actor, "address",
	    e->address, "action", e->action, "tenant", e->tenant, "target",
	    e->target, "outcome", e->outcome, "detail", e->detail, "prev",
	    e->prev, "hash", e->hash);
}

int
h_audit_list(struct api_ctx *c)
{
	struct store_page pg;
	struct audit_entry *v = NULL;
	size_t n = 0, i;
	int64_t head = 0;
	char hhash[65];
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0)
		return -1;
	/* One snapshot: the head never lags or leads the page, so a
	 * verifier can hold every entry past it for an insertion. */
	if ((r = store_begin_read(c->s)) != 0)
		return api_store_fail(c, r);
	if ((r = store_audit_list(c->s, &pg, &v, &n, &more)) != 0 ||
	    (r = store_audit_head(c->s, &head, hhash)) != 0) {
		audit_entries_free(v, n);
		return api_store_fail(c, r);
	}
	store_rollback(c->s);
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items, entry_json(&v[i]));
	r = api_list_ext(c, items, more, n > 0 ? v[n - 1].seq : 0,
	    json_pack("{s:{s:I,s:s}}", "head", "seq", (json_int_t)head, "hash",
		hhash));
	audit_entries_free(v, n);
	return r;
}
