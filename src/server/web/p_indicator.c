/*
 * Indicators: the list with its search and filters and the import of a
 * file (MISP, STIX, CSV or list, advisory) with what the import did;
 * one indicator with the form that changes its mode, TLP and expiry, and
 * its deletion.  Everything goes through the JSON API, so what a user
 * may see and change is the API's word.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "web_int.h"

/* The indicator's id from the path into path ("/api/v1/indicators/ID"). */
static int
ind_path(struct web_ctx *w, char *path, size_t len)
{
	const char *p = w->param[0];
	size_t i;

	for (i = 0; p[i] != '\0'; i++)
		if (p[i] < '0' || p[i] > '9' || i > 17)
			return -1;
	snprintf(path, len, "/api/v1/indicators/%s", p);
	return i > 0 ? 0 : -1;
}

/* The list; result (taken) is what an import did, error and details
 * (taken) why one was refused. */
static int
list_page(struct web_ctx *w, int status, json_t *result, const char *error,
    json_t *details)
{
	static const char *const args[] = {
	    "q", "tenant", "type", "mode", "expired", "source"};
	struct web_query query = {0};
	json_t *list = NULL, *tenants = NULL, *data, *f = json_object();
	size_t i;
	int st;

	web_q_add(&query, "limit", "50");
	web_q_add(&query, "after", web_arg(w, "after"));
	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		web_q_add(&query, args[i], web_arg(w, args[i]));
		if (f != NULL && web_arg(w, args[i]) != NULL)
			json_object_set_new(
			    f, args[i], json_string(web_arg(w, args[i])));
	}
	st = web_api(
	    w, "GET", "/api/v1/indicators", query.v, NULL, NULL, 0, &list);
	if (st != 200) {
		json_decref(result);
		json_decref(details);
		json_decref(f);
		st = web_fail(w, st == 400 || st == 404 ? st : 503,
		    T_("The server cannot show this page right now."),
		    web_api_error(list));
		json_decref(list);
		return st;
	}
	(void)web_api(
	    w, "GET", "/api/v1/tenants", NULL, NULL, NULL, 0, &tenants);
	data = json_pack("{s:s,s:s,s:O,s:O*,s:o*,s:o*,s:s?,s:o*,s:O*}", "title",
	    web_tr(&w->loc, T_("Indicators")), "nav", "indicators", "items",
	    json_object_get(list, "items"), "total",
	    json_object_get(list, "total"), "f", f, "result", result, "error",
	    error, "details", details, "tenants",
	    json_object_get(tenants, "items"));
	web_set_next(w, data, json_object_get(list, "next"), "q", "tenant",
	    "type", "mode", "expired", "source", NULL);
	json_decref(list);
	json_decref(tenants);
	return web_page(w, status, "indicators", data);
}

int
p_indicator_list(struct web_ctx *w)
{
	return list_page(w, 200, NULL, NULL, NULL);
}

int
p_indicator_import(struct web_ctx *w)
{
	const struct web_field *file = web_form_get(&w->form, "file");
	const char *tenant = web_form_str(&w->form, "tenant");
	const char *query[] = {"source", web_form_str(&w->form, "source"),
	    "format", web_form_str(&w->form, "format"),
	    tenant[0] != '\0' ? "tenant" : NULL, tenant, NULL};
	json_t *ans = NULL, *det;
	int st;

	if (!WEB_CAN_ACT(w))
		return web_fail(w, 403, T_("Your role may not do this."), NULL);
	if (file == NULL || file->len == 0)
		return list_page(w, 400, NULL,
		    web_tr(&w->loc, T_("Choose a file to import.")), NULL);
	st = web_api(w, "POST", "/api/v1/indicators/import", query,
	    "application/octet-stream", file->value, file->len, &ans);
	if (st == 200)
		return list_page(w, 200, ans, NULL, NULL);
	det = json_object_get(json_object_get(ans, "error"), "details");
	json_incref(det);
	st = list_page(w, st == 0 ? 503 : st, NULL, web_api_error(ans), det);
	json_decref(ans);
	return st;
}

