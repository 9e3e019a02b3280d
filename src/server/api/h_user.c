/*
 * Users (msp-admin only).  A new user gets a generated password unless
 * one is given, and a TOTP secret unless TOTP is turned off (never for an
 * msp-admin); generated secrets are in the answer once and stored only as
 * a hash (password) or for checking codes (TOTP).  Narrowing a user's
 * role or tenants narrows their API tokens at once.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api_int.h"
#include "util/err.h"

/* Frees a string that held a secret, wiped first. */
static void
wipe_str(char *s)
{
	if (s != NULL)
		sodium_memzero(s, strlen(s));
	free(s);
}

static int
user_lookup(struct api_ctx *c, struct store_user *u)
{
	int r = store_user_by_name(c->s, c->param[0], u);

	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such user");
	if (r != 0)
		return api_store_fail(c, r);
	return 0;
}

int
h_user_list(struct api_ctx *c)
{
	struct store_page pg;
	struct store_user *v = NULL;
	size_t n = 0, i;
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0)
		return -1;
	if ((r = store_user_list(c->s, &pg, &v, &n, &more)) != 0)
		return api_store_fail(c, r);
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items, api_user_json(c, &v[i]));
	r = api_list(c, items, more, n > 0 ? v[n - 1].id : 0);
	store_users_free(v, n);
	return r;
}

int
h_user_get(struct api_ctx *c)
{
	struct store_user u = {0};
	int r;

	if (user_lookup(c, &u) < 0)
		return -1;
	r = api_json(c, 200, api_user_json(c, &u));
	store_user_clear(&u);
	return r;
}

/* Role and tenants of a new or changed user, checked together. */
static int
role_tenants(struct api_ctx *c, int *role, int64_t **ids)
{
	const char *rn;
	int n = 0;

	*ids = NULL;
	if (api_str(c, "role", 0, 32, &rn) == 0 &&
	    (*role = store_role_from_name(rn)) < 0)
		return api_fail(c, 400, "invalid_field", "/role",
		    "role: expected msp-admin, technician or viewer");
	if (json_object_get(c->body, "tenants") != NULL &&
	    (n = api_tenant_ids(c, "tenants", 0, ids)) < 0)
		return -1;
	if (*role == ROLE_MSP_ADMIN && n > 0) {
		free(*ids);
		*ids = NULL;
		return api_fail(c, 400, "invalid_field", "/tenants",
		    "an msp-admin has every tenant; list none");
	}
	return n;
}

struct new_secrets {
	char password[64];
	char totp[64];
	char uri[256];
	int gen_password;
};

static int
user_insert(
    struct api_ctx *c, struct store_user *u, const int64_t *ids, size_t n)
{
	int r;

	if ((r = store_begin(c->s)) != 0)
		return r;
	if ((r = store_scope_new(c->s, &u->scope_id)) != 0 ||
	    (r = store_scope_set(c->s, u->scope_id, ids, n)) != 0 ||
	    (r = store_user_create(c->s, u, &u->id)) != 0 ||
	    (r = api_audit_commit(c, "user.create", "", u->name, "ok",
		 json_pack("{s:s,s:b,s:I}", "role", store_role_name(u->role),
		     "totp", u->totp_secret != NULL, "tenants",
		     (json_int_t)n))) != 0)
		store_rollback(c->s);
	return r;
}

static int
user_create_answer(struct api_ctx *c, const char *name, struct new_secrets *ns)
{
	struct store_user u = {0};
	json_t *o;
	int r;

	if ((r = store_user_by_name(c->s, name, &u)) != 0)
		return api_store_fail(c, r);
	o = json_pack("{s:o}", "user", api_user_json(c, &u));
	if (o != NULL && ns->gen_password)
		json_object_set_new(o, "password", json_string(ns->password));
	if (o != NULL && u.totp_secret != NULL) {
		json_object_set_new(o, "totp_secret", json_string(ns->totp));
		json_object_set_new(o, "totp_uri", json_string(ns->uri));
	}
	store_user_clear(&u);
	return api_json(c, 201, o);
}

