/*
 * RFC 3339 date-times: the grammar of section 5.6 with the value limits of
 * section 5.7, read in one left-to-right pass over at most the fixed
 * fields plus the fraction digits.
 */
#include <stddef.h>

#include "err.h"
#include "rfc3339.h"

/* Reads exactly n digits into *out; advances *p. */
static int
digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int
expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

static int
is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long long
days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (long long)era * 146097 + doe - 719468;
}

struct fields {
	int y, mo, d, h, mi, s, oh, om, sign; /* sign 0 for Z */
	long nsec;
};

/* The grammar only; values are checked by check_fields(). */
static int
scan(const char *s, struct fields *f)
{
	int nd = 0;

	f->nsec = 0;
	f->sign = 0;
	f->oh = f->om = 0;
	if (digits(&s, 4, &f->y) || expect(&s, '-') || digits(&s, 2, &f->mo) ||
	    expect(&s, '-') || digits(&s, 2, &f->d))
		return -1;
	if (*s != 'T' && *s != 't')
		return -1;
	s++;
	if (digits(&s, 2, &f->h) || expect(&s, ':') || digits(&s, 2, &f->mi) ||
	    expect(&s, ':') || digits(&s, 2, &f->s))
		return -1;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++, nd++) {
			if (nd < 9)
				f->nsec = f->nsec * 10 + (*s - '0');
		}
		for (; nd < 9; nd++)
			f->nsec *= 10;
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		f->sign = *s++ == '-' ? -1 : 1;
		if (digits(&s, 2, &f->oh) || expect(&s, ':') ||
		    digits(&s, 2, &f->om))
			return -1;
	} else
		return -1;
	return *s == '\0' ? 0 : -1;
}

static enum rp_time_err
check_fields(const struct fields *f)
{
	static const int mdays[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int utc_min;

	if (f->mo < 1 || f->mo > 12)
		return RP_TIME_MONTH;
	if (f->d < 1 ||
	    f->d > mdays[f->mo - 1] + (f->mo == 2 && is_leap_year(f->y)))
		return RP_TIME_DAY;
	if (f->h > 23)
		return RP_TIME_HOUR;
	if (f->mi > 59)
		return RP_TIME_MINUTE;
	if (f->oh > 23 || f->om > 59)
		return RP_TIME_OFFSET;
	if (f->s > 60)
		return RP_TIME_SECOND;
	if (f->s == 60) {
		/* A leap second is inserted at 23:59:60 UTC only. */
		utc_min = f->h * 60 + f->mi - f->sign * (f->oh * 60 + f->om);
		utc_min = ((utc_min % 1440) + 1440) % 1440;
		if (utc_min != 23 * 60 + 59)
			return RP_TIME_SECOND;
	}
	return RP_TIME_OK;
}

int
rp_rfc3339_parse(const char *s, struct rp_time *out, enum rp_time_err *err)
{
	struct fields f;
	enum rp_time_err e = RP_TIME_SYNTAX;

	if (s != NULL && scan(s, &f) == 0)
		e = check_fields(&f);
	if (err != NULL)
		*err = e;
	if (e != RP_TIME_OK)
		return RP_ERR_INVALID;
	if (out != NULL) {
		out->offset_min = f.sign * (f.oh * 60 + f.om);
		out->sec = days_from_civil(f.y, f.mo, f.d) * 86400 +
		    f.h * 3600LL + f.mi * 60LL + f.s - out->offset_min * 60LL;
		out->nsec = f.nsec;
		out->zulu = f.sign == 0;
		out->leap = f.s == 60;
	}
	return 0;
}

const char *
rp_rfc3339_strerror(enum rp_time_err e)
{
	switch (e) {
	case RP_TIME_OK:
		return "valid";
	case RP_TIME_SYNTAX:
		return "not of the form YYYY-MM-DDTHH:MM:SS[.fraction] "
		       "followed by Z or +hh:mm/-hh:mm";
	case RP_TIME_MONTH:
		return "month is not 01-12";
	case RP_TIME_DAY:
		return "day is not within the month";
	case RP_TIME_HOUR:
		return "hour is not 00-23";
	case RP_TIME_MINUTE:
		return "minute is not 00-59";
	case RP_TIME_SECOND:
		return "second is not 00-59 (60 only for a leap second at "
		       "23:59 UTC)";
	case RP_TIME_OFFSET:
		return "offset is not within -23:59..+23:59";
	}
	return "invalid date-time";
}

int
rp_time_cmp(const struct rp_time *a, const struct rp_time *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	if (a->nsec != b->nsec)
		return a->nsec < b->nsec ? -1 : 1;
	return 0;
}
