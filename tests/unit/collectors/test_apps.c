/*
 * The macOS application collector: Info.plist parsing (XML and binary,
 * fallbacks, hostile input) and the walk of a macOS file system tree
 * (tests/data/apps/macroot), down to the verdict the 3CX advisory gives.
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

#include "advisory/advisory.h"
#include "collectors/collectors.h"
#include "match/match.h"
#include "util/diag.h"
#include "util/err.h"

#define BUNDLE "/Applications/Test.app"

static char *
data_path(const char *rel)
{
	const char *dir = getenv("RAMPART_TEST_DATA");
	char *p;

	assert_non_null(dir);
	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	return p;
}

static char *
slurp(const char *rel, size_t *len)
{
	char *path = data_path(rel), *s;
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) >= 0);
	rewind(f);
	assert_non_null(s = malloc((size_t)n + 1));
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	free(path);
	*len = (size_t)n;
	return s;
}

/* Whether some diagnostic of the level contains all of the words. */
static int
has_diag(const struct rp_diags *d, enum rp_diag_level lv, const char *a,
    const char *b)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == lv && strstr(d->v[i].msg, a) != NULL &&
		    (b == NULL || strstr(d->v[i].msg, b) != NULL))
			return 1;
	}
	return 0;
}

static int
parse(const char *xml, struct inv_host *h, struct rp_diags *d)
{
	return app_plist_parse(xml, strlen(xml), BUNDLE, h, d);
}

#define PL_HEAD                                                                \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist "                  \
	"version=\"1.0\">\n<dict>\n"
#define PL_TAIL "</dict>\n</plist>\n"
#define KV(k, v) "<key>" k "</key><string>" v "</string>\n"

static void
test_xml_3cx(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	const struct inv_software *s;
	size_t len;
	char *buf = slurp("apps/macroot/Applications/3CX Desktop App.app/"
			  "Contents/Info.plist",
	    &len);

	assert_int_equal(app_plist_parse(buf, len,
			     "/Applications/3CX Desktop App.app", h, d),
	    0);
	assert_int_equal(h->nsw, 1);
	s = &h->sw[0];
	assert_string_equal(s->name, "3CX Desktop App");
	assert_string_equal(s->version, "18.12.416");
	assert_string_equal(s->bundle_id, "com.electron.3cx-desktop-app");
	assert_string_equal(s->path, "/Applications/3CX Desktop App.app");
	assert_null(s->vendor);
	assert_int_equal(s->source, INV_SOURCE_APP_BUNDLE);
	assert_int_equal(s->scheme, VERSION_SCHEME_GENERIC);
	assert_int_equal(d->n, 0);
	free(buf);
	rp_diags_free(d);
	inv_host_free(h);
}

/* The binary fixture holds the same keys as this XML: same entry. */
static void
test_binary(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	size_t len;
	char *buf = slurp("apps/macroot/Applications/Utilities/Wireshark.app/"
			  "Contents/Info.plist",
	    &len);

	assert_memory_equal(buf, "bplist00", 8);
	assert_int_equal(app_plist_parse(buf, len, BUNDLE, h, d), 0);
	assert_int_equal(
	    parse(PL_HEAD KV("CFBundleName", "Wireshark")
		      KV("CFBundleIdentifier", "org.wireshark.Wireshark")
			  KV("CFBundleShortVersionString", "4.0.4") PL_TAIL,
		h, d),
	    0);
	assert_int_equal(h->nsw, 2);
	assert_string_equal(h->sw[0].name, "Wireshark");
	assert_string_equal(h->sw[0].version, "4.0.4");
	assert_string_equal(h->sw[0].bundle_id, "org.wireshark.Wireshark");
	assert_string_equal(h->sw[0].name, h->sw[1].name);
	assert_string_equal(h->sw[0].version, h->sw[1].version);
	assert_string_equal(h->sw[0].bundle_id, h->sw[1].bundle_id);
	/* A binary plist cut short is an error, not a crash. */
	assert_int_equal(
	    app_plist_parse(buf, len - 20, BUNDLE, h, d), RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, BUNDLE "/Contents/Info.plist",
	    "not a property list"));
	free(buf);
	rp_diags_free(d);
	inv_host_free(h);
}

