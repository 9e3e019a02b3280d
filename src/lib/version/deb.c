/*
 * Debian versions, [epoch:]upstream[-revision], read and compared as dpkg
 * 1.21 reads and compares them (lib/dpkg/parsehelp.c parseversion(),
 * lib/dpkg/version.c): epochs numerically, then upstream and revision
 * with dpkg's "verrevcmp" ordering, where '~' sorts before everything,
 * even the end of the string, letters before other punctuation.
 *
 * Validity is dpkg's: blanks (space, tab) around the version are ignored,
 * a blank inside it is an error, and so are an empty or non-numeric epoch,
 * nothing after the colon, an empty upstream version or revision.  What
 * dpkg only warns about (an upstream version that does not start with a
 * digit, a character outside [A-Za-z0-9.+~:-] in it or outside
 * [A-Za-z0-9.+~] in the revision) is accepted with the same warning,
 * returned as a code; like dpkg, only the first warning is reported.
 */
#include <limits.h>
#include <string.h>

#include "scheme.h"
#include "version.h"
#include "util/ascii.h"

struct debv {
	unsigned long epoch;
	const char *up;
	size_t uplen;
	const char *rev; /* "" when absent: dpkg treats both alike */
	size_t revlen;
};

/* dpkg's c_isblank(). */
static int
isblank_c(int c)
{
	return c == ' ' || c == '\t';
}

/*
 * The epoch in [s, colon) as dpkg reads it with strtol(): optional C-locale
 * white space and sign, then digits up to the colon.  Returns 0 or -1 with
 * *why set.
 */
static int
deb_epoch(
    const char *s, const char *colon, unsigned long *out, const char **why)
{
	const char *p = s, *digits;
	int neg = 0;
	unsigned long e = 0;

	while (p < colon && rp_isspace((unsigned char)*p))
		p++;
	if (p < colon && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	digits = p;
	for (; p < colon && rp_isdigit((unsigned char)*p); p++) {
		if (e <= (unsigned long)INT_MAX)
			e = e * 10 + (unsigned long)(*p - '0');
	}
	if (p == digits) {
		*why = "epoch in version is empty";
		return -1;
	}
	if (p != colon) {
		*why = "epoch in version is not number";
		return -1;
	}
	if (neg && e != 0) {
		*why = "epoch in version is negative";
		return -1;
	}
	if (e > (unsigned long)INT_MAX) {
		*why = "epoch in version is too big";
		return -1;
	}
	*out = e;
	return 0;
}

/* The first of dpkg's warnings that d deserves, or VERSION_WARN_NONE. */
static int
deb_warning(const struct debv *d, const char **why)
{
	size_t i;

	if (!rp_isdigit((unsigned char)d->up[0])) {
		*why = "version number does not start with digit";
		return VERSION_WARN_NO_LEADING_DIGIT;
	}
	for (i = 1; i < d->uplen; i++) {
		int c = (unsigned char)d->up[i];
		if (!rp_isdigit(c) && !rp_isalpha(c) &&
		    strchr(".-+~:", c) == NULL) {
			*why = "invalid character in version number";
			return VERSION_WARN_BAD_CHAR;
		}
	}
	for (i = 0; i < d->revlen; i++) {
		int c = (unsigned char)d->rev[i];
		if (!rp_isdigit(c) && !rp_isalpha(c) &&
		    strchr(".+~", c) == NULL) {
			*why = "invalid character in revision number";
			return VERSION_WARN_BAD_REVISION_CHAR;
		}
	}
	return VERSION_WARN_NONE;
}

/*
 * Splits v as parseversion() does.  Returns 0, or -1 with *why set; with
 * warn not NULL also sets *warn (and *why for a warning).
 */
static int
deb_split(const char *v, struct debv *d, int *warn, const char **why)
{
	const char *colon, *end, *p, *dash;

	memset(d, 0, sizeof(*d));
	d->rev = "";
	while (isblank_c((unsigned char)*v))
		v++;
	if (*v == '\0') {
		*why = "version string is empty";
		return -1;
	}
	for (end = v; *end != '\0' && !isblank_c((unsigned char)*end); end++)
		;
	for (p = end; isblank_c((unsigned char)*p); p++)
		;
	if (*p != '\0') {
		*why = "version string has embedded spaces";
		return -1;
	}
	colon = memchr(v, ':', (size_t)(end - v));
	if (colon != NULL) {
		if (deb_epoch(v, colon, &d->epoch, why) != 0)
			return -1;
		if (colon + 1 == end) {
			*why = "nothing after colon in version number";
			return -1;
		}
		v = colon + 1;
	}
	d->up = v;
	d->uplen = (size_t)(end - v);
	for (dash = NULL, p = v; p < end; p++) {
		if (*p == '-')
			dash = p;
	}
	if (dash != NULL) {
		d->uplen = (size_t)(dash - v);
		d->rev = dash + 1;
		d->revlen = (size_t)(end - d->rev);
		if (d->revlen == 0) {
			*why = "revision number is empty";
			return -1;
		}
	}
	if (d->uplen == 0) {
		*why = "version number is empty";
		return -1;
	}
	if (warn != NULL)
		*warn = deb_warning(d, why);
	return 0;
}

int
deb_valid(const char *v, const char **why, int *warn)
{
	struct debv d;
	const char *w = NULL;
	int wn = VERSION_WARN_NONE;

	*warn = VERSION_WARN_NONE;
	if (deb_split(v, &d, &wn, &w) != 0) {
		if (why != NULL)
			*why = w;
		return 0;
	}
	*warn = wn;
	if (why != NULL && wn != VERSION_WARN_NONE)
		*why = w;
	return 1;
}

/* dpkg's character weight: '~' first, then the end and digits, letters, the rest. */
static int
order(int c)
{
	if (rp_isdigit(c))
		return 0;
	if (rp_isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

/* dpkg's verrevcmp() over two counted strings. */
static int
verrevcmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

#define A(k) ((k) < an ? (unsigned char)a[k] : 0)
#define B(k) ((k) < bn ? (unsigned char)b[k] : 0)
	while (i < an || j < bn) {
		int first_diff = 0;

		while ((A(i) && !rp_isdigit(A(i))) ||
		    (B(j) && !rp_isdigit(B(j)))) {
			int ac = order(A(i)), bc = order(B(j));

			if (ac != bc)
				return ac < bc ? -1 : 1;
			i++;
			j++;
		}
		while (A(i) == '0')
			i++;
		while (B(j) == '0')
			j++;
		while (rp_isdigit(A(i)) && rp_isdigit(B(j))) {
			if (!first_diff)
				first_diff = A(i) - B(j);
			i++;
			j++;
		}
		if (rp_isdigit(A(i)))
			return 1;
		if (rp_isdigit(B(j)))
			return -1;
		if (first_diff)
			return first_diff < 0 ? -1 : 1;
	}
#undef A
#undef B
	return 0;
}

int
deb_cmp(const char *a, const char *b)
{
	struct debv x, y;
	const char *why;
	int r;

	if (deb_split(a, &x, NULL, &why) != 0 ||
	    deb_split(b, &y, NULL, &why) != 0)
		return 0; /* callers validate first */
	if (x.epoch != y.epoch)
		return x.epoch < y.epoch ? -1 : 1;
	if ((r = verrevcmp(x.up, x.uplen, y.up, y.uplen)) != 0)
		return r;
	return verrevcmp(x.rev, x.revlen, y.rev, y.revlen);
}
