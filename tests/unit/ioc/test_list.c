/*
 * Unit tests of src/lib/ioc/list.c: plain lists, CSV quoting and
 * layouts, and the real Sophos and Volexity 3CX lists with exact counts.
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
#include "util/diag.h"
#include "util/err.h"

static size_t
count(const struct ioc_bundle *b, enum ioc_type t)
{
	size_t i, n = 0;

	for (i = 0; i < b->niocs; i++)
		n += b->iocs[i].type == t;
	return n;
}

static const struct ioc *
find(const struct ioc_bundle *b, enum ioc_type t, const char *v)
{
	size_t i;

	for (i = 0; i < b->niocs; i++) {
		if (b->iocs[i].type == t && strcmp(b->iocs[i].value, v) == 0)
			return &b->iocs[i];
	}
	return NULL;
}

/* Whether d has an entry of level lv at line containing text. */
static int
has_diag(
    const struct rp_diags *d, enum rp_diag_level lv, int line, const char *text)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == lv && d->v[i].line == line &&
		    strstr(d->v[i].msg, text) != NULL)
			return 1;
	}
	return 0;
}

static int
read_str(
    const char *s, const char *name, struct ioc_bundle *b, struct rp_diags *d)
{
	return ioc_list_read_buf(s, strlen(s), name, b, d);
}

static void
test_plain(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	const char *list =
	    "\xef\xbb\xbf# 3CX indicators\n"
	    "aa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fdcf5d868  "
	    "3cxdesktopapp-18.12.407.msi\n"
	    "BFECB8CE89A312D2EF4AFC64A63847AE11C6F69E\r\n"
	    "0eeb1c0133eb4d571178b2d9d14ce3e9\n"
	    "\n"
	    "akamaicontainer[.]com\n"
	    "hxxps://raw.githubusercontent[.]com/IconStorages/images/main/\n"
	    "192.0.2[.]7\n"
	    "2001:db8::7\n"
	    "ffmpeg.dll\n"
	    "d3dcompiler_47.dll\n"
	    "filename:My Setup.exe\n"
	    "domain:evil.zip\n"
	    "payload.zip\n"
	    "svchost\n"
	    "0eeb1c0133eb4d571178b2d9d14ce3\n"
	    "sha256:1234\n"
	    "akamaicontainer.com\n";

	assert_int_equal(read_str(list, "list.txt", b, d), 0);
	assert_int_equal(count(b, IOC_SHA256), 1);
	assert_int_equal(count(b, IOC_SHA1), 1);
	assert_int_equal(count(b, IOC_MD5), 1);
	assert_int_equal(count(b, IOC_DOMAIN), 2);
	assert_int_equal(count(b, IOC_URL), 1);
	assert_int_equal(count(b, IOC_IP), 2);
	assert_int_equal(count(b, IOC_FILENAME), 3);
	assert_string_equal(b->iocs[0].comment, "3cxdesktopapp-18.12.407.msi");
	assert_string_equal(b->iocs[0].source, "list.txt");
	assert_non_null(
	    find(b, IOC_SHA1, "bfecb8ce89a312d2ef4afc64a63847ae11c6f69e"));
	assert_non_null(find(b, IOC_URL,
	    "https://raw.githubusercontent.com/IconStorages/images/main/"));
	assert_non_null(find(b, IOC_FILENAME, "My Setup.exe"));
	assert_non_null(find(b, IOC_DOMAIN, "evil.zip"));
	/* ambiguous, unknown, wrong length, invalid prefixed, duplicate */
	assert_true(has_diag(d, RP_DIAG_WARNING, 14, "file name or a domain"));
	assert_true(has_diag(d, RP_DIAG_WARNING, 15, "cannot tell"));
	assert_true(has_diag(d, RP_DIAG_WARNING, 16, "30 hex digits"));
	assert_true(has_diag(d, RP_DIAG_WARNING, 17, "64 hex digits"));
	assert_true(has_diag(d, RP_DIAG_WARNING, 18, "duplicate domain"));
	assert_int_equal(d->nerrors, 0);
	ioc_bundle_free(b);
	rp_diags_free(d);
}

/*
 * Networks in a plain list and in CSV: IPv4 and IPv6, host bits cleared,
 * an "ip:" value with a prefix too; a /32 or /128 is the address.  None
 * is taken for a URL without a scheme (host/path).
 */
