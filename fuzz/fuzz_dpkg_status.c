/*
 * Fuzzes the dpkg status parser (dpkg_status_parse); whatever it accepts
 * must write as native JSON and read back as the same host, so nothing
 * the collector stores can make an inventory unreadable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/collectors.h"
#include "fuzz_inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();

	if (h != NULL && d != NULL) {
		dpkg_status_parse((const char *)data, size, "fuzz", h, d);
		round_trip(h, d);
	}
	inv_host_free(h);
	rp_diags_free(d);
	return 0;
}
