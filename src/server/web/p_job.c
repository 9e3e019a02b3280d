/*
 * Jobs: the list, one job with each host's state, reason and results
 * (a blocklist job's in words, block-verify's domains as a table), and
 * the approval of a job waiting for a second user; for the overview,
 * each customer's newest block verification.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "web_int.h"

int
p_job_list(struct web_ctx *w)
{
	struct web_query q = {0};
	json_t *list = NULL, *tenants = NULL, *data;
	int st;

	web_q_add(&q, "limit", "50");
	web_q_add(&q, "tenant", web_arg(w, "tenant"));
	web_q_add(&q, "after", web_arg(w, "after"));
	st = web_api(w, "GET", "/api/v1/jobs", q.v, NULL, NULL, 0, &list);
	(void)web_api(
	    w, "GET", "/api/v1/tenants", NULL, NULL, NULL, 0, &tenants);
	data = json_pack("{s:s,s:s,s:O*,s:s?,s:O*,s:s?,s:s?}", "title",
	    web_tr(&w->loc, T_("Jobs")), "nav", "jobs", "items",
	    st == 200 ? json_object_get(list, "items") : NULL, "error",
	    st == 200 ? NULL : web_api_error(list), "tenants",
	    json_object_get(tenants, "items"), "tenant", web_arg(w, "tenant"),
	    "notice", web_notice(w));
	web_set_next(w, data, json_object_get(list, "next"), "tenant", NULL);
	json_decref(list);
	json_decref(tenants);
	return web_page(w, st == 200 ? 200 : st == 0 ? 503 : st, "jobs", data);
}

/* The blocklist jobs' one result object under a name of its own
 * (applied, removed, verify), which job.html shows as sentences and,
 * for block-verify, a table of domains.  1 when h's results are so. */
static int
block_result(json_t *h, const char *type)
{
	static const char *const names[][2] = {{"block-apply", "applied"},
	    {"block-remove", "removed"}, {"block-verify", "verify"}};
	json_t *res = json_object_get(h, "results");
	size_t i;

	if (type == NULL || json_array_size(res) != 1 ||
	    !json_is_object(json_array_get(res, 0)))
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(type, names[i][0]) == 0)
			return json_object_set(
				   h, names[i][1], json_array_get(res, 0)) == 0;
	return 0;
}

/* Each host's results as lines of compact JSON: data stays data, shown
 * as text; a blocklist job's as block_result has them. */
static void
results_as_text(json_t *hosts, const char *type)
{
	json_t *h, *r, *lines;
	size_t i, k;
	char *s;

	json_array_foreach(hosts, i, h)
	{
		if (block_result(h, type))
			continue;
		if ((lines = json_array()) == NULL)
			return;
		json_array_foreach(json_object_get(h, "results"), k, r)
		{
			if ((s = json_dumps(
				 r, JSON_COMPACT | JSON_ENCODE_ANY)) != NULL)
				json_array_append_new(lines, json_string(s));
			free(s);
		}
		json_object_set_new(h, "result_lines", lines);
	}
}

int
p_job(struct web_ctx *w)
{
	const char *hq[] = {"limit", "500", NULL};
	json_t *job = NULL, *hosts = NULL, *data;
	char path[96];
	const char *me, *by;
	int st;

	if (!web_id_ok(w->param[0]))
		return web_fail(w, 404, T_("There is no such page."), NULL);
	snprintf(path, sizeof(path), "/api/v1/jobs/%s", w->param[0]);
	if ((st = web_api(w, "GET", path, NULL, NULL, NULL, 0, &job)) != 200) {
		json_decref(job);
		return web_fail(w, st == 404 ? 404 : 503,
		    T_("There is no such job, or it is not yours to see."),
		    NULL);
	}
	snprintf(path, sizeof(path), "/api/v1/jobs/%s/hosts", w->param[0]);
	(void)web_api(w, "GET", path, hq, NULL, NULL, 0, &hosts);
	results_as_text(json_object_get(hosts, "items"),
	    json_string_value(json_object_get(job, "type")));
	me = json_string_value(
	    json_object_get(json_object_get(w->me, "user"), "name"));
	by = json_string_value(json_object_get(job, "created_by"));
	data = json_pack("{s:s,s:s,s:O,s:O*,s:b,s:s?,s:O*}", "title",
	    web_tr(&w->loc, T_("Job")), "nav", "jobs", "job", job, "hosts",
	    json_object_get(hosts, "items"), "may_approve",
	    WEB_CAN_ACT(w) && me != NULL && by != NULL &&
		strcmp(json_string_value(json_object_get(job, "state")) ?: "",
		    "awaiting_approval") == 0 &&
		strcmp(by, me) != 0,
	    "notice", web_notice(w), "more", json_object_get(hosts, "next"));
	json_decref(job);
	json_decref(hosts);
	return web_page(w, 200, "job", data);
}

