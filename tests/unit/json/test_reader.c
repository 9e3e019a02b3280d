/*
 * The JSON reader layer: each getter's accepted values, the diagnostic it
 * adds for every way a value can be wrong (level, pointer, what was
 * expected), the member allow-list and iteration keeping the path right.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json/rpjson.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/err.h"

struct fixture {
	struct rp_diags *d;
	struct rpjson_path path;
	struct rpjson_rd rd;
	json_t *doc;
};

static struct fixture *
setup(const char *text)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_non_null(f->d = rp_diags_new());
	rpjson_rd_init(&f->rd, &f->path, f->d);
	assert_non_null(f->doc = rpjson_load_buf(text, strlen(text), f->d));
	return f;
}

static void
teardown(struct fixture *f)
{
	json_decref(f->doc);
	rp_diags_free(f->d);
	free(f);
}

/* The last diagnostic is at ptr, of level lv, and contains needle. */
static void
expect_last(const struct fixture *f, enum rp_diag_level lv, const char *ptr,
    const char *needle)
{
	const struct rp_diag *e;

	assert_true(f->d->n > 0);
	e = &f->d->v[f->d->n - 1];
	if (e->level != lv || strcmp(e->pointer, ptr) != 0 ||
	    strstr(e->msg, needle) == NULL)
		fail_msg("got %d at \"%s\": %s; expected %d at \"%s\": %s",
		    e->level, e->pointer, e->msg, lv, ptr, needle);
}

