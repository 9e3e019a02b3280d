/*
 * Unit tests of src/lib/ioc/stix.c: a bundle with every accepted kind of
 * test, escaped strings and white space in patterns, each rejected
 * pattern quoted in an error at its JSON pointer, defanged values
 * restored, and the bounds on nesting, comparisons and pattern size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ioc/ioc.h"
#include "json/rpjson.h"
#include "util/diag.h"
#include "util/err.h"

#include "import_check.h"

static size_t
count(const struct ioc_bundle *b, enum ioc_type t)
{
	size_t i, n = 0;

	for (i = 0; i < b->niocs; i++)
		n += b->iocs[i].type == t;
	return n;
}

/* A bundle of one indicator with pattern p (a JSON string's content). */
static int
read_pattern(const char *p, struct ioc_bundle *b, struct rp_diags *d)
{
	static char buf[96 * 1024];
	json_t *root;
	int r;

	snprintf(buf, sizeof(buf),
	    "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": ["
	    "{\"type\": \"identity\", \"name\": \"x\"},"
	    "{\"type\": \"indicator\", \"pattern_type\": \"stix\","
	    " \"name\": \"n\", \"pattern\": \"%s\"}]}",
	    p);
	root = rpjson_load_buf(buf, strlen(buf), d);
	assert_non_null(root);
	r = ioc_stix_read_json(root, "t.json", b, NULL, d);
	json_decref(root);
	return r;
}

static void
test_bundle_file(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	struct ioc_import st;
	const char *dir = getenv("RAMPART_TEST_DATA");
	char path[4096];
	const struct ioc *e;

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/stix/3cx-bundle.json", dir);
	assert_int_equal(ioc_stix_read_file(path, b, &st, d), 0);
	assert_int_equal(b->niocs, 11);
	assert_int_equal(count(b, IOC_SHA256), 2);
	assert_int_equal(count(b, IOC_SHA1), 1);
	assert_int_equal(count(b, IOC_MD5), 1);
	assert_int_equal(count(b, IOC_FILENAME), 1);
	assert_int_equal(count(b, IOC_DOMAIN), 3);
	assert_int_equal(count(b, IOC_URL), 1);
	assert_int_equal(count(b, IOC_IP), 2);
	/* uppercase hex lowered, defanged values restored */
	assert_non_null(find(b, IOC_SHA256,
	    "59e1edf4d82fae4978e97512b0331b7eb21dd4b838b850ba46794d9c7a2c098"
	    "3"));
	assert_non_null(e = find(b, IOC_DOMAIN, "akamaicontainer.com"));
	assert_string_equal(e->source, "3cx-bundle.json");
	assert_string_equal(e->comment, "C2 domains");
	assert_int_equal(e->mode, IOC_MODE_BLOCK);
	assert_int_equal(count(b, IOC_URL), 1);
	assert_non_null(find(b, IOC_IP, "2001:db8::7"));
	assert_null(find(b, IOC_DOMAIN, "example.org"));
	assert_int_equal(st.nread, 11);
	assert_int_equal(st.ndeleted, 1);
	assert_int_equal(st.nskipped, 4);
	assert_int_equal(skipped(&st, "relationship"), 1);
	assert_int_equal(skipped(&st, "malware"), 1);
	assert_int_equal(
	    skipped(&st, "indicator with pattern_type other than stix"), 1);
	assert_true(has_diag(
	    d, RP_DIAG_NOTE, NULL, "1 objects of type \"identity\" skipped"));
	rp_diags_free(d);
	ioc_bundle_free(b);
}

/* White space, escapes, parentheses and both joins are accepted. */
static void
test_accepted(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();

	(void)state;
	assert_int_equal(read_pattern("  ( [ file:name='it\\\\'s a.exe' ]"
				      "AND[file:name = 'back\\\\\\\\slash.dll'"
				      "])OR [(url:value = 'http://a.example/"
				      "x') AND (domain-name:value='B.example'"
				      " OR ipv4-addr:value = '198.51.100.1')]"
				      "\\n",
			     b, d),
	    0);
	assert_non_null(find(b, IOC_FILENAME, "it's a.exe"));
	/* unescaped to one backslash, which a base name cannot hold */
	assert_true(has_diag(
	    d, RP_DIAG_WARNING, "/objects/1/pattern", "\"back\\slash.dll\""));
	assert_non_null(find(b, IOC_DOMAIN, "b.example"));
	assert_non_null(find(b, IOC_IP, "198.51.100.1"));
	assert_int_equal(count(b, IOC_URL), 1);
	assert_int_equal(b->niocs, 4);
	/* unquoted hash names */
	assert_int_equal(
	    read_pattern("[file:hashes.SHA256 = "
			 "'c485674ee63ec8d4e8fde9800788175a8b02d3f9416d0e763360"
			 "fff7f8eb4e02' OR file:hashes.SHA1 = "
			 "'bf939c9c261d27ee7bb92325cc588624fca75429']",
		b, d),
	    0);
	assert_int_equal(count(b, IOC_SHA256), 1);
	assert_int_equal(count(b, IOC_SHA1), 1);
	rp_diags_free(d);
	ioc_bundle_free(b);
}

/* Each rejected pattern is quoted in an error at /objects/1/pattern. */
static void
test_rejected(void **state)
{
	static const struct {
		const char *json; /* as written in the JSON document */
		const char *quoted; /* as it appears in the message */
		const char *why;
	} cases[] = {
	    {"[domain-name:value != 'a.example']",
		"[domain-name:value != 'a.example']", "other than '='"},
	    {"[domain-name:value MATCHES '^evil']",
		"[domain-name:value MATCHES '^evil']", "other than '='"},
	    {"[domain-name:value LIKE 'evil%']",
		"[domain-name:value LIKE 'evil%']", "other than '='"},
	    {"[domain-name:value IN ('a.example', 'b.example')]",
		"[domain-name:value IN ('a.example', 'b.example')]",
		"other than '='"},
	    {"[file:size > 1000]", "[file:size > 1000]", "object path other"},
	    {"[process:name = 'evil.exe']", "[process:name = 'evil.exe']",
		"object path other"},
	    {"[file:hashes.'SHA-512' = 'ab']", "[file:hashes.'SHA-512' = 'ab']",
		"object path other"},
	    {"[email-addr:value = 'a@b.example']",
		"[email-addr:value = 'a@b.example']", "object path other"},
	    {"[network-traffic:dst_ref.value = '192.0.2.1']",
		"[network-traffic:dst_ref.value = '192.0.2.1']",
		"object path other"},
	    {"[file:name = 'a.exe'] WITHIN 300 SECONDS",
		"[file:name = 'a.exe'] WITHIN 300 SECONDS", "qualifier"},
	    {"[file:name = 'a.exe'] REPEATS 5 TIMES",
		"[file:name = 'a.exe'] REPEATS 5 TIMES", "qualifier"},
	    {"[file:name = 'a.exe'] START t'2016-06-01T00:00:00Z' STOP "
	     "t'2016-07-01T00:00:00Z'",
		"START t'2016-06-01T00:00:00Z'", "qualifier"},
	    {"[file:name = 'a.exe'] FOLLOWEDBY [file:name = 'b.exe']",
		"FOLLOWEDBY [file:name = 'b.exe']", "FOLLOWEDBY"},
	    {"[file:name = 'a.exe'", "[file:name = 'a.exe'", "expected ']'"},
	    {"[file:name = 'a.exe]", "[file:name = 'a.exe]", "not closed"},
	    {"[file:name = 'a\\\\x.exe']", "[file:name = 'a\\x.exe']",
		"string escape"},
	    {"[file:name = 5]", "[file:name = 5]", "quoted string"},
	    {"[NOT file:name = 'a.exe']", "[NOT file:name = 'a.exe']",
		"expected ':'"},
	    {"[file:name NOT = 'a.exe']", "[file:name NOT = 'a.exe']",
		"other than '='"},
	    {"[file:name = 'a.exe'] trailing", "trailing",
		"the end of the pattern"},
	    {"file:name = 'a.exe'", "file:name = 'a.exe'", "expected '['"},
	    {"[file:name = 'a.exe'] ; DROP", "; DROP", "outside the pattern"},
	    {"", "", "expected '['"},
	};
	struct ioc_bundle *b;
	struct rp_diags *d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b = ioc_bundle_new();
		d = rp_diags_new();
		assert_int_equal(
		    read_pattern(cases[i].json, b, d), RP_ERR_INVALID);
		assert_int_equal(b->niocs, 0);
		assert_true(has_diag(d, RP_DIAG_ERROR, "/objects/1/pattern",
		    "rejected at offset"));
		if (!has_diag(d, RP_DIAG_ERROR, "/objects/1/pattern",
			cases[i].quoted) ||
		    !has_diag(
			d, RP_DIAG_ERROR, "/objects/1/pattern", cases[i].why))
			fail_msg("case %zu (%s): %s", i, cases[i].json,
			    d->n > 0 ? d->v[0].msg : "no diagnostic");
		rp_diags_free(d);
		ioc_bundle_free(b);
	}
}

