/*
 * Routes about the server itself: its OpenAPI document and its health
 * (the audit log's routes are in h_audit.c).
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
