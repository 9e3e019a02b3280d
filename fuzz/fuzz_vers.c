/*
 * Fuzzes the range parsers.  The input (up to the first NUL) is read as a
 * strict vers, a tolerant vers and a vls; what follows the NUL is a version
 * to test for containment.  Every canonical output must reparse strictly
 * to the same string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"
#include "util/diag.h"

#define MAXS 8192

static void
roundtrip(const struct vers_range *r, const char *v)
{
	struct vers_range *again = NULL;
	char *s, *t;
	int in;

	(void)vers_contains(r, v, &in);
	if ((s = vers_to_string(r)) == NULL)
		abort();
	if (vers_parse(s, &again, NULL) != 0)
		abort();
	if ((t = vers_to_string(again)) == NULL || strcmp(s, t) != 0)
		abort();
	free(t);
	free(s);
	vers_range_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vers_range *r = NULL;
	struct rp_diags *d;
	const char *v;
	char *buf;

	if (size > MAXS || (buf = malloc(size + 2)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	buf[size + 1] = '\0';
	v = buf + strlen(buf) + 1;
	if (v > buf + size)
		v = buf + size;
	d = rp_diags_new();
	if (vers_parse(buf, &r, d) == 0)
		roundtrip(r, v);
	vers_range_free(r);
	r = NULL;
	if (vers_parse_tolerant(buf, &r, d) == 0)
		roundtrip(r, v);
	vers_range_free(r);
	r = NULL;
	if (vls_parse(buf, (enum version_scheme)(size % 5), &r, d) == 0)
		roundtrip(r, v);
	vers_range_free(r);
	rp_diags_free(d);
	free(buf);
	return 0;
}
