/*
 * Strings that collide in an unseeded 64-bit FNV-1a table: every string
 * made here has the same low FNV_COLLIDE_BITS bits of FNV-1a, which is how
 * the tables Rampart had before its keyed table picked a bucket (hash &
 * (size - 1) for power-of-two sizes up to 2^FNV_COLLIDE_BITS).  Used by
 * the tests and the benchmark to build hostile documents.
 */
#ifndef RP_FNV_COLLIDE_H
#define RP_FNV_COLLIDE_H

#include <stddef.h>
#include <stdint.h>

#define FNV_COLLIDE_BITS 20
/* Length of every ID, without the NUL. */
#define FNV_COLLIDE_IDLEN 20

/* 64-bit FNV-1a of s. */
uint64_t fnv1a64(const char *s);

/*
 * Fills ids (n * (FNV_COLLIDE_IDLEN + 1) bytes, NUL-terminated strings one
 * after another) with n distinct IDs "CSAFPID-NNNNNNN-xxxx".  With collide
 * set they all share the low FNV_COLLIDE_BITS bits of fnv1a64(); without,
 * they are ordinary sequential IDs of the same length.  Returns 0, or -1
 * when out of memory or n is too large.
 */
int fnv_collide_ids(char *ids, size_t n, int collide);

#endif
