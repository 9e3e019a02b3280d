/*
 * A valid CSAF 2.0 document of n products whose IDs either collide in
 * unseeded FNV-1a (fnv_collide.h) or are ordinary, every one listed as
 * known_affected in one vulnerability: the hostile input of
 * test_csaf_bounds and bench/run.sh.
 */
#ifndef RP_CSAF_IDS_DOC_H
#define RP_CSAF_IDS_DOC_H

#include <stddef.h>

/* Returns the document (NUL-terminated, caller frees) and its length in
 * *len, or NULL when out of memory. */
char *csaf_ids_doc(size_t n, int collide, size_t *len);

#endif
