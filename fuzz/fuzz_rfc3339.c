/*
 * Fuzzes the RFC 3339 date-time parser: the input, cut at the first NUL,
 * must parse or fail with a reason, and a parsed time must compare equal
 * to itself and carry a fraction below one second.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/rfc3339.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_time t;
	enum rp_time_err e;
	char *s;

	if (size > 4096 || (s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (rp_rfc3339_parse(s, &t, &e) == 0) {
		if (e != RP_TIME_OK || rp_time_cmp(&t, &t) != 0 || t.nsec < 0 ||
		    t.nsec > 999999999 || t.offset_min < -1439 ||
		    t.offset_min > 1439)
			abort();
	} else if (e == RP_TIME_OK || rp_rfc3339_strerror(e) == NULL)
		abort();
	free(s);
	return 0;
}
