/*
 * Unit tests of src/lib/allow/warninglist.c: real MISP warninglists from
 * tests/data/warninglists (CIDR, hostname, string, substring and regex
 * lists), and hostile documents: wrong shapes, bad and overlong values,
 * public suffixes as entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "allow/allow.h"
#include "json/rpjson.h"
#include "util/diag.h"
#include "util/err.h"

static const char *
data_path(const char *name)
{
	const char *dir = getenv("RAMPART_TEST_DATA");
	static char path[4096];

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/warninglists/%s", dir, name);
	return path;
}

static int
has_diag(const struct rp_diags *d, enum rp_diag_level lv, const char *ptr,
    const char *text)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == lv &&
		    (ptr == NULL ||
			(d->v[i].pointer != NULL &&
			    strcmp(d->v[i].pointer, ptr) == 0)) &&
		    strstr(d->v[i].msg, text) != NULL)
			return 1;
	}
	return 0;
}

static struct allow_verdict
check(const struct allow *a, enum allow_kind k, const char *value)
{
	struct allow_verdict v;

	assert_int_equal(allow_check(a, k, value, &v), 0);
	return v;
}

static void
test_cidr_lists(void **state)
{
	struct allow *a = allow_new();
	struct rp_diags *d = rp_diags_new();
	struct allow_verdict v;
	size_t names, nets;

	(void)state;
	assert_int_equal(
	    allow_read_warninglist_file(a, data_path("apple.json"), d), 0);
	assert_int_equal(
	    allow_read_warninglist_file(a, data_path("wikimedia.json"), d), 0);
	assert_int_equal(d->nerrors + d->nwarnings, 0);
	v = check(a, ALLOW_ADDR, "17.253.144.10");
	assert_int_equal(v.result, ALLOW_REFUSED);
	assert_int_equal(v.reason, ALLOW_R_ALLOWLISTED);
	assert_string_equal(v.entry, "17.0.0.0/8");
	assert_string_equal(v.list, "List of known Apple IP ranges");
	assert_string_equal(v.why, "IP ranges assigned to Apple");
	v = check(a, ALLOW_ADDR, "204.79.190.1");
	assert_int_equal(v.result, ALLOW_REFUSED);
	v = check(a, ALLOW_ADDR, "2a02:ec80:300::1");
	assert_int_equal(v.result, ALLOW_REFUSED);
	assert_string_equal(v.entry, "2a02:ec80::/29");
	assert_string_equal(v.list, "List of known Wikimedia address ranges");
	v = check(a, ALLOW_ADDR, "208.80.154.224");
	assert_int_equal(v.reason, ALLOW_R_ALLOWLISTED);
	assert_string_equal(v.entry, "208.80.152.0/22");
	v = check(a, ALLOW_ADDR, "208.80.156.1");
	assert_int_equal(v.result, ALLOW_OK);
	v = check(a, ALLOW_URL, "https://91.198.174.192/wiki");
	assert_int_equal(v.result, ALLOW_URL_ONLY);
	/* RFC 1918 and link-local lists repeat the reserved ranges */
	assert_int_equal(
	    allow_read_warninglist_file(a, data_path("rfc1918.json"), d), 0);
	assert_int_equal(
	    allow_read_warninglist_file(a, data_path("ipv6-linklocal.json"), d),
	    0);
	assert_int_equal(d->nerrors + d->nwarnings, 0);
	allow_count(a, &names, &nets);
	assert_int_equal(names, 0);
	assert_int_equal(nets, 4 + 10 + 3 + 1);
	v = check(a, ALLOW_ADDR, "fe80::1");
	assert_int_equal(v.reason, ALLOW_R_RESERVED_ADDR);
	rp_diags_free(d);
	allow_free(a);
}

