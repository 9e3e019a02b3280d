/*
 * Unit tests of the OSV reader: every record of the OSV schema's test set
 * (shared data) imports or is rejected as the linter says, with specific
 * facts checked; small inline records cover the mapping rules.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "advisory/advisory.h"
#include "json/rpjson.h"
#include "util/diag.h"
#include "util/err.h"
#include "version/version.h"

static char *
osv_path(const char *name)
{
	const char *dir = getenv("RAMPART_SHARED_DATA");
	char *p;

	assert_non_null(dir);
	assert_true(asprintf(&p, "%s/osv/%s", dir, name) > 0);
	return p;
}

/* Reads a shared OSV record; returns the reader's result. */
static int
read_osv(const char *name, struct advisory **a, struct rp_diags *d)
{
	char *p = osv_path(name);
	int r;

	r = advisory_read_file(p, ADV_FORMAT_AUTO, a, d);
	free(p);
	return r;
}

/* Reads an inline record. */
static int
read_str(const char *json, struct advisory **a, struct rp_diags *d)
{
	json_t *root;
	int r;

	root = rpjson_load_buf(json, strlen(json), d);
	assert_non_null(root);
	r = osv_read(root, a, d);
	json_decref(root);
	return r;
}

static const struct rp_diag *
find_diag(const struct rp_diags *d, enum rp_diag_level lvl, const char *test,
    const char *ptr, const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct rp_diag *e = &d->v[i];

		if (e->level != lvl)
			continue;
		if (test != NULL &&
		    (e->test == NULL || strcmp(e->test, test) != 0))
			continue;
		if (ptr != NULL &&
		    (e->pointer == NULL || strcmp(e->pointer, ptr) != 0))
			continue;
		if (needle != NULL && strstr(e->msg, needle) == NULL)
			continue;
		return e;
	}
	return NULL;
}

static int
has_id(char **ids, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(ids[i], id) == 0)
			return 1;
	}
	return 0;
}

/* Every record of the set, with what it must give. */
static const struct {
	const char *file;
	int result;
	size_t nproducts, naffected, nfixed;
} records[] = {
    {"CVE-2018-5407.json", 0, 12, 6, 6},
    {"CVE-2023-41045.json", 0, 0, 0, 0},
    {"GHSA-9v2f-6vcg-3hgv.json", 0, 2, 2, 0},
    {"GO-2020-0001.json", 0, 2, 1, 1},
    {"GO-2024-2963.json", 0, 3, 1, 2},
    {"MAL-2024-10238.json", 0, 1, 1, 0},
    {"PYSEC-2023-74.json", 0, 68, 67, 1},
    {"RHSA-2022_0216.json", 0, 0, 0, 0},
    {"RHSA-2024_4546.json", 0, 18, 9, 9},
    {"SUSE-FU-2022_0444-1.json", 0, 0, 0, 0},
    /*
     * The linter rejects these two; real records break the same rules,
     * so they import with a warning (see test_linter_warns).
     */
    {"nointroduced-CVE-2023-41045.json", 0, 0, 0, 0},
    {"nondistinct-CVE-2018-5407.json", 0, 12, 6, 6},
    /*
     * The linter flags this one with P0001 "package exists", a lookup in
     * the PyPI registry ("Gradi0" is not there).  Offline the record is
     * well-formed, so it imports; see test_nopackage.
     */
    {"nopackage-GHSA-9v2f-6vcg-3hgv.json", 0, 1, 1, 0},
};

/*
 * The range the reader built from the events is the one its text parses
 * to (or neither parses, for the same reason).
 */
static void
same_as_text(const struct adv_product *p)
{
	struct vers_range *vr = NULL;
	char *a, *b;

	if (vers_parse_tolerant(p->range, &vr, NULL) != 0) {
		assert_null(p->vr);
		assert_non_null(p->range_err);
		return;
	}
	assert_non_null(p->vr);
	assert_null(p->range_err);
	assert_non_null(a = vers_to_string(p->vr));
	assert_non_null(b = vers_to_string(vr));
	assert_string_equal(a, b);
	assert_int_equal(p->vr->scheme, vr->scheme);
	free(a);
	free(b);
	vers_range_free(vr);
}