/* One bad indicator among good ones: reported, the others read. */
static void
test_mixed(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	const char *s =
	    "{\"type\": \"bundle\", \"objects\": ["
	    "{\"type\": \"indicator\", \"pattern_type\": \"stix\","
	    " \"pattern\": \"[domain-name:value = 'good.example']\"},"
	    "{\"type\": \"indicator\", \"pattern_type\": \"stix\","
	    " \"pattern\": \"[ipv4-addr:value = '198.51.100.0/33']\"},"
	    "{\"type\": \"indicator\", \"pattern_type\": \"stix\"},"
	    "{\"type\": \"indicator\", \"pattern_type\": \"stix\","
	    " \"pattern\": \"[url:value MATCHES 'x']\"}, 7]}";
	json_t *root = rpjson_load_buf(s, strlen(s), d);
	struct ioc_import st;

	(void)state;
	assert_non_null(root);
	assert_int_equal(
	    ioc_stix_read_json(root, NULL, b, &st, d), RP_ERR_INVALID);
	assert_non_null(find(b, IOC_DOMAIN, "good.example"));
	assert_int_equal(b->niocs, 1);
	/* a value the model cannot hold is a warning, as in MISP */
	assert_true(has_diag(
	    d, RP_DIAG_WARNING, "/objects/1/pattern", "not a valid cidr"));
	assert_true(has_diag(d, RP_DIAG_ERROR, "/objects/2", "pattern"));
	assert_true(has_diag(
	    d, RP_DIAG_ERROR, "/objects/3/pattern", "[url:value MATCHES 'x']"));
	assert_true(has_diag(d, RP_DIAG_ERROR, "/objects/4", "JSON object"));
	json_decref(root);
	rp_diags_free(d);
	ioc_bundle_free(b);
}

