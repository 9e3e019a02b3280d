/*
 * rampart findings [list]|show|counts: the server's findings
 * (/api/v1/findings, docs/findings.md), the verdict of one host, advisory
 * and software with the matcher's reason, the remediation and the
 * history.  list reads every page and prints one table with the counts
 * of the first page under it; on a terminal the reason is cut to the
 * line (people scan the table, `show` has it whole), elsewhere it is
 * whole.  list exits 0 whatever the verdicts: it reports the server's
 * state, and 1 stays "the server refused".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "remote.h"
#include "util/out.h"
#include "util/str.h"

enum {
	OPT_ADVISORY = OPT_FIRST_OWN,
	OPT_TENANT,
	OPT_HOST,
	OPT_VERDICT,
	OPT_STATUS
};

#define NVERDICTS 5
/* The API's verdicts, most urgent first, and how people read them. */
static const char *const verdicts[NVERDICTS] = {
    "affected", "under_investigation", "unknown", "fixed", "not_affected"};
static const char *const verdict_words[NVERDICTS] = {
    "affected", "under investigation", "unknown", "fixed", "not affected"};
#define ID_ARG_MAX 256
#define QUERY_MAX (64 * 1024)

static void
usage(FILE *f)
{
	fputs("usage: rampart findings [list] [--advisory ID] [--tenant "
	      "SLUG]... [--host AGENT_ID]\n"
	      "                        [--verdict V]... [--status "
	      "open|resolved|all] [--limit N]\n"
	      "       rampart findings show ID\n"
	      "       rampart findings counts [--advisory ID] [--tenant "
	      "SLUG]...\n"
	      "\n"
	      "A finding is the server's verdict for one host, advisory and "
	      "software,\n"
	      "kept current as inventories and advisories change.  It is "
	      "open while the\n"
	      "verdict is affected, under_investigation or unknown, resolved "
	      "once fixed\n"
	      "or not_affected.\n"
	      "list    findings of your tenants (without a subcommand too): "
	      "ID, tenant,\n"
	      "        host, advisory, software, verdict and reason (cut to "
	      "the terminal's\n"
	      "        width on a terminal), then the counts per verdict of "
	      "every finding\n"
	      "        matching the filters other than --verdict and "
	      "--status\n"
	      "show    one finding: reason, remediation and history\n"
	      "counts  findings and hosts per verdict, in all and per "
	      "tenant\n"
	      "  --advisory ID   only this advisory's findings (its id, as "
	      "'rampart advisory\n"
	      "                  list' shows)\n"
	      "  --tenant SLUG   only this tenant's findings (repeatable)\n"
	      "  --host ID       only this host's findings (its agent ID, as "
	      "'rampart host\n"
	      "                  list' shows)\n"
	      "  --verdict V     affected, under_investigation, unknown, "
	      "fixed or\n"
	      "                  not_affected (repeatable)\n"
	      "  --status S      open (default), resolved or all\n"
	      "  --limit N       show at most N findings (default: all)\n"
	      "\n" REMOTE_COMMON_HELP
	      "                     (list: {\"items\": [...], \"counts\": "
	      "{...}})\n"
	      "Exit 0 (list too when findings are open), 1 when the server "
	      "refuses, 2 on\n"
	      "bad usage, 3 when the server cannot be reached or is not a "
	      "Rampart server.\n",
	    f);
}

struct fopts {
	struct remote_tenants tenants;
	const char *advisory;
	const char *host;
	const char *status;
	int verdict[NVERDICTS]; /* chosen with --verdict */
};

static int
verdict_index(const char *v)
{
	int i;

	for (i = 0; i < NVERDICTS; i++)
		if (strcmp(v, verdicts[i]) == 0)
			return i;
	return -1;
}

/* "&name=v1,v2" with each value escaped; nothing for no values. */
static void
query_list(struct rp_buf *b, const char *name, const char *const *v, size_t n)
{
	char *e;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((e = net_escape(v[i])) == NULL) {
			b->failed = 1;
			return;
		}
		rp_buf_appendf(b, "%s%s", i ? "," : name, e);
		free(e);
	}
}

