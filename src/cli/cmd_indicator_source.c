/*
 * rampart indicator-source list|show|add|edit|rm: where indicators come
 * from (/api/v1/indicator-sources, docs/api.md "Indicators"), with the
 * defaults they give their indicators and the fetch state of pulled
 * feeds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "remote.h"
#include "util/out.h"
#include "util/str.h"

enum {
	OPT_TENANT = OPT_FIRST_OWN,
	OPT_KIND,
	OPT_URL,
	OPT_MODE,
	OPT_CONFIDENCE,
	OPT_TLP,
	OPT_INTERVAL,
	OPT_ENABLE,
	OPT_DISABLE,
	OPT_NAME,
	OPT_NOPT
};
enum { S_LIST, S_SHOW, S_ADD, S_EDIT, S_RM };
#define B(s) (1u << (s))
static const unsigned opt_subs[OPT_NOPT - OPT_FIRST_OWN] = {
    B(S_LIST) | B(S_ADD), /* --tenant */
    B(S_ADD), /* --kind */
    B(S_ADD) | B(S_EDIT), /* --url */
    B(S_ADD) | B(S_EDIT), /* --mode */
    B(S_ADD) | B(S_EDIT), /* --confidence */
    B(S_ADD) | B(S_EDIT), /* --tlp */
    B(S_ADD) | B(S_EDIT), /* --fetch-interval */
    B(S_EDIT), /* --enable */
    B(S_ADD) | B(S_EDIT), /* --disable */
    B(S_EDIT), /* --name */
};
static const char *const opt_names[OPT_NOPT - OPT_FIRST_OWN] = {"--tenant",
    "--kind", "--url", "--mode", "--confidence", "--tlp", "--fetch-interval",
    "--enable", "--disable", "--name"};

struct sopts {
	const char *v[OPT_NOPT - OPT_FIRST_OWN];
	unsigned given;
};
#define V(opt) (a->v[(opt)-OPT_FIRST_OWN])
#define GIVEN(opt) (a->given & (1u << ((opt)-OPT_FIRST_OWN)))

static void
usage(FILE *f)
{
	fputs("usage: rampart indicator-source list [--tenant SLUG] [--limit "
	      "N]\n"
	      "       rampart indicator-source show ID\n"
	      "       rampart indicator-source add NAME --kind KIND [--tenant "
	      "SLUG] [--url URL]\n"
	      "           [--mode M] [--confidence N] [--tlp TLP] "
	      "[--fetch-interval S]\n"
	      "           [--disable]\n"
	      "       rampart indicator-source edit ID [--name NAME] [--url "
	      "URL] [--mode M]\n"
	      "           [--confidence N] [--tlp TLP] [--fetch-interval S] "
	      "[--enable | --disable]\n"
	      "       rampart indicator-source rm ID\n"
	      "\n"
	      "Where indicators come from: a tenant's, or (without --tenant) "
	      "MSP-wide,\n"
	      "which only an msp-admin changes.  KIND is manual, import, "
	      "misp-feed or\n"
	      "list-url (the last two are pulled from --url every S seconds). "
	      " --mode (block\n"
	      "or inform), --confidence (0-100) and --tlp (clear, green, "
	      "amber, amber+strict,\n"
	      "red) are the defaults of its indicators; an indicator without "
	      "a mode of its\n"
	      "own follows the source's.  list: --tenant shows its own and "
	      "the MSP-wide\n"
	      "sources.  rm deletes the source and its indicators.\n"
	      "  --limit N  list at most N (default: all, fetched page by "
	      "page)\n"
	      "\n" REMOTE_COMMON_HELP
	      "Exit 0, 1 when the server refuses, 2 on bad usage, 3 when the "
	      "server\n"
	      "cannot be reached or is not a Rampart server.\n",
	    f);
}

