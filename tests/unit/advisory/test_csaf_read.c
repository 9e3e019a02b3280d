/*
 * Unit tests of the CSAF 2.0 reader (src/lib/advisory/csaf_read*.c): every
 * real advisory in RAMPART_SHARED_DATA imports, specific facts of a few of
 * them come out right, and malformed input gives warnings with JSON
 * pointers instead of crashes.
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
#include "json/rpjson.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/str.h"

static char *
shared_path(const char *rel)
{
	const char *base = getenv("RAMPART_SHARED_DATA");
	char *p;

	if (base == NULL)
		base = "../shared/data";
	p = rp_asprintf("%s/%s", base, rel);
	assert_non_null(p);
	return p;
}

static int
read_file(const char *path, struct advisory **a, struct rp_diags *d)
{
	json_t *root;
	int r;

	*a = NULL;
	if ((root = rpjson_load_file(path, RPJSON_MAX_INPUT, d)) == NULL)
		return RP_ERR_IO;
	r = csaf_read(root, a, d);
	json_decref(root);
	return r;
}

static struct advisory *
read_shared(const char *rel, struct rp_diags *d)
{
	struct advisory *a;
	char *path = shared_path(rel);

	assert_int_equal(read_file(path, &a, d), 0);
	free(path);
	assert_non_null(a);
	return a;
}

static int
read_str(const char *json, struct advisory **a, struct rp_diags *d)
{
	json_t *root;
	int r;

	*a = NULL;
	root = rpjson_load_buf(json, strlen(json), d);
	assert_non_null(root);
	r = csaf_read(root, a, d);
	json_decref(root);
	return r;
}

/* Whether d has an entry of level at pointer whose message contains sub. */
static int
has_diag(const struct rp_diags *d, enum rp_diag_level level,
    const char *pointer, const char *sub)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == level && d->v[i].pointer != NULL &&
		    strcmp(d->v[i].pointer, pointer) == 0 &&
		    strstr(d->v[i].msg, sub) != NULL)
			return 1;
	}
	return 0;
}

static void
dump_diags(const struct rp_diags *d)
{
	size_t i;
	char *s;

	for (i = 0; i < d->n; i++) {
		s = rp_diag_format(&d->v[i], NULL);
		fprintf(stderr, "  %s\n", s);
		free(s);
	}
}

static int
has_id(char *const *ids, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(ids[i], id) == 0)
			return 1;
	}
	return 0;
}

static int
str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Every ID names a product, and none is listed twice. */
static void
check_ids(const struct advisory *a, char *const *ids, size_t n)
{
	char **v;
	size_t i;

	if (n == 0) {
		assert_null(ids);
		return;
	}
	v = calloc(n, sizeof(*v));
	assert_non_null(v);
	for (i = 0; i < n; i++) {
		assert_non_null(ids[i]);
		assert_non_null(advisory_product(a, ids[i]));
		v[i] = ids[i];
	}
	qsort(v, n, sizeof(*v), str_cmp);
	for (i = 1; i < n; i++)
		assert_string_not_equal(v[i - 1], v[i]);
	free(v);
}

/* The invariants advisory.h and csaf_read.c promise consumers. */
static void
check_model(const struct advisory *a)
{
	const struct adv_vuln *v;
	size_t i, j;
	int s;

	assert_int_equal(a->format, ADV_FORMAT_CSAF);
	for (i = 0; i < a->nproducts; i++) {
		assert_non_null(a->products[i].id);
		assert_non_null(a->products[i].name);
		assert_ptr_equal(
		    advisory_product(a, a->products[i].id), &a->products[i]);
		for (j = 0; j < a->products[i].nhashes; j++) {
			assert_non_null(a->products[i].hashes[j].algorithm);
			assert_non_null(a->products[i].hashes[j].value);
		}
	}
	for (i = 0; i < a->ngroups; i++) {
		assert_non_null(a->groups[i].id);
		check_ids(
		    a, a->groups[i].product_ids, a->groups[i].nproduct_ids);
	}
	for (i = 0; i < a->nnotes; i++) {
		assert_non_null(a->notes[i].category);
		assert_non_null(a->notes[i].text);
	}
	for (i = 0; i < a->nreferences; i++)
		assert_non_null(a->references[i]);
	for (i = 0; i < a->nvulns; i++) {
		v = &a->vulns[i];
		for (s = 0; s < ADV_STATUS_COUNT; s++)
			check_ids(a, v->status[s], v->nstatus[s]);
		for (j = 0; j < v->nremediations; j++)
			check_ids(a, v->remediations[j].product_ids,
			    v->remediations[j].nproduct_ids);
		for (j = 0; j < v->nthreats; j++) {
			assert_non_null(v->threats[j].category);
			check_ids(a, v->threats[j].product_ids,
			    v->threats[j].nproduct_ids);
		}
		for (j = 0; j < v->nscores; j++) {
			assert_non_null(v->scores[j].cvss_version);
			assert_non_null(v->scores[j].vector);
			check_ids(a, v->scores[j].product_ids,
			    v->scores[j].nproduct_ids);
		}
		for (j = 0; j < v->nids; j++)
			assert_non_null(v->ids[j]);
	}
}

