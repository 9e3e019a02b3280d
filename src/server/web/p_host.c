/*
 * Machines: the list with search and filters (customer, OS, software
 * and version, verdict, state), paginated for tens of thousands of
 * hosts, and one machine: its facts, software (searchable), findings
 * with their history, detections, quarantined files (with restore) and
 * jobs; on a gateway, applying, removing and verifying the customer's
 * blocklist (confirmed on a page of its own, then POSTed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "web_int.h"

#define HOSTS_PAGE "100"

static const char *const host_filters[] = {
    "q", "tenant", "os", "software", "version", "verdict", "state", NULL};

int
p_host_list(struct web_ctx *w)
{
	struct web_query q = {0};
	json_t *list = NULL, *tenants = NULL, *data, *f;
	size_t i;
	int st;

	web_q_add(&q, "limit", HOSTS_PAGE);
	for (i = 0; host_filters[i] != NULL; i++)
		web_q_add(&q, host_filters[i], web_arg(w, host_filters[i]));
	web_q_add(&q, "after", web_arg(w, "after"));
	st = web_api(w, "GET", "/api/v1/agents", q.v, NULL, NULL, 0, &list);
	(void)web_api(
	    w, "GET", "/api/v1/tenants", NULL, NULL, NULL, 0, &tenants);
	if ((f = json_object()) == NULL) {
		json_decref(list);
		json_decref(tenants);
		return RP_ERR_NOMEM;
	}
	for (i = 0; host_filters[i] != NULL; i++)
		json_object_set_new(f, host_filters[i],
		    json_string(web_arg(w, host_filters[i]) != NULL
			    ? web_arg(w, host_filters[i])
			    : ""));
	data = json_pack("{s:s,s:s,s:o,s:O*,s:O*,s:s?,s:O*}", "title",
	    web_tr(&w->loc, T_("Machines")), "nav", "hosts", "f", f, "items",
	    st == 200 ? json_object_get(list, "items") : NULL, "total",
	    json_object_get(list, "total"), "error",
	    st == 200 ? NULL : web_api_error(list), "tenants",
	    json_object_get(tenants, "items"));
	web_set_next(w, data, json_object_get(list, "next"), "q", "tenant",
	    "os", "software", "version", "verdict", "state", NULL);
	json_decref(list);
	json_decref(tenants);
	return web_page(w, st == 200 ? 200 : st == 0 ? 503 : st, "hosts", data);
}

/* GET path?query into data[key] (the answer's items when it has any). */
static void
fetch_into(struct web_ctx *w, json_t *data, const char *key, const char *path,
    const char *const *query)
{
	json_t *ans = NULL, *items;

	if (web_api(w, "GET", path, query, NULL, NULL, 0, &ans) == 200) {
		items = json_object_get(ans, "items");
		json_object_set(data, key, items != NULL ? items : ans);
	}
	json_decref(ans);
}

int
p_host(struct web_ctx *w)
{
	const char *id = w->param[0], *sq = web_arg(w, "software_q");
	struct web_query soft = {0};
	const char *fq[] = {"host", id, "status", "all", "limit", "200", NULL};
	const char *dq[] = {"host", id, "limit", "100", NULL};
	const char *qq[] = {"state", "all", "limit", "100", NULL};
	const char *jq[] = {"host", id, "limit", "50", NULL};
	json_t *agent = NULL, *data;
	char path[128];
	int st;

	if (!web_id_ok(id))
		return web_fail(w, 404, T_("There is no such page."), NULL);
	snprintf(path, sizeof(path), "/api/v1/agents/%s", id);
	if ((st = web_api(w, "GET", path, NULL, NULL, NULL, 0, &agent)) !=
	    200) {
		json_decref(agent);
		return web_fail(w, st == 404 ? 404 : 503,
		    T_("There is no such machine, or it is not yours to see."),
		    NULL);
	}
	data = json_pack("{s:O,s:s,s:o,s:s?,s:s?}", "title",
	    json_object_get(agent, "hostname"), "nav", "hosts", "host", agent,
	    "software_q", sq, "notice", web_notice(w));
	web_q_add(&soft, "limit", "200");
	web_q_add(&soft, "q", sq);
	snprintf(path, sizeof(path), "/api/v1/agents/%s/software", id);
	fetch_into(w, data, "software", path, soft.v);
	fetch_into(w, data, "findings", "/api/v1/findings", fq);
	fetch_into(w, data, "detections", "/api/v1/detections", dq);
	snprintf(path, sizeof(path), "/api/v1/agents/%s/quarantine", id);
	fetch_into(w, data, "quarantine", path, qq);
	fetch_into(w, data, "jobs", "/api/v1/jobs", jq);
	return web_page(w, 200, "host", data);
}

/* A job of type with args on this one host; to the host's page. */
static int
host_job(struct web_ctx *w, const char *type, json_t *args, const char *done)
{
	json_t *ans = NULL;
	int st;

	if (!web_id_ok(w->param[0]) || args == NULL) {
		json_decref(args);
		return web_fail(
		    w, 400, T_("The form could not be read."), NULL);
	}
	st = web_api_json(w, "POST", "/api/v1/jobs",
	    json_pack("{s:s,s:o,s:{s:s}}", "type", type, "args", args, "target",
		"host", w->param[0]),
	    &ans);
	if (st != 201) {
		st = web_fail(w, st == 0 ? 503 : st,
		    T_("The job could not be created."), web_api_error(ans));
		json_decref(ans);
		return st;
	}
	json_decref(ans);
	return web_redirect(w, "/hosts/%s?done=%s", w->param[0], done);
}

