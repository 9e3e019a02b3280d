/*
 * Fuzzes the indicator list reader (plain lists and CSV) with both a
 * plain and a .csv name, then indexes what it accepted.
 */
#include <stddef.h>
#include <stdint.h>

#include "ioc/ioc.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = ioc_bundle_new();
	struct ioc_index *x = NULL;
	size_t i;

	if (d != NULL && b != NULL) {
		(void)ioc_list_read_buf(
		    (const char *)data, size, "list.txt", b, d);
		(void)ioc_list_read_buf(
		    (const char *)data, size, "feed.csv", b, d);
		if (ioc_index_new(b, &x) == 0) {
			for (i = 0; i < b->niocs; i++)
				(void)ioc_index_domain(x, b->iocs[i].value);
			ioc_index_free(x);
		}
	}
	ioc_bundle_free(b);
	rp_diags_free(d);
	return 0;
}