/* The filters as "&advisory=..&tenant=..": list adds host, verdict and
 * status.  NULL past QUERY_MAX (or when out of memory). */
static char *
query(const struct fopts *f, int lst)
{
	const char *v[NVERDICTS];
	struct rp_buf b;
	size_t n = 0;
	int i;

	rp_buf_init(&b, QUERY_MAX);
	rp_buf_append(&b, "");
	if (f->advisory != NULL)
		query_list(&b, "&advisory=", &f->advisory, 1);
	query_list(&b, "&tenant=", f->tenants.v, f->tenants.n);
	if (lst && f->host != NULL)
		query_list(&b, "&host=", &f->host, 1);
	for (i = 0; i < NVERDICTS; i++)
		if (f->verdict[i])
			v[n++] = verdicts[i];
	if (lst)
		query_list(&b, "&verdict=", v, n);
	if (lst && f->status != NULL)
		query_list(&b, "&status=", &f->status, 1);
	return rp_buf_take(&b);
}

/* ---- list ---- */

struct pages {
	json_t *items;
	json_t *counts; /* the first page's */
	long limit;
};

static int
on_page(json_t *page, void *arg)
{
	struct pages *p = arg;
	json_t *it;
	size_t i;

	if (p->counts == NULL &&
	    json_is_object(json_object_get(page, "counts")))
		p->counts = json_incref(json_object_get(page, "counts"));
	json_array_foreach(json_object_get(page, "items"), i, it)
	{
		if (json_array_append(p->items, it) != 0)
			return EXIT_UNREACHABLE;
		/* stop at the limit, without asking for another page */
		if (p->limit > 0 && (long)json_array_size(p->items) >= p->limit)
			return -1;
	}
	return 0;
}

/* The member key of the object o[obj], as remote_str. */
static const char *
sub_str(json_t *o, const char *obj, const char *key, char *buf, size_t len)
{
	return remote_str(json_object_get(o, obj), key, buf, len);
}

/* "NAME VERSION" of a finding's software. */
static const char *
software(json_t *it, char *buf, size_t len)
{
	char n[16], v[16];

	snprintf(buf, len, "%s %s", sub_str(it, "software", "name", n, 16),
	    sub_str(it, "software", "version", v, 16));
	return buf;
}

static void
print_counts(json_t *counts, size_t listed)
{
	int i;

	printf("\n%zu finding%s listed\nall findings of these filters (any "
	       "verdict and status):",
	    listed, listed == 1 ? "" : "s");
	for (i = 0; i < NVERDICTS; i++)
		printf("%s %lld %s", i ? "," : "",
		    (long long)json_integer_value(
			json_object_get(counts, verdicts[i])),
		    verdict_words[i]);
	printf("\n");
}

static int
list_table(json_t *items, json_t *counts)
{
	static const char *const heads[] = {"ID", "TENANT", "HOST", "ADVISORY",
	    "SOFTWARE", "VERDICT", "REASON"};
	const char *row[7];
	char b[7][512];
	struct table *t;
	json_t *it;
	size_t i;

	if ((t = table_new(7, heads)) == NULL)
		return EXIT_UNREACHABLE;
	json_array_foreach(items, i, it)
	{
		row[0] = remote_str(it, "id", b[0], sizeof(b[0]));
		row[1] = remote_str(it, "tenant", b[1], sizeof(b[1]));
		row[2] = sub_str(it, "host", "hostname", b[2], sizeof(b[2]));
		row[3] = sub_str(it, "advisory", "doc_id", b[3], sizeof(b[3]));
		row[4] = software(it, b[4], sizeof(b[4]));
		row[5] = remote_str(it, "verdict", b[5], sizeof(b[5]));
		row[6] = remote_str(it, "reason", b[6], sizeof(b[6]));
		if (table_add(t, row) != 0) {
			table_free(t);
			fprintf(stderr, "rampart findings: out of memory\n");
			return EXIT_UNREACHABLE;
		}
	}
	table_print_fit(t, stdout, remote_width());
	table_free(t);
	print_counts(counts, json_array_size(items));
	return 0;
}

