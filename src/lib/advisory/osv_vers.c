/*
 * OSV ranges as vers strings (see osv_vers.h).  The ecosystem table
 * (version/version.h) says which orderings Rampart implements; where it
 * does, events are sorted
 * before they become intervals, exactly as the OSV evaluation sorts them.
 */
#include "util/ascii.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osv_vers.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"
#include "version/version.h"

const char *
osv_vers_scheme_other(const char *ecosystem, char *buf, size_t len)
{
	const char *s;
	size_t k = 0;

	for (s = ecosystem; *s != '\0' && *s != ':' && k + 1 < len; s++) {
		if (rp_isalnum((unsigned char)*s))
			buf[k++] = (char)rp_tolower((unsigned char)*s);
	}
	buf[k] = '\0';
	if (k == 0)
		snprintf(buf, len, "unknown");
	return buf;
}

/* Appends a version to a vers string, percent-encoding what vers reserves. */
static void
vers_append_version(struct rp_buf *b, const char *v)
{
	const unsigned char *s;

	for (s = (const unsigned char *)v; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(".-_~+:", *s) != NULL)
			rp_buf_appendn(b, (const char *)s, 1);
		else
			rp_buf_appendf(b, "%%%02X", *s);
	}
}

/* Formats intervals as a vers string (caller frees), NULL on failure. */
char *
osv_ivals_to_vers(
    const char *vscheme, const struct osv_ival *iv, size_t n, size_t max)
{
	struct rp_buf b;
	size_t i;
	int first = 1;

	rp_buf_init(&b, max);
	rp_buf_appendf(&b, "vers:%s/", vscheme);
	for (i = 0; i < n; i++) {
		if (iv[i].lo == NULL && iv[i].hi == NULL) {
			rp_buf_free(&b);
			rp_buf_init(&b, max);
			rp_buf_appendf(&b, "vers:%s/*", vscheme);
			return rp_buf_take(&b);
		}
	}
	for (i = 0; i < n; i++) {
		if (iv[i].lo != NULL && iv[i].hi != NULL && iv[i].hi_incl &&
		    strcmp(iv[i].lo, iv[i].hi) == 0) {
			rp_buf_append(&b, first ? "" : "|");
			vers_append_version(&b, iv[i].lo);
			first = 0;
			continue;
		}
		if (iv[i].lo != NULL) {
			rp_buf_append(&b, first ? ">=" : "|>=");
			vers_append_version(&b, iv[i].lo);
			first = 0;
		}
		if (iv[i].hi != NULL) {
			rp_buf_append(&b, first ? "" : "|");
			rp_buf_append(&b, iv[i].hi_incl ? "<=" : "<");
			vers_append_version(&b, iv[i].hi);
			first = 0;
		}
	}
	return rp_buf_take(&b);
}

size_t
osv_ivals_constraints(
    const struct osv_ival *iv, size_t n, struct vers_constraint *cs)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (iv[i].lo == NULL && iv[i].hi == NULL) {
			cs[0].op = VERS_OP_ANY;
			cs[0].version = NULL;
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		if (iv[i].lo != NULL && iv[i].hi != NULL && iv[i].hi_incl &&
		    strcmp(iv[i].lo, iv[i].hi) == 0) {
			cs[k].op = VERS_OP_EQ;
			cs[k++].version = (char *)iv[i].lo;
			continue;
		}
		if (iv[i].lo != NULL) {
			cs[k].op = VERS_OP_GE;
			cs[k++].version = (char *)iv[i].lo;
		}
		if (iv[i].hi != NULL) {
			cs[k].op = iv[i].hi_incl ? VERS_OP_LE : VERS_OP_LT;
			cs[k++].version = (char *)iv[i].hi;
		}
	}
	return k;
}

/* Orders two events by version; "introduced 0" comes first. */
static int
ev_cmp(enum version_scheme vs, const struct osv_ev *a, const struct osv_ev *b,
    int *cmp)
{
	int za = a->kind[0] == 'i' && strcmp(a->val, "0") == 0;
	int zb = b->kind[0] == 'i' && strcmp(b->val, "0") == 0;

	if (za || zb) {
		*cmp = zb - za;
		return 0;
	}
	return version_compare(vs, a->val, b->val, cmp);
}

