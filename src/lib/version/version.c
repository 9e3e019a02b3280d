/* Version schemes (placeholder until the schemes land). */
#include "version.h"
#include "util/err.h"

int
version_scheme_from_name(const char *name, enum version_scheme *out)
{
	return RP_ERR_NOTFOUND;
}

const char *
version_scheme_name(enum version_scheme s)
{
	return "unknown";
}

int
version_valid(enum version_scheme s, const char *v, const char **why)
{
	return 0;
}

int
version_compare(enum version_scheme s, const char *a, const char *b, int *cmp)
{
	*cmp = 0;
	return RP_ERR_UNSUPPORTED;
}

enum version_scheme
version_scheme_guess(const char *v)
{
	return VERSION_SCHEME_GENERIC;
}
