/*
 * Administration: customers (tenants) and their response policy, users
 * and roles, the user's API tokens, and agent enrolment tokens with the
 * commands that install and enrol an agent.  Secrets the API makes are
 * shown once, on the page that answers the form, and never again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/err.h"
#include "web_int.h"

/* Each tenant's enrolment tokens into its "enroll_tokens". */
static void
enroll_tokens(struct web_ctx *w, json_t *tenants)
{
	json_t *t, *ans;
	char path[128];
	size_t i;

	json_array_foreach(tenants, i, t)
	{
		snprintf(path, sizeof(path), "/api/v1/tenants/%s/enroll-tokens",
		    json_string_value(json_object_get(t, "slug")));
		ans = NULL;
		if (web_api(w, "GET", path, NULL, NULL, NULL, 0, &ans) == 200)
			json_object_set(
			    t, "enroll_tokens", json_object_get(ans, "items"));
		json_decref(ans);
	}
}

static int
admin_page(struct web_ctx *w, int status, const char *error)
{
	json_t *tenants = NULL, *users = NULL, *tokens = NULL, *data;

	(void)web_api(
	    w, "GET", "/api/v1/tenants", NULL, NULL, NULL, 0, &tenants);
	if (WEB_IS_ADMIN(w))
		(void)web_api(
		    w, "GET", "/api/v1/users", NULL, NULL, NULL, 0, &users);
	(void)web_api(w, "GET", "/api/v1/tokens", NULL, NULL, NULL, 0, &tokens);
	if (WEB_CAN_ACT(w))
		enroll_tokens(w, json_object_get(tenants, "items"));
	data = json_pack("{s:s,s:s,s:O*,s:O*,s:O*,s:s?,s:s?}", "title",
	    web_tr(&w->loc, T_("Administration")), "nav", "admin", "tenants",
	    json_object_get(tenants, "items"), "users",
	    json_object_get(users, "items"), "tokens",
	    json_object_get(tokens, "items"), "error", error, "notice",
	    web_notice(w));
	json_decref(tenants);
	json_decref(users);
	json_decref(tokens);
	return web_page(w, status, "admin", data);
}

int
p_admin(struct web_ctx *w)
{
	return admin_page(w, 200, NULL);
}

/* The API's answer to a form: on success to /admin (or the page of a
 * one-time secret), else the admin page with the API's words. */
static int
answered(struct web_ctx *w, int st, int want, json_t *ans)
{
	if (st != want) {
		st = admin_page(w, st == 0 ? 503 : st, web_api_error(ans));
		json_decref(ans);
		return st;
	}
	json_decref(ans);
	return web_redirect(w, "/admin?done=saved");
}

int
p_admin_tenant_create(struct web_ctx *w)
{
	json_t *ans = NULL;
	int st = web_api_json(w, "POST", "/api/v1/tenants",
	    json_pack("{s:s,s:s}", "slug", web_form_str(&w->form, "slug"),
		"name", web_form_str(&w->form, "name")),
	    &ans);

	return answered(w, st, 201, ans);
}

int
p_admin_tenant_update(struct web_ctx *w)
{
	json_t *ans = NULL;
	char path[128];
	int st;

	snprintf(path, sizeof(path), "/api/v1/tenants/%s", w->param[0]);
	st = web_api_json(w, "PATCH", path,
	    json_pack("{s:s}", "response", web_form_str(&w->form, "response")),
	    &ans);
	return answered(w, st, 200, ans);
}

/* A page with one-time secrets (taken), shown once. */
static int
secret_page(struct web_ctx *w, const char *what, json_t *secrets)
{
	return web_page(w, 201, "secret",
	    json_pack("{s:s,s:s,s:s,s:o}", "title", web_tr(&w->loc, what),
		"nav", "admin", "what", web_tr(&w->loc, what), "s", secrets));
}

/* The checked tenants of a form, as a JSON array of slugs. */
static json_t *
form_tenants(const struct web_form *f)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < f->n && a != NULL; i++)
		if (strcmp(f->v[i].name, "tenants") == 0)
			json_array_append_new(a, json_string(f->v[i].value));
	return a;
}

int
p_admin_user_create(struct web_ctx *w)
{
	json_t *ans = NULL, *tenants = form_tenants(&w->form);
	int st;

	st = web_api_json(w, "POST", "/api/v1/users",
	    json_pack("{s:s,s:s,s:s,s:o,s:b}", "name",
		web_form_str(&w->form, "name"), "display",
		web_form_str(&w->form, "display"), "role",
		web_form_str(&w->form, "role"), "tenants", tenants, "totp", 1),
	    &ans);
	if (st != 201)
		return answered(w, st, 201, ans);
	return secret_page(w, T_("The new user's first credentials"), ans);
}

