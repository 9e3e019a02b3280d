/*
 * rampart check: reads advisories and inventories, matches every host
 * against every advisory offline, and prints one verdict per host and
 * advisory (and per matching package) with the reason and the remediation,
 * as a table for people or as JSON for scripts (docs/cli.md documents
 * the shape).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "advisory/advisory.h"
#include "inventory/inventory.h"
#include "match/match.h"
#include "util/diag.h"
#include "util/err.h"

#include "cmd.h"
#include "util/out.h"

#define FILES_MAX 4096
#define COL_MAX 28

struct opts {
	const char *adv[FILES_MAX], *inv[FILES_MAX], *alias[FILES_MAX];
	size_t nadv, ninv, nalias;
	int json, verbose;
};

/* An input that could not be read: the others are still checked. */
struct unread {
	const char *file;
	const char *kind; /* "advisory" or "inventory" */
	int err; /* RP_ERR_* */
	struct rp_diags *d; /* what the reader said */
};

struct run {
	struct unread unread[2 * FILES_MAX];
	size_t nunread;
	struct advisory *advs[FILES_MAX];
	struct inv_set *hosts;
	struct matcher *m;
	struct match_results all; /* every host's */
	struct match_results *res; /* per host: views into all, not owned */
	size_t nres;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: rampart check --advisory FILE... --inventory FILE...\n"
	    "                     [--alias NAME=NAME]... [--json] "
	    "[--verbose]\n"
	    "\n"
	    "Matches the software of every host in the inventories (CycloneDX "
	    "1.2-1.6 or\n"
	    "native JSON) against the advisories (CSAF 2.0, OSV or native) "
	    "and prints\n"
	    "a verdict per host and advisory: affected, under investigation, "
	    "unknown,\n"
	    "fixed or not affected, with the reason (advisory, product ID, "
	    "rule) and\n"
	    "the remediation that applies.  No server is needed.\n"
	    "\n"
	    "  -a, --advisory FILE...   advisories; each option takes the "
	    "files after it\n"
	    "  -i, --inventory FILE...  inventories, one or more hosts each\n"
	    "      --alias A=B          product names A and B denote the "
	    "same product\n"
	    "  -j, --json               JSON for scripts (see docs/cli.md)\n"
	    "  -v, --verbose            also print reader warnings\n"
	    "  -h, --help               this help\n"
	    "\n"
	    "An input that cannot be read is reported (its file and errors, "
	    "naming the\n"
	    "JSON pointer) and the others are still checked.\n"
	    "\n"
	    "Exit status: 0 no host is affected, 1 some host is affected, "
	    "2 bad usage\n"
	    "or no advisory or no inventory could be read (nothing checked); "
	    "4 or 5:\n"
	    "as 0 or 1 for the inputs read, but some could not be read.\n");
}

static int
add_file(const char **v, size_t *n, const char *s)
{
	if (*n >= FILES_MAX) {
		fprintf(
		    stderr, "rampart check: more than %d files\n", FILES_MAX);
		return -1;
	}
	v[(*n)++] = s;
	return 0;
}

