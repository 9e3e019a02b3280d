/*
 * Blocklist blobs: a request is normalised, sorted and deduplicated into
 * the documented bytes (so the same set always has the same hash), the
 * reader takes back exactly those bytes, and each kind of bad value or
 * non-canonical text is refused with where it is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "blockblob/blockblob.h"
#include "crypto/crypto.h"
#include "util/err.h"

static int
build(const char *req, char **out, char sha[65], char *why)
{
	json_t *in = json_loads(req, 0, NULL);
	size_t len = 0;
	int r;

	assert_non_null(in);
	r = blockblob_build(in, out, &len, sha, why, 256);
	json_decref(in);
	if (r == 0)
		assert_int_equal(len, strlen(*out));
	return r;
}

static void
test_build_canonical(void **state)
{
	char *out = NULL, *out2 = NULL, sha[65], sha2[65], why[256], hex[65];
	struct blockblob *b = NULL;

	(void)state;
	assert_int_equal(build("{\"addresses\":[\"10.1.2.3/8\",\"192.0.2.7\","
			       "\"2001:DB8:0:0::1\",\"192.0.2.7/32\"],"
			       "\"domains\":[\"Evil.Example.\",\"a.example\","
			       "\"evil.example\"],\"sinkhole\":[\"10.9.9.9\"]}",
			     &out, sha, why),
	    0);
	assert_string_equal(out,
	    "{\"v\":1,\"addresses\":[\"10.0.0.0/8\",\"192.0.2.7\","
	    "\"2001:db8::1\"],\"domains\":[\"a.example\",\"evil.example\"],"
	    "\"sinkhole\":[\"0.0.0.0\",\"10.9.9.9\",\"::\"]}");
	crypto_sha256_hex(out, strlen(out), hex);
	assert_string_equal(sha, hex);
	/* another order and spelling of the same set: the same bytes */
	assert_int_equal(build("{\"sinkhole\":[\"10.9.9.9\",\"0.0.0.0\"],"
			       "\"domains\":[\"evil.example\",\"A.EXAMPLE\"],"
			       "\"addresses\":[\"2001:db8::1\",\"10.0.0.0/8\","
			       "\"192.0.2.7\"]}",
			     &out2, sha2, why),
	    0);
	assert_string_equal(out, out2);
	assert_string_equal(sha, sha2);
	assert_int_equal(blockblob_read(out, strlen(out), &b, why, 256), 0);
	assert_int_equal(b->naddresses, 3);
	assert_int_equal(b->ndomains, 2);
	assert_int_equal(b->nsinkhole, 3);
	assert_string_equal(b->domains[1], "evil.example");
	assert_string_equal(b->addresses[0], "10.0.0.0/8");
	blockblob_free(b);
	free(out);
	free(out2);
	/* domains alone are enough */
	assert_int_equal(
	    build("{\"domains\":[\"x.example\"]}", &out, sha, why), 0);
	free(out);
}

static void
refused_build(const char *req, int code, const char *what)
{
	char *out = NULL, sha[65], why[256] = "";

	assert_int_equal(build(req, &out, sha, why), code);
	assert_null(out);
	assert_non_null(strstr(why, what));
}

static void
test_build_refusals(void **state)
{
	(void)state;
	refused_build("{}", RP_ERR_INVALID, "at least one");
	refused_build("{\"addresses\":[],\"domains\":[]}", RP_ERR_INVALID,
	    "at least one");
	refused_build("{\"addresses\":[\"1.2.3\"]}", RP_ERR_INVALID,
	    "/addresses/0: expected an IPv4 or IPv6");
	refused_build(
	    "{\"addresses\":[\"1.2.3.4/0\"]}", RP_ERR_INVALID, "prefix length");
	refused_build("{\"addresses\":[\"1.2.3.4/33\"]}", RP_ERR_INVALID,
	    "prefix length");
	refused_build(
	    "{\"addresses\":[\"::/129\"]}", RP_ERR_INVALID, "prefix length");
	refused_build("{\"addresses\":[\"1.2.3.4/08\"]}", RP_ERR_INVALID,
	    "prefix length");
	refused_build("{\"addresses\":[\"fe80::1%eth0\"]}", RP_ERR_INVALID,
	    "/addresses/0");
	refused_build("{\"domains\":[\"ok.example\",\"bad domain\"]}",
	    RP_ERR_INVALID, "/domains/1");
	refused_build("{\"domains\":[\"com\"]}", RP_ERR_INVALID, "/domains/0");
	refused_build("{\"domains\":[7]}", RP_ERR_INVALID,
	    "/domains/0: expected a string");
	refused_build("{\"domains\":\"x.example\"}", RP_ERR_INVALID,
	    "/domains: expected an array");
	refused_build(
	    "{\"domains\":[\"x.example\"],\"sinkhole\":[\"1.0.0.0/8\"]}",
	    RP_ERR_INVALID, "/sinkhole/0: expected one address");
	refused_build("{\"domains\":[\"x.example\"],\"sinkhole\":\"0.0.0.0\"}",
	    RP_ERR_INVALID, "/sinkhole: expected an array");
	refused_build("{\"domains\":[\"x.example\"],\"urls\":[]}",
	    RP_ERR_INVALID, "/urls: unknown member");
}