int
p_admin_user_update(struct web_ctx *w)
{
	json_t *ans = NULL;
	char path[128];
	int st;

	snprintf(path, sizeof(path), "/api/v1/users/%s", w->param[0]);
	st = web_api_json(w, "PATCH", path,
	    json_pack("{s:s,s:b}", "role", web_form_str(&w->form, "role"),
		"disabled",
		strcmp(web_form_str(&w->form, "disabled"), "1") == 0),
	    &ans);
	return answered(w, st, 200, ans);
}

int
p_admin_token_create(struct web_ctx *w)
{
	json_t *ans = NULL, *tenants = form_tenants(&w->form);
	const char *days = web_form_str(&w->form, "expires_days");
	int st;

	if (json_array_size(tenants) == 0) {
		json_decref(tenants);
		tenants = NULL; /* the API's default: the owner's */
	}
	st = web_api_json(w, "POST", "/api/v1/tokens",
	    json_pack("{s:s,s:s,s:I,s:o*}", "name",
		web_form_str(&w->form, "name"), "role",
		web_form_str(&w->form, "role"), "expires_days",
		(json_int_t)(*days != '\0' ? strtol(days, NULL, 10) : 90),
		"tenants", tenants),
	    &ans);
	if (st != 201)
		return answered(w, st, 201, ans);
	return secret_page(w, T_("Your new API token"), ans);
}

/* DELETE of the API object prefix + the path's id; to /admin. */
static int
revoke(struct web_ctx *w, const char *prefix)
{
	json_t *ans = NULL;
	char path[96];
	int st;

	snprintf(path, sizeof(path), "%s%s", prefix, w->param[0]);
	st = web_api(w, "DELETE", path, NULL, NULL, NULL, 0, &ans);
	return answered(w, st, 204, ans);
}

int
p_admin_token_revoke(struct web_ctx *w)
{
	return revoke(w, "/api/v1/tokens/");
}

int
p_admin_enroll_revoke(struct web_ctx *w)
{
	return revoke(w, "/api/v1/enroll-tokens/");
}

/* The commands that install the agent's files and enrol it, per OS:
 * the token goes in on standard input, out of the process list. */
static json_t *
enrol_commands(struct web_ctx *w, const char *secret)
{
	char url[300], *linux_cmd, *mac_cmd;
	json_t *o;

	snprintf(url, sizeof(url), "https://%s",
	    w->rq->host != NULL ? w->rq->host : "SERVER:8443");
	linux_cmd =
	    rp_asprintf("sudo install -m 0755 rampart-agent /usr/local/bin/ && "
			"sudo install -m 0644 rampart-agent.service "
			"/etc/systemd/system/ && "
			"echo '%s' | sudo rampart-agent enroll %s - && "
			"sudo systemctl daemon-reload && "
			"sudo systemctl enable --now rampart-agent",
		secret, url);
	mac_cmd =
	    rp_asprintf("sudo install -m 0755 rampart-agent /usr/local/bin/ && "
			"echo '%s' | sudo rampart-agent enroll %s - && "
			"sudo rampart-agent run --state /var/lib/rampart-agent",
		secret, url);
	o = json_pack("{s:s?,s:s?,s:s?}", "debian", linux_cmd, "rhel",
	    linux_cmd, "macos", mac_cmd);
	if (linux_cmd != NULL)
		sodium_memzero(linux_cmd, strlen(linux_cmd));
	if (mac_cmd != NULL)
		sodium_memzero(mac_cmd, strlen(mac_cmd));
	free(linux_cmd);
	free(mac_cmd);
	return o;
}

int
p_admin_enroll_create(struct web_ctx *w)
{
	json_t *ans = NULL;
	const char *uses = web_form_str(&w->form, "uses");
	char path[128];
	int st;

	snprintf(path, sizeof(path), "/api/v1/tenants/%s/enroll-tokens",
	    web_form_str(&w->form, "tenant"));
	st = web_api_json(w, "POST", path,
	    json_pack("{s:s,s:I,s:I}", "name", web_form_str(&w->form, "name"),
		"uses",
		(json_int_t)(*uses != '\0' ? strtol(uses, NULL, 10) : 1),
		"expires_hours", (json_int_t)24),
	    &ans);
	if (st != 201)
		return answered(w, st, 201, ans);
	json_object_set_new(ans, "commands",
	    enrol_commands(
		w, json_string_value(json_object_get(ans, "secret")) ?: ""));
	return secret_page(w, T_("A new enrolment token"), ans);
}
