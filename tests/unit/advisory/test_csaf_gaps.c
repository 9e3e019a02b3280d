/*
 * CSAF validation where it used to disagree with the reference validator:
 * a branch with both "product" and "branches" (the schema's oneOf), URIs
 * by the RFC 3986 grammar, CVSS v2 scores of either rounding (and which
 * one matched, as a note's test id), the BCP 47 grandfathered tags, and
 * date-times whose values are out of range.  Assertions are on test ids
 * and JSON pointers, not on wording.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "advisory/advisory.h"
#include "advisory/csaf_validate_int.h"
#include "util/err.h"

#include "csaf_testdoc.h"

/* The diagnostics of level for test at pointer. */
static size_t
count(const struct rp_diags *d, enum rp_diag_level level, const char *test,
    const char *pointer)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == level && d->v[i].test != NULL &&
		    strcmp(d->v[i].test, test) == 0 &&
		    (pointer == NULL ||
			(d->v[i].pointer != NULL &&
			    strcmp(d->v[i].pointer, pointer) == 0)))
			n++;
	}
	return n;
}

static json_t *
branch(const char *name, json_t *product, json_t *sub)
{
	json_t *b = json_pack("{s:s,s:s}", "category", "vendor", "name", name);

	if (product != NULL)
		json_object_set_new(b, "product", product);
	if (sub != NULL)
		json_object_set_new(b, "branches", sub);
	return b;
}

static void
test_branch_one_of(void **state)
{
	json_t *leaf = branch("A 1.0",
	    json_pack("{s:s,s:s}", "name", "A 1.0", "product_id", "P1"), NULL);
	json_t *both = branch("Vendor",
	    json_pack("{s:s,s:s}", "name", "V", "product_id", "P2"),
	    json_pack("[o]", leaf));
	json_t *doc = make_doc(json_pack("{s:[o]}", "branches", both), NULL);
	struct rp_diags *d = rp_diags_new();

	assert_int_equal(csaf_validate(doc, d), RP_ERR_INVALID);
	assert_int_equal(
	    count(d, RP_DIAG_ERROR, "schema", "/product_tree/branches/0"), 1);
	json_decref(doc);
	/* Either one alone is valid. */
	rp_diags_clear(d);
	leaf = branch("A 1.0",
	    json_pack("{s:s,s:s}", "name", "A 1.0", "product_id", "P1"), NULL);
	doc = make_doc(json_pack("{s:[o]}", "branches",
			   branch("Vendor", NULL, json_pack("[o]", leaf))),
	    NULL);
	assert_int_equal(csaf_validate(doc, d), 0);
	json_decref(doc);
	rp_diags_free(d);
}

static void
test_uris(void **state)
{
	static const struct {
		const char *uri;
		int ok;
	} t[] = {
	    {"https://example.com/csaf/2024/t-1.json", 1},
	    {"http://a/b?c#d", 1},
	    {"http://a/b?c#d#e", 0},
	    {"https://example.com/a b", 0},
	    {"https://exa mple.com", 0},
	    {"https://[::1]:8443/x", 1},
	    {"https://[::1x]/", 0},
	    {"https://example.com:80a/", 0},
	    {"https://%zz.example/", 0},
	    {"urn:oasis:names:tc:csaf", 1},
	    {"/relative/path", 0},
	    {"mailto:psirt@example.com", 1},
	};
	struct rp_diags *d = rp_diags_new();
	json_t *doc, *refs;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		doc = make_doc(NULL, NULL);
		refs =
		    json_pack("[{s:s,s:s}]", "summary", "s", "url", t[i].uri);
		json_object_set_new(
		    json_object_get(doc, "document"), "references", refs);
		rp_diags_clear(d);
		if ((csaf_validate(doc, d) == 0) != t[i].ok)
			fail_msg("'%s': expected %s", t[i].uri,
			    t[i].ok ? "valid" : "invalid");
		if (!t[i].ok)
			assert_int_equal(count(d, RP_DIAG_ERROR, "schema",
					     "/document/references/0/url"),
			    1);
		json_decref(doc);
	}
	rp_diags_free(d);
}

