/*
 * Enrolment tokens and agent request signatures (docs/agent-protocol.md).
 * The signed bytes are built in one place, sig_input(), for both sides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/crypto.h"
#include "proto.h"
#include "util/err.h"
#include "util/str.h"

#define SIG_TAG "rampart-agent-v1"
#define NONCE_BYTES 16
#define NONCE_B64 22

static int
b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int
all_b64url(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!b64url_char(s[i]))
			return 0;
	return 1;
}

int
proto_token_format(const char *fp, const char *secret, char *out, size_t outlen)
{
	char hex[PROTO_FP_HEX + 1];
	size_t i, k = 0;

	for (i = 0; fp[i] != '\0'; i++) {
		char c = fp[i];

		if (c == ':')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) ||
		    k >= PROTO_FP_HEX)
			return RP_ERR_INVALID;
		hex[k++] = c;
	}
	hex[k] = '\0';
	if (k != PROTO_FP_HEX || strlen(secret) != PROTO_SECRET_LEN ||
	    !all_b64url(secret, PROTO_SECRET_LEN) ||
	    outlen < PROTO_TOKEN_LEN + 1)
		return RP_ERR_INVALID;
	snprintf(out, outlen, "rpe1.%s.%s", hex, secret);
	return 0;
}

int
proto_token_parse(const char *token, char fp[PROTO_FP_HEX + 1],
    char secret[PROTO_SECRET_LEN + 1])
{
	size_t i;

	if (strlen(token) != PROTO_TOKEN_LEN ||
	    strncmp(token, "rpe1.", 5) != 0 || token[5 + PROTO_FP_HEX] != '.')
		return RP_ERR_INVALID;
	for (i = 0; i < PROTO_FP_HEX; i++) {
		char c = token[5 + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return RP_ERR_INVALID;
	}
	if (!all_b64url(token + 6 + PROTO_FP_HEX, PROTO_SECRET_LEN))
		return RP_ERR_INVALID;
	memcpy(fp, token + 5, PROTO_FP_HEX);
	fp[PROTO_FP_HEX] = '\0';
	memcpy(secret, token + 6 + PROTO_FP_HEX, PROTO_SECRET_LEN);
	secret[PROTO_SECRET_LEN] = '\0';
	return 0;
}

/* The bytes an agent signs; NULL when they do not fit or are odd. */
static char *
sig_input(const char *method, const char *path, int64_t ts, const char *nonce,
    const void *body, size_t len, size_t *n)
{
	char hex[65], *s;

	if (strchr(method, '\n') != NULL || strchr(path, '\n') != NULL)
		return NULL;
	crypto_sha256_hex(len > 0 ? body : "", len, hex);
	s = rp_asprintf(SIG_TAG "\n%s\n%s\n%lld\n%s\n%s", method, path,
	    (long long)ts, nonce, hex);
	if (s == NULL)
		return NULL;
	*n = strlen(s);
	return s;
}

