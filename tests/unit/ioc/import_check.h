/* Shared lookups of the importers' tests (import_check.c). */
#ifndef RP_TEST_IMPORT_CHECK_H
#define RP_TEST_IMPORT_CHECK_H

#include "ioc/ioc.h"
#include "util/diag.h"

/* The indicator of type t and value v in b, or NULL. */
const struct ioc *find(
    const struct ioc_bundle *b, enum ioc_type t, const char *v);
/* Whether d has a diagnostic of level lv at pointer ptr (NULL: any)
 * whose message contains text. */
int has_diag(const struct rp_diags *d, enum rp_diag_level lv, const char *ptr,
    const char *text);
/* How many entries of type the import skipped. */
size_t skipped(const struct ioc_import *st, const char *type);

#endif