static void
test_networks(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();

	(void)state;
	assert_int_equal(read_str("185.100.87.0/24 tor exits\n"
				  "10.1.2.3/8\n"
				  "2001:DB8:AB::1/48\n"
				  "ip:198.51.100.77/26\n"
				  "cidr:203.0.113.0/24\n"
				  "192.0.2.44/32\n"
				  "2001:db8::44/128\n"
				  "192.0.2.0/33\n"
				  "evil.example/8\n",
			     "nets.txt", b, d),
	    0);
	assert_non_null(find(b, IOC_CIDR, "185.100.87.0/24"));
	assert_string_equal(
	    find(b, IOC_CIDR, "185.100.87.0/24")->comment, "tor exits");
	assert_non_null(find(b, IOC_CIDR, "10.0.0.0/8"));
	assert_non_null(find(b, IOC_CIDR, "2001:db8:ab::/48"));
	assert_non_null(find(b, IOC_CIDR, "198.51.100.64/26"));
	assert_non_null(find(b, IOC_CIDR, "203.0.113.0/24"));
	assert_non_null(find(b, IOC_IP, "192.0.2.44"));
	assert_non_null(find(b, IOC_IP, "2001:db8::44"));
	assert_int_equal(count(b, IOC_CIDR), 5);
	assert_int_equal(count(b, IOC_IP), 2);
	/* a bad prefix is no network; a name with a path stays a URL */
	assert_true(has_diag(
	    d, RP_DIAG_WARNING, 8, "\"192.0.2.0/33\" is not a valid network"));
	assert_non_null(find(b, IOC_URL, "evil.example/8"));
	assert_int_equal(b->niocs, 8);
	rp_diags_free(d);
	ioc_bundle_free(b);

	b = ioc_bundle_new();
	d = rp_diags_new();
	assert_int_equal(read_str("type,value\n"
				  "ip,192.0.2.0/24\n"
				  "cidr,2001:db8::/32\n"
				  "ipv4,192.0.2.9/32\n",
			     "nets.csv", b, d),
	    0);
	assert_non_null(find(b, IOC_CIDR, "192.0.2.0/24"));
	assert_non_null(find(b, IOC_CIDR, "2001:db8::/32"));
	assert_non_null(find(b, IOC_IP, "192.0.2.9"));
	assert_int_equal(b->niocs, 3);
	rp_diags_free(d);
	ioc_bundle_free(b);
}

static void
test_nothing_usable(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();

	assert_int_equal(
	    read_str("# nothing\nhello\n", "x.txt", b, d), RP_ERR_INVALID);
	assert_int_equal(b->niocs, 0);
	assert_true(d->nerrors > 0);
	rp_diags_clear(d);
	assert_int_equal(read_str("", "x.txt", b, d), RP_ERR_INVALID);
	ioc_bundle_free(b);
	rp_diags_free(d);
}

static void
test_csv_quoting(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	const char *csv =
	    "type,value,comment,size\r\n"
	    "sha256,\"aa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fd"
	    "cf5d868\",\"an \"\"MSI\"\", with, commas\",1234\r\n"
	    "domain,evil.example,\"two\nlines\",\r\n"
	    "filename,ffmpeg.dll,,\r\n"
	    "ip,\"192.0.2.1\"junk,x,\r\n"
	    "url,\"https://evil.example/a,b\",,\r\n"
	    "mutex,Global\\x,,\r\n"
	    "md5,\"0eeb1c0133eb4d571178b2d9d14ce3e9\r\n";
	const struct ioc *e;

	assert_int_equal(read_str(csv, "mine.csv", b, d), 0);
	e = find(b, IOC_SHA256,
	    "aa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fdcf5d868");
	assert_non_null(e);
	assert_string_equal(e->comment, "an \"MSI\", with, commas");
	assert_int_equal(e->size, 1234);
	e = find(b, IOC_DOMAIN, "evil.example");
	assert_non_null(e);
	assert_string_equal(e->comment, "two\nlines");
	assert_non_null(find(b, IOC_FILENAME, "ffmpeg.dll"));
	assert_non_null(find(b, IOC_URL, "https://evil.example/a,b"));
	assert_int_equal(b->niocs, 4);
	/* line numbers count the line inside the quoted cell */
	assert_true(has_diag(d, RP_DIAG_WARNING, 6, "closing quote"));
	assert_true(has_diag(d, RP_DIAG_WARNING, 8, "not an indicator type"));
	assert_true(has_diag(d, RP_DIAG_WARNING, 9, "not closed"));
	ioc_bundle_free(b);
	rp_diags_free(d);
}

