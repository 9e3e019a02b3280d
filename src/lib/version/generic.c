/*
 * "generic" dotted vendor versions, as 3CX (18.12.416), Windows'
 * DisplayVersion (18.12.416.0) and ICS vendors (V4.3 SP1 HF2) write them.
 * The rules, documented in docs/versions.md:
 *
 *   - A leading 'v' or 'V' directly followed by a digit is ignored.
 *   - The string splits into components: runs of ASCII digits (numbers)
 *     and runs of ASCII letters (words).  Everything else ('.', '-', '_',
 *     '+', ' ', ...) only separates components.
 *   - Each component has a rank: a pre-release word (dev, alpha, beta,
 *     pre, preview, rc) < zero < any other word (a, SP, Update, HF,
 *     patch...) < a number above zero.
 *   - Components compare left to right; the shorter version is padded with
 *     zeros, so 18.12.416 == 18.12.416.0 and 1.2 < 1.2a < 1.2b < 1.2.1,
 *     1.0rc1 < 1.0.  Same rank: numbers by value, pre-release words in
 *     the order listed, other words case-insensitively by ASCII.
 *
 * Valid: printable ASCII, no leading or trailing space, at least one
 * letter or digit.
 */
#include <string.h>

#include "scheme.h"
#include "util/ascii.h"

enum rank { R_PRE, R_ZERO, R_WORD, R_NUM };

struct comp {
	enum rank rank;
	const char *s;
	size_t n;
	int pre; /* index in pre_words for R_PRE */
};

static const char *pre_words[] = {
    "dev", "alpha", "beta", "pre", "preview", "rc"};

static int
word_eq(const char *s, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return 0;
	for (i = 0; i < n; i++) {
		if (rp_tolower((unsigned char)s[i]) != w[i])
			return 0;
	}
	return 1;
}

const char *
generic_skip_v(const char *v)
{
	if ((v[0] == 'v' || v[0] == 'V') && rp_isdigit((unsigned char)v[1]))
		return v + 1;
	return v;
}

/* Reads the next component at *p; returns 0 at the end (zero padding). */
static int
next_comp(const char **p, struct comp *c)
{
	const char *s = *p;
	size_t k;

	while (*s != '\0' && !rp_isdigit((unsigned char)*s) &&
	    !rp_isalpha((unsigned char)*s))
		s++;
	c->rank = R_ZERO;
	c->s = s;
	c->n = 0;
	if (*s == '\0') {
		*p = s;
		return 0;
	}
	if (rp_isdigit((unsigned char)*s)) {
		while (*s == '0' && rp_isdigit((unsigned char)s[1]))
			s++;
		c->s = s;
		while (rp_isdigit((unsigned char)*s))
			s++;
		c->n = s - c->s;
		c->rank = (c->n == 1 && c->s[0] == '0') ? R_ZERO : R_NUM;
	} else {
		while (rp_isalpha((unsigned char)*s))
			s++;
		c->n = s - c->s;
		c->rank = R_WORD;
		for (k = 0; k < sizeof(pre_words) / sizeof(pre_words[0]); k++) {
			if (word_eq(c->s, c->n, pre_words[k])) {
				c->rank = R_PRE;
				c->pre = (int)k;
			}
		}
	}
	*p = s;
	return 1;
}

static int
comp_cmp(const struct comp *a, const struct comp *b)
{
	size_t i, n;
	int x, y;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	switch (a->rank) {
	case R_PRE:
		return a->pre == b->pre ? 0 : (a->pre < b->pre ? -1 : 1);
	case R_ZERO:
		return 0;
	case R_NUM:
		return digits_cmp(a->s, a->n, b->s, b->n);
	case R_WORD:
		n = a->n < b->n ? a->n : b->n;
		for (i = 0; i < n; i++) {
			x = rp_tolower((unsigned char)a->s[i]);
			y = rp_tolower((unsigned char)b->s[i]);
			if (x != y)
				return x < y ? -1 : 1;
		}
		return a->n == b->n ? 0 : (a->n < b->n ? -1 : 1);
	}
	return 0;
}

int
generic_cmp(const char *a, const char *b)
{
	struct comp x, y;
	int more_a, more_b, r;

	a = generic_skip_v(a);
	b = generic_skip_v(b);
	for (;;) {
		more_a = next_comp(&a, &x);
		more_b = next_comp(&b, &y);
		if (!more_a && !more_b)
			return 0;
		if ((r = comp_cmp(&x, &y)) != 0)
			return r;
	}
}

int
generic_valid(const char *v, const char **why)
{
	const char *w = NULL, *p;
	size_t n = strlen(v);
	int alnum = 0;

	if (n == 0)
		w = "version string is empty";
	else if (v[0] == ' ' || v[n - 1] == ' ')
		w = "leading or trailing space";
	for (p = v; w == NULL && *p != '\0'; p++) {
		if ((unsigned char)*p < ' ' || (unsigned char)*p >= 0x7f)
			w = "control or non-ASCII character in version";
		alnum |= rp_isdigit((unsigned char)*p) ||
		    rp_isalpha((unsigned char)*p);
	}
	if (w == NULL && !alnum)
		w = "version has no digit or letter";
	if (w != NULL) {
		if (why != NULL)
			*why = w;
		return 0;
	}
	return 1;
}
