/* vers ranges (placeholder until ranges land). */
#include "version.h"
#include "util/err.h"

int
vers_parse(const char *s, struct vers_range **out, struct rp_diags *d)
{
	*out = NULL;
	return RP_ERR_UNSUPPORTED;
}

int
vers_parse_tolerant(const char *s, struct vers_range **out, struct rp_diags *d)
{
	*out = NULL;
	return RP_ERR_UNSUPPORTED;
}

int
vls_parse(const char *s, enum version_scheme scheme, struct vers_range **out,
    struct rp_diags *d)
{
	*out = NULL;
	return RP_ERR_UNSUPPORTED;
}

int
vers_contains(const struct vers_range *r, const char *v, int *in)
{
	*in = 0;
	return RP_ERR_UNSUPPORTED;
}

char *
vers_to_string(const struct vers_range *r)
{
	return NULL;
}

void
vers_range_free(struct vers_range *r)
{
}