/* Returns 0, 1 for --help, or -1 on bad usage (already reported). */
static int
parse(int argc, char **argv, struct opts *o)
{
	const char **list = NULL;
	size_t *nlist = NULL;
	const char *a;
	int i;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return 1;
		if (strcmp(a, "-j") == 0 || strcmp(a, "--json") == 0) {
			o->json = 1;
			list = NULL;
		} else if (strcmp(a, "-v") == 0 ||
		    strcmp(a, "--verbose") == 0) {
			o->verbose = 1;
			list = NULL;
		} else if (strcmp(a, "-a") == 0 ||
		    strcmp(a, "--advisory") == 0) {
			list = o->adv;
			nlist = &o->nadv;
		} else if (strcmp(a, "-i") == 0 ||
		    strcmp(a, "--inventory") == 0) {
			list = o->inv;
			nlist = &o->ninv;
		} else if (strncmp(a, "--advisory=", 11) == 0) {
			if (add_file(o->adv, &o->nadv, a + 11) != 0)
				return -1;
		} else if (strncmp(a, "--inventory=", 12) == 0) {
			if (add_file(o->inv, &o->ninv, a + 12) != 0)
				return -1;
		} else if (strcmp(a, "--alias") == 0 ||
		    strncmp(a, "--alias=", 8) == 0) {
			if (a[7] == '=')
				a += 8;
			else if (++i < argc)
				a = argv[i];
			else {
				fprintf(stderr,
				    "rampart check: --alias needs "
				    "NAME=NAME\n");
				return -1;
			}
			if (strchr(a, '=') == NULL || a[0] == '=') {
				fprintf(stderr,
				    "rampart check: --alias %s: "
				    "expected NAME=NAME\n",
				    a);
				return -1;
			}
			if (add_file(o->alias, &o->nalias, a) != 0)
				return -1;
			list = NULL;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(
			    stderr, "rampart check: unknown option %s\n", a);
			return -1;
		} else if (list == NULL) {
			fprintf(stderr,
			    "rampart check: %s: say whether it is "
			    "an --advisory or an --inventory\n",
			    a);
			return -1;
		} else if (add_file(list, nlist, a) != 0)
			return -1;
	}
	if (o->nadv == 0 || o->ninv == 0) {
		fprintf(stderr,
		    "rampart check: need at least one --advisory "
		    "and one --inventory\n");
		return -1;
	}
	return 0;
}

/* what: "" for reading, "matching " for the matcher's findings. */
static void
print_diags(
    const struct rp_diags *d, const char *file, const char *what, int warnings)
{
	char *s;
	size_t i;

	out_diags(stderr, d, NULL, file, warnings);
	/* Notes say what a reader made of an input: always shown. */
	for (i = 0; !warnings && i < d->n; i++) {
		if (d->v[i].level != RP_DIAG_NOTE ||
		    (s = rp_diag_format(&d->v[i], file)) == NULL)
			continue;
		out_text(stderr, s, SIZE_MAX, 0);
		fputc('\n', stderr);
		free(s);
	}
	if (!warnings && d->nwarnings > 0 && d->nerrors == 0)
		fprintf(stderr, "%s: %zu warning%s (--verbose shows them)\n",
		    file, d->nwarnings, d->nwarnings == 1 ? "" : "s");
}

/*
 * After reading files[i] failed with r: reports it, keeps it with its
 * diagnostics (taken from *d, which is replaced) for the summary, and
 * returns 0; or -1 when that is not possible (out of memory).
 */
static int
keep_unread(struct run *run, const char *kind, const char *file, int r,
    struct rp_diags **d)
{
	struct unread *u = &run->unread[run->nunread];
	struct rp_diags *nd;

	fprintf(stderr, "rampart check: %s ", kind);
	out_text(stderr, file, SIZE_MAX, 0);
	fprintf(stderr, " cannot be read: %s; the other inputs are checked\n",
	    rp_strerror(r));
	if (r == RP_ERR_NOMEM || (nd = rp_diags_new()) == NULL)
		return -1;
	u->file = file;
	u->kind = kind;
	u->err = r;
	u->d = *d;
	*d = nd;
	run->nunread++;
	return 0;
}

/*
 * Reads every advisory and inventory.  One that cannot be read is
 * reported and left out (o->adv and o->inv keep only those read), so
 * one broken document never stops the verdicts of the others.  Returns
 * 0, or EXIT_USAGE when nothing can be checked (no advisory or no
 * inventory read, or out of memory).
 */
