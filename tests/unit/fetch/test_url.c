/*
 * The URL policy of pulled feeds, table-driven: which URLs are accepted
 * (http and https with a host only), how each is shown with its secrets
 * hidden, and which MISP event uuids may go into a URL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fetch/fetch.h"
#include "util/err.h"

static const struct {
	const char *url;
	int ok;
	const char *why; /* in the error, or NULL */
} checks[] = {
    {"http://feeds.example.org/list.txt", 1, NULL},
    {"https://feeds.example.org:8443/misp/", 1, NULL},
    {"HTTPS://Feeds.Example.org/x", 1, NULL},
    {"https://user:pw@feeds.example.org/list?key=abc", 1, NULL},
    {"http://[2001:db8::1]/list", 1, NULL},
    {"file:///etc/passwd", 0, "only http:// and https://"},
    {"gopher://127.0.0.1:6379/_FLUSHALL", 0, "only http:// and https://"},
    {"ftp://ftp.example.org/list", 0, "only http:// and https://"},
    {"dict://127.0.0.1:11211/", 0, "only http:// and https://"},
    {"http:///list", 0, "has no host"},
    {"http:list", 0, "has no host"},
    {"https://exa mple.org/", 0, "is not a URL"},
    {"", 0, "1 to 2048 bytes"},
    {"/relative/path", 0, "is not a URL"},
};

static void
test_check(void **state)
{
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		int r;

		err[0] = '\0';
		r = fetch_url_check(checks[i].url, err, sizeof(err));
		if (checks[i].ok != (r == 0))
			fail_msg("%s: got %d (%s)", checks[i].url, r, err);
		if (!checks[i].ok) {
			assert_int_equal(r, RP_ERR_INVALID);
			if (strstr(err, checks[i].why) == NULL)
				fail_msg("%s: '%s' lacks '%s'", checks[i].url,
				    err, checks[i].why);
		}
	}
}

static void
test_too_long(void **state)
{
	char url[FETCH_URL_MAX + 64], err[256];

	(void)state;
	memcpy(url, "https://example.org/", 20);
	memset(url + 20, 'a', sizeof(url) - 21);
	url[sizeof(url) - 1] = '\0';
	assert_int_equal(
	    fetch_url_check(url, err, sizeof(err)), RP_ERR_INVALID);
	assert_non_null(strstr(err, "1 to 2048 bytes"));
	url[FETCH_URL_MAX] = '\0';
	assert_int_equal(fetch_url_check(url, err, sizeof(err)), 0);
}

static const struct {
	const char *in, *shown;
} masks[] = {
    {"https://feeds.example.org/list.txt",
	"https://feeds.example.org/list.txt"},
    {"https://user:s3cret@feeds.example.org/list",
	"https://***@feeds.example.org/list"},
    {"https://tok@en:x@h/", "https://***@h/"},
    {"https://h/list?key=s3cret", "https://h/list?key=***"},
    {"https://h/list?a=1&apikey=s3cret&flag",
	"https://h/list?a=***&apikey=***&flag"},
    {"https://u:p@h/p?k=v#frag", "https://***@h/p?k=***#***"},
    {"https://h/p#frag", "https://h/p#***"},
    {"https://h?k=v", "https://h?k=***"},
    {"https://h/a@b", "https://h/a@b"},
    {"not a url ?k=v", "not a url ?k=***"},
};

static void
test_mask(void **state)
{
	char out[256];

	(void)state;
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		fetch_url_mask(masks[i].in, out, sizeof(out));
		if (strcmp(out, masks[i].shown) != 0)
			fail_msg("%s: got '%s', want '%s'", masks[i].in, out,
			    masks[i].shown);
	}
	/* cut at the buffer, always terminated */
	fetch_url_mask("https://u:p@h/p?k=v", out, 12);
	assert_string_equal(out, "https://***");
	/* an error message never carries the secret */
	assert_int_equal(fetch_url_check("gopher://u:topsecret@h/?k=alsosecret",
			     out, sizeof(out)),
	    RP_ERR_INVALID);
	assert_null(strstr(out, "topsecret"));
	assert_null(strstr(out, "alsosecret"));
}

/* A MISP event uuid before it goes into a URL. */
static void
test_uuid(void **state)
{
	(void)state;
	assert_true(fetch_uuid_ok("57c4445b-c548-4654-af0b-4be3950d210f"));
	assert_true(fetch_uuid_ok("57C4445B-C548-4654-AF0B-4BE3950D210F"));
	assert_false(fetch_uuid_ok("57c4445b-c548-4654-af0b-4be3950d210"));
	assert_false(fetch_uuid_ok("57c4445b-c548-4654-af0b-4be3950d210f0"));
	assert_false(fetch_uuid_ok("57c4445bxc548-4654-af0b-4be3950d210f"));
	assert_false(fetch_uuid_ok("../../../../etc/passwd-aaaaaaaaaaaaa"));
	assert_false(fetch_uuid_ok("57c4445b-c548-4654-af0b-4be3950d210g"));
	assert_false(fetch_uuid_ok("57c4445b-c548-4654-af0b-4be3950d2%2f"));
	assert_false(fetch_uuid_ok(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_too_long),
	    cmocka_unit_test(test_mask),
	    cmocka_unit_test(test_uuid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