static void
test_build_limits(void **state)
{
	json_t *in = json_object(), *a = json_array(), *s = json_array();
	char *out = NULL, sha[65], why[256] = "", v[32];
	size_t len = 0, i;

	(void)state;
	for (i = 0; i <= BLOCKBLOB_ENTRIES_MAX; i++) {
		snprintf(v, sizeof(v), "10.%zu.%zu.%zu", i >> 16,
		    (i >> 8) & 255, i & 255);
		json_array_append_new(a, json_string(v));
	}
	json_object_set_new(in, "addresses", a);
	assert_int_equal(blockblob_build(in, &out, &len, sha, why, sizeof(why)),
	    RP_ERR_LIMIT);
	assert_non_null(strstr(why, "more than"));
	/* the cap counts the two default sinkholes too */
	json_array_remove(a, 0);
	json_array_remove(a, 0);
	json_array_remove(a, 0);
	assert_int_equal(
	    blockblob_build(in, &out, &len, sha, why, sizeof(why)), 0);
	free(out);
	for (i = 0; i <= BLOCKBLOB_SINKHOLE_MAX; i++) {
		snprintf(v, sizeof(v), "192.0.2.%zu", i);
		json_array_append_new(s, json_string(v));
	}
	json_object_set_new(in, "addresses", json_pack("[s]", "1.1.1.1"));
	json_object_set_new(in, "sinkhole", s);
	assert_int_equal(blockblob_build(in, &out, &len, sha, why, sizeof(why)),
	    RP_ERR_LIMIT);
	assert_non_null(strstr(why, "/sinkhole"));
	json_decref(in);
}

static void
refused_read(const char *text, const char *what)
{
	struct blockblob *b = NULL;
	char why[256] = "";

	assert_int_equal(
	    blockblob_read(text, strlen(text), &b, why, sizeof(why)),
	    RP_ERR_INVALID);
	assert_null(b);
	assert_non_null(strstr(why, what));
}

static void
test_read_refusals(void **state)
{
	(void)state;
	refused_read("", "not JSON");
	refused_read("[]", "expected {");
	refused_read(
	    "{\"v\":2,\"addresses\":[],\"domains\":[],\"sinkhole\":[]}",
	    "expected {");
	refused_read("{\"v\":1,\"addresses\":[],\"domains\":[]}", "expected {");
	refused_read("{\"v\":1,\"addresses\":[],\"domains\":[],\"sinkhole\":[],"
		     "\"x\":1}",
	    "expected {");
	refused_read("{\"v\":1,\"addresses\":[\"10.1.0.0/8\"],\"domains\":[],"
		     "\"sinkhole\":[]}",
	    "/addresses/0: not in its normalised");
	refused_read("{\"v\":1,\"addresses\":[],\"domains\":[\"B.example\"],"
		     "\"sinkhole\":[]}",
	    "/domains/0: not in its normalised");
	refused_read("{\"v\":1,\"addresses\":[],\"domains\":[\"b.example\","
		     "\"a.example\"],\"sinkhole\":[]}",
	    "/domains/1: not sorted");
	refused_read("{\"v\":1,\"addresses\":[],\"domains\":[\"a.example\","
		     "\"a.example\"],\"sinkhole\":[]}",
	    "/domains/1: not sorted");
	refused_read("{\"v\":1, \"addresses\":[],\"domains\":[],"
		     "\"sinkhole\":[]}",
	    "canonical");
	refused_read("{\"addresses\":[],\"v\":1,\"domains\":[],"
		     "\"sinkhole\":[]}",
	    "canonical");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_canonical),
	    cmocka_unit_test(test_build_refusals),
	    cmocka_unit_test(test_build_limits),
	    cmocka_unit_test(test_read_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
