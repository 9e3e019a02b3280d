/*
 * The request body's cap: an announced length over the cap is refused
 * before reading, a body without one is refused at the byte that passes
 * the cap, and a body of exactly the cap is accepted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"
#include "util/err.h"

static void
test_expect(void **state)
{
	struct http_body b;

	(void)state;
	http_body_init(&b, 100);
	assert_int_equal(http_body_expect(&b, NULL), 0);
	assert_int_equal(http_body_expect(&b, "100"), 0);
	assert_int_equal(http_body_expect(&b, "101"), RP_ERR_LIMIT);
	assert_int_equal(
	    http_body_expect(&b, "99999999999999999999999999"), RP_ERR_LIMIT);
	assert_int_equal(http_body_expect(&b, "-1"), RP_ERR_INVALID);
	assert_int_equal(http_body_expect(&b, "12x"), RP_ERR_INVALID);
	assert_int_equal(http_body_expect(&b, ""), RP_ERR_INVALID);
	http_body_clear(&b);
}

static void
test_chunks(void **state)
{
	struct http_body b;
	char chunk[30];

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	http_body_init(&b, 100);
	for (int i = 0; i < 3; i++)
		assert_int_equal(http_body_add(&b, chunk, sizeof(chunk)), 0);
	assert_int_equal(b.len, 90);
	/* 90 + 30 passes 100: refused, nothing appended. */
	assert_int_equal(http_body_add(&b, chunk, sizeof(chunk)), RP_ERR_LIMIT);
	assert_int_equal(b.len, 90);
	/* Exactly up to the cap is fine. */
	assert_int_equal(http_body_add(&b, chunk, 10), 0);
	assert_int_equal(b.len, 100);
	assert_int_equal(b.data[100], '\0');
	assert_int_equal(http_body_add(&b, chunk, 1), RP_ERR_LIMIT);
	assert_true(b.cap <= 101);
	http_body_clear(&b);
	assert_null(b.data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_expect),
	    cmocka_unit_test(test_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
