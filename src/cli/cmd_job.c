/*
 * rampart job list|show|create|approve: signed jobs on enrolled machines
 * (/api/v1/jobs, docs/jobs.md).  create asks for one job per --host, so
 * that each machine's job is signed, approved and reported on its own;
 * --from-indicators first has the server build the host's tenant's
 * blocklist blob from its indicators (POST /tenants/{t}/blocklists
 * {"from": "indicators"}) and names that blob.  show prints each host's
 * state and what its report says, block-verify's domains one per row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "remote.h"
#include "util/out.h"
#include "util/str.h"

enum {
	OPT_HOST = OPT_FIRST_OWN,
	OPT_STATE,
	OPT_BUNDLE,
	OPT_BLOCKLIST,
	OPT_FROM_IND,
	OPT_QUARANTINE,
	OPT_WAIT,
};

/* --wait asks the server this many times, one second apart. */
#define WAIT_POLLS 600
/* At most this many --host options. */
#define HOSTS_MAX 256

struct jopts {
	const char *host[HOSTS_MAX];
	size_t nhost;
	const char *state, *bundle, *blocklist;
	int from_ind, quarantine, wait;
};

static void
usage(FILE *f)
{
	fputs("usage: rampart job list [--host ID] [--state STATE] [--limit "
	      "N]\n"
	      "       rampart job show ID\n"
	      "       rampart job create TYPE --host ID... [--bundle SHA | "
	      "--blocklist SHA |\n"
	      "                          --from-indicators] [--quarantine] "
	      "[--wait]\n"
	      "       rampart job approve ID\n"
	      "\n"
	      "Jobs are signed orders to enrolled machines (docs/jobs.md): "
	      "inventory,\n"
	      "sweep, block-apply, block-remove, block-verify and more.  "
	      "create and\n"
	      "approve need a technician (an msp-admin for MSP-wide jobs).\n"
	      "\n"
	      "  list     the jobs of your tenants, newest first\n"
	      "  show     one job: its state, then each host's state, reason "
	      "and results;\n"
	      "           block-verify's domains one per row (blocked, open "
	      "or error,\n"
	      "           and how), block-apply's and block-remove's outcome\n"
	      "  create   one job of TYPE for each --host; a job on more "
	      "hosts than the\n"
	      "           approval threshold waits for 'approve'\n"
	      "  approve  a second user approves a job waiting for it (not "
	      "the one who\n"
	      "           asked); the server signs it then\n"
	      "\n"
	      "  --host ID          list: only the jobs on that host; "
	      "create: a target\n"
	      "                     host (repeat for more, one job each)\n"
	      "  --state STATE      list: only jobs in STATE (awaiting_"
	      "approval, active)\n"
	      "                     or with a host in STATE (pending, "
	      "queued, delivered,\n"
	      "                     running, done, failed, rejected, "
	      "expired)\n"
	      "  --bundle SHA       sweep: the rules bundle (hex SHA-256)\n"
	      "  --quarantine       sweep: quarantine what matches\n"
	      "  --blocklist SHA    block-apply, block-verify: the tenant's "
	      "blocklist blob\n"
	      "  --from-indicators  block-apply, block-verify: a blob the "
	      "server builds\n"
	      "                     now from the host's tenant's indicators "
	      "(what its\n"
	      "                     feeds serve, through the allowlist "
	      "guard)\n"
	      "  --wait             after create, ask the server every second "
	      "(at most\n"
	      "                     600 times) until every host has ended, "
	      "then show it\n"
	      "  --limit N          list: show at most N jobs (default: all)\n"
	      "\n" REMOTE_COMMON_HELP
	      "Exit 0; 1 when the server refuses, or with --wait when a host "
	      "failed,\n"
	      "was rejected, expired or had not ended; 2 on bad usage, 3 when "
	      "the server\n"
	      "cannot be reached or is not a Rampart server.\n",
	    f);
}

