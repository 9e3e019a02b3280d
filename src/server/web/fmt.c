/*
 * What depends on the user's language and time zone: catalog lookups,
 * times and numbers (ICU, which knows every zone's rules and every
 * locale's conventions).  Formatters are made on first use and belong
 * to one request's locale, so threads share nothing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/uenum.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

#include "web_int.h"

void
web_locale_init(struct web_locale *l, const char *lang, const char *tz)
{
	memset(l, 0, sizeof(*l));
	l->lang = lang != NULL && strcmp(lang, "de") == 0 ? WEB_DE : WEB_EN;
	snprintf(l->tz, sizeof(l->tz), "%s",
	    tz != NULL && *tz != '\0' && strlen(tz) < sizeof(l->tz) ? tz
								    : "UTC");
}

void
web_locale_clear(struct web_locale *l)
{
	if (l->datefmt != NULL)
		udat_close(l->datefmt);
	if (l->numfmt != NULL)
		unum_close(l->numfmt);
	l->datefmt = l->numfmt = NULL;
}

const char *
web_tr(const struct web_locale *l, const char *msgid)
{
	size_t lo = 0, hi = web_nmsgs, mid;
	int c;

	if (l == NULL || l->lang == WEB_EN)
		return msgid;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(msgid, web_msgids[mid])) == 0)
			return web_msgs_de[mid][0] != '\0' ? web_msgs_de[mid]
							   : msgid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return msgid;
}

static const char *
icu_locale(const struct web_locale *l)
{
	return l->lang == WEB_DE ? "de_DE" : "en_GB";
}

static UDateFormat *
datefmt(struct web_locale *l)
{
	static const char *const pat[] = {
	    "d MMM yyyy, HH:mm zzz", "dd.MM.yyyy, HH:mm zzz"};
	UErrorCode st = U_ZERO_ERROR;
	UChar tz[64], p[64];

	if (l->datefmt != NULL)
		return l->datefmt;
	u_uastrncpy(tz, l->tz, (int32_t)(sizeof(tz) / sizeof(tz[0])));
	u_uastrncpy(p, pat[l->lang], (int32_t)(sizeof(p) / sizeof(p[0])));
	l->datefmt = udat_open(
	    UDAT_PATTERN, UDAT_PATTERN, icu_locale(l), tz, -1, p, -1, &st);
	if (U_FAILURE(st)) {
		if (l->datefmt != NULL)
			udat_close(l->datefmt);
		l->datefmt = NULL;
	}
	return l->datefmt;
}

/* ICU's UTF-16 into b as UTF-8, escaped (a zone name is ICU's text). */
static void
append_uchars(struct rp_buf *b, const UChar *u, int32_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	char out[256];
	int32_t len = 0;

	u_strToUTF8(out, (int32_t)sizeof(out), &len, u, n, &st);
	if (U_SUCCESS(st) && len > 0 && (size_t)len < sizeof(out))
		web_esc_html(b, out, (size_t)len);
}

/* n decimal digits at s; -1 when one is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
web_time_parse(const char *s, int64_t *t)
{
	size_t n = strlen(s), i = 19;
	struct tm tm;
	time_t v;

	/* seconds may have a fraction (the audit log's milliseconds) */
	if (n > 20 && s[19] == '.') {
		for (i = 20; i < n - 1 && s[i] >= '0' && s[i] <= '9'; i++)
			continue;
		if (i == 20)
			return -1;
	}
	if (n < 20 || i != n - 1 || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[n - 1] != 'Z')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = digits(s, 4) - 1900;
	tm.tm_mon = digits(s + 5, 2) - 1;
	tm.tm_mday = digits(s + 8, 2);
	tm.tm_hour = digits(s + 11, 2);
	tm.tm_min = digits(s + 14, 2);
	tm.tm_sec = digits(s + 17, 2);
	if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mday < 1 ||
	    tm.tm_hour < 0 || tm.tm_min < 0 || tm.tm_sec < 0)
		return -1;
	if ((v = timegm(&tm)) == (time_t)-1)
		return -1;
	*t = (int64_t)v;
	return 0;
}

void
web_fmt_time(struct web_locale *l, struct rp_buf *b, int64_t t)
{
	UErrorCode st = U_ZERO_ERROR;
	UDateFormat *f = datefmt(l);
	UChar out[128];
	struct tm tm;
	time_t tt = (time_t)t;
	char iso[32], utc[40];
	int32_t n = 0;

	if (gmtime_r(&tt, &tm) == NULL)
		return;
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(utc, sizeof(utc), "%Y-%m-%d %H:%M:%S UTC", &tm);
	rp_buf_appendf(b, "<time datetime=\"%s\" title=\"%s\">", iso, utc);
	if (f != NULL)
		n = udat_format(f, (UDate)t * 1000.0, out,
		    (int32_t)(sizeof(out) / sizeof(out[0])), NULL, &st);
	if (f != NULL && U_SUCCESS(st) && n > 0)
		append_uchars(b, out, n);
	else
		rp_buf_append(b, utc);
	rp_buf_append(b, "</time>");
}

void
web_fmt_num(struct web_locale *l, struct rp_buf *b, int64_t v)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar out[64];
	int32_t n = 0;

	if (l->numfmt == NULL) {
		l->numfmt =
		    unum_open(UNUM_DECIMAL, NULL, 0, icu_locale(l), NULL, &st);
		if (U_FAILURE(st)) {
			if (l->numfmt != NULL)
				unum_close(l->numfmt);
			l->numfmt = NULL;
		}
		st = U_ZERO_ERROR;
	}
	if (l->numfmt != NULL)
		n = unum_formatInt64(l->numfmt, v, out,
		    (int32_t)(sizeof(out) / sizeof(out[0])), NULL, &st);
	if (l->numfmt != NULL && U_SUCCESS(st) && n > 0)
		append_uchars(b, out, n);
	else
		rp_buf_appendf(b, "%lld", (long long)v);
}

json_t *
web_zones(void)
{
	UErrorCode st = U_ZERO_ERROR;
	UEnumeration *e;
	json_t *a = json_array();
	const char *z;
	int32_t n;

	e = ucal_openTimeZoneIDEnumeration(
	    UCAL_ZONE_TYPE_CANONICAL_LOCATION, NULL, NULL, &st);
	if (U_FAILURE(st) || a == NULL) {
		json_decref(a);
		return json_pack("[s]", "UTC");
	}
	json_array_append_new(a, json_string("UTC"));
	while ((z = uenum_next(e, &n, &st)) != NULL && U_SUCCESS(st))
		json_array_append_new(a, json_string(z));
	uenum_close(e);
	return a;
}