static void
test_all_records(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		struct rp_diags *d = rp_diags_new();
		struct advisory *a = (void *)1;
		int r = read_osv(records[i].file, &a, d);
		const struct adv_vuln *v;

		if (r != records[i].result)
			fail_msg("%s: %d, expected %d", records[i].file, r,
			    records[i].result);
		if (r != 0) {
			assert_null(a);
			assert_true(d->nerrors > 0);
			rp_diags_free(d);
			continue;
		}
		assert_int_equal(d->nerrors, 0);
		assert_int_equal(a->format, ADV_FORMAT_OSV);
		assert_int_equal(a->nvulns, 1);
		v = &a->vulns[0];
		if (a->nproducts != records[i].nproducts ||
		    v->nstatus[ADV_STATUS_KNOWN_AFFECTED] !=
			records[i].naffected ||
		    v->nstatus[ADV_STATUS_FIXED] != records[i].nfixed)
			fail_msg("%s: %zu products, %zu affected, %zu fixed",
			    records[i].file, a->nproducts,
			    v->nstatus[ADV_STATUS_KNOWN_AFFECTED],
			    v->nstatus[ADV_STATUS_FIXED]);
		/* every status entry names a product */
		for (size_t s = 0; s < ADV_STATUS_COUNT; s++) {
			for (size_t k = 0; k < v->nstatus[s]; k++)
				assert_non_null(
				    advisory_product(a, v->status[s][k]));
		}
		assert_non_null(a->id);
		assert_non_null(a->current_release);
		advisory_free(a);
		rp_diags_free(d);
	}
}

/* A record added to the shared set must be added to the table above. */
static void
test_set_complete(void **state)
{
	const char *dir = getenv("RAMPART_SHARED_DATA");
	struct dirent *de;
	char *p;
	DIR *dh;
	size_t i, n = 0;

	(void)state;
	assert_true(asprintf(&p, "%s/osv", dir) > 0);
	assert_non_null(dh = opendir(p));
	while ((de = readdir(dh)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 5, ".json") != 0 ||
		    strcmp(de->d_name, "osv-schema.json") == 0)
			continue;
		for (i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
			if (strcmp(records[i].file, de->d_name) == 0)
				break;
		}
		if (i == sizeof(records) / sizeof(records[0]))
			fail_msg("%s is not in the table", de->d_name);
		n++;
	}
	closedir(dh);
	free(p);
	assert_int_equal(n, sizeof(records) / sizeof(records[0]));
}

