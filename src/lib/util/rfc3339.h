/*
 * RFC 3339 section 5.6 date-times ("2023-03-30T12:00:00Z",
 * "2024-05-29T23:34:56.123+02:00"), the one parser every reader and
 * validator uses.  Strict: month 01-12, day within its month (leap years
 * counted), hour 00-23, minute 00-59, second 00-60 where 60 (a leap
 * second) is only valid at 23:59 UTC, an optional fraction of one or
 * more digits, then 'Z' or an offset +hh:mm / -hh:mm with hh 00-23 and
 * mm 00-59.  'T' and 'Z' may be lower case (RFC 3339 section 5.6, NOTE);
 * nothing may follow.  Nothing here allocates.
 */
#ifndef RP_RFC3339_H
#define RP_RFC3339_H

/* Why a string is not an RFC 3339 date-time. */
enum rp_time_err {
	RP_TIME_OK = 0,
	RP_TIME_SYNTAX, /* not YYYY-MM-DDTHH:MM:SS[.F](Z|+hh:mm|-hh:mm) */
	RP_TIME_MONTH, /* month not 01-12 */
	RP_TIME_DAY, /* day not within its month */
	RP_TIME_HOUR, /* hour not 00-23 */
	RP_TIME_MINUTE, /* minute not 00-59 */
	RP_TIME_SECOND, /* second not 00-59, or 60 other than at 23:59 UTC */
	RP_TIME_OFFSET, /* offset hour not 00-23 or minute not 00-59 */
};

struct rp_time {
	long long sec; /* the instant, seconds since 1970-01-01T00:00:00Z */
	long nsec; /* the fraction, truncated to nanoseconds */
	int offset_min; /* local offset from UTC in minutes (Z: 0) */
	int zulu; /* 1 when written with Z, 0 with a numeric offset */
	int leap; /* 1 for a leap second (:60); sec counts it as :59 + 1 */
};

/*
 * Parses s.  Returns 0 and fills *out, or RP_ERR_INVALID and sets *err
 * (when not NULL) to the first rule broken; out may be NULL to only check.
 */
int rp_rfc3339_parse(const char *s, struct rp_time *out, enum rp_time_err *err);

/* A static description of e ("month is not 01-12"). */
const char *rp_rfc3339_strerror(enum rp_time_err e);

/* Orders two instants: <0, 0, >0 (the offset does not matter). */
int rp_time_cmp(const struct rp_time *a, const struct rp_time *b);

#endif