struct tally {
	size_t files, products, vulns, warnings;
};

static void
import_one(const char *path, struct tally *t)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a;
	int r;

	r = read_file(path, &a, d);
	if (r != 0 || a == NULL || a->nproducts == 0) {
		fprintf(stderr, "%s: r=%d\n", path, r);
		dump_diags(d);
	}
	assert_int_equal(r, 0);
	assert_int_equal(d->nerrors, 0);
	assert_true(a->nproducts > 0);
	check_model(a);
	t->files++;
	t->products += a->nproducts;
	t->vulns += a->nvulns;
	t->warnings += d->nwarnings;
	advisory_free(a);
	rp_diags_free(d);
}

static size_t
import_dir(const char *rel, struct tally *t)
{
	char *dir = shared_path(rel), *path;
	struct dirent *de;
	size_t n = 0, len;
	DIR *dp;

	dp = opendir(dir);
	assert_non_null(dp);
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		path = rp_asprintf("%s/%s", dir, de->d_name);
		import_one(path, t);
		free(path);
		n++;
	}
	closedir(dp);
	free(dir);
	return n;
}

static void
print_tally(const char *what, const struct tally *t)
{
	printf("csaf_read %-22s %4zu files, %6zu products, %4zu vulns, "
	       "%4zu warnings\n",
	    what, t->files, t->products, t->vulns, t->warnings);
}

static void
test_import_all(void **state)
{
	struct tally t;
	char *path;

	memset(&t, 0, sizeof(t));
	assert_true(import_dir("csaf/oasis-2.0-examples", &t) >= 6);
	assert_true(import_dir("csaf/oasis-2.0-examples/csaf_vex", &t) >= 13);
	print_tally("OASIS examples:", &t);

	memset(&t, 0, sizeof(t));
	path = shared_path("csaf/redhat-rhsa-2024_4546.json");
	import_one(path, &t);
	free(path);
	print_tally("Red Hat RHSA-2024:4546:", &t);

	memset(&t, 0, sizeof(t));
	assert_int_equal(import_dir("csaf/cisa", &t), 202);
	print_tally("CISA:", &t);
}

static const struct adv_product *
product(const struct advisory *a, const char *id)
{
	const struct adv_product *p = advisory_product(a, id);

	if (p == NULL)
		fprintf(stderr, "no product %s\n", id);
	assert_non_null(p);
	return p;
}

