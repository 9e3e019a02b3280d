/*
 * rampart feed list|add|edit|rm|rotate|status|fetches|report: the
 * blocklist feeds rampartd serves to firewalls, resolvers and proxies
 * (/api/v1/feeds, docs/feeds.md).  A feed's URL carries its secret: the
 * server shows it once (add, rotate), so it is printed then and wiped
 * from memory afterwards.
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
	OPT_MSP,
	OPT_NAME,
	OPT_FORMAT,
	OPT_MAX,
	OPT_SINK4,
	OPT_SINK6,
	OPT_ENABLE,
	OPT_DISABLE,
};

/* The most entries a feed may be limited to (the API's bound). */
#define FEED_MAX_ENTRIES 10000000L

struct fopts {
	const char *tenant, *name, *format, *sink4, *sink6;
	long max; /* -1: not given */
	int msp, enabled; /* enabled -1: not given */
};

static void
usage(FILE *f)
{
	fputs("usage: rampart feed list [--tenant SLUG|msp] [--limit N]\n"
	      "       rampart feed add (--tenant SLUG | --msp) --name NAME "
	      "--format FORMAT\n"
	      "                        [--max-entries N] [--sinkhole4 A] "
	      "[--sinkhole6 A]\n"
	      "       rampart feed edit ID [--enable | --disable] "
	      "[--max-entries N]\n"
	      "                        [--sinkhole4 A|none] [--sinkhole6 "
	      "A|none]\n"
	      "       rampart feed rm ID\n"
	      "       rampart feed rotate ID\n"
	      "       rampart feed status ID\n"
	      "       rampart feed fetches ID\n"
	      "       rampart feed report ID\n"
	      "\n"
	      "A feed is one tenant's blocklist (or the MSP-wide one) in one "
	      "format of\n"
	      "'rampart blocklist render --help', served by rampartd at a URL "
	      "that\n"
	      "carries the feed's secret (docs/feeds.md).  add and rotate "
	      "print that\n"
	      "URL once; the server keeps only a hash of the secret.  rotate "
	      "makes a\n"
	      "new secret: the old URL answers 404 from then on.  add, edit, "
	      "rm and\n"
	      "rotate need a technician or msp-admin.\n"
	      "\n"
	      "  list     the feeds of your tenants with whether the block is "
	      "live\n"
	      "  status   when the feed was last fetched, by which address, "
	      "and whether\n"
	      "           that fetch held every indicator change (fresh) or "
	      "not (stale)\n"
	      "  fetches  the last 100 fetches, newest first\n"
	      "  report   what the current render left out: refused by the "
	      "allowlist\n"
	      "           guard (with the reason), over the limit, not "
	      "expressible\n"
	      "\n"
	      "  --tenant SLUG      the tenant (list: only its feeds; msp: "
	      "the MSP-wide\n"
	      "                     ones)\n"
	      "  --msp              add the MSP-wide feed (MSP-wide "
	      "indicators only;\n"
	      "                     callers who see every tenant)\n"
	      "  --name NAME        what the feed is for (\"acme edge "
	      "firewall\")\n"
	      "  --format FORMAT    a blocklist format (nft, unbound, "
	      "fortigate-ip...)\n"
	      "  --max-entries N    at most N entries, the lowest ranked left "
	      "out;\n"
	      "                     0: the format's device limit\n"
	      "  --sinkhole4 A      DNS formats: answer blocked names with "
	      "this IPv4\n"
	      "                     address (edit: none for NXDOMAIN)\n"
	      "  --sinkhole6 A      ... and this IPv6 address\n"
	      "  --enable, --disable  a disabled feed's URL answers 404\n"
	      "  --limit N          list: show at most N feeds (default: "
	      "all)\n"
	      "\n" REMOTE_COMMON_HELP
	      "Exit 0, 1 when the server refuses, 2 on bad usage, 3 when the "
	      "server\n"
	      "cannot be reached or is not a Rampart server.\n",
	    f);
}

