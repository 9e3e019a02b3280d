/*
 * rampart tenant list|create|show|rename: the MSP's customers
 * (/api/v1/tenants).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "remote.h"
#include "util/out.h"
#include "util/str.h"

enum { OPT_NAME = OPT_FIRST_OWN };

static void
usage(FILE *f)
{
	fputs("usage: rampart tenant list [--limit N]\n"
	      "       rampart tenant create SLUG --name NAME\n"
	      "       rampart tenant show SLUG\n"
	      "       rampart tenant rename SLUG NAME\n"
	      "\n"
	      "Tenants are the customers the MSP looks after; SLUG is their "
	      "short\n"
	      "name (a-z, 0-9, '-').  list shows those in your scope; "
	      "create and\n"
	      "rename need the msp-admin role.\n"
	      "  --limit N  show at most N tenants (default: all, fetched "
	      "page by page)\n"
	      "\n" REMOTE_COMMON_HELP
	      "Exit 0, 1 when the server refuses, 2 on bad usage, 3 when the "
	      "server\n"
	      "cannot be reached or is not a Rampart server.\n",
	    f);
}

static void
print_tenant(json_t *t)
{
	char b[64];

	out_text(stdout, remote_str(t, "slug", b, sizeof(b)), 200, 0);
	printf("\n");
	remote_field("name:", remote_str(t, "name", b, sizeof(b)));
	remote_field("id:", remote_str(t, "id", b, sizeof(b)));
	remote_field("created:", remote_str(t, "created_at", b, sizeof(b)));
}

static int
list(struct remote *r, const struct remote_opts *o)
{
	static const struct remote_col cols[] = {
	    {"SLUG", "slug", NULL},
	    {"NAME", "name", NULL},
	    {"CREATED", "created_at", NULL},
	};

	return remote_list_show(
	    r, o, "/api/v1/tenants", "", cols, sizeof(cols) / sizeof(cols[0]));
}

/* Sends body (a JSON object, stolen) and prints the Tenant answered. */
static int
send_tenant(struct remote *r, const struct remote_opts *o, const char *method,
    const char *path, json_t *body)
{
	json_t *data = NULL;
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int rc;

	json_decref(body);
	if (body != NULL && text == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		return EXIT_USAGE;
	}
	rc = remote_call(
	    r, method, path, text, text ? strlen(text) : 0, &data, NULL);
	free(text);
	if (rc == 0) {
		if (o->json)
			remote_print_json(data);
		else
			print_tenant(data);
	}
	json_decref(data);
	return rc;
}

static int
run(struct remote_opts *o, const char *sub, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"name", required_argument, NULL, OPT_NAME}, {0}};
	const char *name = NULL;
	struct remote *r = NULL;
	char *path = NULL, *esc = NULL;
	int ch, n, rc;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		if (ch == REMOTE_HELP) {
			usage(stdout);
			return 0;
		}
		if (ch == REMOTE_BAD)
			return EXIT_USAGE;
		name = optarg;
	}
	n = argc - optind;
	if (strcmp(sub, "list") == 0	     ? n != 0
		: strcmp(sub, "rename") == 0 ? n != 2
					     : n != 1)
		return remote_usage_error(o, "wrong number of arguments");
	if ((name != NULL) != (strcmp(sub, "create") == 0))
		return remote_usage_error(o,
		    "--name belongs to 'create', "
		    "which needs it");
	if (o->limit != 0 && strcmp(sub, "list") != 0)
		return remote_usage_error(o, "--limit belongs to 'list'");
	if ((rc = remote_open(o, REMOTE_AUTH, &r)) != 0)
		return rc;
	if (strcmp(sub, "list") == 0)
		rc = list(r, o);
	else if (strcmp(sub, "create") == 0)
		rc = send_tenant(r, o, "POST", "/api/v1/tenants",
		    json_pack(
			"{s:s, s:s}", "slug", argv[optind], "name", name));
	else if ((esc = net_escape(argv[optind])) == NULL ||
	    (path = rp_asprintf("/api/v1/tenants/%s", esc)) == NULL)
		rc = EXIT_USAGE;
	else if (strcmp(sub, "show") == 0)
		rc = send_tenant(r, o, "GET", path, NULL);
	else
		rc = send_tenant(r, o, "PATCH", path,
		    json_pack("{s:s}", "name", argv[optind + 1]));
	free(esc);
	free(path);
	remote_close(r);
	return rc;
}

int
cmd_tenant(int argc, char **argv)
{
	static const char *const subs[] = {
	    "list", "create", "show", "rename", NULL};

	return remote_main(argc, argv, subs, usage, run);
}
