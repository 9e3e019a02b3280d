/*
 * Unit tests of src/lib/ioc/misp.c: every MISP event in the shared data
 * with counts checked by hand (jq over the files), the to_ids modes,
 * composite values, skipped types reported by count, defanged values
 * restored, and the limits of what is read.
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
count(const struct ioc_bundle *b, enum ioc_type t, int mode)
{
	size_t i, n = 0;

	for (i = 0; i < b->niocs; i++)
		n += b->iocs[i].type == t &&
		    (mode < 0 || b->iocs[i].mode == (enum ioc_mode)mode);
	return n;
}

static const char *
shared_path(const char *name)
{
	const char *dir = getenv("RAMPART_SHARED_DATA");
	static char path[4096];

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/misp/%s", dir, name);
	return path;
}

static int
read_str(const char *s, struct ioc_bundle *b, struct ioc_import *st,
    struct rp_diags *d)
{
	json_t *root = rpjson_load_buf(s, strlen(s), d);
	int r;

	assert_non_null(root);
	r = ioc_misp_read_json(root, "test.json", b, st, d);
	json_decref(root);
	return r;
}

/* The wrapped form, objects, a registry key and links skipped. */
static void
test_event_with_objects(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	struct ioc_import st;
	const struct ioc *e;

	(void)state;
	assert_int_equal(ioc_misp_read_file(
			     shared_path("57c4445b-c548-4654-af0b-4be3950d210f"
					 ".json"),
			     b, &st, d),
	    0);
	assert_int_equal(b->niocs, 4);
	assert_int_equal(count(b, IOC_FILENAME, IOC_MODE_BLOCK), 1);
	assert_int_equal(count(b, IOC_MD5, IOC_MODE_BLOCK), 1);
	assert_int_equal(count(b, IOC_SHA1, IOC_MODE_BLOCK), 1);
	assert_int_equal(count(b, IOC_SHA256, IOC_MODE_BLOCK), 1);
	assert_int_equal(st.nread, 4);
	assert_int_equal(st.nskipped, 5);
	assert_int_equal(skipped(&st, "link"), 2);
	assert_int_equal(skipped(&st, "regkey|value"), 1);
	assert_int_equal(skipped(&st, "comment"), 1);
	assert_int_equal(skipped(&st, "text"), 1);
	assert_true(has_diag(
	    d, RP_DIAG_NOTE, NULL, "2 attributes of type \"link\" skipped"));
	e = &b->iocs[0];
	assert_string_equal(
	    e->source, "57c4445b-c548-4654-af0b-4be3950d210f.json");
	rp_diags_free(d);
	ioc_bundle_free(b);
}

/* A bare event (no "Event" wrapper) with to_ids false throughout. */
static void
test_existing_event(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	struct ioc_import st;

	(void)state;
	assert_int_equal(
	    ioc_misp_read_file(shared_path("existing_event.json"), b, &st, d),
	    0);
	assert_int_equal(count(b, IOC_DOMAIN, -1), 18);
	assert_int_equal(count(b, IOC_FILENAME, -1), 15);
	assert_int_equal(count(b, IOC_IP, -1), 11);
	assert_int_equal(count(b, IOC_SHA1, -1), 37);
	assert_int_equal(b->niocs, 81);
	assert_int_equal(count(b, IOC_SHA1, IOC_MODE_BLOCK), 37);
	assert_int_equal(st.nread + st.ninvalid, 83);
	assert_int_equal(st.nskipped, 39);
	assert_int_equal(skipped(&st, "text"), 38);
	assert_int_equal(skipped(&st, "link"), 1);
	assert_non_null(find(b, IOC_DOMAIN, "movieultimate.com"));
	assert_non_null(find(b, IOC_IP, "87.236.211.182"));
	rp_diags_free(d);
	ioc_bundle_free(b);
}

