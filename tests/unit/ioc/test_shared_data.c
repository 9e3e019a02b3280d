/*
 * Every real indicator file in the shared data imports: each MISP event
 * (every .json file in ../shared/data/misp) and each 3CX list (every
 * .csv file in ../shared/data/3cx) is read by its importer and its counts are
 * checked against the table below (counted by hand with jq and csvcut).
 * The folders are listed, so a file added there without a row here fails
 * the test, as does a missing folder or a row without its file.  Also
 * the defanging forms feeds use are undone on every network type.
 */
#include <dirent.h>
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

#include "import_check.h"

/* What one file gives: indicators per type and how many block. */
struct expect {
	const char *dir, *file;
	size_t n[IOC_TYPE_COUNT]; /* sha256 sha1 md5 filename domain ip url */
	size_t nblock;
	int seen;
};

static struct expect files[] = {
    {"misp", "57c4445b-c548-4654-af0b-4be3950d210f.json", {1, 1, 1, 1, 0, 0, 0},
	4, 0},
    {"misp", "existing_event.json", {0, 37, 0, 15, 18, 11, 0}, 81, 0},
    {"misp", "long_event.json", {75, 58, 75, 62, 30, 9, 4}, 281, 0},
    {"misp", "misp_event.json", {0, 0, 0, 0, 0, 0, 1}, 0, 0},
    {"3cx", "sophos-3CX-IoCs-2023-03.csv", {8, 0, 0, 0, 21, 0, 1}, 30, 0},
    {"3cx", "volexity-iocs.csv", {6, 6, 6, 0, 23, 0, 0}, 41, 0},
};

static struct expect *
expect_find(const char *dir, const char *file)
{
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (strcmp(files[i].dir, dir) == 0 &&
		    strcmp(files[i].file, file) == 0)
			return &files[i];
	}
	return NULL;
}

static void
import_one(const char *root, const char *dir, const char *file)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = ioc_bundle_new();
	struct expect *e = expect_find(dir, file);
	size_t n[IOC_TYPE_COUNT] = {0}, nblock = 0, i;
	char path[4096];
	int r;

	if (e == NULL)
		fail_msg(
		    "%s/%s has no row in the table of this test", dir, file);
	e->seen = 1;
	snprintf(path, sizeof(path), "%s/%s/%s", root, dir, file);
	if (strcmp(dir, "misp") == 0)
		r = ioc_misp_read_file(path, b, NULL, d);
	else
		r = ioc_list_read_file(path, b, d);
	if (r != 0 || d->nerrors != 0)
		fail_msg(
		    "%s: %s, %zu errors", path, rp_strerror(r), d->nerrors);
	for (i = 0; i < b->niocs; i++) {
		n[b->iocs[i].type]++;
		nblock += b->iocs[i].mode == IOC_MODE_BLOCK;
	}
	for (i = 0; i < IOC_TYPE_COUNT; i++) {
		if (n[i] != e->n[i])
			fail_msg("%s: %zu %s indicators, expected %zu", path,
			    n[i], ioc_type_name((enum ioc_type)i), e->n[i]);
	}
	assert_int_equal(nblock, e->nblock);
	ioc_bundle_free(b);
	rp_diags_free(d);
}

/* Imports every file of root/dir ending in ext; returns how many. */
static size_t
import_dir(const char *root, const char *dir, const char *ext)
{
	char path[4096];
	struct dirent *de;
	size_t n = 0, len, el = strlen(ext);
	DIR *dp;

	snprintf(path, sizeof(path), "%s/%s", root, dir);
	if ((dp = opendir(path)) == NULL)
		fail_msg("%s: the shared data is missing", path);
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len <= el || strcmp(de->d_name + len - el, ext) != 0)
			continue;
		import_one(root, dir, de->d_name);
		n++;
	}
	closedir(dp);
	return n;
}

static void
test_every_file(void **state)
{
	const char *root = getenv("RAMPART_SHARED_DATA");
	size_t i;

	(void)state;
	if (root == NULL)
		fail_msg("RAMPART_SHARED_DATA is not set");
	assert_int_equal(import_dir(root, "misp", ".json"), 4);
	assert_int_equal(import_dir(root, "3cx", ".csv"), 2);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!files[i].seen)
			fail_msg("%s/%s is in the table but not in the data",
			    files[i].dir, files[i].file);
	}
}

/* The defanging forms of feeds and reports, undone. */
static void
test_refang(void **state)
{
	static const struct {
		enum ioc_type t;
		const char *in, *out;
	} cases[] = {
	    {IOC_URL, "hxxp://evil[.]example/a", "http://evil.example/a"},
	    {IOC_URL, "hxxps://evil(.)example/a", "https://evil.example/a"},
	    {IOC_URL, "HXXPS://Evil[.]Example/A", "https://evil.example/A"},
	    {IOC_URL, "https[:]//evil[.]example/a", "https://evil.example/a"},
	    {IOC_URL, "http[://]evil{.}example[/]a", "http://evil.example/a"},
	    {IOC_URL, "hxxps://user[at]evil[.]example/a",
		"https://user@evil.example/a"},
	    {IOC_URL, "https://user[@]evil[dot]example/a",
		"https://user@evil.example/a"},
	    {IOC_URL, "fxp://files[.]evil[.]example/x",
		"ftp://files.evil.example/x"},
	    {IOC_DOMAIN, "evil[.]example", "evil.example"},
	    {IOC_DOMAIN, "evil(.)example", "evil.example"},
	    {IOC_DOMAIN, "evil(dot)co[.]uk", "evil.co.uk"},
	    {IOC_IP, "192.0.2[.]7", "192.0.2.7"},
	    {IOC_IP, "198[.]51[.]100[.]1", "198.51.100.1"},
	    {IOC_IP, "2001:db8[:]:1", "2001:db8::1"},
	};
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = ioc_bundle_new();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (ioc_bundle_add(
			b, cases[i].t, cases[i].in, 0, NULL, NULL, d) != 0)
			fail_msg("%s refused", cases[i].in);
		if (find(b, cases[i].t, cases[i].out) == NULL)
			fail_msg(
			    "%s did not become %s", cases[i].in, cases[i].out);
	}
	/* defanged twice is refused, never half undone */
	assert_int_equal(
	    ioc_bundle_add(b, IOC_DOMAIN, "evil[[.]]example", 0, NULL, NULL, d),
	    RP_ERR_INVALID);
	ioc_bundle_free(b);
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_file),
	    cmocka_unit_test(test_refang),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
