/*
 * RPM versions: [epoch:]version[-release], compared as rpm 4.18 does.
 * rpm_vercmp() is rpmvercmp(): alphanumeric segments, numbers newer than
 * letters, '~' before everything (even the end), '^' after the end but
 * before anything else.  Whole EVR strings compare as librpm's
 * rpmverCmp(): epochs (missing = 0), then versions, then releases, where a
 * missing release sorts before every release ("5.14.0" <
 * "5.14.0-570.32.1.el9_6"): a total order, the one rpm sorts packages by.
 * rpm_cmp_bound() is the comparison of rpm's dependency ranges
 * (rpmverOverlap()): there the side without a release matches every
 * release of its version.
 *
 * Validity: printable ASCII without spaces; an epoch (digits before the
 * first ':') must be followed by a version; a '-' must be followed by a
 * release.  rpm itself compares anything; these rules only reject strings
 * that cannot be a package's EVR.
 */
#include <string.h>

#include "scheme.h"
#include "util/ascii.h"

struct rpmv {
	const char *e; /* epoch digits or NULL */
	size_t elen;
	const char *v;
	size_t vlen;
	const char *r; /* release or NULL */
	size_t rlen;
};

/* As rpm's parseEVR(). */
static void
rpm_split(const char *s, struct rpmv *p)
{
	const char *q = s, *dash, *end = s + strlen(s);

	memset(p, 0, sizeof(*p));
	while (rp_isdigit((unsigned char)*q))
		q++;
	if (*q == ':') {
		p->e = s;
		p->elen = q - s;
		s = q + 1;
	}
	p->v = s;
	p->vlen = end - s;
	if ((dash = strrchr(s, '-')) != NULL) {
		p->vlen = dash - s;
		p->r = dash + 1;
		p->rlen = end - p->r;
	}
}

int
rpm_valid(const char *v, const char **why)
{
	struct rpmv p;
	const char *w = NULL, *q;

	if (*v == '\0')
		w = "version string is empty";
	for (q = v; w == NULL && *q != '\0'; q++) {
		if ((unsigned char)*q <= ' ' || (unsigned char)*q >= 0x7f)
			w = "space, control or non-ASCII character in version";
	}
	if (w == NULL) {
		rpm_split(v, &p);
		if (p.vlen == 0)
			w = "version part is empty";
		else if (p.r != NULL && p.rlen == 0)
			w = "release after '-' is empty";
	}
	if (w != NULL) {
		if (why != NULL)
			*why = w;
		return 0;
	}
	return 1;
}

static int
rpm_vercmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0, si, sj, li, lj;
	int isnum, r;

	if (an == bn && memcmp(a, b, an) == 0)
		return 0;
#define A(k) ((k) < an ? (unsigned char)a[k] : 0)
#define B(k) ((k) < bn ? (unsigned char)b[k] : 0)
#define SEP(c)                                                                 \
	((c) && !rp_isdigit(c) && !rp_isalpha(c) && (c) != '~' && (c) != '^')
	while (i < an || j < bn) {
		while (SEP(A(i)))
			i++;
		while (SEP(B(j)))
			j++;
		if (A(i) == '~' || B(j) == '~') {
			if (A(i) != '~')
				return 1;
			if (B(j) != '~')
				return -1;
			i++;
			j++;
			continue;
		}
		if (A(i) == '^' || B(j) == '^') {
			if (!A(i))
				return -1;
			if (!B(j))
				return 1;
			if (A(i) != '^')
				return 1;
			if (B(j) != '^')
				return -1;
			i++;
			j++;
			continue;
		}
		if (!(A(i) && B(j)))
			break;
		si = i;
		sj = j;
		isnum = rp_isdigit(A(i));
		if (isnum) {
			while (rp_isdigit(A(i)))
				i++;
			while (rp_isdigit(B(j)))
				j++;
		} else {
			while (rp_isalpha(A(i)))
				i++;
			while (rp_isalpha(B(j)))
				j++;
		}
		/* Segments of different types: numbers are newer. */
		if (j == sj)
			return isnum ? 1 : -1;
		if (isnum) {
			if ((r = digits_cmp(a + si, i - si, b + sj, j - sj)) !=
			    0)
				return r;
		} else {
			li = i - si;
			lj = j - sj;
			r = memcmp(a + si, b + sj, li < lj ? li : lj);
			if (r == 0 && li != lj)
				r = li < lj ? -1 : 1;
			if (r != 0)
				return r < 0 ? -1 : 1;
		}
	}
	if (!A(i) && !B(j))
		return 0;
	return !A(i) ? -1 : 1;
#undef A
#undef B
#undef SEP
}

/* Epoch then version; 0 when both are equal. */
static int
rpm_cmp_ev(const struct rpmv *x, const struct rpmv *y)
{
	int r;

	/* A missing or empty epoch is 0, as in rpm's parseEVR(). */
	if ((r = rpm_vercmp(x->elen ? x->e : "0", x->elen ? x->elen : 1,
		 y->elen ? y->e : "0", y->elen ? y->elen : 1)) != 0)
		return r;
	return rpm_vercmp(x->v, x->vlen, y->v, y->vlen);
}

int
rpm_cmp(const char *a, const char *b)
{
	struct rpmv x, y;
	int r;

	rpm_split(a, &x);
	rpm_split(b, &y);
	if ((r = rpm_cmp_ev(&x, &y)) != 0)
		return r;
	if (x.r != NULL && y.r != NULL)
		return rpm_vercmp(x.r, x.rlen, y.r, y.rlen);
	/* A missing release sorts first, as in rpmverCmp(). */
	return x.r != NULL ? 1 : y.r != NULL ? -1 : 0;
}

int
rpm_cmp_bound(const char *v, const char *bound, int *norel)
{
	struct rpmv x, y;
	int r;

	rpm_split(v, &x);
	rpm_split(bound, &y);
	*norel = 0;
	if ((r = rpm_cmp_ev(&x, &y)) != 0)
		return r;
	if (x.r != NULL && y.r != NULL)
		return rpm_vercmp(x.r, x.rlen, y.r, y.rlen);
	*norel = x.r == NULL && y.r != NULL ? 2 : y.r == NULL ? 1 : 0;
	return 0;
}