int
p_job_approve(struct web_ctx *w)
{
	json_t *ans = NULL;
	char path[96];
	int st;

	if (!web_id_ok(w->param[0]))
		return web_fail(w, 404, T_("There is no such page."), NULL);
	snprintf(path, sizeof(path), "/api/v1/jobs/%s/approve", w->param[0]);
	st = web_api_json(w, "POST", path, json_object(), &ans);
	if (st != 200) {
		st = web_fail(w, st == 0 ? 503 : st,
		    T_("The job could not be approved."), web_api_error(ans));
		json_decref(ans);
		return st;
	}
	json_decref(ans);
	return web_redirect(w, "/jobs/%s?done=approved", w->param[0]);
}

/* The host of a job's hosts that reported done last: its block-verify
 * counts and when, or NULL. */
static json_t *
newest_done(json_t *hosts)
{
	json_t *h, *best = NULL;
	size_t i;

	json_array_foreach(hosts, i, h)
	{
		const char *st = json_string_value(json_object_get(h, "state"));
		json_t *res = json_array_get(json_object_get(h, "results"), 0);
		const char *at, *bat;

		if (st == NULL || strcmp(st, "done") != 0 ||
		    !json_is_object(json_object_get(res, "counts")))
			continue;
		at = json_string_value(json_object_get(h, "updated_at"));
		bat = best
		    ? json_string_value(json_object_get(best, "updated_at"))
		    : NULL;
		/* RFC 3339 UTC times of one format order as text */
		if (best == NULL ||
		    (at != NULL && bat != NULL && strcmp(at, bat) > 0))
			best = h;
	}
	return best;
}

/* Sets the tenant slug's "verified" in tenants to job id's host h. */
static void
set_verified(json_t *tenants, const char *slug, const char *id, json_t *h)
{
	json_t *res = json_array_get(json_object_get(h, "results"), 0), *t;
	size_t k;

	json_array_foreach(tenants, k, t)
	{
		const char *ts = json_string_value(json_object_get(t, "slug"));

		if (ts == NULL || strcmp(ts, slug) != 0)
			continue;
		json_object_set_new(t, "verified",
		    json_pack("{s:s,s:O,s:O,s:O,s:O}", "job", id, "agent",
			json_object_get(h, "agent"), "hostname",
			json_object_get(h, "hostname"), "at",
			json_object_get(h, "updated_at"), "counts",
			json_object_get(res, "counts")));
	}
}

void
web_block_verified(struct web_ctx *w, json_t *tenants)
{
	static const char *const lq[] = {
	    "latest", "block-verify", "limit", "500", NULL};
	static const char *const hq[] = {"limit", "500", NULL};
	json_t *jobs = NULL, *j, *hosts, *h;
	const char *slug, *id;
	char path[96];
	size_t i;

	if (web_api(w, "GET", "/api/v1/jobs", lq, NULL, NULL, 0, &jobs) !=
	    200) {
		json_decref(jobs);
		return;
	}
	json_array_foreach(json_object_get(jobs, "items"), i, j)
	{
		slug = json_string_value(json_object_get(j, "tenant"));
		id = json_string_value(json_object_get(j, "id"));
		if (slug == NULL || id == NULL || !web_id_ok(id))
			continue;
		snprintf(path, sizeof(path), "/api/v1/jobs/%s/hosts", id);
		hosts = NULL;
		if (web_api(w, "GET", path, hq, NULL, NULL, 0, &hosts) == 200 &&
		    (h = newest_done(json_object_get(hosts, "items"))) != NULL)
			set_verified(tenants, slug, id, h);
		json_decref(hosts);
	}
	json_decref(jobs);
}
