/*
 * Version ranks: every bound of every parsed range, per scheme, sorted
 * once into classes of equal versions, so that an installed version is
 * placed among them once (a binary search) and every range test after
 * that compares small integers instead of version strings.  An installed
 * version's position is 2c+1 when it equals class c, 2c when it lies
 * just below class c; a bound of class c sits at 2c+1.  Positions are
 * remembered per version string (bounded: VRANK_SEEN_MAX per scheme,
 * then forgotten and refilled).  rpm versions are not ranked: a
 * version without release equals every release of it, which no order
 * can hold, so they are compared one by one (vers_contains_valid()).
 */
#include <stdlib.h>
#include <string.h>

#include "match_int.h"
#include "util/err.h"

#define VRANK_SEEN_MAX 65536

static int
cmp_scheme(const void *a, const void *b, void *arg)
{
	enum version_scheme s = *(const enum version_scheme *)arg;
	int c = 0;

	(void)version_compare(s, *(char *const *)a, *(char *const *)b, &c);
	return c;
}

void
vrank_free(struct matcher *m)
{
	size_t s, i;

	for (s = 0; s < VRANK_SCHEMES; s++) {
		free(m->ranks[s].cls);
		strmap_clear(&m->ranks[s].seen);
		memset(&m->ranks[s], 0, sizeof(m->ranks[s]));
	}
	for (i = 0; i < m->nprods; i++) {
		free(m->prods[i].bcls);
		m->prods[i].bcls = NULL;
	}
}

static int
rankable(const struct mprod *mp, enum version_scheme s)
{
	/* rpm's rule for a missing release is not a total order; ranges
	   with order keys compare by key (eval.c), not by rank. */
	return s != VERSION_SCHEME_RPM && mp->vr != NULL && mp->vr_ok &&
	    mp->bkey == NULL && mp->vr->scheme == s &&
	    !(mp->vr->n == 1 && mp->vr->c[0].op == VERS_OP_ANY);
}

/* Sorts the bounds of scheme s into classes; assigns each its class. */
static int
build_scheme(struct matcher *m, enum version_scheme s)
{
	struct vrank *vr = &m->ranks[s];
	struct strmap cls;
	const struct strmap_entry *e;
	const char **all = NULL;
	size_t n = 0, i, k, c;
	int r = RP_ERR_NOMEM, cmp;

	strmap_init(&cls);
	for (i = 0; i < m->nprods; i++)
		n += rankable(&m->prods[i], s) ? m->prods[i].vr->n : 0;
	if (n == 0)
		return 0;
	if ((all = calloc(n, sizeof(*all))) == NULL ||
	    (vr->cls = calloc(n, sizeof(*vr->cls))) == NULL)
		goto out;
	for (i = 0, n = 0; i < m->nprods; i++) {
		if (!rankable(&m->prods[i], s))
			continue;
		for (k = 0; k < m->prods[i].vr->n; k++)
			all[n++] = m->prods[i].vr->c[k].version;
	}
	qsort_r(all, n, sizeof(*all), cmp_scheme, &s);
	for (i = 0, c = 0; i < n; i++) {
		if (i > 0 &&
		    (version_compare(s, all[i], vr->cls[c - 1], &cmp) != 0 ||
			cmp != 0))
			vr->cls[c++] = (char *)all[i];
		else if (i == 0)
			vr->cls[c++] = (char *)all[i];
		if ((r = strmap_add(&cls, all[i], c - 1)) != 0)
			goto out;
	}
	vr->ncls = c;
	for (i = 0; i < m->nprods; i++) {
		struct mprod *mp = &m->prods[i];

		if (!rankable(mp, s))
			continue;
		if ((mp->bcls = calloc(mp->vr->n, sizeof(*mp->bcls))) == NULL) {
			r = RP_ERR_NOMEM;
			goto out;
		}
		for (k = 0; k < mp->vr->n; k++) {
			e = strmap_get(&cls, mp->vr->c[k].version);
			mp->bcls[k] = e != NULL ? e->v[0] : 0;
		}
	}
	r = 0;
out:
	free(all);
	strmap_clear(&cls);
	return r;
}

int
vrank_build(struct matcher *m)
{
	int s, r;

	vrank_free(m);
	for (s = VERSION_SCHEME_DEB; s < VRANK_SCHEMES; s++) {
		if ((r = build_scheme(m, (enum version_scheme)s)) != 0) {
			vrank_free(m);
			return r;
		}
	}
	m->ranks_dirty = 0;
	return 0;
}

int
vrank_pos(struct matcher *m, enum version_scheme s, const char *v, size_t *pos)
{
	struct vrank *vr = &m->ranks[s];
	const struct strmap_entry *e;
	size_t lo = 0, hi = vr->ncls, mid;
	int c = 1;

	if ((e = strmap_get(&vr->seen, v)) != NULL) {
		*pos = e->v[0];
		return 0;
	}
	if (!version_valid(s, v, NULL))
		*pos = VRANK_INVALID;
	else {
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			(void)version_compare(s, v, vr->cls[mid], &c);
			if (c == 0) {
				lo = mid;
				break;
			}
			if (c > 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		*pos = 2 * lo + (c == 0 ? 1 : 0);
	}
	if (vr->seen.n >= VRANK_SEEN_MAX)
		strmap_clear(&vr->seen);
	return strmap_add(&vr->seen, v, *pos);
}

int
vrank_cmp(size_t i, void *arg, int *any)
{
	const struct vrank_arg *a = arg;
	size_t b = 2 * (size_t)a->bcls[i] + 1;

	*any = 0;
	return a->pos < b ? -1 : a->pos > b;
}
