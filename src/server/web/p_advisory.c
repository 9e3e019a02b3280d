/*
 * Advisories: the list with its import form, one advisory with the
 * hosts it affects across every tenant the user sees (reason and
 * remediation of each), and the two actions on those hosts -- sweep and
 * quarantine, collect inventory now -- each confirmed on a page that
 * says how many hosts it targets before anything is asked of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "web_int.h"

#define AFFECTED_PAGE "100"

/* The list with its import form; error and the refused import's failed
 * tests (details, taken) when an import was refused. */
static int
list_page(struct web_ctx *w, int status, const char *error, json_t *details)
{
	const char *q = web_arg(w, "q");
	struct web_query query = {0};
	json_t *list = NULL, *tenants = NULL, *data;
	int st;

	web_q_add(&query, "limit", "50");
	web_q_add(&query, "q", q);
	web_q_add(&query, "after", web_arg(w, "after"));
	st = web_api(
	    w, "GET", "/api/v1/advisories", query.v, NULL, NULL, 0, &list);
	if (st != 200) {
		json_decref(details);
		st = web_fail(w, st == 400 ? 400 : 503,
		    T_("The server cannot show this page right now."),
		    web_api_error(list));
		json_decref(list);
		return st;
	}
	if (WEB_CAN_ACT(w))
		(void)web_api(
		    w, "GET", "/api/v1/tenants", NULL, NULL, NULL, 0, &tenants);
	data = json_pack("{s:s,s:s,s:O,s:s?,s:s?,s:o*,s:O*}", "title",
	    web_tr(&w->loc, T_("Advisories")), "nav", "advisories", "items",
	    json_object_get(list, "items"), "q", q, "error", error, "details",
	    details, "tenants", json_object_get(tenants, "items"));
	web_set_next(w, data, json_object_get(list, "next"), "q", NULL);
	json_decref(list);
	json_decref(tenants);
	return web_page(w, status, "advisories", data);
}

int
p_advisory_list(struct web_ctx *w)
{
	return list_page(w, 200, NULL, NULL);
}

/* "a,b,c" of every field called name (tenant checkboxes) into out. */
static void
joined(const struct web_form *f, const char *name, char *out, size_t len)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].name, name) != 0 || f->v[i].value[0] == '\0')
			continue;
		o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%s%s",
		    o > 0 ? "," : "", f->v[i].value);
		if (o >= len) {
			out[0] = '\0';
			return;
		}
	}
}

int
p_advisory_import(struct web_ctx *w)
{
	const struct web_field *file = web_form_get(&w->form, "file");
	char tenants[2048];
	const char *query[] = {"tenants", tenants, NULL};
	json_t *ans = NULL, *det;
	int st;

	if (file == NULL || file->len == 0)
		return list_page(w, 400,
		    web_tr(&w->loc, T_("Choose an advisory file to import.")),
		    NULL);
	joined(&w->form, "tenants", tenants, sizeof(tenants));
	if (tenants[0] == '\0')
		query[0] = NULL;
	st = web_api(w, "POST", "/api/v1/advisories", query, "application/json",
	    file->value, file->len, &ans);
	if (st == 200 || st == 201) {
		json_int_t id = json_integer_value(json_object_get(ans, "id"));

		json_decref(ans);
		return web_redirect(
		    w, "/advisories/%lld?done=imported", (long long)id);
	}
	det = json_object_get(json_object_get(ans, "error"), "details");
	json_incref(det);
	st = list_page(w, st == 0 ? 503 : st, web_api_error(ans), det);
	json_decref(ans);
	return st;
}

/* The advisory's id from the path, checked to be a number. */
static int
adv_id(struct web_ctx *w, char *path, size_t len, const char *suffix)
{
	const char *p = w->param[0];
	size_t i;

	for (i = 0; p[i] != '\0'; i++)
		if (p[i] < '0' || p[i] > '9' || i > 17)
			return -1;
	snprintf(path, len, "/api/v1/advisories/%s%s", p, suffix);
	return i > 0 ? 0 : -1;
}

