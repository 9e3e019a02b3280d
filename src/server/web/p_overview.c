/*
 * The overview: per tenant, its machines (online, stale), its open
 * findings by verdict, whether its blocklist feeds were fetched with
 * the newest indicators, and the jobs still running; then the open
 * findings by advisory, and each customer's newest block verification.  One page a technician opens first.
 */
#include <string.h>

#include "util/err.h"
#include "web_int.h"

/* The member of list (an array of objects) whose key is value. */
static json_t *
find_by(json_t *list, const char *key, const char *value)
{
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e)
	{
		const char *v = json_string_value(json_object_get(e, key));

		if (v != NULL && value != NULL && strcmp(v, value) == 0)
			return e;
	}
	return NULL;
}

/* Jobs with hosts still to report: pending, queued, delivered, running. */
static json_t *
running_jobs(json_t *jobs)
{
	static const char *const busy[] = {
	    "pending", "queued", "delivered", "running"};
	json_t *out = json_array(), *j, *h;
	json_int_t left;
	size_t i, k;

	json_array_foreach(json_object_get(jobs, "items"), i, j)
	{
		h = json_object_get(j, "hosts");
		for (left = 0, k = 0; k < 4; k++)
			left += json_integer_value(json_object_get(h, busy[k]));
		if (left > 0 ||
		    strcmp(json_string_value(json_object_get(j, "state")) ?: "",
			"awaiting_approval") == 0) {
			json_object_set_new(j, "left", json_integer(left));
			json_array_append(out, j);
		}
	}
	return out;
}

/* Each advisory's open findings in all: the sum over its verdicts. */
static void
open_totals(json_t *advisories)
{
	json_t *a, *n;
	const char *k;
	json_int_t sum;
	size_t i;

	json_array_foreach(advisories, i, a)
	{
		sum = 0;
		json_object_foreach(json_object_get(a, "counts"), k, n) sum +=
		    json_integer_value(n);
		json_object_set_new(a, "open", json_integer(sum));
	}
}

/* Each tenant's hosts by verdict and agents online and stale. */
static void
per_tenant(json_t *tenants, json_t *counts, json_t *agents)
{
	const char *slug;
	json_t *t, *c;
	size_t i;

	json_array_foreach(tenants, i, t)
	{
		slug = json_string_value(json_object_get(t, "slug"));
		if ((c = find_by(json_object_get(counts, "tenants"), "tenant",
			 slug)) != NULL)
			json_object_set(
			    t, "hosts_by_verdict", json_object_get(c, "hosts"));
		if ((c = find_by(json_object_get(agents, "tenants"), "tenant",
			 slug)) != NULL)
			json_object_set(t, "agents", c);
	}
}

int
p_overview(struct web_ctx *w)
{
	static const char *const q_jobs[] = {"limit", "100", NULL};
	static const char *const q_adv[] = {"by", "advisory", NULL};
	static const char *const q_feeds[] = {"limit", "500", NULL};
	json_t *tenants = NULL, *counts = NULL, *agents = NULL, *jobs = NULL;
	json_t *byadv = NULL, *feeds = NULL, *data;
	int st;

	st =
	    web_api(w, "GET", "/api/v1/tenants", NULL, NULL, NULL, 0, &tenants);
	if (st != 200) {
		json_decref(tenants);
		return web_fail(w, st ? st : 503,
		    T_("The server cannot show this page right now."), NULL);
	}
	(void)web_api(
	    w, "GET", "/api/v1/findings/counts", NULL, NULL, NULL, 0, &counts);
	(void)web_api(
	    w, "GET", "/api/v1/agents/counts", NULL, NULL, NULL, 0, &agents);
	(void)web_api(w, "GET", "/api/v1/jobs", q_jobs, NULL, NULL, 0, &jobs);
	(void)web_api(
	    w, "GET", "/api/v1/findings/counts", q_adv, NULL, NULL, 0, &byadv);
	(void)web_api(
	    w, "GET", "/api/v1/feeds", q_feeds, NULL, NULL, 0, &feeds);
	per_tenant(json_object_get(tenants, "items"), counts, agents);
	web_feed_summary(
	    json_object_get(tenants, "items"), json_object_get(feeds, "items"));
	web_block_verified(w, json_object_get(tenants, "items"));
	open_totals(json_object_get(byadv, "advisories"));
	data = json_pack("{s:s,s:s,s:O,s:o,s:O*}", "title",
	    web_tr(&w->loc, T_("Overview")), "nav", "overview", "tenants",
	    json_object_get(tenants, "items"), "jobs", running_jobs(jobs),
	    "advisories", json_object_get(byadv, "advisories"));
	json_decref(tenants);
	json_decref(counts);
	json_decref(agents);
	json_decref(jobs);
	json_decref(byadv);
	json_decref(feeds);
	return web_page(w, 200, "overview", data);
}
