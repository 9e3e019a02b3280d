/*
 * rampart indicator list|show|add|edit|rm|import: indicators on the
 * server (/api/v1/indicators, docs/api.md "Indicators").  import sends
 * the file's bytes unchanged and prints what the server did with each
 * entry, every diagnostic with its line or JSON pointer.
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

enum {
	OPT_TENANT = OPT_FIRST_OWN,
	OPT_MSP,
	OPT_TYPE,
	OPT_QUERY,
	OPT_SOURCE,
	OPT_TAG,
	OPT_MODE,
	OPT_EXPIRED,
	OPT_ACTIVE,
	OPT_CONFIDENCE,
	OPT_TLP,
	OPT_EXPIRES,
	OPT_COMMENT,
	OPT_FORMAT,
	OPT_NOPT
};

/* The subcommands, and which of them each option belongs to. */
enum { S_LIST, S_SHOW, S_ADD, S_EDIT, S_RM, S_IMPORT };
#define B(s) (1u << (s))
static const unsigned opt_subs[OPT_NOPT - OPT_FIRST_OWN] = {
    [OPT_TENANT - OPT_FIRST_OWN] = B(S_LIST) | B(S_ADD) | B(S_IMPORT),
    [OPT_MSP - OPT_FIRST_OWN] = B(S_LIST),
    [OPT_TYPE - OPT_FIRST_OWN] = B(S_LIST),
    [OPT_QUERY - OPT_FIRST_OWN] = B(S_LIST),
    [OPT_SOURCE - OPT_FIRST_OWN] = B(S_LIST) | B(S_ADD) | B(S_IMPORT),
    [OPT_TAG - OPT_FIRST_OWN] = B(S_LIST) | B(S_ADD) | B(S_EDIT),
    [OPT_MODE - OPT_FIRST_OWN] = B(S_LIST) | B(S_ADD) | B(S_EDIT) | B(S_IMPORT),
    [OPT_EXPIRED - OPT_FIRST_OWN] = B(S_LIST),
    [OPT_ACTIVE - OPT_FIRST_OWN] = B(S_LIST),
    [OPT_CONFIDENCE - OPT_FIRST_OWN] = B(S_ADD) | B(S_EDIT) | B(S_IMPORT),
    [OPT_TLP - OPT_FIRST_OWN] = B(S_ADD) | B(S_EDIT) | B(S_IMPORT),
    [OPT_EXPIRES - OPT_FIRST_OWN] = B(S_ADD) | B(S_EDIT) | B(S_IMPORT),
    [OPT_COMMENT - OPT_FIRST_OWN] = B(S_ADD) | B(S_EDIT),
    [OPT_FORMAT - OPT_FIRST_OWN] = B(S_IMPORT),
};
static const char *const opt_names[OPT_NOPT - OPT_FIRST_OWN] = {"--tenant",
    "--msp", "--type", "--query", "--source", "--tag", "--mode", "--expired",
    "--active", "--confidence", "--tlp", "--expires", "--comment", "--format"};
#define TAGS_MAX 64

struct iopts {
	const char *v[OPT_NOPT - OPT_FIRST_OWN]; /* each option's value */
	unsigned given; /* bits of the options given */
	const char *tags[TAGS_MAX];
	size_t ntags;
};

