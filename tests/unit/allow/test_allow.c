/*
 * Unit tests of src/lib/allow (allow.c, net.c, builtin.c): the 3CX case,
 * public suffixes, names equal to, below and above protected ones,
 * tenant entries, reserved and too wide networks, overlaps with
 * protected networks, the reason sentences, hostile values, work per
 * check bounded by the labels of the name and not the size of the lists
 * (hash table probes, never time), and that the built-in table and its
 * user page agree.
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
#include "util/err.h"
#include "util/hashtab.h"

static struct allow *
builtin(void)
{
	struct allow *a = allow_new();

	assert_non_null(a);
	assert_int_equal(allow_add_builtin(a), 0);
	return a;
}

/* The verdict on one value; asserts it was checked. */
static struct allow_verdict
check(const struct allow *a, enum allow_kind k, const char *value)
{
	struct allow_verdict v;

	memset(&v, 0xa5, sizeof(v));
	assert_int_equal(allow_check(a, k, value, &v), 0);
	return v;
}

static void
expect(const struct allow *a, enum allow_kind k, const char *value,
    enum allow_result res, enum allow_reason why, const char *entry)
{
	struct allow_verdict v = check(a, k, value);

	if (v.result != res || v.reason != why)
		fail_msg("%s: got result %d reason %s, expected %d %s", value,
		    v.result, allow_reason_name(v.reason), res,
		    allow_reason_name(why));
	if (entry == NULL)
		assert_null(v.entry);
	else {
		assert_non_null(v.entry);
		assert_string_equal(v.entry, entry);
	}
}

/* The 3CX staging URL and the names around it (issue 12). */
static void
test_3cx(void **state)
{
	struct allow *a = builtin();
	struct allow_verdict v;
	char buf[512];

	(void)state;
	v = check(a, ALLOW_URL,
	    "https://raw.githubusercontent.com/IconStorages/images/main/"
	    "icon12.ico");
	assert_int_equal(v.result, ALLOW_URL_ONLY);
	assert_int_equal(v.reason, ALLOW_R_ALLOWLISTED);
	assert_string_equal(v.subject, "raw.githubusercontent.com");
	assert_string_equal(v.list, "built-in");
	expect(a, ALLOW_DOMAIN, "raw.githubusercontent.com", ALLOW_REFUSED,
	    ALLOW_R_ALLOWLISTED, "raw.githubusercontent.com");
	v = check(a, ALLOW_DOMAIN, "raw.githubusercontent.com");
	assert_string_equal(allow_reason_text(&v, buf, sizeof(buf)),
	    "raw.githubusercontent.com is on the built-in allowlist (GitHub "
	    "content; blocking it stops developers)");
	expect(a, ALLOW_DOMAIN, "github.com", ALLOW_REFUSED,
	    ALLOW_R_ALLOWLISTED, "github.com");
	expect(a, ALLOW_DOMAIN, "akamaicontainer.com", ALLOW_OK, ALLOW_R_NONE,
	    NULL);
	expect(a, ALLOW_DOMAIN, "co.uk", ALLOW_REFUSED, ALLOW_R_PUBLIC_SUFFIX,
	    NULL);
	v = check(a, ALLOW_DOMAIN, "co.uk");
	assert_string_equal(allow_reason_text(&v, buf, sizeof(buf)),
	    "co.uk is a public suffix: blocking it would block every site "
	    "registered under it");
	/* the other 3CX domains are no one's business */
	expect(a, ALLOW_DOMAIN, "akamaitechcloudservices.com", ALLOW_OK,
	    ALLOW_R_NONE, NULL);
	expect(a, ALLOW_URL, "https://akamaitechcloudservices.com/v2/storage",
	    ALLOW_OK, ALLOW_R_NONE, NULL);
	allow_free(a);
}