int
p_host_restore(struct web_ctx *w)
{
	return host_job(w, "restore",
	    json_pack("{s:s}", "entry", web_form_str(&w->form, "entry")),
	    "restore");
}

int
p_host_inventory(struct web_ctx *w)
{
	return host_job(w, "inventory", json_object(), "job");
}

/* The block actions: the job type each asks for, and whether it names
 * a blob built from the customer's indicators. */
static const struct {
	const char *action, *type;
	int blob;
} block_actions[] = {
    {"apply", "block-apply", 1},
    {"remove", "block-remove", 0},
    {"verify", "block-verify", 1},
};

static int
block_action(const char *a)
{
	size_t i;

	for (i = 0;
	     a != NULL && i < sizeof(block_actions) / sizeof(block_actions[0]);
	     i++)
		if (strcmp(a, block_actions[i].action) == 0)
			return (int)i;
	return -1;
}

/* The agent w->param[0] names into *agent (200), or the page saying
 * why not. */
static int
block_agent(struct web_ctx *w, json_t **agent)
{
	char path[128];
	int st;

	*agent = NULL;
	if (!WEB_CAN_ACT(w))
		return web_fail(w, 403, T_("Your role may not do this."), NULL);
	if (!web_id_ok(w->param[0]))
		return web_fail(w, 404, T_("There is no such page."), NULL);
	snprintf(path, sizeof(path), "/api/v1/agents/%s", w->param[0]);
	if ((st = web_api(w, "GET", path, NULL, NULL, NULL, 0, agent)) == 200)
		return 200;
	json_decref(*agent);
	*agent = NULL;
	return web_fail(w, st == 404 ? 404 : 503,
	    T_("There is no such machine, or it is not yours to see."), NULL);
}

/* GET /hosts/{id}/block?action=apply|remove|verify: what the job will
 * do, and the form that starts it. */
int
p_host_block_form(struct web_ctx *w)
{
	int a = block_action(web_arg(w, "action")), st;
	json_t *agent = NULL;

	if (a < 0)
		return web_fail(w, 404, T_("There is no such page."), NULL);
	if ((st = block_agent(w, &agent)) != 200)
		return st;
	return web_page(w, 200, "blockact",
	    json_pack("{s:O,s:s,s:o,s:s}", "title",
		json_object_get(agent, "hostname"), "nav", "hosts", "host",
		agent, "action", block_actions[a].action));
}

/* The blob of the agent's customer's indicators: its hash into sha. */
static int
indicator_blob(struct web_ctx *w, json_t *agent, char sha[65], json_t **ans)
{
	const char *t = json_string_value(json_object_get(agent, "tenant"));
	const char *h;
	char path[128];
	int st;

	if (t == NULL || strlen(t) > 64)
		return 0;
	snprintf(path, sizeof(path), "/api/v1/tenants/%s/blocklists", t);
	st = web_api_json(
	    w, "POST", path, json_pack("{s:s}", "from", "indicators"), ans);
	if (st != 200 && st != 201)
		return st;
	if ((h = json_string_value(json_object_get(*ans, "sha256"))) == NULL ||
	    strlen(h) != 64)
		return 0;
	memcpy(sha, h, 65);
	return 200;
}

/* POST /hosts/{id}/block: the job (for apply and verify, first the
 * blob); to the job's page. */
int
p_host_block(struct web_ctx *w)
{
	int a = block_action(web_form_str(&w->form, "action")), st;
	json_t *agent = NULL, *ans = NULL, *args;
	char sha[65], id[32];

	if (a < 0)
		return web_fail(
		    w, 400, T_("The form could not be read."), NULL);
	if ((st = block_agent(w, &agent)) != 200)
		return st;
	if (block_actions[a].blob &&
	    (st = indicator_blob(w, agent, sha, &ans)) != 200) {
		json_decref(agent);
		st = web_fail(w, st == 0 ? 503 : st,
		    T_("The blocklist could not be built from the customer's "
		       "indicators."),
		    web_api_error(ans));
		json_decref(ans);
		return st;
	}
	json_decref(agent);
	json_decref(ans);
	ans = NULL;
	args = block_actions[a].blob ? json_pack("{s:s}", "blocklist", sha)
				     : json_object();
	st = web_api_json(w, "POST", "/api/v1/jobs",
	    json_pack("{s:s,s:o,s:{s:s}}", "type", block_actions[a].type,
		"args", args, "target", "host", w->param[0]),
	    &ans);
	if (st != 201 ||
	    json_string_length(json_object_get(ans, "id")) >= sizeof(id)) {
		st = web_fail(w, st == 0 || st == 201 ? 503 : st,
		    T_("The job could not be created."), web_api_error(ans));
		json_decref(ans);
		return st;
	}
	snprintf(id, sizeof(id), "%s",
	    json_string_value(json_object_get(ans, "id")));
	json_decref(ans);
	if (!web_id_ok(id))
		return web_fail(
		    w, 503, T_("The job could not be created."), NULL);
	return web_redirect(w, "/jobs/%s?done=job", id);
}
