/* Unit tests of src/lib/ioc/value.c: normalising by type name, networks
 * and YARA text included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ioc/ioc.h"
#include "util/err.h"

static char buf[IOC_YARA_VALUE_MAX + 16];

/* The normalised v of type, or NULL (then why is said). */
static const char *
norm(const char *type, const char *v)
{
	const char *why = NULL;

	if (ioc_value_normalize(type, v, buf, sizeof(buf), &why) != 0) {
		assert_non_null(why);
		return NULL;
	}
	assert_null(why);
	return buf;
}

static void
test_types(void **state)
{
	(void)state;
	assert_string_equal(
	    norm("domain", " Evil[.]Example.COM. "), "evil.example.com");
	assert_string_equal(norm("ip", "192.0.2[.]1"), "192.0.2.1");
	assert_string_equal(norm("ip", "2001:DB8:0:0::1"), "2001:db8::1");
	assert_string_equal(norm("md5", "0EEB1C0133EB4D571178B2D9D14CE3E9"),
	    "0eeb1c0133eb4d571178b2d9d14ce3e9");
	assert_string_equal(
	    norm("url", "hxxps://evil[.]test/a"), "https://evil.test/a");
	assert_null(norm("sha1", "abc"));
	assert_null(norm("email", "a@b.test"));
	assert_null(norm("ip", "10.0.0.0/8"));
}

static void
test_cidr(void **state)
{
	(void)state;
	assert_string_equal(norm("cidr", "10.1.2.3/8"), "10.0.0.0/8");
	assert_string_equal(norm("cidr", "192.0.2[.]77/26"), "192.0.2.64/26");
	assert_string_equal(norm("cidr", "192.0.2.1/32"), "192.0.2.1/32");
	assert_string_equal(norm("cidr", "0.0.0.0/0"), "0.0.0.0/0");
	assert_string_equal(
	    norm("cidr", "2001:DB8:ABCD:12::1/48"), "2001:db8:abcd::/48");
	assert_string_equal(norm("cidr", "2001:db8::1/127"), "2001:db8::/127");
	assert_null(norm("cidr", "192.0.2.1"));
	assert_null(norm("cidr", "192.0.2.1/33"));
	assert_null(norm("cidr", "2001:db8::/129"));
	assert_null(norm("cidr", "192.0.2.1/-1"));
	assert_null(norm("cidr", "192.0.2.1/8x"));
	assert_null(norm("cidr", "evil.test/8"));
	assert_null(norm("cidr", ""));
}

static void
test_yara(void **state)
{
	char *big = malloc(IOC_YARA_VALUE_MAX + 2);

	(void)state;
	assert_string_equal(norm("yara", "rule x { condition: true }\n"),
	    "rule x { condition: true }\n");
	assert_null(norm("yara", ""));
	assert_null(norm("yara", "rule \xff"));
	assert_non_null(big);
	memset(big, 'a', IOC_YARA_VALUE_MAX + 1);
	big[IOC_YARA_VALUE_MAX + 1] = '\0';
	assert_null(norm("yara", big));
	big[IOC_YARA_VALUE_MAX] = '\0';
	assert_non_null(norm("yara", big));
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_cidr),
	    cmocka_unit_test(test_yara),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
