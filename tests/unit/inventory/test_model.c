/*
 * Unit tests of the inventory model (hosts, software, sets, source names)
 * and of the field checks and purl inference shared by the readers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inventory/entry.h"
#include "inventory/inventory.h"
#include "util/arena.h"
#include "util/err.h"

static void
test_host(void **state)
{
	struct inv_host *h = inv_host_new();
	struct inv_software sw = {0};
	char name[32];
	size_t i;

	assert_non_null(h);
	assert_int_equal(inv_host_set(h, "ws-01", "Windows", "11", NULL), 0);
	assert_int_equal(inv_host_set(h, NULL, NULL, NULL, "x86_64"), 0);
	assert_string_equal(h->name, "ws-01");
	assert_string_equal(h->os_version, "11");
	assert_string_equal(h->arch, "x86_64");
	assert_int_equal(inv_host_set_ids(h, "id-1", "ACME"), 0);
	assert_string_equal(h->customer, "ACME");

	/* Entries are copied: the caller's buffer may change afterwards. */
	sw.version = "1.0";
	sw.source = INV_SOURCE_DPKG;
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "pkg%zu", i);
		sw.name = name;
		assert_int_equal(inv_host_add_software(h, &sw), 0);
	}
	assert_int_equal(h->nsw, 200);
	assert_string_equal(h->sw[0].name, "pkg0");
	assert_string_equal(h->sw[199].name, "pkg199");
	assert_null(h->sw[5].vendor);
	assert_int_equal(h->sw[5].source, INV_SOURCE_DPKG);
	inv_host_free(h);
	inv_host_free(NULL);
}

static void
test_set(void **state)
{
	struct inv_set *s = inv_set_new();
	struct inv_host *h;
	size_t i;

	assert_non_null(s);
	for (i = 0; i < 40; i++) {
		h = inv_host_new();
		assert_non_null(h);
		assert_int_equal(inv_set_take(s, h), 0);
	}
	assert_int_equal(s->n, 40);
	inv_set_free(s);
	inv_set_free(NULL);
}

static void
test_sources(void **state)
{
	static const enum inv_source all[] = {INV_SOURCE_UNKNOWN,
	    INV_SOURCE_DPKG, INV_SOURCE_RPM, INV_SOURCE_APP_BUNDLE,
	    INV_SOURCE_WINREG, INV_SOURCE_FLATPAK, INV_SOURCE_SNAP,
	    INV_SOURCE_SIP, INV_SOURCE_MANUAL};
	enum inv_source s;
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		assert_int_equal(
		    inv_source_from_name(inv_source_name(all[i]), &s), 0);
		assert_int_equal(s, all[i]);
	}
	assert_string_equal(
	    inv_source_name(INV_SOURCE_WINREG), "windows_registry");
	assert_int_equal(inv_source_from_name("msi", &s), RP_ERR_NOTFOUND);
	assert_int_equal(
	    inv_source_scheme(INV_SOURCE_DPKG), VERSION_SCHEME_DEB);
	assert_int_equal(inv_source_scheme(INV_SOURCE_RPM), VERSION_SCHEME_RPM);
	assert_int_equal(
	    inv_source_scheme(INV_SOURCE_APP_BUNDLE), VERSION_SCHEME_GENERIC);
	assert_int_equal(
	    inv_source_scheme(INV_SOURCE_MANUAL), VERSION_SCHEME_UNKNOWN);
}

static void
test_field_check(void **state)
{
	char long_name[600];

	assert_null(inv_field_check(INV_F_NAME, "3CX Desktop App"));
	assert_null(inv_field_check(INV_F_NAME, "Bürosoftware ✓"));
	assert_non_null(inv_field_check(INV_F_NAME, ""));
	assert_non_null(inv_field_check(INV_F_NAME, NULL));
	assert_non_null(inv_field_check(INV_F_VERSION, "1.0\n"));
	assert_non_null(inv_field_check(INV_F_NAME, "a\033[2Jb"));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_non_null(inv_field_check(INV_F_NAME, long_name));
	long_name[inv_field_max(INV_F_NAME)] = '\0';
	assert_null(inv_field_check(INV_F_NAME, long_name));
}

static void
test_scheme_names(void **state)
{
	enum version_scheme s;

	assert_int_equal(inv_scheme_from_name("deb", &s), 0);
	assert_int_equal(s, VERSION_SCHEME_DEB);
	assert_int_equal(inv_scheme_from_name("generic", &s), 0);
	assert_int_equal(s, VERSION_SCHEME_GENERIC);
	assert_int_not_equal(inv_scheme_from_name("pep440", &s), 0);
	assert_string_equal(inv_scheme_name(VERSION_SCHEME_RPM), "rpm");
	assert_string_equal(inv_scheme_name(VERSION_SCHEME_SEMVER), "semver");
	assert_null(inv_scheme_name(VERSION_SCHEME_UNKNOWN));
}