int
p_advisory(struct web_ctx *w)
{
	const char *cq[] = {"advisory", w->param[0], "status", "open", NULL};
	struct web_query fq = {0};
	json_t *adv = NULL, *hosts = NULL, *counts = NULL, *data;
	char path[96];
	int st;

	if (adv_id(w, path, sizeof(path), "") != 0)
		return web_fail(w, 404, T_("There is no such page."), NULL);
	web_q_add(&fq, "advisory", w->param[0]);
	web_q_add(&fq, "status", "open");
	web_q_add(&fq, "counts", "0"); /* the per-customer table has them */
	web_q_add(&fq, "limit", AFFECTED_PAGE);
	web_q_add(&fq, "after", web_arg(w, "after"));
	st = web_api(w, "GET", path, NULL, NULL, NULL, 0, &adv);
	if (st != 200) {
		json_decref(adv);
		return web_fail(w, st == 404 ? 404 : 503,
		    st == 404
			? T_("There is no such advisory, or it is not "
			     "yours to see.")
			: T_("The server cannot show this page right now."),
		    NULL);
	}
	json_object_del(adv, "document");
	(void)web_api(
	    w, "GET", "/api/v1/findings", fq.v, NULL, NULL, 0, &hosts);
	(void)web_api(
	    w, "GET", "/api/v1/findings/counts", cq, NULL, NULL, 0, &counts);
	data = json_pack("{s:O,s:s,s:O,s:O*,s:O*,s:O*,s:s?}", "title",
	    json_object_get(adv, "title"), "nav", "advisories", "adv", adv,
	    "findings", json_object_get(hosts, "items"), "total",
	    json_object_get(hosts, "total"), "counts", counts, "notice",
	    web_notice(w));
	web_set_next(w, data, json_object_get(hosts, "next"), NULL);
	json_decref(adv);
	json_decref(hosts);
	json_decref(counts);
	return web_page(w, 200, "advisory", data);
}

/* The arguments of a job of type on tenant's hosts: a sweep takes the
 * tenant's current rules bundle (and quarantines what matches); NULL
 * when the tenant has none (nothing to sweep for). */
static json_t *
act_args(struct web_ctx *w, const char *type, const char *tenant)
{
	json_t *b = NULL, *args = NULL;
	char path[128];

	if (strcmp(type, "inventory") == 0)
		return json_object();
	snprintf(path, sizeof(path), "/api/v1/tenants/%s/bundle", tenant);
	if (web_api(w, "GET", path, NULL, NULL, NULL, 0, &b) == 200 &&
	    json_is_string(json_object_get(b, "sha256")))
		args = json_pack("{s:O,s:b,s:b}", "bundle",
		    json_object_get(b, "sha256"), "quarantine", 1, "terminate",
		    1);
	json_decref(b);
	return args;
}

/* The job request for type on the hosts of tenant with an open finding
 * of the advisory; dry_run asks only how many and whether a second
 * user must approve. */
static int
act_request(struct web_ctx *w, const char *type, const char *tenant,
    int dry_run, json_t **ans)
{
	json_t *args = act_args(w, type, tenant);

	*ans = NULL;
	if (args == NULL)
		return -1;
	return web_api_json(w, "POST", "/api/v1/jobs",
	    json_pack("{s:s,s:o,s:{s:I,s:s},s:b}", "type", type, "args", args,
		"target", "advisory",
		(json_int_t)strtoll(w->param[0], NULL, 10), "tenant", tenant,
		"dry_run", dry_run),
	    ans);
}

static const char *
act_type(const char *t)
{
	if (t != NULL && strcmp(t, "sweep") == 0)
		return "sweep";
	if (t != NULL && strcmp(t, "inventory") == 0)
		return "inventory";
	return NULL;
}

/* Per tenant with open findings of the advisory: how many hosts the
 * job would reach, whether it waits for approval, or why it cannot. */