static int
load(struct opts *o, struct run *run)
{
	struct rp_diags *d;
	size_t i, n;
	int r, rc = EXIT_USAGE;

	if ((d = rp_diags_new()) == NULL)
		return EXIT_USAGE;
	for (i = n = 0; i < o->nadv; i++) {
		rp_diags_clear(d);
		r = advisory_read_file(
		    o->adv[i], ADV_FORMAT_AUTO, &run->advs[n], d);
		print_diags(d, o->adv[i], "", o->verbose || r != 0);
		if (r == 0)
			o->adv[n++] = o->adv[i];
		else if (keep_unread(run, "advisory", o->adv[i], r, &d) != 0)
			goto out;
	}
	o->nadv = n;
	if ((run->hosts = inv_set_new()) == NULL)
		goto out;
	for (i = n = 0; i < o->ninv; i++) {
		rp_diags_clear(d);
		r = inventory_read_file(o->inv[i], run->hosts, d);
		print_diags(d, o->inv[i], "", o->verbose || r != 0);
		if (r == 0)
			o->inv[n++] = o->inv[i];
		else if (keep_unread(run, "inventory", o->inv[i], r, &d) != 0)
			goto out;
	}
	o->ninv = n;
	if (o->nadv == 0 || o->ninv == 0) {
		fprintf(stderr,
		    "rampart check: no %s could be read; nothing "
		    "checked\n",
		    o->nadv == 0 ? "advisory" : "inventory");
		goto out;
	}
	rc = 0;
out:
	rp_diags_free(d);
	return rc;
}

static int
match_all(const struct opts *o, struct run *run)
{
	char buf[1024], *eq;
	size_t i, start;
	int r;

	if ((run->m = matcher_new()) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < o->nalias; i++) {
		snprintf(buf, sizeof(buf), "%s", o->alias[i]);
		eq = strchr(buf, '=');
		*eq = '\0';
		if ((r = matcher_add_alias(run->m, buf, eq + 1)) != 0) {
			fprintf(stderr, "rampart check: --alias %s: %s\n",
			    o->alias[i], rp_strerror(r));
			return r;
		}
	}
	for (i = 0; i < o->nadv; i++) {
		struct rp_diags *d = rp_diags_new();

		r = matcher_add_advisory(run->m, run->advs[i], d);
		if (d != NULL)
			print_diags(d, o->adv[i], "matching ", o->verbose);
		rp_diags_free(d);
		if (r != 0)
			return r;
	}
	if (run->hosts->n > 0 &&
	    (run->res = calloc(run->hosts->n, sizeof(*run->res))) == NULL)
		return RP_ERR_NOMEM;
	/* res[i].n counts host i's results; .v is set once all stopped moving. */
	for (i = 0; i < run->hosts->n; i++) {
		start = run->all.n;
		if ((r = matcher_check_host(
			 run->m, run->hosts->hosts[i], &run->all)) != 0)
			return r;
		run->res[i].n = run->all.n - start;
		run->nres++;
	}
	for (i = 0, start = 0; i < run->nres; i++) {
		run->res[i].v = run->all.v + start;
		start += run->res[i].n;
	}
	return 0;
}

/* Machine words for verdicts, stable across releases. */
static const char *
verdict_token(enum match_verdict v)
{
	switch (v) {
	case MATCH_NOT_AFFECTED:
		return "not_affected";
	case MATCH_FIXED:
		return "fixed";
	case MATCH_UNKNOWN:
		return "unknown";
	case MATCH_UNDER_INVESTIGATION:
		return "under_investigation";
	case MATCH_AFFECTED:
		return "affected";
	}
	return "unknown";
}

static enum match_verdict
host_verdict(const struct match_results *r)
{
	enum match_verdict v = MATCH_NOT_AFFECTED;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].verdict > v)
			v = r->v[i].verdict;
	}
	return v;
}

/* Inputs were valid UTF-8; if a string is not, say so rather than drop it. */
static json_t *
jstr(const char *s)
{
	json_t *j;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) == NULL)
		j = json_string("(not valid UTF-8)");
	return j;
}