/* A v2 score in a document; returns csaf_validate()'s result. */
static int
validate_v2(
    const char *vector, double base, double temporal, struct rp_diags *d)
{
	json_t *pt = json_pack("{s:[{s:s,s:s}]}", "full_product_names", "name",
	    "A", "product_id", "P1");
	json_t *vulns =
	    json_pack("[{s:[{s:[s],s:{s:s,s:s,s:f,s:f}}]}]", "scores",
		"products", "P1", "cvss_v2", "version", "2.0", "vectorString",
		vector, "baseScore", base, "temporalScore", temporal);
	json_t *doc = make_doc(pt, vulns);
	int r;

	rp_diags_clear(d);
	r = csaf_validate(doc, d);
	json_decref(doc);
	return r;
}

static void
test_cvss2_roundings(void **state)
{
	/* Base 3.0; temporal 3.0 x 0.95 is 2.85 in decimals (2.9) but
	 * 2.8499... in binary floating point (the calculator's 2.8). */
	static const char *vec = "AV:L/AC:M/Au:S/C:N/I:P/A:P/E:F/RL:U/RC:C";
	static const char *at =
	    "/vulnerabilities/0/scores/0/cvss_v2/temporalScore";
	struct rp_diags *d = rp_diags_new();

	assert_int_equal(validate_v2(vec, 3.0, 2.9, d), 0);
	assert_int_equal(
	    count(d, RP_DIAG_NOTE, CSAF_NOTE_CVSS2_FLOAT, NULL), 0);
	assert_int_equal(validate_v2(vec, 3.0, 2.8, d), 0);
	assert_int_equal(count(d, RP_DIAG_NOTE, CSAF_NOTE_CVSS2_FLOAT, at), 1);
	assert_int_equal(validate_v2(vec, 3.0, 2.7, d), RP_ERR_INVALID);
	assert_int_equal(count(d, RP_DIAG_ERROR, "6.1.9", at), 1);
	assert_int_equal(
	    count(d, RP_DIAG_NOTE, CSAF_NOTE_CVSS2_FLOAT, NULL), 0);
	assert_int_equal(validate_v2(vec, 3.1, 2.9, d), RP_ERR_INVALID);
	assert_int_equal(count(d, RP_DIAG_ERROR, "6.1.9", NULL), 1);
	rp_diags_free(d);
}

static void
test_grandfathered(void **state)
{
	static const char *const tags[] = {"en-GB-oed", "i-ami", "i-bnn",
	    "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo",
	    "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-BE-FR",
	    "sgn-BE-NL", "sgn-CH-DE", "art-lojban", "cel-gaulish", "no-bok",
	    "no-nyn", "zh-guoyu", "zh-hakka", "zh-min", "zh-min-nan",
	    "zh-xiang", "I-KLINGON", "ZH-MIN-NAN"};
	static const char *const bad[] = {"i-klingonx", "i-foo", "en-GB-oed-x",
	    "zh-min-nan-x", "art-lojban-1901"};
	struct rp_diags *d = rp_diags_new();
	const char *why;
	json_t *doc;
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		if (csaf_check_lang(tags[i], &why) != 0)
			fail_msg("%s: %s", tags[i], why);
		assert_true(csaf_lang_syntax_ok(tags[i]));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(csaf_check_lang(bad[i], &why), -1);
	doc = make_doc(NULL, NULL);
	json_object_set_new(
	    json_object_get(doc, "document"), "lang", json_string("i-klingon"));
	assert_int_equal(csaf_validate(doc, d), 0);
	json_decref(doc);
	rp_diags_free(d);
}

static void
test_dates(void **state)
{
	static const char *const bad[] = {"2023-13-45T99:99:99Z",
	    "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z",
	    "2024-01-01T00:00:00+24:00", "2024-01-01T12:00:60Z"};
	struct rp_diags *d = rp_diags_new();
	json_t *doc;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		doc = make_doc(NULL, NULL);
		json_object_set_new(
		    json_object_get(
			json_object_get(doc, "document"), "tracking"),
		    "initial_release_date", json_string(bad[i]));
		rp_diags_clear(d);
		assert_int_equal(csaf_validate(doc, d), RP_ERR_INVALID);
		assert_true(
		    count(d, RP_DIAG_ERROR, "schema",
			"/document/tracking/initial_release_date") >= 1);
		json_decref(doc);
	}
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_branch_one_of),
	    cmocka_unit_test(test_uris),
	    cmocka_unit_test(test_cvss2_roundings),
	    cmocka_unit_test(test_grandfathered),
	    cmocka_unit_test(test_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
