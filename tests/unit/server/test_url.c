/*
 * The URL's decoding and text check: %XX decoded as MHD does, except
 * that %00 cannot cut the string short (it becomes 0xFF, which the UTF-8
 * check refuses), and the check refuses stray bytes, overlong forms,
 * surrogates and code points past U+10FFFF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"

static void
unescaped(const char *in, const char *want)
{
	char buf[128];
	size_t n;

	snprintf(buf, sizeof(buf), "%s", in);
	n = http_unescape(buf);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(buf, want, n + 1);
}

static void
test_unescape(void **state)
{
	(void)state;
	unescaped("/api/v1/health", "/api/v1/health");
	unescaped("a%20b%2Fc%2f", "a b/c/");
	unescaped("%c3%A9", "\xc3\xa9");
	/* Garbage stays as it is. */
	unescaped("%zz%4%", "%zz%4%");
	unescaped("%%41", "%A");
	/* %00 does not end the string. */
	unescaped("/api/v1/health%00junk", "/api/v1/health\xffjunk");
	assert_false(http_utf8_ok("/api/v1/health\xffjunk"));
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_true(http_utf8_ok(""));
	assert_true(http_utf8_ok("acme"));
	assert_true(http_utf8_ok("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
	assert_true(http_utf8_ok("\xf4\x8f\xbf\xbf")); /* U+10FFFF */
	assert_false(http_utf8_ok("\xff"));
	assert_false(http_utf8_ok("\x80"));
	assert_false(http_utf8_ok("a\xc3")); /* cut short */
	assert_false(http_utf8_ok("\xc3\x28"));
	assert_false(http_utf8_ok("\xc0\x80")); /* overlong NUL */
	assert_false(http_utf8_ok("\xe0\x80\xaf")); /* overlong '/' */
	assert_false(http_utf8_ok("\xed\xa0\x80")); /* surrogate */
	assert_false(http_utf8_ok("\xf4\x90\x80\x80")); /* past U+10FFFF */
	assert_false(http_utf8_ok("\xf8\x88\x80\x80\x80"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unescape),
	    cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