static json_t *
act_preview(struct web_ctx *w, const char *type, json_t *counts)
{
	json_t *rows = json_array(), *t, *ans;
	size_t i;
	int st;

	json_array_foreach(json_object_get(counts, "tenants"), i, t)
	{
		const char *slug =
		    json_string_value(json_object_get(t, "tenant"));

		if (slug == NULL)
			continue;
		st = act_request(w, type, slug, 1, &ans);
		json_array_append_new(rows,
		    json_pack("{s:s,s:O*,s:O*,s:s?}", "tenant", slug, "targets",
			st == 200 ? json_object_get(ans, "targets") : NULL,
			"needs_approval",
			st == 200 ? json_object_get(ans, "needs_approval")
				  : NULL,
			"problem",
			st == -1	? web_tr(&w->loc,
					      T_("no rules bundle to sweep "
							"with"))
			    : st != 200 ? web_api_error(ans)
					: NULL));
		json_decref(ans);
	}
	return rows;
}

int
p_advisory_act_form(struct web_ctx *w)
{
	const char *type = act_type(web_arg(w, "type"));
	const char *cq[] = {"advisory", w->param[0], "status", "open", NULL};
	json_t *adv = NULL, *counts = NULL, *data;
	char path[96];
	int st;

	if (!WEB_CAN_ACT(w))
		return web_fail(w, 403, T_("Your role may not do this."), NULL);
	if (type == NULL || adv_id(w, path, sizeof(path), "") != 0)
		return web_fail(w, 404, T_("There is no such page."), NULL);
	if ((st = web_api(w, "GET", path, NULL, NULL, NULL, 0, &adv)) != 200) {
		json_decref(adv);
		return web_fail(w, 404,
		    T_("There is no such advisory, or it is not yours to see."),
		    NULL);
	}
	(void)web_api(
	    w, "GET", "/api/v1/findings/counts", cq, NULL, NULL, 0, &counts);
	data = json_pack("{s:O,s:s,s:{s:O,s:O},s:s,s:o}", "title",
	    json_object_get(adv, "title"), "nav", "advisories", "adv", "id",
	    json_object_get(adv, "id"), "title", json_object_get(adv, "title"),
	    "type", type, "rows", act_preview(w, type, counts));
	json_decref(adv);
	json_decref(counts);
	return web_page(w, 200, "act", data);
}

int
p_advisory_act(struct web_ctx *w)
{
	const char *type = act_type(web_form_str(&w->form, "type"));
	json_t *ans, *made = json_array(), *fails = json_array(), *data;
	size_t i;
	int st, refused = 409;

	if (type == NULL || made == NULL || fails == NULL) {
		json_decref(made);
		json_decref(fails);
		return web_fail(
		    w, 400, T_("The form could not be read."), NULL);
	}
	for (i = 0; i < w->form.n; i++) {
		const char *slug = w->form.v[i].value;

		if (strcmp(w->form.v[i].name, "tenant") != 0)
			continue;
		st = act_request(w, type, slug, 0, &ans);
		if (st == 401 || st == 403)
			refused = st; /* the API's word on who may act */
		if (st == 201)
			json_array_append(made, ans);
		else
			json_array_append_new(fails,
			    json_pack("{s:s,s:s}", "tenant", slug, "problem",
				st == -1 ? web_tr(&w->loc,
					       T_("no rules bundle to sweep "
						  "with"))
					 : web_api_error(ans)));
		json_decref(ans);
	}
	if (json_array_size(fails) == 0 && json_array_size(made) == 1) {
		char id[32];

		snprintf(id, sizeof(id), "%s",
		    json_string_value(
			json_object_get(json_array_get(made, 0), "id")));
		json_decref(made);
		json_decref(fails);
		return web_redirect(w, "/jobs/%s?done=job", id);
	}
	data = json_pack("{s:s,s:s,s:o,s:o}", "title",
	    web_tr(&w->loc, T_("Jobs created")), "nav", "jobs", "made", made,
	    "fails", fails);
	return web_page(
	    w, json_array_size(fails) > 0 ? refused : 200, "acted", data);
}
