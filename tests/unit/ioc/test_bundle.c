/*
 * Unit tests of src/lib/ioc/bundle.c: adding, the JSON round trip, and
 * hostile bundles rejected with the JSON pointer of the problem.
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

static const char sha[] =
    "aa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fdcf5d868";

static int
has_pointer(const struct rp_diags *d, const char *ptr, const char *text)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == RP_DIAG_ERROR && d->v[i].pointer != NULL &&
		    strcmp(d->v[i].pointer, ptr) == 0 &&
		    strstr(d->v[i].msg, text) != NULL)
			return 1;
	}
	return 0;
}

static void
test_add(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct rp_diags *d = rp_diags_new();

	assert_int_equal(
	    ioc_bundle_add(b, IOC_SHA256, sha, 0, "s", NULL, d), 0);
	/* same value in capitals: a duplicate, whose size fills the gap */
	assert_int_equal(
	    ioc_bundle_add(b, IOC_SHA256,
		"AA124A4B4DF12B34E74EE7F6C683B2EBEC4CE9A8EDCF9BE345"
		"823B4FDCF5D868",
		777, "t", "c", d),
	    0);
	assert_int_equal(b->niocs, 1);
	assert_int_equal(b->iocs[0].size, 777);
	assert_int_equal(d->nwarnings, 1);
	assert_int_equal(
	    ioc_bundle_add(b, IOC_DOMAIN, "not a domain", 0, NULL, NULL, d),
	    RP_ERR_INVALID);
	assert_int_equal(d->nerrors, 1);
	assert_int_equal(
	    ioc_bundle_add(b, IOC_DOMAIN, "evil.example", 12, NULL, NULL, d),
	    RP_ERR_INVALID);
	assert_int_equal(ioc_bundle_add(b, IOC_DOMAIN, "evil.example", 0, NULL,
			     "bad \xff comment", d),
	    RP_ERR_INVALID);
	assert_int_equal(
	    ioc_bundle_add(b, IOC_DOMAIN, "evil.example", 0, NULL, NULL, d), 0);
	/* the same value as another type is another indicator */
	assert_int_equal(
	    ioc_bundle_add(b, IOC_FILENAME, "evil.example", 0, NULL, NULL, d),
	    0);
	assert_int_equal(b->niocs, 3);
	assert_int_equal(ioc_bundle_add_advisory(b, "MSP-2023-0001"), 0);
	assert_int_equal(ioc_bundle_add_advisory(b, "MSP-2023-0001"), 0);
	assert_int_equal(
	    ioc_bundle_add_advisory(b, "two\nlines"), RP_ERR_INVALID);
	assert_int_equal(b->nadvisories, 1);
	assert_int_equal(ioc_bundle_add_yara(
			     b, "r.yar", "rule a { condition: true }", NULL, d),
	    0);
	assert_int_equal(ioc_bundle_add_yara(b, "again.yar",
			     "rule a { condition: true }", NULL, d),
	    0);
	assert_int_equal(b->nyara, 1);
	assert_int_equal(
	    ioc_bundle_add_yara(b, "e.yar", "", NULL, d), RP_ERR_INVALID);
	assert_int_equal(ioc_bundle_set_created(b, "2023-03-30T12:00:00Z"), 0);
	assert_int_equal(
	    ioc_bundle_set_created(b, "2023-03-30 12:00"), RP_ERR_INVALID);
	/* Values within their ranges, not only digits in place. */
	assert_int_equal(
	    ioc_bundle_set_created(b, "2023-13-45T99:99:99Z"), RP_ERR_INVALID);
	assert_int_equal(
	    ioc_bundle_set_created(b, "2023-02-29T12:00:00Z"), RP_ERR_INVALID);
	assert_int_equal(ioc_bundle_set_created(b, "2023-03-30T12:00:00+24:00"),
	    RP_ERR_INVALID);
	assert_int_equal(ioc_bundle_set_created(b, "2016-12-31T23:59:60Z"), 0);
	ioc_bundle_free(b);
	ioc_bundle_free(NULL);
	rp_diags_free(d);
}

/* Many indicators: the duplicate check stays exact past rehashing. */
static void
test_many(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	char v[64];
	size_t i;

	for (i = 0; i < 20000; i++) {
		snprintf(v, sizeof(v), "h%zu.example", i);
		assert_int_equal(
		    ioc_bundle_add(b, IOC_DOMAIN, v, 0, "src", NULL, NULL), 0);
	}
	for (i = 0; i < 20000; i += 997) {
		snprintf(v, sizeof(v), "H%zu.Example", i);
		assert_int_equal(
		    ioc_bundle_add(b, IOC_DOMAIN, v, 0, "src", NULL, NULL), 0);
	}
	assert_int_equal(b->niocs, 20000);
	/* one interned copy of the source */
	assert_ptr_equal(b->iocs[0].source, b->iocs[19999].source);
	ioc_bundle_free(b);
}

