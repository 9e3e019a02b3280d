/*
 * Random secrets, hex SHA-256, base32 and one-time passwords.  Random
 * bytes and SHA-256 come from libsodium (already initialised by util's
 * keyed hashing or here), HMAC-SHA-1 for HOTP from OpenSSL: RFC 4226
 * fixes SHA-1 and libsodium has no SHA-1.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "crypto.h"
#include "util/err.h"

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void
crypto_random(void *buf, size_t n)
{
	/* sodium_init is idempotent and thread-safe; it only fails when the
	 * kernel's generator is unavailable, and randombytes_buf aborts
	 * then rather than return predictable bytes. */
	if (sodium_init() < 0)
		abort();
	randombytes_buf(buf, n);
}

void
crypto_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(md, p, n);
	sodium_bin2hex(out, 65, md, sizeof(md));
}

int
crypto_token_new(const char *prefix, char *out, size_t outlen)
{
	unsigned char raw[32];
	size_t plen = strlen(prefix);

	if (outlen < plen + 44)
		return RP_ERR_ARG;
	crypto_random(raw, sizeof(raw));
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, outlen - plen, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

int
crypto_base32_encode(const void *p, size_t n, char *out, size_t outlen)
{
	const unsigned char *b = p;
	size_t need = (n * 8 + 4) / 5, i, o = 0;
	unsigned int acc = 0, bits = 0;

	if (outlen < need + 1)
		return RP_ERR_ARG;
	for (i = 0; i < n; i++) {
		acc = (acc << 8) | b[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32_alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = b32_alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return (int)o;
}

static int
b32_value(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int
crypto_base32_decode(const char *s, uint8_t *out, size_t outlen)
{
	unsigned int acc = 0, bits = 0;
	size_t o = 0;
	int v;

	for (; *s != '\0'; s++) {
		if (*s == '=' || *s == ' ' || *s == '-')
			continue;
		if ((v = b32_value(*s)) < 0)
			return RP_ERR_INVALID;
		acc = (acc << 5) | (unsigned int)v;
		bits += 5;
		if (bits >= 8) {
			if (o >= outlen)
				return RP_ERR_ARG;
			out[o++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return (int)o;
}

uint32_t
crypto_hotp(const uint8_t *key, size_t keylen, uint64_t counter)
{
	unsigned char msg[8], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, off;
	uint32_t bin;
	int i;

	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	if (HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof(msg), md, &mdlen) ==
		NULL ||
	    mdlen < 20)
		return UINT32_MAX; /* never a 6-digit code */
	/* RFC 4226 section 5.3: dynamic truncation. */
	off = md[mdlen - 1] & 0x0f;
	bin = ((uint32_t)(md[off] & 0x7f) << 24) |
	    ((uint32_t)md[off + 1] << 16) | ((uint32_t)md[off + 2] << 8) |
	    (uint32_t)md[off + 3];
	sodium_memzero(md, sizeof(md));
	return bin % 1000000;
}

int64_t
crypto_totp_check(
    const uint8_t *key, size_t keylen, const char *code, int64_t now)
{
	uint32_t want = 0;
	int64_t step, d, found = RP_ERR_INVALID;
	int i;

	for (i = 0; i < 6; i++) {
		if (code[i] < '0' || code[i] > '9')
			return RP_ERR_INVALID;
		want = want * 10 + (uint32_t)(code[i] - '0');
	}
	if (code[6] != '\0' || now < 0)
		return RP_ERR_INVALID;
	step = now / 30;
	/* Every candidate is computed, so the time taken does not say which
	 * step matched. */
	for (d = -1; d <= 1; d++) {
		if (step + d < 0)
			continue;
		if (crypto_hotp(key, keylen, (uint64_t)(step + d)) == want &&
		    found < 0)
			found = step + d;
	}
	return found;
}

int
crypto_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}
