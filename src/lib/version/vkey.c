/*
 * Order keys: the common shapes of versions read into four 64-bit words
 * that compare, word by word, exactly as version_compare() compares the
 * versions (order and equality), so that a caller comparing one version
 * with many bounds reads it once and then compares integers.
 *
 * Only shapes whose order is plain numbers get a key; everything else
 * (letters, '~', pre-releases, more components or digits than fit) has
 * none and is compared by the scheme's comparator.  Each number has at
 * most 9 digits, so value + 1 fits 32 bits; a key is 8 slots of 32 bits,
 * two per word, the first in the high half.
 *
 *   deb      [epoch:]N(.N){0,4}[-N(.N)?]   epoch, upstream (5 slots),
 *            revision (2 slots); a present number is stored as value + 1
 *            so that a prefix sorts first (dpkg: "1.2" < "1.2.0"); a
 *            missing revision is stored as "0" (dpkg: "1.0" == "1.0-0").
 *   semver   N.N.N without pre-release or build: the three numbers.
 *   generic  [vV]N(.N){0,7}: the numbers, zero-padded (18.12.416 ==
 *            18.12.416.0).
 *
 * rpm versions get none: a version without release equals every release
 * of it in ranges, which no fixed order holds.
 */
#include <string.h>

#include "version.h"

#define SLOTS 8
#define DIGITS_MAX 9

/* Reads up to DIGITS_MAX digits at *p into *v; 0 when there are none or more. */
static int
number(const char **p, uint32_t *v)
{
	const char *s = *p;
	uint32_t n = 0;
	size_t k = 0;

	while (*s >= '0' && *s <= '9') {
		if (++k > DIGITS_MAX)
			return 0;
		n = n * 10 + (uint32_t)(*s++ - '0');
	}
	if (k == 0)
		return 0;
	*p = s;
	*v = n;
	return 1;
}

/*
 * Reads N(.N)* with at most max numbers into slot[0..max) as value + add
 * (absent ones stay 0).  Returns the number read, 0 on a mismatch.
 */
static size_t
numbers(const char **p, uint32_t *slot, size_t max, uint32_t add)
{
	size_t n = 0;
	uint32_t v;

	for (;;) {
		if (n == max || !number(p, &v))
			return 0;
		slot[n++] = v + add;
		if (**p != '.')
			return n;
		(*p)++;
	}
}

static int
deb_key(const char *v, uint32_t *s)
{
	const char *p = v;
	size_t n;

	/* One number before ':' is the epoch (no strchr: one pass). */
	if ((n = numbers(&p, s + 1, 5, 1)) == 0)
		return 0;
	if (n == 1 && *p == ':') {
		s[0] = s[1] - 1;
		p++;
		if (numbers(&p, s + 1, 5, 1) == 0)
			return 0;
	}
	if (*p == '-') {
		p++;
		if (numbers(&p, s + 6, 2, 1) == 0)
			return 0;
	} else
		s[6] = 1; /* no revision compares as "0" */
	return *p == '\0';
}

static int
semver_key(const char *v, uint32_t *s)
{
	const char *p = v;
	size_t i;

	for (i = 0; i < 3; i++) {
		/* no leading zeros in SemVer numeric identifiers */
		if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
			return 0;
		if (!number(&p, &s[i]) || *p != (i < 2 ? '.' : '\0'))
			return 0;
		if (i < 2)
			p++;
	}
	return 1;
}

static int
generic_key(const char *v, uint32_t *s)
{
	const char *p = v;

	if ((p[0] == 'v' || p[0] == 'V') && p[1] >= '0' && p[1] <= '9')
		p++;
	return numbers(&p, s, SLOTS, 0) > 0 && *p == '\0';
}

int
version_key(enum version_scheme sc, const char *v, struct version_key *k)
{
	uint32_t s[SLOTS] = {0};
	size_t i;
	int ok;

	if (v == NULL)
		return 0;
	switch (sc) {
	case VERSION_SCHEME_DEB:
		ok = deb_key(v, s);
		break;
	case VERSION_SCHEME_SEMVER:
		ok = semver_key(v, s);
		break;
	case VERSION_SCHEME_GENERIC:
		ok = generic_key(v, s);
		break;
	default:
		ok = 0;
		break;
	}
	if (!ok)
		return 0;
	for (i = 0; i < 4; i++)
		k->w[i] = (uint64_t)s[2 * i] << 32 | s[2 * i + 1];
	return 1;
}
