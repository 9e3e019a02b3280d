/*
 * rampart advisory import|list|get|revisions: advisories on the server
 * (/api/v1/advisories).  The offline subcommands validate and show
 * (cmd_advisory.c) read local files and never talk to a server; these
 * four always do.  import sends the file's bytes unchanged: the server
 * validates them and, on 422, every failed test is printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "remote.h"
#include "util/diag.h"
#include "util/input.h"
#include "util/out.h"
#include "util/str.h"

enum { OPT_TENANT = OPT_FIRST_OWN, OPT_QUERY, OPT_REVISION, OPT_DOCUMENT };

#define QUERY_ARG_MAX 4096

/* The server part of `rampart advisory --help`: the usage lines (lines)
 * or what they do; cmd_advisory.c puts the offline part around them. */
void
advisory_server_usage(FILE *f, int lines)
{
	if (lines) {
		fputs("       rampart advisory import FILE [--tenant SLUG]...\n"
		      "       rampart advisory list [--query TEXT] [--limit "
		      "N]\n"
		      "       rampart advisory get ID [--revision N] "
		      "[--document]\n"
		      "       rampart advisory revisions ID\n",
		    f);
		return;
	}
	fputs("On the server (validate and show work on local files "
	      "without one):\n"
	      "import     sends FILE (CSAF 2.0, OSV or native JSON) as it "
	      "is; with\n"
	      "           --tenant only those tenants see it, without it it "
	      "is MSP-wide\n"
	      "           (msp-admin only).  A new revision of a known "
	      "document is kept\n"
	      "           beside the earlier ones.  When the server rejects "
	      "it, each\n"
	      "           failed test is printed as 'TEST POINTER MESSAGE'.\n"
	      "list       advisories you can see, latest revisions; --query "
	      "searches ID,\n"
	      "           title and CVE; --limit N shows at most N (default: "
	      "all)\n"
	      "get        one advisory (--revision N: that revision); "
	      "--document prints\n"
	      "           the imported document itself as JSON\n"
	      "revisions  every revision of an advisory, newest first\n"
	      "\n" REMOTE_COMMON_HELP
	      "Exit 0, 1 when the server refuses (an invalid advisory too), "
	      "2 on bad\n"
	      "usage or a file that cannot be read, 3 when the server cannot "
	      "be\n"
	      "reached or is not a Rampart server.\n",
	    f);
}

static void
usage(FILE *f)
{
	fputs("usage: rampart advisory import|list|get|revisions ...\n", f);
	advisory_server_usage(f, 1);
	fputs("\n", f);
	advisory_server_usage(f, 0);
}

struct aopts {
	struct remote_tenants tenants;
	const char *query;
	long revision;
	int document;
};

static void
print_advisory(json_t *a)
{
	char b[1024];

	out_text(stdout, remote_str(a, "doc_id", b, sizeof(b)), 200, 0);
	printf(": ");
	out_text(stdout, remote_str(a, "title", b, sizeof(b)), 400, 0);
	printf("\n");
	remote_field("id:", remote_str(a, "id", b, sizeof(b)));
	remote_field("publisher:", remote_str(a, "publisher", b, sizeof(b)));
	remote_field("format:", remote_str(a, "format", b, sizeof(b)));
	remote_field("severity:", remote_str(a, "severity", b, sizeof(b)));
	remote_field("cves:", remote_join(a, "cves", b, sizeof(b)));
	if (strcmp(remote_str(a, "scope", b, sizeof(b)), "msp") == 0)
		remote_field("scope:", "MSP-wide");
	else
		remote_field(
		    "tenants:", remote_join(a, "tenants", b, sizeof(b)));
	remote_field("revision:", remote_str(a, "revision", b, sizeof(b)));
	remote_field("version:", remote_str(a, "version", b, sizeof(b)));
	remote_field(
	    "released:", remote_str(a, "current_release", b, sizeof(b)));
	remote_field("imported:", remote_str(a, "imported_at", b, sizeof(b)));
	remote_field(
	    "imported by:", remote_str(a, "imported_by", b, sizeof(b)));
}

