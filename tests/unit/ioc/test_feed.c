/*
 * Unit tests of src/lib/ioc/feed.c: the manifest of the test feed
 * (tests/data/misp-feed, the real events of ../shared/data/misp),
 * strict UUIDs, numbers as MISP and PyMISP write them, hostile
 * manifests, and a feed folder with missing and useless events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ioc/ioc.h"
#include "json/rpjson.h"
#include "util/diag.h"
#include "util/err.h"

#include "import_check.h"

static const char *
feed_dir(void)
{
	const char *dir = getenv("RAMPART_TEST_DATA");
	static char path[4096];

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/misp-feed", dir);
	return path;
}

static int
read_manifest(const char *s, struct ioc_misp_manifest **m, struct rp_diags *d)
{
	json_t *root = rpjson_load_buf(s, strlen(s), d);
	int r;

	assert_non_null(root);
	r = ioc_misp_manifest_read_json(root, m, d);
	json_decref(root);
	return r;
}

static void
test_manifest_real(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_misp_manifest *m = NULL;
	const struct ioc_misp_manifest_event *e;
	char path[4200];
	json_t *root;

	(void)state;
	snprintf(path, sizeof(path), "%s/manifest.json", feed_dir());
	assert_non_null(root = rpjson_load_file(path, 1 << 20, d));
	assert_int_equal(ioc_misp_manifest_read_json(root, &m, d), 0);
	json_decref(root);
	assert_int_equal(d->n, 0);
	assert_int_equal(m->nevents, 4);
	/* sorted by UUID */
	assert_string_equal(
	    m->events[0].uuid, "57153590-f73c-49fa-be4b-4737950d210f");
	assert_string_equal(
	    m->events[1].uuid, "5758ebf5-c898-48e6-9fe9-5665c0a83866");
	assert_string_equal(
	    m->events[2].uuid, "57c4445b-c548-4654-af0b-4be3950d210f");
	assert_string_equal(
	    m->events[3].uuid, "5a3c2fcd-8328-42bb-a95e-4f4402de0b81");
	e = &m->events[2];
	assert_string_equal(e->info, "Ransomware - Xorist");
	assert_int_equal(e->timestamp, 1472541011);
	assert_int_equal(e->publish_timestamp, 1472548231);
	assert_string_equal(e->org, "CIRCL");
	assert_string_equal(e->date, "2016-08-29");
	assert_string_equal(e->tlp, "tlp:white");
	assert_int_equal(e->analysis, 2);
	assert_int_equal(e->threat_level, 3);
	e = &m->events[1];
	assert_string_equal(e->org, "ORGNAME");
	assert_int_equal(e->publish_timestamp, 0);
	assert_null(e->tlp);
	assert_int_equal(e->analysis, 0);
	assert_int_equal(e->threat_level, 1);
	ioc_misp_manifest_free(m);
	rp_diags_free(d);
}

/* MISP's own exports write numbers as strings. */
static void
test_manifest_strings(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_misp_manifest *m = NULL;

	(void)state;
	assert_int_equal(
	    read_manifest("{\"57c4445b-c548-4654-af0b-4be3950d210f\": "
			  "{\"timestamp\": \"1472541011\", \"analysis\": \"1\","
			  " \"threat_level_id\": \"4\", \"info\": null,"
			  " \"Tag\": [{\"name\": \"osint\"}, {\"name\": "
			  "\"tlp:amber\"}]}}",
		&m, d),
	    0);
	assert_int_equal(d->n, 0);
	assert_int_equal(m->nevents, 1);
	assert_int_equal(m->events[0].timestamp, 1472541011);
	assert_int_equal(m->events[0].analysis, 1);
	assert_int_equal(m->events[0].threat_level, 4);
	assert_null(m->events[0].info);
	assert_null(m->events[0].org);
	assert_string_equal(m->events[0].tlp, "tlp:amber");
	ioc_misp_manifest_free(m);
	rp_diags_free(d);
}

