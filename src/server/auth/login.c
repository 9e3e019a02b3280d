/*
 * Logins: throttled per account and per address, password then TOTP, a
 * new session each time (a cookie planted before login is worth
 * nothing after it), and API tokens.  Throttle counters are in the store
 * so that they hold across restarts and across servers sharing it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "crypto/crypto.h"
#include "util/err.h"

static int
throttle_locked(struct store *s, const char *ukey, const char *akey,
    int64_t now, int64_t *until)
{
	int64_t u1 = 0, u2 = 0;
	int r;

	if ((r = store_throttle_check(s, ukey, now, &u1)) != 0 ||
	    (r = store_throttle_check(s, akey, now, &u2)) != 0)
		return r;
	*until = u1 > u2 ? u1 : u2;
	return 0;
}

static int
throttle_fail(struct store *s, const struct auth_policy *p, const char *ukey,
    const char *akey, int64_t now)
{
	int r;

	/* An address may try several accounts: it gets more attempts than
	 * one account, but not unlimited ones. */
	if ((r = store_throttle_fail(s, ukey, now, p->login_window,
		 p->login_max_failures, p->login_lockout, NULL)) != 0)
		return r;
	return store_throttle_fail(s, akey, now, p->login_window,
	    p->login_max_failures * 4, p->login_lockout, NULL);
}

/* Password and second factor of u; sets *why on failure. */
static int
login_check(struct store *s, const struct store_user *u, const char *password,
    const char *totp, int64_t now, const char **why)
{
	int64_t step;
	int r;

	if (auth_password_verify(u->pw_hash, password) != 0) {
		*why = "password";
		return RP_ERR_INVALID;
	}
	if (u->totp_secret == NULL) {
		if (u->role == ROLE_MSP_ADMIN) {
			*why = "totp-not-enrolled";
			return RP_ERR_INVALID;
		}
		return 0;
	}
	if (totp == NULL || *totp == '\0') {
		*why = "totp-missing";
		return RP_ERR_INVALID;
	}
	step = auth_totp_check(u->totp_secret, totp, now);
	if (step < 0) {
		*why = step == RP_ERR_ARG ? "totp-secret" : "totp";
		return RP_ERR_INVALID;
	}
	/* A code is good once: a replayed one fails like a wrong one. */
	if ((r = store_user_totp_step(s, u->id, step)) != 0) {
		*why = "totp-replay";
		return r == RP_ERR_INVALID ? RP_ERR_INVALID : r;
	}
	return 0;
}

static int
session_start(struct store *s, const struct auth_policy *p,
    const struct store_user *u, const char *old_cookie, int64_t now,
    struct auth_login *out)
{
	struct auth_principal old;
	char h[65];
	int r;

	if (old_cookie != NULL &&
	    auth_authenticate(s, p, old_cookie, NULL, now, &old) == 0)
		(void)store_session_delete(s, old.session_id);
	if ((r = crypto_token_new("", out->cookie, sizeof(out->cookie))) != 0)
		return r;
	crypto_sha256_hex(out->cookie, strlen(out->cookie), h);
	out->expires_at = now + p->session_max;
	memset(&out->who, 0, sizeof(out->who));
	if ((r = store_session_create(
		 s, h, u->id, now, out->expires_at, &out->who.session_id)) != 0)
		return r;
	out->who.kind = AUTH_SESSION;
	out->who.user_id = u->id;
	out->who.role = u->role;
	out->who.scope.all = u->role == ROLE_MSP_ADMIN;
	out->who.scope.id = u->scope_id;
	snprintf(out->who.user, sizeof(out->who.user), "%s", u->name);
	snprintf(out->who.label, sizeof(out->who.label), "user:%s", u->name);
	return 0;
}

int
auth_login(struct store *s, const struct auth_policy *p, const char *user,
    const char *password, const char *totp, const char *addr,
    const char *old_cookie, int64_t now, struct auth_login *out)
{
	static const char dummy[] =
	    "$argon2id$v=19$m=65536,t=2,p=1$"
	    "c29tZXNhbHRzb21lc2FsdA$"
	    "0K5q6mJ6Xj4yC3l2rj2Q7VqfS1T3R0z4oCIqH0v5mIs";
	struct store_user u = {0};
	char ukey[160], akey[96];
	int64_t until = 0;
	int r, known;

	memset(out, 0, sizeof(*out));
	snprintf(ukey, sizeof(ukey), "user:%s", user);
	snprintf(akey, sizeof(akey), "addr:%s", addr != NULL ? addr : "-");
	if ((r = throttle_locked(s, ukey, akey, now, &until)) != 0)
		return r;
	if (until > now) {
		out->status = AUTH_LOGIN_LOCKED;
		out->retry_after = until - now;
		out->why = "locked";
		return 0;
	}
	r = store_user_by_name(s, user, &u);
	if (r != 0 && r != RP_ERR_NOTFOUND)
		return r;
	known = r == 0 && !u.disabled;
	if (!known) {
		/* Hash anyway, so the answer's timing does not tell which
		 * user names exist. */
		(void)auth_password_verify(dummy, password);
		out->why = r == 0 ? "disabled" : "unknown-user";
		r = RP_ERR_INVALID;
	} else
		r = login_check(s, &u, password, totp, now, &out->why);
	if (r == RP_ERR_INVALID) {
		out->status = AUTH_LOGIN_FAILED;
		r = throttle_fail(s, p, ukey, akey, now);
		goto out;
	}
	if (r != 0)
		goto out;
	if ((r = store_throttle_reset(s, ukey)) != 0 ||
	    (r = store_throttle_reset(s, akey)) != 0 ||
	    (r = session_start(s, p, &u, old_cookie, now, out)) != 0)
		goto out;
	out->status = AUTH_LOGIN_OK;
	out->why = "ok";
out:
	store_user_clear(&u);
	return r;
}

int
auth_logout(struct store *s, const struct auth_principal *who)
{
	if (who->kind != AUTH_SESSION)
		return 0;
	return store_session_delete(s, who->session_id);
}

int
auth_token_create(struct store *s, const struct auth_principal *owner,
    const char *name, enum store_role role, const int64_t *tenants,
    size_t ntenants, int64_t expires_at, int64_t now, char *secret,
    size_t secretlen, struct store_token *t)
{
	char h[65];
	int64_t scope;
	int r;

	if ((r = crypto_token_new(AUTH_TOKEN_PREFIX, secret, secretlen)) != 0)
		return r;
	crypto_sha256_hex(secret, strlen(secret), h);
	if ((r = store_scope_new(s, &scope)) != 0 ||
	    (r = store_scope_set(s, scope, tenants, ntenants)) != 0)
		goto fail;
	memset(t, 0, sizeof(*t));
	t->user_id = owner->user_id;
	t->name = (char *)name;
	t->role = role;
	t->scope_id = scope;
	t->created_at = now;
	t->expires_at = expires_at;
	if ((r = store_token_create(s, h, t)) != 0)
		goto fail;
	/* t is the caller's row now: its strings are its own. */
	if ((t->name = strdup(name)) == NULL) {
		r = RP_ERR_NOMEM;
		goto fail;
	}
	return 0;
fail:
	t->name = NULL;
	sodium_memzero(secret, secretlen);
	return r;
}