static void
test_redhat(void **state)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_product *p, *t;
	const struct adv_vuln *v;
	struct advisory *a;

	a = read_shared("csaf/redhat-rhsa-2024_4546.json", d);
	assert_string_equal(a->id, "RHSA-2024:4546");
	assert_string_equal(a->publisher, "Red Hat Product Security");
	assert_string_equal(a->category, "csaf_security_advisory");
	assert_string_equal(a->status, "final");
	assert_string_equal(a->severity, "Important");
	assert_string_equal(a->lang, "en");
	assert_true(a->nreferences > 0);

	p = product(a,
	    "AppStream-8.6.0.Z.AUS:git-lfs-0:2.13.3-3.el8_6.1."
	    "x86_64");
	assert_string_equal(p->rel_category, "default_component_of");
	assert_string_equal(
	    p->rel_component, "git-lfs-0:2.13.3-3.el8_6.1.x86_64");
	assert_string_equal(p->rel_target, "AppStream-8.6.0.Z.AUS");
	assert_string_equal(
	    p->platform, "Red Hat Enterprise Linux AppStream AUS (v.8.6)");
	/* inherited from the component */
	assert_string_equal(
	    p->purl, "pkg:rpm/redhat/git-lfs@2.13.3-3.el8_6.1?arch=x86_64");
	assert_string_equal(p->vendor, "Red Hat");
	assert_string_equal(p->version, "git-lfs-0:2.13.3-3.el8_6.1.x86_64");
	assert_string_equal(p->branch_path,
	    "Red Hat > x86_64 > git-lfs-0:2.13.3-3.el8_6.1.x86_64");
	assert_null(p->cpe);

	t = product(a, "AppStream-8.6.0.Z.AUS");
	assert_string_equal(t->cpe, "cpe:/a:redhat:rhel_aus:8.6::appstream");
	assert_string_equal(t->family, "Red Hat Enterprise Linux");
	assert_string_equal(
	    t->product, "Red Hat Enterprise Linux AppStream AUS (v.8.6)");
	assert_null(t->rel_category);

	/* an architecture branch is the platform of a branch product */
	p = product(a, "git-lfs-0:2.13.3-3.el8_6.1.ppc64le");
	assert_string_equal(p->platform, "ppc64le");

	assert_int_equal(a->nvulns, 1);
	v = &a->vulns[0];
	assert_string_equal(v->cve, "CVE-2023-45288");
	assert_string_equal(v->cwe_id, "CWE-400");
	assert_int_equal(v->nids, 1);
	assert_string_equal(v->ids[0], "2268273");
	assert_true(
	    has_id(v->status[ADV_STATUS_FIXED], v->nstatus[ADV_STATUS_FIXED],
		"AppStream-8.6.0.Z.AUS:git-lfs-0:2.13.3-3.el8_6.1.x86_64"));
	assert_true(v->nremediations > 0);
	assert_int_equal(v->remediations[0].category, ADV_REM_VENDOR_FIX);
	assert_non_null(v->remediations[0].url);
	assert_int_equal(v->nscores, 1);
	assert_string_equal(v->scores[0].cvss_version, "3.1");
	assert_true(
	    v->scores[0].base_score > 7.4 && v->scores[0].base_score < 7.6);
	assert_string_equal(v->scores[0].base_severity, "HIGH");
	assert_true(v->nnotes >= 3);
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_bsi(void **state)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_product *p;
	struct advisory *a;

	a = read_shared("csaf/oasis-2.0-examples/bsi-2022-0001.json", d);
	assert_string_equal(a->id, "BSI-2022-0001");
	p = product(a, "CSAFPID-0001");
	assert_string_equal(p->vendor, "CSAF Tools");
	assert_string_equal(p->product, "CVRF-CSAF-Converter");
	assert_string_equal(p->version, "1.0.0-alpha");
	assert_null(p->range);
	assert_null(p->family);
	assert_string_equal(
	    p->name, "CSAF Tools CVRF-CSAF-Converter 1.0.0-alpha");
	assert_string_equal(
	    p->branch_path, "CSAF Tools > CVRF-CSAF-Converter > 1.0.0-alpha");
	assert_string_equal(
	    p->cpe, "cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha");
	/* document order is kept */
	assert_string_equal(a->products[0].id, "CSAFPID-0001");
	assert_string_equal(a->products[1].id, "CSAFPID-0002");
	assert_int_equal(d->nwarnings, 0);
	/* the linear lookup other readers rely on finds the same */
	a->by_id = NULL;
	assert_ptr_equal(advisory_product(a, "CSAFPID-0002"), &a->products[1]);
	assert_null(advisory_product(a, "CSAFPID-9999"));
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_cisa_range(void **state)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_product *p;
	struct advisory *a;

	a = read_shared("csaf/cisa/icsa-23-194-03.json", d);
	p = product(a, "1");
	assert_string_equal(p->vendor, "Siemens");
	assert_string_equal(p->product, "SIMATIC CN 4100");
	assert_string_equal(p->range, "vers:all/<V2.5");
	assert_null(p->version);
	advisory_free(a);

	a = read_shared("csaf/cisa/icsa-23-236-03.json", d);
	p = product(a, "CSAFPID-0001");
	assert_string_equal(p->range, ">= 3.5.17.0 | < 3.5.19.20");
	assert_string_equal(p->product, "CODESYS Development System");
	advisory_free(a);

	a = read_shared("csaf/cisa/icsa-23-348-10.json", d);
	p = product(a, "1");
	assert_int_equal(p->nmodel_numbers, 1);
	assert_string_equal(p->model_numbers[0], "6ES7518-4AX00-1AB0");
	assert_string_equal(p->range, ">=V3.1.0");
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_group_threat(void **state)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_threat *t;
	struct advisory *a;

	a = read_shared("csaf/oasis-2.0-validator/mandatory/"
			"oasis_csaf_tc-csaf_2_0-2021-6-1-27-09-11.json",
	    d);
	assert_int_equal(a->ngroups, 1);
	assert_string_equal(a->groups[0].id, "CSAFGID-0001");
	assert_int_equal(a->groups[0].nproduct_ids, 2);
	t = &a->vulns[0].threats[0];
	assert_string_equal(t->category, "impact");
	assert_int_equal(t->nproduct_ids, 3);
	assert_true(has_id(t->product_ids, 3, "CSAFPID-9080700"));
	assert_true(has_id(t->product_ids, 3, "CSAFPID-9080701"));
	assert_true(has_id(t->product_ids, 3, "CSAFPID-9080702"));
	assert_int_equal(d->nwarnings, 0);
	advisory_free(a);
	rp_diags_free(d);
}