static void
test_go_semver(void **state)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_product *p;
	const struct adv_vuln *v;
	struct advisory *a;

	(void)state;
	assert_int_equal(read_osv("GO-2024-2963.json", &a, d), 0);
	assert_int_equal(d->n, 0);
	p = advisory_product(a, "/affected/0/ranges/0");
	assert_non_null(p);
	assert_string_equal(
	    p->range, "vers:semver/<1.21.12|>=1.22.0-0|<1.22.5");
	assert_int_equal(p->scheme, VERSION_SCHEME_SEMVER);
	same_as_text(p);
	assert_string_equal(p->ecosystem, "Go");
	assert_string_equal(p->product, "stdlib");
	assert_null(p->version);
	assert_null(p->platform);
	p = advisory_product(a, "/affected/0/ranges/0/events/3");
	assert_non_null(p);
	assert_string_equal(p->version, "1.22.5");
	v = &a->vulns[0];
	assert_string_equal(v->cve, "CVE-2024-24791");
	assert_true(has_id(v->ids, v->nids, "GO-2024-2963"));
	assert_int_equal(v->nremediations, 2);
	assert_int_equal(v->remediations[1].category, ADV_REM_VENDOR_FIX);
	/* The fixed version as data, no sentence: presenters write it. */
	assert_null(v->remediations[1].details);
	assert_string_equal(v->remediations[1].fix_version, "1.22.5");
	assert_int_equal(v->remediations[1].nproduct_ids, 1);
	assert_string_equal(
	    v->remediations[1].product_ids[0], "/affected/0/ranges/0");
	assert_string_equal(a->initial_release, "2024-07-02T20:11:00Z");
	assert_int_equal(a->nreferences, 3);
	assert_int_equal(a->nnotes, 1); /* credits */
	assert_string_equal(a->notes[0].text, "Geoff Franks");
	advisory_free(a);

	rp_diags_clear(d);
	assert_int_equal(read_osv("GO-2020-0001.json", &a, d), 0);
	p = advisory_product(a, "/affected/0/ranges/0");
	assert_string_equal(p->range, "vers:semver/<1.6.0");
	assert_string_equal(p->product, "github.com/gin-gonic/gin");
	assert_string_equal(a->vulns[0].cve, "CVE-2020-36567");
	assert_int_equal(a->vulns[0].nids, 3);
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_rhsa_rpm(void **state)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_product *p;
	const struct adv_vuln *v;
	struct advisory *a;

	(void)state;
	assert_int_equal(read_osv("RHSA-2024_4546.json", &a, d), 0);
	assert_int_equal(d->n, 0);
	p = advisory_product(a, "/affected/4/ranges/0");
	assert_non_null(p);
	assert_int_equal(p->scheme, VERSION_SCHEME_RPM);
	same_as_text(p);
	assert_string_equal(p->range, "vers:rpm/<0:2.13.3-3.el8_6.1");
	assert_string_equal(p->product, "git-lfs-debuginfo");
	assert_string_equal(p->ecosystem, "Red Hat:rhel_e4s:8.6::appstream");
	assert_string_equal(p->purl, "pkg:rpm/redhat/git-lfs-debuginfo");
	assert_null(p->platform);
	p = advisory_product(a, "/affected/4/ranges/0/events/1");
	assert_string_equal(p->version, "0:2.13.3-3.el8_6.1");
	v = &a->vulns[0];
	/* no alias is a CVE: the one upstream CVE names it */
	assert_string_equal(v->cve, "CVE-2023-45288");
	assert_int_equal(v->nscores, 1);
	assert_string_equal(v->scores[0].cvss_version, "3.1");
	assert_true(
	    v->scores[0].base_score > 7.49 && v->scores[0].base_score < 7.51);
	assert_string_equal(v->scores[0].base_severity, "HIGH");
	assert_int_equal(v->scores[0].nproduct_ids, 9);
	assert_string_equal(a->severity, "high");
	assert_string_equal(a->id, "RHSA-2024:4546");
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_git_ranges(void **state)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_product *p;
	const struct adv_vuln *v;
	struct advisory *a;

	(void)state;
	assert_int_equal(read_osv("CVE-2023-41045.json", &a, d), 0);
	assert_non_null(
	    find_diag(d, RP_DIAG_WARNING, NULL, "/affected/0/ranges/0",
		"GIT ranges (commit hashes) are not supported; the affected "
		"versions listed are used instead"));
	assert_int_equal(a->nproducts, 0);
	assert_string_equal(a->vulns[0].cve, "CVE-2023-41045");
	advisory_free(a);

	/* GIT and ECOSYSTEM ranges and versions in one entry */
	rp_diags_clear(d);
	assert_int_equal(read_osv("PYSEC-2023-74.json", &a, d), 0);
	assert_non_null(find_diag(
	    d, RP_DIAG_WARNING, NULL, "/affected/0/ranges/0", "GIT ranges"));
	assert_int_equal(d->n, 1);
	p = advisory_product(a, "/affected/0/ranges/1");
	assert_string_equal(p->range, "vers:pypi/>=2.3.0|<2.31.0");
	/* PEP 440 ordering: not implemented */
	assert_int_equal(p->scheme, VERSION_SCHEME_UNKNOWN);
	assert_non_null(p->vr);
	assert_int_equal(p->vr->scheme, VERSION_SCHEME_UNKNOWN);
	p = advisory_product(a, "/affected/0/versions/47");
	assert_string_equal(p->version, "2.3.0");
	assert_string_equal(p->ecosystem, "PyPI");
	assert_string_equal(p->purl, "pkg:pypi/requests");
	v = &a->vulns[0];
	assert_string_equal(v->cve, "CVE-2023-32681");
	/* the single fix remedies the range and every listed version */
	assert_int_equal(v->nremediations, 1);
	assert_int_equal(v->remediations[0].nproduct_ids, 67);
	advisory_free(a);

	/* a GIT range next to package ranges in another entry */
	rp_diags_clear(d);
	assert_int_equal(read_osv("CVE-2018-5407.json", &a, d), 0);
	assert_non_null(find_diag(
	    d, RP_DIAG_WARNING, NULL, "/affected/6/ranges/0", "GIT ranges"));
	p = advisory_product(a, "/affected/5/ranges/0");
	assert_string_equal(p->range, "vers:alpine/<1.0.2q-r0");
	assert_int_equal(p->scheme, VERSION_SCHEME_UNKNOWN);
	assert_string_equal(p->ecosystem, "Alpine:v3.8");
	advisory_free(a);
	rp_diags_free(d);
}

