/*
 * Input files: the largest file each kind of input may be (one place for
 * every cap; docs/limits.md gives the reasons), and opening a file with
 * its size checked against the cap before a byte is read.
 */
#ifndef RP_INPUT_H
#define RP_INPUT_H

#include <stddef.h>
#include <stdio.h>

#include "diag.h"

/* Advisories: CSAF 2.0, OSV and the native form. */
#define RP_CAP_ADVISORY ((size_t)32 * 1024 * 1024)
/* Inventories: CycloneDX and the native form. */
#define RP_CAP_INVENTORY ((size_t)64 * 1024 * 1024)
/* Indicator lists: CSV, MISP, STIX 2.1, plain lists. */
#define RP_CAP_INDICATORS ((size_t)64 * 1024 * 1024)
/* Rules bundles for the agents (indicators and YARA text). */
#define RP_CAP_BUNDLE ((size_t)128 * 1024 * 1024)
/* The largest of the caps above: nothing in memory is parsed past it. */
#define RP_CAP_MAX RP_CAP_BUNDLE

/*
 * Opens path for reading ("-" is stdin).  A directory, or a regular file
 * larger than max bytes, is refused before anything is read, with an
 * error in d naming its size and the cap; for a pipe or stdin the reader
 * must still stop at max (rp_input_read does).  Returns 0 and the stream
 * in *f (the caller closes it with rp_input_close), RP_ERR_NOTFOUND when
 * path does not exist, RP_ERR_IO, RP_ERR_NOMEM or RP_ERR_LIMIT.
 */
int rp_input_open(const char *path, size_t max, FILE **f, struct rp_diags *d);
/* Closes what rp_input_open opened (stdin stays open); NULL is a no-op. */
void rp_input_close(FILE *f);

/*
 * Reads all of path (at most max bytes) into a NUL-terminated buffer the
 * caller frees, its length in *len.  Returns 0, RP_ERR_NOTFOUND,
 * RP_ERR_IO, RP_ERR_LIMIT or RP_ERR_NOMEM, with the error in d.
 */
int rp_input_read(
    const char *path, size_t max, char **buf, size_t *len, struct rp_diags *d);

/* The error rp_input_* report for an input of size bytes over max. */
void rp_input_too_large(
    struct rp_diags *d, unsigned long long size, size_t max);

#endif
