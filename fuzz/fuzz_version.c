/*
 * Fuzzes the version comparators.  Input: one byte (unused bits only vary
 * the split), then three NUL-separated strings.  Every scheme must be
 * reflexive, antisymmetric and transitive (for RPM too: a missing release
 * sorts first, as in rpmverCmp()); comparing against a bound must be
 * antisymmetric.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"

#define MAXS 4096

static int
cmp(enum version_scheme s, const char *a, const char *b, int *ok)
{
	int c = 0;

	*ok = version_compare(s, a, b, &c) == 0;
	if (!*ok && c != 0)
		abort();
	return c < 0 ? -1 : c > 0;
}

static void
check(enum version_scheme s, const char *a, const char *b, const char *c)
{
	int ab, ba, bc, ac, aa, ok1, ok2, ok3, ok4;

	aa = cmp(s, a, a, &ok1);
	if (ok1 && aa != 0)
		abort();
	ab = cmp(s, a, b, &ok1);
	ba = cmp(s, b, a, &ok2);
	if (ok1 != ok2 || (ok1 && ab != -ba))
		abort();
	if (!ok1)
		return;
	if (version_compare_bound(s, a, b, &ab) != 0 ||
	    version_compare_bound(s, b, a, &ba) != 0)
		abort();
	ab = ab < 0 ? -1 : ab > 0;
	ba = ba < 0 ? -1 : ba > 0;
	if (ab != -ba)
		abort();
	ab = cmp(s, a, b, &ok1);
	bc = cmp(s, b, c, &ok3);
	ac = cmp(s, a, c, &ok4);
	if (!ok3 || !ok4)
		return;
	if (ab <= 0 && bc <= 0 && ac > 0)
		abort();
	if (ab == 0 && bc == 0 && ac != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum version_scheme all[] = {VERSION_SCHEME_DEB,
	    VERSION_SCHEME_RPM, VERSION_SCHEME_SEMVER, VERSION_SCHEME_GENERIC};
	char *buf, *s[3];
	size_t i, k = 0;

	if (size < 1 || size > MAXS)
		return 0;
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	buf[size] = '\0';
	/* Three strings: split at the first two NULs (or the end). */
	s[0] = buf;
	for (k = 1; k < 3; k++)
		s[k] = s[k - 1] + strlen(s[k - 1]) +
		    (s[k - 1] + strlen(s[k - 1]) < buf + size - 1);
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		check(all[i], s[0], s[1], s[2]);
		check(all[i], s[1], s[2], s[0]);
		check(all[i], s[2], s[0], s[1]);
	}
	(void)version_scheme_guess(s[0]);
	free(buf);
	return 0;
}