int
p_indicator(struct web_ctx *w)
{
	json_t *ind = NULL, *data;
	const char *exp;
	char path[64], day[11] = "";
	int st;

	if (ind_path(w, path, sizeof(path)) != 0)
		return web_fail(w, 404, T_("There is no such page."), NULL);
	if ((st = web_api(w, "GET", path, NULL, NULL, NULL, 0, &ind)) != 200) {
		json_decref(ind);
		return web_fail(w, st == 404 ? 404 : 503,
		    st == 404 ? T_("There is no such indicator, or it is not "
				   "yours to see.")
			      : T_("The server cannot show this page right "
				   "now."),
		    NULL);
	}
	/* the date input's value: YYYY-MM-DD of the expiry */
	exp = json_string_value(json_object_get(ind, "expires"));
	if (exp != NULL && strlen(exp) >= 10) {
		memcpy(day, exp, 10);
		day[10] = '\0';
	}
	data = json_pack("{s:s,s:s,s:O,s:s,s:s?}", "title",
	    web_tr(&w->loc, T_("Indicator")), "nav", "indicators", "ind", ind,
	    "expires_day", day, "notice", web_notice(w));
	json_decref(ind);
	return web_page(w, 200, "indicator", data);
}

/* A date input's YYYY-MM-DD as the API's time (midnight UTC) in out;
 * "" is never (JSON null).  -1 when it is no date. */
static int
day_time(const char *d, json_t **out)
{
	char t[32];
	int64_t s;

	*out = NULL;
	if (d[0] == '\0') {
		*out = json_null();
		return 0;
	}
	if (strlen(d) != 10)
		return -1;
	snprintf(t, sizeof(t), "%sT00:00:00Z", d);
	if (web_time_parse(t, &s) != 0)
		return -1;
	*out = json_string(t);
	return *out != NULL ? 0 : -1;
}

int
p_indicator_edit(struct web_ctx *w)
{
	const char *mode = web_form_str(&w->form, "mode");
	const char *tlp = web_form_str(&w->form, "tlp");
	json_t *body, *ans = NULL, *exp;
	char path[64];
	int st;

	if (ind_path(w, path, sizeof(path)) != 0)
		return web_fail(w, 404, T_("There is no such page."), NULL);
	if (day_time(web_form_str(&w->form, "expires"), &exp) != 0)
		return web_fail(w, 400, T_("The form could not be read."),
		    web_tr(&w->loc, T_("The expiry is not a date.")));
	body = json_pack("{s:o,s:s,s:o}", "mode",
	    strcmp(mode, "block") == 0 || strcmp(mode, "inform") == 0
		? json_string(mode)
		: json_null(),
	    "tlp", tlp, "expires", exp);
	st = web_api_json(w, "PATCH", path, body, &ans);
	if (st != 200) {
		st = web_fail(w, st == 0 ? 503 : st,
		    T_("The indicator could not be changed."),
		    web_api_error(ans));
		json_decref(ans);
		return st;
	}
	json_decref(ans);
	return web_redirect(w, "/indicators/%s?done=saved", w->param[0]);
}

int
p_indicator_delete(struct web_ctx *w)
{
	json_t *ans = NULL;
	char path[64];
	int st;

	if (ind_path(w, path, sizeof(path)) != 0)
		return web_fail(w, 404, T_("There is no such page."), NULL);
	st = web_api(w, "DELETE", path, NULL, NULL, NULL, 0, &ans);
	if (st != 204) {
		st = web_fail(w, st == 0 ? 503 : st,
		    T_("The indicator could not be deleted."),
		    web_api_error(ans));
		json_decref(ans);
		return st;
	}
	json_decref(ans);
	return web_redirect(w, "/indicators?done=deleted");
}