/* 370 attributes, composite filename|hash values, mixed to_ids. */
static void
test_long_event(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	struct ioc_import st;

	(void)state;
	assert_int_equal(
	    ioc_misp_read_file(shared_path("long_event.json"), b, &st, d), 0);
	/* 6 "url" attributes are bare host names: domains */
	assert_int_equal(count(b, IOC_DOMAIN, -1), 30);
	assert_int_equal(count(b, IOC_DOMAIN, IOC_MODE_BLOCK), 18);
	assert_null(find(b, IOC_DOMAIN, "igfxtray.exe"));
	assert_non_null(find(b, IOC_DOMAIN, "www.whitewall.top"));
	/* "Micbt/RasTls.dll": the base name */
	assert_non_null(find(b, IOC_FILENAME, "RasTls.dll"));
	assert_int_equal(count(b, IOC_FILENAME, -1), 62);
	assert_int_equal(count(b, IOC_FILENAME, IOC_MODE_BLOCK), 47);
	assert_int_equal(count(b, IOC_IP, -1), 9);
	assert_int_equal(count(b, IOC_IP, IOC_MODE_BLOCK), 8);
	assert_int_equal(count(b, IOC_MD5, -1), 75);
	assert_int_equal(count(b, IOC_MD5, IOC_MODE_BLOCK), 74);
	assert_int_equal(count(b, IOC_SHA1, -1), 58);
	assert_int_equal(count(b, IOC_SHA1, IOC_MODE_BLOCK), 57);
	assert_int_equal(count(b, IOC_SHA256, -1), 75);
	assert_int_equal(count(b, IOC_SHA256, IOC_MODE_BLOCK), 73);
	/* "107.183.86", "igfxtray.exe", "Data/dtl.dat", "Data/glp.uin"
	 * are not URLs */
	assert_int_equal(count(b, IOC_URL, -1), 4);
	assert_int_equal(b->niocs, 313);
	assert_int_equal(st.ninvalid, 4);
	assert_true(has_diag(d, RP_DIAG_WARNING, "/Event/Attribute/124/value",
	    "\"Data/dtl.dat\""));
	assert_int_equal(st.nskipped, 83);
	assert_int_equal(skipped(&st, "link"), 64);
	assert_int_equal(skipped(&st, "ssdeep"), 1);
	assert_int_equal(skipped(&st, "email-src"), 2);
	assert_int_equal(skipped(&st, "vulnerability"), 4);
	rp_diags_free(d);
	ioc_bundle_free(b);
}

static void
test_misp_event(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	struct ioc_import st;

	(void)state;
	assert_int_equal(
	    ioc_misp_read_file(shared_path("misp_event.json"), b, &st, d), 0);
	assert_int_equal(b->niocs, 1);
	assert_int_equal(b->iocs[0].type, IOC_URL);
	assert_int_equal(b->iocs[0].mode, IOC_MODE_INFORM);
	assert_int_equal(skipped(&st, "text"), 1);
	rp_diags_free(d);
	ioc_bundle_free(b);
}

