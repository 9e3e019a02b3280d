/* Unit tests of src/lib/util and src/lib/json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "json/rpjson.h"
#include "util/arena.h"
#include "util/ascii.h"
#include "util/diag.h"
#include "util/indicator.h"
#include "util/err.h"
#include "util/str.h"

static void
test_buf_bounded(void **state)
{
	struct rp_buf b;
	char *s;

	rp_buf_init(&b, 8);
	assert_int_equal(rp_buf_append(&b, "abcd"), 0);
	assert_int_equal(rp_buf_appendf(&b, "%d", 123), 0);
	assert_string_equal(b.s, "abcd123");
	assert_int_equal(rp_buf_append(&b, "xy"), RP_ERR_LIMIT);
	assert_true(b.failed);
	assert_null(rp_buf_take(&b));

	rp_buf_init(&b, 100);
	rp_buf_append_json_string(&b, "a\"b\\c\n");
	s = rp_buf_take(&b);
	assert_string_equal(s, "\"a\\\"b\\\\c\\u000a\"");
	free(s);
}

static void
test_arena(void **state)
{
	struct rp_arena *a = rp_arena_new(200 * 1024);
	char *s, *big;
	size_t i;

	assert_non_null(a);
	s = rp_arena_printf(a, "%s-%d", "x", 7);
	assert_string_equal(s, "x-7");
	assert_null(rp_arena_strdup(a, NULL));
	big = rp_arena_alloc(a, 40000);
	assert_non_null(big);
	memset(big, 1, 40000);
	for (i = 0; i < 1000; i++)
		assert_non_null(rp_arena_strdup(a, "some product name"));
	/* the cap holds */
	assert_null(rp_arena_alloc(a, 300 * 1024));
	assert_null(rp_arena_calloc(a, SIZE_MAX / 2, 4));
	rp_arena_free(a);
	rp_arena_free(NULL);
}

static void
test_diags(void **state)
{
	struct rp_diags *d = rp_diags_new();
	char *s;
	size_t i;

	rp_diags_add(d, RP_DIAG_ERROR, "6.1.6", "/vulnerabilities/0",
	    "contradicting product status for %s", "CSAFPID-1");
	rp_diags_add_at(d, RP_DIAG_WARNING, 3, 9, "odd");
	assert_int_equal(d->nerrors, 1);
	assert_int_equal(d->nwarnings, 1);
	assert_true(rp_diags_has_test(d, "6.1.6"));
	assert_false(rp_diags_has_test(d, "6.1.7"));
	s = rp_diag_format(&d->v[0], "a.json");
	assert_string_equal(s,
	    "a.json: error: 6.1.6 contradicting product "
	    "status for CSAFPID-1 (at /vulnerabilities/0)");
	free(s);
	s = rp_diag_format(&d->v[1], "a.json");
	assert_string_equal(s, "a.json:3:9: warning: odd");
	free(s);
	for (i = 0; i < RP_DIAGS_MAX + 5; i++)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL, "w");
	assert_int_equal(d->n, RP_DIAGS_MAX);
	assert_int_equal(d->dropped, 7);
	assert_int_equal(d->nwarnings, RP_DIAGS_MAX + 6);
	rp_diags_free(d);
	assert_int_equal(rp_diags_add(NULL, RP_DIAG_ERROR, NULL, NULL, "x"), 0);
}

static void
test_json_path(void **state)
{
	struct rpjson_path p;
	size_t m1, m2;
	int i;

	rpjson_path_init(&p);
	assert_string_equal(rpjson_path_str(&p), "");
	m1 = rpjson_path_push_key(&p, "product_tree");
	m2 = rpjson_path_push_key(&p, "a/b~c");
	assert_string_equal(rpjson_path_str(&p), "/product_tree/a~1b~0c");
	rpjson_path_pop(&p, m2);
	rpjson_path_push_index(&p, 12);
	assert_string_equal(rpjson_path_str(&p), "/product_tree/12");
	rpjson_path_pop(&p, m1);
	assert_string_equal(rpjson_path_str(&p), "");
	for (i = 0; i < 500; i++)
		rpjson_path_push_key(&p, "branches");
	assert_true(strlen(rpjson_path_str(&p)) < RPJSON_PATH_MAX);
	assert_non_null(strstr(rpjson_path_str(&p), "/..."));
}

