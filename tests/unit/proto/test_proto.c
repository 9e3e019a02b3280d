/*
 * The agent protocol's shared pieces: enrolment tokens round-trip and
 * refuse anything else; a request signed by proto_sign verifies, and
 * fails when any signed part changes; and a signature made here over the
 * bytes docs/agent-protocol.md spells out verifies, so the format cannot
 * change without the documentation (and every agent in the field).  And
 * the form of a host's addresses in uploads: addresses with their
 * canonical text, interface names and link addresses, and what is not.
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

static void
test_addr(void **state)
{
	static const struct {
		const char *in, *canon;
		int v;
	} ips[] = {
	    {"192.0.2.7", "192.0.2.7", 4},
	    {"2001:db8::7", "2001:db8::7", 6},
	    {"2001:DB8:0:0::7", "2001:db8::7", 6},
	    {"::ffff:c000:0207", "::ffff:192.0.2.7", 6},
	    {"::", "::", 6},
	    {"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 6},
	    {"192.0.2.07", NULL, 0},
	    {"300.1.2.3", NULL, 0},
	    {"1.2.3", NULL, 0},
	    {"fe80::1%eth0", NULL, 0},
	    {" 192.0.2.7", NULL, 0},
	    {"", NULL, 0},
	    {"0000:0000:0000:0000:0000:0000:0000:0000:0", NULL, 0},
	    {"00000000000000000000000000000000000000000000001", NULL, 0},
	};
	unsigned char b[16];
	char canon[PROTO_IP_MAX + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
		memset(canon, 0, sizeof(canon));
		if (proto_ip_parse(ips[i].in, b, canon) != ips[i].v)
			fail_msg("%s: not %d", ips[i].in, ips[i].v);
		if (ips[i].canon != NULL)
			assert_string_equal(canon, ips[i].canon);
	}
	assert_int_equal(proto_ip_parse("192.0.2.7", b, canon), 4);
	assert_memory_equal(b, "\xc0\x00\x02\x07\0\0\0\0\0\0\0\0\0\0\0\0", 16);

	assert_true(proto_iface_ok("eth0", 4));
	assert_true(proto_iface_ok("Ethernet 2", 10));
	assert_true(proto_iface_ok("br-\xc3\xa9", 5));
	assert_false(proto_iface_ok("", 0));
	assert_false(proto_iface_ok("eth\t0", 5));
	assert_false(proto_iface_ok("eth\x7f", 4));
	assert_false(proto_iface_ok("eth\0x", 5));
	assert_true(proto_iface_ok(
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    PROTO_IFACE_MAX));
	assert_false(proto_iface_ok(
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    PROTO_IFACE_MAX + 1));

	assert_true(proto_mac_ok("52:54:00:12:34:56", 17));
	assert_true(proto_mac_ok("0a", 2));
	assert_true(proto_mac_ok(
	    "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13", 59));
	assert_false(proto_mac_ok(
	    "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14",
	    62));
	assert_false(proto_mac_ok("52:54:00:12:34:5G", 17));
	assert_false(proto_mac_ok("52:54:00:AB:34:56", 17));
	assert_false(proto_mac_ok("52-54-00-12-34-56", 17));
	assert_false(proto_mac_ok("52:54:00:12:34:56:", 18));
	assert_false(proto_mac_ok("525:4:00:12:34:56", 17));
	assert_false(proto_mac_ok("", 0));
	assert_false(proto_mac_ok("5", 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token),
	    cmocka_unit_test(test_sign_verify),
	    cmocka_unit_test(test_documented_format),
	    cmocka_unit_test(test_addr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
