/*
 * The two paths that keep findings current (docs/internals/findings.md):
 * an inventory upload changes one host's entries and their lookup keys,
 * and the host is evaluated again against the advisories whose keys its
 * changed entries have; an advisory import records the advisory's keys
 * and evaluates the hosts that have entries with them, or findings of it.
 */
#include <stdlib.h>
#include <string.h>

#include "fnd_int.h"
#include "inventory/inventory.h"
#include "util/err.h"

#include "eval_int.h"

#define KEYS_MAX (8 * FND_SOFTWARE_MAX)
#define ADVS_MAX (1u << 20) /* advisories one change re-evaluates */
#define ADVS_CHUNK 512 /* evaluated together, in one matcher */
#define FINDINGS_MAX 2000000 /* of one advisory, read at once */

/* The API's names (docs/findings.md), by enum match_verdict; the
 * matcher's own names are the sentences' ("not affected"). */
static const char *const verdict_names[] = {
    "not_affected", "fixed", "unknown", "under_investigation", "affected"};

const char *
fnd_verdict_name(int verdict)
{
	if (verdict < MATCH_NOT_AFFECTED || verdict > MATCH_AFFECTED)
		return "?";
	return verdict_names[verdict];
}

int
fnd_verdict_from_name(const char *name)
{
	int v;

	for (v = MATCH_NOT_AFFECTED; v <= MATCH_AFFECTED; v++)
		if (strcmp(verdict_names[v], name) == 0)
			return v;
	return -1;
}

/* --- sets of strings and ids ---------------------------------------------- */

struct strs {
	char **v;
	size_t n, cap;
};

