/*
 * Name, vendor, purl and CPE keys (src/lib/match/normalize.c) and the
 * alias table: the identity half of matching, which needs no version
 * comparison.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "match/match_int.h"
#include "util/err.h"

static void
name_is(const char *in, const char *want, enum os_family wantos)
{
	char buf[MATCH_KEY_MAX];
	enum os_family os;

	match_name_key(in, buf, sizeof(buf), &os);
	if (strcmp(buf, want) != 0 || os != wantos)
		fail_msg("\"%s\" -> \"%s\" (%s), expected \"%s\" (%s)", in, buf,
		    os_family_name(os), want, os_family_name(wantos));
}

static void
test_name_key(void **state)
{
	(void)state;
	name_is("3CX Desktop App", "3cxdesktopapp", OS_FAMILY_UNKNOWN);
	name_is("3CXDesktopApp", "3cxdesktopapp", OS_FAMILY_UNKNOWN);
	name_is("3cx-desktop-app", "3cxdesktopapp", OS_FAMILY_UNKNOWN);
	name_is("3CX Desktop App 18.12.416 for Windows", "3cxdesktopapp",
	    OS_FAMILY_WINDOWS);
	name_is("3CX Desktop App (macOS)", "3cxdesktopapp", OS_FAMILY_MACOS);
	name_is("3CX app for Android", "3cxapp", OS_FAMILY_ANDROID);
	name_is("Teams on Apple macOS", "teams", OS_FAMILY_MACOS);
	name_is("Widget - Android", "widget", OS_FAMILY_ANDROID);
	name_is("Widget v2.1", "widget", OS_FAMILY_UNKNOWN);
	/* Words that are not versions or platforms stay. */
	name_is("Office 2019", "office2019", OS_FAMILY_UNKNOWN);
	name_is("Paint for Kids", "paintforkids", OS_FAMILY_UNKNOWN);
	name_is("Microsoft Windows", "microsoftwindows", OS_FAMILY_UNKNOWN);
	name_is("7-Zip 22.01 (x64)", "7zipx64", OS_FAMILY_UNKNOWN);
	/* Only a version: kept whole rather than left empty. */
	name_is("1.2.3", "123", OS_FAMILY_UNKNOWN);
	name_is("", "", OS_FAMILY_UNKNOWN);
	name_is(NULL, "", OS_FAMILY_UNKNOWN);
}

static void
test_vendor_key(void **state)
{
	char buf[64];

	(void)state;
	match_vendor_key("3CX Ltd", buf, sizeof(buf));
	assert_string_equal(buf, "3cx");
	match_vendor_key("Microsoft Corporation", buf, sizeof(buf));
	assert_string_equal(buf, "microsoft");
	match_vendor_key("Google LLC", buf, sizeof(buf));
	assert_string_equal(buf, "google");
	/* A legal form alone is still a name. */
	match_vendor_key("AG", buf, sizeof(buf));
	assert_string_equal(buf, "ag");
	assert_int_equal(match_vendor_key(NULL, buf, sizeof(buf)), 0);
}

static void
test_purl(void **state)
{
	char key[MATCH_KEY_MAX], type[16], name[64], ver[64];

	(void)state;
	match_purl_key("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64",
	    key, sizeof(key), type, sizeof(type));
	assert_string_equal(key, "purl:deb/debian/openssl");
	assert_string_equal(type, "deb");
	match_purl_key(
	    "pkg:npm/%40angular/Core@1.0#sub", key, sizeof(key), NULL, 0);
	assert_string_equal(key, "purl:npm/@angular/core");
	match_purl_key("PKG:golang/github.com/gin-gonic/gin@v1.5.0", key,
	    sizeof(key), type, sizeof(type));
	assert_string_equal(key, "purl:golang/github.com/gin-gonic/gin");
	/* A distribution's namespace has one spelling: redhat = rhel, and
	   CentOS takes Red Hat's packages; suse = sles. */
	match_purl_key(
	    "pkg:rpm/redhat/git-lfs@2.13.3", key, sizeof(key), NULL, 0);
	assert_string_equal(key, "purl:rpm/rhel/git-lfs");
	match_purl_key("pkg:rpm/RHEL/git-lfs", key, sizeof(key), NULL, 0);
	assert_string_equal(key, "purl:rpm/rhel/git-lfs");
	match_purl_key("pkg:rpm/centos/git-lfs", key, sizeof(key), NULL, 0);
	assert_string_equal(key, "purl:rpm/rhel/git-lfs");
	match_purl_key("pkg:rpm/suse/curl", key, sizeof(key), NULL, 0);
	assert_string_equal(key, "purl:rpm/sles/curl");
	match_purl_key("pkg:rpm/almalinux/curl", key, sizeof(key), NULL, 0);
	assert_string_equal(key, "purl:rpm/almalinux/curl");
	/* Not for other types: an npm scope named like a distribution. */
	match_purl_key("pkg:npm/redhat/x", key, sizeof(key), NULL, 0);
	assert_string_equal(key, "purl:npm/redhat/x");
	assert_int_equal(
	    match_purl_key("pkg:nameonly", key, sizeof(key), NULL, 0), 0);
	assert_string_equal(key, "");
	assert_int_equal(
	    match_purl_key("cpe:/a:x:y", key, sizeof(key), NULL, 0), 0);
	assert_int_equal(match_purl_key(NULL, key, sizeof(key), NULL, 0), 0);

	match_purl_parts("pkg:rpm/redhat/git-lfs@2.13.3-3.el8_6.1?arch=src",
	    name, sizeof(name), ver, sizeof(ver));
	assert_string_equal(name, "git-lfs");
	assert_string_equal(ver, "2.13.3-3.el8_6.1");
	match_purl_parts("pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&epoch=1",
	    name, sizeof(name), ver, sizeof(ver));
	assert_string_equal(ver, "1:7.50.3-1.fc25");
	match_purl_parts(
	    "pkg:pypi/requests", name, sizeof(name), ver, sizeof(ver));
	assert_string_equal(name, "requests");
	assert_string_equal(ver, "");
	/* A tiny buffer is cut, never overrun. */
	match_purl_parts("pkg:deb/debian/openssl@3.0.11", name, 4, ver, 3);
	assert_string_equal(name, "ope");
	assert_string_equal(ver, "3.");
}

