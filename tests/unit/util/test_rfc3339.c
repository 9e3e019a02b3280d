/*
 * The RFC 3339 date-time parser, table-driven: each row is an input, the
 * expected result code and, for valid ones, the instant (seconds since the
 * epoch), the fraction in nanoseconds, the offset in minutes and whether
 * it was written with Z.  The instants were computed with GNU date.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/err.h"
#include "util/rfc3339.h"

static const struct {
	const char *in;
	enum rp_time_err err;
	long long sec;
	long nsec;
	int off, zulu;
} cases[] = {
    {"1970-01-01T00:00:00Z", RP_TIME_OK, 0, 0, 0, 1},
    {"2023-03-30T12:00:00Z", RP_TIME_OK, 1680177600, 0, 0, 1},
    {"2023-03-30t12:00:00z", RP_TIME_OK, 1680177600, 0, 0, 1},
    {"2023-03-30T14:00:00+02:00", RP_TIME_OK, 1680177600, 0, 120, 0},
    {"2023-03-30T07:30:00-04:30", RP_TIME_OK, 1680177600, 0, -270, 0},
    {"2023-03-30T12:00:00-00:00", RP_TIME_OK, 1680177600, 0, 0, 0},
    {"2023-03-30T12:00:00.5Z", RP_TIME_OK, 1680177600, 500000000, 0, 1},
    {"2023-03-30T12:00:00.123456789987Z", RP_TIME_OK, 1680177600, 123456789, 0,
	1},
    {"2024-02-29T00:00:00Z", RP_TIME_OK, 1709164800, 0, 0, 1},
    {"2000-02-29T00:00:00Z", RP_TIME_OK, 951782400, 0, 0, 1},
    {"1969-12-31T23:59:59Z", RP_TIME_OK, -1, 0, 0, 1},
    {"0000-01-01T00:00:00Z", RP_TIME_OK, -62167219200LL, 0, 0, 1},
    {"9999-12-31T23:59:59Z", RP_TIME_OK, 253402300799LL, 0, 0, 1},
    {"2023-03-30T12:00:00+23:59", RP_TIME_OK, 1680091260, 0, 1439, 0},
    /* leap seconds: 23:59:60 UTC, however written */
    {"2016-12-31T23:59:60Z", RP_TIME_OK, 1483228800, 0, 0, 1},
    {"2017-01-01T00:59:60+01:00", RP_TIME_OK, 1483228800, 0, 60, 0},
    {"2016-12-31T18:59:60-05:00", RP_TIME_OK, 1483228800, 0, -300, 0},
    {"2016-12-31T12:00:60Z", RP_TIME_SECOND, 0, 0, 0, 0},
    {"2016-12-31T23:59:60+01:00", RP_TIME_SECOND, 0, 0, 0, 0},
    {"2016-12-31T23:59:61Z", RP_TIME_SECOND, 0, 0, 0, 0},
    {"2023-13-45T99:99:99Z", RP_TIME_MONTH, 0, 0, 0, 0},
    {"2023-00-10T00:00:00Z", RP_TIME_MONTH, 0, 0, 0, 0},
    {"2023-01-00T00:00:00Z", RP_TIME_DAY, 0, 0, 0, 0},
    {"2023-01-32T00:00:00Z", RP_TIME_DAY, 0, 0, 0, 0},
    {"2023-02-29T00:00:00Z", RP_TIME_DAY, 0, 0, 0, 0},
    {"1900-02-29T00:00:00Z", RP_TIME_DAY, 0, 0, 0, 0},
    {"2023-04-31T00:00:00Z", RP_TIME_DAY, 0, 0, 0, 0},
    {"2023-03-30T24:00:00Z", RP_TIME_HOUR, 0, 0, 0, 0},
    {"2023-03-30T12:60:00Z", RP_TIME_MINUTE, 0, 0, 0, 0},
    {"2023-03-30T12:00:00+24:00", RP_TIME_OFFSET, 0, 0, 0, 0},
    {"2023-03-30T12:00:00+01:60", RP_TIME_OFFSET, 0, 0, 0, 0},
    /* the grammar */
    {"", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-03-30", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-03-30T12:00:00", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-03-30 12:00:00Z", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-03-30T12:00Z", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-3-30T12:00:00Z", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"23-03-30T12:00:00Z", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"+2023-03-30T12:00:00Z", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-03-30T12:00:00.Z", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-03-30T12:00:00,5Z", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-03-30T12:00:00+0200", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-03-30T12:00:00+02", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-03-30T12:00:00ZZ", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-03-30T12:00:00Z ", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {" 2023-03-30T12:00:00Z", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-03-30T12:00:00UTC", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023-03-30T1a:00:00Z", RP_TIME_SYNTAX, 0, 0, 0, 0},
    {"2023\xef\xbc\x8d"
     "03-30T12:00:00Z",
	RP_TIME_SYNTAX, 0, 0, 0, 0},
};

static void
test_table(void **state)
{
	struct rp_time t;
	enum rp_time_err e;
	size_t i;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&t, 0x5a, sizeof(t));
		e = (enum rp_time_err)99;
		r = rp_rfc3339_parse(cases[i].in, &t, &e);
		if (e != cases[i].err)
			fail_msg("'%s': code %d, expected %d", cases[i].in,
			    (int)e, (int)cases[i].err);
		assert_int_equal(r, e == RP_TIME_OK ? 0 : RP_ERR_INVALID);
		assert_non_null(rp_rfc3339_strerror(e));
		if (e != RP_TIME_OK)
			continue;
		if (t.sec != cases[i].sec)
			fail_msg("'%s': %lld, expected %lld", cases[i].in,
			    t.sec, cases[i].sec);
		assert_int_equal(t.nsec, cases[i].nsec);
		assert_int_equal(t.offset_min, cases[i].off);
		assert_int_equal(t.zulu, cases[i].zulu);
		assert_int_equal(rp_rfc3339_parse(cases[i].in, NULL, NULL), 0);
	}
	assert_int_equal(rp_rfc3339_parse(NULL, &t, &e), RP_ERR_INVALID);
	assert_int_equal(e, RP_TIME_SYNTAX);
}

static void
test_order(void **state)
{
	static const char *asc[] = {"2023-03-30T12:00:00+02:00",
	    "2023-03-30T10:00:00.000000001Z", "2023-03-30T10:00:00.5Z",
	    "2023-03-30T06:00:01-04:00", "2024-01-01T00:00:00Z"};
	struct rp_time a, b;
	size_t i;

	for (i = 0; i + 1 < sizeof(asc) / sizeof(asc[0]); i++) {
		assert_int_equal(rp_rfc3339_parse(asc[i], &a, NULL), 0);
		assert_int_equal(rp_rfc3339_parse(asc[i + 1], &b, NULL), 0);
		assert_true(rp_time_cmp(&a, &b) < 0);
		assert_true(rp_time_cmp(&b, &a) > 0);
		assert_int_equal(rp_time_cmp(&a, &a), 0);
	}
	/* The same instant in two offsets. */
	assert_int_equal(rp_rfc3339_parse("2023-03-30T12:00:00Z", &a, NULL), 0);
	assert_int_equal(
	    rp_rfc3339_parse("2023-03-30T13:00:00+01:00", &b, NULL), 0);
	assert_int_equal(rp_time_cmp(&a, &b), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