static void
test_round_trip(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new(), *c = NULL;
	struct rp_diags *d = rp_diags_new();
	json_t *j, *j2;
	char *s1, *s2;

	assert_int_equal(ioc_bundle_add(b, IOC_SHA256, sha, 123, "MSP-1",
			     "WIN: MSI \"quoted\"", d),
	    0);
	assert_int_equal(ioc_bundle_add(b, IOC_IP, "2001:DB8::1", 0, NULL,
			     "\xc3\xa9t\xc3\xa9", d),
	    0);
	assert_int_equal(ioc_bundle_add(b, IOC_URL, "hxxp://evil[.]example/a?b",
			     0, "list.txt", NULL, d),
	    0);
	assert_int_equal(ioc_bundle_add(b, IOC_FILENAME, "ffmpeg.dll", 0,
			     "list.txt", NULL, d),
	    0);
	assert_int_equal(ioc_bundle_add_yara(b, "volexity-rules.yar",
			     "rule a\n{\n condition: true\n}\n", "vx", d),
	    0);
	assert_int_equal(ioc_bundle_add_advisory(b, "MSP-1"), 0);
	assert_int_equal(ioc_bundle_set_created(b, "2023-03-30T12:00:00Z"), 0);
	j = ioc_bundle_write(b);
	assert_non_null(j);
	assert_int_equal(ioc_bundle_read_json(j, &c, d), 0);
	assert_int_equal(d->nerrors, 0);
	assert_int_equal(c->niocs, 4);
	assert_int_equal(c->iocs[0].size, 123);
	assert_string_equal(c->iocs[1].value, "2001:db8::1");
	assert_string_equal(c->iocs[1].comment, "\xc3\xa9t\xc3\xa9");
	assert_null(c->iocs[1].source);
	assert_string_equal(c->iocs[2].value, "http://evil.example/a?b");
	assert_string_equal(
	    c->yara[0].text, "rule a\n{\n condition: true\n}\n");
	assert_string_equal(c->created, "2023-03-30T12:00:00Z");
	assert_string_equal(c->advisories[0], "MSP-1");
	j2 = ioc_bundle_write(c);
	s1 = json_dumps(j, JSON_SORT_KEYS);
	s2 = json_dumps(j2, JSON_SORT_KEYS);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
	json_decref(j);
	json_decref(j2);
	ioc_bundle_free(b);
	ioc_bundle_free(c);
	rp_diags_free(d);
}

/*
 * The bundle format carries no networks: the writer leaves them out and
 * the reader refuses a "cidr" entry at its pointer.
 */
static void
test_networks(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new(), *c = NULL;
	struct rp_diags *d = rp_diags_new();
	json_t *j, *iocs;
	const char *text = "{\"rampart_bundle\":1,\"indicators\":["
			   "{\"type\":\"ip\",\"value\":\"192.0.2.1\"},"
			   "{\"type\":\"cidr\",\"value\":\"10.0.0.0/8\"}]}";

	(void)state;
	assert_int_equal(
	    ioc_bundle_add(b, IOC_CIDR, "10.1.2.3/8", 0, NULL, NULL, d), 0);
	assert_string_equal(b->iocs[0].value, "10.0.0.0/8");
	assert_int_equal(
	    ioc_bundle_add(b, IOC_IP, "192.0.2.1", 0, NULL, NULL, d), 0);
	assert_int_equal(
	    ioc_bundle_add(b, IOC_CIDR, "192.0.2.1", 0, NULL, NULL, d),
	    RP_ERR_INVALID);
	assert_int_equal(b->niocs, 2);
	j = ioc_bundle_write(b);
	assert_non_null(j);
	iocs = json_object_get(j, "indicators");
	assert_int_equal(json_array_size(iocs), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(iocs, 0), "type")),
	    "ip");
	json_decref(j);

	rp_diags_clear(d);
	j = rpjson_load_buf(text, strlen(text), d);
	assert_non_null(j);
	assert_int_equal(ioc_bundle_read_json(j, &c, d), RP_ERR_INVALID);
	assert_null(c);
	assert_true(
	    has_pointer(d, "/indicators/1/type", "does not carry networks"));
	json_decref(j);
	ioc_bundle_free(b);
	rp_diags_free(d);
}

/* Reads text; returns the result code, diagnostics in d. */
static int
read_text(const char *text, struct rp_diags *d)
{
	struct ioc_bundle *b = NULL;
	json_t *j;
	int r;

	rp_diags_clear(d);
	if ((j = rpjson_load_buf(text, strlen(text), d)) == NULL)
		return RP_ERR_INVALID;
	r = ioc_bundle_read_json(j, &b, d);
	if (r != 0)
		assert_null(b);
	ioc_bundle_free(b);
	json_decref(j);
	return r;
}

