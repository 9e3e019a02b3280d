/*
 * rampart advisory validate|show: check advisories (CSAF 2.0 against the
 * schema's structure and the mandatory tests, every format by reading it
 * into the model) and print one for people.  Both read local files only;
 * the subcommands that talk to a server (import, list, get, revisions)
 * live in cmd_advisory_server.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "json/rpjson.h"
#include "match/match.h"
#include "util/diag.h"
#include "util/err.h"

#include "cmd.h"
#include "util/out.h"

static void
usage_offline(FILE *f)
{
	fputs("Offline, on local files (no server needed):\n"
	      "validate  checks each advisory (CSAF 2.0, OSV or native, "
	      "detected) and\n"
	      "          prints every error and warning with the file, the "
	      "CSAF test\n"
	      "          number and the JSON pointer, then a summary line per "
	      "file.\n"
	      "          CSAF 2.0 is checked against the schema's structure "
	      "and the\n"
	      "          mandatory tests (section 6.1); every advisory is also "
	      "read and\n"
	      "          indexed for matching, which warns about what cannot "
	      "be used.\n"
	      "          Exit 0 when all are valid, 1 when any has an error, 2 "
	      "on bad\n"
	      "          usage or a file that cannot be opened.\n"
	      "show      prints one advisory: tracking data, vulnerabilities "
	      "and scores,\n"
	      "          products per status with versions, ranges and "
	      "platforms,\n"
	      "          remediations and indicators.  Exit 0, or 2 when it "
	      "cannot be\n"
	      "          read.\n",
	    f);
}

static void
usage(FILE *f)
{
	fputs("usage: rampart advisory validate FILE...\n"
	      "       rampart advisory show FILE\n",
	    f);
	advisory_server_usage(f, 1);
	fputs("\n", f);
	usage_offline(f);
	fputs("\n", f);
	advisory_server_usage(f, 0);
}

static const char *
format_name(enum adv_format f)
{
	switch (f) {
	case ADV_FORMAT_CSAF:
		return "CSAF 2.0";
	case ADV_FORMAT_OSV:
		return "OSV";
	case ADV_FORMAT_NATIVE:
		return "native";
	case ADV_FORMAT_AUTO:
		break;
	}
	return "unknown";
}

static void
print_diags(FILE *f, const struct rp_diags *d, const char *file)
{
	out_diags(f, d, NULL, file, 1);
	if (d->dropped > 0)
		fprintf(f, "%s: %zu more not shown\n", file, d->dropped);
}

/* Whether d already holds an entry saying the same about the same place. */
static int
seen(const struct rp_diags *d, const struct rp_diag *e)
{
	size_t i;

	for (i = 0; i < d->n && i < 2000; i++) {
		if (d->v[i].level == e->level &&
		    strcmp(d->v[i].msg, e->msg) == 0 &&
		    (d->v[i].pointer == NULL) == (e->pointer == NULL) &&
		    (e->pointer == NULL ||
			strcmp(d->v[i].pointer, e->pointer) == 0))
			return 1;
	}
	return 0;
}

/* Adds the reader's findings that the validator did not already report. */
static void
merge_diags(struct rp_diags *into, const struct rp_diags *from)
{
	const struct rp_diag *e;
	size_t i;

	for (i = 0; i < from->n; i++) {
		e = &from->v[i];
		if (seen(into, e))
			continue;
		if (e->line > 0)
			rp_diags_add_at(
			    into, e->level, e->line, e->column, "%s", e->msg);
		else
			rp_diags_add(
			    into, e->level, e->test, e->pointer, "%s", e->msg);
	}
}

/* Adds the matcher's warnings: ranges that cannot be used, for example. */
static void
matchable(const struct advisory *a, struct rp_diags *d)
{
	struct matcher *m;

	if ((m = matcher_new()) == NULL)
		return;
	(void)matcher_add_advisory(m, a, d);
	matcher_free(m);
}

