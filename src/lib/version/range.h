/*
 * Private to src/lib/version: building a struct vers_range, shared by the
 * vers parsers (vers.c) and the CSAF vls parser (vls.c).
 */
#ifndef RP_VERSION_RANGE_H
#define RP_VERSION_RANGE_H

#include <stddef.h>

#include "version.h"

#define VERS_INPUT_MAX 65536 /* bytes of one range string */
#define VERS_CONSTRAINTS_MAX 1024

/* A new empty range of type name[0..n), lower-cased; NULL when out of memory. */
struct vers_range *range_new(const char *name, size_t n);
/* Appends a constraint with a copy of v[0..n) (NULL for "*"). */
int range_add(struct vers_range *r, enum vers_op op, const char *v, size_t n);
/*
 * Resolves the scheme, checks versions, order and the comparator sequence.
 * Strict: any defect is an error.  Tolerant: sorts, drops duplicates and
 * simplifies redundant constraints, with warnings.  input names the range
 * in messages.
 */
int range_finish(
    struct vers_range *r, int strict, const char *input, struct rp_diags *d);
/*
 * For versions written by people (vls, tolerant vers in the generic
 * scheme): rejects dates, prose and inner wildcards that would otherwise
 * compare as nonsense.  Returns 1 when v looks like a version.
 */
int vls_version_plausible(const char *v, const char **why);

#endif
