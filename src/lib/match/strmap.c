/*
 * A hash map from strings to small lists of size_t, used for the product
 * index and the alias table, on the keyed table of util/hashtab.h (so
 * crafted names cannot make lookups collide).  Each key is copied into
 * its entry, which the table borrows it from; the map refuses to grow past
 * STRMAP_MAX entries.
 */
#include <stdlib.h>
#include <string.h>

#include "match_int.h"
#include "util/err.h"
#include "util/hashtab.h"

uint64_t
strmap_hash(const char *s)
{
	return rp_hash(s, strlen(s));
}

void
strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
strmap_clear(struct strmap *m)
{
	void *v;
	size_t pos = 0;

	while (rp_hashtab_next(m->t, &pos, NULL, NULL, &v)) {
		struct strmap_entry *e = v;

		if (e->capv != 0)
			free(e->v); /* else it is in e's own block */
		free(e);
	}
	rp_hashtab_free(m->t);
	strmap_init(m);
}

struct strmap_entry *
strmap_get(const struct strmap *m, const char *key)
{
	if (m->n == 0)
		return NULL;
	return strmap_get_h(m, key, strmap_hash(key));
}

struct strmap_entry *
strmap_get_h(const struct strmap *m, const char *key, uint64_t h)
{
	void *v;

	if (!rp_hashtab_get_h(m->t, key, strlen(key), h, &v))
		return NULL;
	return v;
}

int
strmap_put(struct strmap *m, const char *key, const size_t *v, size_t n)
{
	struct strmap_entry *e;
	size_t len = strlen(key), off;
	uint64_t h = strmap_hash(key);
	int r;

	if (strmap_get_h(m, key, h) != NULL)
		return RP_ERR_INTERNAL;
	if (m->n >= STRMAP_MAX || n > MATCH_PRODUCTS_MAX)
		return RP_ERR_LIMIT;
	if (m->t == NULL && (m->t = rp_hashtab_new(STRMAP_MAX)) == NULL)
		return RP_ERR_NOMEM;
	/* key, then the list, in one block: a lookup touches one place */
	off = (sizeof(*e) + len + 1 + sizeof(size_t) - 1) / sizeof(size_t) *
	    sizeof(size_t);
	if ((e = calloc(1, off + (n + 1) * sizeof(size_t))) == NULL)
		return RP_ERR_NOMEM;
	memcpy(e->key, key, len + 1);
	e->hash = h;
	e->v = (size_t *)((char *)e + off);
	if (n > 0)
		memcpy(e->v, v, n * sizeof(*v));
	e->nv = n;
	e->capv = 0;
	if ((r = rp_hashtab_add_h(m->t, e->key, len, h, e)) != 0) {
		free(e);
		return r < 0 ? r : RP_ERR_INTERNAL;
	}
	m->n++;
	return 0;
}

static int
entry_push(struct strmap_entry *e, size_t val)
{
	size_t *nv, ncap;

	if (e->nv > 0 && e->v[e->nv - 1] == val)
		return 0;
	if (e->capv == 0 && e->nv > 0)
		return RP_ERR_INTERNAL; /* a strmap_put() list is fixed */
	if (e->nv == e->capv) {
		if (e->capv >= MATCH_PRODUCTS_MAX)
			return RP_ERR_LIMIT;
		ncap = e->capv ? e->capv * 2 : 2;
		if ((nv = reallocarray(e->v, ncap, sizeof(*nv))) == NULL)
			return RP_ERR_NOMEM;
		e->v = nv;
		e->capv = ncap;
	}
	e->v[e->nv++] = val;
	return 0;
}

int
strmap_add(struct strmap *m, const char *key, size_t val)
{
	struct strmap_entry *e;
	size_t len = strlen(key);
	uint64_t h = strmap_hash(key);
	int r;

	if ((e = strmap_get_h(m, key, h)) != NULL)
		return entry_push(e, val);
	if (m->n >= STRMAP_MAX)
		return RP_ERR_LIMIT;
	if (m->t == NULL && (m->t = rp_hashtab_new(STRMAP_MAX)) == NULL)
		return RP_ERR_NOMEM;
	if ((e = calloc(1, sizeof(*e) + len + 1)) == NULL)
		return RP_ERR_NOMEM;
	memcpy(e->key, key, len + 1);
	e->hash = h;
	if ((r = entry_push(e, val)) != 0 ||
	    (r = rp_hashtab_add_h(m->t, e->key, len, h, e)) != 0) {
		free(e->v);
		free(e);
		return r < 0 ? r : RP_ERR_INTERNAL;
	}
	m->n++;
	return 0;
}

void
strmap_foreach(
    struct strmap *m, void (*fn)(struct strmap_entry *, void *), void *arg)
{
	void *v;
	size_t pos = 0;

	while (rp_hashtab_next(m->t, &pos, NULL, NULL, &v))
		fn(v, arg);
}