static int
list(struct remote *r, const struct remote_opts *o, const char *q)
{
	struct pages p = {json_array(), NULL, o->limit};
	json_t *out = NULL;
	int rc;

	if (p.items == NULL)
		return EXIT_UNREACHABLE;
	rc = remote_pages(r, "/api/v1/findings", q, o->limit, on_page, &p);
	if (rc == 0 && p.counts == NULL) {
		fprintf(stderr, "%s: the answer has no counts\n", o->cmd);
		rc = EXIT_UNREACHABLE;
	}
	if (rc == 0 && o->json) {
		if ((out = json_pack("{s:O,s:O}", "items", p.items, "counts",
			 p.counts)) == NULL)
			rc = EXIT_UNREACHABLE;
		else
			remote_print_json(out);
	} else if (rc == 0)
		rc = list_table(p.items, p.counts);
	json_decref(out);
	json_decref(p.items);
	json_decref(p.counts);
	return rc;
}

/* ---- show ---- */

/* "TEXT (inventory N)", or TEXT alone when the inventory is null. */
static void
field_at(const char *label, json_t *f, const char *at, const char *inv)
{
	char b1[64], b2[32], *s;

	if (!json_is_integer(json_object_get(f, inv))) {
		remote_field(label, remote_str(f, at, b1, sizeof(b1)));
		return;
	}
	s = rp_asprintf("%s (inventory %s)", remote_str(f, at, b1, sizeof(b1)),
	    remote_str(f, inv, b2, sizeof(b2)));
	remote_field(label, s ? s : "?");
	free(s);
}

static void
print_history(json_t *hist)
{
	static const char *const heads[] = {
	    "AT", "INVENTORY", "VERDICT", "RULE", "VERSION", "REASON"};
	const char *row[6];
	char b[6][512];
	struct table *t;
	json_t *ev;
	size_t i;

	printf("\nhistory, newest first:\n");
	if ((t = table_new(6, heads)) == NULL)
		return;
	json_array_foreach(hist, i, ev)
	{
		row[0] = remote_str(ev, "at", b[0], sizeof(b[0]));
		row[1] = remote_str(ev, "inventory", b[1], sizeof(b[1]));
		row[2] = remote_str(ev, "verdict", b[2], sizeof(b[2]));
		row[3] = remote_str(ev, "rule", b[3], sizeof(b[3]));
		row[4] = remote_str(ev, "version", b[4], sizeof(b[4]));
		row[5] = remote_str(ev, "reason", b[5], sizeof(b[5]));
		if (table_add(t, row) != 0)
			break;
	}
	table_print(t, stdout);
	table_free(t);
}

static void
print_finding(json_t *f)
{
	json_t *adv = json_object_get(f, "advisory"),
	       *sw = json_object_get(f, "software");
	char b[1024], b2[64], *s;
	int v;

	out_text(
	    stdout, sub_str(f, "advisory", "doc_id", b, sizeof(b)), 200, 0);
	printf(" on ");
	out_text(stdout, sub_str(f, "host", "hostname", b, sizeof(b)), 200, 0);
	printf(": ");
	out_text(stdout, remote_str(f, "verdict", b, sizeof(b)), 64, 0);
	printf("\n");
	remote_field("id:", remote_str(f, "id", b, sizeof(b)));
	remote_field("tenant:", remote_str(f, "tenant", b, sizeof(b)));
	remote_field("host id:", sub_str(f, "host", "id", b, sizeof(b)));
	remote_field("advisory:", remote_str(adv, "title", b, sizeof(b)));
	s = rp_asprintf("%s, revision %s", remote_str(adv, "id", b, sizeof(b)),
	    remote_str(adv, "revision", b2, sizeof(b2)));
	remote_field("advisory id:", s ? s : "?");
	free(s);
	remote_field("software:", software(f, b, sizeof(b)));
	if (json_is_string(json_object_get(sw, "arch")))
		remote_field("arch:", remote_str(sw, "arch", b, sizeof(b)));
	if (json_is_string(json_object_get(sw, "purl")))
		remote_field("purl:", remote_str(sw, "purl", b, sizeof(b)));
	remote_field("verdict:", remote_str(f, "verdict", b, sizeof(b)));
	remote_field("rule:", remote_str(f, "rule", b, sizeof(b)));
	remote_field("status:", remote_str(f, "status", b, sizeof(b)));
	field_at("first seen:", f, "first_seen", "first_inventory");
	if (json_is_string(json_object_get(f, "resolved_at")))
		field_at("resolved:", f, "resolved_at", "resolved_inventory");
	remote_field("updated:", remote_str(f, "updated_at", b, sizeof(b)));
	remote_field("reason:", remote_str(f, "reason", b, sizeof(b)));
	/* as rampart check says it */
	v = verdict_index(remote_str(f, "verdict", b, sizeof(b)));
	remote_field("remediation:",
	    json_is_string(json_object_get(f, "remediation"))
		? json_string_value(json_object_get(f, "remediation"))
		: v >= 3 ? "none needed"
			 : "none known");
	print_history(json_object_get(f, "history"));
}