int
proto_sign(const unsigned char sk[64], const char *agent_id, const char *method,
    const char *path, int64_t ts, const void *body, size_t len, char *out,
    size_t outlen)
{
	unsigned char nonce[NONCE_BYTES], sig[64];
	char n64[NONCE_B64 + 2], s64[90], *in;
	size_t n = 0;
	int k;

	if (!proto_agent_id_ok(agent_id))
		return RP_ERR_ARG;
	crypto_random(nonce, sizeof(nonce));
	sodium_bin2base64(n64, sizeof(n64), nonce, sizeof(nonce),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if ((in = sig_input(method, path, ts, n64, body, len, &n)) == NULL)
		return RP_ERR_ARG;
	crypto_sign_detached(sig, NULL, (const unsigned char *)in, n, sk);
	free(in);
	sodium_bin2base64(s64, sizeof(s64), sig, sizeof(sig),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	k = snprintf(out, outlen, "Rampart-Agent id=%s,ts=%lld,nonce=%s,sig=%s",
	    agent_id, (long long)ts, n64, s64);
	return k < 0 || (size_t)k >= outlen ? RP_ERR_ARG : 0;
}

/* The value of one "key=" field of the header, up to ',' or the end. */
static const char *
field(const char *v, const char *key, size_t *n)
{
	size_t kl = strlen(key);
	const char *p = v, *e;

	while (p != NULL && *p != '\0') {
		e = strchr(p, ',');
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			*n = (e != NULL ? (size_t)(e - p) : strlen(p)) - kl - 1;
			return p + kl + 1;
		}
		p = e != NULL ? e + 1 : NULL;
	}
	return NULL;
}

int
proto_auth_parse(const char *value, struct proto_auth *out)
{
	const char *v, *id, *ts, *nonce, *sig;
	size_t nid = 0, nts = 0, nn = 0, ns = 0, i, siglen = 0;
	int64_t t = 0;

	memset(out, 0, sizeof(*out));
	if (strncmp(value, "Rampart-Agent ", 14) != 0 || strlen(value) > 400)
		return RP_ERR_INVALID;
	v = value + 14;
	id = field(v, "id", &nid);
	ts = field(v, "ts", &nts);
	nonce = field(v, "nonce", &nn);
	sig = field(v, "sig", &ns);
	if (id == NULL || ts == NULL || nonce == NULL || sig == NULL ||
	    nid != PROTO_AGENT_ID_LEN || nn != NONCE_B64 ||
	    !all_b64url(nonce, nn) || nts == 0 || nts > 12 || ns != 86)
		return RP_ERR_INVALID;
	for (i = 0; i < nts; i++) {
		if (ts[i] < '0' || ts[i] > '9')
			return RP_ERR_INVALID;
		t = t * 10 + (ts[i] - '0');
	}
	memcpy(out->agent_id, id, nid);
	if (!proto_agent_id_ok(out->agent_id))
		return RP_ERR_INVALID;
	memcpy(out->nonce, nonce, nn);
	if (sodium_base642bin(out->sig, sizeof(out->sig), sig, ns, NULL,
		&siglen, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    siglen != 64)
		return RP_ERR_INVALID;
	out->ts = t;
	return 0;
}

int
proto_verify(const struct proto_auth *a, const unsigned char pk[32],
    const char *method, const char *path, const void *body, size_t len)
{
	char *in;
	size_t n = 0;
	int ok;

	if ((in = sig_input(method, path, a->ts, a->nonce, body, len, &n)) ==
	    NULL)
		return RP_ERR_INVALID;
	ok = crypto_sign_verify_detached(
		 a->sig, (const unsigned char *)in, n, pk) == 0;
	free(in);
	return ok ? 0 : RP_ERR_INVALID;
}

void
proto_agent_id_new(char *out)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char r[PROTO_AGENT_ID_LEN];
	size_t i;

	crypto_random(r, sizeof(r));
	for (i = 0; i < PROTO_AGENT_ID_LEN; i++)
		out[i] = set[r[i] & 31];
	out[PROTO_AGENT_ID_LEN] = '\0';
}

int
proto_agent_id_ok(const char *s)
{
	size_t i;

	for (i = 0; i < PROTO_AGENT_ID_LEN; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '2' && s[i] <= '7')))
			return 0;
	return s[PROTO_AGENT_ID_LEN] == '\0';
}

void
proto_pk_encode(const unsigned char pk[32], char *out)
{
	sodium_bin2base64(out, PROTO_PK_B64_LEN + 1, pk, 32,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
proto_pk_decode(const char *s, unsigned char pk[32])
{
	size_t n = 0;

	if (strlen(s) != PROTO_PK_B64_LEN ||
	    sodium_base642bin(pk, 32, s, PROTO_PK_B64_LEN, NULL, &n, NULL,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != 32)
		return RP_ERR_INVALID;
	return 0;
}
