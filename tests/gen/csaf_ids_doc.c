/* The CSAF document of csaf_ids_doc.h, written as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csaf_ids_doc.h"
#include "fnv_collide.h"

static const char head[] =
    "{\"document\":{\"category\":\"csaf_base\",\"csaf_version\":\"2.0\","
    "\"publisher\":{\"category\":\"vendor\",\"name\":\"Example\","
    "\"namespace\":\"https://example.com\"},\"title\":\"Many products\","
    "\"tracking\":{\"current_release_date\":\"2024-01-01T00:00:00Z\","
    "\"id\":\"EX-2024-0001\",\"initial_release_date\":"
    "\"2024-01-01T00:00:00Z\",\"revision_history\":[{\"date\":"
    "\"2024-01-01T00:00:00Z\",\"number\":\"1\",\"summary\":\"Initial\"}],"
    "\"status\":\"final\",\"version\":\"1\"}},"
    "\"product_tree\":{\"full_product_names\":[";
static const char mid[] = "]},\"vulnerabilities\":[{\"cve\":\"CVE-2024-0001\","
			  "\"product_status\":{\"known_affected\":[";
static const char tail[] = "]}}]}\n";

char *
csaf_ids_doc(size_t n, int collide, size_t *len)
{
	size_t step = FNV_COLLIDE_IDLEN + 1, cap, i;
	char *ids, *doc, *p;
	int w;

	*len = 0;
	if ((ids = malloc(n * step)) == NULL)
		return NULL;
	if (fnv_collide_ids(ids, n, collide) != 0) {
		free(ids);
		return NULL;
	}
	cap = sizeof(head) + sizeof(mid) + sizeof(tail) + n * (2 * step + 48);
	if ((doc = malloc(cap)) == NULL) {
		free(ids);
		return NULL;
	}
	p = doc;
	memcpy(p, head, sizeof(head) - 1);
	p += sizeof(head) - 1;
	for (i = 0; i < n; i++) {
		w = snprintf(p, cap - (size_t)(p - doc),
		    "%s{\"name\":\"P%zu\",\"product_id\":\"%s\"}", i ? "," : "",
		    i, ids + i * step);
		p += w;
	}
	memcpy(p, mid, sizeof(mid) - 1);
	p += sizeof(mid) - 1;
	for (i = 0; i < n; i++) {
		w = snprintf(p, cap - (size_t)(p - doc), "%s\"%s\"",
		    i ? "," : "", ids + i * step);
		p += w;
	}
	memcpy(p, tail, sizeof(tail));
	p += sizeof(tail) - 1;
	*len = (size_t)(p - doc);
	free(ids);
	return doc;
}