static void
test_name_lists(void **state)
{
	struct allow *a = allow_new();
	struct rp_diags *d = rp_diags_new();
	struct allow_verdict v;
	size_t names, nets;

	(void)state;
	/* hostname: the names and below */
	assert_int_equal(allow_read_warninglist_file(a,
			     data_path("umbrella-blockpage-hostname.json"), d),
	    0);
	assert_int_equal(d->nerrors + d->nwarnings, 0);
	v = check(a, ALLOW_DOMAIN, "x.hit-malware.opendns.com");
	assert_int_equal(v.reason, ALLOW_R_UNDER_ALLOWLISTED);
	assert_string_equal(v.list, "cisco-umbrella-blockpage-hostname");
	v = check(a, ALLOW_DOMAIN, "opendns.com");
	assert_int_equal(v.reason, ALLOW_R_PARENT_OF_ALLOWLISTED);
	/* string: exact names, and parents of them */
	assert_int_equal(allow_read_warninglist_file(
			     a, data_path("captive-portals.json"), d),
	    0);
	assert_int_equal(d->nerrors + d->nwarnings, 0);
	v = check(a, ALLOW_DOMAIN, "captive.apple.com");
	assert_int_equal(v.reason, ALLOW_R_ALLOWLISTED);
	assert_string_equal(v.list, "Captive Portal Detection Hostnames");
	v = check(a, ALLOW_DOMAIN, "evil.captive.apple.com");
	assert_int_equal(v.result, ALLOW_OK);
	v = check(a, ALLOW_DOMAIN, "d2uzsrnmmf6tds.cloudfront.net");
	assert_int_equal(v.reason, ALLOW_R_ALLOWLISTED);
	v = check(a, ALLOW_DOMAIN, "other.cloudfront.net");
	assert_int_equal(v.result, ALLOW_OK);
	v = check(a, ALLOW_DOMAIN, "gstatic.com");
	assert_int_equal(v.reason, ALLOW_R_PARENT_OF_ALLOWLISTED);
	/* RFC 6761: reverse zones and example names */
	assert_int_equal(
	    allow_read_warninglist_file(a, data_path("rfc6761.json"), d), 0);
	assert_int_equal(d->nerrors + d->nwarnings, 0);
	v = check(a, ALLOW_DOMAIN, "example.com");
	assert_int_equal(v.reason, ALLOW_R_ALLOWLISTED);
	/* 5 + 21 + 21 names, none on two of the lists */
	allow_count(a, &names, &nets);
	assert_int_equal(names, 5 + 21 + 21);
	assert_int_equal(nets, 0);
	rp_diags_free(d);
	allow_free(a);
}

/* Substring and regex lists are named in a note, nothing is applied. */
static void
test_not_applied(void **state)
{
	struct allow *a = allow_new();
	struct rp_diags *d = rp_diags_new();
	struct allow_verdict v;

	(void)state;
	assert_int_equal(allow_read_warninglist_file(a,
			     data_path("microsoft-attack-simulator.json"), d),
	    0);
	assert_true(has_diag(d, RP_DIAG_NOTE, "/type",
	    "warninglist \"List of known Office 365 Attack Simulator used for "
	    "phishing awareness campaigns\" not applied: its 141 substring "
	    "entries"));
	v = check(a, ALLOW_DOMAIN, "www.bankmenia.com");
	assert_int_equal(v.result, ALLOW_OK);
	assert_int_equal(allow_read_warninglist_file(
			     a, data_path("common-contact-emails.json"), d),
	    0);
	assert_true(has_diag(d, RP_DIAG_NOTE, "/type",
	    "\"Common contact e-mail addresses\" not applied: its 1 regex"));
	assert_int_equal(d->nerrors + d->nwarnings, 0);
	rp_diags_free(d);
	allow_free(a);
}

/* What allow_read_warninglist_each handed on. */
struct seen {
	int heads;
	char list[128], type[16];
	size_t names, subtrees, nets;
	int has_captive, stop_at;
};

static int
on_entry(const struct allow_wl_entry *e, void *arg)
{
	struct seen *s = arg;

	if (e->value == NULL) {
		s->heads++;
		snprintf(s->list, sizeof(s->list), "%s", e->list);
		snprintf(s->type, sizeof(s->type), "%s", e->type);
		return 0;
	}
	if (e->net)
		s->nets++;
	else
		s->names++;
	s->subtrees += e->subtree != 0;
	if (strcmp(e->value, "captive.apple.com") == 0)
		s->has_captive = 1;
	if (s->stop_at > 0 && s->names + s->nets == (size_t)s->stop_at)
		return RP_ERR_LIMIT;
	return 0;
}

static int
each_file(const char *name, struct seen *s, struct rp_diags *d)
{
	json_t *root = NULL;
	int r;

	assert_int_equal(rpjson_load(data_path(name), 1 << 24, &root, d), 0);
	r = allow_read_warninglist_each(root, NULL, on_entry, s, d);
	json_decref(root);
	return r;
}

