/*
 * Logging in and out, and who the caller is.  Every login attempt is in
 * the audit log, failed ones with the reason (which the answer itself
 * never tells: wrong user, password and code all read "login_failed").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api_int.h"
#include "util/err.h"
#include "util/str.h"

static int
set_cookie(struct api_ctx *c, const char *value, int64_t max_age)
{
	c->rs->set_cookie = rp_asprintf(
	    "%s=%s; Path=/; Max-Age=%lld; HttpOnly;%s SameSite=Strict",
	    AUTH_COOKIE, value, (long long)max_age,
	    api_cfg()->secure_cookies ? " Secure;" : "");
	return c->rs->set_cookie != NULL ? 0 : RP_ERR_NOMEM;
}

int
h_login(struct api_ctx *c)
{
	static const char *const keys[] = {"user", "password", "totp", NULL};
	const char *user, *pw, *totp = NULL;
	struct auth_policy p;
	struct auth_login lg;
	char target[96];
	int r;

	if (api_keys_only(c, keys) < 0 ||
	    api_str(c, "user", 1, 63, &user) < 0 ||
	    api_str(c, "password", 1, 1024, &pw) < 0 ||
	    api_str(c, "totp", 0, 16, &totp) < 0)
		return -1;
	api_policy(&p);
	r = auth_login(c->s, &p, user, pw, totp, c->rq->remote_addr,
	    c->rq->cookie, c->rq->now, &lg);
	if (r != 0)
		return api_store_fail(c, r);
	snprintf(target, sizeof(target), "user:%.63s", user);
	if (lg.status != AUTH_LOGIN_OK) {
		(void)api_audit_now(c, "login", "", target,
		    lg.status == AUTH_LOGIN_LOCKED ? "denied" : "failed",
		    json_pack("{s:s}", "reason", lg.why));
		if (lg.status == AUTH_LOGIN_LOCKED) {
			c->rs->retry_after = lg.retry_after;
			return api_fail(c, 429, "too_many_requests", NULL,
			    "too many failed logins; try again in %lld "
			    "seconds",
			    (long long)lg.retry_after);
		}
		return api_fail(c, 401, "login_failed", NULL,
		    "wrong user name, password or TOTP code");
	}
	c->who = lg.who;
	c->authed = 1;
	(void)api_audit_now(c, "login", "", target, "ok", NULL);
	r = set_cookie(c, lg.cookie, lg.expires_at - c->rq->now);
	sodium_memzero(lg.cookie, sizeof(lg.cookie));
	if (r != 0)
		return api_store_fail(c, r);
	return api_json(c, 200,
	    json_pack("{s:s,s:s,s:o}", "user", lg.who.user, "role",
		store_role_name(lg.who.role), "expires_at",
		api_time(lg.expires_at)));
}

int
h_logout(struct api_ctx *c)
{
	int r;

	if ((r = auth_logout(c->s, &c->who)) != 0)
		return api_store_fail(c, r);
	(void)api_audit_now(c, "logout", "", "", "ok", NULL);
	if (set_cookie(c, "", 0) != 0)
		return api_store_fail(c, RP_ERR_NOMEM);
	return api_no_content(c);
}

json_t *
api_user_json(struct api_ctx *c, const struct store_user *u)
{
	int64_t *ids = NULL;
	size_t n = 0;
	json_t *tenants;

	if (u->role != ROLE_MSP_ADMIN &&
	    store_scope_tenants(c->s, u->scope_id, &ids, &n) != 0)
		return NULL;
	tenants = api_tenant_slugs(c, ids, n);
	free(ids);
	if (tenants == NULL)
		return NULL;
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:b,s:b,s:o,s:s,s:s}", "id",
	    (json_int_t)u->id, "name", u->name, "display", u->display, "role",
	    store_role_name(u->role), "tenants", tenants, "totp",
	    u->totp_secret != NULL, "disabled", u->disabled, "created_at",
	    api_time(u->created_at), "lang", u->lang != NULL ? u->lang : "en",
	    "tz", u->tz != NULL ? u->tz : "UTC");
}

int
h_me(struct api_ctx *c)
{
	struct store_user u = {0};
	int64_t *ids = NULL;
	size_t n = 0;
	json_t *o, *uj, *tenants;
	int r;

	if ((r = store_user_get(c->s, c->who.user_id, &u)) != 0)
		return api_store_fail(c, r);
	uj = api_user_json(c, &u);
	store_user_clear(&u);
	if (!c->who.scope.all &&
	    (r = store_scope_tenants(c->s, c->who.scope.id, &ids, &n)) != 0) {
		json_decref(uj);
		return api_store_fail(c, r);
	}
	tenants = api_tenant_slugs(c, ids, n);
	free(ids);
	o = json_pack("{s:s,s:o,s:s,s:o}", "kind",
	    c->who.kind == AUTH_SESSION ? "session" : "token", "user", uj,
	    "role", store_role_name(c->who.role), "tenants", tenants);
	if (o != NULL && c->who.kind == AUTH_TOKEN)
		json_object_set_new(
		    o, "token_id", json_integer(c->who.token_id));
	return api_json(c, 200, o);
}

int
api_reauth(struct api_ctx *c, const struct store_user *u, const char *pw,
    const char *action)
{
	struct auth_policy p;
	int64_t until = 0;
	char key[96];
	int r;

	api_policy(&p);
	snprintf(key, sizeof(key), "user:%s", u->name);
	/* Else a stolen session could guess the password without end. */
	if ((r = store_throttle_check(c->s, key, c->rq->now, &until)) != 0)
		return api_store_fail(c, r);
	if (until > c->rq->now) {
		c->rs->retry_after = until - c->rq->now;
		return api_fail(c, 429, "too_many_requests", NULL,
		    "too many failed logins; try again in %lld seconds",
		    (long long)(until - c->rq->now));
	}
	if (auth_password_verify(u->pw_hash, pw) == 0)
		return 0;
	(void)store_throttle_fail(c->s, key, c->rq->now, p.login_window,
	    p.login_max_failures, p.login_lockout, NULL);
	(void)api_audit_now(c, action, "", c->who.label, "failed",
	    json_pack("{s:s}", "reason", "password"));
	return api_fail(
	    c, 403, "forbidden", "/password", "the current password is wrong");
}