/*
 * Sorts events by version as the spec's evaluation does, when Rampart
 * orders the scheme: a stable merge sort into out.  Returns -1 when a
 * comparison fails (an invalid version, a scheme without an ordering
 * here): the record's order is used then, which the spec recommends be
 * sorted.
 */
int
osv_ev_sort(struct rp_arena *ar, const char *scheme, const struct osv_ev *ev,
    size_t n, struct osv_ev **out)
{
	struct osv_ev *a, *t;
	enum version_scheme vs;
	size_t w, l, mid, r, i, j, k;
	int cmp;

	*out = NULL;
	if (scheme == NULL || version_scheme_from_name(scheme, &vs) != 0)
		return -1;
	if ((a = rp_arena_calloc(ar, n + 1, sizeof(*a))) == NULL ||
	    (t = rp_arena_calloc(ar, n + 1, sizeof(*t))) == NULL)
		return -1;
	memcpy(a, ev, n * sizeof(*a));
	for (w = 1; w < n; w *= 2) {
		for (l = 0; l < n; l += 2 * w) {
			mid = l + w < n ? l + w : n;
			r = l + 2 * w < n ? l + 2 * w : n;
			for (i = l, j = mid, k = l; i < mid && j < r;) {
				if (ev_cmp(vs, &a[j], &a[i], &cmp) != 0)
					return -1;
				t[k++] = cmp < 0 ? a[j++] : a[i++];
			}
			while (i < mid)
				t[k++] = a[i++];
			while (j < r)
				t[k++] = a[j++];
		}
		memcpy(a, t, n * sizeof(*a));
	}
	*out = a;
	return 0;
}

int
osv_ev_walk(struct rp_arena *ar, const struct osv_ev *ev, size_t n,
    struct osv_ival **ivp, size_t *nivp)
{
	const char *open = NULL;
	struct osv_ival *iv;
	size_t i, niv = 0;
	int is_open = 0;

	*ivp = NULL;
	*nivp = 0;
	if ((iv = rp_arena_calloc(ar, n + 1, sizeof(*iv))) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if (ev[i].kind[0] == 'i') {
			if (!is_open)
				open = strcmp(ev[i].val, "0") == 0 ? NULL
								   : ev[i].val;
			is_open = 1;
			continue;
		}
		if (!is_open)
			continue;
		iv[niv].lo = open;
		iv[niv].hi = ev[i].val;
		iv[niv++].hi_incl = ev[i].kind[0] == 'l';
		is_open = 0;
	}
	if (is_open)
		iv[niv++].lo = open;
	*ivp = iv;
	*nivp = niv;
	return 0;
}

int
osv_ivals_settle(struct osv_ival *iv, size_t *n, const char *v)
{
	size_t k;

	for (k = 0; k < *n; k++) {
		if (iv[k].lo == NULL || iv[k].hi == NULL || iv[k].hi_incl ||
		    strcmp(iv[k].lo, v) != 0 || strcmp(iv[k].hi, v) != 0)
			continue;
		memmove(&iv[k], &iv[k + 1], (*n - k - 1) * sizeof(*iv));
		(*n)--;
		return OSV_SETTLE_EMPTY;
	}
	for (k = 0; k + 1 < *n; k++) {
		if (iv[k].hi == NULL || iv[k].hi_incl || iv[k + 1].lo == NULL ||
		    strcmp(iv[k].hi, v) != 0 || strcmp(iv[k + 1].lo, v) != 0)
			continue;
		iv[k].hi = iv[k + 1].hi;
		iv[k].hi_incl = iv[k + 1].hi_incl;
		memmove(&iv[k + 1], &iv[k + 2], (*n - k - 2) * sizeof(*iv));
		(*n)--;
		return OSV_SETTLE_JOINED;
	}
	return OSV_SETTLE_NONE;
}
