/*
 * Small cryptographic building blocks on libsodium and OpenSSL libcrypto:
 * random secrets, SHA-256 in hex, base32 (RFC 4648), one-time passwords
 * (HOTP RFC 4226, TOTP RFC 6238) and constant-time comparison.  Nothing
 * here keeps state; secrets handed in are never copied anywhere else.
 */
#ifndef RP_CRYPTO_H
#define RP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Fills buf with n random bytes from the kernel's generator. */
void crypto_random(void *buf, size_t n);

/* Hex SHA-256 of p[0..n) into out (65 bytes, NUL-terminated). */
void crypto_sha256_hex(const void *p, size_t n, char out[65]);

/*
 * A new secret "PREFIX" + 43 characters of base64url (32 random bytes)
 * into out; outlen must be at least strlen(prefix) + 44.  Returns 0 or
 * RP_ERR_ARG.
 */
int crypto_token_new(const char *prefix, char *out, size_t outlen);

/* Base32 (RFC 4648, upper case, no padding) of p[0..n) into out;
 * returns the length written, or RP_ERR_ARG when outlen is too small. */
int crypto_base32_encode(const void *p, size_t n, char *out, size_t outlen);
/* Decodes base32 (either case, padding and spaces ignored) into out;
 * returns the number of bytes, or RP_ERR_INVALID / RP_ERR_ARG. */
int crypto_base32_decode(const char *s, uint8_t *out, size_t outlen);

/* HOTP (RFC 4226) with HMAC-SHA-1: the 6-digit code for counter. */
uint32_t crypto_hotp(const uint8_t *key, size_t keylen, uint64_t counter);
/*
 * Checks a 6-digit TOTP code (RFC 6238, 30-second steps, HMAC-SHA-1) for
 * time now, accepting the step before and after for clock skew.  Returns
 * the matched step (>= 0), or RP_ERR_INVALID when the code matches none
 * (or is not six digits).
 */
int64_t crypto_totp_check(
    const uint8_t *key, size_t keylen, const char *code, int64_t now);

/* Whether a[0..n) and b[0..n) are equal, in time independent of where
 * they differ. */
int crypto_equal(const void *a, const void *b, size_t n);

#endif