static void
test_hostile(void **state)
{
	struct rp_diags *d = rp_diags_new();
	char *big;
	size_t i, n = 1000001;

	assert_int_equal(read_text("[]", d), RP_ERR_INVALID);
	assert_int_equal(read_text("{\"indicators\":[]}", d), RP_ERR_INVALID);
	assert_int_equal(
	    read_text("{\"rampart_bundle\":2,\"indicators\":[]}", d),
	    RP_ERR_UNSUPPORTED);
	assert_true(has_pointer(d, "/rampart_bundle", "format 2"));
	assert_int_equal(
	    read_text("{\"rampart_bundle\":\"1\",\"indicators\":[]}", d),
	    RP_ERR_INVALID);
	assert_int_equal(
	    read_text("{\"rampart_bundle\":1}", d), RP_ERR_INVALID);
	assert_int_equal(
	    read_text("{\"rampart_bundle\":1,\"indicators\":[]}", d), 0);
	/* duplicate keys are refused by the loader */
	assert_int_equal(read_text("{\"rampart_bundle\":1,\"indicators\":[],"
				   "\"indicators\":[]}",
			     d),
	    RP_ERR_INVALID);
	assert_true(d->nerrors > 0);
	assert_int_equal(
	    read_text("{\"rampart_bundle\":1,\"indicators\":["
		      "{\"type\":\"sha256\",\"value\":\"aa\"},"
		      "{\"type\":7,\"value\":\"x\"},"
		      "{\"type\":\"yara\",\"value\":\"x\"},"
		      "{\"type\":\"md5\"},"
		      "{\"type\":\"domain\",\"value\":\"a.example\","
		      "\"size\":-1},"
		      "\"str\"],"
		      "\"yara\":[{\"name\":\"n\"}],"
		      "\"advisories\":[1],"
		      "\"created\":\"yesterday\"}",
		d),
	    RP_ERR_INVALID);
	assert_true(has_pointer(d, "/indicators/0", "SHA-256"));
	assert_true(has_pointer(d, "/indicators/1/type", "string"));
	assert_true(has_pointer(d, "/indicators/2/type", "not an indicator"));
	assert_true(has_pointer(d, "/indicators/3", "\"value\" is missing"));
	assert_true(has_pointer(d, "/indicators/4/size", "positive"));
	assert_true(has_pointer(d, "/indicators/5", "object"));
	assert_true(has_pointer(d, "/yara/0", "\"text\" is missing"));
	assert_true(has_pointer(
	    d, "/advisories/0", "non-empty string of at most 256 bytes"));
	assert_true(has_pointer(d, "/created", "RFC 3339"));
	/* what `bundle --check` reads: a date out of range is refused */
	rp_diags_free(d);
	d = rp_diags_new();
	assert_int_equal(read_text("{\"rampart_bundle\":1,\"indicators\":[],"
				   "\"created\":\"2023-13-45T99:99:99Z\"}",
			     d),
	    RP_ERR_INVALID);
	assert_true(has_pointer(d, "/created", ""));
	/* a NUL inside a string (refused by the loader already) */
	assert_int_equal(
	    read_text("{\"rampart_bundle\":1,\"indicators\":[{"
		      "\"type\":\"filename\",\"value\":\"a\\u0000b\"}]}",
		d),
	    RP_ERR_INVALID);
	assert_true(d->nerrors > 0);
	/* too many entries: refused before any is read */
	big = malloc(n * 3 + 64);
	assert_non_null(big);
	memcpy(big, "{\"rampart_bundle\":1,\"indicators\":[", 34);
	for (i = 0; i < n; i++)
		memcpy(big + 34 + 3 * i, i + 1 < n ? "{}," : "{}]", 3);
	memcpy(big + 34 + 3 * n, "}", 2);
	assert_int_equal(read_text(big, d), RP_ERR_LIMIT);
	assert_true(has_pointer(d, "/indicators", "at most 1000000"));
	free(big);
	/* unknown members are warnings */
	assert_int_equal(read_text("{\"rampart_bundle\":1,\"indicators\":[],"
				   "\"extra\":1}",
			     d),
	    0);
	assert_int_equal(d->nwarnings, 1);
	rp_diags_free(d);
}

static void
test_read_file(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = NULL;
	char path[] = "/tmp/rampart-bundle-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("{\"rampart_bundle\":1,\"indicators\":[{\"type\":\"ip\","
	      "\"value\":\"192.0.2.1\"}]}",
	    f);
	fclose(f);
	assert_int_equal(ioc_bundle_read_file(path, &b, d), 0);
	assert_int_equal(b->niocs, 1);
	ioc_bundle_free(b);
	b = NULL;
	f = fopen(path, "w");
	fputs("{\"rampart_bundle\":1,", f);
	fclose(f);
	assert_int_equal(ioc_bundle_read_file(path, &b, d), RP_ERR_INVALID);
	assert_null(b);
	remove(path);
	assert_int_equal(ioc_bundle_read_file(path, &b, d), RP_ERR_NOTFOUND);
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add),
	    cmocka_unit_test(test_many),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_networks),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
