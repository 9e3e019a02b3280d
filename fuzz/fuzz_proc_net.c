/*
 * Fuzzes the /proc/net/{tcp,udp}[6] parser (proc_net_parse): the first
 * byte picks the protocol and address family, the rest is the table.
 * Accepted connections must survive a native JSON round trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/collectors.h"
#include "json/rpjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct proc_sock socks[] = {{1, 10}, {2, 20}, {2, 21}, {7, 70}};

/* As in fuzz_dpkg_status.c. */
static void
round_trip(struct inv_host *h, struct rp_diags *d)
{
	const struct inv_host *hv[1] = {h};
	struct inv_set *set = inv_set_new();
	json_t *j, *again = NULL;
	char *s = NULL;

	if (set == NULL || inv_host_set(h, "fuzz", NULL, NULL, NULL) != 0 ||
	    (j = inv_native_write(hv, 1)) == NULL)
		goto out;
	if ((s = json_dumps(j, JSON_COMPACT)) != NULL &&
	    ((again = rpjson_load_buf(s, strlen(s), d)) == NULL ||
		inv_native_read(again, set, d) != 0 || set->n != 1 ||
		!inv_host_equal(h, set->hosts[0])))
		abort();
	json_decref(j);
out:
	json_decref(again);
	free(s);
	inv_set_free(set);
}

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
