/*
 * Fuzzes the Info.plist reader of the macOS application collector: the
 * input is a plist (XML or binary) parsed with libplist after Rampart's
 * own bounds checks; an accepted entry must pass the inventory's checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/collectors.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	int r;

	if (h == NULL || d == NULL)
		goto out;
	r = app_plist_parse(
	    (const char *)data, size, "/Applications/Fuzz.app", h, d);
	/* Success adds exactly one named, versioned entry; failure none. */
	if ((r == 0) != (h->nsw == 1) || h->nsw > 1)
		abort();
	if (r == 0 &&
	    (h->sw[0].name == NULL || h->sw[0].version == NULL ||
		h->sw[0].name[0] == '\0'))
		abort();
	if (r != 0 && r != RP_ERR_NOMEM && d->nerrors == 0)
		abort();
out:
	rp_diags_free(d);
	inv_host_free(h);
	return 0;
}
