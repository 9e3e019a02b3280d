/*
 * The RFC 3986 URI checker, table-driven: each row is an input and the
 * expected result code.  The valid rows include the examples of RFC 3986
 * sections 1.1.2 and 3.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/err.h"
#include "util/uri.h"

static const struct {
	const char *in;
	enum rp_uri_err err;
} cases[] = {
    {"ftp://ftp.is.co.za/rfc/rfc1808.txt", RP_URI_OK},
    {"http://www.ietf.org/rfc/rfc2396.txt", RP_URI_OK},
    {"ldap://[2001:db8::7]/c=GB?objectClass?one", RP_URI_OK},
    {"mailto:John.Doe@example.com", RP_URI_OK},
    {"news:comp.infosystems.www.servers.unix", RP_URI_OK},
    {"tel:+1-816-555-1212", RP_URI_OK},
    {"telnet://192.0.2.16:80/", RP_URI_OK},
    {"urn:oasis:names:specification:docbook:dtd:xml:4.1.2", RP_URI_OK},
    {"foo://example.com:8042/over/there?name=ferret#nose", RP_URI_OK},
    {"file:///etc/hosts", RP_URI_OK},
    {"http://user:pw@example.com/", RP_URI_OK},
    {"http://a/b?c#d", RP_URI_OK},
    {"http://a/b?c/d?e#f/g?h", RP_URI_OK},
    {"http://a/%7Euser", RP_URI_OK},
    {"http://[v7.fe:80]/", RP_URI_OK},
    {"http://[::ffff:192.0.2.1]/", RP_URI_OK},
    {"http://a:/", RP_URI_OK},
    {"a:", RP_URI_OK},
    {"x-y.z+w:rest", RP_URI_OK},
    {"http://a/b?c#d#e", RP_URI_FRAGMENT},
    {"http://a/b#c[d]", RP_URI_FRAGMENT},
    {"http://a/b?c[d]", RP_URI_QUERY},
    {"http://a/b c", RP_URI_PATH},
    {"http://a/b\\c", RP_URI_PATH},
    {"http://a/\xc3\xa4", RP_URI_PATH},
    {"http://a/b%", RP_URI_PERCENT},
    {"http://a/b%4", RP_URI_PERCENT},
    {"http://a/b%zz", RP_URI_PERCENT},
    {"http://a b/", RP_URI_HOST},
    {"http://a@b@c/", RP_URI_HOST},
    {"http://[::1/", RP_URI_HOST},
    {"http://[::1]x/", RP_URI_HOST},
    {"http://[1:2:3:4:5:6:7:8:9]/", RP_URI_HOST},
    {"http://[v.x]/", RP_URI_HOST},
    {"http://a:8o/", RP_URI_PORT},
    {"http://us er@a/", RP_URI_USERINFO},
    {"", RP_URI_SCHEME},
    {"//example.com/", RP_URI_SCHEME},
    {"/relative", RP_URI_SCHEME},
    {"1http://a/", RP_URI_SCHEME},
    {"ht_tp://a/", RP_URI_SCHEME},
    {"example.com", RP_URI_SCHEME},
};

static void
test_table(void **state)
{
	enum rp_uri_err e;
	size_t i;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e = (enum rp_uri_err)99;
		r = rp_uri_check(cases[i].in, &e);
		if (e != cases[i].err)
			fail_msg("'%s': code %d, expected %d", cases[i].in,
			    (int)e, (int)cases[i].err);
		assert_int_equal(r, e == RP_URI_OK ? 0 : RP_ERR_INVALID);
		assert_non_null(rp_uri_strerror(e));
		assert_int_equal(rp_uri_check(cases[i].in, NULL), r);
	}
	assert_int_equal(rp_uri_check(NULL, &e), RP_ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