static void
test_public_suffix(void **state)
{
	struct allow *a = allow_new();

	(void)state;
	assert_non_null(a);
	expect(
	    a, ALLOW_DOMAIN, "com", ALLOW_REFUSED, ALLOW_R_PUBLIC_SUFFIX, NULL);
	expect(a, ALLOW_DOMAIN, "COM.", ALLOW_REFUSED, ALLOW_R_PUBLIC_SUFFIX,
	    NULL);
	expect(a, ALLOW_DOMAIN, "github.io", ALLOW_REFUSED,
	    ALLOW_R_PUBLIC_SUFFIX, NULL);
	expect(a, ALLOW_DOMAIN, "githubusercontent.com", ALLOW_REFUSED,
	    ALLOW_R_PUBLIC_SUFFIX, NULL);
	/* a site under a shared-hosting suffix is its owner's alone */
	expect(a, ALLOW_DOMAIN, "evil.github.io", ALLOW_OK, ALLOW_R_NONE, NULL);
	expect(a, ALLOW_DOMAIN, "example.co.uk", ALLOW_OK, ALLOW_R_NONE, NULL);
	expect(a, ALLOW_URL, "http://co.uk/x", ALLOW_URL_ONLY,
	    ALLOW_R_PUBLIC_SUFFIX, NULL);
	/* without the built-in table nothing else is protected */
	expect(a, ALLOW_DOMAIN, "github.com", ALLOW_OK, ALLOW_R_NONE, NULL);
	allow_free(a);
}

static void
test_under_and_parent(void **state)
{
	struct allow *a = builtin();
	struct allow_verdict v;
	char buf[512];

	(void)state;
	expect(a, ALLOW_DOMAIN, "a.b.raw.githubusercontent.com", ALLOW_REFUSED,
	    ALLOW_R_UNDER_ALLOWLISTED, "raw.githubusercontent.com");
	/* the most specific entry names the reason */
	v = check(a, ALLOW_DOMAIN, "download.update.microsoft.com");
	assert_int_equal(v.reason, ALLOW_R_UNDER_ALLOWLISTED);
	assert_string_equal(v.entry, "update.microsoft.com");
	expect(a, ALLOW_DOMAIN, "Objects.GitHubUserContent.com.", ALLOW_REFUSED,
	    ALLOW_R_ALLOWLISTED, "objects.githubusercontent.com");
	/* look-alikes: no label boundary, no match */
	expect(a, ALLOW_DOMAIN, "evilgithub.com", ALLOW_OK, ALLOW_R_NONE, NULL);
	expect(a, ALLOW_DOMAIN, "github.com.evil.example", ALLOW_OK,
	    ALLOW_R_NONE, NULL);
	expect(a, ALLOW_DOMAIN, "raw-githubusercontent.com", ALLOW_OK,
	    ALLOW_R_NONE, NULL);
	assert_int_equal(allow_add_domain(a, "portal.example.net",
			     "tenant acme", "the customer's portal"),
	    0);
	v = check(a, ALLOW_DOMAIN, "example.net");
	assert_int_equal(v.result, ALLOW_REFUSED);
	assert_int_equal(v.reason, ALLOW_R_PARENT_OF_ALLOWLISTED);
	assert_string_equal(v.entry, "portal.example.net");
	assert_string_equal(v.list, "tenant acme");
	assert_string_equal(allow_reason_text(&v, buf, sizeof(buf)),
	    "blocking example.net would also block portal.example.net, which "
	    "is on the allowlist \"tenant acme\" (the customer's portal)");
	expect(
	    a, ALLOW_DOMAIN, "other.example.net", ALLOW_OK, ALLOW_R_NONE, NULL);
	expect(a, ALLOW_URL, "http://example.net/login", ALLOW_URL_ONLY,
	    ALLOW_R_PARENT_OF_ALLOWLISTED, "portal.example.net");
	expect(a, ALLOW_URL, "hxxps://sub.portal.example.net:8443/x",
	    ALLOW_URL_ONLY, ALLOW_R_UNDER_ALLOWLISTED, "portal.example.net");
	expect(a, ALLOW_URL, "https://user@GITHUB.com/x?y#z", ALLOW_URL_ONLY,
	    ALLOW_R_ALLOWLISTED, "github.com");
	allow_free(a);
}