/* Only canonical UUIDs become file names; bad entries are warnings. */
static void
test_manifest_hostile(void **state)
{
	static const char *const bad_names[] = {"../../etc/passwd",
	    "57C4445B-C548-4654-AF0B-4BE3950D210F",
	    "57c4445b-c548-4654-af0b-4be3950d210",
	    "57c4445b-c548-4654-af0b-4be3950d210f0",
	    "57c4445bxc548-4654-af0b-4be3950d210f",
	    "57c4445b-c548-4654-af0b-4be3950d210g",
	    "57c4445b-c548-4654-af0b/4be3950d210f", "", NULL};
	struct rp_diags *d = rp_diags_new();
	struct ioc_misp_manifest *m = NULL;
	char doc[512];
	size_t i;

	(void)state;
	for (i = 0; bad_names[i] != NULL; i++) {
		snprintf(doc, sizeof(doc), "{\"%s\": {\"timestamp\": 1}}",
		    bad_names[i]);
		rp_diags_clear(d);
		assert_int_equal(read_manifest(doc, &m, d), RP_ERR_INVALID);
		assert_null(m);
		assert_true(has_diag(d, RP_DIAG_WARNING, "",
		    "member 1 of the manifest is not named by an event UUID"));
		assert_true(has_diag(d, RP_DIAG_ERROR, "", "no usable event"));
	}
	rp_diags_clear(d);
	assert_int_equal(read_manifest("[]", &m, d), RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "", "a JSON object"));
	/* one good entry among bad ones */
	rp_diags_clear(d);
	assert_int_equal(
	    read_manifest(
		"{\"57c4445b-c548-4654-af0b-4be3950d210f\": [],"
		" \"5758ebf5-c898-48e6-9fe9-5665c0a83866\": {\"info\": \"x\"},"
		" \"57153590-f73c-49fa-be4b-4737950d210f\": {\"timestamp\":"
		" \"99999999999999999999\"},"
		" \"5a3c2fcd-8328-42bb-a95e-4f4402de0b81\": {\"timestamp\": "
		"-1},"
		" \"00000000-0000-0000-0000-000000000001\": {\"timestamp\": "
		"\"1x\"},"
		" \"00000000-0000-0000-0000-000000000002\": {\"timestamp\": 5,"
		" \"analysis\": 3, \"threat_level_id\": \"0\", \"Orgc\": 7,"
		" \"info\": 1, \"Tag\": {}}}",
		&m, d),
	    0);
	assert_int_equal(m->nevents, 1);
	assert_string_equal(
	    m->events[0].uuid, "00000000-0000-0000-0000-000000000002");
	assert_int_equal(m->events[0].timestamp, 5);
	assert_int_equal(m->events[0].analysis, -1);
	assert_int_equal(m->events[0].threat_level, -1);
	assert_null(m->events[0].org);
	assert_null(m->events[0].info);
	assert_int_equal(d->nerrors, 0);
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/57c4445b-c548-4654-af0b-4be3950d210f", "an object"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/5758ebf5-c898-48e6-9fe9-5665c0a83866", "no \"timestamp\""));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/57153590-f73c-49fa-be4b-4737950d210f/timestamp", "a string"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/5a3c2fcd-8328-42bb-a95e-4f4402de0b81/timestamp", "a number"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/00000000-0000-0000-0000-000000000002/analysis", "0 to 2"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/00000000-0000-0000-0000-000000000002/Orgc", "object"));
	ioc_misp_manifest_free(m);
	/* an empty feed is a feed */
	rp_diags_clear(d);
	assert_int_equal(read_manifest("{}", &m, d), 0);
	assert_int_equal(m->nevents, 0);
	ioc_misp_manifest_free(m);
	ioc_misp_manifest_free(NULL);
	rp_diags_free(d);
}

/* More events than the bound: refused before any is read. */
static void
test_manifest_limit(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_misp_manifest *m = NULL;
	json_t *root = json_object(), *ev;
	char uuid[40];
	size_t i;

	(void)state;
	for (i = 0; i <= IOC_MISP_FEED_MAX_EVENTS; i++) {
		snprintf(
		    uuid, sizeof(uuid), "00000000-0000-0000-0000-%012zx", i);
		ev = json_pack("{s:i}", "timestamp", 1);
		assert_int_equal(json_object_set_new(root, uuid, ev), 0);
	}
	assert_int_equal(
	    ioc_misp_manifest_read_json(root, &m, d), RP_ERR_LIMIT);
	assert_null(m);
	assert_true(has_diag(d, RP_DIAG_ERROR, "", "at most 100000"));
	json_decref(root);
	rp_diags_free(d);
}