/* Returns 0 valid, EXIT_PROBLEM invalid, EXIT_USAGE unreadable. */
static int
validate_one(const char *path)
{
	struct rp_diags *d = NULL, *rd = NULL;
	struct advisory *a = NULL;
	enum adv_format fmt = ADV_FORMAT_AUTO;
	json_t *root = NULL;
	int rc = EXIT_USAGE, r;

	if ((d = rp_diags_new()) == NULL || (rd = rp_diags_new()) == NULL) {
		fprintf(stderr, "rampart advisory: out of memory\n");
		goto out;
	}
	/* the load says why it failed: not there or unreadable is not
	 * "invalid" (and no stat() before it: that would be a race) */
	r = rpjson_load(path, RP_CAP_ADVISORY, &root, d);
	if (r == RP_ERR_NOTFOUND || r == RP_ERR_IO || r == RP_ERR_NOMEM) {
		print_diags(stderr, d, path);
		goto out;
	}
	if (root != NULL) {
		fmt = advisory_detect(root);
		if (fmt == ADV_FORMAT_CSAF)
			(void)csaf_validate(root, d);
		r = advisory_read_json(root, fmt, &a, rd);
		/* the advisory holds its own copies: free the tree early */
		json_decref(root);
		root = NULL;
		if (r == 0)
			matchable(a, rd);
		merge_diags(d, rd);
	}
	print_diags(stdout, d, path);
	rc = d->nerrors > 0 ? EXIT_PROBLEM : 0;
	out_text(stdout, path, SIZE_MAX, 0);
	if (rc == 0) {
		printf(": valid %s advisory ", format_name(fmt));
		out_text(stdout, a && a->id ? a->id : "(no ID)", 200, 0);
		printf(" (%zu warning%s)\n", d->nwarnings,
		    d->nwarnings == 1 ? "" : "s");
	} else
		printf(": invalid: %zu error%s, %zu warning%s\n", d->nerrors,
		    d->nerrors == 1 ? "" : "s", d->nwarnings,
		    d->nwarnings == 1 ? "" : "s");
out:
	advisory_free(a);
	json_decref(root);
	rp_diags_free(d);
	rp_diags_free(rd);
	return rc;
}

static int
cmd_validate(int argc, char **argv)
{
	int i, r, rc = 0;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
	}
	for (i = 1; i < argc; i++) {
		r = validate_one(argv[i]);
		if (r > rc)
			rc = r;
	}
	return rc;
}

/* ---- show ---- */

static void
show_list(FILE *o, const char *label, char *const *v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	fprintf(o, "    %s: ", label);
	for (i = 0; i < n; i++)
		fprintf(o, "%s%s", i ? ", " : "", v[i]);
	fprintf(o, "\n");
}

static void
show_product(FILE *o, const struct advisory *a, const char *id, int idw)
{
	const struct adv_product *p = advisory_product(a, id);

	if (p == NULL) {
		fprintf(o, "      %s\n", id);
		return;
	}
	fprintf(o, "      %-*s %s", idw, p->id, p->name ? p->name : "");
	if (p->version != NULL)
		fprintf(o, "  [version %s]", p->version);
	if (p->range != NULL)
		fprintf(o, "  [range %s]", p->range);
	if (p->platform != NULL)
		fprintf(o, "  [on %s]", p->platform);
	if (p->purl != NULL)
		fprintf(o, "  [%s]", p->purl);
	else if (p->cpe != NULL)
		fprintf(o, "  [%s]", p->cpe);
	fprintf(o, "\n");
}

/* Prints text on one line, cut at max characters. */
static void
print_oneline(FILE *o, const char *s, size_t max)
{
	size_t n = 0;
	int space = 0;

	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t' || *s == ' ') {
			space = n > 0;
			continue;
		}
		if (n >= max) {
			fprintf(o, "...");
			return;
		}
		if (space)
			fputc(' ', o);
		space = 0;
		fputc(*s, o);
		n++;
	}
}

static void
show_vuln(
    FILE *o, const struct advisory *a, const struct adv_vuln *v, size_t vi)
{
	size_t i, k, len;
	int idw = 8;

	fprintf(o, "\n  %s", v->cve ? v->cve : "(no CVE)");
	if (v->title != NULL)
		fprintf(o, "  %s", v->title);
	fprintf(o, "\n");
	show_list(o, "also", v->ids, v->nids);
	if (v->cwe_id != NULL)
		fprintf(o, "    weakness: %s %s\n", v->cwe_id,
		    v->cwe_name ? v->cwe_name : "");
	for (i = 0; i < v->nscores; i++)
		fprintf(o, "    score: CVSS %s %.1f %s %s\n",
		    v->scores[i].cvss_version ? v->scores[i].cvss_version : "?",
		    v->scores[i].base_score,
		    v->scores[i].base_severity ? v->scores[i].base_severity
					       : "",
		    v->scores[i].vector ? v->scores[i].vector : "");
	for (i = 0; i < v->nnotes; i++) {
		fprintf(o, "    note (%s): ",
		    v->notes[i].category ? v->notes[i].category : "?");
		print_oneline(o, v->notes[i].text, 160);
		fprintf(o, "\n");
	}
	/* Product IDs in one column, as wide as the longest (up to 40). */
	for (i = 0; i < ADV_STATUS_COUNT; i++) {
		for (k = 0; k < v->nstatus[i]; k++) {
			len = strlen(v->status[i][k]);
			if (len > (size_t)idw)
				idw = len > 40 ? 40 : (int)len;
		}
	}
	for (i = 0; i < ADV_STATUS_COUNT; i++) {
		if (v->nstatus[i] == 0)
			continue;
		fprintf(o, "    %s:\n", adv_status_name((enum adv_status)i));
		for (k = 0; k < v->nstatus[i]; k++)
			show_product(o, a, v->status[i][k], idw);
	}
	for (i = 0; i < v->nremediations; i++) {
		const struct adv_remediation *r = &v->remediations[i];

		fprintf(o,
		    "    remediation %s: ", adv_rem_category_name(r->category));
		if (r->details != NULL)
			print_oneline(o, r->details, 300);
		else if (r->fix_version != NULL) {
			fprintf(o, "upgrade to ");
			print_oneline(o, r->fix_version, 300);
			fprintf(o, " or later");
		}
		fprintf(o, "\n");
		if (r->url != NULL)
			fprintf(o, "      see %s\n", r->url);
		if (r->nproduct_ids > 0) {
			fprintf(o, "      for ");
			for (k = 0; k < r->nproduct_ids; k++)
				fprintf(o, "%s%s", k ? ", " : "",
				    r->product_ids[k]);
			fprintf(o, "\n");
		}
	}
	for (i = 0; i < v->nthreats; i++) {
		fprintf(o, "    threat %s: ",
		    v->threats[i].category ? v->threats[i].category : "?");
		print_oneline(o, v->threats[i].details, 300);
		fprintf(o, "\n");
	}
	(void)vi;
}