static void
test_tenant_entries(void **state)
{
	struct allow *a = allow_new();

	(void)state;
	assert_non_null(a);
	assert_int_equal(
	    allow_add_domain(a, "co.uk", "t", NULL), RP_ERR_INVALID);
	assert_int_equal(allow_add_domain(a, "com", "t", NULL), RP_ERR_INVALID);
	assert_int_equal(
	    allow_add_domain(a, "bad name.com", "t", NULL), RP_ERR_INVALID);
	assert_int_equal(allow_add_domain(a, "", "t", NULL), RP_ERR_INVALID);
	assert_int_equal(allow_add_domain(a, NULL, "t", NULL), RP_ERR_ARG);
	assert_int_equal(
	    allow_add_cidr(a, "10.0.0.0/33", "t", NULL), RP_ERR_INVALID);
	assert_int_equal(
	    allow_add_cidr(a, "10.0.0.0/", "t", NULL), RP_ERR_INVALID);
	assert_int_equal(
	    allow_add_cidr(a, "10.0.0.0/+8", "t", NULL), RP_ERR_INVALID);
	assert_int_equal(
	    allow_add_cidr(a, "example.com", "t", NULL), RP_ERR_INVALID);
	assert_int_equal(allow_add_domain(a, "Shop.Example.ORG.", "tenant b",
			     "the customer's shop"),
	    0);
	assert_int_equal(
	    allow_add_domain(a, "shop.example.org", "tenant b", "again"), 0);
	expect(a, ALLOW_DOMAIN, "cdn.shop.example.org", ALLOW_REFUSED,
	    ALLOW_R_UNDER_ALLOWLISTED, "shop.example.org");
	/* host bits are cleared: the network is 198.51.0.0/16 */
	assert_int_equal(allow_add_cidr(a, "8.8.4.4/16", "tenant b", NULL), 0);
	expect(a, ALLOW_ADDR, "8.8.200.1", ALLOW_REFUSED, ALLOW_R_ALLOWLISTED,
	    "8.8.0.0/16");
	allow_free(a);
}