static const char *const job_states[] = {"awaiting_approval", "active", NULL};
static const char *const host_states[] = {"pending", "queued", "delivered",
    "running", "done", "failed", "rejected", "expired", NULL};

static int
in_list(const char *s, const char *const *v)
{
	for (; *v != NULL; v++)
		if (strcmp(s, *v) == 0)
			return 1;
	return 0;
}

/* "2 done, 1 failed": the hosts per state, those with any. */
static const char *
hosts_col(json_t *j, char *buf, size_t len)
{
	json_t *h = json_object_get(j, "hosts");
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; host_states[i] != NULL && used < len; i++) {
		json_int_t n =
		    json_integer_value(json_object_get(h, host_states[i]));
		if (n > 0)
			used += (size_t)snprintf(buf + used, len - used,
			    "%s%lld %s", used ? ", " : "", (long long)n,
			    host_states[i]);
	}
	return buf[0] != '\0' ? buf : "-";
}

static const char *
tenant_col(json_t *j, char *buf, size_t len)
{
	if (!json_is_string(json_object_get(j, "tenant")))
		return "(MSP-wide)";
	return remote_str(j, "tenant", buf, len);
}

static int
keep(json_t *j, const char *state)
{
	const char *s = json_string_value(json_object_get(j, "state"));
	json_t *hosts = json_object_get(j, "hosts");

	if (state == NULL)
		return 1;
	if (in_list(state, job_states))
		return s != NULL && strcmp(s, state) == 0;
	return json_integer_value(json_object_get(hosts, state)) > 0;
}

static int
list(struct remote *r, const struct remote_opts *o, const struct jopts *t)
{
	static const char *const heads[] = {
	    "ID", "TYPE", "TENANT", "STATE", "HOSTS", "CREATED", "BY"};
	json_t *items = NULL, *kept = json_array(), *j;
	struct table *tb = table_new(7, heads);
	char *q = NULL, *esc = NULL;
	size_t i;
	int rc = EXIT_USAGE;

	if (kept == NULL || tb == NULL ||
	    (t->nhost > 0 &&
		((esc = net_escape(t->host[0])) == NULL ||
		    (q = rp_asprintf("&host=%s", esc)) == NULL))) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		goto out;
	}
	/* --limit counts the jobs shown: with --state, after the filter */
	if ((rc = remote_list(r, "/api/v1/jobs", q ? q : "",
		 t->state != NULL ? 0 : o->limit, &items)) != 0)
		goto out;
	json_array_foreach(items, i, j)
	{
		if (keep(j, t->state) &&
		    (o->limit == 0 || (long)json_array_size(kept) < o->limit))
			json_array_append(kept, j);
	}
	if (o->json) {
		remote_print_json(kept);
		goto out;
	}
	json_array_foreach(kept, i, j)
	{
		char b[7][128];
		const char *cells[] = {remote_str(j, "id", b[0], sizeof(b[0])),
		    remote_str(j, "type", b[1], sizeof(b[1])),
		    tenant_col(j, b[2], sizeof(b[2])),
		    remote_str(j, "state", b[3], sizeof(b[3])),
		    hosts_col(j, b[4], sizeof(b[4])),
		    remote_str(j, "created_at", b[5], sizeof(b[5])),
		    remote_str(j, "created_by", b[6], sizeof(b[6]))};
		table_add(tb, cells);
	}
	if (json_array_size(kept) == 0)
		printf("no jobs\n");
	else
		table_print_fit(tb, stdout, remote_width());
out:
	table_free(tb);
	json_decref(items);
	json_decref(kept);
	free(esc);
	free(q);
	return rc;
}

