/*
 * Fuzzes the RFC 3986 URI checker: the input, cut at the first NUL, is
 * valid or refused with a reason, and a valid URI stays valid with a
 * fragment appended and invalid with a second one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum rp_uri_err e;
	char *s;
	int ok;

	if (size > 4096 || (s = malloc(size + 5)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	ok = rp_uri_check(s, &e) == 0;
	if (ok != (e == RP_URI_OK) || rp_uri_strerror(e) == NULL)
		abort();
	if (ok && strchr(s, '#') == NULL && strlen(s) == size) {
		memcpy(s + size, "#f", 3);
		if (rp_uri_check(s, NULL) != 0)
			abort();
		memcpy(s + size + 2, "#g", 3);
		if (rp_uri_check(s, NULL) == 0)
			abort();
	}
	free(s);
	return 0;
}