static int
parse(struct remote_opts *o, struct sopts *a, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"tenant", required_argument, NULL, OPT_TENANT},
	    {"kind", required_argument, NULL, OPT_KIND},
	    {"url", required_argument, NULL, OPT_URL},
	    {"mode", required_argument, NULL, OPT_MODE},
	    {"confidence", required_argument, NULL, OPT_CONFIDENCE},
	    {"tlp", required_argument, NULL, OPT_TLP},
	    {"fetch-interval", required_argument, NULL, OPT_INTERVAL},
	    {"enable", no_argument, NULL, OPT_ENABLE},
	    {"disable", no_argument, NULL, OPT_DISABLE},
	    {"name", required_argument, NULL, OPT_NAME}, {0}};
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
check(const struct remote_opts *o, const struct sopts *a, int sub, int n)
{
	size_t i;

	if (n != (sub == S_LIST ? 0 : 1))
		return remote_usage_error(o, "wrong number of arguments");
	for (i = 0; i < OPT_NOPT - OPT_FIRST_OWN; i++)
		if ((a->given & (1u << i)) && !(opt_subs[i] & B(sub)))
			return remote_usage_error(o,
			    "%s does not belong to this subcommand",
			    opt_names[i]);
	if (o->limit != 0 && sub != S_LIST)
		return remote_usage_error(o, "--limit belongs to 'list'");
	if (sub == S_ADD && V(OPT_KIND) == NULL)
		return remote_usage_error(o, "add needs --kind");
	if (GIVEN(OPT_ENABLE) && GIVEN(OPT_DISABLE))
		return remote_usage_error(o, "--enable or --disable, not both");
	if (sub == S_EDIT && a->given == 0)
		return remote_usage_error(o, "edit needs a field to change");
	return 0;
}

/* A number option 0..max into *out. */
static int
number(const struct remote_opts *o, const char *opt, const char *v, long max,
    long *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (v[0] == '\0' || *end != '\0' || n < 0 || n > max)
		return remote_usage_error(o, "%s: expected 0 to %ld", opt, max);
	*out = n;
	return 0;
}

/* The fields add and edit share into body. */
static int
fields(const struct remote_opts *o, const struct sopts *a, json_t *body)
{
	long n;

	if (V(OPT_URL) != NULL)
		json_object_set_new(body, "url", json_string(V(OPT_URL)));
	if (V(OPT_MODE) != NULL)
		json_object_set_new(body, "mode", json_string(V(OPT_MODE)));
	if (V(OPT_TLP) != NULL)
		json_object_set_new(body, "tlp", json_string(V(OPT_TLP)));
	if (V(OPT_NAME) != NULL)
		json_object_set_new(body, "name", json_string(V(OPT_NAME)));
	if (V(OPT_CONFIDENCE) != NULL) {
		if (number(o, "--confidence", V(OPT_CONFIDENCE), 100, &n) != 0)
			return EXIT_USAGE;
		json_object_set_new(body, "confidence", json_integer(n));
	}
	if (V(OPT_INTERVAL) != NULL) {
		if (number(o, "--fetch-interval", V(OPT_INTERVAL), 30L * 86400,
			&n) != 0)
			return EXIT_USAGE;
		json_object_set_new(body, "fetch_interval", json_integer(n));
	}
	if (GIVEN(OPT_ENABLE) || GIVEN(OPT_DISABLE))
		json_object_set_new(
		    body, "enabled", json_boolean(GIVEN(OPT_ENABLE)));
	return 0;
}

static const char *
cell_scope(json_t *it, char *buf, size_t len)
{
	return json_is_string(json_object_get(it, "tenant"))
	    ? remote_str(it, "tenant", buf, len)
	    : "MSP-wide";
}

static void
print_source(json_t *x)
{
	char b[1024];

	out_text(stdout, remote_str(x, "name", b, sizeof(b)), 200, 0);
	printf("\n");
	remote_field("id:", remote_str(x, "id", b, sizeof(b)));
	remote_field("tenant:", cell_scope(x, b, sizeof(b)));
	remote_field("kind:", remote_str(x, "kind", b, sizeof(b)));
	remote_field("url:", remote_str(x, "url", b, sizeof(b)));
	remote_field("mode:", remote_str(x, "mode", b, sizeof(b)));
	remote_field("confidence:", remote_str(x, "confidence", b, sizeof(b)));
	remote_field("tlp:", remote_str(x, "tlp", b, sizeof(b)));
	remote_field("enabled:", remote_str(x, "enabled", b, sizeof(b)));
	remote_field(
	    "fetch every:", remote_str(x, "fetch_interval", b, sizeof(b)));
	remote_field(
	    "last fetch:", remote_str(x, "last_fetch_at", b, sizeof(b)));
	remote_field("last ok:", remote_str(x, "last_ok_at", b, sizeof(b)));
	remote_field("last error:", remote_str(x, "last_error", b, sizeof(b)));
}