static void
test_fallbacks(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();

	/* No CFBundleName: the display name; no short version: the build. */
	assert_int_equal(parse(PL_HEAD KV("CFBundleDisplayName", "Display")
				   KV("CFBundleVersion", "1234") PL_TAIL,
			     h, d),
	    0);
	/* No name at all: the bundle directory; values trimmed. */
	assert_int_equal(parse(PL_HEAD KV("CFBundleShortVersionString", " 2.1 ")
				   KV("CFBundleVersion", "77") PL_TAIL,
			     h, d),
	    0);
	/* The short version wins over the build number. */
	assert_int_equal(
	    parse(PL_HEAD KV("CFBundleName", "Both") KV("CFBundleDisplayName",
		      "Not this") KV("CFBundleShortVersionString", "3.0")
		      KV("CFBundleVersion", "3000") PL_TAIL,
		h, d),
	    0);
	assert_int_equal(h->nsw, 3);
	assert_string_equal(h->sw[0].name, "Display");
	assert_string_equal(h->sw[0].version, "1234");
	assert_null(h->sw[0].bundle_id);
	assert_string_equal(h->sw[1].name, "Test");
	assert_string_equal(h->sw[1].version, "2.1");
	assert_string_equal(h->sw[2].name, "Both");
	assert_string_equal(h->sw[2].version, "3.0");
	assert_int_equal(d->n, 0);
	rp_diags_free(d);
	inv_host_free(h);
}

/* Builds a binary plist whose objects are arrays: object i refers to
   refs[i] objects i+1 (the last is empty).  Returns its length. */
static size_t
deep_bplist(unsigned char *b, size_t size, unsigned n, unsigned refs)
{
	size_t p = 8, offs[256], i, k;

	assert_true(n <= 256 && refs <= 14);
	memcpy(b, "bplist00", 8);
	for (i = 0; i < n; i++) {
		offs[i] = p;
		k = i + 1 < n ? refs : 0;
		b[p++] = (unsigned char)(0xa0 | k);
		while (k-- > 0)
			b[p++] = (unsigned char)(i + 1);
	}
	for (i = 0; i < n; i++) {
		b[p + 2 * i] = (unsigned char)(offs[i] >> 8);
		b[p + 2 * i + 1] = (unsigned char)offs[i];
	}
	k = p;
	p += 2 * n;
	memset(b + p, 0, 32);
	b[p + 6] = 2; /* offset size */
	b[p + 7] = 1; /* reference size */
	b[p + 15] = (unsigned char)n;
	b[p + 31] = (unsigned char)k;
	b[p + 30] = (unsigned char)(k >> 8);
	assert_true(p + 32 <= size);
	return p + 32;
}

static void
test_hostile(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	unsigned char bin[4096];
	char *big;
	size_t i, len;

	assert_int_equal(
	    parse("<plist><array><string>x</string></array></plist>", h, d),
	    RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, BUNDLE "/Contents/Info.plist",
	    "not a dictionary"));
	assert_int_equal(parse("garbage", h, d), RP_ERR_INVALID);
	assert_int_equal(parse("", h, d), RP_ERR_INVALID);
	assert_int_equal(
	    parse(PL_HEAD KV("CFBundleName", "NoVersion") PL_TAIL, h, d),
	    RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "no version", NULL));
	/* A value that would drive a terminal is refused, not passed on. */
	assert_int_equal(parse(PL_HEAD KV("CFBundleName", "Evil\x1b[2J")
				   KV("CFBundleVersion", "1") PL_TAIL,
			     h, d),
	    RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "the name", "control"));
	assert_int_equal(parse(PL_HEAD KV("CFBundleName", "C1\xc2\x9b")
				   KV("CFBundleVersion", "1") PL_TAIL,
			     h, d),
	    RP_ERR_INVALID);
	assert_int_equal(parse(PL_HEAD KV("CFBundleName", "Bad\xff")
				   KV("CFBundleVersion", "1") PL_TAIL,
			     h, d),
	    RP_ERR_INVALID);
	/* Nesting: 40 levels of XML arrays, 40 of binary arrays. */
	assert_non_null(big = calloc(1, 4096));
	len = (size_t)snprintf(big, 4096, "%s", PL_HEAD "<key>k</key>");
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(big + len, 4096 - len, "<array>");
	assert_int_equal(parse(big, h, d), RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "nested deeper", NULL));
	len = deep_bplist(bin, sizeof(bin), 40, 1);
	assert_int_equal(
	    app_plist_parse((char *)bin, len, BUNDLE, h, d), RP_ERR_INVALID);
	/* 30 levels of two references each: 2^30 objects when copied. */
	len = deep_bplist(bin, sizeof(bin), 30, 2);
	assert_int_equal(
	    app_plist_parse((char *)bin, len, BUNDLE, h, d), RP_ERR_INVALID);
	/* 20 levels of one reference is a real (if odd) plist: the root is
	   an array, so it is refused only for that. */
	len = deep_bplist(bin, sizeof(bin), 20, 1);
	assert_int_equal(
	    app_plist_parse((char *)bin, len, BUNDLE, h, d), RP_ERR_INVALID);
	assert_true(has_diag(d, RP_DIAG_ERROR, "not a dictionary", NULL));
	free(big);
	/* Size bound. */
	len = 4u * 1024 * 1024 + 1;
	assert_non_null(big = calloc(1, len));
	assert_int_equal(app_plist_parse(big, len, BUNDLE, h, d), RP_ERR_LIMIT);
	free(big);
	assert_int_equal(h->nsw, 0);
	rp_diags_free(d);
	inv_host_free(h);
}