/* "?tenants=a,b" (each escaped), or "" */
static char *
tenants_query(const struct aopts *a)
{
	struct rp_buf b;
	char *e;
	size_t i;

	rp_buf_init(&b, 64 * 1024);
	if (a->tenants.n > 0)
		rp_buf_append(&b, "?tenants=");
	for (i = 0; i < a->tenants.n; i++) {
		if ((e = net_escape(a->tenants.v[i])) == NULL) {
			rp_buf_free(&b);
			return NULL;
		}
		rp_buf_appendf(&b, "%s%s", i ? "," : "", e);
		free(e);
	}
	rp_buf_append(&b, "");
	return rp_buf_take(&b);
}

static int
import(struct remote *r, const struct remote_opts *o, const char *buf,
    size_t len, const struct aopts *a)
{
	struct client_resp resp = {.retry_after = -1};
	char *q = NULL, *path = NULL, b1[32], b2[32];
	json_t *data = NULL;
	int rc = EXIT_USAGE;

	if ((q = tenants_query(a)) == NULL ||
	    (path = rp_asprintf("/api/v1/advisories%s", q)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		goto out;
	}
	if ((rc = remote_call(r, "POST", path, buf, len, &data, &resp)) != 0)
		goto out;
	if (o->json) {
		remote_print_json(data);
		goto out;
	}
	printf("%s ", resp.status == 201 ? "imported" : "new revision of");
	out_text(stdout, remote_str(data, "doc_id", b1, sizeof(b1)), 200, 0);
	printf(" (id ");
	out_text(stdout, remote_str(data, "id", b1, sizeof(b1)), 200, 0);
	printf(", revision %s, ", remote_str(data, "revision", b2, sizeof(b2)));
	if (strcmp(remote_str(data, "scope", b1, sizeof(b1)), "msp") == 0)
		printf("MSP-wide)\n");
	else {
		printf("tenants ");
		out_text(stdout, remote_join(data, "tenants", b1, sizeof(b1)),
		    400, 0);
		printf(")\n");
	}
out:
	client_resp_clear(&resp);
	json_decref(data);
	free(q);
	free(path);
	return rc;
}

/* "MSP-wide", or the advisory's tenants. */
static const char *
scope(json_t *it, char *buf, size_t len)
{
	if (strcmp(remote_str(it, "scope", buf, len), "msp") == 0)
		return "MSP-wide";
	return remote_join(it, "tenants", buf, len);
}

static int
list(struct remote *r, const struct remote_opts *o, const struct aopts *a)
{
	static const struct remote_col cols[] = {
	    {"DOC-ID", "doc_id", NULL},
	    {"REV", "revision", NULL},
	    {"SEVERITY", "severity", NULL},
	    {"SCOPE", NULL, scope},
	    {"ID", "id", NULL},
	    {"TITLE", "title", NULL},
	};
	char *q = NULL, *esc = NULL;
	int rc = EXIT_USAGE;

	if (a->query == NULL ||
	    ((esc = net_escape(a->query)) != NULL &&
		(q = rp_asprintf("&q=%s", esc)) != NULL))
		rc = remote_list_show(r, o, "/api/v1/advisories", q ? q : "",
		    cols, sizeof(cols) / sizeof(cols[0]));
	free(esc);
	free(q);
	return rc;
}

static int
get(struct remote *r, const struct remote_opts *o, const char *id,
    const struct aopts *a)
{
	char *esc = NULL, *path = NULL, rev[32] = "";
	json_t *data = NULL, *doc;
	int rc = EXIT_USAGE;

	if (a->revision > 0)
		snprintf(rev, sizeof(rev), "?revision=%ld", a->revision);
	if ((esc = net_escape(id)) == NULL ||
	    (path = rp_asprintf("/api/v1/advisories/%s%s", esc, rev)) == NULL)
		goto out;
	if ((rc = remote_call(r, "GET", path, NULL, 0, &data, NULL)) != 0)
		goto out;
	doc = json_object_get(data, "document");
	if (a->document) {
		if (doc == NULL) {
			fprintf(
			    stderr, "%s: the answer has no document\n", o->cmd);
			rc = EXIT_UNREACHABLE;
		} else
			remote_print_json(doc);
	} else if (o->json)
		remote_print_json(data);
	else {
		print_advisory(data);
		if (doc != NULL)
			printf("  (--document prints the imported document)\n");
	}
out:
	json_decref(data);
	free(esc);
	free(path);
	return rc;
}

static int
revisions(struct remote *r, const struct remote_opts *o, const char *id)
{
	const char *heads[] = {
	    "REV", "VERSION", "RELEASED", "IMPORTED", "IMPORTED-BY"};
	const char *row[5];
	char b[5][512], *esc = NULL, *path = NULL;
	struct table *t = NULL;
	json_t *items = NULL, *it;
	size_t i;
	int rc = EXIT_USAGE;

	if ((esc = net_escape(id)) == NULL ||
	    (path = rp_asprintf("/api/v1/advisories/%s/revisions", esc)) ==
		NULL)
		goto out;
	if ((rc = remote_list(r, path, "", 0, &items)) != 0)
		goto out;
	if (o->json)
		remote_print_json(items);
	else if ((t = table_new(5, heads)) != NULL) {
		json_array_foreach(items, i, it)
		{
			row[0] = remote_str(it, "revision", b[0], 512);
			row[1] = remote_str(it, "version", b[1], 512);
			row[2] = remote_str(it, "current_release", b[2], 512);
			row[3] = remote_str(it, "imported_at", b[3], 512);
			row[4] = remote_str(it, "imported_by", b[4], 512);
			table_add(t, row);
		}
		table_print(t, stdout);
	}
out:
	table_free(t);
	json_decref(items);
	free(esc);
	free(path);
	return rc;
}

static int
parse(struct remote_opts *o, struct aopts *a, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"tenant", required_argument, NULL, OPT_TENANT},
	    {"query", required_argument, NULL, OPT_QUERY},
	    {"revision", required_argument, NULL, OPT_REVISION},
	    {"document", no_argument, NULL, OPT_DOCUMENT}, {0}};
	int ch;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		switch (ch) {
		case REMOTE_HELP:
			usage(stdout);
			return 1;
		case REMOTE_BAD:
			return EXIT_USAGE;
		case OPT_TENANT:
			if (remote_tenant_add(o, &a->tenants, optarg) != 0)
				return EXIT_USAGE;
			break;
		case OPT_QUERY:
			if (strlen(optarg) > QUERY_ARG_MAX)
				return remote_usage_error(
				    o, "--query: too long");
			a->query = optarg;
			break;
		case OPT_REVISION:
			if (remote_count(o, "--revision", optarg, 1000000000L,
				&a->revision) != 0)
				return EXIT_USAGE;
			break;
		default:
			a->document = 1;
		}
	}
	return 0;
}

