/*
 * Fuzzes the bundle reader: any bytes through the bounded JSON loader,
 * then ioc_bundle_read_json; an accepted bundle is written back, read
 * again and indexed, so the sanitizers see every path the agent takes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ioc/ioc.h"
#include "json/rpjson.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
use(const struct ioc_bundle *b)
{
	struct ioc_index *x = NULL;
	unsigned char d[32] = {0};
	size_t i;

	if (ioc_index_new(b, &x) != 0)
		return;
	for (i = 0; i < b->niocs; i++) {
		(void)ioc_index_size_wanted(x, b->iocs[i].size);
		(void)ioc_index_hash(x, b->iocs[i].type, d, b->iocs[i].size);
		(void)ioc_index_filename(x, b->iocs[i].value);
		(void)ioc_index_ip(x, b->iocs[i].value);
		(void)ioc_index_domain(x, b->iocs[i].value);
	}
	ioc_index_free(x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = NULL, *b2 = NULL;
	json_t *root, *out;

	if (d == NULL)
		return 0;
	if ((root = rpjson_load_buf(data, size, d)) != NULL) {
		if (ioc_bundle_read_json(root, &b, d) == 0) {
			use(b);
			if ((out = ioc_bundle_write(b)) != NULL) {
				/* what was accepted is written back intact */
				if (ioc_bundle_read_json(out, &b2, d) != 0 ||
				    b2->niocs != b->niocs ||
				    b2->nyara != b->nyara)
					__builtin_trap();
				json_decref(out);
			}
		}
		ioc_bundle_free(b);
		ioc_bundle_free(b2);
		json_decref(root);
	}
	rp_diags_free(d);
	return 0;
}