/* block-verify's rows: DOMAIN VERDICT HOW (how, or the addresses). */
static void
print_verify(json_t *res)
{
	static const char *const heads[] = {"DOMAIN", "VERDICT", "HOW"};
	struct table *tb = table_new(3, heads);
	json_t *row, *c = json_object_get(res, "counts");
	size_t i;
	char b[5][32], rs[256];

	printf("    %s blocked, %s open, %s error; %s of %s domains checked "
	       "through ",
	    remote_str(c, "blocked", b[0], sizeof(b[0])),
	    remote_str(c, "open", b[1], sizeof(b[1])),
	    remote_str(c, "error", b[2], sizeof(b[2])),
	    remote_str(res, "checked", b[3], sizeof(b[3])),
	    remote_str(res, "domains", b[4], sizeof(b[4])));
	out_text(stdout, remote_str(res, "resolver", rs, sizeof(rs)), 200, 0);
	printf("\n");
	if (json_is_true(json_object_get(res, "resolver_down")))
		printf("    the resolver stopped answering: the rest were "
		       "not asked\n");
	if (json_is_true(json_object_get(res, "truncated")))
		printf("    only the first %s domains were checked\n",
		    remote_str(res, "limit", b[0], sizeof(b[0])));
	if (tb == NULL)
		return;
	json_array_foreach(json_object_get(res, "rows"), i, row)
	{
		char d[256], s[32], h[256];
		const char *cells[3] = {remote_str(row, "domain", d, sizeof(d)),
		    remote_str(row, "state", s, sizeof(s)), NULL};
		if (json_is_array(json_object_get(row, "addresses")))
			cells[2] = remote_join(row, "addresses", h, sizeof(h));
		else
			cells[2] = remote_str(row, "how", h, sizeof(h));
		table_add(tb, cells);
	}
	table_print(tb, stdout);
	table_free(tb);
}

/* One host's results as its job type has them. */
static void
print_results(const char *type, json_t *res)
{
	char b1[32], b2[32], b3[32], b4[32], b5[64];

	if (!json_is_object(res))
		return;
	if (strcmp(type, "block-verify") == 0)
		print_verify(res);
	else if (strcmp(type, "block-apply") == 0)
		printf("    applied %s addresses (%s IPv4, %s IPv6) to table "
		       "%s; %s domains are the resolver's part\n",
		    remote_str(res, "addresses", b1, sizeof(b1)),
		    remote_str(res, "ipv4", b2, sizeof(b2)),
		    remote_str(res, "ipv6", b3, sizeof(b3)),
		    remote_str(res, "table", b5, sizeof(b5)),
		    remote_str(res, "domains_not_applied", b4, sizeof(b4)));
	else if (strcmp(type, "block-remove") == 0)
		printf("    table %s: %s\n",
		    remote_str(res, "table", b5, sizeof(b5)),
		    remote_str(res, "outcome", b2, sizeof(b2)));
	else {
		char *text = json_dumps(res, JSON_COMPACT);
		printf("    results: ");
		out_text(stdout, text ? text : "?", 2000, 0);
		printf("\n");
		free(text);
	}
}

static void
print_job(json_t *j, json_t *hosts)
{
	char b[128], *args = json_dumps(json_object_get(j, "args"), 0);
	const char *type = json_string_value(json_object_get(j, "type"));
	json_t *h;
	size_t i;

	printf("job %s: %s\n", remote_str(j, "id", b, sizeof(b)),
	    type ? type : "?");
	remote_field("tenant:", tenant_col(j, b, sizeof(b)));
	remote_field("args:", args ? args : "-");
	free(args);
	remote_field("state:", remote_str(j, "state", b, sizeof(b)));
	remote_field("hosts:", hosts_col(j, b, sizeof(b)));
	remote_field("created:", remote_str(j, "created_at", b, sizeof(b)));
	remote_field("created by:", remote_str(j, "created_by", b, sizeof(b)));
	remote_field(
	    "approved by:", remote_str(j, "approved_by", b, sizeof(b)));
	remote_field("expires:", remote_str(j, "expires_at", b, sizeof(b)));
	json_array_foreach(hosts, i, h)
	{
		char id[64], name[256], st[32], why[1200];
		printf("\nhost %s (", remote_str(h, "agent", id, sizeof(id)));
		out_text(stdout, remote_str(h, "hostname", name, sizeof(name)),
		    200, 0);
		printf("): %s", remote_str(h, "state", st, sizeof(st)));
		remote_str(h, "reason", why, sizeof(why));
		if (why[0] != '\0' && strcmp(why, "-") != 0) {
			printf(": ");
			out_text(stdout, why, 1100, 0);
		}
		printf("\n");
		json_t *res;
		size_t k;
		json_array_foreach(json_object_get(h, "results"), k, res)
		    print_results(type ? type : "", res);
	}
}