int
h_user_create(struct api_ctx *c)
{
	static const char *const keys[] = {
	    "name", "display", "role", "tenants", "password", "totp", NULL};
	struct store_user u = {0};
	struct new_secrets ns = {0};
	const char *name, *display = "", *pw = NULL, *why;
	char hash[AUTH_HASH_MAX];
	int64_t *ids = NULL;
	int role = -1, totp = 1, n, r;

	if (api_keys_only(c, keys) < 0 ||
	    api_str(c, "name", 1, 63, &name) < 0 ||
	    api_str(c, "display", 0, 200, &display) < 0 ||
	    api_str(c, "password", 0, 1024, &pw) < 0 ||
	    api_bool(c, "totp", &totp) < 0)
		return -1;
	if (!api_name_ok(name, 1))
		return api_fail(c, 400, "invalid_field", "/name",
		    "name: expected 1-63 of a-z, 0-9, '.', '_', '-'");
	if (json_object_get(c->body, "role") == NULL)
		return api_fail(
		    c, 400, "invalid_field", "/role", "role: required");
	if ((n = role_tenants(c, &role, &ids)) < 0)
		return -1;
	if (role == ROLE_MSP_ADMIN && !totp) {
		free(ids);
		return api_fail(c, 400, "invalid_field", "/totp",
		    "an msp-admin must use TOTP");
	}
	if (pw != NULL && (why = auth_password_policy(pw)) != NULL) {
		free(ids);
		return api_fail(
		    c, 400, "invalid_field", "/password", "%s", why);
	}
	if (pw == NULL) {
		auth_password_new(ns.password, 25);
		ns.gen_password = 1;
		pw = ns.password;
	}
	if (totp) {
		auth_totp_secret_new(ns.totp, sizeof(ns.totp));
		(void)auth_totp_uri(name, ns.totp, ns.uri, sizeof(ns.uri));
	}
	r = auth_password_hash(pw, hash);
	u.name = (char *)name;
	u.display = (char *)display;
	u.role = (enum store_role)role;
	u.pw_hash = hash;
	u.totp_secret = totp ? ns.totp : NULL;
	if (r == 0)
		r = user_insert(c, &u, ids, (size_t)n);
	free(ids);
	sodium_memzero(hash, sizeof(hash));
	if (r == RP_ERR_INVALID)
		r = api_fail(
		    c, 409, "conflict", "/name", "a user '%s' exists", name);
	else if (r != 0)
		r = api_store_fail(c, r);
	else
		r = user_create_answer(c, name, &ns);
	sodium_memzero(&ns, sizeof(ns));
	return r;
}

/* Narrows each of the user's tokens to the tenants in ids[0..n). */
static int
tokens_narrow(struct api_ctx *c, int64_t user, const int64_t *ids, size_t n)
{
	struct store_page pg = {0, STORE_PAGE_MAX};
	struct store_token *v = NULL;
	int64_t *t = NULL;
	size_t nv = 0, nt = 0, i, j, k, keep;
	int more = 1, r = 0;

	while (more && r == 0) {
		if ((r = store_token_list(c->s, user, &pg, &v, &nv, &more)) !=
		    0)
			break;
		for (i = 0; i < nv && r == 0; i++) {
			if ((r = store_scope_tenants(
				 c->s, v[i].scope_id, &t, &nt)) != 0)
				break;
			for (j = 0, keep = 0; j < nt; j++)
				for (k = 0; k < n; k++)
					if (t[j] == ids[k])
						t[keep++] = t[j];
			r = store_scope_set(c->s, v[i].scope_id, t, keep);
			free(t);
			t = NULL;
		}
		if (nv > 0)
			pg.after = v[nv - 1].id;
		store_tokens_free(v, nv);
		v = NULL;
		if (nv == 0)
			break;
	}
	return r;
}

/*
 * Writes u with its new role and tenants (n >= 0: ids[0..n)), audited:
 * a change of language or time zone (prefs not NULL) as user.prefs, the
 * rest (detail: the body without them) as user.update, which is also the
 * entry of a change of nothing.
 */
static int
user_apply(struct api_ctx *c, struct store_user *u, int role, int64_t *ids,
    int n, json_t *detail, json_t *prefs)
{
	int r;

	if (role >= 0)
		u->role = (enum store_role)role;
	if ((r = store_begin(c->s)) != 0)
		return r;
	if ((r = store_user_update(c->s, u)) != 0)
		goto fail;
	if (n >= 0 &&
	    (r = store_scope_set(c->s, u->scope_id, ids, (size_t)n)) != 0)
		goto fail;
	if (n >= 0 && (r = tokens_narrow(c, u->id, ids, (size_t)n)) != 0)
		goto fail;
	if (u->disabled && (r = store_session_delete_user(c->s, u->id)) != 0)
		goto fail;
	if (prefs != NULL &&
	    (r = api_audit(
		 c, "user.prefs", "", u->name, "ok", json_incref(prefs))) != 0)
		goto fail;
	if (prefs == NULL || json_object_size(detail) > 0)
		r = api_audit(
		    c, "user.update", "", u->name, "ok", json_incref(detail));
	if (r != 0 || (r = store_commit(c->s)) != 0)
		goto fail;
	return 0;
fail:
	store_rollback(c->s);
	return r;
}

/* Sets lang and tz of u to those given (lang NULL, tz "": not given);
 * *prefs gets the audit detail, NULL when neither was. */
static int
user_prefs(
    struct store_user *u, const char *lang, const char *tz, json_t **prefs)
{
	char **f[2] = {&u->lang, &u->tz};
	const char *v[2] = {lang, tz[0] != '\0' ? tz : NULL};
	size_t i;

	*prefs = NULL;
	for (i = 0; i < 2; i++) {
		if (v[i] == NULL)
			continue;
		free(*f[i]);
		if ((*f[i] = strdup(v[i])) == NULL)
			return RP_ERR_NOMEM;
	}
	if (lang != NULL || tz[0] != '\0') {
		if ((*prefs = api_prefs_detail(lang, tz)) == NULL)
			return RP_ERR_NOMEM;
	}
	return 0;
}