/* The facts of a result as JSON: only those the rule looked at. */
static json_t *
facts_json(const struct match_result *r)
{
	const struct match_facts *f = &r->f;
	json_t *o, *l;
	size_t i;

	if ((o = json_object()) == NULL)
		return NULL;
	if (f->via != MATCH_VIA_NONE)
		json_object_set_new(
		    o, "via", json_string(match_via_name(f->via)));
	if (f->key != NULL)
		json_object_set_new(o, "key", jstr(f->key));
	if (f->alias != NULL)
		json_object_set_new(o, "alias", jstr(f->alias));
	if (f->bound != NULL)
		json_object_set_new(o, "product_version", jstr(f->bound));
	if (f->range != NULL)
		json_object_set_new(o, "range", jstr(f->range));
	if (f->range_err != NULL && r->rule == MATCH_RULE_RANGE_UNUSABLE)
		json_object_set_new(o, "range_error", jstr(f->range_err));
	if (f->version != NULL)
		json_object_set_new(o, "installed_version", jstr(f->version));
	if (f->scheme != VERSION_SCHEME_UNKNOWN)
		json_object_set_new(
		    o, "scheme", json_string(version_scheme_name(f->scheme)));
	if (f->has_status)
		json_object_set_new(
		    o, "status", json_string(adv_status_name(f->status)));
	if (f->fix_version != NULL)
		json_object_set_new(o, "fix_version", jstr(f->fix_version));
	if (f->source != NULL)
		json_object_set_new(o, "source_package", jstr(f->source));
	if (f->distro != NULL)
		json_object_set_new(o, "distribution", jstr(f->distro));
	if (f->release != NULL)
		json_object_set_new(o, "release", jstr(f->release));
	if (f->host_distro != NULL)
		json_object_set_new(
		    o, "host_distribution", jstr(f->host_distro));
	if (f->host_release != NULL)
		json_object_set_new(o, "host_release", jstr(f->host_release));
	if (f->nlisted > 0 && (l = json_array()) != NULL) {
		for (i = 0; i < f->nlisted; i++)
			json_array_append_new(l, jstr(f->listed[i]->id));
		json_object_set_new(o, "products", l);
	}
	return o;
}

static json_t *
result_json(const struct match_result *r)
{
	json_t *o, *sw = json_null();
	char *reason = match_reason(r), *rem = match_remediation(r);

	if (r->sw != NULL)
		sw = json_pack("{s:o, s:o, s:o, s:s}", "name",
		    jstr(r->sw->name), "version", jstr(r->sw->version),
		    "vendor", jstr(r->sw->vendor), "source",
		    inv_source_name(r->sw->source));
	o = json_pack("{s:o, s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o}",
	    "advisory", jstr(r->adv->id), "verdict", verdict_token(r->verdict),
	    "software", sw, "product_id",
	    jstr(r->product ? r->product->id : NULL), "product_name",
	    jstr(r->product ? r->product->name : NULL), "vulnerability",
	    jstr(r->vuln
		    ? (r->vuln->cve ? r->vuln->cve
				    : (r->vuln->nids ? r->vuln->ids[0] : NULL))
		    : NULL),
	    "rule", match_rule_name(r->rule), "facts", facts_json(r), "reason",
	    jstr(reason), "remediation", jstr(rem));
	free(reason);
	free(rem);
	return o;
}

static json_t *
host_json(const struct inv_host *h, const struct match_results *r)
{
	json_t *res;
	size_t k;

	if ((res = json_array()) == NULL)
		return NULL;
	for (k = 0; k < r->n; k++) {
		if (json_array_append_new(res, result_json(&r->v[k])) != 0) {
			json_decref(res);
			return NULL;
		}
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:o}", "name",
	    jstr(h->name), "id", jstr(h->id), "customer", jstr(h->customer),
	    "os", jstr(h->os), "os_version", jstr(h->os_version), "verdict",
	    verdict_token(host_verdict(r)), "results", res);
}