/* The job at id and its hosts. */
static int
fetch(struct remote *r, const char *id, json_t **job, json_t **hosts)
{
	char *esc = net_escape(id), *path = NULL, *hpath = NULL;
	int rc = EXIT_USAGE;

	*job = *hosts = NULL;
	if (esc == NULL ||
	    (path = rp_asprintf("/api/v1/jobs/%s", esc)) == NULL ||
	    (hpath = rp_asprintf("/api/v1/jobs/%s/hosts", esc)) == NULL)
		fprintf(stderr, "rampart: out of memory\n");
	else if ((rc = remote_call(r, "GET", path, NULL, 0, job, NULL)) == 0 &&
	    (rc = remote_list(r, hpath, "", 0, hosts)) != 0) {
		json_decref(*job);
		*job = NULL;
	}
	free(esc);
	free(path);
	free(hpath);
	return rc;
}

static int
show(struct remote *r, const struct remote_opts *o, const char *id)
{
	json_t *job, *hosts;
	int rc = fetch(r, id, &job, &hosts);

	if (rc != 0)
		return rc;
	if (o->json) {
		json_t *both =
		    json_pack("{s:O,s:O}", "job", job, "hosts", hosts);
		remote_print_json(both);
		json_decref(both);
	} else
		print_job(job, hosts);
	json_decref(job);
	json_decref(hosts);
	return 0;
}

/* 1 when no host of hosts is still to end, else 0; *bad when one
 * failed, was rejected or expired. */
static int
ended(json_t *hosts, int *bad)
{
	json_t *h;
	size_t i;
	int all = 1;

	*bad = 0;
	json_array_foreach(hosts, i, h)
	{
		const char *s = json_string_value(json_object_get(h, "state"));
		if (s == NULL ||
		    !(strcmp(s, "done") == 0 || strcmp(s, "failed") == 0 ||
			strcmp(s, "rejected") == 0 ||
			strcmp(s, "expired") == 0))
			all = 0;
		else if (strcmp(s, "done") != 0)
			*bad = 1;
	}
	return all;
}

/* Asks until every host of job id ended (WAIT_POLLS times at most).
 * Prints the job, or with --json appends {"job", "hosts"} to out.
 * 0 when every host is done, else EXIT_PROBLEM. */
static int
wait_job(
    struct remote *r, const struct remote_opts *o, const char *id, json_t *out)
{
	struct timespec sec = {1, 0};
	json_t *job = NULL, *hosts = NULL;
	int rc = 0, bad = 0, done = 0, i;

	for (i = 0; i < WAIT_POLLS && !done; i++) {
		if (i > 0)
			nanosleep(&sec, NULL);
		json_decref(job);
		json_decref(hosts);
		if ((rc = fetch(r, id, &job, &hosts)) != 0)
			return rc;
		done = ended(hosts, &bad);
	}
	if (o->json)
		json_array_append_new(
		    out, json_pack("{s:o,s:o}", "job", job, "hosts", hosts));
	else {
		print_job(job, hosts);
		if (!done)
			printf("\nnot ended after %d questions\n", WAIT_POLLS);
		json_decref(job);
		json_decref(hosts);
	}
	return done && !bad ? 0 : EXIT_PROBLEM;
}