static void
strs_free(struct strs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int
strs_add(const char *k, void *arg)
{
	struct strs *s = arg;

	if (s->n == s->cap) {
		size_t nc = s->cap ? 2 * s->cap : 64;
		char **nv;

		if (nc > KEYS_MAX)
			return RP_ERR_LIMIT;
		if ((nv = reallocarray(s->v, nc, sizeof(*nv))) == NULL)
			return RP_ERR_NOMEM;
		s->v = nv;
		s->cap = nc;
	}
	if ((s->v[s->n] = strdup(k)) == NULL)
		return RP_ERR_NOMEM;
	s->n++;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and drops duplicates. */
static void
strs_unique(struct strs *s)
{
	size_t i, j = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	for (i = 1; i < s->n; i++) {
		if (strcmp(s->v[i], s->v[j]) == 0)
			free(s->v[i]);
		else
			s->v[++j] = s->v[i];
	}
	s->n = j + 1;
}

struct ids {
	int64_t *v;
	size_t n, cap;
};

/* Adds id (the store gives each once). */
static int
ids_add(int64_t id, void *arg)
{
	struct ids *s = arg;
	int64_t *nv;

	if (s->n == s->cap) {
		size_t nc = s->cap ? 2 * s->cap : 64;

		if (nc > ADVS_MAX)
			return RP_ERR_LIMIT;
		if ((nv = reallocarray(s->v, nc, sizeof(*nv))) == NULL)
			return RP_ERR_NOMEM;
		s->v = nv;
		s->cap = nc;
	}
	s->v[s->n++] = id;
	return 0;
}

/* --- the inventory path ----------------------------------------------------- */

static int
cmp_sw(const void *a, const void *b)
{
	return strcmp(((const struct store_sw *)a)->ident,
	    ((const struct store_sw *)b)->ident);
}

static struct store_sw *
find_sw(struct store_sw *cur, size_t n, const char *ident)
{
	struct store_sw k;

	if (n == 0)
		return NULL; /* cur may be NULL then */
	memcpy(k.ident, ident, sizeof(k.ident));
	return bsearch(&k, cur, n, sizeof(*cur), cmp_sw);
}

/*
 * For each entry i of a batch, h->sw[idx ? idx[i] : i] for i < n: its
 * lookup keys, added to keys and given with i to fn (to write or delete
 * its key rows).
 */
static int
keys_of(const struct inv_host *h, const size_t *idx, size_t n,
    struct strs *keys, int (*fn)(size_t i, const struct strs *own, void *),
    void *arg)
{
	const struct matcher *m = fnd_keys_matcher();
	size_t i, j;
	int r = 0;

	if (m == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; r == 0 && i < n; i++) {
		struct strs own = {0};

		r = matcher_software_keys(
		    m, &h->sw[idx != NULL ? idx[i] : i], strs_add, &own);
		for (j = 0; r == 0 && j < own.n; j++)
			r = strs_add(own.v[j], keys);
		if (r == 0)
			r = fn(i, &own, arg);
		strs_free(&own);
	}
	return r;
}

/* keys_of for stored entries[0..n) (canonical JSON), read again. */
static int
each_keys(char *const *entries, size_t n, struct strs *keys,
    int (*fn)(size_t i, const struct strs *own, void *), void *arg)
{
	const struct fnd_hostref hr = {"host", "", "", ""};
	struct inv_host *h = NULL;
	int r;

	if (n == 0)
		return 0;
	if ((r = fnd_host_build(&hr, entries, n, &h)) != 0)
		return r;
	r = keys_of(h, NULL, h->nsw, keys, fn, arg);
	inv_host_free(h);
	return r;
}

/* Key rows being written: [key, row id] pairs, the row id of entry i
 * of the batch in ids[i]. */
struct key_rows {
	json_t *pairs;
	const int64_t *ids;
};

static int
key_rows_add(size_t i, const struct strs *own, void *arg)
{
	struct key_rows *w = arg;
	size_t j;

	for (j = 0; j < own->n; j++)
		if (json_array_append_new(w->pairs,
			json_pack("[s,I]", own->v[j], (json_int_t)w->ids[i])) !=
		    0)
			return RP_ERR_NOMEM;
	return 0;
}

/* Runs fn with the compact text of v (taken). */
static int
with_json(json_t *v, struct store *s, int64_t agent,
    int (*fn)(struct store *, int64_t, const char *))
{
	char *t = v != NULL ? json_dumps(v, JSON_COMPACT) : NULL;
	int r = t != NULL ? fn(s, agent, t) : RP_ERR_NOMEM;

	free(t);
	json_decref(v);
	return r;
}

static int
delete_rows(struct store *s, int64_t agent, const char *ids)
{
	(void)agent;
	return store_sw_delete_many(s, ids);
}

/* The change an upload makes to the host's entries cur (sorted). */
struct change {
	unsigned char *gone; /* per cur */
	size_t *add; /* indices into u->add */
	size_t ngone, nadd;
};

static _Thread_local const struct fnd_entry *sort_base;

static int
cmp_add(const void *a, const void *b)
{
	return strcmp(sort_base[*(const size_t *)a].ident,
	    sort_base[*(const size_t *)b].ident);
}

/* Drops added entries that repeat one another (by identity). */
static void
dedupe_adds(const struct fnd_upload *u, struct change *c)
{
	size_t i, j = 0;

	if (c->nadd < 2)
		return;
	/* qsort passes no argument: the base is thread-local */
	sort_base = u->add;
	qsort(c->add, c->nadd, sizeof(*c->add), cmp_add);
	for (i = 1; i < c->nadd; i++)
		if (strcmp(u->add[c->add[i]].ident, u->add[c->add[j]].ident) !=
		    0)
			c->add[++j] = c->add[i];
	c->nadd = j + 1;
}

/* Which entries go and come; 1 for a delta that removes what the host
 * does not have. */
static int
plan(const struct fnd_upload *u, struct store_sw *cur, size_t ncur,
    struct change *c)
{
	struct store_sw *hit;
	unsigned char *seen;
	size_t i;

	c->gone = calloc(ncur + 1, 1);
	c->add = calloc(u->nadd + 1, sizeof(*c->add));
	seen = calloc(ncur + 1, 1);
	if (c->gone == NULL || c->add == NULL || seen == NULL) {
		free(seen);
		return RP_ERR_NOMEM;
	}
	for (i = 0; i < u->nrm; i++) {
		if ((hit = find_sw(cur, ncur, u->rm[i].ident)) == NULL) {
			free(seen);
			return 1;
		}
		c->gone[hit - cur] = 1;
	}
	for (i = 0; i < u->nadd; i++) {
		hit = find_sw(cur, ncur, u->add[i].ident);
		if (hit != NULL) {
			/* kept (a full inventory), or removed and added */
			seen[hit - cur] = 1;
			c->gone[hit - cur] = 0;
			continue;
		}
		c->add[c->nadd++] = i;
	}
	dedupe_adds(u, c);
	for (i = 0; i < ncur; i++) {
		if (u->full && !seen[i])
			c->gone[i] = 1;
		c->ngone += c->gone[i];
	}
	free(seen);
	return 0;
}

/* Removes the entries c marks gone, with their key rows. */
static int
write_gone(struct store *s, int64_t agent, struct store_sw *cur, size_t ncur,
    const struct change *c, struct strs *keys)
{
	char **e = calloc(c->ngone + 1, sizeof(*e));
	int64_t *ids = calloc(c->ngone + 1, sizeof(*ids));
	struct key_rows w = {json_array(), ids};
	json_t *idv = json_array();
	size_t i, k = 0;
	int r = RP_ERR_NOMEM;

	if (e == NULL || ids == NULL || w.pairs == NULL || idv == NULL)
		goto out;
	for (i = 0; i < ncur; i++)
		if (c->gone[i]) {
			ids[k] = cur[i].id;
			e[k++] = cur[i].entry;
			json_array_append_new(idv, json_integer(cur[i].id));
		}
	r = 0;
	if (k == 0 || (r = each_keys(e, k, keys, key_rows_add, &w)) != 0)
		goto out;
	r = with_json(w.pairs, s, agent, store_sw_keys_delete_many);
	w.pairs = NULL;
	if (r == 0)
		r = with_json(idv, s, agent, delete_rows);
	idv = NULL;
out:
	json_decref(w.pairs);
	json_decref(idv);
	free(e);
	free(ids);
	return r;
}

/* The new rows' ids, by the position of their entry in c->add. */
struct new_ids {
	const struct fnd_upload *u;
	const struct change *c;
	int64_t *ids;
};

static int
new_id(int64_t id, const char *ident, void *arg)
{
	struct new_ids *n = arg;
	size_t lo = 0, hi = n->c->nadd, mid;
	int cmp;

	/* c->add is sorted by identity (dedupe_adds) */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strcmp(n->u->add[n->c->add[mid]].ident, ident);
		if (cmp == 0) {
			n->ids[mid] = id;
			return 0;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return RP_ERR_INTERNAL;
}

/* Adds the entries c lists, with their key rows. */
static int
write_added(struct store *s, int64_t agent, const struct fnd_upload *u,
    const struct change *c, struct strs *keys)
{
	struct new_ids n = {u, c, calloc(c->nadd + 1, sizeof(int64_t))};
	struct key_rows w = {json_array(), n.ids};
	json_t *rows = json_array();
	char *t = NULL;
	size_t i;
	int r = RP_ERR_NOMEM;

	if (n.ids == NULL || w.pairs == NULL || rows == NULL)
		goto out;
	r = 0;
	if (c->nadd == 0)
		goto out;
	r = RP_ERR_NOMEM;
	for (i = 0; i < c->nadd; i++)
		if (json_array_append_new(rows,
			json_pack("[s,s]", u->add[c->add[i]].ident,
			    u->add[c->add[i]].json)) != 0)
			goto out;
	if ((t = json_dumps(rows, JSON_COMPACT)) == NULL)
		goto out;
	/* The entries as intake read them: not parsed a second time. */
	if ((r = store_sw_add_many(s, agent, t, new_id, &n)) != 0 ||
	    (r = keys_of(
		 u->add_host, c->add, c->nadd, keys, key_rows_add, &w)) != 0)
		goto out;
	r = with_json(w.pairs, s, agent, store_sw_keys_add_many);
	w.pairs = NULL;
out:
	free(t);
	json_decref(w.pairs);
	json_decref(rows);
	free(n.ids);
	return r;
}

/* Applies c: removed entries' rows and keys, then the added ones. */
static int
write_change(struct store *s, int64_t agent, const struct fnd_upload *u,
    struct store_sw *cur, size_t ncur, const struct change *c,
    struct strs *keys)
{
	int r;

	if ((r = write_gone(s, agent, cur, ncur, c, keys)) != 0)
		return r;
	return write_added(s, agent, u, c, keys);
}

/* The entries of one host that have some key, each once. */
struct host_entries {
	struct store *s;
	int64_t agent_seq;
	int64_t *ids;
	char **v;
	size_t n, cap;
};

static int
host_entry(int64_t id, const char *entry, void *arg)
{
	struct host_entries *he = arg;
	size_t i;

	for (i = 0; i < he->n; i++)
		if (he->ids[i] == id)
			return 0;
	if (he->n == he->cap) {
		size_t nc = he->cap ? 2 * he->cap : 16;
		int64_t *ni;
		char **nv;

		if (nc > 2 * FND_SOFTWARE_MAX)
			return RP_ERR_LIMIT;
		if ((ni = reallocarray(he->ids, nc, sizeof(*ni))) == NULL)
			return RP_ERR_NOMEM;
		he->ids = ni;
		if ((nv = reallocarray(he->v, nc, sizeof(*nv))) == NULL)
			return RP_ERR_NOMEM;
		he->v = nv;
		he->cap = nc;
	}
	if ((he->v[he->n] = strdup(entry)) == NULL)
		return RP_ERR_NOMEM;
	he->ids[he->n++] = id;
	return 0;
}

static int
host_key(const char *key, void *arg)
{
	struct host_entries *he = arg;

	return store_sw_of_host_by_key(
	    he->s, he->agent_seq, key, host_entry, he);
}

/*
 * Evaluates host hi against the advisories of m (adv[0..na)) and writes
 * the changes of its findings.  Only the host's entries that share a
 * lookup key with the advisories are read: no other entry can match
 * (tests/unit/match/test_lookup.c keeps this true).
 */
static int
eval_matcher(struct store *s, const struct store_host_info *hi,
    struct matcher *m, struct fnd_adv **adv, size_t na, int64_t event_inv,
    int64_t now, struct fnd_tally *t)
{
	const struct fnd_hostref hr = {
	    hi->hostname, hi->os, hi->os_version, hi->arch};
	struct host_entries he = {s, hi->agent_seq, NULL, NULL, 0, 0};
	struct fnd_batch batch = {0};
	struct match_results res = {0};
	struct inv_host *h = NULL;
	size_t i;
	int r;

	if ((r = matcher_index_keys(m, host_key, &he)) != 0 ||
	    (r = fnd_host_build(&hr, he.v, he.n, &h)) != 0 ||
	    (r = matcher_check_host(m, h, &res)) != 0)
		goto out;
	t->hosts++;
	for (i = 0; r == 0 && i < na; i++) {
		struct store_finding *old = NULL;
		size_t nold = 0;
		struct fnd_ctx x = {hi->tenant_id, hi->agent_seq, adv[i]->id,
		    adv[i]->revision, hi->inventory, event_inv, now, &batch};

		if ((r = store_findings_of(s, hi->agent_seq, adv[i]->id,
			 FINDINGS_MAX, &old, &nold)) != 0)
			break;
		r = fnd_diff(s, &x, &res, adv[i]->a, old, nold, t);
		store_findings_free(old, nold);
		t->advisories++;
	}
	if (r == 0)
		r = fnd_batch_flush(s, &batch);
out:
	fnd_batch_free(&batch);
	match_results_free(&res);
	inv_host_free(h);
	for (i = 0; i < he.n; i++)
		free(he.v[i]);
	free(he.v);
	free(he.ids);
	return r;
}

/* Evaluates host hi against the advisories ids[0..n) that concern its
 * tenant, together. */
static int
eval_chunk(struct store *s, const struct store_host_info *hi,
    const int64_t *ids, size_t n, int64_t event_inv, int64_t now,
    struct fnd_tally *t)
{
	struct fnd_adv *adv[ADVS_CHUNK];
	struct matcher *m = matcher_new();
	size_t i, na = 0;
	int r = 0;

	if (m == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if ((r = fnd_adv_get(s, ids[i], &adv[na])) == RP_ERR_INVALID)
			continue; /* a stored document that no longer reads */
		if (r != 0)
			goto out;
		if (!fnd_adv_covers(adv[na], hi->tenant_id)) {
			fnd_adv_put(adv[na]);
			continue;
		}
		if ((r = matcher_add_advisory(m, adv[na]->a, NULL)) != 0) {
			fnd_adv_put(adv[na]);
			goto out;
		}
		na++;
	}
	r = 0;
	if (na > 0)
		r = eval_matcher(s, hi, m, adv, na, event_inv, now, t);
out:
	matcher_free(m);
	for (i = 0; i < na; i++)
		fnd_adv_put(adv[i]);
	return r;
}

/* eval_chunk over every advisory of ids, ADVS_CHUNK at a time (a first
 * inventory may concern thousands of distribution advisories). */
static int
eval_host(struct store *s, const struct store_host_info *hi,
    const struct ids *ids, int64_t event_inv, int64_t now, struct fnd_tally *t)
{
	size_t i, k;
	int r = 0;

	for (i = 0; r == 0 && i < ids->n; i += k) {
		k = ids->n - i < ADVS_CHUNK ? ids->n - i : ADVS_CHUNK;
		r = eval_chunk(s, hi, ids->v + i, k, event_inv, now, t);
	}
	return r;
}

/* The advisories that have one of keys, into ids. */
static int
advisories_of(struct store *s, const struct strs *keys, struct ids *ids)
{
	json_t *v = json_array();
	char *t;
	size_t i;
	int r = RP_ERR_NOMEM;

	for (i = 0; v != NULL && i < keys->n; i++)
		if (json_array_append_new(v, json_string(keys->v[i])) != 0)
			break;
	if (v != NULL && i == keys->n &&
	    (t = json_dumps(v, JSON_COMPACT)) != NULL) {
		r = store_advisory_by_keys(s, t, ids_add, ids);
		free(t);
	}
	json_decref(v);
	return r;
}

static int
apply_change(struct store *s, const struct store_inv_state *st,
    const struct fnd_upload *u, struct store_sw *cur, size_t ncur, int64_t now,
    struct fnd_tally *t)
{
	struct change c = {0};
	struct strs keys = {0};
	struct ids *ids = calloc(1, sizeof(*ids));
	struct store_inv_state ns = *st;
	struct store_host_info hi = {0};
	int r = RP_ERR_NOMEM;

	if (ids == NULL)
		return r;
	if (ncur > 1)
		qsort(cur, ncur, sizeof(*cur), cmp_sw);
	if ((r = plan(u, cur, ncur, &c)) == 1) {
		t->stale = 1;
		r = 0;
		goto out;
	}
	if (r != 0 ||
	    (r = write_change(s, st->agent_seq, u, cur, ncur, &c, &keys)) != 0)
		goto out;
	strs_unique(&keys);
	if (keys.n > 0)
		r = advisories_of(s, &keys, ids);
	ns.last_upload = ns.inventory = u->seq;
	ns.inventory_at = now;
	/* A delta's cur holds only the entries it names. */
	ns.software = (u->full ? (int64_t)ncur : st->software) -
	    (int64_t)c.ngone + (int64_t)c.nadd;
	if (r != 0 ||
	    (r = store_inv_state_set(
		 s, &ns, u->name, u->os, u->os_version, u->arch)) != 0)
		goto out;
	if (u->have_addrs &&
	    (r = store_host_addrs_set(
		 s, st->agent_seq, st->tenant_id, u->addrs, u->naddrs)) != 0)
		goto out;
	if (ids->n > 0 && (r = store_host_info(s, st->agent_seq, &hi)) == 0)
		r = eval_host(s, &hi, ids, u->seq, now, t);
out:
	store_host_info_clear(&hi);
	strs_free(&keys);
	free(ids->v);
	free(ids);
	free(c.gone);
	free(c.add);
	return r;
}

/* The host's entries a delta names (removes, or adds again). */
static int
named_entries(struct store *s, int64_t agent, const struct fnd_upload *u,
    struct store_sw **cur, size_t *ncur)
{
	json_t *v = json_array();
	char *t = NULL;
	size_t i;
	int r = RP_ERR_NOMEM;

	for (i = 0; v != NULL && i < u->nrm; i++)
		json_array_append_new(v, json_string(u->rm[i].ident));
	for (i = 0; v != NULL && i < u->nadd; i++)
		json_array_append_new(v, json_string(u->add[i].ident));
	if (v != NULL && (t = json_dumps(v, JSON_COMPACT)) != NULL)
		r = store_sw_by_idents(
		    s, agent, t, 2 * FND_SOFTWARE_MAX, cur, ncur);
	free(t);
	json_decref(v);
	return r;
}

int
fnd_apply_inventory(struct store *s, const struct store_inv_state *st,
    const struct fnd_upload *u, int64_t now, struct fnd_tally *t)
{
	struct store_sw *cur = NULL;
	size_t ncur = 0;
	int r;

	memset(t, 0, sizeof(*t));
	if (!u->full && u->base != st->inventory) {
		t->stale = 1;
		return 0;
	}
	if (u->full)
		r = store_sw_list(
		    s, st->agent_seq, 2 * FND_SOFTWARE_MAX, &cur, &ncur);
	else
		r = named_entries(s, st->agent_seq, u, &cur, &ncur);
	if (r != 0)
		return r;
	r = apply_change(s, st, u, cur, ncur, now, t);
	store_sws_free(cur, ncur);
	return r;
}

/* --- the advisory path ------------------------------------------------------ */

/* One entry of a host that has one of the advisory's keys. */
struct hitrow {
	int64_t agent_seq, tenant_id, inventory, sw_id;
	char *hostname, *os, *os_version, *arch, *entry;
};

struct hitrows {
	struct hitrow *v;
	size_t n, cap;
};

static void
hitrows_free(struct hitrows *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->v[i].hostname);
		free(h->v[i].os);
		free(h->v[i].os_version);
		free(h->v[i].arch);
		free(h->v[i].entry);
	}
	free(h->v);
}

static int
hit_add(const struct store_sw_hit *x, void *arg)
{
	struct hitrows *h = arg;
	struct hitrow *w;

	if (h->n == h->cap) {
		size_t nc = h->cap ? 2 * h->cap : 256;

		if ((w = reallocarray(h->v, nc, sizeof(*w))) == NULL)
			return RP_ERR_NOMEM;
		h->v = w;
		h->cap = nc;
	}
	w = &h->v[h->n];
	memset(w, 0, sizeof(*w));
	w->agent_seq = x->agent_seq;
	w->tenant_id = x->tenant_id;
	w->inventory = x->inventory;
	w->sw_id = x->sw_id;
	h->n++;
	if ((w->hostname = strdup(x->hostname)) == NULL ||
	    (w->os = strdup(x->os)) == NULL ||
	    (w->os_version = strdup(x->os_version)) == NULL ||
	    (w->arch = strdup(x->arch)) == NULL ||
	    (w->entry = strdup(x->entry)) == NULL)
		return RP_ERR_NOMEM;
	return 0;
}

static int
cmp_hit(const void *a, const void *b)
{
	const struct hitrow *x = a, *y = b;

	if (x->agent_seq != y->agent_seq)
		return x->agent_seq < y->agent_seq ? -1 : 1;
	return x->sw_id < y->sw_id ? -1 : x->sw_id > y->sw_id;
}

static int
cmp_old(const void *a, const void *b)
{
	const struct store_finding *x = a, *y = b;

	if (x->agent_seq != y->agent_seq)
		return x->agent_seq < y->agent_seq ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Evaluates one host's rows v[0..n) (one entry each, distinct) against
 * the matcher of the advisory, and compares with old[0..nold). */
static int
eval_rows(struct store *s, struct matcher *m, const struct advisory *a,
    const struct hitrow *v, size_t n, struct fnd_ctx *x,
    struct store_finding *old, size_t nold, struct fnd_tally *t)
{
	const struct fnd_hostref hr = {
	    v[0].hostname, v[0].os, v[0].os_version, v[0].arch};
	struct match_results res = {0};
	struct inv_host *h = NULL;
	char **e = calloc(n + 1, sizeof(*e));
	size_t i;
	int r = RP_ERR_NOMEM;

	if (e == NULL)
		return r;
	for (i = 0; i < n; i++)
		e[i] = v[i].entry;
	if ((r = fnd_host_build(&hr, e, n, &h)) == 0 &&
	    (r = matcher_check_host(m, h, &res)) == 0) {
		t->hosts++;
		r = fnd_diff(s, x, &res, a, old, nold, t);
	}
	match_results_free(&res);
	inv_host_free(h);
	free(e);
	return r;
}

/* Walks the hosts of rows (sorted, distinct) and old (sorted) together. */
static int
merge_hosts(struct store *s, struct matcher *m, const struct advisory *a,
    const struct fnd_ctx *base, int (*covers)(int64_t, void *), void *cv,
    struct hitrows *rows, struct store_finding *old, size_t nold,
    struct fnd_tally *t)
{
	size_t i = 0, j = 0, i2, j2;
	int64_t h;
	int r = 0;

	while (r == 0 && (i < rows->n || j < nold)) {
		struct fnd_ctx x = *base;

		if (j >= nold ||
		    (i < rows->n && rows->v[i].agent_seq <= old[j].agent_seq))
			h = rows->v[i].agent_seq;
		else
			h = old[j].agent_seq;
		for (i2 = i; i2 < rows->n && rows->v[i2].agent_seq == h; i2++)
			;
		for (j2 = j; j2 < nold && old[j2].agent_seq == h; j2++)
			;
		x.agent_seq = h;
		if (i2 > i) {
			x.tenant_id = rows->v[i].tenant_id;
			x.host_inventory = rows->v[i].inventory;
		} else
			x.tenant_id = old[j].tenant_id;
		if (i2 > i && covers(x.tenant_id, cv))
			r = eval_rows(s, m, a, &rows->v[i], i2 - i, &x, &old[j],
			    j2 - j, t);
		else
			r = fnd_diff(s, &x, NULL, a, &old[j], j2 - j, t);
		i = i2;
		j = j2;
	}
	return r;
}

struct scope {
	int all;
	const int64_t *v;
	size_t n;
};

static int
scope_covers(int64_t tenant, void *arg)
{
	const struct scope *sc = arg;
	size_t i;

	if (sc->all)
		return 1;
	for (i = 0; i < sc->n; i++)
		if (sc->v[i] == tenant)
			return 1;
	return 0;
}

/* Distinct rows of hosts that have any of keys. */
static int
rows_of(struct store *s, const struct strs *keys, struct hitrows *rows)
{
	size_t i, j = 0;
	int r = 0;

	for (i = 0; r == 0 && i < keys->n; i++)
		r = store_sw_by_key(s, keys->v[i], hit_add, rows);
	if (r != 0 || rows->n < 2)
		return r;
	qsort(rows->v, rows->n, sizeof(*rows->v), cmp_hit);
	for (i = 1; i < rows->n; i++) {
		if (rows->v[i].agent_seq == rows->v[j].agent_seq &&
		    rows->v[i].sw_id == rows->v[j].sw_id) {
			struct hitrow *w = &rows->v[i];

			free(w->hostname);
			free(w->os);
			free(w->os_version);
			free(w->arch);
			free(w->entry);
			continue;
		}
		rows->v[++j] = rows->v[i];
	}
	rows->n = j + 1;
	return 0;
}

int
fnd_apply_advisory(struct store *s, int64_t id, int revision,
    const struct advisory *a, int scope_all, const int64_t *tenants,
    size_t ntenants, int64_t now, struct fnd_tally *t)
{
	struct scope sc = {scope_all, tenants, ntenants};
	struct fnd_batch batch = {0};
	struct fnd_ctx base = {0, 0, id, revision, 0, 0, now, &batch};
	struct matcher *m = matcher_new();
	struct hitrows rows = {0};
	struct strs keys = {0};
	struct store_finding *old = NULL;
	size_t nold = 0;
	int r = RP_ERR_NOMEM;

	memset(t, 0, sizeof(*t));
	if (m == NULL)
		return r;
	if ((r = matcher_add_advisory(m, a, NULL)) != 0 ||
	    (r = matcher_index_keys(m, strs_add, &keys)) != 0)
		goto out;
	strs_unique(&keys);
	if ((r = store_advisory_keys_set(
		 s, id, (const char *const *)keys.v, keys.n)) != 0 ||
	    (r = rows_of(s, &keys, &rows)) != 0 ||
	    (r = store_findings_of(s, 0, id, FINDINGS_MAX, &old, &nold)) != 0)
		goto out;
	if (nold > 1)
		qsort(old, nold, sizeof(*old), cmp_old);
	t->advisories = 1;
	r = merge_hosts(s, m, a, &base, scope_covers, &sc, &rows, old, nold, t);
	if (r == 0)
		r = fnd_batch_flush(s, &batch);
out:
	fnd_batch_free(&batch);
	store_findings_free(old, nold);
	hitrows_free(&rows);
	strs_free(&keys);
	matcher_free(m);
	return r;
}
