/*
 * The web UI's pieces alone: escaping for text and URLs, form bodies
 * (url-encoded and multipart), rendering of the compiled templates with
 * hostile data, and the German catalog.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/err.h"
#include "web_int.h"

static char *
esc(void (*fn)(struct rp_buf *, const char *, size_t), const char *s)
{
	struct rp_buf b;

	rp_buf_init(&b, 4096);
	fn(&b, s, strlen(s));
	return rp_buf_take(&b);
}

static void
test_escape(void **state)
{
	char *s;

	(void)state;
	s = esc(web_esc_html, "<a href=\"x\" onclick='y'>&</a>");
	assert_string_equal(s,
	    "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
	free(s);
	s = esc(web_esc_url, "a b/c?d=e&f#g\xc3\xa4~_.-");
	assert_string_equal(s, "a%20b%2Fc%3Fd%3De%26f%23g%C3%A4~_.-");
	free(s);
	s = esc(web_esc_url, "javascript:alert(1)");
	assert_string_equal(s, "javascript%3Aalert%281%29");
	free(s);
}

static void
test_form_urlencoded(void **state)
{
	static const char body[] = "a=1+2%21&b=&c&csrf=%C3%A4x&&a=second";
	struct web_form f;
	const char *err = NULL;

	(void)state;
	assert_int_equal(web_form_parse("application/x-www-form-urlencoded",
			     body, strlen(body), &f, &err),
	    0);
	assert_string_equal(web_form_str(&f, "a"), "1 2!");
	assert_string_equal(web_form_str(&f, "b"), "");
	assert_string_equal(web_form_str(&f, "c"), "");
	assert_string_equal(web_form_str(&f, "csrf"), "\xc3\xa4x");
	assert_string_equal(web_form_str(&f, "missing"), "");
	assert_null(web_form_get(&f, "missing"));
	assert_int_equal(f.n, 5);
	web_form_clear(&f);
}

static void
test_form_refusals(void **state)
{
	static const char *const bad[] = {
	    "a=%4", "a=%zz", "a=%00", "a=%C3%28", "%FF=1"};
	struct web_form f;
	const char *err;
	char many[64 * 5 + 16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		assert_int_equal(
		    web_form_parse("application/x-www-form-urlencoded", bad[i],
			strlen(bad[i]), &f, &err),
		    RP_ERR_INVALID);
		assert_non_null(err);
	}
	for (i = 0; i <= WEB_FORM_MAX_FIELDS; i++)
		memcpy(many + 4 * i, "x=1&", 4);
	many[4 * i] = '\0';
	assert_int_equal(web_form_parse("application/x-www-form-urlencoded",
			     many, strlen(many), &f, &err),
	    RP_ERR_LIMIT);
	assert_int_equal(web_form_parse("application/json", "{}", 2, &f, &err),
	    RP_ERR_INVALID);
}

static void
test_form_multipart(void **state)
{
	static const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
	    "tok\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"file\"; "
	    "filename=\"adv.json\"\r\n"
	    "Content-Type: application/json\r\n\r\n"
	    "{\"a\":\r\n\"\xff\"}\r\n"
	    "--XyZ--\r\n";
	struct web_form f;
	const struct web_field *x;
	const char *err = NULL;

	(void)state;
	assert_int_equal(web_form_parse("multipart/form-data; boundary=XyZ",
			     body, sizeof(body) - 1, &f, &err),
	    0);
	assert_string_equal(web_form_str(&f, "csrf"), "tok");
	x = web_form_get(&f, "file");
	assert_non_null(x);
	assert_string_equal(x->filename, "adv.json");
	assert_int_equal(x->len, 11);
	assert_memory_equal(x->value, "{\"a\":\r\n\"\xff\"}", 11);
	web_form_clear(&f);
	/* no close delimiter, and a text field that is not UTF-8 */
	assert_int_equal(web_form_parse("multipart/form-data; boundary=XyZ",
			     body, 40, &f, &err),
	    RP_ERR_INVALID);
	assert_int_equal(web_form_parse("multipart/form-data; boundary=\"XyZ\"",
			     "--XyZ\r\nContent-Disposition: form-data; "
			     "name=\"a\"\r\n\r\n\xff\r\n--XyZ--",
			     54, &f, &err),
	    RP_ERR_INVALID);
	assert_int_equal(web_form_parse("multipart/form-data", body,
			     sizeof(body) - 1, &f, &err),
	    RP_ERR_INVALID);
}

