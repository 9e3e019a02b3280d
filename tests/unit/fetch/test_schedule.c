/*
 * When a pulled source is due (fetch_due_now) and which interval its
 * fetch_interval gives (fetch_interval), with the clock passed in: a
 * never-fetched source at once, then every interval plus its jitter, a
 * "fetch now" once, and intervals below the minimum raised to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fetch/fetch.h"

static void
test_interval(void **state)
{
	(void)state;
	assert_int_equal(fetch_interval(0), 3600);
	assert_int_equal(fetch_interval(-5), 3600);
	assert_int_equal(fetch_interval(1), FETCH_INTERVAL_MIN);
	assert_int_equal(fetch_interval(299), 300);
	assert_int_equal(fetch_interval(300), 300);
	assert_int_equal(fetch_interval(86400), 86400);
}

static void
test_due(void **state)
{
	struct fetch_due d = {7, 3600, 0, 0};

	(void)state;
	/* never fetched: at once, whatever the jitter */
	assert_true(fetch_due_now(&d, 300, 0, 1000));
	/* fetched at 1000: due at 1000 + 3600 + jitter, not before */
	d.last_fetch_at = 1000;
	assert_false(fetch_due_now(&d, 0, 0, 4599));
	assert_true(fetch_due_now(&d, 0, 0, 4600));
	assert_false(fetch_due_now(&d, 120, 0, 4719));
	assert_true(fetch_due_now(&d, 120, 0, 4720));
}

static void
test_request(void **state)
{
	struct fetch_due d = {7, 3600, 1000, 0};

	(void)state;
	/* a request before the last run began was that run's */
	d.requested_at = 999;
	assert_false(fetch_due_now(&d, 0, 0, 1500));
	/* a newer one is due once: not again while it is the one queued */
	d.requested_at = 1400;
	assert_true(fetch_due_now(&d, 0, 0, 1500));
	assert_false(fetch_due_now(&d, 0, 1400, 1501));
	/* one in the second the last run began counts */
	d.requested_at = 1000;
	assert_true(fetch_due_now(&d, 0, 999, 1002));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_interval),
	    cmocka_unit_test(test_due),
	    cmocka_unit_test(test_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