static void
test_cpe(void **state)
{
	char key[MATCH_KEY_MAX];

	(void)state;
	match_cpe_key(
	    "cpe:2.3:a:3cx:3cx:18.12.416:*:*:*:*:*:*:*", key, sizeof(key));
	assert_string_equal(key, "cpe:a:3cx:3cx");
	match_cpe_key(
	    "cpe:/a:redhat:enterprise_linux:8::appstream", key, sizeof(key));
	assert_string_equal(key, "cpe:a:redhat:enterprise_linux");
	match_cpe_key("cpe:2.3:a:example\\:corp:Widget:1.0:*:*:*:*:*:*:*", key,
	    sizeof(key));
	assert_string_equal(key, "cpe:a:example:corp:widget");
	/* Wildcards name no product. */
	assert_int_equal(
	    match_cpe_key("cpe:2.3:a:*:*:*:*:*:*:*:*:*:*", key, sizeof(key)),
	    0);
	assert_string_equal(key, "");
	assert_int_equal(match_cpe_key("cpe:2.3:a", key, sizeof(key)), 0);
	assert_int_equal(match_cpe_key("pkg:deb/x/y", key, sizeof(key)), 0);
}

static void
test_ecosystem(void **state)
{
	(void)state;
	assert_int_equal(match_ecosystem_os("Debian:12"), OS_FAMILY_LINUX);
	assert_int_equal(match_ecosystem_os("Alpine:v3.18"), OS_FAMILY_LINUX);
	assert_int_equal(match_ecosystem_os("Red Hat:rhel_aus:8.6::appstream"),
	    OS_FAMILY_LINUX);
	assert_int_equal(match_ecosystem_os("Android"), OS_FAMILY_ANDROID);
	assert_int_equal(match_ecosystem_os("npm"), OS_FAMILY_UNKNOWN);
	assert_int_equal(match_ecosystem_os(NULL), OS_FAMILY_UNKNOWN);
}

static void
test_alias(void **state)
{
	struct alias_table t;
	char a[MATCH_KEY_MAX], b[MATCH_KEY_MAX];

	(void)state;
	assert_int_equal(alias_init(&t), 0);
	/* Built in: the PBX's names are one product. */
	assert_string_equal(
	    alias_canon(&t, "3cxpbx"), alias_canon(&t, "3cxphonesystem"));
	assert_string_equal(alias_canon(&t, "unknownthing"), "unknownthing");
	/* Joining two groups joins every member. */
	assert_int_equal(alias_add(&t, "Foo", "Bar"), 0);
	assert_int_equal(alias_add(&t, "Baz", "Qux"), 0);
	assert_int_equal(alias_add(&t, "Bar", "Qux"), 0);
	match_name_key("Foo", a, sizeof(a), NULL);
	match_name_key("Baz", b, sizeof(b), NULL);
	assert_string_equal(alias_canon(&t, a), alias_canon(&t, b));
	assert_int_equal(alias_add(&t, "...", "Foo"), RP_ERR_ARG);
	alias_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_key),
	    cmocka_unit_test(test_vendor_key),
	    cmocka_unit_test(test_purl),
	    cmocka_unit_test(test_cpe),
	    cmocka_unit_test(test_ecosystem),
	    cmocka_unit_test(test_alias),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
