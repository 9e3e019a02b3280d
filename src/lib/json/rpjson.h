/*
 * JSON input for Rampart's readers, on top of jansson: bounded loading with
 * line/column errors, a JSON-pointer path builder for error messages, and
 * typed getters that return NULL instead of guessing.
 */
#ifndef RP_JSON_H
#define RP_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/diag.h"
#include "util/input.h"

/* Largest JSON document any reader accepts; each reader passes its own,
 * smaller cap from util/input.h. */
#define RPJSON_MAX_INPUT RP_CAP_MAX

/*
 * Deepest nesting of arrays and objects accepted: a CSAF product tree of
 * CSAF_MAX_DEPTH (512) branch levels is two JSON levels per branch plus
 * the few around it.  Checked while the text is read, without recursion,
 * so deeper input is refused before jansson (whose own compile-time limit
 * is 2048) or any walker sees it.
 */
#define RPJSON_MAX_DEPTH 1056

/*
 * Loads a JSON document of at most max bytes from path ("-" is stdin); a
 * larger regular file is refused before it is read (util/input.h).  The
 * text is parsed as it is read, never held whole.  Duplicate object keys
 * are rejected (they make "which value wins" ambiguous), as is nesting
 * deeper than RPJSON_MAX_DEPTH.  On failure returns NULL and adds an
 * error with line and column to d.  The caller owns the result
 * (json_decref).
 */
json_t *rpjson_load_file(const char *path, size_t max, struct rp_diags *d);
/*
 * As rpjson_load_file, with the reason as the result: 0 and the document
 * in *out (NULL on failure), RP_ERR_NOTFOUND when path does not exist,
 * RP_ERR_IO when it cannot be opened or read, RP_ERR_LIMIT when it is
 * larger than max, RP_ERR_NOMEM, or RP_ERR_INVALID when it is not JSON.
 */
int rpjson_load(const char *path, size_t max, json_t **out, struct rp_diags *d);
/* As rpjson_load_file for a buffer (need not be NUL-terminated). */
json_t *rpjson_load_buf(const void *buf, size_t len, struct rp_diags *d);

/*
 * A JSON pointer (RFC 6901) under construction, on the stack: push returns
 * a mark that pop takes to restore the previous path.  Tokens are escaped
 * ("~" -> "~0", "/" -> "~1").  A path that would overflow is truncated and
 * ends in "/...", which is still useful in a message.
 */
#define RPJSON_PATH_MAX 1024
struct rpjson_path {
	char s[RPJSON_PATH_MAX];
	size_t len;
};

void rpjson_path_init(struct rpjson_path *p);
size_t rpjson_path_push_key(struct rpjson_path *p, const char *key);
size_t rpjson_path_push_index(struct rpjson_path *p, size_t index);
void rpjson_path_pop(struct rpjson_path *p, size_t mark);
/* Returns the pointer string ("" for the document root). */
const char *rpjson_path_str(const struct rpjson_path *p);

/*
 * The reader layer: one struct rpjson_rd per reading of one document.  It
 * carries the diagnostics, the JSON pointer of the element being read, the
 * arena copies go to and what the reader chose for the layer's own
 * diagnostics (their level, rule id and what the reader does about them).
 * Getters check type and bounds and, when a value is unusable, add one
 * diagnostic at its pointer saying what was expected ("expected a string
 * of at most 256 bytes, got a number").  A reader is then its own checks
 * on top: a new format is a new file, not new scaffolding.
 *
 * Nothing here allocates except the diagnostics and rpjson_get_strdup();
 * jansson's values are borrowed and live as long as the document.
 */
struct rp_arena;

struct rpjson_rd {
	struct rp_diags *d; /* may be NULL: then only counted */
	struct rpjson_path *path; /* the reader's path (rpjson_rd_init) */
	struct rp_arena *arena; /* for rpjson_get_strdup, or NULL */
	/* Chosen by the reader (rpjson_rd_init sets the defaults): */
	enum rp_diag_level level; /* of a bad value; RP_DIAG_ERROR */
	enum rp_diag_level unknown; /* of an unknown member; WARNING */
	const char *test; /* rule id of the layer's diagnostics, or NULL */
	const char *then; /* appended as "; then" ("entry skipped"), or NULL */
	/* Counted, also past the list's bound and when d is NULL: */
	size_t nerrors, nwarnings;
	size_t nomem; /* diagnostics lost to a failed allocation */
};

