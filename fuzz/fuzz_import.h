/*
 * The body of the importers' fuzz targets (fuzz_misp.c, fuzz_stix.c):
 * JSON through the reader layer, then the importer into a bundle, which
 * is indexed.
 */
#ifndef RP_FUZZ_IMPORT_H
#define RP_FUZZ_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "ioc/ioc.h"
#include "json/rpjson.h"
#include "util/diag.h"

static inline int
fuzz_import(const uint8_t *data, size_t size,
    int (*read)(const json_t *, const char *, struct ioc_bundle *,
	struct ioc_import *, struct rp_diags *))
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = ioc_bundle_new();
	struct ioc_index *x = NULL;
	struct ioc_import st;
	json_t *root = NULL;

	if (d != NULL && b != NULL &&
	    (root = rpjson_load_buf(data, size, d)) != NULL &&
	    read(root, NULL, b, &st, d) == 0 && ioc_index_new(b, &x) == 0)
		ioc_index_free(x);
	json_decref(root);
	ioc_bundle_free(b);
	rp_diags_free(d);
	return 0;
}

#endif