static char *
render(const char *tpl, json_t *data, const char *lang)
{
	struct web_locale l;
	struct rp_buf b;
	const struct tpl *t = web_tpl_find(tpl);

	assert_non_null(t);
	web_locale_init(&l, lang, "Europe/Berlin");
	rp_buf_init(&b, 1 << 20);
	web_render(t, data, &l, &b);
	web_locale_clear(&l);
	json_decref(data);
	return rp_buf_take(&b);
}

/* Hostile data in every place the error page and the overview show
 * it comes out as text. */
static void
test_render_escapes(void **state)
{
	static const char evil[] = "<script>alert(1)</script>\"'&";
	char *s;

	(void)state;
	s = render("error",
	    json_pack("{s:s,s:s,s:s}", "message", evil, "detail", evil, "title",
		evil),
	    "en");
	assert_null(strstr(s, "<script>alert"));
	assert_non_null(
	    strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
	free(s);
	s = render("overview",
	    json_pack("{s:s,s:[{s:s,s:s}],s:{s:{s:s}}}", "title", "x",
		"tenants", "name", evil, "slug", "a\"b", "me", "user", "name",
		evil),
	    "en");
	assert_null(strstr(s, "<script>alert"));
	/* in a URL attribute the slug is percent-encoded */
	assert_non_null(strstr(s, "href=\"/hosts?tenant=a%22b\""));
	free(s);
}

static void
test_catalog(void **state)
{
	struct web_locale de, en;
	char *s;

	(void)state;
	web_locale_init(&de, "de", "UTC");
	web_locale_init(&en, "xx", "UTC");
	assert_string_equal(web_tr(&de, "Overview"), "Übersicht");
	assert_string_equal(web_tr(&en, "Overview"), "Overview");
	assert_string_equal(
	    web_tr(&de, "not in the catalog"), "not in the catalog");
	s = render("overview",
	    json_pack("{s:s,s:[{s:s,s:i,s:s}]}", "title", "x", "jobs", "id",
		"j1", "left", 3, "state", "active"),
	    "de");
	assert_non_null(strstr(s, "Laufende Aufträge"));
	assert_non_null(strstr(s, "von"));
	free(s);
}

static void
test_time_and_numbers(void **state)
{
	struct web_locale l;
	struct rp_buf b;
	int64_t t = 0;
	char *s;

	(void)state;
	assert_int_equal(web_time_parse("2023-03-29T14:05:00Z", &t), 0);
	assert_int_equal(t, 1680098700);
	assert_int_equal(web_time_parse("2023-03-29 14:05:00", &t), -1);
	assert_int_equal(web_time_parse("2023-03-29T14:05:01.093Z", &t), 0);
	assert_int_equal(t, 1680098701);
	assert_int_equal(web_time_parse("2023-03-29T14:05:01.Z", &t), -1);
	assert_int_equal(web_time_parse("2023-03-29T14:05:01.5", &t), -1);
	web_locale_init(&l, "de", "Europe/Berlin");
	rp_buf_init(&b, 4096);
	web_fmt_time(&l, &b, 1680098700);
	web_fmt_num(&l, &b, 10000);
	web_locale_clear(&l);
	s = rp_buf_take(&b);
	/* 14:05 UTC is 16:05 summer time in Berlin */
	assert_non_null(strstr(s, "datetime=\"2023-03-29T14:05:00Z\""));
	assert_non_null(strstr(s, "title=\"2023-03-29 14:05:00 UTC\""));
	assert_non_null(strstr(s, "29.03.2023, 16:05"));
	assert_non_null(strstr(s, "10.000"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_form_urlencoded),
	    cmocka_unit_test(test_form_refusals),
	    cmocka_unit_test(test_form_multipart),
	    cmocka_unit_test(test_render_escapes),
	    cmocka_unit_test(test_catalog),
	    cmocka_unit_test(test_time_and_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
