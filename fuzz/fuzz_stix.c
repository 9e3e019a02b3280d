/*
 * Fuzzes the STIX bundle importer: JSON through the reader layer, then
 * the indicator patterns into a bundle, which is indexed.
 */
#include <stddef.h>
#include <stdint.h>

#include "ioc/ioc.h"
#include "json/rpjson.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = ioc_bundle_new();
	struct ioc_index *x = NULL;
	struct ioc_import st;
	json_t *root = NULL;

	if (d != NULL && b != NULL &&
	    (root = rpjson_load_buf(data, size, d)) != NULL &&
	    ioc_stix_read_json(root, NULL, b, &st, d) == 0 &&
	    ioc_index_new(b, &x) == 0)
		ioc_index_free(x);
	json_decref(root);
	ioc_bundle_free(b);
	rp_diags_free(d);
	return 0;
}
