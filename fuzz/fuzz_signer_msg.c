/*
 * Fuzzes the signer's handling of a message from the HTTP role
 * (signer_handle in src/server/signer/handle.c), with a fixed test key.
 * The first byte chooses: even, the rest is the packet as received;
 * odd, the rest is the body of a SIGN request, framed here with the right
 * header and size (zero-padded or cut), so that the checks and the
 * policy past the framing are reached.  It never crashes; a refused
 * frame gets no answer; an answered SIGN that was signed opens with the
 * key (proto_job_open) to the job the answer says was signed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "signer/signer_int.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char pk[32], sk[64];

static void
check_answer(const struct signer_state *st, const struct signer_msg *out)
{
	const struct signer_sign_ans *a = &out->u.sign_ans;
	struct proto_job j;
	char *env = NULL, why[256];

	if (out->type == SIGNER_PUBKEY_ANS) {
		if (memcmp(out->u.pubkey.pk, pk, 32) != 0)
			abort();
		return;
	}
	if (out->type != SIGNER_SIGN_ANS || out->len != sizeof(*a) ||
	    memchr(a->why, '\0', sizeof(a->why)) == NULL)
		abort();
	if (a->status != 0) {
		if (a->status != RP_ERR_INVALID || a->payload_len != 0)
			abort();
		return;
	}
	if (a->payload_len == 0 || a->payload_len >= sizeof(a->payload) ||
	    strlen(a->payload) != a->payload_len ||
	    proto_job_envelope(st->key_id, a->payload, a->sig, &env) != 0 ||
	    proto_job_open(env, strlen(env), pk, &j, why, sizeof(why)) != 0 ||
	    memcmp(&j, &a->job, sizeof(j)) != 0)
		abort();
	free(env);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct signer_msg in, out;
	struct signer_state st;
	unsigned char seed[32] = {9};
	const void *msg;
	size_t len;
	int r;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		crypto_sign_seed_keypair(pk, sk, seed);
		ready = 1;
	}
	if (size < 1)
		return 0;
	msg = data + 1;
	len = size - 1;
	if (data[0] & 1) {
		memset(&in, 0, sizeof(in));
		in.type = SIGNER_SIGN;
		in.len = sizeof(in.u.sign);
		memcpy(&in.u.sign, data + 1,
		    len < sizeof(in.u.sign) ? len : sizeof(in.u.sign));
		msg = &in;
		len = SIGNER_HDR_LEN + sizeof(in.u.sign);
	}
	if (signer_state_init(&st, sk, 25) != 0)
		abort();
	r = signer_handle(&st, msg, len, (int64_t)1900000000, &out);
	if (r == 0)
		check_answer(&st, &out);
	else if (r != RP_ERR_INVALID || out.type != 0)
		abort();
	signer_state_clear(&st);
	return 0;
}
