/*
 * Strings: a growable buffer with a hard maximum (so input can never make
 * it grow without bound), and small helpers around the C library.
 */
#ifndef RP_STR_H
#define RP_STR_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A NUL-terminated growable string.  Appends past `max` bytes fail and set
 * `failed`; so does running out of memory.  Check `failed` once at the end
 * rather than after every append.
 */
struct rp_buf {
	char *s;
	size_t len, cap, max;
	int failed;
};

void rp_buf_init(struct rp_buf *b, size_t max);
int rp_buf_append(struct rp_buf *b, const char *s);
int rp_buf_appendn(struct rp_buf *b, const char *s, size_t n);
int rp_buf_appendf(struct rp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included. */
int rp_buf_append_json_string(struct rp_buf *b, const char *s);
/*
 * Returns the string (caller frees) and resets the buffer; returns NULL if
 * any append failed, freeing what was there.
 */
char *rp_buf_take(struct rp_buf *b);
void rp_buf_free(struct rp_buf *b);

/* strdup that maps NULL to NULL. */
char *rp_strdup0(const char *s);
/* Returns a newly allocated formatted string, or NULL when out of memory. */
char *rp_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Case-insensitive ASCII equality; NULLs are equal only to each other. */
int rp_streq_ci(const char *a, const char *b);
/* Whether s is one of the NULL-terminated list. */
int rp_str_in_list(const char *const *list, const char *s);
/* Whether s starts with prefix. */
int rp_str_startswith(const char *s, const char *prefix);

/*
 * Matches path against a route pattern ("/api/v1/jobs/{id}/hosts"): a
 * {name} segment matches one non-empty segment of the path, copied
 * NUL-terminated into buf and pointed at by params[] (at most
 * nparams).  1 on a match, else 0 (also when buf or params run out).
 */
int rp_path_match(const char *pattern, const char *path, const char **params,
    size_t nparams, char *buf, size_t buflen);

/*
 * Checks a DNS host name in place: drops one trailing dot and lowercases
 * it.  Returns NULL when it is a host name (at least two labels of 1-63
 * letters, digits, '-' or '_', not starting or ending with '-', a
 * non-numeric last label, at most 253 characters), else what is wrong.
 */
const char *rp_domain_check(char *s);

#endif