static void
usage(FILE *f)
{
	fputs(
	    "usage: rampart indicator list [--tenant SLUG | --msp] [--type T] "
	    "[--query TEXT]\n"
	    "           [--source NAME] [--tag TAG] [--mode M] [--expired | "
	    "--active]\n"
	    "           [--limit N]\n"
	    "       rampart indicator show ID\n"
	    "       rampart indicator add TYPE VALUE [--tenant SLUG] "
	    "[--source NAME]\n"
	    "           [--confidence N] [--tlp TLP] [--mode M] [--tag "
	    "TAG]...\n"
	    "           [--expires TIME] [--comment TEXT]\n"
	    "       rampart indicator edit ID [--mode M|source] "
	    "[--confidence N]\n"
	    "           [--tlp TLP] [--tag TAG]... [--expires TIME|never] "
	    "[--comment TEXT]\n"
	    "       rampart indicator rm ID\n"
	    "       rampart indicator import FILE --source NAME --format F "
	    "[--tenant SLUG]\n"
	    "           [--mode M] [--confidence N] [--tlp TLP] [--expires "
	    "TIME]\n"
	    "\n"
	    "Indicators of compromise on the server, a tenant's or (without "
	    "--tenant)\n"
	    "MSP-wide, which applies to every tenant and only an msp-admin "
	    "changes.\n"
	    "TYPE is sha256, sha1, md5, filename, domain, ip, cidr, url or "
	    "yara; values\n"
	    "are normalised by the server (defanged ones restored).  M is "
	    "block or\n"
	    "inform, TLP clear, green, amber (the default), amber+strict or "
	    "red, TIME an\n"
	    "RFC 3339 date-time such as 2026-12-31T00:00:00Z.\n"
	    "list    indicators you can see; --tenant: those that apply to "
	    "it (its own\n"
	    "        and MSP-wide), --msp: MSP-wide only, --query: value "
	    "contains TEXT,\n"
	    "        --expired / --active: only expired / not expired ones\n"
	    "add     one indicator; adding a value that is there merges "
	    "into it\n"
	    "edit    changes the fields given; --tag replaces the tags, "
	    "--mode source\n"
	    "        follows the source's mode again, --expires never "
	    "clears the expiry\n"
	    "rm      deletes an indicator\n"
	    "import  sends FILE as it is into the source NAME (created on "
	    "first use);\n"
	    "        F is misp, misp-feed-event, stix, csv, list or advisory. "
	    " Prints\n"
	    "        new, updated, unchanged, invalid, deleted and skipped "
	    "counts and each\n"
	    "        diagnostic as 'LEVEL LINE-OR-POINTER MESSAGE'\n"
	    "  --limit N  list at most N (default: all, fetched page by "
	    "page)\n"
	    "\n" REMOTE_COMMON_HELP
	    "Exit 0, 1 when the server refuses (a rejected import too), 2 "
	    "on bad usage\n"
	    "or a file that cannot be read, 3 when the server cannot be "
	    "reached or is\n"
	    "not a Rampart server.\n",
	    f);
}

static int
parse(struct remote_opts *o, struct iopts *a, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"tenant", required_argument, NULL, OPT_TENANT},
	    {"msp", no_argument, NULL, OPT_MSP},
	    {"type", required_argument, NULL, OPT_TYPE},
	    {"query", required_argument, NULL, OPT_QUERY},
	    {"source", required_argument, NULL, OPT_SOURCE},
	    {"tag", required_argument, NULL, OPT_TAG},
	    {"mode", required_argument, NULL, OPT_MODE},
	    {"expired", no_argument, NULL, OPT_EXPIRED},
	    {"active", no_argument, NULL, OPT_ACTIVE},
	    {"confidence", required_argument, NULL, OPT_CONFIDENCE},
	    {"tlp", required_argument, NULL, OPT_TLP},
	    {"expires", required_argument, NULL, OPT_EXPIRES},
	    {"comment", required_argument, NULL, OPT_COMMENT},
	    {"format", required_argument, NULL, OPT_FORMAT}, {0}};
	int ch;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		if (ch == REMOTE_HELP) {
			usage(stdout);
			return 1;
		}
		if (ch == REMOTE_BAD)
			return EXIT_USAGE;
		if (ch < OPT_FIRST_OWN || ch >= OPT_NOPT)
			return EXIT_USAGE;
		if (optarg != NULL && strlen(optarg) > 4096)
			return remote_usage_error(
			    o, "%s: too long", opt_names[ch - OPT_FIRST_OWN]);
		if (ch == OPT_TAG) {
			if (a->ntags == TAGS_MAX)
				return remote_usage_error(
				    o, "at most %d --tag", TAGS_MAX);
			a->tags[a->ntags++] = optarg;
		}
		a->v[ch - OPT_FIRST_OWN] = optarg;
		a->given |= 1u << (ch - OPT_FIRST_OWN);
	}
	return 0;
}

