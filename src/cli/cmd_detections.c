/*
 * rampart detections: what the agents' sweeps found (/api/v1/detections,
 * docs/agent-protocol.md): one row per hit of an uploaded sweep report.
 * The API filters on one tenant at a time, so several --tenant ask once
 * per tenant, in the order given.  Paths and what matched (digests,
 * rule names) come from the machines swept and are printed escaped and
 * whole: cut, they would tell nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "remote.h"
#include "util/str.h"

enum { OPT_TENANT = OPT_FIRST_OWN, OPT_HOST };

#define ID_ARG_MAX 256

static void
usage(FILE *f)
{
	fputs("usage: rampart detections [--tenant SLUG]... [--host AGENT_ID] "
	      "[--limit N]\n"
	      "\n"
	      "What the agents' indicator sweeps found (rampart-agent "
	      "sweep): one row\n"
	      "per hit of each uploaded sweep, in the order they arrived: "
	      "ID, time,\n"
	      "tenant, host (agent ID), kind, what matched and the path on "
	      "the machine.\n"
	      "  --tenant SLUG   only this tenant's (repeatable)\n"
	      "  --host ID       only this host's (its agent ID, as 'rampart "
	      "host list'\n"
	      "                  shows)\n"
	      "  --limit N       show at most N detections (default: all)\n"
	      "\n" REMOTE_COMMON_HELP
	      "Exit 0 (detections found too), 1 when the server refuses, 2 "
	      "on bad usage,\n"
	      "3 when the server cannot be reached or is not a Rampart "
	      "server.\n",
	    f);
}

/* "&tenant=T&host=H" with either left out; NULL when out of memory. */
static char *
query(const char *tenant, const char *host)
{
	char *t = NULL, *h = NULL, *q = NULL;

	if ((tenant == NULL || (t = net_escape(tenant)) != NULL) &&
	    (host == NULL || (h = net_escape(host)) != NULL))
		q = rp_asprintf("%s%s%s%s", t ? "&tenant=" : "", t ? t : "",
		    h ? "&host=" : "", h ? h : "");
	free(t);
	free(h);
	return q;
}

/* Every detection asked for: once, or once per tenant. */
static int
fetch(struct remote *r, const struct remote_opts *o,
    const struct remote_tenants *tenants, const char *host, json_t *all)
{
	json_t *items = NULL;
	size_t i = 0;
	long left;
	char *q;
	int rc;

	do {
		left = o->limit > 0 ? o->limit - (long)json_array_size(all) : 0;
		if (o->limit > 0 && left <= 0)
			break;
		if ((q = query(tenants->n ? tenants->v[i] : NULL, host)) ==
		    NULL) {
			fprintf(stderr, "%s: out of memory\n", o->cmd);
			return EXIT_UNREACHABLE;
		}
		rc = remote_list(r, "/api/v1/detections", q, left, &items);
		free(q);
		if (rc != 0)
			return rc;
		rc = json_array_extend(all, items);
		json_decref(items);
		if (rc != 0)
			return EXIT_UNREACHABLE;
	} while (++i < tenants->n);
	return 0;
}

static void
print_table(json_t *all)
{
	static const char *const heads[] = {
	    "ID", "AT", "TENANT", "HOST", "KIND", "WHAT", "PATH"};
	static const char *const keys[] = {
	    "id", "at", "tenant", "host", "kind", "what", "path"};
	const char *row[7];
	char b[7][512];
	struct table *t;
	json_t *it;
	size_t i, k;

	if ((t = table_new(7, heads)) == NULL) {
		fprintf(stderr, "rampart detections: out of memory\n");
		return;
	}
	/* a digest or a path cut tells nothing */
	table_uncut(t);
	json_array_foreach(all, i, it)
	{
		for (k = 0; k < 7; k++)
			row[k] = remote_str(it, keys[k], b[k], sizeof(b[k]));
		if (table_add(t, row) != 0)
			break;
	}
	table_print(t, stdout);
	table_free(t);
	printf("\n%zu detection%s\n", json_array_size(all),
	    json_array_size(all) == 1 ? "" : "s");
}

int
cmd_detections(int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"tenant", required_argument, NULL, OPT_TENANT},
	    {"host", required_argument, NULL, OPT_HOST}, {0}};
	struct remote_opts o = {.cmd = "rampart detections"};
	struct remote_tenants tenants = {0};
	struct remote *r = NULL;
	const char *host = NULL;
	json_t *all = NULL;
	int ch, rc;

	while ((ch = remote_getopt(argc, argv, lo, &o)) != -1) {
		if (ch == REMOTE_HELP) {
			usage(stdout);
			return 0;
		}
		if (ch == REMOTE_BAD)
			return EXIT_USAGE;
		if (strlen(optarg) > ID_ARG_MAX)
			return remote_usage_error(
			    &o, "%s: too long", argv[optind - 1]);
		if (ch == OPT_HOST)
			host = optarg;
		else if (remote_tenant_add(&o, &tenants, optarg) != 0)
			return EXIT_USAGE;
	}
	if (optind != argc)
		return remote_usage_error(&o, "takes no argument");
	if ((rc = remote_open(&o, REMOTE_AUTH, &r)) != 0)
		return rc;
	if ((all = json_array()) == NULL)
		rc = EXIT_UNREACHABLE;
	else if ((rc = fetch(r, &o, &tenants, host, all)) == 0) {
		if (o.json)
			remote_print_json(all);
		else
			print_table(all);
	}
	json_decref(all);
	remote_close(r);
	return rc;
}
