/*
 * An arena owns the many small strings and arrays of one parsed document
 * (an advisory, an inventory), so the document is freed in one call and no
 * reader has to unwind partial structures on error.  Total size is capped.
 */
#ifndef RP_ARENA_H
#define RP_ARENA_H

#include <stddef.h>

struct rp_arena;

/* Returns a new arena that will hand out at most max bytes, or NULL. */
struct rp_arena *rp_arena_new(size_t max);
/* Frees the arena and everything allocated from it; NULL is a no-op. */
void rp_arena_free(struct rp_arena *a);
/* Zeroed, 16-byte aligned memory owned by the arena, or NULL. */
void *rp_arena_alloc(struct rp_arena *a, size_t n);
/* As rp_arena_alloc for an array of n elements of size sz (overflow-checked). */
void *rp_arena_calloc(struct rp_arena *a, size_t n, size_t sz);
/* Copy of s (NULL maps to NULL) owned by the arena. */
char *rp_arena_strdup(struct rp_arena *a, const char *s);
char *rp_arena_strndup(struct rp_arena *a, const char *s, size_t n);
void *rp_arena_memdup(struct rp_arena *a, const void *p, size_t n);
char *rp_arena_printf(struct rp_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Grows an arena array v of n elements of size sz when n has reached *cap:
 * returns v itself while there is room, else a copy with twice the
 * capacity (the old copy stays in the arena, which at most doubles use),
 * updating *cap.  NULL when out of memory or over the arena's cap.
 */
void *rp_arena_grow(
    struct rp_arena *a, void *v, size_t n, size_t *cap, size_t sz);

#endif
