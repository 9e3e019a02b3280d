/*
 * Tests of the CSAF 2.0 validator (csaf_validate) and the CVSS calculator:
 * the OASIS validator test set (every mandatory test's failing and valid
 * documents), the OASIS examples, real CISA and Red Hat advisories (no
 * crash, summary printed), known CVSS vectors, and hand-made edge cases
 * (deep branches, huge product trees, pointers and messages).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include <cmocka.h>

#include "advisory/advisory.h"
#include "advisory/csaf_validate_int.h"
#include "advisory/cvss.h"
#include "json/rpjson.h"
#include "util/diag.h"
#include "util/err.h"

#include "csaf_testdoc.h"

static char *
data_path(const char *rel)
{
	const char *base = getenv("RAMPART_SHARED_DATA");
	char *p = NULL;

	if (base == NULL)
		base = "../shared/data";
	assert_true(asprintf(&p, "%s/%s", base, rel) > 0);
	return p;
}

/* Validates a file; returns csaf_validate's result, diags in *dp. */
static int
validate_file(const char *path, struct rp_diags **dp)
{
	struct rp_diags *d = rp_diags_new();
	json_t *root;
	int r;

	assert_non_null(d);
	root = rpjson_load_file(path, RPJSON_MAX_INPUT, d);
	if (root == NULL) {
		fprintf(stderr, "cannot load %s\n", path);
		fail();
	}
	r = csaf_validate(root, d);
	json_decref(root);
	*dp = d;
	return r;
}

static void
print_diags(const char *file, const struct rp_diags *d, const char *only)
{
	size_t i;
	char *s;

	for (i = 0; i < d->n; i++) {
		if (only != NULL && d->v[i].test != NULL &&
		    strcmp(d->v[i].test, only) != 0)
			continue;
		s = rp_diag_format(&d->v[i], file);
		fprintf(stderr, "    %s\n", s ? s : "(nomem)");
		free(s);
	}
}

static void
test_oasis_mandatory(void **state)
{
	char *tcpath = data_path("csaf/oasis-2.0-validator/testcases.json");
	char *dir = data_path("csaf/oasis-2.0-validator");
	json_t *tc, *tests, *t, *list, *f;
	struct rp_diags *ld = rp_diags_new(), *d;
	size_t i, j, k, nfail = 0, nvalid = 0, bad = 0, noisy = 0;
	static const char *const kinds[] = {"failures", "valid"};

	tc = rpjson_load_file(tcpath, RPJSON_MAX_INPUT, ld);
	assert_non_null(tc);
	tests = rpjson_array(tc, "tests");
	assert_non_null(tests);
	json_array_foreach(tests, i, t)
	{
		const char *id = rpjson_str(t, "id");
		const char *group = rpjson_str(t, "group");

		if (group == NULL || strcmp(group, "mandatory") != 0)
			continue;
		for (k = 0; k < 2; k++) {
			list = rpjson_array(t, kinds[k]);
			json_array_foreach(list, j, f)
			{
				char *path = NULL;
				int has;

				assert_true(asprintf(&path, "%s/%s", dir,
						rpjson_str(f, "name")) > 0);
				(void)validate_file(path, &d);
				has = rp_diags_has_test(d, id);
				if (k == 0) {
					nfail++;
					if (!has) {
						bad++;
						fprintf(stderr,
						    "MISSED %s: %s\n", id,
						    path);
						print_diags(path, d, NULL);
					}
				} else {
					nvalid++;
					if (has) {
						bad++;
						fprintf(stderr,
						    "FALSE %s: %s\n", id, path);
						print_diags(path, d, id);
					} else if (d->nerrors > 0) {
						noisy++;
						fprintf(stderr,
						    "note: valid file for %s "
						    "has other errors: %s\n",
						    id, path);
						print_diags(path, d, NULL);
					}
				}
				rp_diags_free(d);
				free(path);
			}
		}
	}
	fprintf(stderr,
	    "oasis mandatory: %zu failing and %zu valid documents, %zu "
	    "wrong, %zu valid ones with other errors\n",
	    nfail, nvalid, bad, noisy);
	assert_true(nfail > 50);
	assert_int_equal(bad, 0);
	json_decref(tc);
	rp_diags_free(ld);
	free(tcpath);
	free(dir);
}

/* Runs the validator on every .json in dir; returns the number of
 * documents with errors and adds error counts per test to counts. */
struct tally {
	char test[16];
	size_t n;
};

