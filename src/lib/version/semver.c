/*
 * Semantic Versioning 2.0.0 (https://semver.org/spec/v2.0.0.html):
 * MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], strictly as the spec's grammar
 * (no leading zeros in numeric parts, no "v", no empty identifiers).
 * Precedence ignores build metadata, so 1.0.0+a and 1.0.0+b compare equal.
 * Numbers of any length compare by value without overflow.
 */
#include <string.h>

#include "scheme.h"
#include "util/ascii.h"

struct semv {
	const char *num[3];
	size_t numlen[3];
	const char *pre; /* NULL when absent */
	size_t prelen;
};

static int
isident(int c)
{
	return rp_isdigit(c) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '-';
}

/* Checks the dot-separated identifiers of s[0..n); numeric ones unpadded. */
static int
idents_ok(const char *s, size_t n, int nozeros, const char **why)
{
	size_t i = 0, st, k;
	int alldig;

	for (;;) {
		st = i;
		alldig = 1;
		while (i < n && s[i] != '.') {
			if (!isident((unsigned char)s[i])) {
				*why = "invalid character in pre-release or "
				       "build identifier";
				return -1;
			}
			if (!rp_isdigit((unsigned char)s[i]))
				alldig = 0;
			i++;
		}
		k = i - st;
		if (k == 0) {
			*why = "empty pre-release or build identifier";
			return -1;
		}
		if (nozeros && alldig && k > 1 && s[st] == '0') {
			*why = "numeric pre-release identifier has a leading "
			       "zero";
			return -1;
		}
		if (i == n)
			return 0;
		i++; /* '.' */
	}
}

static int
semver_split(const char *v, struct semv *p, int check, const char **why)
{
	const char *s = v, *pre = NULL, *build = NULL, *end;
	int k;

	memset(p, 0, sizeof(*p));
	for (k = 0; k < 3; k++) {
		p->num[k] = s;
		while (rp_isdigit((unsigned char)*s))
			s++;
		p->numlen[k] = s - p->num[k];
		if (p->numlen[k] == 0) {
			*why = "expected MAJOR.MINOR.PATCH numbers";
			return -1;
		}
		if (p->numlen[k] > 1 && p->num[k][0] == '0') {
			*why = "numeric part has a leading zero";
			return -1;
		}
		if (k < 2 && *s++ != '.') {
			*why = "expected MAJOR.MINOR.PATCH numbers";
			return -1;
		}
	}
	if (*s == '-')
		pre = s + 1;
	else if (*s != '+' && *s != '\0') {
		*why = "unexpected character after MAJOR.MINOR.PATCH";
		return -1;
	}
	build = strchr(s, '+');
	end = build != NULL ? build : s + strlen(s);
	if (pre != NULL) {
		p->pre = pre;
		p->prelen = end - pre;
		if (idents_ok(pre, p->prelen, 1, why) != 0)
			return -1;
	}
	if (build != NULL &&
	    idents_ok(build + 1, strlen(build + 1), 0, why) != 0)
		return -1;
	return 0;
}

int
semver_valid(const char *v, const char **why)
{
	struct semv p;
	const char *w = NULL;

	if (semver_split(v, &p, 1, &w) != 0) {
		if (why != NULL)
			*why = w;
		return 0;
	}
	return 1;
}

/* Compares one pre-release identifier each (spec item 11.4). */
static int
ident_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i;
	int anum = 1, bnum = 1, r;

	for (i = 0; i < an; i++)
		anum &= rp_isdigit((unsigned char)a[i]);
	for (i = 0; i < bn; i++)
		bnum &= rp_isdigit((unsigned char)b[i]);
	if (anum && bnum)
		return digits_cmp(a, an, b, bn);
	if (anum != bnum)
		return anum ? -1 : 1;
	r = memcmp(a, b, an < bn ? an : bn);
	if (r == 0 && an != bn)
		r = an < bn ? -1 : 1;
	return r < 0 ? -1 : r > 0;
}

static int
pre_cmp(const struct semv *x, const struct semv *y)
{
	size_t i = 0, j = 0, si, sj;
	int r;

	if (x->pre == NULL || y->pre == NULL)
		return x->pre == y->pre ? 0 : (x->pre == NULL ? 1 : -1);
	for (;;) {
		if (i >= x->prelen || j >= y->prelen) {
			if (i >= x->prelen && j >= y->prelen)
				return 0;
			return i >= x->prelen ? -1 : 1;
		}
		si = i;
		sj = j;
		while (i < x->prelen && x->pre[i] != '.')
			i++;
		while (j < y->prelen && y->pre[j] != '.')
			j++;
		if ((r = ident_cmp(x->pre + si, i - si, y->pre + sj, j - sj)) !=
		    0)
			return r;
		i++;
		j++;
	}
}

int
semver_cmp(const char *a, const char *b)
{
	struct semv x, y;
	const char *why;
	int k, r;

	if (semver_split(a, &x, 0, &why) != 0 ||
	    semver_split(b, &y, 0, &why) != 0)
		return 0;
	for (k = 0; k < 3; k++) {
		r = digits_cmp(x.num[k], x.numlen[k], y.num[k], y.numlen[k]);
		if (r != 0)
			return r;
	}
	return pre_cmp(&x, &y);
}
