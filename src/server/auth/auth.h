/*
 * Who is asking: password hashing (argon2id), logins with a TOTP second
 * factor and throttling, sessions, API tokens, and the principal every
 * API route checks.  Secrets handed in (passwords, cookie values, token
 * secrets) are only hashed and compared here; none is stored or logged.
 */
#ifndef RP_AUTH_H
#define RP_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Name of the session cookie. */
#define AUTH_COOKIE "rampart_session"
/* Prefix of API token secrets ("rpt_" + 43 characters). */
#define AUTH_TOKEN_PREFIX "rpt_"
/* Length of an encoded argon2id hash, NUL included. */
#define AUTH_HASH_MAX 128

struct auth_policy {
	int64_t session_idle;
	int64_t session_max;
	int login_max_failures;
	int64_t login_window;
	int64_t login_lockout;
};

/* Hashes pw with argon2id (libsodium's interactive limits) into out.
 * Returns 0, or RP_ERR_NOMEM when the memory for hashing is not there. */
int auth_password_hash(const char *pw, char out[AUTH_HASH_MAX]);
/* 0 when pw matches the encoded hash, else RP_ERR_INVALID. */
int auth_password_verify(const char *hash, const char *pw);
/* NULL when pw is acceptable, else what is wrong (static text). */
const char *auth_password_policy(const char *pw);
/* A new random password of 24 characters into out (>= 25 bytes). */
void auth_password_new(char *out, size_t outlen);
/* A new TOTP secret (160 bits, base32) into out (>= 33 bytes). */
void auth_totp_secret_new(char *out, size_t outlen);
/* The otpauth:// URI authenticator apps read, into out. */
int auth_totp_uri(
    const char *user, const char *secret, char *out, size_t outlen);
/*
 * Checks a TOTP code against a base32 secret at time now, as a login
 * does (six digits, 30-second steps, the step before and after for
 * clock skew).  Returns the matched step (>= 0), RP_ERR_INVALID for a
 * wrong code, or RP_ERR_ARG when the secret is not base32.  Records
 * nothing: the caller records the step (store_user_totp_step), so that
 * a code is good once.
 */
int64_t auth_totp_check(const char *secret, const char *code, int64_t now);

enum auth_kind {
	AUTH_SESSION,
	AUTH_TOKEN,
	AUTH_AGENT, /* an enrolled agent's signed request (api/h_agent.c) */
};

/* An authenticated caller. */
struct auth_principal {
	enum auth_kind kind;
	int64_t user_id;
	int64_t session_id; /* AUTH_SESSION */
	int64_t token_id; /* AUTH_TOKEN */
	enum store_role role; /* a token's: no wider than its owner's */
	struct store_scope scope;
	char user[64]; /* the user's login name */
	char label[96]; /* for the audit log: "user:NAME", "token:ID(NAME)",
			   "agent:ID" */
	/* AUTH_AGENT: the agent and its tenant (user_id 0, an empty scope:
	 * an agent reaches only the agent routes). */
	char agent_id[27];
	int64_t agent_tenant;
};

/*
 * Authenticates a request from its Cookie and Authorization headers
 * (either may be NULL; a bearer token wins).  Returns 0 and fills *out;
 * RP_ERR_NOTFOUND when there are no credentials or they are unknown,
 * expired, ended or revoked (the caller answers 401 either way); or a
 * store error.  A session's idle clock is advanced.
 */
int auth_authenticate(struct store *s, const struct auth_policy *p,
    const char *cookie, const char *authorization, int64_t now,
    struct auth_principal *out);

enum auth_login_status {
	AUTH_LOGIN_OK,
	AUTH_LOGIN_FAILED, /* unknown user, wrong password or TOTP code */
	AUTH_LOGIN_LOCKED, /* too many failures; retry_after says when */
};
struct auth_login {
	enum auth_login_status status;
	int64_t retry_after; /* seconds, when LOCKED */
	int64_t expires_at; /* the session's absolute expiry, when OK */
	char cookie[64]; /* the new session's cookie value, when OK */
	struct auth_principal who; /* when OK */
	const char *why; /* for the audit log only: "password", "totp", ... */
};
/*
 * Checks a login (totp may be NULL or "" for users without TOTP) with
 * throttling per account and per address; on success starts a new
 * session (and ends old_cookie's, if any: sessions rotate at login).
 * Returns 0 with the outcome in *out, or a store error.
 */
int auth_login(struct store *s, const struct auth_policy *p, const char *user,
    const char *password, const char *totp, const char *addr,
    const char *old_cookie, int64_t now, struct auth_login *out);

/* Ends the session of a principal (logout). */
int auth_logout(struct store *s, const struct auth_principal *who);

/*
 * Creates an API token for owner with role and scope tenants (already
 * checked to be within the owner's), expiring at expires_at (0: never).
 * secret (>= 48 bytes) gets the one-time secret; t gets the row.
 */
int auth_token_create(struct store *s, const struct auth_principal *owner,
    const char *name, enum store_role role, const int64_t *tenants,
    size_t ntenants, int64_t expires_at, int64_t now, char *secret,
    size_t secretlen, struct store_token *t);

/* Whether role a is at least as strong as b (msp-admin > technician >
 * viewer). */
int auth_role_covers(enum store_role a, enum store_role b);

#endif