/* The LIVE column: "fresh", "stale (3)" or "never". */
static const char *
live(json_t *f, char *buf, size_t len)
{
	json_t *st = json_object_get(f, "status");
	const char *s = json_string_value(json_object_get(st, "state"));

	if (s == NULL)
		return "-";
	if (strcmp(s, "stale") == 0) {
		snprintf(buf, len, "stale (%lld)",
		    (long long)json_integer_value(
			json_object_get(st, "changes_since")));
		return buf;
	}
	return s;
}

static const char *
last_fetch(json_t *f, char *buf, size_t len)
{
	json_t *lf =
	    json_object_get(json_object_get(f, "status"), "last_fetch");

	return remote_str(lf, "at", buf, len);
}

static const char *
tenant_col(json_t *f, char *buf, size_t len)
{
	if (json_is_null(json_object_get(f, "tenant")))
		return "(MSP-wide)";
	return remote_str(f, "tenant", buf, len);
}

static int
list(struct remote *r, const struct remote_opts *o, const char *tenant)
{
	static const struct remote_col cols[] = {
	    {"ID", "id", NULL},
	    {"TENANT", NULL, tenant_col},
	    {"FORMAT", "format", NULL},
	    {"LIMIT", "limit", NULL},
	    {"ENABLED", "enabled", NULL},
	    {"LIVE", NULL, live},
	    {"LAST-FETCH", NULL, last_fetch},
	    {"NAME", "name", NULL},
	};
	char *q = NULL, *esc = NULL;
	int rc = EXIT_USAGE;

	if (tenant == NULL ||
	    ((esc = net_escape(tenant)) != NULL &&
		(q = rp_asprintf("&tenant=%s", esc)) != NULL))
		rc = remote_list_show(r, o, "/api/v1/feeds", q ? q : "", cols,
		    sizeof(cols) / sizeof(cols[0]));
	free(esc);
	free(q);
	return rc;
}

/* One feed's fields, for add, edit and rotate. */
static void
print_feed(json_t *f)
{
	char b[64];

	printf("feed %s: ", remote_str(f, "id", b, sizeof(b)));
	out_text(stdout, remote_str(f, "name", b, sizeof(b)), 200, 0);
	printf("\n");
	remote_field("tenant:", tenant_col(f, b, sizeof(b)));
	remote_field("format:", remote_str(f, "format", b, sizeof(b)));
	remote_field("file:", remote_str(f, "file", b, sizeof(b)));
	remote_field("limit:",
	    json_integer_value(json_object_get(f, "limit")) == 0
		? "none"
		: remote_str(f, "limit", b, sizeof(b)));
	remote_field("sinkhole4:", remote_str(f, "sinkhole4", b, sizeof(b)));
	remote_field("sinkhole6:", remote_str(f, "sinkhole6", b, sizeof(b)));
	remote_field("enabled:", remote_str(f, "enabled", b, sizeof(b)));
	remote_field("created:", remote_str(f, "created_at", b, sizeof(b)));
}

/* The answer of add, edit or rotate; the URL (shown once) is wiped. */
static void
print_answer(const struct remote_opts *o, json_t *data)
{
	char b[64];

	if (o->json)
		remote_print_json(data);
	else {
		print_feed(data);
		if (json_is_string(json_object_get(data, "url"))) {
			printf("\nshown once, not stored anywhere you can read "
			       "it again:\n");
			remote_field(
			    "url:", remote_str(data, "url", b, sizeof(b)));
		}
	}
	remote_wipe(data, "url");
}

/* The body's optional fields shared by add and edit. */
static int
body_opts(json_t *b, const struct fopts *t, int edit)
{
	int bad = 0;

	if (t->max >= 0)
		bad |=
		    json_object_set_new(b, "max_entries", json_integer(t->max));
	if (t->sink4 != NULL)
		bad |= json_object_set_new(b, "sinkhole4",
		    edit && strcmp(t->sink4, "none") == 0
			? json_null()
			: json_string(t->sink4));
	if (t->sink6 != NULL)
		bad |= json_object_set_new(b, "sinkhole6",
		    edit && strcmp(t->sink6, "none") == 0
			? json_null()
			: json_string(t->sink6));
	if (t->enabled >= 0)
		bad |=
		    json_object_set_new(b, "enabled", json_boolean(t->enabled));
	return bad;
}

