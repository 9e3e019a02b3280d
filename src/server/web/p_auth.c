/*
 * Logging in and out.  The form posts to the web UI, which logs in
 * through the API (POST /api/v1/login: throttling, TOTP, the audit log)
 * and passes its session cookie on.
 */
#include <string.h>

#include "util/err.h"
#include "web_int.h"

/* Where to go after logging in: a local path only, never another
 * site ("//host" and "/\\host" are other sites to a browser). */
static const char *
local_next(const char *next)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' ||
	    next[1] == '\\' || strpbrk(next, "\r\n") != NULL ||
	    strlen(next) > 512)
		return "/";
	return next;
}

static int
login_page(struct web_ctx *w, int status, const char *error)
{
	const char *next = web_form_str(&w->form, "next");

	if (*next == '\0' && web_arg(w, "next") != NULL)
		next = web_arg(w, "next");
	return web_page(w, status, "login",
	    json_pack("{s:s,s:s?,s:s,s:s}", "title",
		web_tr(&w->loc, T_("Log in")), "error", error, "next",
		local_next(next), "user", web_form_str(&w->form, "user")));
}

int
p_login_form(struct web_ctx *w)
{
	int r;

	if ((r = web_login_token(w, 0)) != 0)
		return r;
	return login_page(w, 200, NULL);
}

int
p_login(struct web_ctx *w)
{
	json_t *ans = NULL;
	const char *totp;
	int st, r;

	if ((r = web_login_token(w, 1)) != 0 || w->rs->status != 0)
		return r;
	totp = web_form_str(&w->form, "totp");
	st = web_api_json(w, "POST", "/api/v1/login",
	    json_pack("{s:s,s:s,s:s*}", "user", web_form_str(&w->form, "user"),
		"password", web_form_str(&w->form, "password"), "totp",
		*totp != '\0' ? totp : NULL),
	    &ans);
	json_decref(ans);
	if (st == 200)
		return web_redirect(
		    w, "%s", local_next(web_form_str(&w->form, "next")));
	/* a new form token for the next try */
	if ((r = web_login_token(w, 0)) != 0)
		return r;
	if (st == 429)
		return login_page(w, 429,
		    web_tr(&w->loc,
			T_("Too many failed logins. Wait a few "
			   "minutes and try again.")));
	if (st == 401 || st == 400)
		return login_page(w, 401,
		    web_tr(&w->loc, T_("Wrong user name, password or code.")));
	return web_fail(w, st != 0 ? st : 503,
	    T_("The server cannot log you in right now."), NULL);
}

int
p_logout(struct web_ctx *w)
{
	json_t *ans = NULL;

	(void)web_api(w, "POST", "/api/v1/logout", NULL, NULL, NULL, 0, &ans);
	json_decref(ans);
	return web_redirect(w, "/login");
}
