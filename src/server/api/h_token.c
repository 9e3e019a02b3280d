/*
 * API tokens: for scripts and the CLI.  A token is created from a login
 * session (a token cannot mint tokens), with a role and tenants no wider
 * than its owner's; its secret is in the creation answer only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api_int.h"
#include "util/err.h"

static json_t *
token_json(struct api_ctx *c, const struct store_token *t)
{
	struct store_user u = {0};
	int64_t *ids = NULL;
	size_t n = 0;
	json_t *o = NULL, *tenants;

	if (store_user_get(c->s, t->user_id, &u) != 0)
		return NULL;
	if (t->role != ROLE_MSP_ADMIN &&
	    store_scope_tenants(c->s, t->scope_id, &ids, &n) != 0)
		goto out;
	if ((tenants = api_tenant_slugs(c, ids, n)) == NULL)
		goto out;
	o = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "id",
	    (json_int_t)t->id, "name", t->name, "user", u.name, "role",
	    store_role_name(t->role), "tenants", tenants, "created_at",
	    api_time(t->created_at), "expires_at", api_time(t->expires_at),
	    "revoked_at", api_time(t->revoked_at), "last_used",
	    api_time(t->last_used));
out:
	free(ids);
	store_user_clear(&u);
	return o;
}

int
h_token_list(struct api_ctx *c)
{
	struct store_page pg;
	struct store_token *v = NULL;
	struct store_user u = {0};
	const char *who = c->rq->arg(c->rq->arg_cls, "user");
	int64_t uid = c->who.user_id;
	size_t n = 0, i;
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0)
		return -1;
	if (c->who.role == ROLE_MSP_ADMIN) {
		uid = 0;
		if (who != NULL) {
			r = store_user_by_name(c->s, who, &u);
			if (r == RP_ERR_NOTFOUND)
				return api_fail(c, 404, "not_found", "?user",
				    "no such user");
			if (r != 0)
				return api_store_fail(c, r);
			uid = u.id;
			store_user_clear(&u);
		}
	}
	if ((r = store_token_list(c->s, uid, &pg, &v, &n, &more)) != 0)
		return api_store_fail(c, r);
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items, token_json(c, &v[i]));
	r = api_list(c, items, more, n > 0 ? v[n - 1].id : 0);
	store_tokens_free(v, n);
	return r;
}

/* The tenants a new token gets: those asked for, else the caller's. */
static int
token_tenants(struct api_ctx *c, int role, int64_t **ids)
{
	size_t n = 0;

	*ids = NULL;
	if (role == ROLE_MSP_ADMIN)
		return 0;
	if (json_object_get(c->body, "tenants") != NULL)
		return api_tenant_ids(c, "tenants", 0, ids);
	if (c->who.scope.all)
		return api_fail(c, 400, "invalid_field", "/tenants",
		    "a %s token needs its tenants listed",
		    store_role_name((enum store_role)role));
	if (store_scope_tenants(c->s, c->who.scope.id, ids, &n) != 0)
		return api_store_fail(c, RP_ERR_IO);
	return (int)n;
}

static int
token_insert(struct api_ctx *c, const char *name, int role, int64_t *ids, int n,
    int64_t expires, char *secret, size_t seclen, struct store_token *t)
{
	char target[40];
	int r;

	if ((r = store_begin(c->s)) != 0)
		return r;
	if ((r = auth_token_create(c->s, &c->who, name, (enum store_role)role,
		 ids, (size_t)n, expires, c->rq->now, secret, seclen, t)) != 0)
		goto fail;
	snprintf(target, sizeof(target), "token:%lld", (long long)t->id);
	if ((r = api_audit(c, "token.create", "", target, "ok",
		 json_pack("{s:s,s:s,s:i}", "name", name, "role",
		     store_role_name((enum store_role)role), "tenants", n))) !=
		0 ||
	    (r = store_commit(c->s)) != 0)
		goto fail;
	return 0;
fail:
	store_rollback(c->s);
	sodium_memzero(secret, seclen);
	return r;
}

int
h_token_create(struct api_ctx *c)
{
	static const char *const keys[] = {
	    "name", "role", "tenants", "expires_days", NULL};
	struct store_token t = {0};
	const char *name, *rn;
	char secret[64];
	int64_t *ids = NULL, days = 0;
	int role = (int)c->who.role, n, r;
	json_t *o;

	if (c->who.kind != AUTH_SESSION)
		return api_fail(c, 403, "forbidden", NULL,
		    "tokens are created from a login session, not a token");
	if (api_keys_only(c, keys) < 0 ||
	    api_str(c, "name", 1, 100, &name) < 0 ||
	    api_int(c, "expires_days", 1, 3650, &days) < 0)
		return -1;
	if (api_str(c, "role", 0, 32, &rn) == 0 &&
	    ((role = store_role_from_name(rn)) < 0 ||
		!auth_role_covers(c->who.role, (enum store_role)role)))
		return api_fail(c, 400, "invalid_field", "/role",
		    "role: expected one no wider than yours (%s)",
		    store_role_name(c->who.role));
	if ((n = token_tenants(c, role, &ids)) < 0)
		return -1;
	r = token_insert(c, name, role, ids, n,
	    days > 0 ? c->rq->now + days * 86400 : 0, secret, sizeof(secret),
	    &t);
	free(ids);
	if (r != 0)
		return api_store_fail(c, r);
	o = json_pack(
	    "{s:o,s:s}", "token", token_json(c, &t), "secret", secret);
	sodium_memzero(secret, sizeof(secret));
	store_token_clear(&t);
	return api_json(c, 201, o);
}

int
h_token_revoke(struct api_ctx *c)
{
	struct store_token t = {0};
	char target[40];
	long long id = 0;
	size_t i;
	int r;

	for (i = 0; c->param[0][i] != '\0'; i++) {
		if (c->param[0][i] < '0' || c->param[0][i] > '9' || i >= 18)
			return api_fail(
			    c, 404, "not_found", NULL, "no such token");
		id = id * 10 + (c->param[0][i] - '0');
	}
	r = store_token_get(c->s, id, &t);
	if (r == 0 && t.user_id != c->who.user_id &&
	    c->who.role != ROLE_MSP_ADMIN)
		r = RP_ERR_NOTFOUND;
	store_token_clear(&t);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such token");
	if (r != 0)
		return api_store_fail(c, r);
	snprintf(target, sizeof(target), "token:%lld", id);
	if ((r = store_begin(c->s)) != 0 ||
	    (r = store_token_revoke(c->s, id, c->rq->now)) != 0 ||
	    (r = api_audit_commit(c, "token.revoke", "", target, "ok", NULL)) !=
		0)
		return api_store_fail(c, r);
	return api_no_content(c);
}