/* POST body (JSON) to path; the answer in *data. */
static int
post(struct remote *r, const char *path, json_t *body, json_t **data)
{
	char *text = json_dumps(body, JSON_COMPACT);
	int rc;

	if (text == NULL) {
		fprintf(stderr, "rampart: out of memory\n");
		return EXIT_USAGE;
	}
	rc = remote_call(r, "POST", path, text, strlen(text), data, NULL);
	free(text);
	return rc;
}

/* The blob the server builds from host's tenant's indicators: its hash
 * into sha (65 bytes).  blobs holds those built already, by tenant. */
static int
from_indicators(struct remote *r, const struct remote_opts *o, const char *host,
    json_t *blobs, char *sha)
{
	char *esc = net_escape(host), *path = NULL;
	json_t *agent = NULL, *blob = NULL, *body = NULL;
	const char *tenant, *h;
	char b1[32], b2[32], b3[32];
	int rc = EXIT_USAGE;

	if (esc == NULL ||
	    (path = rp_asprintf("/api/v1/agents/%s", esc)) == NULL)
		goto nomem;
	if ((rc = remote_call(r, "GET", path, NULL, 0, &agent, NULL)) != 0)
		goto out;
	rc = EXIT_UNREACHABLE;
	if ((tenant = json_string_value(json_object_get(agent, "tenant"))) ==
	    NULL) {
		fprintf(stderr, "%s: host %s: the answer names no tenant\n",
		    o->cmd, host);
		goto out;
	}
	if ((blob = json_object_get(blobs, tenant)) == NULL) {
		free(esc);
		free(path);
		path = NULL;
		if ((esc = net_escape(tenant)) == NULL ||
		    (path = rp_asprintf(
			 "/api/v1/tenants/%s/blocklists", esc)) == NULL ||
		    (body = json_pack("{s:s}", "from", "indicators")) == NULL)
			goto nomem;
		if ((rc = post(r, path, body, &blob)) != 0)
			goto out;
		json_object_set_new(blobs, tenant, blob);
		if (!o->json) {
			printf("blocklist of tenant ");
			out_text(stdout, tenant, 64, 0);
			printf(" from its indicators: %s addresses, %s "
			       "domains, %s left out by the allowlist guard\n",
			    remote_str(blob, "addresses", b1, sizeof(b1)),
			    remote_str(blob, "domains", b2, sizeof(b2)),
			    remote_str(blob, "refused", b3, sizeof(b3)));
		}
	}
	rc = EXIT_UNREACHABLE;
	if ((h = json_string_value(json_object_get(blob, "sha256"))) == NULL ||
	    strlen(h) != 64) {
		fprintf(
		    stderr, "%s: the blocklist answer has no sha256\n", o->cmd);
		goto out;
	}
	memcpy(sha, h, 65);
	rc = 0;
	goto out;
nomem:
	fprintf(stderr, "%s: out of memory\n", o->cmd);
	rc = EXIT_USAGE;
out:
	json_decref(agent);
	json_decref(body);
	free(esc);
	free(path);
	return rc;
}

/* The args object of t for type. */
static json_t *
job_args(const struct jopts *t, const char *sha)
{
	json_t *a = json_object();

	if (a == NULL)
		return NULL;
	if (t->bundle != NULL)
		json_object_set_new(a, "bundle", json_string(t->bundle));
	if (t->quarantine)
		json_object_set_new(a, "quarantine", json_true());
	if (sha != NULL)
		json_object_set_new(a, "blocklist", json_string(sha));
	return a;
}