static int
show(struct remote *r, const struct remote_opts *o, const char *id)
{
	char *esc = NULL, *path = NULL;
	json_t *data = NULL;
	int rc = EXIT_UNREACHABLE;

	if ((esc = net_escape(id)) == NULL ||
	    (path = rp_asprintf("/api/v1/findings/%s", esc)) == NULL)
		fprintf(stderr, "%s: out of memory\n", o->cmd);
	else if ((rc = remote_call(r, "GET", path, NULL, 0, &data, NULL)) ==
	    0) {
		if (o->json)
			remote_print_json(data);
		else
			print_finding(data);
	}
	json_decref(data);
	free(esc);
	free(path);
	return rc;
}

/* ---- counts ---- */

/* Two rows of the counts table: the findings and the hosts of one
 * tenant (or all). */
static int
counts_rows(struct table *t, const char *tenant, json_t *o)
{
	static const char *const what[2] = {"counts", "hosts"};
	static const char *const label[2] = {"findings", "hosts"};
	const char *row[2 + NVERDICTS];
	char b[NVERDICTS][32];
	int k, i;

	for (k = 0; k < 2; k++) {
		row[0] = tenant;
		row[1] = label[k];
		for (i = 0; i < NVERDICTS; i++) {
			snprintf(b[i], sizeof(b[i]), "%lld",
			    (long long)json_integer_value(json_object_get(
				json_object_get(o, what[k]), verdicts[i])));
			row[2 + i] = b[i];
		}
		if (table_add(t, row) != 0)
			return EXIT_UNREACHABLE;
	}
	return 0;
}

static int
counts(struct remote *r, const struct remote_opts *o, const char *q)
{
	static const char *const heads[] = {"TENANT", "COUNT", "AFFECTED",
	    "UNDER-INVESTIGATION", "UNKNOWN", "FIXED", "NOT-AFFECTED"};
	char *path = NULL, b[256];
	struct table *t = NULL;
	json_t *data = NULL, *te;
	size_t i;
	int rc = EXIT_UNREACHABLE;

	if ((path = rp_asprintf("/api/v1/findings/counts%s%s", q[0] ? "?" : "",
		 q[0] ? q + 1 : "")) == NULL)
		goto nomem;
	if ((rc = remote_call(r, "GET", path, NULL, 0, &data, NULL)) != 0)
		goto out;
	if (o->json) {
		remote_print_json(data);
		goto out;
	}
	rc = EXIT_UNREACHABLE;
	if ((t = table_new(7, heads)) == NULL)
		goto nomem;
	json_array_foreach(json_object_get(data, "tenants"), i, te)
	{
		if (counts_rows(
			t, remote_str(te, "tenant", b, sizeof(b)), te) != 0)
			goto nomem;
	}
	if (counts_rows(t, "(all)", data) != 0)
		goto nomem;
	table_print(t, stdout);
	printf("\nfindings: every finding matching the filters, open or "
	       "resolved;\nhosts: each host once, by its most urgent "
	       "verdict\n");
	rc = 0;
	goto out;
nomem:
	fprintf(stderr, "%s: out of memory\n", o->cmd);
out:
	table_free(t);
	json_decref(data);
	free(path);
	return rc;
}