/* The entries as a guard would hold them, handed on one by one. */
static void
test_each(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct seen s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(each_file("captive-portals.json", &s, d), 0);
	assert_int_equal(s.heads, 1);
	assert_string_equal(s.list, "Captive Portal Detection Hostnames");
	assert_string_equal(s.type, "string");
	assert_int_equal(s.names, 21);
	assert_int_equal(s.subtrees, 0);
	assert_true(s.has_captive);
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    each_file("umbrella-blockpage-hostname.json", &s, d), 0);
	assert_int_equal(s.names, 5);
	assert_int_equal(s.subtrees, 5);
	memset(&s, 0, sizeof(s));
	assert_int_equal(each_file("rfc1918.json", &s, d), 0);
	assert_int_equal(s.nets, 3);
	assert_int_equal(s.names, 0);
	/* not applicable: the list, then nothing */
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    each_file("microsoft-attack-simulator.json", &s, d), 0);
	assert_int_equal(s.heads, 1);
	assert_string_equal(s.type, "substring");
	assert_int_equal(s.names + s.nets, 0);
	assert_true(has_diag(d, RP_DIAG_NOTE, "/type", "not applied"));
	/* the callback's error stops the read and is returned */
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	assert_int_equal(
	    each_file("captive-portals.json", &s, d), RP_ERR_LIMIT);
	assert_int_equal(s.names, 2);
	assert_int_equal(d->nerrors + d->nwarnings, 0);
	rp_diags_free(d);
}

static int
read_str(struct allow *a, const char *s, const char *name, struct rp_diags *d)
{
	json_t *root = rpjson_load_buf(s, strlen(s), d);
	int r;

	assert_non_null(root);
	r = allow_read_warninglist_json(a, root, name, d);
	json_decref(root);
	return r;
}

static void
test_hostile(void **state)
{
	struct allow *a = allow_new();
	struct rp_diags *d = rp_diags_new();
	static const char head[] =
	    "{\"name\":\"l\",\"type\":\"string\",\"list\":[\"";
	struct allow_verdict v;
	char *big;
	size_t i, n;

	(void)state;
	assert_int_equal(read_str(a, "[]", NULL, d), RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "", "a JSON object"));
	rp_diags_clear(d);
	assert_int_equal(
	    read_str(a, "{\"name\":\"x\",\"type\":\"cidr\"}", NULL, d),
	    RP_ERR_INVALID);
	assert_int_equal(d->nerrors, 1);
	rp_diags_clear(d);
	assert_int_equal(
	    read_str(
		a, "{\"name\":\"x\",\"type\":\"glob\",\"list\":[]}", NULL, d),
	    RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "/type", "hostname"));
	rp_diags_clear(d);
	assert_int_equal(
	    read_str(a, "{\"name\":7,\"type\":\"cidr\",\"list\":{}}", NULL, d),
	    RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "/name", "string"));
	rp_diags_clear(d);
	/* bad entries are warnings at their pointers, the rest applies */
	assert_int_equal(
	    read_str(a,
		"{\"name\":\"mixed\",\"type\":\"hostname\","
		"\"description\":\"d\",\"version\":1,"
		"\"list\":[\"co.uk\",\"com\",7,\"\",\"a b.com\","
		"\"*.good.example\",\"198.51.100.7\","
		"\"10.0.0.0/99\",\".dot.example\",\"x\\u0001.com\"],"
		"\"extra\":1}",
		"tenant list", d),
	    0);
	assert_true(has_diag(d, RP_DIAG_WARNING, "/list/0", "public suffix"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/list/1", "public suffix"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/list/2", "string"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/list/4", "a b.com"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/list/7", "10.0.0.0/99"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/extra", "unknown"));
	assert_true(has_diag(d, RP_DIAG_NOTE, "/list",
	    "warninglist \"tenant list\": 3 of 10 entries applied, 7 left "
	    "out"));
	v = check(a, ALLOW_DOMAIN, "www.good.example");
	assert_int_equal(v.reason, ALLOW_R_UNDER_ALLOWLISTED);
	assert_string_equal(v.list, "tenant list");
	assert_string_equal(v.why, "d");
	v = check(a, ALLOW_DOMAIN, "a.dot.example");
	assert_int_equal(v.reason, ALLOW_R_UNDER_ALLOWLISTED);
	v = check(a, ALLOW_ADDR, "198.51.100.7");
	assert_int_equal(v.reason, ALLOW_R_RESERVED_ADDR);
	v = check(a, ALLOW_DOMAIN, "uk.co");
	assert_int_equal(v.result, ALLOW_OK);
	rp_diags_clear(d);
	/* an overlong value is left out, never cut */
	n = strlen(head);
	assert_non_null(big = malloc(n + 1200));
	memcpy(big, head, n);
	for (i = n; i < n + 1100; i++)
		big[i] = 'a';
	memcpy(big + i, ".com\"]}", 8);
	assert_int_equal(read_str(a, big, NULL, d), 0);
	assert_true(has_diag(d, RP_DIAG_WARNING, "/list/0", "at most 1024"));
	free(big);
	rp_diags_free(d);
	allow_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cidr_lists),
	    cmocka_unit_test(test_name_lists),
	    cmocka_unit_test(test_not_applied),
	    cmocka_unit_test(test_each),
	    cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