/* What the linter rejects imports, with its rule as a warning. */
static void
test_linter_warns(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a;

	(void)state;
	assert_int_equal(
	    read_osv("nointroduced-CVE-2023-41045.json", &a, d), 0);
	assert_non_null(find_diag(d, RP_DIAG_WARNING, "RNG:001",
	    "/affected/0/ranges/0/events", "matches nothing"));
	assert_int_equal(d->nerrors, 0);
	assert_string_equal(a->vulns[0].cve, "CVE-2023-41045");
	advisory_free(a);

	rp_diags_clear(d);
	assert_int_equal(read_osv("nondistinct-CVE-2018-5407.json", &a, d), 0);
	assert_non_null(find_diag(d, RP_DIAG_WARNING, "RNG:002",
	    "/affected/6/ranges/1/events/1",
	    "e818b74be2170fbe957a07b0da4401c2b694b3b8"));
	assert_int_equal(d->nerrors, 0);
	/* the Alpine entries are all there */
	assert_non_null(advisory_product(a, "/affected/5/ranges/0"));
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_nopackage(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a;

	(void)state;
	/* Only a registry lookup can tell "Gradi0" does not exist. */
	assert_int_equal(
	    read_osv("nopackage-GHSA-9v2f-6vcg-3hgv.json", &a, d), 0);
	assert_string_equal(a->products[0].product, "Gradi0");
	assert_string_equal(a->products[0].version, "4.36.1");
	assert_int_equal(a->products[0].scheme, VERSION_SCHEME_UNKNOWN);
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_scores_and_aliases(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a;
	const struct adv_vuln *v;

	(void)state;
	assert_int_equal(read_osv("GHSA-9v2f-6vcg-3hgv.json", &a, d), 0);
	v = &a->vulns[0];
	assert_string_equal(v->cve, "CVE-2024-39236");
	assert_true(
	    v->scores[0].base_score > 9.79 && v->scores[0].base_score < 9.81);
	assert_string_equal(v->scores[0].base_severity, "CRITICAL");
	assert_string_equal(a->severity, "critical");
	assert_string_equal(a->products[1].version, "4.36.-1");
	advisory_free(a);

	rp_diags_clear(d);
	assert_int_equal(read_osv("CVE-2018-5407.json", &a, d), 0);
	v = &a->vulns[0];
	assert_true(
	    v->scores[0].base_score > 4.69 && v->scores[0].base_score < 4.71);
	assert_int_equal(a->nreferences, 39);
	advisory_free(a);

	rp_diags_clear(d);
	assert_int_equal(read_osv("RHSA-2022_0216.json", &a, d), 0);
	assert_non_null(find_diag(d, RP_DIAG_WARNING, "REC:001", "", NULL));
	v = &a->vulns[0];
	assert_null(v->cve); /* related CVEs are not this advisory's */
	assert_int_equal(v->nnotes, 2);
	assert_string_equal(
	    v->notes[1].text, "CVE-2021-44832, CVE-2021-45046, CVE-2021-45105");
	advisory_free(a);
	rp_diags_free(d);
}

#define PKG(eco, name) "{\"ecosystem\":\"" eco "\",\"name\":\"" name "\"}"
#define REC(affected)                                                          \
	"{\"id\":\"OSV-2024-1\",\"modified\":\"2024-01-01T00:00:00Z\","        \
	"\"affected\":[" affected "]}"

/* One inline record: result, then the range of /affected/0/ranges/0. */
static void
check_range(const char *json, const char *scheme, const char *range)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_product *p;
	struct advisory *a;
	int r = read_str(json, &a, d);

	if (r != 0)
		fail_msg("%s: %d; first diag: %s", json, r,
		    d->n ? d->v[0].msg : "-");
	p = advisory_product(a, "/affected/0/ranges/0");
	assert_non_null(p);
	if (scheme == NULL)
		assert_int_equal(p->scheme, VERSION_SCHEME_UNKNOWN);
	else
		assert_string_equal(version_scheme_name(p->scheme), scheme);
	assert_string_equal(p->range, range);
	same_as_text(p);
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_ranges(void **state)
{
	int cmp, sorted;

	(void)state;
	check_range(
	    REC("{\"package\":" PKG("Debian:12",
		"openssl") ","
			   "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":["
			   "{\"introduced\":\"1.0-1\"},"
			   "{\"last_affected\":\"1.2-3\"}]}]}"),
	    "deb", "vers:deb/>=1.0-1|<=1.2-3");
	check_range(
	    REC("{\"package\":" PKG("npm",
		"left-pad") ","
			    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":["
			    "{\"introduced\":\"0\"}]}]}"),
	    "semver", "vers:npm/*");
	check_range(
	    REC("{\"package\":" PKG("Ubuntu:22.04:LTS",
		"curl") ","
			"\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":["
			"{\"introduced\":\"7.0\"}]}]}"),
	    "deb", "vers:deb/>=7.0");
	check_range(
	    REC("{\"package\":" PKG("crates.io",
		"smallvec") ","
			    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
			    "{\"introduced\":\"1.0.0\"},{\"limit\":\"2.0.0\"}]}"
			    "]}"),
	    "semver", "vers:semver/>=1.0.0|<2.0.0");
	check_range(
	    REC("{\"package\":" PKG("SUSE:Linux Enterprise 15",
		"x") ","
		     "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":["
		     "{\"introduced\":\"0\"},{\"fixed\":\"1.0|2\"}]}]}"),
	    "rpm", "vers:rpm/<1.0%7C2");
	/*
	 * Events out of order are sorted as the spec's evaluation sorts
	 * them, where Rampart orders the scheme; else kept as written.
	 */
	sorted =
	    version_compare(VERSION_SCHEME_SEMVER, "1.0.0", "2.0.0", &cmp) == 0;
	check_range(
	    REC("{\"package\":" PKG(
		"npm", "b") ","
			    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
			    "{\"introduced\":\"2.0.0\"},{\"fixed\":\"2.1.0\"},"
			    "{\"introduced\":\"0\"},{\"fixed\":\"1.0.0\"}]}]}"),
	    "semver",
	    sorted ? "vers:semver/<1.0.0|>=2.0.0|<2.1.0"
		   : "vers:semver/>=2.0.0|<2.1.0|<1.0.0");
	check_range(
	    REC("{\"package\":" PKG("GitHub Actions",
		"o/r") ","
		       "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":["
		       "{\"introduced\":\"0\"},{\"fixed\":\"4\"}]}]}"),
	    NULL, "vers:githubactions/<4");
	check_range(
	    REC("{\"package\":" PKG("Maven",
		"org.x:y") ","
			   "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":["
			   "{\"introduced\":\"1.0\"},{\"last_affected\":\"1."
			   "0\"}"
			   "]}]}"),
	    NULL, "vers:maven/1.0");
}

/* One inline record that must fail with an error at ptr. */
static void
check_error(
    const char *json, const char *test, const char *ptr, const char *needle)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a = (void *)1;

	if (read_str(json, &a, d) != RP_ERR_INVALID)
		fail_msg("accepted: %s", json);
	assert_null(a);
	if (find_diag(d, RP_DIAG_ERROR, test, ptr, needle) == NULL) {
		for (size_t i = 0; i < d->n; i++) {
			char *s = rp_diag_format(&d->v[i], NULL);

			print_message("  %s\n", s);
			free(s);
		}
		fail_msg("no error %s at %s for %s", needle, ptr, json);
	}
	rp_diags_free(d);
}

static void
test_errors(void **state)
{
	(void)state;
	check_error("[]", "schema", "", "JSON object");
	check_error(
	    "{\"modified\":\"2024-01-01T00:00:00Z\"}", "schema", "", "\"id\"");
	check_error("{\"id\":\"OSV-1\"}", "schema", "", "\"modified\"");
	check_error("{\"id\":\"OSV-1\",\"modified\":\"2024-13-01T00:00:00Z\"}",
	    "schema", "/modified", "RFC 3339");
	check_error("{\"id\":\"OSV-1\",\"modified\":\"2024-01-01\"}", "schema",
	    "/modified", "RFC 3339");
	check_error("{\"id\":\"OSV-1\",\"modified\":\"2024-01-01T00:00:00Z\","
		    "\"aliases\":\"CVE-2024-1\"}",
	    "schema", "/aliases", "array");
	check_error("{\"id\":7,\"modified\":\"2024-01-01T00:00:00Z\"}",
	    "schema", "/id", "string");
}

/* Reads an inline record that must import without errors. */
static struct advisory *
read_ok(const char *json, struct rp_diags *d)
{
	struct advisory *a = NULL;

	if (read_str(json, &a, d) != 0 || d->nerrors != 0) {
		for (size_t i = 0; i < d->n; i++) {
			char *s = rp_diag_format(&d->v[i], NULL);

			print_message("  %s\n", s);
			free(s);
		}
		fail_msg("not imported cleanly: %s", json);
	}
	return a;
}

static size_t
nfixed_products(const struct advisory *a)
{
	return a->vulns[0].nstatus[ADV_STATUS_FIXED];
}

/*
 * A version both introduced and fixed, in the shapes real (Bitnami)
 * records have: the empty interval matches nothing and goes, the rest of
 * the record stays; a fix followed by the same version introduced again
 * joins the intervals and is no fix.
 */
static void
test_degenerate(void **state)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_product *p;
	struct advisory *a;

	(void)state;
	/* introduced equal to fixed, next to an ordinary range */
	a = read_ok(REC("{\"package\":" PKG(
			"Bitnami", "redis") ",\"ranges\":["
					    "{\"type\":\"SEMVER\",\"events\":["
					    "{\"introduced\":\"1.2.3\"},"
					    "{\"fixed\":\"1.2.3\"}]},"
					    "{\"type\":\"SEMVER\",\"events\":["
					    "{\"introduced\":\"0\"},"
					    "{\"fixed\":\"2.0.0\"}]}]}"),
	    d);
	assert_non_null(find_diag(d, RP_DIAG_WARNING, "RNG:002",
	    "/affected/0/ranges/0/events/1", "empty and matches nothing"));
	assert_null(advisory_product(a, "/affected/0/ranges/0"));
	assert_null(advisory_product(a, "/affected/0/ranges/0/events/1"));
	p = advisory_product(a, "/affected/0/ranges/1");
	assert_non_null(p);
	assert_string_equal(p->range, "vers:semver/<2.0.0");
	assert_int_equal(a->nproducts, 2);
	assert_int_equal(a->vulns[0].nremediations, 1);
	advisory_free(a);

	/* BIT-jre-2020-2781: an empty interval among real ones */
	rp_diags_clear(d);
	a = read_ok(
	    REC("{\"package\":" PKG("Bitnami",
		"jre") ",\"ranges\":["
		       "{\"type\":\"SEMVER\",\"events\":["
		       "{\"introduced\":\"0\"},{\"fixed\":\"1.7.0\"},"
		       "{\"introduced\":\"1.8.0\"},{\"fixed\":\"1.8.0\"},"
		       "{\"introduced\":\"7.0.0\"},"
		       "{\"fixed\":\"7.0.261\"}]}]}"),
	    d);
	assert_non_null(find_diag(d, RP_DIAG_WARNING, "RNG:002",
	    "/affected/0/ranges/0/events/3", "1.8.0 to 1.8.0 is empty"));
	p = advisory_product(a, "/affected/0/ranges/0");
	assert_string_equal(p->range, "vers:semver/<1.7.0|>=7.0.0|<7.0.261");
	assert_null(advisory_product(a, "/affected/0/ranges/0/events/3"));
	assert_int_equal(nfixed_products(a), 2);
	advisory_free(a);

	/* BIT-moodle-2022-35653: fixed in 4.0.1 and introduced again there */
	rp_diags_clear(d);
	a = read_ok(REC("{\"package\":" PKG(
			"Bitnami", "moodle") ",\"ranges\":["
					     "{\"type\":\"SEMVER\",\"events\":["
					     "{\"introduced\":\"4.0.0\"},"
					     "{\"fixed\":\"4.0.1\"},"
					     "{\"introduced\":\"4.0.1\"},"
					     "{\"fixed\":\"4.0.2\"}]}]}"),
	    d);
	assert_non_null(find_diag(d, RP_DIAG_WARNING, "RNG:002",
	    "/affected/0/ranges/0/events/1", "4.0.1 stays affected"));
	p = advisory_product(a, "/affected/0/ranges/0");
	assert_string_equal(p->range, "vers:semver/>=4.0.0|<4.0.2");
	assert_null(advisory_product(a, "/affected/0/ranges/0/events/1"));
	assert_non_null(advisory_product(a, "/affected/0/ranges/0/events/3"));
	assert_int_equal(nfixed_products(a), 1);
	assert_int_equal(a->vulns[0].nremediations, 1);
	assert_string_equal(a->vulns[0].remediations[0].fix_version, "4.0.2");
	advisory_free(a);

	/*
	 * Introduced again while an interval is open: the evaluation ignores
	 * that introduced, and the fixed event ends the interval as a fix.
	 */
	rp_diags_clear(d);
	a = read_ok(REC("{\"package\":" PKG(
			"npm", "x") ",\"ranges\":["
				    "{\"type\":\"SEMVER\",\"events\":["
				    "{\"introduced\":\"1.0.0\"},"
				    "{\"introduced\":\"2.0.0\"},"
				    "{\"fixed\":\"2.0.0\"}]}]}"),
	    d);
	assert_non_null(find_diag(d, RP_DIAG_WARNING, "RNG:002",
	    "/affected/0/ranges/0/events/2", "read in their order"));
	p = advisory_product(a, "/affected/0/ranges/0");
	assert_string_equal(p->range, "vers:semver/>=1.0.0|<2.0.0");
	assert_non_null(advisory_product(a, "/affected/0/ranges/0/events/2"));
	advisory_free(a);

	/* no introduced event: nothing opens, nothing matches */
	rp_diags_clear(d);
	a = read_ok(REC("{\"package\":" PKG(
			"npm", "y") ",\"ranges\":["
				    "{\"type\":\"SEMVER\",\"events\":["
				    "{\"fixed\":\"1.0.0\"}]}],"
				    "\"versions\":[\"0.9.0\"]}"),
	    d);
	assert_non_null(find_diag(d, RP_DIAG_WARNING, "RNG:001",
	    "/affected/0/ranges/0/events", "matches nothing"));
	assert_int_equal(a->nproducts, 1);
	assert_non_null(advisory_product(a, "/affected/0/versions/0"));
	advisory_free(a);
	rp_diags_free(d);
}

/*
 * An affected entry with errors is left out, with its errors as warnings
 * and a warning at the entry; the good entry next to it stays.
 */
static void
check_left_out(
    const char *bad, const char *test, const char *ptr, const char *needle)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_vuln *v;
	struct advisory *a;
	char *json;

	assert_true(asprintf(&json,
			"{\"id\":\"OSV-2024-1\",\"modified\":"
			"\"2024-01-01T00:00:00Z\",\"affected\":[%s,"
			"{\"package\":{\"ecosystem\":\"npm\",\"name\":"
			"\"good\"},\"ranges\":[{\"type\":\"SEMVER\","
			"\"events\":[{\"introduced\":\"0\"},{\"fixed\":"
			"\"1.0.1\"}]}],\"versions\":[\"1.0.0\"]}]}",
			bad) > 0);
	a = read_ok(json, d);
	if (find_diag(d, RP_DIAG_WARNING, test, ptr, needle) == NULL)
		fail_msg("no warning %s at %s for %s", needle, ptr, bad);
	assert_non_null(find_diag(d, RP_DIAG_WARNING, NULL, "/affected/0",
	    "affected entry left out"));
	v = &a->vulns[0];
	assert_int_equal(a->nproducts, 3);
	for (size_t i = 0; i < a->nproducts; i++)
		assert_string_equal(a->products[i].product, "good");
	assert_int_equal(v->nstatus[ADV_STATUS_KNOWN_AFFECTED], 2);
	assert_int_equal(v->nstatus[ADV_STATUS_FIXED], 1);
	assert_int_equal(v->nremediations, 1);
	assert_non_null(advisory_product(a, "/affected/1/versions/0"));
	advisory_free(a);
	free(json);
	rp_diags_free(d);
}

static void
test_entry_left_out(void **state)
{
	(void)state;
	check_left_out("7", "schema", "/affected/0", "object");
	check_left_out("{\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":["
		       "{\"introduced\":\"0\"}]}]}",
	    "RNG:002", "/affected/0/ranges/0", "package");
	check_left_out("{\"package\":{\"ecosystem\":\"npm\"},"
		       "\"versions\":[\"1.0.0\"]}",
	    "schema", "/affected/0/package", "\"name\"");
	check_left_out("{\"package\":" PKG("npm", "a") ",\"ranges\":[{\"type\":"
						       "\"SEMVER\",\"events\":["
						       "{\"introduced\":\"0\","
						       "\"fixed\":\"1.0.0\"}]}"
						       "]}",
	    "schema", "/affected/0/ranges/0/events/0", "exactly one");
	check_left_out("{\"package\":" PKG("npm", "a") ",\"ranges\":[{\"type\":"
						       "\"SEMVER\",\"events\":["
						       "{\"introduced\":\"0\"},"
						       "{\"fixed\":\"1.0.0\"},"
						       "{\"introduced\":\"2.0."
						       "0\"},{\"last_affected"
						       "\":\"2.1.0\"}]}]}",
	    "schema", "/affected/0/ranges/0/events", "not both");
	check_left_out("{\"package\":" PKG("npm", "a") ",\"ranges\":[{\"type\":"
						       "\"SEMVER\",\"events\":["
						       "]}]}",
	    "schema", "/affected/0/ranges/0", "non-empty");
	check_left_out("{\"package\":" PKG("npm", "a") ",\"ranges\":[{\"type\":"
						       "\"RANGE\",\"events\":["
						       "{\"introduced\":\"0\"}"
						       "]}]}",
	    "schema", "/affected/0/ranges/0", "RANGE");
	check_left_out("{\"ranges\":[{\"type\":\"GIT\",\"repo\":\"https://x\","
		       "\"events\":[{\"introduced\":\"abc123\"}]}]}",
	    "schema", "/affected/0/ranges/0/events/0", "commit");
	check_left_out("{\"ranges\":[{\"type\":\"GIT\",\"events\":["
		       "{\"introduced\":\"0\"}]}]}",
	    "schema", "/affected/0/ranges/0", "repo");
	/* what the entry added before its error is taken back as well */
	check_left_out("{\"package\":" PKG("npm", "a") ",\"ranges\":[{\"type\":"
						       "\"SEMVER\",\"events\":["
						       "{\"introduced\":\"0\"},"
						       "{\"fixed\":\"1.0.0\"}]"
						       "},{\"type\":\"SEMVER\","
						       "\"events\":[{\"fixed\""
						       ":7}]}],\"severity\":[{"
						       "\"type\":\"CVSS_V3\","
						       "\"score\":\"CVSS:3.1/"
						       "AV:N/AC:L/PR:N/UI:N/"
						       "S:U/C:H/I:H/A:H\"}]}",
	    "schema", "/affected/0/ranges/1/events/0", "string");
}

/* Broken scores, references, credits and aliases are only ignored. */
static void
test_items_ignored(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a;

	(void)state;
	a = read_ok("{\"id\":\"OSV-1\",\"modified\":\"2024-01-01T00:00:00Z\","
		    "\"aliases\":[7,\"CVE-2024-1234\"],"
		    "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"7.5\"},"
		    "{\"type\":\"CVSS_V3\",\"score\":"
		    "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N\"}],"
		    "\"references\":[{\"url\":\"https://a\"},3,"
		    "{\"type\":\"WEB\",\"url\":\"https://b\"}],"
		    "\"credits\":[{\"type\":\"FINDER\"},{\"name\":\"Eve\"}],"
		    "\"database_specific\":[],"
		    "\"affected\":[{\"package\":" PKG(
			"npm", "a") ",\"versions\":[\"1\",\"\",2]}]}",
	    d);
	assert_non_null(
	    find_diag(d, RP_DIAG_WARNING, "schema", "/severity/0", "CVSS_V3"));
	assert_non_null(find_diag(d, RP_DIAG_WARNING, NULL, "/severity/0",
	    "severity entry is ignored"));
	assert_int_equal(a->vulns[0].nscores, 1);
	assert_string_equal(a->severity, "high");
	assert_non_null(find_diag(
	    d, RP_DIAG_WARNING, NULL, "/references/0", "reference is ignored"));
	assert_non_null(
	    find_diag(d, RP_DIAG_WARNING, "schema", "/references/1", "object"));
	assert_int_equal(a->nreferences, 1);
	assert_string_equal(a->references[0], "https://b");
	assert_non_null(find_diag(
	    d, RP_DIAG_WARNING, NULL, "/credits/0", "credit is ignored"));
	assert_string_equal(a->notes[0].text, "Eve");
	assert_non_null(
	    find_diag(d, RP_DIAG_WARNING, "schema", "/aliases/0", "ignored"));
	assert_string_equal(a->vulns[0].cve, "CVE-2024-1234");
	assert_non_null(find_diag(
	    d, RP_DIAG_WARNING, "schema", "/database_specific", "ignored"));
	assert_int_equal(a->nproducts, 1);
	assert_non_null(find_diag(
	    d, RP_DIAG_WARNING, "schema", "/affected/0/versions/1", "ignored"));
	assert_non_null(find_diag(
	    d, RP_DIAG_WARNING, "schema", "/affected/0/versions/2", "ignored"));
	advisory_free(a);

	/* package severity next to a top-level one: both are read */
	rp_diags_clear(d);
	a = read_ok(
	    "{\"id\":\"OSV-1\",\"modified\":\"2024-01-01T00:00:00Z\","
	    "\"severity\":[{\"type\":\"CVSS_V2\",\"score\":"
	    "\"AV:N/AC:L/Au:N/C:P/I:N/A:N\"}],"
	    "\"affected\":[{\"package\":" PKG("npm",
		"a") ","
		     "\"versions\":[\"1\"],\"severity\":[{\"type\":\"Ubuntu\","
		     "\"score\":\"low\"}]}]}",
	    d);
	assert_non_null(find_diag(
	    d, RP_DIAG_WARNING, "schema", "/affected/0/severity", "top-level"));
	assert_int_equal(a->nproducts, 1);
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_warnings(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a;

	(void)state;
	assert_int_equal(
	    read_str(
		"{\"id\":\"OSV-1\",\"modified\":\"2024-01-01T00:00:00Z\","
		"\"withdrawn\":\"2024-02-01T00:00:00+01:00\","
		"\"severity\":[{\"type\":\"Ubuntu\",\"score\":\"medium\"}],"
		"\"x_extra\":1,\"affected\":[{\"package\":" PKG(
		    "Debian:12", "a") ",\"versions\":[\"1\",\"2\",\"1\"]}]}",
		&a, d),
	    0);
	assert_string_equal(a->status, "withdrawn");
	assert_string_equal(a->severity, "medium");
	assert_non_null(find_diag(d, RP_DIAG_WARNING, NULL, "/withdrawn",
	    "withdrawn on 2024-02-01T00:00:00+01:00"));
	assert_non_null(
	    find_diag(d, RP_DIAG_WARNING, "schema", "/withdrawn", "UTC"));
	assert_non_null(
	    find_diag(d, RP_DIAG_WARNING, "schema", "/x_extra", "unknown"));
	assert_non_null(find_diag(d, RP_DIAG_WARNING, NULL,
	    "/affected/0/versions/2", "listed twice"));
	assert_int_equal(a->nproducts, 2);
	assert_int_equal(a->products[1].scheme, VERSION_SCHEME_DEB);
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_detect(void **state)
{
	struct rp_diags *d = rp_diags_new();
	char *p = osv_path("GO-2020-0001.json");
	json_t *root = rpjson_load_file(p, RPJSON_MAX_INPUT, d);

	(void)state;
	assert_non_null(root);
	assert_int_equal(advisory_detect(root), ADV_FORMAT_OSV);
	json_decref(root);
	free(p);
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_records),
	    cmocka_unit_test(test_set_complete),
	    cmocka_unit_test(test_go_semver),
	    cmocka_unit_test(test_rhsa_rpm),
	    cmocka_unit_test(test_git_ranges),
	    cmocka_unit_test(test_linter_warns),
	    cmocka_unit_test(test_degenerate),
	    cmocka_unit_test(test_entry_left_out),
	    cmocka_unit_test(test_items_ignored),
	    cmocka_unit_test(test_nopackage),
	    cmocka_unit_test(test_scores_and_aliases),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_warnings),
	    cmocka_unit_test(test_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
