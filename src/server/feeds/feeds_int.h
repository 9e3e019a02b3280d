/*
 * Inside src/server/feeds: what the cache (cache.c) asks of the render
 * (content.c), and the format table both the render and the URL check
 * use (serve.c).
 */
#ifndef RP_FEEDS_INT_H
#define RP_FEEDS_INT_H

#include <stdint.h>

#include "blocklist/blocklist.h"
#include "feeds.h"

/* Where the lists of a scope stand (store_indicator_version/_expiry). */
struct feeds_version {
	int64_t changed_at; /* the newest change */
	int64_t count; /* changes so far */
	int64_t last_passed; /* the latest expiry at or before now */
	int64_t next_expiry; /* the earliest after now; 0: none */
};
/* Reads v for f's scope at now in one read snapshot. */
int content_version(struct store *s, const struct store_feed *f, int64_t now,
    struct feeds_version *v);
/* Renders f at now as of v into a new *out (refs 0, key NULL). */
int content_build(struct store *s, const struct store_feed *f, int64_t now,
    const struct feeds_version *v, struct feeds_content **out);
/* The allowlist guard of tenant's lists (0: the MSP's): the built-in
 * list and public suffixes, and the tenant's and MSP-wide entries. */
struct allow;
int content_guard(struct store *s, int64_t tenant, struct allow **out);
/* Calls fn for each active block-mode indicator of tenant's lists at
 * now (tenant 0: the MSP-wide ones only), in one read snapshot. */
int content_each(struct store *s, int64_t tenant, int64_t now,
    int (*fn)(const struct store_feed_indicator *ind, void *arg), void *arg);
/* Frees c and all it owns. */
void content_free(struct feeds_content *c);

/* The blocklist format of a feed's format name; RP_ERR_NOTFOUND. */
int feeds_format(const char *name, enum blocklist_format *fmt);

/* Queues the record of an answer (record.c); when the queue is full it
 * is written first on s.  0, or the store error of that write (the
 * record is then lost, and the caller logs it). */
int record_add(struct store *s, const struct store_feed_fetch *f);

#endif
