/*
 * Fuzzes the MISP feed manifest reader: JSON through the reader layer,
 * then the manifest, whose UUIDs are checked again (they become file
 * names).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/ioc.h"
#include "json/rpjson.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_misp_manifest *m = NULL;
	json_t *root = NULL;
	size_t i;

	if (d != NULL && (root = rpjson_load_buf(data, size, d)) != NULL &&
	    ioc_misp_manifest_read_json(root, &m, d) == 0) {
		for (i = 0; i < m->nevents; i++) {
			if (strlen(m->events[i].uuid) != 36 ||
			    strspn(m->events[i].uuid, "0123456789abcdef-") !=
				36 ||
			    (i > 0 &&
				strcmp(m->events[i - 1].uuid,
				    m->events[i].uuid) >= 0))
				abort();
		}
		ioc_misp_manifest_free(m);
	}
	json_decref(root);
	rp_diags_free(d);
	return 0;
}
