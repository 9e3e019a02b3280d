/*
 * The agent protocol's shared pieces: enrolment tokens round-trip and
 * refuse anything else; a request signed by proto_sign verifies, and
 * fails when any signed part changes; and a signature made here over the
 * bytes docs/agent-protocol.md spells out verifies, so the format cannot
 * change without the documentation (and every agent in the field).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "crypto/crypto.h"
#include "proto/proto.h"
#include "util/err.h"

#define FP                                                                     \
	"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"                     \
	"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
#define SECRET "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"

static void
test_token(void **state)
{
	char tok[PROTO_TOKEN_LEN + 1], fp[PROTO_FP_HEX + 1],
	    sec[PROTO_SECRET_LEN + 1], bad[PROTO_TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(proto_token_format(FP, SECRET, tok, sizeof(tok)), 0);
	assert_int_equal(strlen(tok), PROTO_TOKEN_LEN);
	assert_true(strncmp(tok, "rpe1.abcdef0123456789", 21) == 0);
	assert_int_equal(proto_token_parse(tok, fp, sec), 0);
	assert_string_equal(sec, SECRET);
	assert_int_equal(strlen(fp), 64);
	assert_string_equal(fp + 56, "23456789");
	memcpy(bad, tok, sizeof(bad));
	bad[10] = 'G';
	assert_int_equal(proto_token_parse(bad, fp, sec), RP_ERR_INVALID);
	memcpy(bad, tok, sizeof(bad));
	bad[PROTO_TOKEN_LEN - 1] = '=';
	assert_int_equal(proto_token_parse(bad, fp, sec), RP_ERR_INVALID);
	assert_int_equal(proto_token_parse("rpe1.", fp, sec), RP_ERR_INVALID);
	assert_int_equal(proto_token_format("AB:CD", SECRET, tok, sizeof(tok)),
	    RP_ERR_INVALID);
	assert_int_equal(
	    proto_token_format(FP, "short", tok, sizeof(tok)), RP_ERR_INVALID);
}

static void
test_sign_verify(void **state)
{
	unsigned char pk[32], sk[64];
	char id[PROTO_AGENT_ID_LEN + 1], hdr[PROTO_AUTH_MAX];
	struct proto_auth a;
	static const char body[] = "{\"hostname\":\"ws-01\"}";

	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	crypto_sign_keypair(pk, sk);
	proto_agent_id_new(id);
	assert_true(proto_agent_id_ok(id));
	assert_int_equal(proto_sign(sk, id, "POST", "/api/v1/agent/heartbeat",
			     1900000000, body, strlen(body), hdr, sizeof(hdr)),
	    0);
	assert_true(strlen(hdr) < PROTO_AUTH_MAX);
	assert_int_equal(proto_auth_parse(hdr, &a), 0);
	assert_string_equal(a.agent_id, id);
	assert_int_equal(a.ts, 1900000000);
	assert_int_equal(proto_verify(&a, pk, "POST", "/api/v1/agent/heartbeat",
			     body, strlen(body)),
	    0);
	/* Any signed part changed: refused. */
	assert_int_equal(proto_verify(&a, pk, "PUT", "/api/v1/agent/heartbeat",
			     body, strlen(body)),
	    RP_ERR_INVALID);
	assert_int_equal(proto_verify(&a, pk, "POST", "/api/v1/agent/heartbeaT",
			     body, strlen(body)),
	    RP_ERR_INVALID);
	assert_int_equal(proto_verify(&a, pk, "POST", "/api/v1/agent/heartbeat",
			     body, strlen(body) - 1),
	    RP_ERR_INVALID);
	a.ts++;
	assert_int_equal(proto_verify(&a, pk, "POST", "/api/v1/agent/heartbeat",
			     body, strlen(body)),
	    RP_ERR_INVALID);
	a.ts--;
	a.nonce[0] = a.nonce[0] == 'A' ? 'B' : 'A';
	assert_int_equal(proto_verify(&a, pk, "POST", "/api/v1/agent/heartbeat",
			     body, strlen(body)),
	    RP_ERR_INVALID);
	/* Another key. */
	crypto_sign_keypair(pk, sk);
	assert_int_equal(proto_auth_parse(hdr, &a), 0);
	assert_int_equal(proto_verify(&a, pk, "POST", "/api/v1/agent/heartbeat",
			     body, strlen(body)),
	    RP_ERR_INVALID);
	/* Malformed headers. */
	assert_int_equal(proto_auth_parse("Bearer x", &a), RP_ERR_INVALID);
	assert_int_equal(
	    proto_auth_parse("Rampart-Agent id=x,ts=1,nonce=y,sig=z", &a),
	    RP_ERR_INVALID);
}

/* The documented bytes, signed here without proto_sign. */
static void
test_documented_format(void **state)
{
	unsigned char pk[32], sk[64], sig[64];
	char in[512], hex[65], s64[90], hdr[400], pkb[PROTO_PK_B64_LEN + 1];
	unsigned char pk2[32];
	const char *id = "abcdefghijklmnopqrstuvwxyz";
	const char *nonce = "AAAAAAAAAAAAAAAAAAAAAA";
	struct proto_auth a;

	(void)state;
	crypto_sign_keypair(pk, sk);
	crypto_sha256_hex("", 0, hex);
	snprintf(in, sizeof(in),
	    "rampart-agent-v1\nGET\n/api/v1/agent/heartbeat?x=1\n1900000000\n%s"
	    "\n%s",
	    nonce, hex);
	crypto_sign_detached(
	    sig, NULL, (const unsigned char *)in, strlen(in), sk);
	sodium_bin2base64(s64, sizeof(s64), sig, sizeof(sig),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(hdr, sizeof(hdr),
	    "Rampart-Agent id=%s,ts=1900000000,nonce=%s,sig=%s", id, nonce,
	    s64);
	assert_int_equal(proto_auth_parse(hdr, &a), 0);
	assert_int_equal(
	    proto_verify(&a, pk, "GET", "/api/v1/agent/heartbeat?x=1", NULL, 0),
	    0);
	proto_pk_encode(pk, pkb);
	assert_int_equal(strlen(pkb), PROTO_PK_B64_LEN);
	assert_int_equal(proto_pk_decode(pkb, pk2), 0);
	assert_memory_equal(pk, pk2, 32);
	pkb[5] = '+';
	assert_int_equal(proto_pk_decode(pkb, pk2), RP_ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token),
	    cmocka_unit_test(test_sign_verify),
	    cmocka_unit_test(test_documented_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