/*
 * STIX 2.1 allows a network in ipv4-addr:value and ipv6-addr:value: it is
 * a network, host bits cleared; a /32 or /128 is the address itself.
 */
static void
test_networks(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();

	(void)state;
	assert_int_equal(read_pattern("[ipv4-addr:value = '198.51.100.7/24' OR "
				      "ipv6-addr:value = '2001:DB8:1::5/48' "
				      "OR ipv4-addr:value = '192.0.2.9/32' OR "
				      "ipv6-addr:value = '2001:db8::9/128' OR "
				      "ipv4-addr:value = '203.0.113.0/24']",
			     b, d),
	    0);
	assert_int_equal(b->niocs, 5);
	assert_non_null(find(b, IOC_CIDR, "198.51.100.0/24"));
	assert_non_null(find(b, IOC_CIDR, "2001:db8:1::/48"));
	assert_non_null(find(b, IOC_CIDR, "203.0.113.0/24"));
	assert_non_null(find(b, IOC_IP, "192.0.2.9"));
	assert_non_null(find(b, IOC_IP, "2001:db8::9"));
	assert_int_equal(count(b, IOC_CIDR), 3);
	assert_int_equal(count(b, IOC_IP), 2);
	/* a bad prefix is a warning naming a network */
	assert_int_equal(
	    read_pattern("[ipv6-addr:value = '2001:db8::/129']", b, d),
	    RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_WARNING, NULL, "not a valid cidr"));
	assert_int_equal(b->niocs, 5);
	rp_diags_free(d);
	ioc_bundle_free(b);
}

