/*
 * The caller's own settings: language and time zone (an msp-admin sets
 * them for another user through api_prefs), and a new TOTP secret the
 * caller enrols.  Both only from a login session, as a password change:
 * a token acts for its owner, it does not speak for them.  Time zones
 * are checked against ICU's zone data and stored under ICU's canonical
 * name, so one zone has one name (US/Pacific is America/Los_Angeles).
 * The password, secret and code of an enrolment are wiped from the
 * parsed body once used, whatever the outcome.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <unicode/ucal.h>

#include "api_int.h"
#include "util/ascii.h"
#include "util/err.h"

/* The languages of the web UI. */
static const char *const langs[] = {"en", "de", NULL};

/* A TOTP secret as auth_totp_secret_new makes it: 160 bits in base32. */
#define TOTP_SECRET_LEN 32

/* The canonical ICU ID of the IANA zone name into out (API_TZ_MAX
 * bytes); RP_ERR_INVALID for a name ICU does not know as a zone (custom
 * offsets such as "GMT+5" included). */
static int
tz_canonical(const char *name, char out[API_TZ_MAX])
{
	UChar in[API_TZ_MAX], res[API_TZ_MAX];
	UErrorCode st = U_ZERO_ERROR;
	UBool sys = 0;
	size_t i, n = strlen(name);
	int32_t m;

	if (n == 0 || n >= API_TZ_MAX)
		return RP_ERR_INVALID;
	for (i = 0; i < n; i++) {
		if (!rp_isalnum(name[i]) && name[i] != '/' && name[i] != '_' &&
		    name[i] != '+' && name[i] != '-')
			return RP_ERR_INVALID;
		in[i] = (UChar)name[i];
	}
	m = ucal_getCanonicalTimeZoneID(
	    in, (int32_t)n, res, API_TZ_MAX, &sys, &st);
	if (U_FAILURE(st) || !sys || m <= 0 || m >= API_TZ_MAX)
		return RP_ERR_INVALID;
	for (i = 0; i < (size_t)m; i++) {
		if (res[i] <= ' ' || res[i] > '~')
			return RP_ERR_INVALID;
		out[i] = (char)res[i];
	}
	out[m] = '\0';
	return 0;
}

int
api_prefs(struct api_ctx *c, const char **lang, char tz[API_TZ_MAX])
{
	const char *l = NULL, *z = NULL;
	size_t i;

	*lang = NULL;
	tz[0] = '\0';
	if (api_str(c, "lang", 0, 8, &l) < 0 ||
	    api_str(c, "tz", 0, 256, &z) < 0)
		return -1;
	for (i = 0; l != NULL && langs[i] != NULL; i++)
		if (strcmp(l, langs[i]) == 0)
			break;
	if (l != NULL && langs[i] == NULL)
		return api_fail(c, 400, "invalid_field", "/lang",
		    "lang: expected en or de");
	if (z != NULL && tz_canonical(z, tz) != 0)
		return api_fail(c, 400, "invalid_field", "/tz",
		    "tz: '%.64s' is not a time zone (expected an IANA name "
		    "such as Europe/Berlin)",
		    z);
	*lang = l;
	return 0;
}

json_t *
api_prefs_detail(const char *lang, const char *tz)
{
	json_t *d = json_object();

	if (d != NULL && lang != NULL)
		json_object_set_new(d, "lang", json_string(lang));
	if (d != NULL && tz[0] != '\0')
		json_object_set_new(d, "tz", json_string(tz));
	return d;
}

static int
session_only(struct api_ctx *c, const char *what)
{
	if (c->who.kind == AUTH_SESSION)
		return 0;
	return api_fail(c, 403, "forbidden", NULL,
	    "%s from a login session, not a token", what);
}

/* Answers 200 with the caller as stored now. */
static int
me_answer(struct api_ctx *c)
{
	struct store_user u = {0};
	int r;

	if ((r = store_user_get(c->s, c->who.user_id, &u)) != 0)
		return api_store_fail(c, r);
	r = api_json(c, 200, api_user_json(c, &u));
	store_user_clear(&u);
	return r;
}

