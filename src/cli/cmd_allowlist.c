/*
 * rampart allowlist list|add|rm|import: the allowlist guard's entries on
 * the server (/api/v1/allowlist, docs/api.md "Allowlist"), a tenant's or
 * MSP-wide.  import sends a MISP warninglist as it is; the server reads
 * it with the guard's own reader and replaces the list of its name.
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

enum { OPT_TENANT = OPT_FIRST_OWN, OPT_MSP, OPT_LIST, OPT_REASON, OPT_NOPT };
enum { S_LIST, S_ADD, S_RM, S_IMPORT };
#define B(s) (1u << (s))
static const unsigned opt_subs[OPT_NOPT - OPT_FIRST_OWN] = {
    B(S_LIST) | B(S_ADD) | B(S_IMPORT), /* --tenant */
    B(S_LIST) | B(S_ADD) | B(S_IMPORT), /* --msp */
    B(S_ADD), /* --list */
    B(S_ADD), /* --reason */
};
static const char *const opt_names[OPT_NOPT - OPT_FIRST_OWN] = {
    "--tenant", "--msp", "--list", "--reason"};

struct aopts {
	const char *v[OPT_NOPT - OPT_FIRST_OWN];
	unsigned given;
};
#define V(opt) (a->v[(opt)-OPT_FIRST_OWN])
#define GIVEN(opt) (a->given & (1u << ((opt)-OPT_FIRST_OWN)))

static void
usage(FILE *f)
{
	fputs("usage: rampart allowlist list [--tenant SLUG | --msp] [--limit "
	      "N]\n"
	      "       rampart allowlist add KIND VALUE (--tenant SLUG | --msp) "
	      "[--list NAME]\n"
	      "           [--reason TEXT]\n"
	      "       rampart allowlist rm ID\n"
	      "       rampart allowlist import FILE (--tenant SLUG | --msp)\n"
	      "\n"
	      "Domains and networks no blocklist may block: a tenant's, or "
	      "MSP-wide (--msp),\n"
	      "which only an msp-admin changes.  KIND is domain (the name "
	      "and every name\n"
	      "below it) or cidr (an address or network).\n"
	      "list    --tenant: its own entries and the MSP-wide ones; "
	      "otherwise MSP-wide\n"
	      "add     one entry on the list NAME (default: customer "
	      "domains)\n"
	      "rm      deletes an entry\n"
	      "import  sends FILE, a MISP warninglist, as it is: its names "
	      "and networks\n"
	      "        replace the entries of the list of its name.  Prints "
	      "the counts and\n"
	      "        each diagnostic as 'LEVEL POINTER MESSAGE'; substring "
	      "and regex\n"
	      "        lists are refused as not applicable\n"
	      "  --limit N  list at most N (default: all, fetched page by "
	      "page)\n"
	      "\n" REMOTE_COMMON_HELP
	      "Exit 0, 1 when the server refuses, 2 on bad usage or a file "
	      "that cannot be\n"
	      "read, 3 when the server cannot be reached or is not a Rampart "
	      "server.\n",
	    f);
}

static int
parse(struct remote_opts *o, struct aopts *a, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"tenant", required_argument, NULL, OPT_TENANT},
	    {"msp", no_argument, NULL, OPT_MSP},
	    {"list", required_argument, NULL, OPT_LIST},
	    {"reason", required_argument, NULL, OPT_REASON}, {0}};
	int ch;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		if (ch == REMOTE_HELP) {
			usage(stdout);
			return 1;
		}
		if (ch == REMOTE_BAD || ch < OPT_FIRST_OWN || ch >= OPT_NOPT)
			return EXIT_USAGE;
		if (optarg != NULL && strlen(optarg) > 4096)
			return remote_usage_error(
			    o, "%s: too long", opt_names[ch - OPT_FIRST_OWN]);
		a->v[ch - OPT_FIRST_OWN] = optarg;
		a->given |= 1u << (ch - OPT_FIRST_OWN);
	}
	return 0;
}

static int
check(const struct remote_opts *o, const struct aopts *a, int sub, int n)
{
	static const int nargs[] = {0, 2, 1, 1};
	size_t i;

	if (n != nargs[sub])
		return remote_usage_error(o, "wrong number of arguments");
	for (i = 0; i < OPT_NOPT - OPT_FIRST_OWN; i++)
		if ((a->given & (1u << i)) && !(opt_subs[i] & B(sub)))
			return remote_usage_error(o,
			    "%s does not belong to this subcommand",
			    opt_names[i]);
	if (o->limit != 0 && sub != S_LIST)
		return remote_usage_error(o, "--limit belongs to 'list'");
	if (GIVEN(OPT_TENANT) && GIVEN(OPT_MSP))
		return remote_usage_error(o, "--tenant or --msp, not both");
	/* a change says whose list it changes */
	if ((sub == S_ADD || sub == S_IMPORT) && !GIVEN(OPT_TENANT) &&
	    !GIVEN(OPT_MSP))
		return remote_usage_error(o, "%s needs --tenant SLUG or --msp",
		    sub == S_ADD ? "add" : "import");
	return 0;
}

/* /api/v1/allowlist or /api/v1/tenants/SLUG/allowlist, then tail. */
static char *
base_path(const struct aopts *a, const char *tail)
{
	char *esc, *p;

	if (V(OPT_TENANT) == NULL)
		return rp_asprintf("/api/v1/allowlist%s", tail);
	if ((esc = net_escape(V(OPT_TENANT))) == NULL)
		return NULL;
	p = rp_asprintf("/api/v1/tenants/%s/allowlist%s", esc, tail);
	free(esc);
	return p;
}