static void
test_addresses(void **state)
{
	struct allow *a = allow_new();
	struct allow_verdict v;
	char buf[512];

	(void)state;
	assert_non_null(a);
	assert_int_equal(allow_add_cidr(a, "17.0.0.0/8", "apple", "Apple"), 0);
	assert_int_equal(allow_add_cidr(a, "2620:0:860::/46", "wm", NULL), 0);
	assert_int_equal(allow_add_cidr(a, "91.198.174.0/24", "wm", NULL), 0);
	assert_int_equal(allow_add_cidr(a, "91.198.174.7", "wm2", NULL), 0);
	expect(a, ALLOW_ADDR, "17.253.144.10", ALLOW_REFUSED,
	    ALLOW_R_ALLOWLISTED, "17.0.0.0/8");
	expect(a, ALLOW_ADDR, "17.1.0.0/16", ALLOW_REFUSED, ALLOW_R_ALLOWLISTED,
	    "17.0.0.0/8");
	assert_int_equal(allow_add_cidr(a, "18.10.0.0/16", "t", NULL), 0);
	expect(a, ALLOW_ADDR, "18.0.0.0/8", ALLOW_REFUSED,
	    ALLOW_R_PARENT_OF_ALLOWLISTED, "18.10.0.0/16");
	expect(a, ALLOW_ADDR, "18.0.0.1", ALLOW_OK, ALLOW_R_NONE, NULL);
	expect(a, ALLOW_ADDR, "16.255.255.255", ALLOW_OK, ALLOW_R_NONE, NULL);
	expect(a, ALLOW_ADDR, "2620:0:861:1::1", ALLOW_REFUSED,
	    ALLOW_R_ALLOWLISTED, "2620:0:860::/46");
	expect(a, ALLOW_ADDR, "2620:0:864::1", ALLOW_OK, ALLOW_R_NONE, NULL);
	expect(a, ALLOW_ADDR, "91.198.174.0/23", ALLOW_REFUSED,
	    ALLOW_R_PARENT_OF_ALLOWLISTED, "91.198.174.0/24");
	expect(a, ALLOW_ADDR, "91.198.175.1", ALLOW_OK, ALLOW_R_NONE, NULL);
	expect(a, ALLOW_ADDR, "::ffff:17.1.2.3", ALLOW_REFUSED,
	    ALLOW_R_ALLOWLISTED, "17.0.0.0/8");
	/* never block targets */
	expect(a, ALLOW_ADDR, "127.0.0.1", ALLOW_REFUSED, ALLOW_R_RESERVED_ADDR,
	    "127.0.0.0/8");
	expect(a, ALLOW_ADDR, "0.0.0.0", ALLOW_REFUSED, ALLOW_R_RESERVED_ADDR,
	    "0.0.0.0/8");
	expect(a, ALLOW_ADDR, "::1", ALLOW_REFUSED, ALLOW_R_RESERVED_ADDR,
	    "::1/128");
	expect(a, ALLOW_ADDR, "::", ALLOW_REFUSED, ALLOW_R_RESERVED_ADDR,
	    "::/128");
	expect(a, ALLOW_ADDR, "fe80::1", ALLOW_REFUSED, ALLOW_R_RESERVED_ADDR,
	    "fe80::/10");
	expect(a, ALLOW_ADDR, "169.254.169.254", ALLOW_REFUSED,
	    ALLOW_R_RESERVED_ADDR, "169.254.0.0/16");
	expect(a, ALLOW_ADDR, "239.1.2.3", ALLOW_REFUSED, ALLOW_R_RESERVED_ADDR,
	    "224.0.0.0/4");
	expect(a, ALLOW_ADDR, "ff02::1", ALLOW_REFUSED, ALLOW_R_RESERVED_ADDR,
	    "ff00::/8");
	expect(a, ALLOW_ADDR, "192.168.1.1", ALLOW_REFUSED,
	    ALLOW_R_RESERVED_ADDR, "192.168.0.0/16");
	expect(a, ALLOW_ADDR, "255.255.255.255", ALLOW_REFUSED,
	    ALLOW_R_RESERVED_ADDR, "240.0.0.0/4");
	/* a network holding a reserved one */
	expect(a, ALLOW_ADDR, "169.254.0.0/15", ALLOW_REFUSED,
	    ALLOW_R_RESERVED_ADDR, "169.254.0.0/16");
	expect(a, ALLOW_ADDR, "2001:db8::/31", ALLOW_REFUSED,
	    ALLOW_R_RESERVED_ADDR, "2001:db8::/32");
	v = check(a, ALLOW_ADDR, "::1");
	assert_string_equal(allow_reason_text(&v, buf, sizeof(buf)),
	    "::1 is in ::1/128, loopback: never a block target");
	/* too wide */
	expect(
	    a, ALLOW_ADDR, "64.0.0.0/7", ALLOW_REFUSED, ALLOW_R_TOO_WIDE, NULL);
	expect(
	    a, ALLOW_ADDR, "0.0.0.0/0", ALLOW_REFUSED, ALLOW_R_TOO_WIDE, NULL);
	expect(
	    a, ALLOW_ADDR, "2a00::/15", ALLOW_REFUSED, ALLOW_R_TOO_WIDE, NULL);
	expect(a, ALLOW_ADDR, "2a00::/16", ALLOW_OK, ALLOW_R_NONE, NULL);
	expect(a, ALLOW_ADDR, "64.0.0.0/8", ALLOW_OK, ALLOW_R_NONE, NULL);
	v = check(a, ALLOW_ADDR, "64.0.0.0/7");
	assert_string_equal(v.subject, "64.0.0.0/7");
	/* URLs on protected or reserved hosts */
	expect(a, ALLOW_URL, "http://17.5.5.5/payload", ALLOW_URL_ONLY,
	    ALLOW_R_ALLOWLISTED, "17.0.0.0/8");
	expect(a, ALLOW_URL, "http://[::1]:8080/x", ALLOW_URL_ONLY,
	    ALLOW_R_RESERVED_ADDR, "::1/128");
	expect(a, ALLOW_URL, "http://45.33.32.156/x", ALLOW_OK, ALLOW_R_NONE,
	    NULL);
	allow_free(a);
}

