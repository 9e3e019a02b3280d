/*
 * The http role's cache of rendered feeds: one slot per feed holding its
 * last render, shared by reference with every answer that sends it (the
 * bytes are never copied per request).  A render is valid while the
 * feed's settings (format, limit, sinkholes) and the indicator store's
 * change count and newest change time for its scope are those it was
 * made from, and the next expiry it listed has not come; otherwise the
 * first request renders again while the others for the same feed wait
 * for that render instead of starting their own.  One mutex guards the
 * slots and the reference counts; renders run outside it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds_int.h"
#include "util/err.h"

/* Feeds kept at most; past it the least recently used one goes. */
#define CACHE_MAX 1024

struct slot {
	int64_t feed_id;
	struct feeds_content *c; /* one reference is the cache's */
	int building;
	int64_t used;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t built = PTHREAD_COND_INITIALIZER;
static struct slot *slots;
static size_t nslots;
static int64_t clock_tick;

/* What the render depends on besides the store: the feed's settings. */
static char *
key_of(const struct store_feed *f)
{
	size_t n = strlen(f->format) + 64 +
	    (f->sinkhole4 != NULL ? strlen(f->sinkhole4) : 0) +
	    (f->sinkhole6 != NULL ? strlen(f->sinkhole6) : 0);
	char *k = malloc(n);

	if (k != NULL)
		snprintf(k, n, "%s|%lld|%s|%s", f->format,
		    (long long)f->max_entries,
		    f->sinkhole4 != NULL ? f->sinkhole4 : "-",
		    f->sinkhole6 != NULL ? f->sinkhole6 : "-");
	return k;
}

static int
valid(const struct feeds_content *c, const char *key,
    const struct feeds_version *v, int64_t now)
{
	return c != NULL && strcmp(c->key, key) == 0 &&
	    c->version == v->count && c->changed_at == v->changed_at &&
	    (c->next_expiry == 0 || now < c->next_expiry) && now >= c->built_at;
}

static struct slot *
find(int64_t feed_id)
{
	size_t i;

	for (i = 0; i < nslots; i++)
		if (slots[i].feed_id == feed_id)
			return &slots[i];
	return NULL;
}

/* Drops a reference under the lock; the content to free, or NULL. */
static struct feeds_content *
unref(struct feeds_content *c)
{
	if (c == NULL || --c->refs > 0)
		return NULL;
	return c;
}

/* A slot for feed_id marked building, or NULL when out of memory. */
static struct slot *
claim(int64_t feed_id, struct feeds_content **drop)
{
	struct slot *sl = find(feed_id);
	size_t i, lru = 0;

	*drop = NULL;
	if (sl == NULL && nslots == CACHE_MAX) {
		for (i = 0; i < nslots; i++)
			if (!slots[i].building &&
			    (slots[lru].building ||
				slots[i].used < slots[lru].used))
				lru = i;
		if (slots[lru].building)
			return NULL;
		sl = &slots[lru];
		*drop = unref(sl->c);
		sl->c = NULL;
	}
	if (sl == NULL) {
		if (slots == NULL &&
		    (slots = calloc(CACHE_MAX, sizeof(*slots))) == NULL)
			return NULL;
		sl = &slots[nslots++];
		memset(sl, 0, sizeof(*sl));
	}
	sl->feed_id = feed_id;
	sl->building = 1;
	return sl;
}

/* Waits for a valid render of f, or claims the slot to make one:
 * 1 with *out a reference, 0 to build, < 0 an error. */
static int
lookup(const struct store_feed *f, const char *key,
    const struct feeds_version *v, int64_t now, struct feeds_content **out)
{
	struct feeds_content *drop = NULL;
	struct slot *sl;
	int r = 0;

	pthread_mutex_lock(&lock);
	for (;;) {
		sl = find(f->id);
		if (sl != NULL && valid(sl->c, key, v, now)) {
			sl->c->refs++;
			sl->used = ++clock_tick;
			*out = sl->c;
			r = 1;
			break;
		}
		if (sl == NULL || !sl->building) {
			r = claim(f->id, &drop) != NULL ? 0 : RP_ERR_NOMEM;
			break;
		}
		pthread_cond_wait(&built, &lock);
	}
	pthread_mutex_unlock(&lock);
	content_free(drop);
	return r;
}

/* Ends the render of f's slot: installs c (NULL: it failed). */
static void
install(int64_t feed_id, struct feeds_content *c)
{
	struct feeds_content *drop = NULL;
	struct slot *sl;

	pthread_mutex_lock(&lock);
	if ((sl = find(feed_id)) != NULL) {
		sl->building = 0;
		if (c != NULL) {
			drop = unref(sl->c);
			c->refs++;
			sl->c = c;
			sl->used = ++clock_tick;
		}
	}
	pthread_cond_broadcast(&built);
	pthread_mutex_unlock(&lock);
	content_free(drop);
}

int
feeds_content_get(struct store *s, const struct store_feed *f, int64_t now,
    struct feeds_content **out)
{
	struct feeds_content *c = NULL;
	struct feeds_version v;
	char *key;
	int r;

	if ((r = content_version(s, f, now, &v)) != 0)
		return r;
	if ((key = key_of(f)) == NULL)
		return RP_ERR_NOMEM;
	if ((r = lookup(f, key, &v, now, &c)) != 0) {
		free(key);
		if (r < 0)
			return r;
		*out = c;
		return 0;
	}
	if ((r = content_build(s, f, now, &v, &c)) != 0) {
		free(key);
		install(f->id, NULL);
		return r;
	}
	c->key = key;
	c->refs = 1; /* the caller's; install adds the cache's */
	install(f->id, c);
	*out = c;
	return 0;
}

void
feeds_content_put(struct feeds_content *c)
{
	struct feeds_content *drop;

	if (c == NULL)
		return;
	pthread_mutex_lock(&lock);
	drop = unref(c);
	pthread_mutex_unlock(&lock);
	content_free(drop);
}

void
feeds_forget(int64_t feed_id)
{
	struct feeds_content *drop = NULL;
	struct slot *sl;

	pthread_mutex_lock(&lock);
	if ((sl = find(feed_id)) != NULL && !sl->building) {
		drop = unref(sl->c);
		*sl = slots[--nslots];
	}
	pthread_mutex_unlock(&lock);
	content_free(drop);
}

void
feeds_cache_free(void)
{
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nslots; i++)
		content_free(unref(slots[i].c));
	free(slots);
	slots = NULL;
	nslots = 0;
	pthread_mutex_unlock(&lock);
}