/* The test feed: the four real events, counts summed. */
static void
test_feed_dir(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = ioc_bundle_new();
	struct ioc_import st;
	const struct ioc *i;
	size_t k, nblock = 0;

	(void)state;
	assert_int_equal(ioc_misp_feed_read_dir(feed_dir(), b, &st, d), 0);
	assert_int_equal(d->nerrors, 0);
	/* 4 + 81 + 313 + 1 indicators of the four events */
	assert_int_equal(b->niocs, 399);
	for (k = 0; k < b->niocs; k++)
		nblock += b->iocs[k].mode == IOC_MODE_BLOCK;
	assert_int_equal(nblock, 366);
	assert_int_equal(st.nread, 463);
	assert_int_equal(st.ninvalid, 4);
	assert_int_equal(st.nskipped, 128);
	assert_int_equal(skipped(&st, "link"), 67);
	assert_int_equal(skipped(&st, "text"), 40);
	assert_int_equal(skipped(&st, "regkey|value"), 1);
	/* the event UUID is the source; to_ids decides the mode */
	assert_non_null(i = find(b, IOC_FILENAME, "3Z4wnG9603it23y.exe"));
	assert_string_equal(i->source, "57c4445b-c548-4654-af0b-4be3950d210f");
	assert_int_equal(i->mode, IOC_MODE_BLOCK);
	/* diagnostics name their event file */
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "57153590-f73c-49fa-be4b-4737950d210f.json#/Event/Attribute/0/"
	    "value",
	    "107.183.86"));
	ioc_bundle_free(b);
	rp_diags_free(d);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void
remove_file(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

/* Missing and useless events are skipped with a warning each. */
static void
test_feed_partial(void **state)
{
	char dir[] = "/tmp/rampart-feed-XXXXXX";
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = ioc_bundle_new();
	struct ioc_import st;
	const struct ioc *i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(
	    ioc_misp_feed_read_dir(dir, b, &st, d), RP_ERR_NOTFOUND);
	write_file(dir, "manifest.json",
	    "{\"11111111-1111-1111-1111-111111111111\": {\"timestamp\": 1},"
	    " \"22222222-2222-2222-2222-222222222222\": {\"timestamp\": 2},"
	    " \"33333333-3333-3333-3333-333333333333\": {\"timestamp\": 3},"
	    " \"44444444-4444-4444-4444-444444444444\": {\"timestamp\": 4}}");
	/* 1: only a link; 2: missing; 3: not JSON; 4: one domain */
	write_file(dir, "11111111-1111-1111-1111-111111111111.json",
	    "{\"Event\": {\"uuid\": \"11111111-1111-1111-1111-111111111111\","
	    " \"Attribute\": [{\"type\": \"link\", \"value\": \"x\"}]}}");
	write_file(dir, "33333333-3333-3333-3333-333333333333.json", "{");
	write_file(dir, "44444444-4444-4444-4444-444444444444.json",
	    "{\"Event\": {\"uuid\": \"99999999-9999-9999-9999-999999999999\","
	    " \"Attribute\": [{\"type\": \"domain\", \"value\":"
	    " \"evil[.]example\", \"to_ids\": true}]}}");
	rp_diags_clear(d);
	assert_int_equal(ioc_misp_feed_read_dir(dir, b, &st, d), 0);
	assert_int_equal(d->nerrors, 0);
	assert_int_equal(b->niocs, 1);
	assert_non_null(i = find(b, IOC_DOMAIN, "evil.example"));
	assert_string_equal(i->source, "44444444-4444-4444-4444-444444444444");
	assert_int_equal(st.nread, 1);
	assert_int_equal(st.nskipped, 0);
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "11111111-1111-1111-1111-111111111111.json#",
	    "event 11111111-1111-1111-1111-111111111111 skipped"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "22222222-2222-2222-2222-222222222222.json#",
	    "event 22222222-2222-2222-2222-222222222222 skipped"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "33333333-3333-3333-3333-333333333333.json#",
	    "event 33333333-3333-3333-3333-333333333333 skipped"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "44444444-4444-4444-4444-444444444444.json#/Event/uuid",
	    "not the one the manifest lists"));
	/* nothing usable at all is an error */
	remove_file(dir, "44444444-4444-4444-4444-444444444444.json");
	ioc_bundle_free(b);
	assert_non_null(b = ioc_bundle_new());
	rp_diags_clear(d);
	assert_int_equal(
	    ioc_misp_feed_read_dir(dir, b, &st, d), RP_ERR_INVALID);
	assert_true(has_diag(
	    d, RP_DIAG_ERROR, NULL, "no usable indicators in the 4 events"));
	remove_file(dir, "manifest.json");
	remove_file(dir, "11111111-1111-1111-1111-111111111111.json");
	remove_file(dir, "33333333-3333-3333-3333-333333333333.json");
	assert_int_equal(rmdir(dir), 0);
	ioc_bundle_free(b);
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_manifest_real),
	    cmocka_unit_test(test_manifest_strings),
	    cmocka_unit_test(test_manifest_hostile),
	    cmocka_unit_test(test_manifest_limit),
	    cmocka_unit_test(test_feed_dir),
	    cmocka_unit_test(test_feed_partial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