/* Not a bundle, nothing usable, nesting, counts and size bounds. */
static void
test_bounds(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	char *p;
	size_t i, n;
	json_t *root;

	(void)state;
	root = json_pack("{s:s}", "type", "indicator");
	assert_int_equal(
	    ioc_stix_read_json(root, NULL, b, NULL, d), RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "", "not a STIX bundle"));
	json_decref(root);
	root = json_pack(
	    "{s:s,s:[{s:s}]}", "type", "bundle", "objects", "type", "malware");
	assert_int_equal(
	    ioc_stix_read_json(root, NULL, b, NULL, d), RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "", "no usable indicators"));
	json_decref(root);

	p = malloc(80 * 1024);
	assert_non_null(p);
	/* 32 levels of parentheses are read, 33 are refused */
	for (n = 32; n <= 33; n++) {
		rp_diags_clear(d);
		for (i = 0; i < n; i++)
			p[i] = '(';
		i = n +
		    (size_t)snprintf(
			p + n, 100, "[file:name = 'deep%zu.exe']", n);
		memset(p + i, ')', n);
		p[i + n] = '\0';
		assert_int_equal(
		    read_pattern(p, b, d), n == 32 ? 0 : RP_ERR_INVALID);
		if (n == 33)
			assert_true(has_diag(d, RP_DIAG_ERROR,
			    "/objects/1/pattern", "nested too deep"));
	}
	/* a long rejected pattern is quoted in part, on a character */
	rp_diags_clear(d);
	memset(p, ' ', 299);
	snprintf(p + 299, 100, "\xc3\xa9[file:name MATCHES 'x']");
	assert_int_equal(read_pattern(p, b, d), RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "/objects/1/pattern",
	    "  ...\" rejected at offset 299: a character outside"));
	/* 1024 comparisons are read, 1025 are refused */
	for (n = 1024; n <= 1025; n++) {
		size_t len = 0;

		rp_diags_clear(d);
		len += (size_t)snprintf(p + len, 80 * 1024 - len, "[");
		for (i = 0; i < n; i++)
			len += (size_t)snprintf(p + len, 80 * 1024 - len,
			    "%sfile:name = 'f%zu.exe'", i > 0 ? " OR " : "", i);
		snprintf(p + len, 80 * 1024 - len, "]");
		assert_int_equal(
		    read_pattern(p, b, d), n == 1024 ? 0 : RP_ERR_INVALID);
	}
	assert_true(has_diag(
	    d, RP_DIAG_ERROR, "/objects/1/pattern", "more comparisons"));
	assert_non_null(find(b, IOC_FILENAME, "f1023.exe"));
	free(p);
	rp_diags_free(d);
	ioc_bundle_free(b);
}

/* A pattern longer than 64 KiB is refused before it is parsed. */
static void
test_pattern_size(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	size_t n = 64 * 1024 + 1;
	char *p = malloc(n + 1);
	json_t *root;

	(void)state;
	assert_non_null(p);
	memset(p, ' ', n);
	p[n] = '\0';
	root = json_pack("{s:s,s:[{s:s,s:s,s:s}]}", "type", "bundle", "objects",
	    "type", "indicator", "pattern_type", "stix", "pattern", p);
	assert_non_null(root);
	assert_int_equal(
	    ioc_stix_read_json(root, NULL, b, NULL, d), RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "/objects/0/pattern", "65536"));
	json_decref(root);
	free(p);
	rp_diags_free(d);
	ioc_bundle_free(b);
}

static void
test_missing_file(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();

	(void)state;
	assert_int_equal(ioc_stix_read_file("/nonexistent/x.json", b, NULL, d),
	    RP_ERR_NOTFOUND);
	rp_diags_free(d);
	ioc_bundle_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bundle_file),
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_rejected),
	    cmocka_unit_test(test_mixed),
	    cmocka_unit_test(test_networks),
	    cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_pattern_size),
	    cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
