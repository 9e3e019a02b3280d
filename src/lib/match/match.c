/* Matching (placeholder until matching lands). */
#include "match.h"
#include "util/err.h"

struct matcher *
matcher_new(void)
{
	return NULL;
}

void
matcher_free(struct matcher *m)
{
}