/* Runs inv_software_complete on a purl and version. */
static struct inv_software
complete(struct rp_arena *a, const char *purl, const char *version)
{
	struct inv_software sw = {0};

	sw.name = "x";
	sw.version = version;
	sw.purl = purl;
	assert_int_equal(inv_software_complete(&sw, a), 0);
	return sw;
}

static void
test_purl_inference(void **state)
{
	struct rp_arena *a = rp_arena_new(1 << 20);
	struct inv_software sw;
	char longv[300];

	sw = complete(a,
	    "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
	    "2.36-9+deb12u4");
	assert_int_equal(sw.scheme, VERSION_SCHEME_DEB);
	assert_int_equal(sw.source, INV_SOURCE_DPKG);
	assert_string_equal(sw.arch, "amd64");
	assert_string_equal(sw.version, "2.36-9+deb12u4");

	/* rpm keeps the epoch in a qualifier; the version gets it back. */
	sw = complete(a, "pkg:rpm/redhat/bash@5.1.8-6.el9?arch=x86_64&epoch=1",
	    "5.1.8-6.el9");
	assert_int_equal(sw.scheme, VERSION_SCHEME_RPM);
	assert_int_equal(sw.source, INV_SOURCE_RPM);
	assert_string_equal(sw.arch, "x86_64");
	assert_string_equal(sw.version, "1:5.1.8-6.el9");
	/* ... unless it already has one, or the epoch is 0. */
	sw = complete(a, "pkg:rpm/redhat/bash@5.1?epoch=1", "2:5.1");
	assert_string_equal(sw.version, "2:5.1");
	sw = complete(a, "pkg:rpm/redhat/bash@5.1?epoch=0", "5.1");
	assert_string_equal(sw.version, "5.1");
	sw = complete(a, "pkg:rpm/redhat/bash@5.1?epoch=x1", "5.1");
	assert_string_equal(sw.version, "5.1");
	/* ... or the result would be longer than a version may be. */
	memset(longv, '1', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	longv[inv_field_max(INV_F_VERSION) - 1] = '\0';
	sw = complete(a, "pkg:rpm/redhat/bash@5.1?epoch=1", longv);
	assert_string_equal(sw.version, longv);
	longv[inv_field_max(INV_F_VERSION) - 2] = '\0';
	sw = complete(a, "pkg:rpm/redhat/bash@5.1?epoch=1", longv);
	assert_int_equal(strlen(sw.version), inv_field_max(INV_F_VERSION));

	sw = complete(a, "pkg:npm/%40angular/core@16.2.0", "16.2.0");
	assert_int_equal(sw.scheme, VERSION_SCHEME_SEMVER);
	assert_int_equal(sw.source, INV_SOURCE_UNKNOWN);
	assert_null(sw.arch);

	/* Qualifier values are percent-decoded; bad escapes imply nothing. */
	sw = complete(a, "pkg:DEB/debian/x@1?distro=d&ARCH=arm%36%34#sub", "1");
	assert_string_equal(sw.arch, "arm64");
	sw = complete(a, "pkg:deb/debian/x@1?arch=amd%6", "1");
	assert_null(sw.arch);
	sw = complete(a, "pkg:deb/debian/x@1?arch=a%0Ab", "1");
	assert_null(sw.arch);

	/* Not a purl: nothing inferred. */
	sw = complete(a, "cpe:2.3:a:x:y", "1");
	assert_int_equal(sw.scheme, VERSION_SCHEME_UNKNOWN);
	sw = complete(a, "pkg:", "1");
	assert_int_equal(sw.scheme, VERSION_SCHEME_UNKNOWN);
	sw = complete(a, "pkg:de b/x@1", "1");
	assert_int_equal(sw.scheme, VERSION_SCHEME_UNKNOWN);

	/* An explicit scheme or source is kept. */
	sw.name = "x";
	sw.version = "1";
	sw.purl = "pkg:deb/debian/x@1";
	sw.scheme = VERSION_SCHEME_GENERIC;
	sw.source = INV_SOURCE_MANUAL;
	sw.arch = NULL;
	assert_int_equal(inv_software_complete(&sw, a), 0);
	assert_int_equal(sw.scheme, VERSION_SCHEME_GENERIC);
	assert_int_equal(sw.source, INV_SOURCE_MANUAL);

	/* No purl: the scheme follows the source. */
	memset(&sw, 0, sizeof(sw));
	sw.source = INV_SOURCE_WINREG;
	assert_int_equal(inv_software_complete(&sw, a), 0);
	assert_int_equal(sw.scheme, VERSION_SCHEME_GENERIC);
	rp_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_host),
	    cmocka_unit_test(test_set),
	    cmocka_unit_test(test_sources),
	    cmocka_unit_test(test_field_check),
	    cmocka_unit_test(test_scheme_names),
	    cmocka_unit_test(test_purl_inference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