/* Whether every option given belongs to sub, and the argument count. */
static int
check(const struct remote_opts *o, const struct iopts *a, int sub, int n)
{
	static const int nargs[] = {0, 1, 2, 1, 1, 1};
	size_t i;

	if (n != nargs[sub])
		return remote_usage_error(o, "expected %d argument%s",
		    nargs[sub], nargs[sub] == 1 ? "" : "s");
	for (i = 0; i < OPT_NOPT - OPT_FIRST_OWN; i++)
		if ((a->given & (1u << i)) && !(opt_subs[i] & B(sub)))
			return remote_usage_error(o,
			    "%s does not belong to this subcommand",
			    opt_names[i]);
	if (o->limit != 0 && sub != S_LIST)
		return remote_usage_error(o, "--limit belongs to 'list'");
	if (sub == S_IMPORT &&
	    (a->v[OPT_SOURCE - OPT_FIRST_OWN] == NULL ||
		a->v[OPT_FORMAT - OPT_FIRST_OWN] == NULL))
		return remote_usage_error(
		    o, "import needs --source and --format");
	if ((a->given & (1u << (OPT_EXPIRED - OPT_FIRST_OWN))) &&
	    (a->given & (1u << (OPT_ACTIVE - OPT_FIRST_OWN))))
		return remote_usage_error(o, "--expired or --active, not both");
	if (sub == S_EDIT && a->given == 0)
		return remote_usage_error(o, "edit needs a field to change");
	return 0;
}

#define V(opt) (a->v[(opt)-OPT_FIRST_OWN])

static const char *
cell_scope(json_t *it, char *buf, size_t len)
{
	json_t *t = json_object_get(it, "tenant");

	return json_is_string(t) ? remote_str(it, "tenant", buf, len)
				 : "MSP-wide";
}

static void
print_indicator(json_t *i)
{
	char b[1024];

	out_text(stdout, remote_str(i, "type", b, sizeof(b)), 20, 0);
	printf(" ");
	out_text(stdout, remote_str(i, "value", b, sizeof(b)), 400, 0);
	printf("\n");
	remote_field("id:", remote_str(i, "id", b, sizeof(b)));
	remote_field("tenant:", cell_scope(i, b, sizeof(b)));
	remote_field("source:", remote_str(i, "source", b, sizeof(b)));
	remote_field("mode:", remote_str(i, "mode_effective", b, sizeof(b)));
	remote_field("confidence:", remote_str(i, "confidence", b, sizeof(b)));
	remote_field("tlp:", remote_str(i, "tlp", b, sizeof(b)));
	remote_field("tags:", remote_join(i, "tags", b, sizeof(b)));
	remote_field("first seen:", remote_str(i, "first_seen", b, sizeof(b)));
	remote_field("last seen:", remote_str(i, "last_seen", b, sizeof(b)));
	remote_field("expires:",
	    json_is_string(json_object_get(i, "expires"))
		? remote_str(i, "expires", b, sizeof(b))
		: "never");
	remote_field("sightings:", remote_str(i, "sightings", b, sizeof(b)));
	remote_field("comment:", remote_str(i, "comment", b, sizeof(b)));
	remote_field("created by:", remote_str(i, "created_by", b, sizeof(b)));
}

/* "&name=value" (escaped) appended to b when value is not NULL. */
static void
query_add(struct rp_buf *b, const char *name, const char *value)
{
	char *e;

	if (value == NULL || (e = net_escape(value)) == NULL)
		return;
	rp_buf_appendf(b, "&%s=%s", name, e);
	free(e);
}