/* Composite values, defanged input, modes merged, deleted entries. */
static void
test_values(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	struct ioc_import st;
	const struct ioc *e;

	(void)state;
	assert_int_equal(
	    read_str(
		"{\"Event\": {\"uuid\": \"u\", \"Attribute\": ["
		"{\"type\": \"ip-dst|port\", \"value\": \"192.0.2[.]7|443\","
		" \"to_ids\": true},"
		"{\"type\": \"domain|ip\", \"value\": "
		"\"Evil[.]Example.COM|2001:db8::1\", \"to_ids\": false},"
		"{\"type\": \"url\", \"value\": "
		"\"hxxp://bad[.]example/x\", \"to_ids\": true,"
		" \"comment\": \"c2\"},"
		"{\"type\": \"domain\", \"value\": \"evil.example.com\","
		" \"to_ids\": true},"
		"{\"type\": \"sha256\", \"value\": \"zz\", \"to_ids\": true},"
		"{\"type\": \"filename|md5\", \"value\": \"a.exe\"},"
		"{\"type\": \"md5\", \"value\": "
		"\"0EEB1C0133EB4D571178B2D9D14CE3E9\", \"deleted\": true},"
		"{\"type\": \"x-custom\", \"value\": \"v\"},"
		"\"junk\"]}}",
		b, &st, d),
	    0);
	assert_non_null(e = find(b, IOC_IP, "192.0.2.7"));
	assert_int_equal(e->mode, IOC_MODE_BLOCK);
	assert_string_equal(e->source, "test.json");
	assert_non_null(e = find(b, IOC_IP, "2001:db8::1"));
	assert_int_equal(e->mode, IOC_MODE_INFORM);
	/* listed again with to_ids true: block wins */
	assert_non_null(e = find(b, IOC_DOMAIN, "evil.example.com"));
	assert_int_equal(e->mode, IOC_MODE_BLOCK);
	assert_int_equal(count(b, IOC_URL, IOC_MODE_BLOCK), 1);
	assert_null(find(b, IOC_MD5, "0eeb1c0133eb4d571178b2d9d14ce3e9"));
	assert_int_equal(b->niocs, 4);
	assert_int_equal(st.nread, 5);
	assert_int_equal(st.ninvalid, 3);
	assert_int_equal(st.ndeleted, 1);
	assert_int_equal(skipped(&st, "x-custom"), 1);
	assert_true(has_diag(d, RP_DIAG_WARNING, "/Event/Attribute/4/value",
	    "not a valid sha256, \"zz\""));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/Event/Attribute/5/value",
	    "two parts joined by '|'"));
	assert_true(has_diag(d, RP_DIAG_WARNING, "/Event/Attribute/8",
	    "an attribute is an object"));
	rp_diags_free(d);
	ioc_bundle_free(b);
}

/*
 * ip-src / ip-dst with a prefix length are networks, host bits cleared;
 * a /32 or /128 is the address; a bad prefix is a warning.
 */
static void
test_networks(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	struct ioc_import st;
	const struct ioc *e;

	(void)state;
	assert_int_equal(
	    read_str("{\"Event\": {\"uuid\": \"u\", \"Attribute\": ["
		     "{\"type\": \"ip-dst\", \"value\": \"185.100.87[.]9/24\","
		     " \"to_ids\": true},"
		     "{\"type\": \"ip-src\", \"value\": \"2001:DB8:5::1/48\"},"
		     "{\"type\": \"ip-dst|port\", \"value\": "
		     "\"198.51.100.0/25|443\", \"to_ids\": true},"
		     "{\"type\": \"ip-dst\", \"value\": \"192.0.2.5/32\","
		     " \"to_ids\": true},"
		     "{\"type\": \"ip-src\", \"value\": \"2001:db8::7/128\","
		     " \"to_ids\": true},"
		     "{\"type\": \"ip-dst\", \"value\": \"192.0.2.0/40\","
		     " \"to_ids\": true}]}}",
		b, &st, d),
	    0);
	assert_non_null(e = find(b, IOC_CIDR, "185.100.87.0/24"));
	assert_int_equal(e->mode, IOC_MODE_BLOCK);
	assert_non_null(e = find(b, IOC_CIDR, "2001:db8:5::/48"));
	assert_int_equal(e->mode, IOC_MODE_INFORM);
	assert_non_null(find(b, IOC_CIDR, "198.51.100.0/25"));
	assert_non_null(find(b, IOC_IP, "192.0.2.5"));
	assert_non_null(find(b, IOC_IP, "2001:db8::7"));
	assert_int_equal(b->niocs, 5);
	assert_int_equal(count(b, IOC_CIDR, -1), 3);
	assert_int_equal(st.nread, 5);
	assert_int_equal(st.ninvalid, 1);
	assert_true(has_diag(d, RP_DIAG_WARNING, "/Event/Attribute/5/value",
	    "not a valid cidr, \"192.0.2.0/40\""));
	rp_diags_free(d);
	ioc_bundle_free(b);
}