static void
test_strings(void **state)
{
	struct fixture *f = setup("{\"a\":\"abc\",\"n\":7,\"e\":\"\","
				  "\"c\":\"x\\ny\",\"nl\":null}");
	const char *s = NULL;

	(void)state;
	/* the loader refuses \u0000; a document built in memory may not */
	json_object_set_new(f->doc, "z", json_stringn("a\0b", 3));
	assert_int_equal(
	    rpjson_get_str(&f->rd, f->doc, "a", 3, RPJSON_LINE, &s), 1);
	assert_string_equal(s, "abc");
	assert_int_equal(f->d->n, 0);
	/* absent: 0 and nothing said, unless required */
	s = NULL;
	assert_int_equal(rpjson_get_str(&f->rd, f->doc, "b", 9, 0, &s), 0);
	assert_null(s);
	assert_int_equal(f->d->n, 0);
	assert_int_equal(
	    rpjson_get_str(&f->rd, f->doc, "b", 9, RPJSON_REQUIRED, &s),
	    RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "", "required member \"b\" is missing");
	/* each way to be wrong, at the member */
	assert_int_equal(
	    rpjson_get_str(&f->rd, f->doc, "a", 2, 0, &s), RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/a",
	    "expected a string of at most 2 bytes, but it has 3 bytes");
	assert_int_equal(
	    rpjson_get_str(&f->rd, f->doc, "n", 9, 0, &s), RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/n",
	    "expected a string of at most 9 bytes, got a number");
	assert_int_equal(
	    rpjson_get_str(&f->rd, f->doc, "e", 9, RPJSON_NONEMPTY, &s),
	    RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/e", "non-empty string");
	assert_int_equal(rpjson_get_str(&f->rd, f->doc, "e", 9, 0, &s), 1);
	assert_string_equal(s, "");
	assert_int_equal(
	    rpjson_get_str(&f->rd, f->doc, "c", 9, RPJSON_LINE, &s),
	    RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/c", "control character");
	assert_int_equal(
	    rpjson_get_str(&f->rd, f->doc, "z", 9, 0, &s), RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/z", "NUL");
	/* null: absent when nullable, else the wrong type */
	assert_int_equal(
	    rpjson_get_str(&f->rd, f->doc, "nl", 9, RPJSON_NULLABLE, &s), 0);
	assert_int_equal(
	    rpjson_get_str(&f->rd, f->doc, "nl", 9, 0, &s), RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/nl", "got null");
	assert_int_equal(f->rd.nerrors, 7);
	assert_int_equal(f->d->nerrors, 7);
	assert_string_equal(
	    rpjson_str_at(&f->rd, f->doc, "a", 8, RPJSON_REQUIRED), "abc");
	assert_null(rpjson_str_at(&f->rd, f->doc, "n", 8, 0));
	teardown(f);
}

/* The reader chooses the level, the rule id and what it does next. */
static void
test_reader_choices(void **state)
{
	struct fixture *f = setup("{\"a\":1,\"b\":{\"c\":[]}}");
	const char *s;

	(void)state;
	f->rd.level = RP_DIAG_WARNING;
	f->rd.test = "schema";
	f->rd.then = "entry skipped";
	assert_int_equal(
	    rpjson_get_str(&f->rd, f->doc, "a", 9, 0, &s), RP_ERR_INVALID);
	expect_last(f, RP_DIAG_WARNING, "/a", "got a number; entry skipped");
	assert_string_equal(f->d->v[0].test, "schema");
	assert_int_equal(f->rd.nwarnings, 1);
	assert_int_equal(f->rd.nerrors, 0);
	teardown(f);
}

static void
test_numbers(void **state)
{
	struct fixture *f = setup("{\"i\":5,\"neg\":-1,\"r\":1.5,\"s\":\"5\","
				  "\"t\":true,\"big\":9223372036854775807}");
	json_int_t i = 0;
	uint64_t u = 0;
	double x = 0;
	int b = 0;

	(void)state;
	assert_int_equal(
	    rpjson_get_int(&f->rd, f->doc, "i", 0, 10, RPJSON_REQUIRED, &i), 1);
	assert_int_equal(i, 5);
	assert_int_equal(
	    rpjson_get_int(&f->rd, f->doc, "i", 6, 10, 0, &i), RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/i", "from 6 to 10, got 5");
	assert_int_equal(
	    rpjson_get_int(&f->rd, f->doc, "s", 0, 10, 0, &i), RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/s", "got a string");
	assert_int_equal(
	    rpjson_get_int(&f->rd, f->doc, "r", 0, 10, 0, &i), RP_ERR_INVALID);
	assert_int_equal(
	    rpjson_get_uint(&f->rd, f->doc, "neg", 0, UINT64_MAX, 0, &u),
	    RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/neg", "got -1");
	assert_int_equal(
	    rpjson_get_uint(&f->rd, f->doc, "big", 0, UINT64_MAX, 0, &u), 1);
	assert_true(u == INT64_MAX);
	assert_int_equal(
	    rpjson_get_number(&f->rd, f->doc, "r", 0, 2, 0, &x), 1);
	assert_true(x == 1.5);
	assert_int_equal(rpjson_get_number(&f->rd, f->doc, "i", 0, 2, 0, &x),
	    RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/i", "from 0 to 2, got 5");
	assert_int_equal(rpjson_get_bool(&f->rd, f->doc, "t", 0, &b), 1);
	assert_true(b);
	assert_int_equal(
	    rpjson_get_bool(&f->rd, f->doc, "i", 0, &b), RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/i", "expected true or false");
	teardown(f);
}

static void
test_containers(void **state)
{
	struct fixture *f = setup("{\"a\":[1,2,3],\"o\":{},\"s\":\"x\"}");
	const json_t *v = NULL;

	(void)state;
	assert_int_equal(rpjson_get_array(&f->rd, f->doc, "a", 3, 0, &v), 1);
	assert_int_equal(json_array_size(v), 3);
	assert_int_equal(
	    rpjson_get_array(&f->rd, f->doc, "a", 2, 0, &v), RP_ERR_LIMIT);
	expect_last(f, RP_DIAG_ERROR, "/a", "of 3 entries; expected at most 2");
	assert_int_equal(
	    rpjson_get_array(&f->rd, f->doc, "s", 2, 0, &v), RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/s", "expected an array");
	assert_int_equal(rpjson_get_object(&f->rd, f->doc, "o", 0, &v), 1);
	assert_int_equal(
	    rpjson_get_object(&f->rd, f->doc, "a", 0, &v), RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/a", "expected an object, got an array");
	/* not an object at all: every member is absent */
	assert_int_equal(rpjson_get_object(&f->rd, v, "x", 0, &v), 0);
	teardown(f);
}

static const char *const known[] = {"id", "name", NULL};

static void
test_keys(void **state)
{
	struct fixture *f = setup("{\"id\":1,\"name\":2,\"colour\":3,"
				  "\"a\\u0001b\":4}");
	size_t i;
	json_t *big;
	char k[16];

	(void)state;
	assert_int_equal(rpjson_check_keys(&f->rd, f->doc, known), 2);
	assert_int_equal(f->rd.nwarnings, 2);
	assert_true(f->d->v[0].level == RP_DIAG_WARNING);
	/* an unprintable key is not put in the pointer or the message */
	assert_true((strcmp(f->d->v[0].pointer, "/colour") == 0 &&
			strcmp(f->d->v[1].pointer, "") == 0) ||
	    (strcmp(f->d->v[1].pointer, "/colour") == 0 &&
		strcmp(f->d->v[0].pointer, "") == 0));
	/* an error when the reader says so; a flood is listed bounded */
	rp_diags_clear(f->d);
	f->rd.unknown = RP_DIAG_ERROR;
	big = json_object();
	for (i = 0; i < 100; i++) {
		snprintf(k, sizeof(k), "k%zu", i);
		json_object_set_new(big, k, json_null());
	}
	assert_int_equal(rpjson_check_keys(&f->rd, big, known), 100);
	assert_int_equal(f->d->nerrors, RPJSON_MAX_UNKNOWN + 1);
	expect_last(f, RP_DIAG_ERROR, "", "92 more unknown members");
	json_decref(big);
	teardown(f);
}

struct seen {
	char ptr[8][32];
	size_t n;
	int stop_at;
};

static int
visit(struct rpjson_rd *rd, const json_t *v, size_t i, void *arg)
{
	struct seen *s = arg;

	(void)v;
	snprintf(s->ptr[s->n++], sizeof(s->ptr[0]), "%s", rpjson_pointer(rd));
	/* the path is restored even when fn pushes and returns early */
	rpjson_push_key(rd, "deeper");
	return (int)i == s->stop_at ? 42 : 0;
}

static void
test_each(void **state)
{
	struct fixture *f = setup("{\"l\":[10,20,30,40],\"x\":5}");
	struct seen s = {.stop_at = -1};

	(void)state;
	assert_int_equal(
	    rpjson_each_member(&f->rd, f->doc, "l", 3, 0, visit, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ptr[0], "/l/0");
	assert_string_equal(s.ptr[2], "/l/2");
	assert_string_equal(rpjson_pointer(&f->rd), "");
	expect_last(f, RP_DIAG_ERROR, "/l", "only the first 3 read");
	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	assert_int_equal(
	    rpjson_each_member(&f->rd, f->doc, "l", 10, 0, visit, &s), 42);
	assert_int_equal(s.n, 2);
	assert_string_equal(rpjson_pointer(&f->rd), "");
	assert_int_equal(
	    rpjson_each_member(&f->rd, f->doc, "x", 10, 0, visit, &s),
	    RP_ERR_INVALID);
	expect_last(f, RP_DIAG_ERROR, "/x", "expected an array, got a number");
	assert_int_equal(rpjson_each_member(&f->rd, f->doc, "none", 10,
			     RPJSON_REQUIRED, visit, &s),
	    RP_ERR_INVALID);
	teardown(f);
}

/* A part the reader can do without: its errors become warnings. */
static void
test_demote(void **state)
{
	struct fixture *f = setup("{}");
	struct rpjson_mark m;

	(void)state;
	rpjson_err(&f->rd, "kept");
	rpjson_mark(&f->rd, &m);
	rpjson_err_at(&f->rd, "k", "forgiven %d", 1);
	rpjson_warn(&f->rd, "a warning");
	assert_int_equal(rpjson_demote(&f->rd, &m), 1);
	assert_int_equal(f->rd.nerrors, 1);
	assert_int_equal(f->rd.nwarnings, 2);
	assert_int_equal(f->d->nerrors, 1);
	assert_true(f->d->v[1].level == RP_DIAG_WARNING);
	assert_string_equal(f->d->v[1].pointer, "/k");
	assert_int_equal(rpjson_demote(&f->rd, &m), 0);
	teardown(f);
}

/* Without a list the layer still counts; strdup copies into the arena. */
static void
test_no_list_and_copies(void **state)
{
	struct rpjson_path p;
	struct rpjson_rd rd;
	json_t *doc = json_pack("{s:s, s:i}", "a", "text", "n", 1);
	char *s = NULL;

	(void)state;
	rpjson_rd_init(&rd, &p, NULL);
	assert_non_null(rd.arena = rp_arena_new(1024));
	assert_int_equal(rpjson_get_strdup(&rd, doc, "a", 9, 0, &s), 1);
	assert_string_equal(s, "text");
	assert_int_equal(
	    rpjson_get_strdup(&rd, doc, "n", 9, 0, &s), RP_ERR_INVALID);
	assert_int_equal(rd.nerrors, 1);
	rp_arena_free(rd.arena);
	json_decref(doc);
}

/* A path past its room is cut, and a pop still restores it exactly. */
static void
test_deep_path(void **state)
{
	struct rpjson_path p;
	char before[RPJSON_PATH_MAX];
	size_t i, m, len;

	(void)state;
	rpjson_path_init(&p);
	for (i = 0; i < 700; i++) {
		snprintf(before, sizeof(before), "%s", rpjson_path_str(&p));
		len = p.len;
		m = rpjson_path_push_key(&p, i % 2 ? "k" : "a/b");
		assert_true(p.len < RPJSON_PATH_MAX);
		rpjson_path_pop(&p, m);
		assert_int_equal(p.len, len);
		assert_string_equal(rpjson_path_str(&p), before);
		(void)rpjson_path_push_index(&p, i);
	}
	assert_non_null(strstr(rpjson_path_str(&p), "/..."));
	assert_int_equal(strlen(rpjson_path_str(&p)), p.len);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_reader_choices),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_containers),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_each),
	    cmocka_unit_test(test_demote),
	    cmocka_unit_test(test_no_list_and_copies),
	    cmocka_unit_test(test_deep_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