/* Which options each subcommand takes; 0 or EXIT_USAGE. */
static int
check(
    const struct remote_opts *o, const struct aopts *a, const char *sub, int n)
{
	int lst = strcmp(sub, "list") == 0;

	if (n != (lst ? 0 : 1))
		return remote_usage_error(o,
		    lst ? "'list' takes no argument" : "expected one argument");
	if (a->tenants.n > 0 && strcmp(sub, "import") != 0)
		return remote_usage_error(o, "--tenant belongs to 'import'");
	if ((o->limit != 0 || a->query != NULL) && !lst)
		return remote_usage_error(
		    o, "--query and --limit belong to 'list'");
	if ((a->revision != 0 || a->document) && strcmp(sub, "get") != 0)
		return remote_usage_error(
		    o, "--revision and --document belong to 'get'");
	return 0;
}

int
cmd_advisory_server(int argc, char **argv)
{
	struct remote_opts o = {0};
	struct aopts a = {0};
	struct remote *r = NULL;
	const char *sub = argv[0];
	char cmd[64], *buf = NULL;
	size_t len = 0;
	int rc;

	snprintf(cmd, sizeof(cmd), "rampart advisory %s", sub);
	o.cmd = cmd;
	if ((rc = parse(&o, &a, argc, argv)) != 0)
		return rc == 1 ? 0 : rc;
	if ((rc = check(&o, &a, sub, argc - optind)) != 0)
		return rc;
	if (strcmp(sub, "import") == 0 &&
	    (rc = remote_read_file("rampart advisory import", argv[optind],
		 RP_CAP_ADVISORY, &buf, &len)) != 0)
		return rc;
	if ((rc = remote_open(&o, REMOTE_AUTH, &r)) != 0) {
		free(buf);
		return rc;
	}
	if (strcmp(sub, "import") == 0)
		rc = import(r, &o, buf, len, &a);
	else if (strcmp(sub, "list") == 0)
		rc = list(r, &o, &a);
	else if (strcmp(sub, "get") == 0)
		rc = get(r, &o, argv[optind], &a);
	else
		rc = revisions(r, &o, argv[optind]);
	free(buf);
	remote_close(r);
	return rc;
}