/* Sends body (taken; NULL: none) and prints the source answered. */
static int
send_one(struct remote *r, const struct remote_opts *o, const char *method,
    const char *path, json_t *body)
{
	char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_t *data = NULL;
	int rc;

	json_decref(body);
	if (body != NULL && text == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		return EXIT_USAGE;
	}
	rc = remote_call(
	    r, method, path, text, text ? strlen(text) : 0, &data, NULL);
	free(text);
	if (rc == 0 && data != NULL) {
		if (o->json)
			remote_print_json(data);
		else
			print_source(data);
	} else if (rc == 0 && !o->json)
		printf("deleted, with its indicators\n");
	json_decref(data);
	return rc;
}

static int
list(struct remote *r, const struct remote_opts *o, const struct sopts *a)
{
	static const struct remote_col cols[] = {
	    {"ID", "id", NULL},
	    {"TENANT", NULL, cell_scope},
	    {"NAME", "name", NULL},
	    {"KIND", "kind", NULL},
	    {"MODE", "mode", NULL},
	    {"CONF", "confidence", NULL},
	    {"TLP", "tlp", NULL},
	    {"LAST-OK", "last_ok_at", NULL},
	};
	char *esc = NULL, *q = NULL;
	int rc = EXIT_USAGE;

	if (V(OPT_TENANT) == NULL ||
	    ((esc = net_escape(V(OPT_TENANT))) != NULL &&
		(q = rp_asprintf("&tenant=%s", esc)) != NULL))
		rc = remote_list_show(r, o, "/api/v1/indicator-sources",
		    q != NULL ? q : "", cols, sizeof(cols) / sizeof(cols[0]));
	free(esc);
	free(q);
	return rc;
}

static int
run(struct remote_opts *o, const char *name, int argc, char **argv)
{
	static const char *const subs[] = {
	    "list", "show", "add", "edit", "rm", NULL};
	struct sopts a = {0};
	struct remote *r = NULL;
	char *esc = NULL, *path = NULL;
	json_t *body = NULL;
	int sub, rc;

	for (sub = 0; subs[sub] != NULL && strcmp(subs[sub], name) != 0; sub++)
		;
	if ((rc = parse(o, &a, argc, argv)) != 0)
		return rc == 1 ? 0 : rc;
	if ((rc = check(o, &a, sub, argc - optind)) != 0)
		return rc;
	if (sub == S_ADD || sub == S_EDIT) {
		if ((body = json_object()) == NULL) {
			fprintf(stderr, "%s: out of memory\n", o->cmd);
			return EXIT_USAGE;
		}
		if (sub == S_ADD) {
			json_object_set_new(
			    body, "name", json_string(argv[optind]));
			json_object_set_new(body, "kind",
			    json_string(a.v[OPT_KIND - OPT_FIRST_OWN]));
			if (a.v[OPT_TENANT - OPT_FIRST_OWN] != NULL)
				json_object_set_new(body, "tenant",
				    json_string(
					a.v[OPT_TENANT - OPT_FIRST_OWN]));
		}
		if ((rc = fields(o, &a, body)) != 0) {
			json_decref(body);
			return rc;
		}
	}
	if ((rc = remote_open(o, REMOTE_AUTH, &r)) != 0) {
		json_decref(body);
		return rc;
	}
	if (sub == S_LIST)
		rc = list(r, o, &a);
	else if (sub == S_ADD)
		rc = send_one(r, o, "POST", "/api/v1/indicator-sources", body);
	else if ((esc = net_escape(argv[optind])) == NULL ||
	    (path = rp_asprintf("/api/v1/indicator-sources/%s", esc)) == NULL) {
		json_decref(body);
		rc = EXIT_USAGE;
	} else
		rc = send_one(r, o,
		    sub == S_SHOW	? "GET"
			: sub == S_EDIT ? "PATCH"
					: "DELETE",
		    path, body);
	free(esc);
	free(path);
	remote_close(r);
	return rc;
}

int
cmd_indicator_source(int argc, char **argv)
{
	static const char *const subs[] = {
	    "list", "show", "add", "edit", "rm", NULL};

	return remote_main(argc, argv, subs, usage, run);
}
