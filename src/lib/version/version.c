/*
 * Version schemes: names, validity and comparison dispatch.  The schemes
 * themselves live in deb.c, rpm.c, semver.c and generic.c; nothing here
 * allocates.
 */
#include <string.h>

#include "version.h"
#include "scheme.h"
#include "util/err.h"
#include "util/str.h"

static const struct {
	const char *name;
	enum version_scheme scheme;
} scheme_names[] = {
    {"deb", VERSION_SCHEME_DEB},
    {"debian", VERSION_SCHEME_DEB},
    {"rpm", VERSION_SCHEME_RPM},
    {"semver", VERSION_SCHEME_SEMVER},
    /* Types whose version ordering is SemVer 2.0.0 precedence. */
    {"npm", VERSION_SCHEME_SEMVER}, /* node-semver compare() */
    {"cargo", VERSION_SCHEME_SEMVER}, /* Rust semver crate */
    {"golang", VERSION_SCHEME_SEMVER}, /* x/mod/semver, without the "v" */
    {"hex", VERSION_SCHEME_SEMVER}, /* Elixir Version */
    {"swift", VERSION_SCHEME_SEMVER}, /* SwiftPM Version */
    {"generic", VERSION_SCHEME_GENERIC},
};

int
version_scheme_from_name(const char *name, enum version_scheme *out)
{
	size_t i;

	*out = VERSION_SCHEME_UNKNOWN;
	if (name == NULL)
		return RP_ERR_ARG;
	for (i = 0; i < sizeof(scheme_names) / sizeof(scheme_names[0]); i++) {
		if (rp_streq_ci(name, scheme_names[i].name)) {
			*out = scheme_names[i].scheme;
			return 0;
		}
	}
	return RP_ERR_NOTFOUND;
}

const char *
version_scheme_name(enum version_scheme s)
{
	switch (s) {
	case VERSION_SCHEME_DEB:
		return "deb";
	case VERSION_SCHEME_RPM:
		return "rpm";
	case VERSION_SCHEME_SEMVER:
		return "semver";
	case VERSION_SCHEME_GENERIC:
		return "generic";
	case VERSION_SCHEME_UNKNOWN:
		break;
	}
	return "unknown";
}

int
digits_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int r;

	while (an > 0 && *a == '0') {
		a++;
		an--;
	}
	while (bn > 0 && *b == '0') {
		b++;
		bn--;
	}
	if (an != bn)
		return an < bn ? -1 : 1;
	if (an == 0)
		return 0;
	r = memcmp(a, b, an);
	return r < 0 ? -1 : r > 0;
}

void
version_check(enum version_scheme s, const char *v, struct version_check *out)
{
	const char *w = "unknown version scheme";
	int ok = 0, warn = VERSION_WARN_NONE;

	if (v == NULL)
		w = "no version";
	else {
		switch (s) {
		case VERSION_SCHEME_DEB:
			ok = deb_valid(v, &w, &warn);
			break;
		case VERSION_SCHEME_RPM:
			ok = rpm_valid(v, &w);
			break;
		case VERSION_SCHEME_SEMVER:
			ok = semver_valid(v, &w);
			break;
		case VERSION_SCHEME_GENERIC:
			ok = generic_valid(v, &w);
			break;
		case VERSION_SCHEME_UNKNOWN:
			break;
		}
	}
	out->valid = ok;
	out->warning = (enum version_warning)warn;
	out->why = !ok || warn != VERSION_WARN_NONE ? w : NULL;
}

int
version_valid(enum version_scheme s, const char *v, const char **why)
{
	struct version_check c;

	version_check(s, v, &c);
	if (!c.valid && why != NULL)
		*why = c.why;
	return c.valid;
}

int
version_compare(enum version_scheme s, const char *a, const char *b, int *cmp)
{
	int r = RP_ERR_INVALID;

	*cmp = 0;
	if (s == VERSION_SCHEME_UNKNOWN || a == NULL || b == NULL)
		return RP_ERR_ARG;
	if (!version_valid(s, a, NULL) || !version_valid(s, b, NULL))
		return r;
	*cmp = version_cmp_valid(s, a, b);
	return 0;
}

int
version_cmp_valid(int s, const char *a, const char *b)
{
	switch (s) {
	case VERSION_SCHEME_DEB:
		return deb_cmp(a, b);
	case VERSION_SCHEME_RPM:
		return rpm_cmp(a, b);
	case VERSION_SCHEME_SEMVER:
		return semver_cmp(a, b);
	case VERSION_SCHEME_GENERIC:
		return generic_cmp(a, b);
	}
	return 0;
}

int
version_cmp_bound_valid(int s, const char *v, const char *b, int *any)
{
	int norel = 0, r;

	*any = 0;
	if (s != VERSION_SCHEME_RPM)
		return version_cmp_valid(s, v, b);
	r = rpm_cmp_bound(v, b, &norel);
	*any = norel == 2;
	return r;
}

int
version_compare_bound(
    enum version_scheme s, const char *v, const char *b, int *cmp)
{
	int any;

	*cmp = 0;
	if (s == VERSION_SCHEME_UNKNOWN || v == NULL || b == NULL)
		return RP_ERR_ARG;
	if (!version_valid(s, v, NULL) || !version_valid(s, b, NULL))
		return RP_ERR_INVALID;
	*cmp = version_cmp_bound_valid(s, v, b, &any);
	return 0;
}

enum version_scheme
version_scheme_guess(const char *v)
{
	if (v != NULL && semver_valid(v, NULL))
		return VERSION_SCHEME_SEMVER;
	return VERSION_SCHEME_GENERIC;
}