static void
test_json_load_errors(void **state)
{
	struct rp_diags *d = rp_diags_new();
	const char *dup = "{\"a\": 1,\n \"a\": 2}";
	const char *bad = "{\n  \"a\": [1, 2,\n}";
	json_t *j;

	assert_null(rpjson_load_buf(dup, strlen(dup), d));
	assert_int_equal(d->nerrors, 1);
	assert_int_equal(d->v[0].line, 2);
	assert_null(rpjson_load_buf(bad, strlen(bad), d));
	assert_int_equal(d->v[1].line, 3);
	j = rpjson_load_buf("{\"s\":\"x\",\"n\":1}", 15, d);
	assert_non_null(j);
	assert_string_equal(rpjson_str(j, "s"), "x");
	assert_null(rpjson_str(j, "n"));
	assert_null(rpjson_array(j, "s"));
	json_decref(j);
	assert_null(rpjson_load_file("/nonexistent/x.json", 1024, d));
	assert_non_null(strstr(d->v[2].msg, "cannot open"));
	rp_diags_free(d);
}

/* The load says why it failed: a missing file is not bad JSON. */
static void
test_json_load_codes(void **state)
{
	struct rp_diags *d = rp_diags_new();
	char dir[] = "/tmp/rp-json-XXXXXX", path[64];
	json_t *j = (json_t *)1;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(
	    rpjson_load("/nonexistent/x.json", 1024, &j, d), RP_ERR_NOTFOUND);
	assert_null(j);
	assert_non_null(strstr(d->v[0].msg, "No such file"));
	assert_int_equal(rpjson_load(dir, 1024, &j, d), RP_ERR_IO);
	snprintf(path, sizeof(path), "%s/a.json", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("{\"a\": [1, 2, 3]}", f);
	fclose(f);
	assert_int_equal(rpjson_load(path, 8, &j, d), RP_ERR_LIMIT);
	assert_int_equal(rpjson_load(path, 1024, &j, d), 0);
	assert_non_null(j);
	json_decref(j);
	assert_non_null(f = fopen(path, "w"));
	fputs("{\"a\": [1, 2,", f);
	fclose(f);
	assert_int_equal(rpjson_load(path, 1024, &j, d), RP_ERR_INVALID);
	assert_null(j);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	rp_diags_free(d);
}

/* The ASCII classes: exactly the ASCII bytes, whatever the sign of char. */
static void
test_ascii(void **state)
{
	char s[] = "AbC-\xc9z";
	int c;

	(void)state;
	for (c = -128; c < 256; c++) {
		int ascii = c >= 0 && c < 128;

		assert_int_equal(rp_isdigit(c), c >= '0' && c <= '9');
		assert_int_equal(rp_isalpha(c),
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
		assert_int_equal(rp_isxdigit(c), rp_hexval(c) >= 0);
		assert_true(ascii || !rp_isspace(c));
		assert_true(ascii || rp_tolower(c) == c);
	}
	assert_true(rp_isspace('\v') && !rp_isspace('_'));
	assert_true(rp_iscntrl(0x7f) && !rp_iscntrl(' '));
	assert_int_equal(rp_hexval('F'), 15);
	assert_int_equal(rp_toupper('q'), 'Q');
	assert_false(rp_isalpha((char)0xc9)); /* É in Latin-1 */
	rp_ascii_lower(s, 3);
	assert_string_equal(s, "abc-\xc9z");
	rp_ascii_lower(s, SIZE_MAX);
	assert_string_equal(s, "abc-\xc9z");
}

/* The one copy of the indicator syntax, with each reader's options. */
static void
test_indicator(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(rp_refang("hxxps://evil[.]com[/]x", b, sizeof(b)), 0);
	assert_string_equal(b, "https://evil.com/x");
	assert_int_equal(rp_refang("a[[.]]b", b, sizeof(b)), -2);
	assert_int_equal(rp_refang("evil[.]com", b, 5), -1);

	snprintf(b, sizeof(b), "ABCDEF0123");
	assert_null(rp_hash_check(b, 10));
	assert_string_equal(b, "abcdef0123");
	assert_non_null(strstr(rp_hash_check(b, 64), "64 hex digits"));
	snprintf(b, sizeof(b), "xyz");
	assert_non_null(strstr(rp_hash_check(b, 3), "hexadecimal"));

	/* addresses are canonical; a prefix only where the reader allows */
	snprintf(b, sizeof(b), "2001:DB8:0::1");
	assert_null(rp_ip_check(b, sizeof(b), 0));
	assert_string_equal(b, "2001:db8::1");
	snprintf(b, sizeof(b), "[::1]");
	assert_null(rp_ip_check(b, sizeof(b), 0));
	assert_string_equal(b, "::1");
	snprintf(b, sizeof(b), "2001:db8:0::/32");
	assert_non_null(strstr(rp_ip_check(b, sizeof(b), 0), "ranges"));
	assert_null(rp_ip_check(b, sizeof(b), RP_IP_PREFIX));
	assert_string_equal(b, "2001:db8::/32");
	snprintf(b, sizeof(b), "10.0.0.0/33");
	assert_non_null(
	    strstr(rp_ip_check(b, sizeof(b), RP_IP_PREFIX), "prefix"));
	assert_string_equal(b, "10.0.0.0/33");
	snprintf(b, sizeof(b), "300.1.1.1");
	assert_non_null(strstr(rp_ip_check(b, sizeof(b), 0), "IPv4"));
	snprintf(b, sizeof(b), "fe80::1%%eth0");
	assert_non_null(strstr(rp_ip_check(b, sizeof(b), 0), "zone"));

	/* URLs: scheme and host lowercased, the path as written */
	snprintf(b, sizeof(b), "HTTPS://Evil.COM:8443/A?b");
	assert_null(rp_url_check(b, RP_URL_SCHEME));
	assert_string_equal(b, "https://evil.com:8443/A?b");
	snprintf(b, sizeof(b), "evil.com/x");
	assert_null(rp_url_check(b, 0));
	assert_non_null(strstr(rp_url_check(b, RP_URL_SCHEME), "scheme"));
	snprintf(b, sizeof(b), "evil.com");
	assert_non_null(rp_url_check(b, 0));
	snprintf(b, sizeof(b), "http://[::1]x/");
	assert_non_null(strstr(rp_url_check(b, 0), "IPv6"));
	snprintf(b, sizeof(b), "http://x.com:0/");
	assert_non_null(strstr(rp_url_check(b, 0), "port"));
}

static void
test_path_match(void **state)
{
	const char *p[2] = {NULL, NULL};
	char buf[16];

	(void)state;
	assert_true(rp_path_match(
	    "/a/{id}/b/{x}", "/a/12/b/zz", p, 2, buf, sizeof(buf)));
	assert_string_equal(p[0], "12");
	assert_string_equal(p[1], "zz");
	assert_true(rp_path_match("/a", "/a", p, 0, buf, sizeof(buf)));
	/* an empty segment, a longer path, too few params, too little room */
	assert_false(rp_path_match("/a/{id}", "/a/", p, 2, buf, sizeof(buf)));
	assert_false(rp_path_match("/a/{id}", "/a/1/2", p, 2, buf, 16));
	assert_false(rp_path_match("/a/{id}/{x}", "/a/1/2", p, 1, buf, 16));
	assert_false(rp_path_match(
	    "/a/{id}", "/a/0123456789abcdef", p, 2, buf, sizeof(buf)));
	assert_false(rp_path_match("/a/{id", "/a/1", p, 2, buf, sizeof(buf)));
	assert_false(rp_path_match("/a/b", "/a", p, 2, buf, sizeof(buf)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ascii),
	    cmocka_unit_test(test_indicator),
	    cmocka_unit_test(test_buf_bounded),
	    cmocka_unit_test(test_arena),
	    cmocka_unit_test(test_diags),
	    cmocka_unit_test(test_json_path),
	    cmocka_unit_test(test_json_load_errors),
	    cmocka_unit_test(test_json_load_codes),
	    cmocka_unit_test(test_path_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