/* Many networks: the search finds the one overlapping entry. */
static void
test_many_networks(void **state)
{
	struct allow *a = allow_new();
	struct allow_verdict v;
	char cidr[64];
	unsigned i;

	(void)state;
	assert_non_null(a);
	/* 20.0.0.0/24, 20.0.2.0/24 ... every other /24, and one /12 */
	for (i = 0; i < 4000; i += 2) {
		snprintf(cidr, sizeof(cidr), "20.%u.%u.0/24", i / 256, i % 256);
		assert_int_equal(allow_add_cidr(a, cidr, "many", NULL), 0);
	}
	assert_int_equal(allow_add_cidr(a, "30.0.0.0/12", "wide", NULL), 0);
	for (i = 0; i < 4000; i++) {
		snprintf(cidr, sizeof(cidr), "20.%u.%u.9", i / 256, i % 256);
		v = check(a, ALLOW_ADDR, cidr);
		assert_int_equal(
		    v.result, i % 2 == 0 ? ALLOW_REFUSED : ALLOW_OK);
	}
	expect(a, ALLOW_ADDR, "30.15.255.255", ALLOW_REFUSED,
	    ALLOW_R_ALLOWLISTED, "30.0.0.0/12");
	expect(a, ALLOW_ADDR, "30.16.0.0", ALLOW_OK, ALLOW_R_NONE, NULL);
	expect(a, ALLOW_ADDR, "20.16.0.0/16", ALLOW_OK, ALLOW_R_NONE, NULL);
	/* the entry with the largest end before the query's end */
	expect(a, ALLOW_ADDR, "20.14.0.0/16", ALLOW_REFUSED,
	    ALLOW_R_PARENT_OF_ALLOWLISTED, "20.14.254.0/24");
	allow_free(a);
}

static void
test_hostile_values(void **state)
{
	static const char *const bad_domains[] = {"", ".", "..", "a..b.com",
	    "exa mple.com", "ex\x01mple.com", "bücher.de", "-a.com/x",
	    "127.0.0.1", "a.b.c.123", NULL};
	static const char *const bad_addrs[] = {"", "1.2.3", "1.2.3.4/",
	    "1.2.3.4/33", "::/129", "1.2.3.4/-1", "1.2.3.4/ 8", "1.2.3.4/8x",
	    "example.com", "1.2.3.4 ", "[::1]", NULL};
	static const char *const bad_urls[] = {"", "github.com", "http://",
	    "http:///x", "http://[::1/x", "ht tp://a.com/x", "http://a.com:0/",
	    NULL};
	struct allow *a = builtin();
	struct allow_verdict v;
	char longname[1200];
	size_t i;

	(void)state;
	memset(&v, 0x5a, sizeof(v));
	for (i = 0; bad_domains[i] != NULL; i++)
		assert_int_equal(
		    allow_check(a, ALLOW_DOMAIN, bad_domains[i], &v),
		    RP_ERR_INVALID);
	for (i = 0; bad_addrs[i] != NULL; i++)
		assert_int_equal(allow_check(a, ALLOW_ADDR, bad_addrs[i], &v),
		    RP_ERR_INVALID);
	for (i = 0; bad_urls[i] != NULL; i++)
		assert_int_equal(
		    allow_check(a, ALLOW_URL, bad_urls[i], &v), RP_ERR_INVALID);
	/* 64-character label, 300-character name */
	memset(longname, 'a', sizeof(longname));
	memcpy(longname + 64, ".com", 5);
	assert_int_equal(
	    allow_check(a, ALLOW_DOMAIN, longname, &v), RP_ERR_INVALID);
	for (i = 0; i + 4 < 300; i += 4)
		memcpy(longname + i, "abc.", 4);
	memcpy(longname + i, "com", 4);
	assert_int_equal(
	    allow_check(a, ALLOW_DOMAIN, longname, &v), RP_ERR_INVALID);
	/* v was never touched */
	assert_int_equal(((unsigned char *)&v)[0], 0x5a);
	assert_int_equal(allow_check(a, ALLOW_DOMAIN, NULL, &v), RP_ERR_ARG);
	assert_int_equal(
	    allow_check(NULL, ALLOW_DOMAIN, "a.com", &v), RP_ERR_ARG);
	allow_free(a);
	allow_free(NULL);
}