/* One job of type on host; with --json the answer goes to out. */
static int
create_one(struct remote *r, const struct remote_opts *o, const struct jopts *t,
    const char *type, const char *host, json_t *blobs, json_t *out)
{
	char sha[65] = "", b[128];
	json_t *body = NULL, *job = NULL;
	const char *id, *st;
	int rc;

	if (t->from_ind && (rc = from_indicators(r, o, host, blobs, sha)) != 0)
		return rc;
	body = json_pack("{s:s,s:o,s:{s:s}}", "type", type, "args",
	    job_args(t, t->from_ind ? sha : t->blocklist), "target", "host",
	    host);
	if (body == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		return EXIT_USAGE;
	}
	rc = post(r, "/api/v1/jobs", body, &job);
	json_decref(body);
	if (rc != 0)
		return rc;
	id = json_string_value(json_object_get(job, "id"));
	st = json_string_value(json_object_get(job, "state"));
	if (id == NULL || st == NULL) {
		fprintf(stderr, "%s: the job answer has no id\n", o->cmd);
		json_decref(job);
		return EXIT_UNREACHABLE;
	}
	if (!o->json) {
		printf("job %s: %s on host ", id, type);
		out_text(stdout, host, 64, 0);
		printf(", %s%s\n", st,
		    strcmp(st, "awaiting_approval") == 0
			? ": another user runs 'rampart job approve' for it"
			: "");
	}
	if (t->wait && strcmp(st, "awaiting_approval") != 0) {
		snprintf(b, sizeof(b), "%s", id);
		json_decref(job);
		if (!o->json)
			printf("\n");
		return wait_job(r, o, b, out);
	}
	if (o->json)
		json_array_append(out, job);
	json_decref(job);
	return 0;
}

static int
create(struct remote *r, const struct remote_opts *o, const struct jopts *t,
    const char *type)
{
	json_t *blobs = json_object(), *out = json_array();
	size_t i;
	int rc = 0, one;

	if (blobs == NULL || out == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		rc = EXIT_USAGE;
	}
	/* a host refused or whose job ended badly does not stop the
	 * others; bad usage or an unreachable server does */
	for (i = 0; (rc == 0 || rc == EXIT_PROBLEM) && i < t->nhost; i++) {
		one = create_one(r, o, t, type, t->host[i], blobs, out);
		if (one != 0)
			rc = one;
	}
	if (o->json && out != NULL) {
		json_t *all =
		    json_pack("{s:O,s:O}", "blocklists", blobs, "jobs", out);
		remote_print_json(all);
		json_decref(all);
	}
	json_decref(blobs);
	json_decref(out);
	return rc;
}

static int
approve(struct remote *r, const struct remote_opts *o, const char *id)
{
	char *esc = net_escape(id), *path = NULL, b1[64], b2[64];
	json_t *job = NULL;
	int rc = EXIT_USAGE;

	if (esc == NULL ||
	    (path = rp_asprintf("/api/v1/jobs/%s/approve", esc)) == NULL)
		fprintf(stderr, "%s: out of memory\n", o->cmd);
	else if ((rc = remote_call(r, "POST", path, "{}", 2, &job, NULL)) ==
	    0) {
		if (o->json)
			remote_print_json(job);
		else
			printf("job %s approved: %s, signed for its hosts\n",
			    remote_str(job, "id", b1, sizeof(b1)),
			    remote_str(job, "state", b2, sizeof(b2)));
	}
	json_decref(job);
	free(esc);
	free(path);
	return rc;
}

