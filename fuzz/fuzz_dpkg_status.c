/*
 * Fuzzes the dpkg status parser (dpkg_status_parse); whatever it accepts
 * must write as native JSON and read back as the same host, so nothing
 * the collector stores can make an inventory unreadable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/collectors.h"
#include "json/rpjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes h as native JSON, reads it back, and checks it is the same. */
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
