/*
 * The user's own account: language and time zone, the second factor
 * (a new TOTP secret shown as a QR code, taken only with the password
 * and a code from the app, through POST /api/v1/me/totp) and the
 * password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "util/err.h"
#include "web_int.h"

static int
account_page(struct web_ctx *w, int status, const char *error)
{
	char secret[64], uri[256];
	const char *name = json_string_value(
	    json_object_get(json_object_get(w->me, "user"), "name"));
	json_t *data;

	/* a new secret for every showing: it is taken only when the user
	 * proves with a code that the app holds it */
	auth_totp_secret_new(secret, sizeof(secret));
	if (auth_totp_uri(name != NULL ? name : "", secret, uri, sizeof(uri)) !=
	    0)
		return RP_ERR_NOMEM;
	data = json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s?,s:o}", "title",
	    web_tr(&w->loc, T_("Your account")), "nav", "account", "new_secret",
	    secret, "new_uri", uri, "error", error, "notice", web_notice(w),
	    "zones", web_zones());
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(uri, sizeof(uri));
	return web_page(w, status, "account", data);
}

int
p_account(struct web_ctx *w)
{
	return account_page(w, 200, NULL);
}

int
p_account_prefs(struct web_ctx *w)
{
	json_t *ans = NULL;
	int st;

	st = web_api_json(w, "PATCH", "/api/v1/me",
	    json_pack("{s:s,s:s}", "lang", web_form_str(&w->form, "lang"), "tz",
		web_form_str(&w->form, "tz")),
	    &ans);
	if (st != 200) {
		st = account_page(w, st == 0 ? 503 : st, web_api_error(ans));
		json_decref(ans);
		return st;
	}
	json_decref(ans);
	return web_redirect(w, "/account?done=saved");
}

int
p_account_totp(struct web_ctx *w)
{
	json_t *ans = NULL;
	int st;

	st = web_api_json(w, "POST", "/api/v1/me/totp",
	    json_pack("{s:s,s:s,s:s}", "password",
		web_form_str(&w->form, "password"), "secret",
		web_form_str(&w->form, "secret"), "code",
		web_form_str(&w->form, "code")),
	    &ans);
	if (st != 200) {
		st = account_page(w, st == 0 ? 503 : st,
		    st == 403 ? web_tr(&w->loc, T_("The password is wrong."))
			: st == 400 ? web_tr(&w->loc,
					  T_("The code does not match. Scan "
					     "the new code and try again."))
				    : web_api_error(ans));
		json_decref(ans);
		return st;
	}
	json_decref(ans);
	return web_redirect(w, "/account?done=totp");
}

int
p_account_password(struct web_ctx *w)
{
	json_t *ans = NULL;
	int st;

	if (strcmp(web_form_str(&w->form, "new_password"),
		web_form_str(&w->form, "again")) != 0)
		return account_page(
		    w, 400, web_tr(&w->loc, T_("The new passwords differ.")));
	st = web_api_json(w, "POST", "/api/v1/me/password",
	    json_pack("{s:s,s:s}", "password",
		web_form_str(&w->form, "password"), "new_password",
		web_form_str(&w->form, "new_password")),
	    &ans);
	if (st != 204) {
		st = account_page(w, st == 0 ? 503 : st, web_api_error(ans));
		json_decref(ans);
		return st;
	}
	json_decref(ans);
	/* every session of the user has ended, this one too */
	return web_redirect(w, "/login");
}