/* The options of sub that make no sense for it. */
static int
check_opts(const struct remote_opts *o, const char *sub, const struct jopts *t,
    int nargs, const char *type)
{
	int lst = strcmp(sub, "list") == 0, cr = strcmp(sub, "create") == 0;

	if (nargs != (lst ? 0 : 1))
		return remote_usage_error(o,
		    lst	     ? "'list' takes no argument"
			: cr ? "expected one TYPE"
			     : "expected one job ID");
	if (!lst && !cr && (t->nhost > 0 || o->limit != 0))
		return remote_usage_error(o,
		    "--host belongs to 'list' and 'create', --limit to "
		    "'list'");
	if (!lst && t->state != NULL)
		return remote_usage_error(o, "--state belongs to 'list'");
	if (lst && t->nhost > 1)
		return remote_usage_error(o, "'list' takes one --host");
	if (lst && t->state != NULL && !in_list(t->state, job_states) &&
	    !in_list(t->state, host_states))
		return remote_usage_error(
		    o, "--state: unknown state '%s'", t->state);
	if (!cr &&
	    (t->bundle || t->blocklist || t->from_ind || t->quarantine ||
		t->wait))
		return remote_usage_error(o,
		    "--bundle, --blocklist, "
		    "--from-indicators, --quarantine "
		    "and --wait belong to 'create'");
	if (cr && t->nhost == 0)
		return remote_usage_error(o, "'create' needs --host");
	if (cr && o->limit != 0)
		return remote_usage_error(o, "--limit belongs to 'list'");
	if (cr && (t->blocklist != NULL || t->from_ind) &&
	    strcmp(type, "block-apply") != 0 &&
	    strcmp(type, "block-verify") != 0)
		return remote_usage_error(o,
		    "--blocklist and --from-indicators "
		    "belong to block-apply and "
		    "block-verify");
	if (cr && (t->bundle != NULL || t->quarantine) &&
	    strcmp(type, "sweep") != 0)
		return remote_usage_error(
		    o, "--bundle and --quarantine belong to sweep");
	if ((t->blocklist != NULL) + (t->from_ind != 0) + (t->bundle != NULL) >
	    1)
		return remote_usage_error(o,
		    "give one of --bundle, "
		    "--blocklist, --from-indicators");
	return 0;
}

static int
run(struct remote_opts *o, const char *sub, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"host", required_argument, NULL, OPT_HOST},
	    {"state", required_argument, NULL, OPT_STATE},
	    {"bundle", required_argument, NULL, OPT_BUNDLE},
	    {"blocklist", required_argument, NULL, OPT_BLOCKLIST},
	    {"from-indicators", no_argument, NULL, OPT_FROM_IND},
	    {"quarantine", no_argument, NULL, OPT_QUARANTINE},
	    {"wait", no_argument, NULL, OPT_WAIT}, {0}};
	struct jopts t = {0};
	struct remote *r = NULL;
	int ch, rc;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		switch (ch) {
		case REMOTE_HELP:
			usage(stdout);
			return 0;
		case REMOTE_BAD:
			return EXIT_USAGE;
		case OPT_HOST:
			if (t.nhost == HOSTS_MAX)
				return remote_usage_error(
				    o, "at most %d --host", HOSTS_MAX);
			t.host[t.nhost++] = optarg;
			break;
		case OPT_STATE:
			t.state = optarg;
			break;
		case OPT_BUNDLE:
			t.bundle = optarg;
			break;
		case OPT_BLOCKLIST:
			t.blocklist = optarg;
			break;
		case OPT_FROM_IND:
			t.from_ind = 1;
			break;
		case OPT_QUARANTINE:
			t.quarantine = 1;
			break;
		default:
			t.wait = 1;
			break;
		}
	}
	if ((rc = check_opts(o, sub, &t, argc - optind,
		 argc > optind ? argv[optind] : "")) != 0)
		return rc;
	if ((rc = remote_open(o, REMOTE_AUTH, &r)) != 0)
		return rc;
	if (strcmp(sub, "list") == 0)
		rc = list(r, o, &t);
	else if (strcmp(sub, "show") == 0)
		rc = show(r, o, argv[optind]);
	else if (strcmp(sub, "create") == 0)
		rc = create(r, o, &t, argv[optind]);
	else
		rc = approve(r, o, argv[optind]);
	remote_close(r);
	return rc;
}

static const char *const subs[] = {"list", "show", "create", "approve", NULL};

int
cmd_job(int argc, char **argv)
{
	return remote_main(argc, argv, subs, usage, run);
}