static void
show(FILE *o, const struct advisory *a)
{
	size_t i;

	fprintf(o, "%s: %s\n", a->id ? a->id : "(no ID)",
	    a->title ? a->title : "(no title)");
	fprintf(o, "  format:     %s", format_name(a->format));
	if (a->category != NULL)
		fprintf(o, " (%s)", a->category);
	if (a->status != NULL)
		fprintf(o, ", status %s", a->status);
	if (a->version != NULL)
		fprintf(o, ", version %s", a->version);
	fprintf(o, "\n");
	if (a->publisher != NULL)
		fprintf(o, "  publisher:  %s\n", a->publisher);
	if (a->initial_release != NULL || a->current_release != NULL)
		fprintf(o, "  released:   %s (current %s)\n",
		    a->initial_release ? a->initial_release : "?",
		    a->current_release ? a->current_release : "?");
	if (a->severity != NULL)
		fprintf(o, "  severity:   %s\n", a->severity);
	for (i = 0; i < a->nnotes; i++) {
		if (a->notes[i].category == NULL ||
		    (strcmp(a->notes[i].category, "summary") != 0 &&
			strcmp(a->notes[i].category, "description") != 0))
			continue;
		fprintf(o, "  %s: ", a->notes[i].category);
		print_oneline(o, a->notes[i].text, 300);
		fprintf(o, "\n");
	}
	for (i = 0; i < a->nreferences; i++)
		fprintf(o, "  reference:  %s\n", a->references[i]);
	fprintf(
	    o, "\nvulnerabilities (%zu), products per status:\n", a->nvulns);
	for (i = 0; i < a->nvulns; i++)
		show_vuln(o, a, &a->vulns[i], i);
	if (a->niocs > 0)
		fprintf(o, "\nindicators (%zu):\n", a->niocs);
	for (i = 0; i < a->niocs; i++) {
		fprintf(o, "  %-8s %s", adv_ioc_type_name(a->iocs[i].type),
		    a->iocs[i].type == ADV_IOC_YARA ? "(rule)"
						    : a->iocs[i].value);
		if (a->iocs[i].comment != NULL)
			fprintf(o, "  (%s)", a->iocs[i].comment);
		fprintf(o, "\n");
	}
}

static int
cmd_show(int argc, char **argv)
{
	struct rp_diags *d = NULL;
	struct advisory *a = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *o;
	int rc = EXIT_USAGE;

	if (argc == 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc != 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((d = rp_diags_new()) == NULL) {
		fprintf(stderr, "rampart advisory: out of memory\n");
		goto out;
	}
	if (advisory_read_file(argv[1], ADV_FORMAT_AUTO, &a, d) != 0) {
		print_diags(stderr, d, argv[1]);
		fprintf(
		    stderr, "rampart advisory: %s: cannot be read\n", argv[1]);
		goto out;
	}
	/* Built in memory, then printed without control characters. */
	if ((o = open_memstream(&text, &len)) == NULL) {
		fprintf(stderr, "rampart advisory: out of memory\n");
		goto out;
	}
	show(o, a);
	if (d->nwarnings > 0)
		fprintf(o,
		    "\n(%zu reader warning%s: 'rampart advisory validate' "
		    "shows them)\n",
		    d->nwarnings, d->nwarnings == 1 ? "" : "s");
	if (fclose(o) != 0 || text == NULL) {
		fprintf(stderr, "rampart advisory: out of memory\n");
		goto out;
	}
	out_block(stdout, text, len);
	rc = 0;
out:
	free(text);
	advisory_free(a);
	rp_diags_free(d);
	return rc;
}

int
cmd_advisory(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "validate") == 0)
		return cmd_validate(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return cmd_show(argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0 || strcmp(argv[1], "list") == 0 ||
	    strcmp(argv[1], "get") == 0 || strcmp(argv[1], "revisions") == 0)
		return cmd_advisory_server(argc - 1, argv + 1);
	fprintf(stderr, "rampart advisory: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