int
h_me_update(struct api_ctx *c)
{
	static const char *const keys[] = {"lang", "tz", NULL};
	const char *lang;
	char tz[API_TZ_MAX];
	int r;

	if (session_only(c, "settings are changed") < 0 ||
	    api_keys_only(c, keys) < 0 || api_prefs(c, &lang, tz) < 0)
		return -1;
	if (lang == NULL && tz[0] == '\0')
		return me_answer(c);
	if ((r = store_begin(c->s)) != 0)
		return api_store_fail(c, r);
	if ((r = store_user_set_prefs(
		 c->s, c->who.user_id, lang, tz[0] != '\0' ? tz : NULL)) != 0 ||
	    (r = api_audit_commit(c, "user.prefs", "", c->who.user, "ok",
		 api_prefs_detail(lang, tz))) != 0)
		return api_store_fail(c, r);
	return me_answer(c);
}

/* Whether s is a secret auth_totp_secret_new could have made. */
static int
totp_secret_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!rp_isupper(s[i]) && !(s[i] >= '2' && s[i] <= '7'))
			return 0;
	return i == TOTP_SECRET_LEN;
}

/* Wipes the string values of the body that carry secrets. */
static void
wipe_body(struct api_ctx *c)
{
	static const char *const secret[] = {"password", "secret", "code"};
	json_t *v;
	size_t i;

	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
		v = json_object_get(c->body, secret[i]);
		if (json_is_string(v))
			sodium_memzero((char *)json_string_value(v),
			    json_string_length(v));
	}
}

/* Replaces the secret and ends the user's other sessions, audited. */
static int
totp_replace(struct api_ctx *c, const char *secret, int64_t step)
{
	int r;

	if ((r = store_begin(c->s)) != 0)
		return r;
	if ((r = store_user_set_totp(c->s, c->who.user_id, secret, step)) !=
		0 ||
	    (r = store_session_delete_others(
		 c->s, c->who.user_id, c->who.session_id)) != 0 ||
	    (r = api_audit_commit(
		 c, "user.totp", "", c->who.label, "ok", NULL)) != 0)
		store_rollback(c->s);
	return r;
}

/*
 * A new TOTP secret the client made (and showed as a QR code): the
 * current password proves the caller, the current code proves the
 * authenticator app has the secret.  Every other session of the user
 * ends; this one stays.
 */
int
h_me_totp(struct api_ctx *c)
{
	static const char *const keys[] = {"password", "secret", "code", NULL};
	struct store_user u = {0};
	const char *pw, *secret, *code;
	int64_t step;
	int r = -1;

	if (session_only(c, "TOTP is enrolled") < 0 ||
	    api_keys_only(c, keys) < 0 ||
	    api_str(c, "password", 1, 1024, &pw) < 0 ||
	    api_str(c, "secret", 1, 64, &secret) < 0 ||
	    api_str(c, "code", 1, 16, &code) < 0)
		goto out;
	if (!totp_secret_ok(secret)) {
		api_fail(c, 400, "invalid_field", "/secret",
		    "secret: expected %d base32 characters (A-Z, 2-7): "
		    "160 random bits",
		    TOTP_SECRET_LEN);
		goto out;
	}
	if ((r = store_user_get(c->s, c->who.user_id, &u)) != 0) {
		r = api_store_fail(c, r);
		goto out;
	}
	if ((r = api_reauth(c, &u, pw, "user.totp")) < 0)
		goto out;
	if ((step = auth_totp_check(secret, code, c->rq->now)) < 0) {
		(void)api_audit_now(c, "user.totp", "", c->who.label, "failed",
		    json_pack("{s:s}", "reason", "code"));
		r = api_fail(c, 400, "invalid_field", "/code",
		    "code: not the current code of this secret (is the "
		    "device's clock right?)");
		goto out;
	}
	if ((r = totp_replace(c, secret, step)) != 0) {
		r = api_store_fail(c, r);
		goto out;
	}
	r = me_answer(c);
out:
	wipe_body(c);
	store_user_clear(&u);
	return r;
}
