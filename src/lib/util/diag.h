/*
 * Diagnostics: the errors and warnings a reader or validator found in one
 * input, each with where it was (JSON pointer or line) and, for CSAF, the
 * number of the test that failed ("6.1.6").  Libraries add to a list the
 * caller owns; the programs decide how to show it.  The list is bounded:
 * past RP_DIAGS_MAX entries further ones are only counted.
 */
#ifndef RP_DIAG_H
#define RP_DIAG_H

#include <stddef.h>

#define RP_DIAGS_MAX 10000

enum rp_diag_level {
	RP_DIAG_ERROR,
	RP_DIAG_WARNING,
	RP_DIAG_NOTE, /* informational: input skipped on purpose */
};

struct rp_diag {
	enum rp_diag_level level;
	char *test; /* test or rule id, e.g. "6.1.6", or NULL */
	char *pointer; /* JSON pointer ("" is the whole document), or NULL */
	int line; /* 1-based line in the input, or 0 if unknown */
	int column; /* 1-based column, or 0 */
	char *msg; /* what is wrong and what was expected */
};

struct rp_diags {
	struct rp_diag *v;
	size_t n, cap;
	size_t nerrors, nwarnings, nnotes; /* including dropped ones */
	size_t dropped; /* entries counted but not kept */
	size_t nomem; /* entries lost to a failed allocation (a reader
			 that ignores rp_diags_add's result checks this) */
};

/* Returns a new empty list, or NULL when out of memory. */
struct rp_diags *rp_diags_new(void);
/* Frees the list and its entries; NULL is a no-op. */
void rp_diags_free(struct rp_diags *d);
/* Removes all entries. */
void rp_diags_clear(struct rp_diags *d);

/*
 * Adds an entry.  test, pointer may be NULL.  d may be NULL (the entry is
 * discarded), so libraries can be called without a list.  Returns 0 or
 * RP_ERR_NOMEM.
 */
int rp_diags_add(struct rp_diags *d, enum rp_diag_level level, const char *test,
    const char *pointer, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* As rp_diags_add with a line and column instead of a pointer. */
int rp_diags_add_at(struct rp_diags *d, enum rp_diag_level level, int line,
    int column, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Where a list stands, so that errors added after it can be taken back. */
struct rp_diags_mark {
	size_t n, nerrors;
};

/* Records in m where d stands now; d may be NULL. */
void rp_diags_mark(const struct rp_diags *d, struct rp_diags_mark *m);

/*
 * Turns every error added to d since m into a warning, kept entries and
 * dropped ones' counts alike: for a reader that leaves out the part of an
 * input the errors were about instead of rejecting all of it (and says
 * so).  d may be NULL.
 */
void rp_diags_demote(struct rp_diags *d, const struct rp_diags_mark *m);

/* Whether an error (not a warning) for the given test id was recorded. */
int rp_diags_has_test(const struct rp_diags *d, const char *test);

/*
 * Formats one entry as "FILE:LINE: error: 6.1.6 contradicting ...  at
 * /vulnerabilities/0" into a new string the caller frees; file may be NULL.
 */
char *rp_diag_format(const struct rp_diag *e, const char *file);

#endif
