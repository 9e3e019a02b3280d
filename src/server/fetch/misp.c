/*
 * MISP feeds as the worker pulls them: manifest.json lists each event's
 * uuid and timestamp, and each event is <uuid>.json next to it.  A uuid
 * from the manifest goes into a URL, so it must be exactly a uuid
 * (never "../", "?", "%2f" or a host).
 */
#include "fetch/fetch.h"

#include <string.h>

#include "util/ascii.h"

int
fetch_uuid_ok(const char *s)
{
	static const size_t dash[] = {8, 13, 18, 23};
	size_t d = 0;

	if (strlen(s) != 36)
		return 0;
	for (size_t i = 0; i < 36; i++) {
		if (d < 4 && i == dash[d]) {
			if (s[i] != '-')
				return 0;
			d++;
		} else if (rp_hexval(s[i]) < 0) {
			return 0;
		}
	}
	return 1;
}
