/*
 * Fuzzes what an agent does with a job it receives (proto_job_open in
 * src/lib/proto/job.c).  The first byte chooses: even, the rest is an
 * envelope as it came over the network; odd, the rest is a payload,
 * signed here with a fixed key and enveloped, so that the payload's
 * parser is reached past the signature.  An accepted job passes
 * proto_job_check, and its canonical payload opens to the same job.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "proto/proto.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char pk[32], sk[64];
static char kid[PROTO_JOB_KEY_ID_LEN + 1];

static void
check_accepted(const struct proto_job *j)
{
	struct proto_job again;
	unsigned char sig[64];
	char *pl = NULL, *env = NULL, why[256];
	size_t len = 0;

	if (proto_job_check(j, why, sizeof(why)) != 0 ||
	    proto_job_payload(j, &pl, &len, why, sizeof(why)) != 0)
		abort();
	proto_job_sign(sk, pl, len, sig);
	if (proto_job_envelope(kid, pl, sig, &env) != 0 ||
	    proto_job_open(env, strlen(env), pk, &again, why, sizeof(why)) !=
		0 ||
	    memcmp(j, &again, sizeof(again)) != 0)
		abort();
	free(pl);
	free(env);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct proto_job j;
	unsigned char seed[32] = {7}, sig[64];
	char why[256], *env = NULL, *pl;
	int r;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		crypto_sign_seed_keypair(pk, sk, seed);
		proto_job_key_id(pk, kid);
		ready = 1;
	}
	if (size < 1 || size > PROTO_JOB_ENVELOPE_MAX)
		return 0;
	if ((data[0] & 1) == 0) {
		r = proto_job_open(
		    (const char *)data + 1, size - 1, pk, &j, why, sizeof(why));
	} else {
		if ((pl = malloc(size)) == NULL)
			return 0;
		memcpy(pl, data + 1, size - 1);
		pl[size - 1] = '\0';
		proto_job_sign(sk, pl, strlen(pl), sig);
		r = proto_job_envelope(kid, pl, sig, &env);
		free(pl);
		if (r != 0)
			return 0;
		r = proto_job_open(env, strlen(env), pk, &j, why, sizeof(why));
		free(env);
	}
	if (r == 0)
		check_accepted(&j);
	else if (r != RP_ERR_INVALID && r != RP_ERR_NOMEM)
		abort();
	return 0;
}