/* Not an event, nothing usable, too many skipped type names. */
static void
test_refused(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();
	struct ioc_import st;
	char buf[8192];
	size_t n, i;

	(void)state;
	assert_int_equal(read_str("[1]", b, &st, d), RP_ERR_INVALID);
	assert_int_equal(
	    read_str("{\"info\": \"x\"}", b, &st, d), RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "", "not a MISP event"));
	assert_int_equal(
	    read_str("{\"Event\": []}", b, &st, d), RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "/Event", "is an object"));
	assert_int_equal(
	    read_str("{\"Event\": {\"Attribute\": [{\"type\": \"link\","
		     " \"value\": \"https://example.com/\"}]}}",
		b, &st, d),
	    RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, NULL, "no usable indicators"));
	/* a value longer than the model holds is a warning */
	{
		static char big[IOC_VALUE_MAX + 200];

		n = (size_t)snprintf(big, sizeof(big),
		    "{\"Attribute\": [{\"type\": \"md5\", \"value\": "
		    "\"0eeb1c0133eb4d571178b2d9d14ce3e9\"}, {\"type\": "
		    "\"filename|md5\", \"value\": \"");
		memset(big + n, 'a', IOC_VALUE_MAX + 1);
		snprintf(big + n + IOC_VALUE_MAX + 1,
		    sizeof(big) - n - IOC_VALUE_MAX - 1, "|x\"}]}");
		assert_int_equal(read_str(big, b, &st, d), 0);
		/* both parts: the file name too long, "x" no MD5 */
		assert_int_equal(st.ninvalid, 2);
		assert_true(has_diag(d, RP_DIAG_WARNING, "/Attribute/1/value",
		    "not a valid md5, \"x\""));
		assert_true(has_diag(d, RP_DIAG_WARNING, "/Attribute/1/value",
		    "a filename of more than 8192 bytes"));
	}
	/* 100 distinct skipped types: the last slot counts the rest */
	n = (size_t)snprintf(buf, sizeof(buf),
	    "{\"Attribute\": [{\"type\": \"md5\", \"value\": "
	    "\"0eeb1c0133eb4d571178b2d9d14ce3e9\"}");
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		    ",{\"type\": \"t%zu\", \"value\": \"v\"}", i);
	snprintf(buf + n, sizeof(buf) - n, "]}");
	assert_int_equal(read_str(buf, b, &st, d), 0);
	assert_int_equal(st.nskipped, 100);
	assert_int_equal(st.nskiptypes, IOC_IMPORT_MAX_TYPES);
	assert_int_equal(skipped(&st, "(other)"), 100 - 63);
	rp_diags_free(d);
	ioc_bundle_free(b);
}

/* A bundle written and read again keeps the inform mode. */
static void
test_mode_round_trip(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new(), *b2 = NULL;
	struct rp_diags *d = rp_diags_new();
	json_t *j;

	(void)state;
	assert_int_equal(
	    ioc_misp_read_file(shared_path("misp_event.json"), b, NULL, d), 0);
	assert_non_null(j = ioc_bundle_write(b));
	assert_int_equal(ioc_bundle_read_json(j, &b2, d), 0);
	assert_int_equal(b2->niocs, 1);
	assert_int_equal(b2->iocs[0].mode, IOC_MODE_INFORM);
	json_decref(j);
	ioc_bundle_free(b2);
	rp_diags_free(d);
	ioc_bundle_free(b);
}

static void
test_missing_file(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();

	(void)state;
	assert_int_equal(ioc_misp_read_file("/nonexistent/x.json", b, NULL, d),
	    RP_ERR_NOTFOUND);
	rp_diags_free(d);
	ioc_bundle_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_event_with_objects),
	    cmocka_unit_test(test_existing_event),
	    cmocka_unit_test(test_long_event),
	    cmocka_unit_test(test_misp_event),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_networks),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_mode_round_trip),
	    cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