static const char doc_head[] =
    "{\"document\":{\"category\":\"csaf_base\",\"csaf_version\":\"2.0\","
    "\"title\":\"t\",\"publisher\":{\"category\":\"vendor\",\"name\":"
    "\"ACME\",\"namespace\":\"https://acme.example\"},\"tracking\":{"
    "\"id\":\"ACME-1\",\"status\":\"final\",\"version\":\"1\","
    "\"initial_release_date\":\"2024-01-01T00:00:00Z\","
    "\"current_release_date\":\"2024-01-02T00:00:00Z\","
    "\"revision_history\":[]}},";

static struct advisory *
read_doc(const char *rest, struct rp_diags *d, int want)
{
	struct advisory *a;
	char *json = rp_asprintf("%s%s", doc_head, rest);

	assert_int_equal(read_str(json, &a, d), want);
	free(json);
	if (want == 0)
		check_model(a);
	return a;
}

static void
test_remediation_groups(void **state)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_remediation *rem;
	struct advisory *a;

	a = read_doc("\"product_tree\":{\"full_product_names\":["
		     "{\"name\":\"A 1\",\"product_id\":\"A\"},"
		     "{\"name\":\"B 1\",\"product_id\":\"B\"},"
		     "{\"name\":\"C 1\",\"product_id\":\"C\"}],"
		     "\"product_groups\":[{\"group_id\":\"G1\","
		     "\"summary\":\"A and B\",\"product_ids\":[\"A\",\"B\"]},"
		     "{\"group_id\":\"G2\",\"product_ids\":[\"B\",\"C\"]}]},"
		     "\"vulnerabilities\":[{\"cve\":\"CVE-2024-0001\","
		     "\"product_status\":{\"known_affected\":[\"A\",\"B\","
		     "\"C\"]},"
		     "\"remediations\":[{\"category\":\"vendor_fix\","
		     "\"details\":\"update\",\"url\":\"https://x.example/\","
		     "\"product_ids\":[\"A\"],\"group_ids\":[\"G1\",\"G2\"]},"
		     "{\"category\":\"workaround\",\"details\":\"w\","
		     "\"group_ids\":[\"G2\"]}]}]}",
	    d, 0);
	assert_string_equal(a->groups[0].summary, "A and B");
	rem = a->vulns[0].remediations;
	assert_int_equal(a->vulns[0].nremediations, 2);
	assert_int_equal(rem[0].category, ADV_REM_VENDOR_FIX);
	assert_string_equal(rem[0].details, "update");
	assert_string_equal(rem[0].url, "https://x.example/");
	/* A from product_ids, then G1 (B) and G2 (C): no duplicates */
	assert_int_equal(rem[0].nproduct_ids, 3);
	assert_string_equal(rem[0].product_ids[0], "A");
	assert_string_equal(rem[0].product_ids[1], "B");
	assert_string_equal(rem[0].product_ids[2], "C");
	assert_int_equal(rem[1].category, ADV_REM_WORKAROUND);
	assert_int_equal(rem[1].nproduct_ids, 2);
	assert_int_equal(d->nwarnings, 0);
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_identification(void **state)
{
	struct rp_diags *d = rp_diags_new();
	const struct adv_product *p;
	struct advisory *a;

	a = read_doc(
	    "\"product_tree\":{\"branches\":[{\"category\":\"vendor\","
	    "\"name\":\"3CX\",\"branches\":[{\"category\":\"product_name\","
	    "\"name\":\"3CX Desktop App\",\"branches\":[{\"category\":"
	    "\"platform_x\",\"name\":\"odd\",\"branches\":[{\"category\":"
	    "\"product_version\",\"name\":\"18.12.416\",\"product\":{"
	    "\"name\":\"3CX Desktop App 18.12.416\",\"product_id\":\"P1\","
	    "\"product_identification_helper\":{"
	    "\"cpe\":\"cpe:2.3:a:3cx:desktop_app:18.12.416:*:*:*:*:*:*:*\","
	    "\"purl\":\"pkg:generic/3cx/desktop-app@18.12.416\","
	    "\"hashes\":[{\"filename\":\"3CXDesktopApp.msi\","
	    "\"file_hashes\":[{\"algorithm\":\"sha256\",\"value\":"
	    "\"aa124a4b4df12b34e74ee7f6c683b2eb\"},{\"algorithm\":\"sha1\","
	    "\"value\":\"bea77d1e59cf18dce22ad9a2fad52948fd7a9efa\"}]}],"
	    "\"model_numbers\":[\"M-1\",7],\"serial_numbers\":[\"S-1\"],"
	    "\"skus\":[\"SKU-1\",\"SKU-2\"],\"sbom_urls\":[\"https://s/\"],"
	    "\"x_generic_uris\":[{\"namespace\":\"https://n/\",\"uri\":"
	    "\"https://u/\"}]}}}]}]}]}]},"
	    "\"vulnerabilities\":[{\"cve\":\"CVE-2023-29059\","
	    "\"product_status\":{\"known_affected\":[\"P1\"]},"
	    "\"scores\":[{\"products\":[\"P1\"],\"cvss_v3\":{\"version\":"
	    "\"3.1\",\"vectorString\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/"
	    "C:H/I:H/A:H\",\"baseScore\":8.8,\"baseSeverity\":\"HIGH\"},"
	    "\"cvss_v2\":{\"version\":\"2.0\",\"vectorString\":"
	    "\"AV:N/AC:M/Au:N/C:C/I:C/A:C\",\"baseScore\":9.3}}]}]}",
	    d, 0);
	p = product(a, "P1");
	assert_string_equal(p->vendor, "3CX");
	assert_string_equal(p->product, "3CX Desktop App");
	assert_string_equal(p->version, "18.12.416");
	assert_string_equal(
	    p->branch_path, "3CX > 3CX Desktop App > odd > 18.12.416");
	assert_string_equal(
	    p->cpe, "cpe:2.3:a:3cx:desktop_app:18.12.416:*:*:*:*:*:*:*");
	assert_string_equal(p->purl, "pkg:generic/3cx/desktop-app@18.12.416");
	assert_int_equal(p->nhashes, 2);
	assert_string_equal(p->hashes[0].algorithm, "sha256");
	assert_string_equal(p->hashes[1].algorithm, "sha1");
	assert_string_equal(p->hashes[1].filename, "3CXDesktopApp.msi");
	assert_int_equal(p->nmodel_numbers, 1);
	assert_string_equal(p->serial_numbers[0], "S-1");
	assert_int_equal(p->nskus, 2);
	/* the unknown category and the non-string model number, nothing else */
	assert_int_equal(d->nwarnings, 2);
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/product_tree/branches/0/branches/0/branches/0/category",
	    "unknown branch category"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/product_tree/branches/0/branches/0/branches/0/branches/0/"
	    "product/product_identification_helper/model_numbers/1",
	    "expected a string"));
	assert_int_equal(a->vulns[0].nscores, 2);
	assert_string_equal(a->vulns[0].scores[0].cvss_version, "3.1");
	assert_string_equal(a->vulns[0].scores[1].cvss_version, "2.0");
	assert_null(a->vulns[0].scores[1].base_severity);
	assert_true(a->vulns[0].scores[1].base_score > 9.2);
	assert_int_equal(a->vulns[0].scores[1].nproduct_ids, 1);
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_malformed(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a;

	a = read_doc(
	    "\"product_tree\":{\"full_product_names\":["
	    "{\"name\":\"A\",\"product_id\":\"A\"},42,"
	    "{\"name\":\"no id\"},{\"product_id\":\"B\"},"
	    "{\"name\":\"A again\",\"product_id\":\"A\"}],"
	    "\"branches\":\"nope\","
	    "\"product_groups\":[{\"group_id\":\"G\","
	    "\"product_ids\":[\"A\",\"Z\"]}],"
	    "\"relationships\":[{\"category\":\"installed_on\","
	    "\"product_reference\":\"A\",\"relates_to_product_"
	    "reference\":\"NOPE\",\"full_product_name\":{\"name\":"
	    "\"A on ?\",\"product_id\":\"R\"}},{\"category\":"
	    "\"default_component_of\",\"product_reference\":\"R2\","
	    "\"relates_to_product_reference\":\"R3\","
	    "\"full_product_name\":{\"name\":\"loop\",\"product_id\":"
	    "\"R3\"}},{\"category\":\"default_component_of\","
	    "\"product_reference\":\"R3\",\"relates_to_product_"
	    "reference\":\"A\",\"full_product_name\":{\"name\":"
	    "\"loop2\",\"product_id\":\"R2\"}}]},"
	    "\"vulnerabilities\":[7,{\"cve\":5,\"product_status\":{"
	    "\"known_affected\":[\"A\",\"Q\",3,\"G\"],\"fixed\":\"B\"},"
	    "\"remediations\":[{\"category\":\"bogus\"},"
	    "{\"category\":\"mitigation\",\"group_ids\":[\"G\","
	    "\"H\"]}],\"threats\":[{\"details\":\"x\"}],"
	    "\"scores\":[{\"products\":[\"A\"],\"cvss_v3\":{"
	    "\"vectorString\":\"CVSS:3.0/AV:N\",\"baseScore\":\"9\"}},"
	    "{\"products\":[\"A\"],\"cvss_v3\":{\"vectorString\":"
	    "\"CVSS:3.0/AV:N/AC:L\",\"baseScore\":5}}],"
	    "\"notes\":[{\"category\":\"summary\"}]}]}",
	    d, 0);
	if (getenv("CSAF_READ_DEBUG") != NULL)
		dump_diags(d);
	assert_int_equal(d->nerrors, 0);
	/* products: A, B (named after its ID), R, R3, R2 */
	assert_int_equal(a->nproducts, 5);
	assert_string_equal(product(a, "B")->name, "B");
	assert_string_equal(product(a, "A")->name, "A");
	assert_string_equal(product(a, "R")->rel_category, "installed_on");
	assert_null(product(a, "R")->platform);
	assert_string_equal(product(a, "R2")->platform, "A");
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/product_tree/full_product_names/1", "expected a full_product"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/product_tree/full_product_names/2", "needs a product_id"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/product_tree/full_product_names/3", "has no name"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/product_tree/full_product_names/4/product_id",
	    "defined more than once"));
	assert_true(has_diag(
	    d, RP_DIAG_WARNING, "/product_tree/branches", "expected an array"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/product_tree/product_groups/0/product_ids/1",
	    "unknown product ID \"Z\""));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/product_tree/relationships/0/relates_to_product_reference",
	    "unknown product ID \"NOPE\""));
	assert_true(has_diag(
	    d, RP_DIAG_WARNING, "/product_tree/relationships/2", "cycle"));
	assert_false(has_diag(
	    d, RP_DIAG_WARNING, "/product_tree/relationships/0", "cycle"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/vulnerabilities/0",
	    "expected a vulnerability object"));
	assert_true(has_diag(
	    d, RP_DIAG_WARNING, "/vulnerabilities/1/cve", "expected a string"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/vulnerabilities/1/product_status/known_affected/1",
	    "unknown product ID \"Q\""));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/vulnerabilities/1/product_status/known_affected/2",
	    "expected a product ID"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/vulnerabilities/1/product_status/known_affected/3",
	    "product group ID"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/vulnerabilities/1/product_status/fixed", "expected an array"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/vulnerabilities/1/remediations/0/category",
	    "unknown remediation category"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/vulnerabilities/1/remediations/1/group_ids/1",
	    "unknown product group ID \"H\""));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/vulnerabilities/1/threats/0",
	    "needs a category"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/vulnerabilities/1/scores/0/cvss_v3", "numeric baseScore"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/vulnerabilities/1/scores/1/cvss_v3", "taken from the vector"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/vulnerabilities/1/notes/0",
	    "needs category and text"));
	assert_int_equal(a->nvulns, 1);
	assert_null(a->vulns[0].cve);
	assert_int_equal(a->vulns[0].nstatus[ADV_STATUS_KNOWN_AFFECTED], 1);
	assert_int_equal(a->vulns[0].nstatus[ADV_STATUS_FIXED], 0);
	assert_int_equal(a->vulns[0].nremediations, 1);
	assert_int_equal(a->vulns[0].remediations[0].nproduct_ids, 1);
	assert_int_equal(a->vulns[0].nthreats, 0);
	assert_int_equal(a->vulns[0].nscores, 1);
	assert_string_equal(a->vulns[0].scores[0].cvss_version, "3.0");
	assert_int_equal(a->vulns[0].nnotes, 0);
	advisory_free(a);
	rp_diags_free(d);
}