int
h_user_update(struct api_ctx *c)
{
	static const char *const keys[] = {
	    "display", "role", "tenants", "disabled", "lang", "tz", NULL};
	struct store_user u = {0};
	const char *display = NULL, *lang;
	char tz[API_TZ_MAX];
	int64_t *ids = NULL;
	json_t *detail = NULL, *prefs = NULL;
	int role = -1, disabled = -1, n = -1, nt, r;

	if (api_keys_only(c, keys) < 0 ||
	    api_str(c, "display", 0, 200, &display) < 0 ||
	    api_bool(c, "disabled", &disabled) < 0 ||
	    api_prefs(c, &lang, tz) < 0 || user_lookup(c, &u) < 0)
		return -1;
	if ((nt = role_tenants(c, &role, &ids)) < 0)
		goto out;
	if (json_object_get(c->body, "tenants") != NULL)
		n = nt;
	if (u.id == c->who.user_id &&
	    (disabled == 1 || (role >= 0 && role != ROLE_MSP_ADMIN))) {
		api_fail(c, 409, "conflict", NULL,
		    "you cannot disable or demote yourself");
		goto out;
	}
	if ((role == ROLE_MSP_ADMIN ||
		(role < 0 && u.role == ROLE_MSP_ADMIN)) &&
	    u.totp_secret == NULL) {
		api_fail(c, 400, "invalid_field", "/role",
		    "an msp-admin must use TOTP; this user has none");
		goto out;
	}
	if (display != NULL) {
		free(u.display);
		if ((u.display = strdup(display)) == NULL) {
			api_store_fail(c, RP_ERR_NOMEM);
			goto out;
		}
	}
	if (disabled >= 0)
		u.disabled = disabled;
	if (user_prefs(&u, lang, tz, &prefs) != 0 ||
	    (detail = json_deep_copy(c->body)) == NULL) {
		api_store_fail(c, RP_ERR_NOMEM);
		goto out;
	}
	json_object_del(detail, "lang");
	json_object_del(detail, "tz");
	r = user_apply(c, &u, role, ids, n, detail, prefs);
	if (r != 0) {
		api_store_fail(c, r);
		goto out;
	}
	api_json(c, 200, api_user_json(c, &u));
out:
	json_decref(detail);
	json_decref(prefs);
	free(ids);
	store_user_clear(&u);
	return 0;
}

/*
 * A new password (and TOTP secret) for a user who lost theirs: shown
 * once in the answer; every session of the user ends.
 */
int
h_user_reset(struct api_ctx *c)
{
	static const char *const keys[] = {"totp", NULL};
	struct store_user u = {0};
	struct new_secrets ns = {0};
	char hash[AUTH_HASH_MAX];
	int totp = -1, r;
	json_t *o;

	if (api_keys_only(c, keys) < 0 || api_bool(c, "totp", &totp) < 0 ||
	    user_lookup(c, &u) < 0)
		return -1;
	if (totp < 0)
		totp = u.totp_secret != NULL;
	if (!totp && u.role == ROLE_MSP_ADMIN) {
		store_user_clear(&u);
		return api_fail(c, 400, "invalid_field", "/totp",
		    "an msp-admin must use TOTP");
	}
	auth_password_new(ns.password, 25);
	if (totp) {
		auth_totp_secret_new(ns.totp, sizeof(ns.totp));
		(void)auth_totp_uri(u.name, ns.totp, ns.uri, sizeof(ns.uri));
	}
	if ((r = auth_password_hash(ns.password, hash)) == 0) {
		wipe_str(u.pw_hash);
		wipe_str(u.totp_secret);
		u.pw_hash = strdup(hash);
		u.totp_secret = totp ? strdup(ns.totp) : NULL;
		if (u.pw_hash == NULL || (totp && u.totp_secret == NULL))
			r = RP_ERR_NOMEM;
	}
	if (r == 0 && (r = store_begin(c->s)) == 0) {
		if ((r = store_user_update(c->s, &u)) != 0 ||
		    (r = store_session_delete_user(c->s, u.id)) != 0 ||
		    (r = api_audit_commit(c, "user.reset", "", u.name, "ok",
			 json_pack("{s:b}", "totp", totp))) != 0)
			store_rollback(c->s);
	}
	sodium_memzero(hash, sizeof(hash));
	store_user_clear(&u);
	if (r != 0) {
		sodium_memzero(&ns, sizeof(ns));
		return api_store_fail(c, r);
	}
	o = json_pack("{s:s}", "password", ns.password);
	if (o != NULL && totp) {
		json_object_set_new(o, "totp_secret", json_string(ns.totp));
		json_object_set_new(o, "totp_uri", json_string(ns.uri));
	}
	sodium_memzero(&ns, sizeof(ns));
	return api_json(c, 200, o);
}
