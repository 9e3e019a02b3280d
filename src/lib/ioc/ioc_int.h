/*
 * Internal to src/lib/ioc: value normalisation shared by the bundle, list
 * and index code, and the located form of ioc_bundle_add that the readers
 * use so a rejected or repeated value is reported where it was.
 */
#ifndef RP_IOC_INT_H
#define RP_IOC_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ioc.h"

/* Room for a normalised value and its terminating NUL. */
#define IOC_NORM_MAX (IOC_VALUE_MAX + 1)

/*
 * Normalises in as an indicator of type t into out (outlen bytes).
 * Returns 0, or RP_ERR_INVALID with *why set to a static sentence saying
 * what was expected.
 */
int ioc_normalize(enum ioc_type t, const char *in, char *out, size_t outlen,
    const char **why);

/*
 * Removes what feeds wrap around a value: ASCII white space, a UTF-8 BOM
 * and invisible format characters (U+200B-U+200F, U+2060, U+FEFF) at
 * either end.  Returns a pointer into s and sets *len.
 */
const char *ioc_trim(const char *s, size_t n, size_t *len);

/* Whether s (n bytes) is valid UTF-8 without NUL. */
int ioc_utf8_valid(const char *s, size_t n);

/*
 * As ioc_bundle_add, reporting problems at a line (line > 0) or a JSON
 * pointer (pointer != NULL) of the input.
 */
int ioc_bundle_add_at(struct ioc_bundle *b, enum ioc_type type,
    const char *value, uint64_t size, const char *source, const char *comment,
    struct rp_diags *d, int line, const char *pointer);

/*
 * As ioc_bundle_add_at with a mode; a repeated value keeps the stronger
 * mode (block over inform).
 */
int ioc_bundle_add_mode_at(struct ioc_bundle *b, enum ioc_type type,
    enum ioc_mode mode, const char *value, const char *source,
    const char *comment, struct rp_diags *d, const char *pointer);

/*
 * Shared by the feed importers (misp.c, stix.c; import.c).  One entry of
 * a type the model does not hold, counted in st under type.
 */
void ioc_import_skip(struct ioc_import *st, const char *type);
/* Adds the counts of from to st (skipped types merged by name). */
void ioc_import_merge(struct ioc_import *st, const struct ioc_import *from);
/* One note in d per skipped type: "3 \"link\" <what> skipped: ...". */
void ioc_import_notes(
    const struct ioc_import *st, const char *what, struct rp_diags *d);
/*
 * Adds value as an indicator of type t found at JSON pointer ptr: a value
 * that is not valid for t is a warning there and counted in
 * st->ninvalid, an accepted one (new or repeated) in st->nread.  Returns
 * 0, or RP_ERR_LIMIT / RP_ERR_NOMEM, which stop the reading.
 */
int ioc_import_add(struct ioc_bundle *b, struct ioc_import *st, enum ioc_type t,
    enum ioc_mode mode, const char *value, const char *source,
    const char *comment, struct rp_diags *d, const char *ptr);
/* Loads path (at most max bytes) as JSON and reads it with fn, the
 * file's base name as the indicators' source (the importers' _file). */
int ioc_read_json_file(const char *path, size_t max,
    int (*fn)(const json_t *, const char *, struct ioc_bundle *,
	struct ioc_import *, struct rp_diags *),
    struct ioc_bundle *b, struct ioc_import *st, struct rp_diags *d);

/*
 * Whether v ends in a file extension (".exe", ".dll", also ".zip" and
 * others that are top-level domains too): a bare name a feed mislabels
 * is then not taken for a domain.
 */
int ioc_name_is_file(const char *v);

/* Whether t is SHA-256, SHA-1 or MD5. */
int ioc_type_is_hash(enum ioc_type t);

#endif