static int
list(struct remote *r, const struct remote_opts *o, const struct iopts *a)
{
	static const struct remote_col cols[] = {
	    {"ID", "id", NULL},
	    {"TENANT", NULL, cell_scope},
	    {"TYPE", "type", NULL},
	    {"MODE", "mode_effective", NULL},
	    {"CONF", "confidence", NULL},
	    {"SOURCE", "source", NULL},
	    {"EXPIRES", "expires", NULL},
	    {"VALUE", "value", NULL},
	};
	struct rp_buf b;
	int rc;

	rp_buf_init(&b, 64 * 1024);
	rp_buf_append(&b, "");
	query_add(&b, "tenant", V(OPT_TENANT));
	if (a->given & (1u << (OPT_MSP - OPT_FIRST_OWN)))
		query_add(&b, "msp", "1");
	query_add(&b, "type", V(OPT_TYPE));
	query_add(&b, "q", V(OPT_QUERY));
	query_add(&b, "source", V(OPT_SOURCE));
	query_add(&b, "tag", V(OPT_TAG));
	query_add(&b, "mode", V(OPT_MODE));
	if (a->given & (1u << (OPT_EXPIRED - OPT_FIRST_OWN)))
		query_add(&b, "expired", "1");
	if (a->given & (1u << (OPT_ACTIVE - OPT_FIRST_OWN)))
		query_add(&b, "expired", "0");
	if (b.s == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		return EXIT_USAGE;
	}
	rc = remote_list_show(r, o, "/api/v1/indicators", b.s, cols,
	    sizeof(cols) / sizeof(cols[0]));
	rp_buf_free(&b);
	return rc;
}

/* The fields add and edit share into body. */
static int
fields(
    const struct remote_opts *o, const struct iopts *a, json_t *body, int edit)
{
	json_t *tags;
	size_t i;

	if (V(OPT_CONFIDENCE) != NULL) {
		const char *v = V(OPT_CONFIDENCE);
		char *end;
		long c = strtol(v, &end, 10);

		if (v[0] == '\0' || *end != '\0' || c < 0 || c > 100)
			return remote_usage_error(
			    o, "--confidence: expected 0 to 100");
		json_object_set_new(body, "confidence", json_integer(c));
	}
	if (V(OPT_MODE) != NULL)
		json_object_set_new(body, "mode",
		    edit && strcmp(V(OPT_MODE), "source") == 0
			? json_null()
			: json_string(V(OPT_MODE)));
	if (V(OPT_TLP) != NULL)
		json_object_set_new(body, "tlp", json_string(V(OPT_TLP)));
	if (V(OPT_EXPIRES) != NULL)
		json_object_set_new(body, "expires",
		    edit && strcmp(V(OPT_EXPIRES), "never") == 0
			? json_null()
			: json_string(V(OPT_EXPIRES)));
	if (V(OPT_COMMENT) != NULL)
		json_object_set_new(
		    body, "comment", json_string(V(OPT_COMMENT)));
	if (a->ntags > 0) {
		if ((tags = json_array()) == NULL)
			return EXIT_USAGE;
		for (i = 0; i < a->ntags; i++)
			json_array_append_new(tags, json_string(a->tags[i]));
		json_object_set_new(body, "tags", tags);
	}
	return 0;
}

/* Sends body (taken; NULL: none) and prints the Indicator answered. */
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
			print_indicator(data);
	} else if (rc == 0 && !o->json)
		printf("deleted\n");
	json_decref(data);
	return rc;
}

static int
add(struct remote *r, const struct remote_opts *o, const struct iopts *a,
    char **args)
{
	json_t *body =
	    json_pack("{s:s,s:s}", "type", args[0], "value", args[1]);

	if (body == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		return EXIT_USAGE;
	}
	if (V(OPT_TENANT) != NULL)
		json_object_set_new(body, "tenant", json_string(V(OPT_TENANT)));
	if (V(OPT_SOURCE) != NULL)
		json_object_set_new(body, "source", json_string(V(OPT_SOURCE)));
	if (fields(o, a, body, 0) != 0) {
		json_decref(body);
		return EXIT_USAGE;
	}
	return send_one(r, o, "POST", "/api/v1/indicators", body);
}