static const char *
cell_scope(json_t *it, char *buf, size_t len)
{
	return json_is_string(json_object_get(it, "tenant"))
	    ? remote_str(it, "tenant", buf, len)
	    : "MSP-wide";
}

static void
print_import(json_t *data)
{
	json_t *n = json_object_get(data, "counts"), *d;
	char b[1024], w[64];
	size_t i;

	printf("list ");
	out_text(stdout, remote_str(data, "list", b, sizeof(b)), 200, 0);
	printf(" (%s): ", remote_str(data, "type", w, sizeof(w)));
	printf("%s read, ", remote_str(n, "read", w, sizeof(w)));
	printf("%s added, ", remote_str(n, "added", w, sizeof(w)));
	printf("%s removed, ", remote_str(n, "removed", w, sizeof(w)));
	printf("%s left out\n", remote_str(n, "left_out", w, sizeof(w)));
	json_array_foreach(json_object_get(data, "diagnostics"), i, d)
	{
		printf("%s ", remote_str(d, "level", w, sizeof(w)));
		out_text(
		    stdout, remote_str(d, "pointer", b, sizeof(b)), 200, 0);
		printf(" ");
		out_text(
		    stdout, remote_str(d, "message", b, sizeof(b)), 400, 0);
		printf("\n");
	}
}

/* Sends method path with body (NULL: none) and prints the answer. */
static int
ask(struct remote *r, const struct remote_opts *o, const char *method,
    const char *path, const char *body, size_t len, int sub)
{
	json_t *data = NULL;
	char b[1024];
	int rc;

	rc = remote_call(r, method, path, body, len, &data, NULL);
	if (rc == 0 && data != NULL && o->json)
		remote_print_json(data);
	else if (rc == 0 && sub == S_IMPORT)
		print_import(data);
	else if (rc == 0 && sub == S_ADD) {
		printf("added %s ", remote_str(data, "id", b, sizeof(b)));
		out_text(
		    stdout, remote_str(data, "value", b, sizeof(b)), 300, 0);
		printf(" (%s)\n", cell_scope(data, b, sizeof(b)));
	} else if (rc == 0)
		printf("deleted\n");
	json_decref(data);
	return rc;
}

static int
list(struct remote *r, const struct remote_opts *o, const struct aopts *a)
{
	static const struct remote_col cols[] = {
	    {"ID", "id", NULL},
	    {"TENANT", NULL, cell_scope},
	    {"KIND", "kind", NULL},
	    {"VALUE", "value", NULL},
	    {"LIST", "list", NULL},
	    {"REASON", "reason", NULL},
	};
	char *path = base_path(a, "");
	int rc = EXIT_USAGE;

	if (path != NULL)
		rc = remote_list_show(
		    r, o, path, "", cols, sizeof(cols) / sizeof(cols[0]));
	free(path);
	return rc;
}

static int
add(struct remote *r, const struct remote_opts *o, const struct aopts *a,
    char **args)
{
	json_t *body =
	    json_pack("{s:s,s:s}", "kind", args[0], "value", args[1]);
	char *text = NULL, *path = base_path(a, "");
	int rc = EXIT_USAGE;

	if (body != NULL && V(OPT_LIST) != NULL)
		json_object_set_new(body, "list", json_string(V(OPT_LIST)));
	if (body != NULL && V(OPT_REASON) != NULL)
		json_object_set_new(body, "reason", json_string(V(OPT_REASON)));
	if (body != NULL)
		text = json_dumps(body, JSON_COMPACT);
	if (text == NULL || path == NULL)
		fprintf(stderr, "%s: out of memory\n", o->cmd);
	else
		rc = ask(r, o, "POST", path, text, strlen(text), S_ADD);
	json_decref(body);
	free(text);
	free(path);
	return rc;
}

static int
run(struct remote_opts *o, const char *name, int argc, char **argv)
{
	static const char *const subs[] = {"list", "add", "rm", "import", NULL};
	struct aopts a = {0};
	struct remote *r = NULL;
	char *buf = NULL, *esc = NULL, *path = NULL;
	size_t len = 0;
	int sub, rc;

	for (sub = 0; subs[sub] != NULL && strcmp(subs[sub], name) != 0; sub++)
		;
	if ((rc = parse(o, &a, argc, argv)) != 0)
		return rc == 1 ? 0 : rc;
	if ((rc = check(o, &a, sub, argc - optind)) != 0)
		return rc;
	if (sub == S_IMPORT &&
	    (rc = remote_read_file(
		 o->cmd, argv[optind], RP_CAP_INDICATORS, &buf, &len)) != 0)
		return rc;
	if ((rc = remote_open(o, REMOTE_AUTH, &r)) != 0) {
		free(buf);
		return rc;
	}
	if (sub == S_LIST)
		rc = list(r, o, &a);
	else if (sub == S_ADD)
		rc = add(r, o, &a, argv + optind);
	else if (sub == S_IMPORT)
		rc = (path = base_path(&a, "/import")) == NULL
		    ? EXIT_USAGE
		    : ask(r, o, "POST", path, buf, len, S_IMPORT);
	else if ((esc = net_escape(argv[optind])) == NULL ||
	    (path = rp_asprintf("/api/v1/allowlist/%s", esc)) == NULL)
		rc = EXIT_USAGE;
	else
		rc = ask(r, o, "DELETE", path, NULL, 0, S_RM);
	free(buf);
	free(esc);
	free(path);
	remote_close(r);
	return rc;
}

int
cmd_allowlist(int argc, char **argv)
{
	static const char *const subs[] = {"list", "add", "rm", "import", NULL};

	return remote_main(argc, argv, subs, usage, run);
}