static void
tally_add(struct tally *t, size_t *nt, const char *test)
{
	size_t i;

	for (i = 0; i < *nt; i++)
		if (strcmp(t[i].test, test) == 0) {
			t[i].n++;
			return;
		}
	if (*nt < 64) {
		snprintf(t[*nt].test, sizeof(t[*nt].test), "%s", test);
		t[(*nt)++].n = 1;
	}
}

static size_t
run_dir(
    const char *rel, int verbose, struct tally *t, size_t *nt, size_t *ndocs)
{
	char *dir = data_path(rel), *path;
	struct rp_diags *d;
	struct dirent *de;
	size_t i, nbad = 0;
	DIR *dh;
	int r;

	dh = opendir(dir);
	assert_non_null(dh);
	while ((de = readdir(dh)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		assert_true(asprintf(&path, "%s/%s", dir, de->d_name) > 0);
		r = validate_file(path, &d);
		assert_true(r == 0 || r == RP_ERR_INVALID);
		assert_true((r == 0) == (d->nerrors == 0));
		(*ndocs)++;
		if (r != 0) {
			nbad++;
			if (verbose) {
				fprintf(stderr, "not valid: %s\n", path);
				print_diags(path, d, NULL);
			}
		}
		for (i = 0; i < d->n; i++)
			tally_add(t, nt, d->v[i].test ? d->v[i].test : "-");
		rp_diags_free(d);
		free(path);
	}
	closedir(dh);
	free(dir);
	return nbad;
}

static void
print_tally(const char *what, const struct tally *t, size_t nt)
{
	size_t i;

	fprintf(stderr, "%s errors per test:", what);
	for (i = 0; i < nt; i++)
		fprintf(stderr, " %s=%zu", t[i].test, t[i].n);
	fprintf(stderr, "\n");
}

/*
 * The official examples must validate.  Known exceptions are listed with
 * the reason the example itself fails the test.
 */
static void
test_oasis_examples(void **state)
{
	struct tally t[64];
	size_t nt = 0, ndocs = 0, nbad;

	nbad = run_dir("csaf/oasis-2.0-examples", 1, t, &nt, &ndocs);
	nbad += run_dir("csaf/oasis-2.0-examples/csaf_vex", 1, t, &nt, &ndocs);
	print_tally("oasis examples", t, nt);
	fprintf(stderr, "oasis examples: %zu documents, %zu not valid\n", ndocs,
	    nbad);
	assert_true(ndocs >= 15);
	assert_int_equal(nbad, 0);
}

static void
test_real_advisories(void **state)
{
	char *rh = data_path("csaf/redhat-rhsa-2024_4546.json");
	struct tally t[64];
	size_t nt = 0, ndocs = 0, nbad, i;
	struct rp_diags *d;
	int r;

	nbad = run_dir("csaf/cisa", 0, t, &nt, &ndocs);
	print_tally("cisa", t, nt);
	fprintf(stderr, "cisa: %zu documents, %zu with errors\n", ndocs, nbad);
	assert_true(ndocs >= 200);

	r = validate_file(rh, &d);
	assert_true(r == 0 || r == RP_ERR_INVALID);
	fprintf(stderr, "redhat: %zu errors\n", d->nerrors);
	for (i = 0; i < d->n && i < 10; i++)
		print_diags(rh, d, NULL);
	rp_diags_free(d);
	free(rh);
}

struct cvss_case {
	enum cvss_version ver;
	const char *vector;
	double base, temporal, env;
};

/* Scores from the FIRST calculators and NVD. */
static const struct cvss_case cvss_cases[] = {
    {CVSS_V31, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 9.8, 9.8},
    {CVSS_V31, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, 10.0,
	10.0},
    {CVSS_V31, "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, 6.1, 6.1},
    {CVSS_V31, "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, 7.8, 7.8},
    {CVSS_V31, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, 0.0, 0.0},
    {CVSS_V31, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C",
	9.8, 8.8, 8.8},
    {CVSS_V31,
	"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N/E:F/RL:O/RC:C/CR:H/"
	"IR:L/AR:L/MAV:N/MAC:L/MPR:H/MUI:N/MS:C/MC:H/MI:N/MA:N",
	6.5, 6.0, 8.3},
    {CVSS_V30, "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H/MS:C/MC:H", 9.9,
	9.9, 9.9},
    {CVSS_V31, "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H/CR:H/MS:C/MC:H",
	9.9, 9.9, 10.0},
    {CVSS_V30, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 9.8, 9.8},
    {CVSS_V30, "CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, 1.6, 1.6},
    {CVSS_V2, "AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, 7.5, 7.5},
    {CVSS_V2, "AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, 10.0, 10.0},
    {CVSS_V2, "AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, 4.3, 4.3},
    {CVSS_V2, "AV:L/AC:H/Au:M/C:N/I:N/A:N", 0.0, 0.0, 0.0},
    {CVSS_V2, "AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C", 7.8, 6.4, 6.4},
    /* the v2 specification's worked example, CVE-2002-0392 */
    {CVSS_V2,
	"AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/"
	"AR:H",
	7.8, 6.4, 9.2},
};

static void
test_cvss_scores(void **state)
{
	struct cvss_vector v;
	struct cvss_scores s;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(cvss_cases) / sizeof(cvss_cases[0]); i++) {
		const struct cvss_case *c = &cvss_cases[i];

		assert_int_equal(cvss_parse(c->vector, c->ver, &v, &why), 0);
		cvss_score(&v, &s);
		if (s.base != c->base || s.temporal != c->temporal ||
		    s.environmental != c->env)
			fprintf(stderr, "%s: %.1f %.1f %.1f\n", c->vector,
			    s.base, s.temporal, s.environmental);
		assert_true(s.base == c->base);
		assert_true(s.temporal == c->temporal);
		assert_true(s.environmental == c->env);
	}
	assert_string_equal(cvss_severity(0.0), "NONE");
	assert_string_equal(cvss_severity(3.9), "LOW");
	assert_string_equal(cvss_severity(4.0), "MEDIUM");
	assert_string_equal(cvss_severity(7.0), "HIGH");
	assert_string_equal(cvss_severity(9.0), "CRITICAL");
}

/* 600 random v3.0/v3.1 vectors scored by FIRST's reference calculators
 * (tests/data/cvss/v3_reference.txt, see scripts/gen-cvss-fixture.mjs). */
static void
test_cvss_reference(void **state)
{
	const char *base = getenv("RAMPART_TEST_DATA");
	char *path = NULL, line[512], vec[400];
	struct cvss_vector v;
	struct cvss_scores s;
	size_t n = 0, bad = 0;
	double want[3];
	char *p, *end;
	FILE *f;
	int i;

	assert_true(asprintf(&path, "%s/cvss/v3_reference.txt",
			base ? base : "tests/data") > 0);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		p = strchr(line, ' ');
		assert_non_null(p);
		assert_true((size_t)(p - line) < sizeof(vec));
		memcpy(vec, line, (size_t)(p - line));
		vec[p - line] = '\0';
		for (i = 0; i < 3; i++) {
			want[i] = strtod(p, &end);
			assert_true(end != p);
			p = end;
		}
		assert_int_equal(
		    cvss_parse(vec,
			strncmp(vec, "CVSS:3.0/", 9) == 0 ? CVSS_V30 : CVSS_V31,
			&v, NULL),
		    0);
		cvss_score(&v, &s);
		if (s.base != want[0] || s.temporal != want[1] ||
		    s.environmental != want[2]) {
			fprintf(stderr,
			    "%s: want %.1f %.1f %.1f got %.1f "
			    "%.1f %.1f\n",
			    vec, want[0], want[1], want[2], s.base, s.temporal,
			    s.environmental);
			bad++;
		}
		n++;
	}
	fclose(f);
	free(path);
	assert_int_equal(n, 600);
	assert_int_equal(bad, 0);
}

static void
test_cvss_parse_rejects(void **state)
{
	static const char *const bad31[] = {
	    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", /* A missing */
	    "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", /* version */
	    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L", /* twice */
	    "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", /* value */
	    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", /* empty */
	    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1",
	    "",
	};
	struct cvss_vector v;
	size_t i;

	for (i = 0; i < sizeof(bad31) / sizeof(bad31[0]); i++)
		assert_int_equal(
		    cvss_parse(bad31[i], CVSS_V31, &v, NULL), RP_ERR_INVALID);
	assert_int_equal(
	    cvss_parse("AV:N/AC:L/Au:N/C:P/I:P", CVSS_V2, &v, NULL),
	    RP_ERR_INVALID);
}

static const struct rp_diag *
find_test(const struct rp_diags *d, const char *test)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].test != NULL && strcmp(d->v[i].test, test) == 0)
			return &d->v[i];
	return NULL;
}

static void
test_contradiction_message(void **state)
{
	json_t *pt = json_pack("{s:[{s:s,s:s}]}", "full_product_names", "name",
	    "A", "product_id", "CSAFPID-0001");
	json_t *vulns =
	    json_pack("[{s:{s:[s],s:[s]}}]", "product_status", "known_affected",
		"CSAFPID-0001", "known_not_affected", "CSAFPID-0001");
	json_t *doc = make_doc(pt, vulns);
	struct rp_diags *d = rp_diags_new();
	const struct rp_diag *e;

	assert_int_equal(csaf_validate(doc, d), RP_ERR_INVALID);
	assert_non_null(e = find_test(d, "6.1.6"));
	assert_string_equal(e->msg,
	    "contradicting product status: CSAFPID-0001 is both "
	    "known_affected and known_not_affected");
	assert_string_equal(e->pointer,
	    "/vulnerabilities/0/product_status/known_not_affected/0");
	assert_int_equal(d->nerrors, 1);
	rp_diags_free(d);
	json_decref(doc);

	/* the same document without the contradiction is valid */
	pt = json_pack("{s:[{s:s,s:s}]}", "full_product_names", "name", "A",
	    "product_id", "CSAFPID-0001");
	vulns = json_pack("[{s:{s:[s]}}]", "product_status", "known_affected",
	    "CSAFPID-0001");
	doc = make_doc(pt, vulns);
	d = rp_diags_new();
	assert_int_equal(csaf_validate(doc, d), 0);
	rp_diags_free(d);
	json_decref(doc);
}

static void
test_deep_branches(void **state)
{
	json_t *leaf = json_pack("{s:s,s:s,s:{s:s,s:s}}", "category", "vendor",
	    "name", "x", "product", "name", "P", "product_id", "P1");
	json_t *b = json_pack("[o]", leaf), *doc;
	struct rp_diags *d = rp_diags_new();
	int i;

	/* past CSAF_MAX_BRANCH_DEPTH (512) */
	for (i = 0; i < 600; i++)
		b = json_pack("[{s:s,s:s,s:o}]", "category", "vendor", "name",
		    "x", "branches", b);
	doc = make_doc(json_pack("{s:o}", "branches", b), NULL);
	assert_int_equal(csaf_validate(doc, d), RP_ERR_INVALID);
	assert_non_null(find_test(d, "schema"));
	rp_diags_free(d);
	json_decref(doc);
}

/* 60000 products, a group with all of them referenced once, one
 * duplicate: the group is expanded once, not once per member. */
static void
test_large_tree(void **state)
{
	json_t *fpns = json_array(), *ids = json_array(), *doc, *pt;
	struct rp_diags *d = rp_diags_new();
	struct csaf_work w = {0};
	char id[32];
	int i;

	for (i = 0; i < 60000; i++) {
		snprintf(id, sizeof(id), "P-%d", i);
		json_array_append_new(
		    fpns, json_pack("{s:s,s:s}", "name", id, "product_id", id));
		json_array_append_new(ids, json_string(id));
	}
	json_array_append_new(
	    fpns, json_pack("{s:s,s:s}", "name", "dup", "product_id", "P-7"));
	pt = json_pack("{s:o,s:[{s:s,s:o}]}", "full_product_names", fpns,
	    "product_groups", "group_id", "G", "product_ids", ids);
	doc = make_doc(pt,
	    json_pack("[{s:{s:[s]},s:[{s:s,s:[s]}]}]", "product_status",
		"fixed", "P-1", "flags", "label", "component_not_present",
		"group_ids", "G"));
	assert_int_equal(csaf_validate_work(doc, d, &w), RP_ERR_INVALID);
	assert_int_equal(d->nerrors, 1);
	assert_string_equal(d->v[0].test, "6.1.2");
	assert_string_equal(d->v[0].pointer,
	    "/product_tree/full_product_names/60000/product_id");
	assert_true(w.expanded >= 60000);
	assert_true(w.expanded <= 3 * 60000);
	rp_diags_free(d);
	json_decref(doc);
}

/*
 * Many references to a big group: the expansions stop at the limit, a
 * warning says so.  The limit is lowered so the test is small; the count
 * shows that the work is bounded whatever the machine.
 */
static void
test_expansion_budget(void **state)
{
	json_t *ids = json_array(), *flags = json_array(), *fpns = json_array();
	struct rp_diags *d = rp_diags_new();
	struct csaf_work w = {.expand_limit = 100000};
	json_t *doc;
	char id[32];
	size_t i, warned = 0;

	for (i = 0; i < 2000; i++) {
		snprintf(id, sizeof(id), "P-%zu", i);
		json_array_append_new(ids, json_string(id));
		json_array_append_new(
		    fpns, json_pack("{s:s,s:s}", "name", id, "product_id", id));
	}
	for (i = 0; i < 3000; i++)
		json_array_append_new(flags,
		    json_pack("{s:s,s:[s]}", "label", "component_not_present",
			"group_ids", "G"));
	doc = make_doc(
	    json_pack("{s:o,s:[{s:s,s:o}]}", "full_product_names", fpns,
		"product_groups", "group_id", "G", "product_ids", ids),
	    json_pack("[{s:o}]", "flags", flags));
	assert_int_equal(csaf_validate_work(doc, d, &w), RP_ERR_INVALID);
	for (i = 0; i < d->n; i++)
		if (d->v[i].level == RP_DIAG_WARNING)
			warned++;
	assert_int_equal(warned, 1);
	assert_true(rp_diags_has_test(d, "6.1.33"));
	/* 3000 references x 2000 members would be 6 million. */
	assert_true(w.expanded <= w.expand_limit);
	assert_true(w.expanded >= w.expand_limit - 2000);
	rp_diags_free(d);
	json_decref(doc);
}

/* Date-times are read by util/rfc3339 (its own table test); ordering. */
static void
test_datetime(void **state)
{
	assert_int_equal(csaf_cmp_datetime("2021-07-21T10:00:00+02:00",
			     "2021-07-21T08:00:01Z"),
	    -1);
	assert_int_equal(csaf_cmp_datetime("2021-07-21T10:00:00.5+02:00",
			     "2021-07-21T08:00:00.5Z"),
	    0);
	assert_int_equal(csaf_cmp_datetime("2021-07-21T08:00:00.000000002Z",
			     "2021-07-21T08:00:00.000000001Z"),
	    1);
}

static int
vcmp(const char *a, const char *b)
{
	struct csaf_version va, vb;

	assert_int_equal(csaf_parse_version(a, &va), 0);
	assert_int_equal(csaf_parse_version(b, &vb), 0);
	return csaf_cmp_version(&va, &vb);
}

static void
test_versions(void **state)
{
	static const char *const bad[] = {"01", "1.0", "1.0.0-", "1.0.0+",
	    "1.0.0-01", "v1", "", "1.0.0-a..b", "-1"};
	struct csaf_version v;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(csaf_parse_version(bad[i], &v), -1);
	assert_int_equal(csaf_parse_version("12", &v), 0);
	assert_false(v.semantic);
	assert_int_equal(csaf_parse_version("1.2.3-rc.1+build.5", &v), 0);
	assert_true(v.semantic && v.pre != NULL && v.prelen == 4);
	/* semver 2.0.0 precedence example */
	assert_int_equal(vcmp("1.0.0-alpha", "1.0.0-alpha.1"), -1);
	assert_int_equal(vcmp("1.0.0-alpha.1", "1.0.0-alpha.beta"), -1);
	assert_int_equal(vcmp("1.0.0-alpha.beta", "1.0.0-beta"), -1);
	assert_int_equal(vcmp("1.0.0-beta.2", "1.0.0-beta.11"), -1);
	assert_int_equal(vcmp("1.0.0-rc.1", "1.0.0"), -1);
	assert_int_equal(vcmp("1.0.0+a", "1.0.0+b"), 0);
	assert_int_equal(vcmp("2", "10"), -1);
	assert_int_equal(vcmp("2.0.0", "1.9.9"), 1);
}

static void
test_lang_tags(void **state)
{
	static const char *const good[] = {"en", "de-DE", "zh-Hant-TW",
	    "en-US-x-private", "i-default", "sgn-ase", "de-DE-1901", "qaa",
	    "x-whatever", "es-419", "en-u-ca-gregory"};
	static const char *const bad[] = {"EZ", "en-ZZZ", "de-Abcd",
	    "de-DE-1901-1901", "en-a-bbb", "en-u-ca-u-nu", "zh-yue-cmn",
	    "en--US", "", "toolongtag"};
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (csaf_check_lang(good[i], &why) != 0)
			fprintf(stderr, "%s: %s\n", good[i], why);
		assert_int_equal(csaf_check_lang(good[i], &why), 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(csaf_check_lang(bad[i], &why), -1);
}

static void
test_purls(void **state)
{
	static const char *const good[] = {
	    "pkg:npm/%40angular/animation@12.3.1",
	    "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
	    "pkg:golang/google.golang.org/genproto#googleapis/api/"
	    "annotations",
	    "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1",
	    "pkg:rpm/redhat/openssl@1.1.1k-7.el8_6?arch=x86_64",
	    "pkg:generic/openssl@1.1.10g",
	};
	static const char *const bad[] = {"pkg:maven/@1.3.4", "pkg:/name",
	    "pkg:type/ns/name?a=1&a=2", "pkg:1type/name", "http://x/y",
	    "pkg:npm/name@", "pkg:npm/na%2", "pkg:t/n#a/../b", "pkg:t/n?=v"};
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(csaf_check_purl(good[i], &why), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(csaf_check_purl(bad[i], &why), -1);
}

/* Schema errors carry the pointer and say what was expected. */
static void
test_schema_errors(void **state)
{
	json_t *doc = make_doc(NULL, NULL);
	json_t *docobj = json_object_get(doc, "document");
	struct rp_diags *d = rp_diags_new();
	const struct rp_diag *e;

	json_object_del(docobj, "title");
	json_object_set_new(json_object_get(docobj, "tracking"),
	    "current_release_date", json_string("yesterday"));
	json_object_set_new(json_object_get(docobj, "tracking"), "status",
	    json_string("published"));
	assert_int_equal(csaf_validate(doc, d), RP_ERR_INVALID);
	assert_int_equal(d->nerrors, 3);
	e = &d->v[0];
	assert_string_equal(e->test, "schema");
	assert_string_equal(e->pointer, "/document");
	assert_string_equal(e->msg, "missing required property \"title\"");
	assert_string_equal(
	    d->v[1].pointer, "/document/tracking/current_release_date");
	assert_string_equal(d->v[2].pointer, "/document/tracking/status");
	assert_non_null(strstr(d->v[2].msg, "draft"));
	rp_diags_free(d);
	json_decref(doc);
}

/* 6.1.9 and 6.1.10 on a hand-made score. */
static void
test_cvss_in_document(void **state)
{
	json_t *pt = json_pack("{s:[{s:s,s:s}]}", "full_product_names", "name",
	    "A", "product_id", "P1");
	json_t *vulns =
	    json_pack("[{s:[{s:[s],s:{s:s,s:s,s:f,s:s,s:s}}]}]", "scores",
		"products", "P1", "cvss_v3", "version", "3.1", "vectorString",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore",
		9.0, "baseSeverity", "CRITICAL", "attackVector", "LOCAL");
	json_t *doc = make_doc(pt, vulns);
	struct rp_diags *d = rp_diags_new();
	const struct rp_diag *e;

	assert_int_equal(csaf_validate(doc, d), RP_ERR_INVALID);
	assert_int_equal(d->nerrors, 2);
	assert_non_null(e = find_test(d, "6.1.9"));
	assert_string_equal(
	    e->pointer, "/vulnerabilities/0/scores/0/cvss_v3/baseScore");
	assert_non_null(strstr(e->msg, "9.8"));
	assert_non_null(e = find_test(d, "6.1.10"));
	assert_string_equal(
	    e->pointer, "/vulnerabilities/0/scores/0/cvss_v3/attackVector");
	rp_diags_free(d);
	json_decref(doc);
}

static void
test_not_object(void **state)
{
	json_t *a = json_array();
	struct rp_diags *d = rp_diags_new();

	assert_int_equal(csaf_validate(a, d), RP_ERR_INVALID);
	assert_int_equal(csaf_validate(a, NULL), RP_ERR_INVALID);
	rp_diags_free(d);
	json_decref(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cvss_scores),
	    cmocka_unit_test(test_cvss_reference),
	    cmocka_unit_test(test_cvss_parse_rejects),
	    cmocka_unit_test(test_contradiction_message),
	    cmocka_unit_test(test_deep_branches),
	    cmocka_unit_test(test_large_tree),
	    cmocka_unit_test(test_expansion_budget),
	    cmocka_unit_test(test_datetime),
	    cmocka_unit_test(test_versions),
	    cmocka_unit_test(test_lang_tags),
	    cmocka_unit_test(test_purls),
	    cmocka_unit_test(test_schema_errors),
	    cmocka_unit_test(test_cvss_in_document),
	    cmocka_unit_test(test_not_object),
	    cmocka_unit_test(test_oasis_mandatory),
	    cmocka_unit_test(test_oasis_examples),
	    cmocka_unit_test(test_real_advisories),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
