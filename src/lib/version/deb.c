/*
 * Debian versions, [epoch:]upstream[-revision], compared as dpkg compares
 * them (lib/dpkg/version.c): epochs numerically, then upstream and revision
 * with dpkg's "verrevcmp" ordering, where '~' sorts before everything, even
 * the end of the string, letters before other punctuation.
 *
 * Validity follows dpkg's parseversion() with one deliberate difference:
 * dpkg only warns when the upstream version does not start with a digit or
 * holds a character outside [A-Za-z0-9.+~-:]; Debian policy requires both,
 * no archive package violates them, and such a string in an advisory is a
 * typo, so here they are errors.
 */
#include <limits.h>
#include <string.h>

#include "scheme.h"

struct debv {
	const char *ep; /* epoch digits, or NULL */
	size_t eplen;
	const char *up;
	size_t uplen;
	const char *rev; /* "" when absent: dpkg treats both alike */
	size_t revlen;
};

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static int
isalph(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Splits v, checking it when check is set; returns 0 or -1 with *why set. */
static int
deb_split(const char *v, struct debv *d, int check, const char **why)
{
	const char *colon, *dash, *end, *p;
	size_t i;

	memset(d, 0, sizeof(*d));
	d->rev = "";
	if (*v == '\0') {
		*why = "version string is empty";
		return -1;
	}
	end = v + strlen(v);
	for (p = v; check && p < end; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f' || *p == '\v') {
			*why = "version string has embedded spaces";
			return -1;
		}
	}
	if ((colon = strchr(v, ':')) != NULL) {
		d->ep = v;
		d->eplen = colon - v;
		if (d->eplen == 0) {
			*why = "epoch in version is empty";
			return -1;
		}
		for (i = 0; i < d->eplen; i++) {
			if (!isdig(v[i])) {
				*why = "epoch in version is not a number";
				return -1;
			}
		}
		/* dpkg keeps epochs within an int. */
		if (digits_cmp(v, d->eplen, "2147483647", 10) > 0) {
			*why = "epoch in version is too big";
			return -1;
		}
		v = colon + 1;
		if (*v == '\0') {
			*why = "nothing after colon in version number";
			return -1;
		}
	}
	d->up = v;
	d->uplen = end - v;
	if ((dash = strrchr(v, '-')) != NULL) {
		d->uplen = dash - v;
		d->rev = dash + 1;
		d->revlen = end - d->rev;
		if (d->revlen == 0) {
			*why = "revision number is empty";
			return -1;
		}
	}
	if (d->uplen == 0) {
		*why = "version number is empty";
		return -1;
	}
	if (!check)
		return 0;
	if (!isdig((unsigned char)d->up[0])) {
		*why = "version number does not start with a digit";
		return -1;
	}
	for (i = 0; i < d->uplen; i++) {
		int c = (unsigned char)d->up[i];
		if (!isdig(c) && !isalph(c) && strchr(".-+~:", c) == NULL) {
			*why = "invalid character in version number";
			return -1;
		}
	}
	for (i = 0; i < d->revlen; i++) {
		int c = (unsigned char)d->rev[i];
		if (!isdig(c) && !isalph(c) && strchr(".+~", c) == NULL) {
			*why = "invalid character in revision number";
			return -1;
		}
	}
	return 0;
}

int
deb_valid(const char *v, const char **why)
{
	struct debv d;
	const char *w = NULL;

	if (deb_split(v, &d, 1, &w) != 0) {
		if (why != NULL)
			*why = w;
		return 0;
	}
	return 1;
}

/* dpkg's character weight: '~' first, then the end and digits, letters, the rest. */
static int
order(int c)
{
	if (isdig(c))
		return 0;
	if (isalph(c))
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

		while ((A(i) && !isdig(A(i))) || (B(j) && !isdig(B(j)))) {
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
		while (isdig(A(i)) && isdig(B(j))) {
			if (!first_diff)
				first_diff = A(i) - B(j);
			i++;
			j++;
		}
		if (isdig(A(i)))
			return 1;
		if (isdig(B(j)))
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

	if (deb_split(a, &x, 0, &why) != 0 || deb_split(b, &y, 0, &why) != 0)
		return 0; /* callers validate first */
	if ((r = digits_cmp(x.ep ? x.ep : "0", x.ep ? x.eplen : 1,
		 y.ep ? y.ep : "0", y.ep ? y.eplen : 1)) != 0)
		return r;
	if ((r = verrevcmp(x.up, x.uplen, y.up, y.uplen)) != 0)
		return r;
	return verrevcmp(x.rev, x.revlen, y.rev, y.revlen);
}
