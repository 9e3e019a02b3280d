/*
 * What the importers' tests (test_misp.c, test_stix.c) look up in a
 * bundle, a diagnostics list and an import's counts.
 */
#include <stddef.h>
#include <string.h>

#include "import_check.h"

const struct ioc *
find(const struct ioc_bundle *b, enum ioc_type t, const char *v)
{
	size_t i;

	for (i = 0; i < b->niocs; i++) {
		if (b->iocs[i].type == t && strcmp(b->iocs[i].value, v) == 0)
			return &b->iocs[i];
	}
	return NULL;
}

int
has_diag(const struct rp_diags *d, enum rp_diag_level lv, const char *ptr,
    const char *text)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == lv &&
		    (ptr == NULL ||
			(d->v[i].pointer != NULL &&
			    strcmp(d->v[i].pointer, ptr) == 0)) &&
		    strstr(d->v[i].msg, text) != NULL)
			return 1;
	}
	return 0;
}

size_t
skipped(const struct ioc_import *st, const char *type)
{
	size_t i;

	for (i = 0; i < st->nskiptypes; i++) {
		if (strcmp(st->skipped[i].type, type) == 0)
			return st->skipped[i].n;
	}
	return 0;
}
