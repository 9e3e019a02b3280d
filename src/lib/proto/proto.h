/*
 * What an agent and the server must agree on byte for byte
 * (docs/agent-protocol.md): enrolment tokens ("rpe1.<FP>.<SECRET>") and
 * the signature of every agent request ("Authorization: Rampart-Agent
 * id=...,ts=...,nonce=...,sig=...").  Both sides call these functions,
 * so the signed bytes cannot drift apart.
 */
#ifndef RP_PROTO_H
#define RP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_FP_HEX 64 /* SHA-256 of the certificate, lower-case hex */
#define PROTO_SECRET_LEN 43 /* 256 bits in base64url, no padding */
#define PROTO_TOKEN_LEN (5 + PROTO_FP_HEX + 1 + PROTO_SECRET_LEN)
#define PROTO_AGENT_ID_LEN 26
#define PROTO_PK_B64_LEN 43 /* a 32-byte Ed25519 public key, base64url */
#define PROTO_AUTH_MAX 256 /* an Authorization header value, NUL incl. */
/* How far a request's time may be from the server's, and how long its
 * nonce is remembered (longer than the window, so a replay within the
 * window always meets its nonce). */
#define PROTO_SKEW 300
#define PROTO_NONCE_KEEP 600

/*
 * Makes an enrolment token from the certificate fingerprint (64 hex
 * digits, either case, colons allowed) and a secret (PROTO_SECRET_LEN
 * base64url characters) into out (>= PROTO_TOKEN_LEN + 1 bytes).
 * Returns 0 or RP_ERR_INVALID.
 */
int proto_token_format(
    const char *fp, const char *secret, char *out, size_t outlen);
/* Splits a token: fp gets 64 lower-case hex digits + NUL, secret its
 * secret + NUL.  Returns 0, or RP_ERR_INVALID when it is not one. */
int proto_token_parse(const char *token, char fp[PROTO_FP_HEX + 1],
    char secret[PROTO_SECRET_LEN + 1]);

/*
 * The Authorization header value of an agent request, signed with the
 * agent's Ed25519 secret key sk (64 bytes, libsodium's form): method,
 * path (with its query, as sent), the time ts, a fresh random nonce and
 * the SHA-256 of the body (body may be NULL when len is 0).  Returns 0 or
 * RP_ERR_ARG (outlen too small, or an id that is not an agent ID).
 */
int proto_sign(const unsigned char sk[64], const char *agent_id,
    const char *method, const char *path, int64_t ts, const void *body,
    size_t len, char *out, size_t outlen);

/* The fields of a parsed Authorization: Rampart-Agent header. */
struct proto_auth {
	char agent_id[PROTO_AGENT_ID_LEN + 1];
	int64_t ts;
	char nonce[23]; /* 22 base64url characters */
	unsigned char sig[64];
};
/* Parses the header value; 0, or RP_ERR_INVALID when malformed. */
int proto_auth_parse(const char *value, struct proto_auth *out);
/*
 * Checks a parsed header's signature over method, path, ts, nonce and the
 * body with the agent's public key pk (32 bytes).  Returns 0 when it
 * verifies, RP_ERR_INVALID when not.  (Time window and nonce reuse are
 * the caller's to check: they need the clock and the store.)
 */
int proto_verify(const struct proto_auth *a, const unsigned char pk[32],
    const char *method, const char *path, const void *body, size_t len);

/* A new agent ID (26 characters of [a-z2-7], 130 random bits) into out
 * (>= PROTO_AGENT_ID_LEN + 1 bytes). */
void proto_agent_id_new(char *out);
/* Whether s is an agent ID. */
int proto_agent_id_ok(const char *s);

/* base64url (no padding) of a 32-byte public key into out (>= 44 bytes),
 * and back (RP_ERR_INVALID unless exactly 32 bytes). */
void proto_pk_encode(const unsigned char pk[32], char *out);
int proto_pk_decode(const char *s, unsigned char pk[32]);

#endif