static void
test_csv_unknown_header(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();

	assert_int_equal(
	    read_str("ioc,kind\nevil.example,domain\n", "feed.csv", b, d),
	    RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, 1, "Indicator,Data,Note"));
	assert_true(has_diag(d, RP_DIAG_ERROR, 1, "value,entity_type"));
	ioc_bundle_free(b);
	rp_diags_free(d);
}

static char *
shared_path(const char *name)
{
	const char *dir = getenv("RAMPART_SHARED_DATA");
	static char path[4096];

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/3cx/%s", dir, name);
	return path;
}

static void
test_sophos(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	const struct ioc *e;

	assert_int_equal(ioc_list_read_file(
			     shared_path("sophos-3CX-IoCs-2023-03.csv"), b, d),
	    0);
	assert_int_equal(count(b, IOC_SHA256), 8);
	assert_int_equal(count(b, IOC_DOMAIN), 21);
	assert_int_equal(count(b, IOC_URL), 1);
	assert_int_equal(b->niocs, 30);
	/* the Description row is a note, not a warning */
	assert_true(has_diag(d, RP_DIAG_NOTE, 2, "Description"));
	assert_int_equal(d->nwarnings, 0);
	assert_int_equal(d->nerrors, 0);
	e = find(b, IOC_DOMAIN, "akamaicontainer.com");
	assert_non_null(e);
	assert_string_equal(e->comment, "C2 (malware/callhome)");
	assert_string_equal(e->source, "sophos-3CX-IoCs-2023-03.csv");
	assert_non_null(find(
	    b, IOC_URL, "raw.githubusercontent.com/IconStorages/images/main/"));
	assert_non_null(find(b, IOC_SHA256,
	    "c485674ee63ec8d4e8fde9800788175a8b02d3f9416d0e763360fff7f8eb4e0"
	    "2"));
	ioc_bundle_free(b);
	rp_diags_free(d);
}

static void
test_volexity(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	const struct ioc *e;

	assert_int_equal(
	    ioc_list_read_file(shared_path("volexity-iocs.csv"), b, d), 0);
	assert_int_equal(count(b, IOC_DOMAIN), 23);
	assert_int_equal(count(b, IOC_SHA256), 6);
	assert_int_equal(count(b, IOC_SHA1), 6);
	assert_int_equal(count(b, IOC_MD5), 6);
	assert_int_equal(b->niocs, 41);
	/* five emailwhois rows: warned, skipped */
	assert_int_equal(d->nwarnings, 5);
	assert_true(has_diag(d, RP_DIAG_WARNING, 4, "emailwhois"));
	assert_true(has_diag(d, RP_DIAG_WARNING, 28, "emailwhois"));
	e = find(b, IOC_MD5, "660ea9b8205fbd2da59fefd26ae5115c");
	assert_non_null(e);
	assert_string_equal(e->comment, "MACOS backdoored libffmpeg.dylib");
	assert_non_null(
	    find(b, IOC_SHA1, "769383fc65d1386dd141c960c9970114547da0c2"));
	assert_non_null(find(b, IOC_DOMAIN, "www.azuredeploystore.com"));
	ioc_bundle_free(b);
	rp_diags_free(d);
}

static void
test_both_lists(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();

	assert_int_equal(ioc_list_read_file(
			     shared_path("sophos-3CX-IoCs-2023-03.csv"), b, d),
	    0);
	assert_int_equal(
	    ioc_list_read_file(shared_path("volexity-iocs.csv"), b, d), 0);
	/* Volexity repeats 4 Sophos hashes and 21 domains; adds 2 www. */
	assert_int_equal(count(b, IOC_SHA256), 10);
	assert_int_equal(count(b, IOC_DOMAIN), 23);
	assert_int_equal(b->niocs, 8 + 2 + 6 + 6 + 23 + 1);
	ioc_bundle_free(b);
	rp_diags_free(d);
}

static void
test_missing_file(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();

	assert_int_equal(
	    ioc_list_read_file("/nonexistent/list.txt", b, d), RP_ERR_NOTFOUND);
	ioc_bundle_free(b);
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_networks),
	    cmocka_unit_test(test_nothing_usable),
	    cmocka_unit_test(test_csv_quoting),
	    cmocka_unit_test(test_csv_unknown_header),
	    cmocka_unit_test(test_sophos),
	    cmocka_unit_test(test_volexity),
	    cmocka_unit_test(test_both_lists),
	    cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