static void
test_not_csaf(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a;

	assert_int_equal(read_str("[1,2]", &a, d), RP_ERR_INVALID);
	assert_null(a);
	assert_true(has_diag(d, RP_DIAG_ERROR, "", "JSON object"));
	assert_int_equal(read_str("{\"document\":3}", &a, d), RP_ERR_INVALID);
	assert_null(a);
	assert_int_equal(read_str("{}", &a, d), RP_ERR_INVALID);
	assert_null(a);
	rp_diags_clear(d);

	/* a bare document is thin but readable */
	assert_int_equal(
	    read_str("{\"document\":{},\"product_tree\":[]}", &a, d), 0);
	assert_int_equal(a->nproducts, 0);
	assert_null(a->id);
	assert_true(has_diag(d, RP_DIAG_WARNING, "/document", "csaf_version"));
	assert_true(has_diag(
	    d, RP_DIAG_WARNING, "/product_tree", "expected an object"));
	advisory_free(a);
	rp_diags_free(d);
}

/* A chain of n branches, the innermost holding one product. */
static json_t *
nested_doc(int n)
{
	json_t *root, *b, *inner;
	int i;

	inner =
	    json_pack("{s:s, s:s, s:{s:s, s:s}}", "category", "product_version",
		"name", "v", "product", "name", "deep", "product_id", "D");
	for (i = 1; i < n; i++) {
		b = json_pack("{s:s, s:s, s:[o]}", "category", "product_family",
		    "name", "f", "branches", inner);
		inner = b;
	}
	root = json_pack("{s:{s:s}, s:{s:[o]}}", "document", "csaf_version",
	    "2.0", "product_tree", "branches", inner);
	assert_non_null(root);
	return root;
}

