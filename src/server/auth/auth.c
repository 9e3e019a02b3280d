/*
 * Passwords, TOTP secrets, sessions and API tokens.  Cookie values and
 * token secrets are 256-bit random strings; the store keeps only their
 * SHA-256, so a copy of the database does not let anyone log in.
 * Passwords are hashed with argon2id, which is slow on purpose, so a
 * login for an unknown user hashes too (the answer takes as long).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "crypto/crypto.h"
#include "util/err.h"

int
auth_password_hash(const char *pw, char out[AUTH_HASH_MAX])
{
	if (sodium_init() < 0)
		return RP_ERR_INTERNAL;
	if (crypto_pwhash_str(out, pw, strlen(pw),
		crypto_pwhash_OPSLIMIT_INTERACTIVE,
		crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return RP_ERR_NOMEM;
	return 0;
}

int
auth_password_verify(const char *hash, const char *pw)
{
	if (crypto_pwhash_str_verify(hash, pw, strlen(pw)) != 0)
		return RP_ERR_INVALID;
	return 0;
}

const char *
auth_password_policy(const char *pw)
{
	size_t n = strlen(pw);

	if (n < 12)
		return "a password needs at least 12 characters";
	if (n > 1024)
		return "a password has at most 1024 characters";
	return NULL;
}

void
auth_password_new(char *out, size_t outlen)
{
	/* No look-alike characters: the password is read off a screen. */
	static const char set[] = "abcdefghijkmnpqrstuvwxyz"
				  "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char r[24];
	size_t i, n = outlen - 1 < sizeof(r) ? outlen - 1 : sizeof(r);

	crypto_random(r, n);
	for (i = 0; i < n; i++)
		out[i] = set[r[i] % (sizeof(set) - 1)];
	out[n] = '\0';
	sodium_memzero(r, sizeof(r));
}

void
auth_totp_secret_new(char *out, size_t outlen)
{
	unsigned char k[20];

	crypto_random(k, sizeof(k));
	if (crypto_base32_encode(k, sizeof(k), out, outlen) < 0 && outlen > 0)
		out[0] = '\0';
	sodium_memzero(k, sizeof(k));
}

int
auth_totp_uri(const char *user, const char *secret, char *out, size_t outlen)
{
	int n;

	/* User names are [a-z0-9._-] (checked by the API), so they need no
	 * percent-encoding in the label. */
	n = snprintf(out, outlen,
	    "otpauth://totp/Rampart:%s?secret=%s&issuer=Rampart&"
	    "algorithm=SHA1&digits=6&period=30",
	    user, secret);
	return n < 0 || (size_t)n >= outlen ? RP_ERR_ARG : 0;
}

int64_t
auth_totp_check(const char *secret, const char *code, int64_t now)
{
	uint8_t key[64];
	int64_t step;
	int n;

	n = crypto_base32_decode(secret, key, sizeof(key));
	if (n <= 0) {
		sodium_memzero(key, sizeof(key));
		return RP_ERR_ARG;
	}
	step = crypto_totp_check(key, (size_t)n, code, now);
	sodium_memzero(key, sizeof(key));
	return step < 0 ? RP_ERR_INVALID : step;
}

int
auth_role_covers(enum store_role a, enum store_role b)
{
	/* The enum runs from strongest (msp-admin) to weakest (viewer). */
	return (int)a <= (int)b;
}

/* The value of the session cookie in a Cookie header, copied into out. */
static int
cookie_value(const char *hdr, char *out, size_t outlen)
{
	const char *p = hdr, *v, *e;
	size_t klen = strlen(AUTH_COOKIE), n;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		e = strchr(p, ';');
		if (strncmp(p, AUTH_COOKIE, klen) == 0 && p[klen] == '=') {
			v = p + klen + 1;
			n = e != NULL ? (size_t)(e - v) : strlen(v);
			if (n == 0 || n >= outlen)
				return RP_ERR_INVALID;
			memcpy(out, v, n);
			out[n] = '\0';
			return 0;
		}
		p = e;
	}
	return RP_ERR_NOTFOUND;
}