/* ---- options ---- */

static int
parse(struct remote_opts *o, struct fopts *f, int argc, char **argv)
{
	static const struct option lo[] = {REMOTE_OPTIONS, REMOTE_LIMIT_OPTION,
	    {"advisory", required_argument, NULL, OPT_ADVISORY},
	    {"tenant", required_argument, NULL, OPT_TENANT},
	    {"host", required_argument, NULL, OPT_HOST},
	    {"verdict", required_argument, NULL, OPT_VERDICT},
	    {"status", required_argument, NULL, OPT_STATUS}, {0}};
	int ch, v;

	while ((ch = remote_getopt(argc, argv, lo, o)) != -1) {
		if (ch == REMOTE_HELP) {
			usage(stdout);
			return 1;
		}
		if (ch == REMOTE_BAD)
			return EXIT_USAGE;
		if (ch != OPT_VERDICT && strlen(optarg) > ID_ARG_MAX)
			return remote_usage_error(
			    o, "%s: too long", argv[optind - 1]);
		switch (ch) {
		case OPT_ADVISORY:
			f->advisory = optarg;
			break;
		case OPT_TENANT:
			if (remote_tenant_add(o, &f->tenants, optarg) != 0)
				return EXIT_USAGE;
			break;
		case OPT_HOST:
			f->host = optarg;
			break;
		case OPT_VERDICT:
			if ((v = verdict_index(optarg)) < 0)
				return remote_usage_error(o,
				    "--verdict %s: expected affected, "
				    "under_investigation, unknown, fixed or "
				    "not_affected",
				    optarg);
			f->verdict[v] = 1;
			break;
		default:
			if (strcmp(optarg, "open") != 0 &&
			    strcmp(optarg, "resolved") != 0 &&
			    strcmp(optarg, "all") != 0)
				return remote_usage_error(o,
				    "--status %s: expected open, resolved or "
				    "all",
				    optarg);
			f->status = optarg;
		}
	}
	return 0;
}

/* Which options each subcommand takes; 0 or EXIT_USAGE. */
static int
check(
    const struct remote_opts *o, const struct fopts *f, const char *sub, int n)
{
	int lst = strcmp(sub, "list") == 0, shw = strcmp(sub, "show") == 0, i,
	    verdict = 0;

	for (i = 0; i < NVERDICTS; i++)
		verdict |= f->verdict[i];
	if (n != (shw ? 1 : 0))
		return remote_usage_error(
		    o, shw ? "expected one argument" : "takes no argument");
	if (shw && (f->advisory != NULL || f->tenants.n > 0))
		return remote_usage_error(
		    o, "--advisory and --tenant belong to 'list' and 'counts'");
	if (!lst &&
	    (f->host != NULL || verdict || f->status != NULL || o->limit != 0))
		return remote_usage_error(o,
		    "--host, --verdict, --status and --limit belong to "
		    "'list'");
	return 0;
}

static int
run(struct remote_opts *o, const char *sub, int argc, char **argv)
{
	struct fopts f = {0};
	struct remote *r = NULL;
	char *q = NULL;
	int rc;

	if ((rc = parse(o, &f, argc, argv)) != 0)
		return rc == 1 ? 0 : rc;
	if ((rc = check(o, &f, sub, argc - optind)) != 0)
		return rc;
	if ((q = query(&f, strcmp(sub, "list") == 0)) == NULL)
		return remote_usage_error(o, "the filters are too long");
	if ((rc = remote_open(o, REMOTE_AUTH, &r)) == 0) {
		if (strcmp(sub, "list") == 0)
			rc = list(r, o, q);
		else if (strcmp(sub, "show") == 0)
			rc = show(r, o, argv[optind]);
		else
			rc = counts(r, o, q);
		remote_close(r);
	}
	free(q);
	return rc;
}

int
cmd_findings(int argc, char **argv)
{
	static const char *const subs[] = {"list", "show", "counts", NULL};

	return remote_main_default(argc, argv, subs, "list", usage, run);
}
