/*
 * The body of the advisory reader fuzz targets: any bytes through the
 * bounded JSON loader, then one reader; the model it returns is walked so
 * the sanitizers see every string it built.  Included by one target each.
 */
#ifndef RP_FUZZ_ADVISORY_H
#define RP_FUZZ_ADVISORY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "advisory/advisory.h"
#include "json/rpjson.h"
#include "util/diag.h"

static size_t
walk(const struct advisory *a)
{
	size_t i, j, n = 0;

	for (i = 0; i < a->nproducts; i++) {
		n += strlen(a->products[i].id) + strlen(a->products[i].name);
		if (a->products[i].range != NULL)
			n += strlen(a->products[i].range);
	}
	for (i = 0; i < a->nvulns; i++) {
		for (j = 0; j < a->vulns[i].nremediations; j++)
			n += a->vulns[i].remediations[j].nproduct_ids;
		for (j = 0; j < ADV_STATUS_COUNT; j++) {
			size_t k;

			for (k = 0; k < a->vulns[i].nstatus[j]; k++)
				n += advisory_product(
					 a, a->vulns[i].status[j][k]) != NULL;
		}
	}
	for (i = 0; i < a->niocs; i++)
		n += strlen(a->iocs[i].value);
	return n;
}

static int
fuzz_advisory_reader(const uint8_t *data, size_t size,
    int (*reader)(const json_t *, struct advisory **, struct rp_diags *))
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a = NULL;
	json_t *root;

	if (d == NULL)
		return 0;
	if ((root = rpjson_load_buf(data, size, d)) != NULL) {
		if (reader(root, &a, d) == 0)
			(void)walk(a);
		advisory_free(a);
		json_decref(root);
	}
	rp_diags_free(d);
	return 0;
}

#endif
