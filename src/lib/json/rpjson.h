/*
 * JSON input for Rampart's readers, on top of jansson: bounded loading with
 * line/column errors, a JSON-pointer path builder for error messages, and
 * typed getters that return NULL instead of guessing.
 */
#ifndef RP_JSON_H
#define RP_JSON_H

#include <stddef.h>

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

/* The string value of obj[key], or NULL when absent or not a string. */
const char *rpjson_str(const json_t *obj, const char *key);
/* obj[key] when it is an array / object, else NULL. */
json_t *rpjson_array(const json_t *obj, const char *key);
json_t *rpjson_object(const json_t *obj, const char *key);

#endif
