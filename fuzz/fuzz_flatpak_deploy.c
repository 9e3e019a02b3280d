/*
 * Fuzzes the reader of flatpak's `deploy` files (GVariant (ssasta{sv})),
 * which the agent reads from users' own flatpak installations: every
 * framing offset comes from the file.  Strings returned must lie inside
 * the input and be NUL-terminated there.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/collectors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_inside(const char *s, const uint8_t *data, size_t size)
{
	const uint8_t *p = (const uint8_t *)s;

	if (s == NULL)
		return;
	if (p < data || p >= data + size ||
	    memchr(p, '\0', (size_t)(data + size - p)) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *version, *name;

	if (flatpak_deploy_parse((const char *)data, size, &version, &name) ==
	    0) {
		check_inside(version, data, size);
		check_inside(name, data, size);
	} else if (version != NULL || name != NULL) {
		abort();
	}
	return 0;
}
