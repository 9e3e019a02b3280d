/*
 * Chunked bump allocator.  Large requests get a chunk of their own so the
 * waste per chunk stays small.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define CHUNK_SIZE (64 * 1024)
#define ALIGN 16

struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(ALIGN) unsigned char data[];
};

struct rp_arena {
	struct chunk *head;
	size_t used, max;
};

struct rp_arena *
rp_arena_new(size_t max)
{
	struct rp_arena *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->max = max;
	return a;
}

void
rp_arena_free(struct rp_arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *
rp_arena_alloc(struct rp_arena *a, size_t n)
{
	struct chunk *c;
	size_t sz;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ALIGN)
		return NULL;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n > a->max || a->used > a->max - n)
		return NULL;
	c = a->head;
	if (c == NULL || c->size - c->used < n) {
		sz = n > CHUNK_SIZE / 4 ? n : CHUNK_SIZE;
		if ((c = malloc(sizeof(*c) + sz)) == NULL)
			return NULL;
		c->size = sz;
		c->used = 0;
		if (sz == n && a->head != NULL) {
			/* keep the partly used head chunk current */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = c->data + c->used;
	c->used += n;
	a->used += n;
	memset(p, 0, n);
	return p;
}

void *
rp_arena_calloc(struct rp_arena *a, size_t n, size_t sz)
{
	if (sz != 0 && n > SIZE_MAX / sz)
		return NULL;
	return rp_arena_alloc(a, n * sz);
}

void *
rp_arena_memdup(struct rp_arena *a, const void *p, size_t n)
{
	void *q;

	if ((q = rp_arena_alloc(a, n)) != NULL && n > 0)
		memcpy(q, p, n);
	return q;
}

char *
rp_arena_strndup(struct rp_arena *a, const char *s, size_t n)
{
	char *q;

	if (s == NULL)
		return NULL;
	if (n == SIZE_MAX || (q = rp_arena_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(q, s, n);
	q[n] = '\0';
	return q;
}

char *
rp_arena_strdup(struct rp_arena *a, const char *s)
{
	return s == NULL ? NULL : rp_arena_strndup(a, s, strlen(s));
}

char *
rp_arena_printf(struct rp_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *q;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (q = rp_arena_alloc(a, (size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(q, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return q;
}

void *
rp_arena_grow(struct rp_arena *a, void *v, size_t n, size_t *cap, size_t sz)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return v;
	if (*cap > SIZE_MAX / 2)
		return NULL;
	ncap = *cap == 0 ? 8 : *cap * 2;
	if ((nv = rp_arena_calloc(a, ncap, sz)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(nv, v, n * sz);
	*cap = ncap;
	return nv;
}
