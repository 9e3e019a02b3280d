/*
 * Fuzzes how the agent reads a confined reader's answer (librpm's and
 * libplist's children): whatever the child sends, the agent either takes
 * a host whose software passes the entry checks or refuses the answer.
 */
#include <stdint.h>
#include <stdlib.h>

#include "collectors/collectors.h"
#include "inventory/inventory.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_host *h = inv_host_new();
	char why[256];
	size_t i;

	if (d != NULL && h != NULL) {
		(void)coll_confined_take(
		    "fuzz", (const char *)data, size, h, d);
		for (i = 0; i < h->nsw; i++)
			if (inv_software_check(&h->sw[i], why, sizeof(why)) !=
			    0)
				abort();
	}
	inv_host_free(h);
	rp_diags_free(d);
	return 0;
}