/* The inputs that could not be read, with their errors, for --json. */
static json_t *
unread_json(const struct run *run)
{
	const struct rp_diag *e;
	json_t *arr, *errs, *o;
	size_t i, k;

	if ((arr = json_array()) == NULL)
		return NULL;
	for (i = 0; i < run->nunread; i++) {
		const struct unread *u = &run->unread[i];

		if ((errs = json_array()) == NULL)
			break;
		for (k = 0; k < u->d->n; k++) {
			e = &u->d->v[k];
			if (e->level != RP_DIAG_ERROR)
				continue;
			json_array_append_new(errs,
			    json_pack("{s:o, s:o, s:I, s:o}", "test",
				jstr(e->test), "pointer", jstr(e->pointer),
				"line", (json_int_t)e->line, "message",
				jstr(e->msg)));
		}
		o = json_pack("{s:o, s:s, s:s, s:o}", "file", jstr(u->file),
		    "input", u->kind, "error", rp_strerror(u->err), "errors",
		    errs);
		if (o == NULL || json_array_append_new(arr, o) != 0)
			break;
	}
	if (i < run->nunread) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/*
 * One JSON document, written host by host so that a large inventory is
 * never held twice in memory: the head (format, advisories, summary)
 * indented, then each host's object compact on its own line.
 */
static int
print_json(const struct opts *o, const struct run *run)
{
	size_t counts[MATCH_AFFECTED + 1] = {0};
	json_t *head = NULL, *advs, *hj;
	char *text = NULL, *end;
	size_t i;
	int r = RP_ERR_NOMEM;

	for (i = 0; i < run->hosts->n; i++)
		counts[host_verdict(&run->res[i])]++;
	if ((advs = json_array()) == NULL)
		goto out;
	for (i = 0; i < o->nadv; i++)
		json_array_append_new(advs,
		    json_pack("{s:o, s:o, s:o}", "id", jstr(run->advs[i]->id),
			"title", jstr(run->advs[i]->title), "file",
			jstr(o->adv[i])));
	head = json_pack("{s:i, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}}",
	    "rampart_check", 1, "advisories", advs, "unreadable",
	    unread_json(run), "summary", "hosts", (json_int_t)run->hosts->n,
	    "affected", (json_int_t)counts[MATCH_AFFECTED],
	    "under_investigation",
	    (json_int_t)counts[MATCH_UNDER_INVESTIGATION], "unknown",
	    (json_int_t)counts[MATCH_UNKNOWN], "fixed",
	    (json_int_t)counts[MATCH_FIXED], "not_affected",
	    (json_int_t)counts[MATCH_NOT_AFFECTED]);
	if (head == NULL ||
	    (text = json_dumps(head, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) ==
		NULL ||
	    (end = strrchr(text, '}')) == NULL)
		goto out;
	/* The head without its closing brace, then the hosts. */
	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	fwrite(text, 1, (size_t)(end - text), stdout);
	printf(",\n  \"hosts\": [");
	for (i = 0; i < run->hosts->n; i++) {
		if ((hj = host_json(run->hosts->hosts[i], &run->res[i])) ==
		    NULL)
			goto out;
		printf("%s\n    ", i > 0 ? "," : "");
		r = json_dumpf(hj, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(hj);
		if (r != 0) {
			r = RP_ERR_IO;
			goto out;
		}
	}
	printf("\n  ]\n}\n");
	r = fflush(stdout) == 0 ? 0 : RP_ERR_IO;
out:
	free(text);
	json_decref(head);
	return r;
}

static int
width(const char *s)
{
	return (int)out_width(s, COL_MAX);
}

static void
col(const char *s, int w)
{
	out_text(stdout, s, COL_MAX, (size_t)w + 2);
}

/* The inputs without verdicts, after the table's summary. */
static void
print_unread(const struct run *run)
{
	const struct unread *u;
	size_t i;

	if (run->nunread == 0)
		return;
	printf("%zu input%s could not be read (no verdicts from %s; the "
	       "errors are on stderr):\n",
	    run->nunread, run->nunread == 1 ? "" : "s",
	    run->nunread == 1 ? "it" : "them");
	for (i = 0; i < run->nunread; i++) {
		u = &run->unread[i];
		printf("    %s ", u->kind);
		out_text(stdout, u->file, SIZE_MAX, 0);
		printf(": %s\n", rp_strerror(u->err));
	}
}

static void
print_table(const struct run *run)
{
	size_t counts[MATCH_AFFECTED + 1] = {0};
	int w[6] = {4, 2, 8, 7, 12, 8};
	const struct match_result *r;
	const struct inv_host *h;
	char *reason, *rem;
	size_t i, k;
	int x;

	for (i = 0; i < run->hosts->n; i++) {
		for (k = 0; k < run->res[i].n; k++) {
			r = &run->res[i].v[k];
			h = r->host;
			if ((x = width(h->name)) > w[0])
				w[0] = x;
			if ((x = width(h->os)) > w[1])
				w[1] = x;
			if (r->sw != NULL && (x = width(r->sw->name)) > w[2])
				w[2] = x;
			if (r->sw != NULL && (x = width(r->sw->version)) > w[3])
				w[3] = x;
			if ((x = width(r->adv->id)) > w[5])
				w[5] = x;
		}
	}
	col("HOST", w[0]);
	col("OS", w[1]);
	col("SOFTWARE", w[2]);
	col("VERSION", w[3]);
	col("VERDICT", w[4]);
	printf("ADVISORY\n");
	for (i = 0; i < run->hosts->n; i++) {
		counts[host_verdict(&run->res[i])]++;
		for (k = 0; k < run->res[i].n; k++) {
			r = &run->res[i].v[k];
			printf("\n");
			col(r->host->name, w[0]);
			col(r->host->os, w[1]);
			col(r->sw ? r->sw->name : NULL, w[2]);
			col(r->sw ? r->sw->version : NULL, w[3]);
			col(r->verdict == MATCH_AFFECTED
				? "AFFECTED"
				: match_verdict_name(r->verdict),
			    w[4]);
			out_text(stdout, r->adv->id, SIZE_MAX, 0);
			printf("\n    reason:      ");
			reason = match_reason(r);
			out_text(stdout, reason ? reason : "(out of memory)",
			    SIZE_MAX, 0);
			free(reason);
			printf("\n");
			if (r->sw == NULL)
				continue;
			rem = match_remediation(r);
			printf("    remediation: ");
			out_text(stdout,
			    rem != NULL			    ? rem
				: r->verdict <= MATCH_FIXED ? "none needed"
							    : "none known",
			    SIZE_MAX, 0);
			free(rem);
			printf("\n");
		}
	}
	printf("\n%zu host%s: %zu affected, %zu under investigation, %zu "
	       "unknown, %zu fixed, %zu not affected\n",
	    run->hosts->n, run->hosts->n == 1 ? "" : "s",
	    counts[MATCH_AFFECTED], counts[MATCH_UNDER_INVESTIGATION],
	    counts[MATCH_UNKNOWN], counts[MATCH_FIXED],
	    counts[MATCH_NOT_AFFECTED]);
	print_unread(run);
}

static void
run_free(struct run *run, size_t nadv)
{
	size_t i;

	for (i = 0; i < run->nunread; i++)
		rp_diags_free(run->unread[i].d);
	match_results_free(&run->all);
	free(run->res);
	matcher_free(run->m);
	inv_set_free(run->hosts);
	for (i = 0; i < nadv; i++)
		advisory_free(run->advs[i]);
}

int
cmd_check(int argc, char **argv)
{
	struct opts *o = NULL;
	struct run *run = NULL;
	size_t i;
	int r, rc = EXIT_USAGE;

	if ((o = calloc(1, sizeof(*o))) == NULL ||
	    (run = calloc(1, sizeof(*run))) == NULL) {
		fprintf(stderr, "rampart check: out of memory\n");
		goto out;
	}
	if ((r = parse(argc, argv, o)) != 0) {
		if (r > 0) {
			usage(stdout);
			rc = 0;
		} else
			fprintf(stderr, "(rampart check --help for usage)\n");
		goto out;
	}
	if ((rc = load(o, run)) != 0)
		goto out;
	rc = EXIT_USAGE;
	if ((r = match_all(o, run)) != 0) {
		fprintf(stderr, "rampart check: matching failed: %s\n",
		    rp_strerror(r));
		goto out;
	}
	if (o->json) {
		if (print_json(o, run) != 0) {
			fprintf(stderr, "rampart check: cannot write output\n");
			goto out;
		}
	} else
		print_table(run);
	rc = 0;
	for (i = 0; i < run->nres; i++) {
		if (host_verdict(&run->res[i]) == MATCH_AFFECTED)
			rc = EXIT_PROBLEM;
	}
	if (run->nunread > 0)
		rc |= EXIT_PARTIAL;
out:
	if (run != NULL)
		run_free(run, o != NULL ? o->nadv : 0);
	free(run);
	free(o);
	return rc;
}
