/*
 * rampart host list|show|revoke: the machines enrolled with
 * rampart-agent (/api/v1/agents): every agent of the caller's tenants,
 * or of one (--tenant, which the API filters on).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "remote.h"
#include "util/out.h"
#include "util/str.h"

enum { OPT_TENANT = OPT_FIRST_OWN };

static void
usage(FILE *f)
{
	fputs("usage: rampart host list [--tenant SLUG] [--limit N]\n"
	      "       rampart host show ID\n"
	      "       rampart host revoke ID\n"
	      "       rampart hosts [list] [--tenant SLUG] [--limit N]\n"
	      "\n"
	      "hosts is another name for host; without a subcommand it "
	      "lists.\n"
	      "Hosts are the machines enrolled with 'rampart-agent enroll' "
	      "(see\n"
	      "'rampart enroll-token').  HOSTNAME and OS are what the agent "
	      "says; its\n"
	      "identity is its key.  list shows those of your tenants; "
	      "revoke\n"
	      "(technician or msp-admin) refuses the agent's requests from "
	      "then on.\n"
	      "  --tenant SLUG  only the hosts of tenant SLUG\n"
	      "  --limit N      show at most N hosts (default: all)\n"
	      "\n" REMOTE_COMMON_HELP
	      "Exit 0, 1 when the server refuses, 2 on bad usage, 3 when the "
	      "server\n"
	      "cannot be reached or is not a Rampart server.\n",
	    f);
}

static const char *
state(json_t *a, char *buf, size_t len)
{
	(void)buf;
	(void)len;
	if (json_is_string(json_object_get(a, "revoked_at")))
		return "revoked";
	return "active";
}

static int
list(struct remote *r, const struct remote_opts *o, const char *tenant)
{
	static const struct remote_col cols[] = {
	    {"ID", "id", NULL},
	    {"TENANT", "tenant", NULL},
	    {"HOSTNAME", "hostname", NULL},
	    {"OS", "os", NULL},
	    {"LAST-SEEN", "last_seen", NULL},
	    {"STATE", NULL, state},
	};

	char *q = NULL, *esc = NULL;
	int rc = EXIT_USAGE;

	if (tenant == NULL ||
	    ((esc = net_escape(tenant)) != NULL &&
		(q = rp_asprintf("&tenant=%s", esc)) != NULL))
		rc = remote_list_show(r, o, "/api/v1/agents", q ? q : "", cols,
		    sizeof(cols) / sizeof(cols[0]));
	free(esc);
	free(q);
	return rc;
}

/* "N packages, upload SEQ at TIME", or that none came yet. */
static void
inventory(json_t *a)
{
	char b1[32], b2[32], b3[64], *s;

	if (!json_is_string(json_object_get(a, "inventory_at"))) {
		remote_field("inventory:", "none uploaded yet");
		return;
	}
	s = rp_asprintf("%s packages, upload %s at %s",
	    remote_str(a, "software", b1, sizeof(b1)),
	    remote_str(a, "inventory", b2, sizeof(b2)),
	    remote_str(a, "inventory_at", b3, sizeof(b3)));
	remote_field("inventory:", s ? s : "?");
	free(s);
}

static void
print_host(json_t *a)
{
	char b[64];

	out_text(stdout, remote_str(a, "hostname", b, sizeof(b)), 200, 0);
	printf("\n");
	remote_field("id:", remote_str(a, "id", b, sizeof(b)));
	remote_field("tenant:", remote_str(a, "tenant", b, sizeof(b)));
	remote_field("os:", remote_str(a, "os", b, sizeof(b)));
	remote_field(
	    "agent version:", remote_str(a, "agent_version", b, sizeof(b)));
	remote_field("enrolled:", remote_str(a, "enrolled_at", b, sizeof(b)));
	remote_field("last seen:", remote_str(a, "last_seen", b, sizeof(b)));
	inventory(a);
	remote_field("state:", state(a, b, sizeof(b)));
	if (json_is_string(json_object_get(a, "revoked_at")))
		remote_field(
		    "revoked:", remote_str(a, "revoked_at", b, sizeof(b)));
}

/* show or revoke the agent at path. */
static int
one(struct remote *r, const struct remote_opts *o, int show, const char *id,
    const char *path)
{
	json_t *data = NULL;
	int rc =
	    remote_call(r, show ? "GET" : "DELETE", path, NULL, 0, &data, NULL);

	if (rc == 0 && show && o->json)
		remote_print_json(data);
	else if (rc == 0 && show)
		print_host(data);
	else if (rc == 0 && o->json)
		printf("{\"revoked\": true}\n");
	else if (rc == 0) {
		printf("host ");
		out_text(stdout, id, 200, 0);
		printf(" revoked: its agent's requests are refused from now "
		       "on\n");
	}
	json_decref(data);
	return rc;
}

static int
run(struct remote_opts *o, const char *sub, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"tenant", required_argument, NULL, OPT_TENANT}, {0}};
	const char *tenant = NULL;
	struct remote *r = NULL;
	char *esc = NULL, *path = NULL;
	int ch, rc, lst = strcmp(sub, "list") == 0;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		if (ch == REMOTE_HELP) {
			usage(stdout);
			return 0;
		}
		if (ch == REMOTE_BAD)
			return EXIT_USAGE;
		tenant = optarg;
	}
	if (argc - optind != (lst ? 0 : 1))
		return remote_usage_error(o,
		    lst ? "'list' takes no argument" : "expected one argument");
	if ((o->limit != 0 || tenant != NULL) && !lst)
		return remote_usage_error(
		    o, "--limit and --tenant belong to 'list'");
	if (!lst &&
	    ((esc = net_escape(argv[optind])) == NULL ||
		(path = rp_asprintf("/api/v1/agents/%s", esc)) == NULL)) {
		free(esc);
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		return EXIT_USAGE;
	}
	if ((rc = remote_open(o, REMOTE_AUTH, &r)) == 0) {
		rc = lst
		    ? list(r, o, tenant)
		    : one(r, o, strcmp(sub, "show") == 0, argv[optind], path);
		remote_close(r);
	}
	free(esc);
	free(path);
	return rc;
}

static const char *const subs[] = {"list", "show", "revoke", NULL};

int
cmd_host(int argc, char **argv)
{
	return remote_main(argc, argv, subs, usage, run);
}

int
cmd_hosts(int argc, char **argv)
{
	return remote_main_default(argc, argv, subs, "list", usage, run);
}