/* POST (path /api/v1/feeds) or PATCH (a feed's path) with t's fields. */
static int
feed_send(struct remote *r, const struct remote_opts *o, const char *method,
    const char *path, const struct fopts *t, int rotate)
{
	int edit = strcmp(method, "PATCH") == 0;
	json_t *b = edit ? json_object()
			 : json_pack("{s:o,s:s,s:s}", "tenant",
			       t->msp ? json_null() : json_string(t->tenant),
			       "name", t->name, "format", t->format);
	json_t *data = NULL;
	char *text = NULL;
	int rc = EXIT_USAGE;

	if (b == NULL || body_opts(b, t, edit) != 0 ||
	    (rotate &&
		json_object_set_new(b, "rotate_secret", json_true()) != 0) ||
	    (text = json_dumps(b, JSON_COMPACT)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		json_decref(b);
		return EXIT_USAGE;
	}
	rc = remote_call(r, method, path, text, strlen(text), &data, NULL);
	if (rc == 0)
		print_answer(o, data);
	json_decref(data);
	json_decref(b);
	free(text);
	return rc;
}

static void
print_status(json_t *s)
{
	json_t *lf = json_object_get(s, "last_fetch");
	const char *st = json_string_value(json_object_get(s, "state"));
	char b1[64], b2[64], b3[64], b4[64];

	if (st == NULL || strcmp(st, "never") == 0 || !json_is_object(lf)) {
		printf("never fetched\n");
		return;
	}
	printf("%s: fetched %s by ", st, remote_str(lf, "at", b1, sizeof(b1)));
	out_text(stdout, remote_str(lf, "address", b2, sizeof(b2)), 64, 0);
	printf(" (status %s, %s entries), includes everything up to %s\n",
	    remote_str(lf, "status", b3, sizeof(b3)),
	    remote_str(lf, "entries", b4, sizeof(b4)),
	    remote_str(s, "includes_up_to", b1, sizeof(b1)));
	if (strcmp(st, "stale") == 0)
		printf("stale: %s indicator changes not fetched yet (newest "
		       "%s)\n",
		    remote_str(s, "changes_since", b1, sizeof(b1)),
		    remote_str(s, "newest_change", b2, sizeof(b2)));
}

static void
print_fetches(json_t *d)
{
	static const char *const heads[] = {"AT", "ADDRESS", "STATUS",
	    "ENTRIES", "BYTES", "INCLUDES-UP-TO", "ETAG"};
	static const char *const keys[] = {"at", "address", "status", "entries",
	    "bytes", "includes_up_to", "etag"};
	struct table *t = table_new(7, heads);
	json_t *it;
	size_t i, k;

	if (t == NULL)
		return;
	json_array_foreach(json_object_get(d, "items"), i, it)
	{
		char b[7][96];
		const char *cells[7];
		for (k = 0; k < 7; k++)
			cells[k] = remote_str(it, keys[k], b[k], sizeof(b[k]));
		table_add(t, cells);
	}
	if (json_array_size(json_object_get(d, "items")) == 0)
		printf("never fetched\n");
	else
		table_print(t, stdout);
	table_free(t);
}

/* The report's list key as a table of the item keys. */
static void
print_left(json_t *d, const char *key, const char *title,
    const char *const *heads, const char *const *keys, size_t n)
{
	struct table *t = table_new(n, heads);
	json_t *it;
	size_t i, k;

	if (t == NULL)
		return;
	json_array_foreach(json_object_get(d, key), i, it)
	{
		char b[4][96];
		const char *cells[4];
		for (k = 0; k < n && k < 4; k++)
			cells[k] = remote_str(it, keys[k], b[k], sizeof(b[k]));
		table_add(t, cells);
	}
	printf("\n%s\n", title);
	table_print_fit(t, stdout, remote_width());
	table_free(t);
}

static void
print_report(json_t *d)
{
	static const char *const rh[] = {"VALUE", "TYPE", "REASON", "WHY"};
	static const char *const rk[] = {"value", "type", "reason", "text"};
	static const char *const th[] = {"VALUE", "TYPE", "RANK"};
	static const char *const tk[] = {"value", "type", "rank"};
	static const char *const f[] = {"indicators", "written", "refused",
	    "url_only", "trimmed", "skipped", "expired"};
	char b[7][32], r[64];

	for (size_t i = 0; i < 7; i++)
		remote_str(d, f[i], b[i], sizeof(b[i]));
	printf("rendered %s: %s indicators, %s written, %s refused by the "
	       "allowlist guard,\n%s URLs kept as exact URLs only, %s "
	       "trimmed (over the limit), %s skipped\n(the format cannot "
	       "express them), %s expired\n",
	    remote_str(d, "rendered_at", r, sizeof(r)), b[0], b[1], b[2], b[3],
	    b[4], b[5], b[6]);
	if (json_array_size(json_object_get(d, "refusals")) > 0)
		print_left(d, "refusals", "refused:", rh, rk, 4);
	if (json_array_size(json_object_get(d, "trimmed_entries")) > 0)
		print_left(d, "trimmed_entries", "left out over the limit:", th,
		    tk, 3);
}

/* status, fetches, report or rm of the feed at path. */
static int
one(struct remote *r, const struct remote_opts *o, const char *sub,
    const char *id, const char *path)
{
	int rm = strcmp(sub, "rm") == 0;
	json_t *data = NULL;
	char *p = rm ? rp_strdup0(path) : rp_asprintf("%s/%s", path, sub);
	int rc = EXIT_USAGE;

	if (p == NULL) {
		fprintf(stderr, "%s: out of memory\n", o->cmd);
		return EXIT_USAGE;
	}
	rc = remote_call(r, rm ? "DELETE" : "GET", p, NULL, 0, &data, NULL);
	if (rc == 0 && rm && o->json)
		printf("{\"deleted\": true}\n");
	else if (rc == 0 && rm) {
		printf("feed ");
		out_text(stdout, id, 64, 0);
		printf(" deleted: its URL answers 404 from now on\n");
	} else if (rc == 0 && o->json)
		remote_print_json(data);
	else if (rc == 0 && strcmp(sub, "status") == 0)
		print_status(data);
	else if (rc == 0 && strcmp(sub, "fetches") == 0)
		print_fetches(data);
	else if (rc == 0)
		print_report(data);
	json_decref(data);
	free(p);
	return rc;
}

/* A command's own option into t: 0 or EXIT_USAGE. */
static int
own_opt(const struct remote_opts *o, int ch, struct fopts *t)
{
	switch (ch) {
	case OPT_TENANT:
		t->tenant = optarg;
		return 0;
	case OPT_MSP:
		t->msp = 1;
		return 0;
	case OPT_NAME:
		t->name = optarg;
		return 0;
	case OPT_FORMAT:
		t->format = optarg;
		return 0;
	case OPT_SINK4:
		t->sink4 = optarg;
		return 0;
	case OPT_SINK6:
		t->sink6 = optarg;
		return 0;
	case OPT_ENABLE:
	case OPT_DISABLE:
		if (t->enabled >= 0)
			return remote_usage_error(
			    o, "--enable or --disable, once");
		t->enabled = ch == OPT_ENABLE;
		return 0;
	case OPT_MAX:
		if (strcmp(optarg, "0") == 0) {
			t->max = 0;
			return 0;
		}
		return remote_count(
		    o, "--max-entries", optarg, FEED_MAX_ENTRIES, &t->max);
	}
	return EXIT_USAGE;
}

/* Which options sub takes: 0, or EXIT_USAGE after saying so. */
static int
check_opts(const struct remote_opts *o, const char *sub, const struct fopts *t,
    int nargs)
{
	int lst = strcmp(sub, "list") == 0, add = strcmp(sub, "add") == 0;
	int edit = strcmp(sub, "edit") == 0;
	int fields = t->max >= 0 || t->sink4 != NULL || t->sink6 != NULL;

	if (nargs != (lst || add ? 0 : 1))
		return remote_usage_error(o,
		    lst || add ? "takes no argument"
			       : "expected one argument, the feed's ID");
	if (o->limit != 0 && !lst)
		return remote_usage_error(o, "--limit belongs to 'list'");
	if (t->tenant != NULL && !lst && !add)
		return remote_usage_error(
		    o, "--tenant belongs to 'list' and 'add'");
	if ((t->msp || t->name != NULL || t->format != NULL) && !add)
		return remote_usage_error(
		    o, "--msp, --name and --format belong to 'add'");
	if (fields && !add && !edit)
		return remote_usage_error(o,
		    "--max-entries and --sinkhole4/6 belong to 'add' and "
		    "'edit'");
	if (t->enabled >= 0 && !edit)
		return remote_usage_error(
		    o, "--enable and --disable belong to 'edit'");
	if (add &&
	    (t->name == NULL || t->format == NULL ||
		(t->tenant != NULL) == (t->msp != 0)))
		return remote_usage_error(o,
		    "needs --name, --format and one of --tenant SLUG or "
		    "--msp");
	if (edit && !fields && t->enabled < 0)
		return remote_usage_error(o, "nothing to change");
	return 0;
}

static int
dispatch(struct remote *r, const struct remote_opts *o, const char *sub,
    const struct fopts *t, const char *id, const char *path)
{
	if (strcmp(sub, "list") == 0)
		return list(r, o, t->tenant);
	if (strcmp(sub, "add") == 0)
		return feed_send(r, o, "POST", "/api/v1/feeds", t, 0);
	if (strcmp(sub, "edit") == 0 || strcmp(sub, "rotate") == 0)
		return feed_send(r, o, "PATCH", path, t, sub[0] == 'r');
	return one(r, o, sub, id, path);
}

static int
run(struct remote_opts *o, const char *sub, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"tenant", required_argument, NULL, OPT_TENANT},
	    {"msp", no_argument, NULL, OPT_MSP},
	    {"name", required_argument, NULL, OPT_NAME},
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"max-entries", required_argument, NULL, OPT_MAX},
	    {"sinkhole4", required_argument, NULL, OPT_SINK4},
	    {"sinkhole6", required_argument, NULL, OPT_SINK6},
	    {"enable", no_argument, NULL, OPT_ENABLE},
	    {"disable", no_argument, NULL, OPT_DISABLE}, {0}};
	struct fopts t = {.max = -1, .enabled = -1};
	struct remote *r = NULL;
	char *esc = NULL, *path = NULL;
	const char *id = NULL;
	int ch, rc;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		if (ch == REMOTE_HELP) {
			usage(stdout);
			return 0;
		}
		if (ch == REMOTE_BAD || own_opt(o, ch, &t) != 0)
			return EXIT_USAGE;
	}
	if (check_opts(o, sub, &t, argc - optind) != 0)
		return EXIT_USAGE;
	if (argc - optind == 1) {
		id = argv[optind];
		if ((esc = net_escape(id)) == NULL ||
		    (path = rp_asprintf("/api/v1/feeds/%s", esc)) == NULL) {
			free(esc);
			fprintf(stderr, "%s: out of memory\n", o->cmd);
			return EXIT_USAGE;
		}
	}
	if ((rc = remote_open(o, REMOTE_AUTH, &r)) == 0) {
		rc = dispatch(r, o, sub, &t, id, path);
		remote_close(r);
	}
	free(esc);
	free(path);
	return rc;
}

static const char *const subs[] = {
    "list", "add", "edit", "rm", "rotate", "status", "fetches", "report", NULL};

int
cmd_feed(int argc, char **argv)
{
	return remote_main(argc, argv, subs, usage, run);
}