/* Hash table probes of 1000 checks of 8-label names. */
static uint64_t
probes_for(const struct allow *a)
{
	struct allow_verdict v;
	char name[128];
	uint64_t p0 = rp_hashtab_probes();
	unsigned i;

	for (i = 0; i < 1000; i++) {
		snprintf(
		    name, sizeof(name), "a.b.c.d.e.h%u.zone%u.org", i, i % 97);
		assert_int_equal(allow_check(a, ALLOW_DOMAIN, name, &v), 0);
	}
	return rp_hashtab_probes() - p0;
}

static void
test_work_per_label(void **state)
{
	struct allow *small = builtin(), *big = builtin();
	char name[64];
	uint64_t ps, pb;
	unsigned i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "www%u.site%u.org", i, i % 5000);
		assert_int_equal(allow_add_domain(big, name, "big", NULL), 0);
	}
	ps = probes_for(small);
	pb = probes_for(big);
	print_message("probes: %llu with the built-in list, %llu with 100000 "
		      "more names\n",
	    (unsigned long long)ps, (unsigned long long)pb);
	/* 8 lookups up the name, 1 in the parents: at most 4 probes each
	 * on average in tables kept at most half full */
	assert_true(ps <= 1000 * 9 * 4);
	assert_true(pb <= 1000 * 9 * 4);
	assert_true(pb <= 3 * ps);
	allow_free(small);
	allow_free(big);
}

/*
 * docs/blocklists-allowlist.md lists the built-in table: every name in
 * its table is protected by the built-in list with the same reason, and
 * no built-in entry was dropped as a public suffix.
 */
static void
test_builtin_documented(void **state)
{
	const char *dir = getenv("RAMPART_TEST_DATA");
	struct allow *a = builtin();
	struct allow_verdict v;
	char path[4096], line[1024], name[256], why[512];
	const char *p, *q;
	size_t n = 0, names, nets;
	FILE *f;

	(void)state;
	assert_int_equal(allow_builtin_skipped(a), 0);
	assert_non_null(dir);
	snprintf(
	    path, sizeof(path), "%s/../../docs/blocklists-allowlist.md", dir);
	assert_non_null(f = fopen(path, "r"));
	/* rows "| `name` | reason |" */
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "| `", 3) != 0)
			continue;
		p = line + 3;
		assert_non_null(q = strchr(p, '`'));
		assert_true((size_t)(q - p) < sizeof(name));
		memcpy(name, p, (size_t)(q - p));
		name[q - p] = '\0';
		assert_non_null(p = strstr(q, "| "));
		p += 2;
		assert_non_null(q = strstr(p, " |"));
		memcpy(why, p, (size_t)(q - p));
		why[q - p] = '\0';
		v = check(a, ALLOW_DOMAIN, name);
		if (v.reason != ALLOW_R_ALLOWLISTED)
			fail_msg("%s in the docs is not built in", name);
		assert_string_equal(v.list, "built-in");
		assert_string_equal(v.why, why);
		n++;
	}
	fclose(f);
	/* and the table has no name the page does not list */
	allow_count(a, &names, &nets);
	assert_int_equal(names, n);
	assert_int_equal(nets, 0);
	assert_int_equal(n, 34);
	allow_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_3cx),
	    cmocka_unit_test(test_public_suffix),
	    cmocka_unit_test(test_under_and_parent),
	    cmocka_unit_test(test_tenant_entries),
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_many_networks),
	    cmocka_unit_test(test_hostile_values),
	    cmocka_unit_test(test_work_per_label),
	    cmocka_unit_test(test_builtin_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
