/*
 * A chained hash map from strings to small lists of size_t, used for the
 * product index and the alias table.  Keys are copied into the entries;
 * the bucket array doubles when the load passes one, and the map refuses
 * to grow past STRMAP_MAX entries.
 */
#include <stdlib.h>
#include <string.h>

#include "match_int.h"
#include "util/err.h"

/* FNV-1a, 64 bit: short keys, good spread, no state. */
uint64_t
strmap_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void
strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
strmap_clear(struct strmap *m)
{
	struct strmap_entry *e, *next;
	size_t i;

	for (i = 0; i < m->nb; i++) {
		for (e = m->b[i]; e != NULL; e = next) {
			next = e->next;
			free(e->v);
			free(e);
		}
	}
	free(m->b);
	strmap_init(m);
}

struct strmap_entry *
strmap_get(const struct strmap *m, const char *key)
{
	if (m->nb == 0)
		return NULL;
	return strmap_get_h(m, key, strmap_hash(key));
}

struct strmap_entry *
strmap_get_h(const struct strmap *m, const char *key, uint64_t h)
{
	struct strmap_entry *e;

	if (m->nb == 0)
		return NULL;
	for (e = m->b[h & (m->nb - 1)]; e != NULL; e = e->next) {
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	}
	return NULL;
}

static int
grow(struct strmap *m)
{
	struct strmap_entry **nb, *e, *next;
	size_t n, i;

	n = m->nb ? m->nb * 2 : 64;
	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < m->nb; i++) {
		for (e = m->b[i]; e != NULL; e = next) {
			next = e->next;
			e->next = nb[e->hash & (n - 1)];
			nb[e->hash & (n - 1)] = e;
		}
	}
	free(m->b);
	m->b = nb;
	m->nb = n;
	return 0;
}

static int
entry_push(struct strmap_entry *e, size_t val)
{
	size_t *nv, ncap;

	if (e->nv > 0 && e->v[e->nv - 1] == val)
		return 0;
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
	size_t len;
	int r;

	if ((e = strmap_get(m, key)) != NULL)
		return entry_push(e, val);
	if (m->n >= STRMAP_MAX)
		return RP_ERR_LIMIT;
	if (m->n >= m->nb && (r = grow(m)) != 0)
		return r;
	len = strlen(key);
	if ((e = calloc(1, sizeof(*e) + len + 1)) == NULL)
		return RP_ERR_NOMEM;
	memcpy(e->key, key, len + 1);
	e->hash = strmap_hash(key);
	if ((r = entry_push(e, val)) != 0) {
		free(e);
		return r;
	}
	e->next = m->b[e->hash & (m->nb - 1)];
	m->b[e->hash & (m->nb - 1)] = e;
	m->n++;
	return 0;
}

void
strmap_foreach(
    struct strmap *m, void (*fn)(struct strmap_entry *, void *), void *arg)
{
	struct strmap_entry *e;
	size_t i;

	for (i = 0; i < m->nb; i++) {
		for (e = m->b[i]; e != NULL; e = e->next)
			fn(e, arg);
	}
}
