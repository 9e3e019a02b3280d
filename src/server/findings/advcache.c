/*
 * Parsed advisories, shared by the HTTP threads: evaluating one host's
 * change against an advisory must not parse its document each time.
 * Entries are keyed by (id, revision), so a revision is never served
 * stale; the cache holds at most CACHE_MAX and drops the least recently
 * used, freeing it when its last user puts it back.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fnd_int.h"
#include "json/rpjson.h"
#include "util/err.h"

#define CACHE_MAX 64

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct fnd_adv *cache[CACHE_MAX]; /* most recently used first */
static size_t ncache;

static struct matcher *keys_m;
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static void
keys_init(void)
{
	keys_m = matcher_new();
}

const struct matcher *
fnd_keys_matcher(void)
{
	(void)pthread_once(&keys_once, keys_init);
	return keys_m;
}

static void
adv_free(struct fnd_adv *e)
{
	advisory_free(e->a);
	free(e->tenants);
	free(e);
}

void
fnd_adv_put(struct fnd_adv *e)
{
	int last;

	if (e == NULL)
		return;
	pthread_mutex_lock(&mu);
	last = --e->refs == 0;
	pthread_mutex_unlock(&mu);
	if (last)
		adv_free(e);
}

int
fnd_adv_covers(const struct fnd_adv *e, int64_t tenant)
{
	size_t i;

	if (e->scope_all)
		return 1;
	for (i = 0; i < e->ntenants; i++)
		if (e->tenants[i] == tenant)
			return 1;
	return 0;
}

static enum adv_format
format_of(const char *name)
{
	if (strcmp(name, "csaf") == 0)
		return ADV_FORMAT_CSAF;
	if (strcmp(name, "osv") == 0)
		return ADV_FORMAT_OSV;
	return ADV_FORMAT_NATIVE;
}

/* Reads revision rev of id from the store into a new entry. */
static int
load(struct store *s, int64_t id, int rev, struct fnd_adv **out)
{
	static const struct store_scope all = {.all = 1, .id = 0};
	struct store_advisory row = {0};
	struct rp_diags *d = rp_diags_new();
	struct fnd_adv *e = calloc(1, sizeof(*e));
	json_t *root = NULL;
	int r;

	if (d == NULL || e == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	if ((r = store_advisory_get(s, &all, id, rev, &row)) != 0)
		goto out;
	r = RP_ERR_INVALID;
	if (row.body == NULL ||
	    (root = rpjson_load_buf(row.body, strlen(row.body), d)) == NULL ||
	    advisory_read_json(root, format_of(row.format), &e->a, d) != 0 ||
	    d->nerrors > 0)
		goto out;
	e->id = id;
	e->revision = row.revision;
	e->scope_all = row.scope_all;
	e->tenants = row.tenants;
	e->ntenants = row.ntenants;
	row.tenants = NULL;
	row.ntenants = 0;
	e->refs = 1;
	*out = e;
	e = NULL;
	r = 0;
out:
	if (e != NULL) {
		advisory_free(e->a);
		free(e);
	}
	json_decref(root);
	store_advisory_clear(&row);
	rp_diags_free(d);
	return r;
}

/* Takes the entry of (id, rev) from the cache, moved to the front. */
static struct fnd_adv *
lookup(int64_t id, int rev)
{
	struct fnd_adv *e;
	size_t i;

	for (i = 0; i < ncache; i++) {
		e = cache[i];
		if (e->id != id || e->revision != rev)
			continue;
		memmove(&cache[1], &cache[0], i * sizeof(cache[0]));
		cache[0] = e;
		e->refs++;
		return e;
	}
	return NULL;
}

/* Puts e (one reference for the caller) in front; drops the last. */
static void
insert(struct fnd_adv *e, struct fnd_adv **drop)
{
	*drop = NULL;
	if (ncache == CACHE_MAX) {
		*drop = cache[--ncache];
		if (--(*drop)->refs != 0)
			*drop = NULL;
	}
	memmove(&cache[1], &cache[0], ncache * sizeof(cache[0]));
	cache[0] = e;
	ncache++;
	e->refs++;
}

int
fnd_adv_get(struct store *s, int64_t id, struct fnd_adv **out)
{
	struct fnd_adv *e, *drop = NULL;
	int rev, r;

	if ((r = store_advisory_latest(s, id, &rev)) != 0)
		return r;
	pthread_mutex_lock(&mu);
	e = lookup(id, rev);
	pthread_mutex_unlock(&mu);
	if (e != NULL) {
		*out = e;
		return 0;
	}
	if ((r = load(s, id, rev, &e)) != 0)
		return r;
	pthread_mutex_lock(&mu);
	insert(e, &drop);
	pthread_mutex_unlock(&mu);
	if (drop != NULL)
		adv_free(drop);
	*out = e;
	return 0;
}