static void
test_deep_nesting(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a;
	json_t *root;

	root = nested_doc(512);
	assert_int_equal(csaf_read(root, &a, d), 0);
	assert_int_equal(a->nproducts, 1);
	assert_string_equal(a->products[0].version, "v");
	assert_string_equal(a->products[0].family, "f");
	assert_int_equal(strlen(a->products[0].branch_path), 512 + 511 * 3);
	advisory_free(a);
	json_decref(root);

	root = nested_doc(513);
	assert_int_equal(csaf_read(root, &a, d), RP_ERR_LIMIT);
	assert_null(a);
	assert_int_equal(d->nerrors, 1);
	assert_non_null(strstr(d->v[d->n - 1].msg, "nested more than 512"));
	json_decref(root);

	root = nested_doc(1500);
	assert_int_equal(csaf_read(root, &a, d), RP_ERR_LIMIT);
	assert_null(a);
	json_decref(root);
	rp_diags_free(d);
}

/* Tens of thousands of products and references: linear, not quadratic. */
static void
test_large(void **state)
{
	struct rp_diags *d = rp_diags_new();
	json_t *root, *fpns, *ids, *ids2, *vuln, *group;
	struct advisory *a;
	char id[32];
	size_t i, n = 60000;

	fpns = json_array();
	ids = json_array();
	ids2 = json_array();
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "PID-%zu", (i * 7919) % n);
		json_array_append_new(fpns,
		    json_pack("{s:s, s:s}", "name", id, "product_id", id));
		json_array_append_new(ids, json_string(id));
		json_array_append_new(ids2, json_string(id));
	}
	group = json_pack("{s:s, s:o}", "group_id", "ALL", "product_ids", ids2);
	vuln = json_pack("{s:{s:o}, s:[{s:s, s:s, s:[s]}]}", "product_status",
	    "known_affected", ids, "remediations", "category", "vendor_fix",
	    "details", "update", "group_ids", "ALL");
	root = json_pack("{s:{s:s, s:{s:s}}, s:{s:o, s:[o]}, s:[o]}",
	    "document", "csaf_version", "2.0", "tracking", "id", "LARGE-1",
	    "product_tree", "full_product_names", fpns, "product_groups", group,
	    "vulnerabilities", vuln);
	assert_non_null(root);
	assert_int_equal(csaf_read(root, &a, d), 0);
	assert_int_equal(d->nwarnings, 0);
	assert_int_equal(a->nproducts, n);
	assert_int_equal(a->vulns[0].nstatus[ADV_STATUS_KNOWN_AFFECTED], n);
	assert_int_equal(a->vulns[0].remediations[0].nproduct_ids, n);
	check_model(a);
	assert_null(advisory_product(a, "PID-60000"));
	assert_string_equal(advisory_product(a, "PID-59999")->id, "PID-59999");
	advisory_free(a);
	json_decref(root);
	rp_diags_free(d);
}

