/* Unit tests of src/lib/ioc/normalize.c: each type's checks and forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ioc/ioc.h"
#include "ioc/ioc_int.h"
#include "util/err.h"

/* Normalises v as t; returns the result in a static buffer or NULL. */
static const char *
norm(enum ioc_type t, const char *v)
{
	static char buf[IOC_NORM_MAX];
	const char *why;

	if (ioc_normalize(t, v, buf, sizeof(buf), &why) != 0) {
		assert_non_null(why);
		return NULL;
	}
	return buf;
}

static void
test_hashes(void **state)
{
	assert_string_equal(
	    norm(IOC_SHA256,
		"  AA124A4B4DF12B34E74EE7F6C683B2EBEC4CE9A8EDCF9BE"
		"345823B4FDCF5D868\r\n"),
	    "aa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fdcf5d868");
	assert_string_equal(
	    norm(IOC_SHA1, "bfecb8ce89a312d2ef4afc64a63847ae11c6f69e"),
	    "bfecb8ce89a312d2ef4afc64a63847ae11c6f69e");
	assert_string_equal(norm(IOC_MD5, "0EEB1C0133EB4D571178B2D9D14CE3E9"),
	    "0eeb1c0133eb4d571178b2d9d14ce3e9");
	/* wrong length, non-hex, empty */
	assert_null(norm(IOC_SHA256, "0eeb1c0133eb4d571178b2d9d14ce3e9"));
	assert_null(norm(IOC_MD5, "0eeb1c0133eb4d571178b2d9d14ce3eg"));
	assert_null(norm(IOC_SHA1, "   "));
	/* a BOM and U+200E around a hash are dropped */
	assert_string_equal(norm(IOC_MD5,
				"\xef\xbb\xbf"
				"0eeb1c0133eb4d571178b2d9d14ce3e9"
				"\xe2\x80\x8e"),
	    "0eeb1c0133eb4d571178b2d9d14ce3e9");
}

static void
test_domains(void **state)
{
	assert_string_equal(
	    norm(IOC_DOMAIN, "AkamaiContainer[.]com."), "akamaicontainer.com");
	assert_string_equal(norm(IOC_DOMAIN, "sbmsa(.)wiki"), "sbmsa.wiki");
	assert_string_equal(norm(IOC_DOMAIN, "a[dot]b.example"), "a.b.example");
	assert_string_equal(
	    norm(IOC_DOMAIN, "xn--bcher-kva.example"), "xn--bcher-kva.example");
	assert_null(norm(IOC_DOMAIN, "localhost"));
	assert_null(norm(IOC_DOMAIN, "1.2.3.4"));
	assert_null(norm(IOC_DOMAIN, "-bad.example"));
	assert_null(norm(IOC_DOMAIN, "bad-.example"));
	assert_null(norm(IOC_DOMAIN, "sp ace.example"));
	assert_null(norm(IOC_DOMAIN, "a..example"));
	assert_null(norm(IOC_DOMAIN,
	    "b\xc3\xbc"
	    "cher.example"));
	assert_null(norm(IOC_DOMAIN, "ctl\x01.example"));
	/* 64-character label */
	assert_null(norm(IOC_DOMAIN,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaa.example"));
}

static void
test_ips(void **state)
{
	assert_string_equal(norm(IOC_IP, "192.0.2[.]1"), "192.0.2.1");
	assert_string_equal(
	    norm(IOC_IP, "2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
	assert_string_equal(norm(IOC_IP, "[2001:db8::1]"), "2001:db8::1");
	assert_null(norm(IOC_IP, "192.0.2.0/24"));
	assert_null(norm(IOC_IP, "192.0.2.256"));
	assert_null(norm(IOC_IP, "fe80::1%eth0"));
	assert_null(norm(IOC_IP, "example.com"));
}

static void
test_urls(void **state)
{
	assert_string_equal(
	    norm(IOC_URL, "hxxps://Raw.GitHubUserContent[.]com/IconStorages/"),
	    "https://raw.githubusercontent.com/IconStorages/");
	assert_string_equal(norm(IOC_URL, "http[:]//192.0.2.1:8080/a?b#c"),
	    "http://192.0.2.1:8080/a?b#c");
	assert_string_equal(norm(IOC_URL, "HTTPS://[2001:DB8::1]/x"),
	    "https://[2001:db8::1]/x");
	/* the Sophos form: no scheme, a path */
	assert_string_equal(
	    norm(
		IOC_URL, "raw.githubusercontent.com/IconStorages/images/main/"),
	    "raw.githubusercontent.com/IconStorages/images/main/");
	/* U+200E after a URL (as in the Sophos CSV) */
	assert_string_equal(norm(IOC_URL,
				"https://news.sophos.com/x/ "
				"\xe2\x80\x8e"),
	    "https://news.sophos.com/x/");
	/* defanged twice: refused, so normalising stays idempotent */
	assert_null(norm(IOC_URL, "http://a[.]example/[[.]]"));
	assert_null(norm(IOC_DOMAIN, "a[[dot]]example"));
	assert_null(norm(IOC_URL, "example.com"));
	assert_null(norm(IOC_URL, "https://exa mple.com/"));
	assert_null(norm(IOC_URL, "https:///path"));
	assert_null(norm(IOC_URL, "https://example.com:99999/"));
	assert_null(norm(IOC_URL, "1https://example.com/"));
}

static void
test_filenames(void **state)
{
	assert_string_equal(norm(IOC_FILENAME, " ffmpeg.dll "), "ffmpeg.dll");
	/* invisible characters inside a name are kept: they can be the trick */
	assert_string_equal(norm(IOC_FILENAME,
				"inv\xe2\x80\xae"
				"fdp.exe"),
	    "inv\xe2\x80\xae"
	    "fdp.exe");
	/* no refanging of file names */
	assert_string_equal(norm(IOC_FILENAME, "a[.]b"), "a[.]b");
	assert_null(norm(IOC_FILENAME, "dir/ffmpeg.dll"));
	assert_null(norm(IOC_FILENAME, "C:\\Windows\\ffmpeg.dll"));
	assert_null(norm(IOC_FILENAME, ".."));
	assert_null(norm(IOC_FILENAME, "."));
	assert_null(norm(IOC_FILENAME, "tab\there"));
	assert_null(norm(IOC_FILENAME, "bad\xff.exe"));
	{
		char longname[300];

		memset(longname, 'a', 256);
		longname[256] = '\0';
		assert_null(norm(IOC_FILENAME, longname));
		longname[255] = '\0';
		assert_non_null(norm(IOC_FILENAME, longname));
	}
}

static void
test_type_names(void **state)
{
	enum ioc_type t;
	int i;

	for (i = 0; i < IOC_TYPE_COUNT; i++) {
		assert_int_equal(
		    ioc_type_from_name(ioc_type_name((enum ioc_type)i), &t), 0);
		assert_int_equal(t, i);
	}
	assert_int_equal(ioc_type_from_name("SHA256", &t), 0);
	assert_int_equal(t, IOC_SHA256);
	assert_int_equal(ioc_type_from_name("yara", &t), RP_ERR_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hashes),
	    cmocka_unit_test(test_domains),
	    cmocka_unit_test(test_ips),
	    cmocka_unit_test(test_urls),
	    cmocka_unit_test(test_filenames),
	    cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