/*
 * Readies rd to read into d (may be NULL) at path, which it resets;
 * path must outlive rd.  Bad values are errors, unknown members
 * warnings, no rule id, no arena.
 */
void rpjson_rd_init(
    struct rpjson_rd *rd, struct rpjson_path *path, struct rp_diags *d);

/*
 * A diagnostic at the current pointer, or at its member key when key is
 * not NULL; test may be NULL.  Counted in rd.  Messages longer than 1 KiB
 * are cut.
 */
void rpjson_diag(struct rpjson_rd *rd, enum rp_diag_level level,
    const char *test, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
#define rpjson_err(rd, ...)                                                    \
	rpjson_diag((rd), RP_DIAG_ERROR, NULL, NULL, __VA_ARGS__)
#define rpjson_warn(rd, ...)                                                   \
	rpjson_diag((rd), RP_DIAG_WARNING, NULL, NULL, __VA_ARGS__)
#define rpjson_err_at(rd, key, ...)                                            \
	rpjson_diag((rd), RP_DIAG_ERROR, NULL, (key), __VA_ARGS__)
#define rpjson_warn_at(rd, key, ...)                                           \
	rpjson_diag((rd), RP_DIAG_WARNING, NULL, (key), __VA_ARGS__)

/*
 * An error at the current pointer for a condition that stops the
 * reading (a limit, memory): returns r.
 */
int rpjson_fail(struct rpjson_rd *rd, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The path of rd, as the rpjson_path_* functions above. */
size_t rpjson_push_key(struct rpjson_rd *rd, const char *key);
size_t rpjson_push_index(struct rpjson_rd *rd, size_t index);
void rpjson_pop(struct rpjson_rd *rd, size_t mark);
const char *rpjson_pointer(const struct rpjson_rd *rd);

/*
 * A part of a document the reader can do without: rpjson_demote() turns
 * the errors added since rpjson_mark() into warnings (in d and in rd's
 * counts) and returns how many there were.
 */
struct rpjson_mark {
	struct rp_diags_mark d;
	size_t nerrors;
};
void rpjson_mark(const struct rpjson_rd *rd, struct rpjson_mark *m);
size_t rpjson_demote(struct rpjson_rd *rd, const struct rpjson_mark *m);

/* "a string", "a number", "null", ... for messages. */
const char *rpjson_type_name(const json_t *v);

/*
 * Checks the members of obj against the allow-list known (NULL-ended):
 * each other member gets a diagnostic of level rd->unknown at its
 * pointer ("unknown member \"x\"; ignored" when a warning).  At most
 * RPJSON_MAX_UNKNOWN are listed one by one, then one more says how many
 * followed; a key that is not printable is named by position only.
 * Returns the number of unknown members.
 */
#define RPJSON_MAX_UNKNOWN 8
size_t rpjson_check_keys(
    struct rpjson_rd *rd, const json_t *obj, const char *const *known);

/*
 * Typed getters of obj[key].  obj must be an object (or NULL: absent).
 * Each returns 1 when it stored a value in *out, 0 when the member is
 * absent (and not RPJSON_REQUIRED), or RP_ERR_INVALID after one
 * diagnostic (level rd->level) saying what was expected: at obj's
 * pointer for a required member that is missing, else at the member's.
 * *out is left alone unless 1 is returned.
 */
#define RPJSON_REQUIRED 0x01u /* absent is a diagnostic */
#define RPJSON_NULLABLE 0x02u /* null is the same as absent */
#define RPJSON_NONEMPTY 0x04u /* strings: not "" */
#define RPJSON_LINE 0x08u /* strings: no control characters */

/*
 * A string of at most max bytes without NUL; the pointer is jansson's
 * (valid while the document is).  max SIZE_MAX: bounded by the document.
 */
int rpjson_get_str(struct rpjson_rd *rd, const json_t *obj, const char *key,
    size_t max, unsigned flags, const char **out);
/* As rpjson_get_str, returning the string, or NULL in every other case. */
const char *rpjson_str_at(struct rpjson_rd *rd, const json_t *obj,
    const char *key, size_t max, unsigned flags);
/*
 * As rpjson_get_str for a value v already in hand (at the current
 * pointer; REQUIRED and NULLABLE apply to v == NULL and null).
 */
int rpjson_check_str(struct rpjson_rd *rd, const json_t *v, size_t max,
    unsigned flags, const char **out);
/*
 * As rpjson_get_str, copied into rd->arena: also RP_ERR_NOMEM (with an
 * error "out of memory").
 */
int rpjson_get_strdup(struct rpjson_rd *rd, const json_t *obj, const char *key,
    size_t max, unsigned flags, char **out);
/*
 * A string that is one of names (NULL-ended): its index in *out.  Another
 * string is a diagnostic listing the names.
 */
int rpjson_get_enum(struct rpjson_rd *rd, const json_t *obj, const char *key,
    const char *const *names, unsigned flags, size_t *out);
/*
 * For a tolerant reader: obj[key] copied into rd->arena as
 * rpjson_get_strdup, *out NULL when it is absent or unusable (after the
 * diagnostic).  Returns 0, or RP_ERR_NOMEM (with an error).
 */
int rpjson_copy_str(struct rpjson_rd *rd, const json_t *obj, const char *key,
    size_t max, unsigned flags, char **out);
/* An integer in [min, max]. */
int rpjson_get_int(struct rpjson_rd *rd, const json_t *obj, const char *key,
    json_int_t min, json_int_t max, unsigned flags, json_int_t *out);
/* An integer in [min, max], max at most INT64_MAX. */
int rpjson_get_uint(struct rpjson_rd *rd, const json_t *obj, const char *key,
    uint64_t min, uint64_t max, unsigned flags, uint64_t *out);
/* true or false. */
int rpjson_get_bool(struct rpjson_rd *rd, const json_t *obj, const char *key,
    unsigned flags, int *out);
/* A number (integer or not) in [min, max]. */
int rpjson_get_number(struct rpjson_rd *rd, const json_t *obj, const char *key,
    double min, double max, unsigned flags, double *out);
/*
 * An array of at most max elements.  A longer one is RP_ERR_LIMIT after
 * the diagnostic (the reader decides whether to stop or to read the
 * first max: rpjson_each does the latter).
 */
int rpjson_get_array(struct rpjson_rd *rd, const json_t *obj, const char *key,
    size_t max, unsigned flags, const json_t **out);
/* As rpjson_get_array, returning the array, or NULL in every other case. */
json_t *rpjson_array_at(struct rpjson_rd *rd, const json_t *obj,
    const char *key, size_t max, unsigned flags);
/* An object. */
int rpjson_get_object(struct rpjson_rd *rd, const json_t *obj, const char *key,
    unsigned flags, const json_t **out);
/* As rpjson_get_object, returning the object, or NULL in every other case. */
json_t *rpjson_object_at(
    struct rpjson_rd *rd, const json_t *obj, const char *key, unsigned flags);

/*
 * Calls fn for each element of the array arr, at most max of them, with
 * the element's index pushed on the path (popped again whatever fn
 * does).  Past max, one diagnostic of level rd->level at the array says
 * the rest was not read.  Stops at the first non-zero return of fn and
 * returns it; else 0.
 */
typedef int (*rpjson_each_fn)(
    struct rpjson_rd *rd, const json_t *v, size_t index, void *arg);
int rpjson_each(struct rpjson_rd *rd, const json_t *arr, size_t max,
    rpjson_each_fn fn, void *arg);
/*
 * rpjson_get_array of obj[key] (a longer array is read up to max), then
 * rpjson_each with the key pushed on the path.  Returns fn's non-zero
 * result, RP_ERR_INVALID when the member is bad or missing but required
 * (after the diagnostic), else 0.
 */
int rpjson_each_member(struct rpjson_rd *rd, const json_t *obj, const char *key,
    size_t max, unsigned flags, rpjson_each_fn fn, void *arg);

/* The string value of obj[key], or NULL when absent or not a string. */
const char *rpjson_str(const json_t *obj, const char *key);
/* obj[key] when it is an array / object, else NULL. */
json_t *rpjson_array(const json_t *obj, const char *key);
json_t *rpjson_object(const json_t *obj, const char *key);

#endif