/* Prints an import's answer: counts, skipped types, diagnostics. */
static void
print_import(json_t *data)
{
	json_t *n = json_object_get(data, "counts"), *d, *v;
	const char *k;
	char b[1024], w[64];
	size_t i;

	printf("source ");
	out_text(stdout, remote_str(data, "source", b, sizeof(b)), 200, 0);
	printf(": %s new, ", remote_str(n, "new", w, sizeof(w)));
	printf("%s updated, ", remote_str(n, "updated", w, sizeof(w)));
	printf("%s unchanged, ", remote_str(n, "unchanged", w, sizeof(w)));
	printf("%s invalid, ", remote_str(n, "invalid", w, sizeof(w)));
	printf("%s deleted, ", remote_str(n, "deleted", w, sizeof(w)));
	printf("%s skipped\n", remote_str(n, "skipped", w, sizeof(w)));
	json_object_foreach(json_object_get(n, "skipped_types"), k, v)
	{
		printf("  skipped ");
		out_text(stdout, k, 64, 0);
		printf(": %lld\n", (long long)json_integer_value(v));
	}
	json_array_foreach(json_object_get(data, "diagnostics"), i, d)
	{
		json_t *line = json_object_get(d, "line");

		printf("%s ", remote_str(d, "level", w, sizeof(w)));
		if (json_is_integer(line))
			printf(
			    "line %lld ", (long long)json_integer_value(line));
		else
			out_text(stdout, remote_str(d, "pointer", b, sizeof(b)),
			    200, 0);
		printf(" ");
		out_text(
		    stdout, remote_str(d, "message", b, sizeof(b)), 400, 0);
		printf("\n");
	}
}

static int
import(struct remote *r, const struct remote_opts *o, const struct iopts *a,
    const char *buf, size_t len)
{
	struct rp_buf q;
	json_t *data = NULL;
	int rc = EXIT_USAGE;

	rp_buf_init(&q, 64 * 1024);
	rp_buf_append(&q, "/api/v1/indicators/import?x=1");
	query_add(&q, "source", V(OPT_SOURCE));
	query_add(&q, "format", V(OPT_FORMAT));
	query_add(&q, "tenant", V(OPT_TENANT));
	query_add(&q, "mode", V(OPT_MODE));
	query_add(&q, "confidence", V(OPT_CONFIDENCE));
	query_add(&q, "tlp", V(OPT_TLP));
	query_add(&q, "expires", V(OPT_EXPIRES));
	if (q.s == NULL)
		fprintf(stderr, "%s: out of memory\n", o->cmd);
	else if ((rc = remote_call(r, "POST", q.s, buf, len, &data, NULL)) ==
	    0) {
		if (o->json)
			remote_print_json(data);
		else
			print_import(data);
	}
	json_decref(data);
	rp_buf_free(&q);
	return rc;
}

static int
by_id(struct remote *r, const struct remote_opts *o, const struct iopts *a,
    int sub, const char *id)
{
	char *esc = net_escape(id), *path = NULL;
	json_t *body;
	int rc = EXIT_USAGE;

	if (esc == NULL ||
	    (path = rp_asprintf("/api/v1/indicators/%s", esc)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		goto out;
	}
	if (sub == S_SHOW)
		rc = send_one(r, o, "GET", path, NULL);
	else if (sub == S_RM)
		rc = send_one(r, o, "DELETE", path, NULL);
	else if ((body = json_object()) != NULL &&
	    (rc = fields(o, a, body, 1)) == 0)
		rc = send_one(r, o, "PATCH", path, body);
	else
		json_decref(body);
out:
	free(esc);
	free(path);
	return rc;
}

static int
run(struct remote_opts *o, const char *name, int argc, char **argv)
{
	static const char *const subs[] = {
	    "list", "show", "add", "edit", "rm", "import", NULL};
	struct iopts a = {0};
	struct remote *r = NULL;
	char *buf = NULL;
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
		rc = import(r, o, &a, buf, len);
	else
		rc = by_id(r, o, &a, sub, argv[optind]);
	free(buf);
	remote_close(r);
	return rc;
}

int
cmd_indicator(int argc, char **argv)
{
	static const char *const subs[] = {
	    "list", "show", "add", "edit", "rm", "import", NULL};

	return remote_main(argc, argv, subs, usage, run);
}