static void
test_collect_tree(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	char *root = data_path("apps/macroot");
	size_t i;

	/* The broken plist makes it an error; the others are still read. */
	assert_int_equal(collect_apps(root, h, d), RP_ERR_INVALID);
	assert_int_equal(h->nsw, 3);
	assert_string_equal(h->sw[0].name, "3CX Desktop App");
	assert_string_equal(h->sw[0].path, "/Applications/3CX Desktop App.app");
	assert_string_equal(h->sw[1].name, "Wireshark");
	assert_string_equal(
	    h->sw[1].path, "/Applications/Utilities/Wireshark.app");
	assert_string_equal(h->sw[2].name, "Signal");
	assert_string_equal(h->sw[2].version, "6.12.0");
	assert_string_equal(
	    h->sw[2].path, "/Users/alice/Applications/Signal.app");
	for (i = 0; i < h->nsw; i++)
		assert_string_not_equal(h->sw[i].name, "Outside The Root");
	assert_true(has_diag(d, RP_DIAG_ERROR,
	    "/Applications/Broken.app/Contents/Info.plist", NULL));
	assert_true(has_diag(
	    d, RP_DIAG_WARNING, "/Applications/Outside.app", "symlink"));
	assert_int_equal(d->nerrors, 1);
	free(root);
	rp_diags_free(d);
	inv_host_free(h);
}

static void
test_collect_missing(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	char dir[] = "/tmp/rampart-apps.XXXXXX";

	assert_non_null(mkdtemp(dir));
	assert_int_equal(collect_apps(dir, h, d), RP_ERR_NOTFOUND);
	assert_int_equal(h->nsw, 0);
	assert_int_equal(d->n, 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(
	    collect_apps("/nonexistent/rampart", h, d), RP_ERR_NOTFOUND);
	rp_diags_free(d);
	inv_host_free(h);
}

/* What the collector reports is what the 3CX advisory is matched on. */
static void
test_3cx_affected(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	struct advisory *a = NULL;
	struct match_results res;
	struct matcher *m;
	char *root = data_path("apps/macroot");
	char *adv = data_path("3cx/3cx-csaf.json");
	size_t i;
	int found = 0;

	assert_int_equal(inv_host_set(h, "mac-test", "macOS", "13.2", NULL), 0);
	collect_apps(root, h, d);
	assert_int_equal(advisory_read_file(adv, ADV_FORMAT_AUTO, &a, d), 0);
	assert_non_null(m = matcher_new());
	assert_int_equal(matcher_add_advisory(m, a, d), 0);
	memset(&res, 0, sizeof(res));
	assert_int_equal(matcher_check_host(m, h, &res), 0);
	for (i = 0; i < res.n; i++) {
		if (res.v[i].sw == NULL ||
		    strcmp(res.v[i].sw->name, "3CX Desktop App") != 0)
			continue;
		assert_int_equal(res.v[i].verdict, MATCH_AFFECTED);
		found = 1;
	}
	assert_true(found);
	match_results_free(&res);
	matcher_free(m);
	advisory_free(a);
	free(adv);
	free(root);
	rp_diags_free(d);
	inv_host_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xml_3cx),
	    cmocka_unit_test(test_binary),
	    cmocka_unit_test(test_fallbacks),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_collect_tree),
	    cmocka_unit_test(test_collect_missing),
	    cmocka_unit_test(test_3cx_affected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
