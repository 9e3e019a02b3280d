/*
 * The crypto helpers against the published test vectors: HOTP (RFC 4226
 * appendix D), TOTP (RFC 6238 appendix B, SHA-1 rows, last six digits),
 * base32 (RFC 4648 section 10), SHA-256 (FIPS 180-2 "abc").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/crypto.h"
#include "util/err.h"

static const uint8_t rfc_key[] = "12345678901234567890";

static void
test_hotp_rfc4226(void **state)
{
	static const uint32_t want[] = {755224, 287082, 359152, 969429, 338314,
	    254676, 287922, 162583, 399871, 520489};
	uint64_t c;

	(void)state;
	for (c = 0; c < 10; c++)
		assert_int_equal(crypto_hotp(rfc_key, 20, c), want[c]);
}

static void
test_totp_rfc6238(void **state)
{
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {
	    {59, "287082"},
	    {1111111109, "081804"},
	    {1111111111, "050471"},
	    {1234567890, "005924"},
	    {2000000000, "279037"},
	    {20000000000, "353130"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(
		    crypto_totp_check(rfc_key, 20, v[i].code, v[i].t),
		    v[i].t / 30);
	/* One step of skew either way is accepted, two are not. */
	assert_int_equal(crypto_totp_check(rfc_key, 20, "287082", 59 + 30), 1);
	assert_int_equal(crypto_totp_check(rfc_key, 20, "287082", 59 - 30), 1);
	assert_int_equal(
	    crypto_totp_check(rfc_key, 20, "287082", 59 + 60), RP_ERR_INVALID);
	assert_int_equal(
	    crypto_totp_check(rfc_key, 20, "28708", 59), RP_ERR_INVALID);
	assert_int_equal(
	    crypto_totp_check(rfc_key, 20, "2870821", 59), RP_ERR_INVALID);
	assert_int_equal(
	    crypto_totp_check(rfc_key, 20, "28708a", 59), RP_ERR_INVALID);
}

static void
test_base32(void **state)
{
	static const char *plain[] = {
	    "", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *enc[] = {
	    "", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
	char out[32];
	uint8_t raw[32];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < 7; i++) {
		n = crypto_base32_encode(
		    plain[i], strlen(plain[i]), out, sizeof(out));
		assert_int_equal(n, (int)strlen(enc[i]));
		assert_string_equal(out, enc[i]);
		n = crypto_base32_decode(enc[i], raw, sizeof(raw));
		assert_int_equal(n, (int)strlen(plain[i]));
		assert_memory_equal(raw, plain[i], (size_t)n);
	}
	/* Lower case, padding and spaces as authenticator apps show them. */
	n = crypto_base32_decode("mzxw 6ytb oi======", raw, sizeof(raw));
	assert_int_equal(n, 6);
	assert_memory_equal(raw, "foobar", 6);
	assert_int_equal(
	    crypto_base32_decode("MZ1W", raw, sizeof(raw)), RP_ERR_INVALID);
	assert_int_equal(
	    crypto_base32_decode("MZXW6YTBOI", raw, 3), RP_ERR_ARG);
	assert_int_equal(
	    crypto_base32_encode("foobar", 6, out, 10), RP_ERR_ARG);
}

static void
test_sha256_token_equal(void **state)
{
	char hex[65], t1[64], t2[64];

	(void)state;
	crypto_sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(crypto_token_new("rpt_", t1, sizeof(t1)), 0);
	assert_int_equal(crypto_token_new("rpt_", t2, sizeof(t2)), 0);
	assert_int_equal(strlen(t1), 4 + 43);
	assert_true(strncmp(t1, "rpt_", 4) == 0);
	assert_string_not_equal(t1, t2);
	assert_int_equal(crypto_token_new("rpt_", t1, 47), RP_ERR_ARG);
	assert_true(crypto_equal("abcd", "abcd", 4));
	assert_false(crypto_equal("abcd", "abce", 4));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hotp_rfc4226),
	    cmocka_unit_test(test_totp_rfc6238),
	    cmocka_unit_test(test_base32),
	    cmocka_unit_test(test_sha256_token_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
