/*
 * Fuzzes the /proc/net/{tcp,udp}[6] parser (proc_net_parse): the first
 * byte picks the protocol and address family, the rest is the table.
 * Accepted connections must survive a native JSON round trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/collectors.h"
#include "fuzz_inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct proc_sock socks[] = {{1, 10}, {2, 20}, {2, 21}, {7, 70}};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inv_host *h;
	struct rp_diags *d;

	if (size < 1)
		return 0;
	h = inv_host_new();
	d = rp_diags_new();
	if (h != NULL && d != NULL) {
		proc_net_parse((const char *)data + 1, size - 1, "fuzz",
		    (data[0] & 1) ? "udp" : "tcp", (data[0] & 2) != 0, socks,
		    sizeof(socks) / sizeof(socks[0]), h, d);
		round_trip(h, d);
	}
	inv_host_free(h);
	rp_diags_free(d);
	return 0;
}