/* A group named many times over: the reference budget stops the work. */
static void
test_ref_limit(void **state)
{
	struct rp_diags *d = rp_diags_new();
	json_t *root, *fpns, *members, *gids;
	struct advisory *a;
	char id[32];
	size_t i;

	fpns = json_array();
	members = json_array();
	gids = json_array();
	for (i = 0; i < 1000; i++) {
		snprintf(id, sizeof(id), "P%zu", i);
		json_array_append_new(fpns,
		    json_pack("{s:s, s:s}", "name", id, "product_id", id));
		json_array_append_new(members, json_string(id));
	}
	for (i = 0; i < 20000; i++)
		json_array_append_new(gids, json_string("G"));
	root = json_pack("{s:{s:s}, s:{s:o, s:[{s:s, s:o}]}, "
			 "s:[{s:[{s:s, s:o}]}]}",
	    "document", "csaf_version", "2.0", "product_tree",
	    "full_product_names", fpns, "product_groups", "group_id", "G",
	    "product_ids", members, "vulnerabilities", "threats", "category",
	    "impact", "group_ids", gids);
	assert_non_null(root);
	assert_int_equal(csaf_read(root, &a, d), RP_ERR_LIMIT);
	assert_null(a);
	assert_true(has_diag(d, RP_DIAG_ERROR, "/vulnerabilities/0/threats/0",
	    "refers to products more than"));
	json_decref(root);
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_import_all),
	    cmocka_unit_test(test_redhat),
	    cmocka_unit_test(test_bsi),
	    cmocka_unit_test(test_cisa_range),
	    cmocka_unit_test(test_group_threat),
	    cmocka_unit_test(test_remediation_groups),
	    cmocka_unit_test(test_identification),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_not_csaf),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_large),
	    cmocka_unit_test(test_ref_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