static void
principal_user(struct auth_principal *w, const struct store_user *u)
{
	memset(w, 0, sizeof(*w));
	w->user_id = u->id;
	w->role = u->role;
	w->scope.all = u->role == ROLE_MSP_ADMIN;
	w->scope.id = u->scope_id;
	snprintf(w->user, sizeof(w->user), "%s", u->name);
	snprintf(w->label, sizeof(w->label), "user:%s", u->name);
}

static int
auth_session(struct store *s, const struct auth_policy *p, const char *cookie,
    int64_t now, struct auth_principal *out)
{
	struct store_session ss;
	struct store_user u = {0};
	char val[128], h[65];
	int r;

	if ((r = cookie_value(cookie, val, sizeof(val))) != 0)
		return RP_ERR_NOTFOUND;
	crypto_sha256_hex(val, strlen(val), h);
	sodium_memzero(val, sizeof(val));
	if ((r = store_session_get(s, h, &ss)) != 0)
		return r;
	if (now - ss.last_seen > p->session_idle || now >= ss.expires_at) {
		(void)store_session_delete(s, ss.id);
		return RP_ERR_NOTFOUND;
	}
	if ((r = store_user_get(s, ss.user_id, &u)) != 0)
		return r;
	if (u.disabled) {
		store_user_clear(&u);
		return RP_ERR_NOTFOUND;
	}
	/* The idle clock moves in steps, not on every request: one write
	 * per session per 15 seconds at most. */
	if (now - ss.last_seen >= 15 &&
	    (r = store_session_touch(s, ss.id, now)) != 0) {
		store_user_clear(&u);
		return r;
	}
	principal_user(out, &u);
	out->kind = AUTH_SESSION;
	out->session_id = ss.id;
	store_user_clear(&u);
	return 0;
}

static int
auth_bearer(
    struct store *s, const char *authz, int64_t now, struct auth_principal *out)
{
	struct store_token t = {0};
	struct store_user u = {0};
	const char *sec;
	char h[65];
	int r;

	if (strncmp(authz, "Bearer ", 7) != 0)
		return RP_ERR_NOTFOUND;
	sec = authz + 7;
	if (strncmp(sec, AUTH_TOKEN_PREFIX, strlen(AUTH_TOKEN_PREFIX)) != 0 ||
	    strlen(sec) > 100)
		return RP_ERR_NOTFOUND;
	crypto_sha256_hex(sec, strlen(sec), h);
	if ((r = store_token_by_hash(s, h, &t)) != 0)
		return r;
	r = RP_ERR_NOTFOUND;
	if (t.revoked_at != 0 || (t.expires_at != 0 && now >= t.expires_at))
		goto out;
	if ((r = store_user_get(s, t.user_id, &u)) != 0)
		goto out;
	r = RP_ERR_NOTFOUND;
	if (u.disabled)
		goto out;
	principal_user(out, &u);
	out->kind = AUTH_TOKEN;
	out->token_id = t.id;
	/* Never wider than the owner is now, whatever it was at creation. */
	out->role = auth_role_covers(u.role, t.role) ? t.role : u.role;
	out->scope.all = out->role == ROLE_MSP_ADMIN;
	out->scope.id = t.scope_id;
	snprintf(out->label, sizeof(out->label), "token:%lld(%s)",
	    (long long)t.id, u.name);
	r = 0;
	if (now - t.last_used >= 60)
		r = store_token_touch(s, t.id, now);
out:
	store_token_clear(&t);
	store_user_clear(&u);
	return r;
}

int
auth_authenticate(struct store *s, const struct auth_policy *p,
    const char *cookie, const char *authorization, int64_t now,
    struct auth_principal *out)
{
	if (authorization != NULL)
		return auth_bearer(s, authorization, now, out);
	if (cookie != NULL)
		return auth_session(s, p, cookie, now, out);
	return RP_ERR_NOTFOUND;
}