/*
 * The caller's own password: the current one is checked (api_reauth),
 * the new one must pass the policy, and every session of the user ends,
 * this one too.
 */
int
h_me_password(struct api_ctx *c)
{
	static const char *const keys[] = {"password", "new_password", NULL};
	struct store_user u = {0};
	const char *pw, *npw, *why;
	char hash[AUTH_HASH_MAX];
	int r;

	if (c->who.kind != AUTH_SESSION)
		return api_fail(c, 403, "forbidden", NULL,
		    "a password is changed from a login session, not a token");
	if (api_keys_only(c, keys) < 0 ||
	    api_str(c, "password", 1, 1024, &pw) < 0 ||
	    api_str(c, "new_password", 1, 1024, &npw) < 0)
		return -1;
	if ((why = auth_password_policy(npw)) != NULL)
		return api_fail(
		    c, 400, "invalid_field", "/new_password", "%s", why);
	if ((r = store_user_get(c->s, c->who.user_id, &u)) != 0)
		return api_store_fail(c, r);
	if (api_reauth(c, &u, pw, "user.password") < 0) {
		store_user_clear(&u);
		return -1;
	}
	if ((r = auth_password_hash(npw, hash)) == 0) {
		sodium_memzero(u.pw_hash, strlen(u.pw_hash));
		free(u.pw_hash);
		if ((u.pw_hash = strdup(hash)) == NULL)
			r = RP_ERR_NOMEM;
	}
	sodium_memzero(hash, sizeof(hash));
	if (r == 0 && (r = store_begin(c->s)) == 0) {
		if ((r = store_user_update(c->s, &u)) != 0 ||
		    (r = store_session_delete_user(c->s, u.id)) != 0 ||
		    (r = api_audit_commit(c, "user.password", "", c->who.label,
			 "ok", NULL)) != 0)
			store_rollback(c->s);
	}
	store_user_clear(&u);
	if (r != 0)
		return api_store_fail(c, r);
	if (set_cookie(c, "", 0) != 0)
		return api_store_fail(c, RP_ERR_NOMEM);
	return api_no_content(c);
}
