/*
 * src/lib/net without a server: certificate fingerprints as openssl
 * prints them and as an enrolment token carries them (64 hex digits),
 * which URLs are accepted, and header values as the hooks see them.
 * The pin against a real TLS server is tests/it/cli_client.sh and
 * tests/it/agent_pin.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "net/net.h"
#include "util/err.h"

#define FP_UPPER                                                               \
	"DB:B1:75:90:D3:AE:BF:67:B4:DF:98:25:8F:8F:1B:E7:65:A9:51:32:A2:A9:"   \
	"A1:1B:EA:EE:A1:6A:56:40:66:FB"

static void
test_fp_forms(void **state)
{
	static const char *good[] = {
	    FP_UPPER,
	    "sha256 Fingerprint=" FP_UPPER,
	    "SHA256 Fingerprint=" FP_UPPER "\n",
	    "  db:b1:75:90:d3:ae:bf:67:b4:df:98:25:8f:8f:1b:e7:65:a9:51:32:"
	    "a2:a9:a1:1b:ea:ee:a1:6a:56:40:66:fb  ",
	    "dbb17590d3aebf67b4df98258f8f1be765a95132a2a9a11beaeea16a564066fb",
	};
	char text[NET_FP_TEXT];
	uint8_t md[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(text, 0, sizeof(text));
		assert_int_equal(net_fp_parse(good[i], md, text), 0);
		assert_string_equal(text, FP_UPPER);
		assert_int_equal(md[0], 0xdb);
		assert_int_equal(md[31], 0xfb);
	}
}

static void
test_fp_refused(void **state)
{
	static const char *bad[] = {
	    "",
	    "DB:B1",
	    /* 31 bytes */
	    "DB:B1:75:90:D3:AE:BF:67:B4:DF:98:25:8F:8F:1B:E7:65:A9:51:32:A2:"
	    "A9:A1:1B:EA:EE:A1:6A:56:40:66",
	    /* 33 bytes */
	    FP_UPPER ":00",
	    /* colons in some places only */
	    "DBB1:75:90:D3:AE:BF:67:B4:DF:98:25:8F:8F:1B:E7:65:A9:51:32:A2:A9:"
	    "A1:1B:EA:EE:A1:6A:56:40:66:FB",
	    /* not hex */
	    "GB:B1:75:90:D3:AE:BF:67:B4:DF:98:25:8F:8F:1B:E7:65:A9:51:32:A2:"
	    "A9:A1:1B:EA:EE:A1:6A:56:40:66:FB",
	    /* a SHA-1 fingerprint */
	    "sha1 Fingerprint=0B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:"
	    "1B:2C:3D:4E",
	    FP_UPPER " trailing",
	};
	uint8_t md[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
		    net_fp_parse(bad[i], md, NULL), RP_ERR_INVALID);
}

static void
test_urls(void **state)
{
	static const char *ok[] = {"https://rampart.example.org",
	    "https://rampart.example.org:8443/", "https://10.1.2.3:8443/base",
	    "http://127.0.0.1:8080", "http://localhost:8080/",
	    "http://[::1]:8080", "http://127.9.8.7", "HTTPS://Example.ORG"};
	static const char *bad[] = {"", "rampart.example.org",
	    "ftp://rampart.example.org", "http://rampart.example.org",
	    "http://10.0.0.1:8080", "http://[::2]:80", "http://128.0.0.1",
	    "https://user:pw@rampart.example.org",
	    "https://user@rampart.example.org",
	    "https://rampart.example.org/?x=1",
	    "https://rampart.example.org/#frag", "https://",
	    "http://localhost.evil.example"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_null(net_url_problem(ok[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (net_url_problem(bad[i]) == NULL)
			fail_msg("'%s' was accepted", bad[i]);
	}
}

static void
test_https(void **state)
{
	(void)state;
	assert_true(net_url_https("https://a.example"));
	assert_true(net_url_https("HTTPS://a.example"));
	assert_false(net_url_https("http://127.0.0.1"));
	assert_false(net_url_https("httpsx://a"));
	assert_false(net_url_https(NULL));
}

static void
test_header_value(void **state)
{
	static const char line[] = "Retry-After:  \t 30 \r\n";
	char v[8];

	(void)state;
	assert_int_equal(
	    net_header_value(line, strlen(line), 12, v, sizeof(v)), 2);
	assert_string_equal(v, "30");
	/* truncated to the room there is, still terminated */
	assert_int_equal(net_header_value(line, strlen(line), 0, v, 4), 3);
	assert_string_equal(v, "Ret");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fp_forms),
	    cmocka_unit_test(test_fp_refused),
	    cmocka_unit_test(test_urls),
	    cmocka_unit_test(test_https),
	    cmocka_unit_test(test_header_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
