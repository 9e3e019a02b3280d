/*
 * The first start: one msp-admin with random credentials, shown once.
 * There is no setup page or route that could be reached again later:
 * the store records that the bootstrap happened, and once it has (or
 * once any user exists) this does nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <sodium.h>

#include "api_int.h"
#include "util/err.h"

static int
bootstrap_audit(struct store *s, int64_t now)
{
	struct audit_entry e;
	struct tm tm;
	time_t t = (time_t)now;
	char b[32];

	memset(&e, 0, sizeof(e));
	gmtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(e.at, sizeof(e.at), "%s.000Z", b);
	e.actor = "system";
	e.address = "";
	e.action = "bootstrap";
	e.tenant = "";
	e.target = "user:admin";
	e.outcome = "ok";
	e.detail = "{\"role\":\"msp-admin\",\"totp\":true}";
	return store_audit_append(s, &e);
}

static int
bootstrap_done(struct store *s)
{
	struct store_page pg = {0, 1};
	struct store_user *v = NULL;
	size_t n = 0;
	char *val = NULL;
	int more = 0, r;

	r = store_meta_get(s, "bootstrap", &val);
	free(val);
	if (r == 0)
		return 1;
	if (r != RP_ERR_NOTFOUND)
		return r;
	if ((r = store_user_list(s, &pg, &v, &n, &more)) != 0)
		return r;
	store_users_free(v, n);
	return n > 0;
}

int
api_bootstrap(struct store *s, int64_t now, struct api_bootstrap *out)
{
	struct store_user u = {0};
	char hash[AUTH_HASH_MAX], when[24];
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = bootstrap_done(s)) != 0)
		return r == 1 ? RP_ERR_NOTFOUND : r;
	snprintf(out->user, sizeof(out->user), "admin");
	auth_password_new(out->password, 25);
	auth_totp_secret_new(out->totp_secret, sizeof(out->totp_secret));
	if ((r = auth_totp_uri(out->user, out->totp_secret, out->totp_uri,
		 sizeof(out->totp_uri))) != 0 ||
	    (r = auth_password_hash(out->password, hash)) != 0)
		goto fail;
	u.name = out->user;
	u.display = "bootstrap administrator";
	u.role = ROLE_MSP_ADMIN;
	u.pw_hash = hash;
	u.totp_secret = out->totp_secret;
	snprintf(when, sizeof(when), "%lld", (long long)now);
	if ((r = store_begin(s)) != 0)
		goto fail;
	if ((r = store_scope_new(s, &u.scope_id)) != 0 ||
	    (r = store_user_create(s, &u, &u.id)) != 0 ||
	    (r = store_meta_set(s, "bootstrap", when)) != 0 ||
	    (r = bootstrap_audit(s, now)) != 0 || (r = store_commit(s)) != 0) {
		store_rollback(s);
		goto fail;
	}
	sodium_memzero(hash, sizeof(hash));
	return 0;
fail:
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(out, sizeof(*out));
	return r;
}
