/*
 * Blocklist feeds (docs/feeds.md, docs/internals/feeds.md): a tenant's
 * (or the MSP's) active block-mode indicators, passed through the
 * allowlist guard and rendered in one blocklist format, served by the
 * http role at /feeds/v1/{secret}/{file} with ETag and Last-Modified;
 * the rendered bytes are cached per feed and shared by reference, and
 * every fetch is recorded (in batches) for "is the block live?".
 *
 * Thread-safe: the cache and the record queue have locks of their own;
 * each caller passes its own store connection.
 */
#ifndef RP_FEEDS_H
#define RP_FEEDS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store/store.h"

#define FEEDS_PATH "/feeds/v1/"
/* A feed secret: "rpf_" and 43 URL-safe base64 characters (256 bits). */
#define FEEDS_SECRET_PREFIX "rpf_"
#define FEEDS_SECRET_LEN 47
/* Most items of each kind a report keeps (the counts are complete). */
#define FEEDS_REPORT_MAX 1000

/* A new secret into secret (>= FEEDS_SECRET_LEN + 1 bytes) and its hex
 * SHA-256 into hash; the caller wipes secret after use. */
int feeds_secret_new(char *secret, size_t len, char hash[65]);
/* Whether fmt is a format a feed can have (a blocklist format name). */
int feeds_format_ok(const char *fmt);
/* The file name the feed's URL ends with ("rampart-blocklist.rsc"). */
const char *feeds_file_name(const char *fmt);
/* The format's default device limit (the limit of max_entries 0). */
int64_t feeds_default_limit(const char *fmt);

/* An indicator a render left out, for the report. */
struct feeds_left {
	char *value;
	char type[16]; /* the indicator's type */
	char reason[32]; /* allow_reason_name(), or "capacity" */
	char *text; /* the guard's sentence; NULL for capacity */
	int64_t rank; /* capacity: its rank (1 is the best) */
};

/* One render of a feed, shared by every answer that serves it; never
 * changed once made (feeds_content_put drops a reference). */
struct feeds_content {
	int64_t feed_id;
	char *body;
	size_t len;
	char etag[72]; /* quoted, from the SHA-256 of body */
	int64_t version; /* the indicator-store change count it reflects */
	int64_t changed_at; /* the newest change it reflects */
	int64_t content_at; /* Last-Modified: changed_at or a later expiry */
	int64_t next_expiry; /* 0: none; the bytes change then */
	int64_t built_at;
	int64_t indicators; /* active block-mode indicators considered */
	size_t written, skipped, expired, trimmed, refused, url_only;
	struct feeds_left *refusals; /* at most FEEDS_REPORT_MAX */
	size_t nrefusals;
	struct feeds_left *cut; /* trimmed by capacity, best ranked first */
	size_t ncut;
	/* private to the cache */
	char *key;
	int refs;
};

/*
 * The content feed f serves at now: from the cache when still valid
 * (same feed settings, no indicator change, no expiry passed), else
 * rendered once (concurrent callers for the same feed wait for that one
 * render).  *out is a reference for feeds_content_put.
 */
int feeds_content_get(struct store *s, const struct store_feed *f, int64_t now,
    struct feeds_content **out);
void feeds_content_put(struct feeds_content *c);
/* Drops feed_id's cached content (deleted, rotated or disabled). */
void feeds_forget(int64_t feed_id);

/* A request to the feed URL (all borrowed). */
struct feeds_request {
	const char *method;
	const char *path; /* starts with FEEDS_PATH */
	const char *if_none_match;
	const char *if_modified_since;
	const char *address; /* the client's, as rampartd sees it */
	int64_t now;
};
struct feeds_answer {
	int status; /* 200, 304, 404, 405, 503 */
	int head; /* HEAD: no body */
	struct feeds_content *content; /* 200 and 304: a reference */
	const char *content_type; /* static */
	char last_modified[40];
};
/* Answers rq into *out (always filled); the caller puts out->content.
 * Returns 0, or a store error when even the answer is 503. */
int feeds_serve(
    struct store *s, const struct feeds_request *rq, struct feeds_answer *out);

/* Writes the queued fetch records; 0 or a store error (they stay queued
 * and are written at the next call). */
int feeds_flush(struct store *s);
/* feeds_flush when records are waiting for a second or more. */
void feeds_flush_due(struct store *s, int64_t now);
/* Frees the cache (at the end of the role). */
void feeds_cache_free(void);

/* "Is the block live?" of feed f at now. */
struct feeds_status {
	int fetched; /* 0: never fetched */
	struct store_feed_fetch last;
	int fresh; /* the last fetch had every change */
	int64_t changes_since; /* when stale: indicator changes not fetched */
	int64_t newest_change; /* the newest change the store has */
};
/* Flushes the queued records first, so the last fetch is the last
 * answer given. */
int feeds_status_get(struct store *s, const struct store_feed *f, int64_t now,
    struct feeds_status *out);

/*
 * The input of a gateway's blocklist blob for tenant at now: the
 * domains, addresses and networks its feeds would serve (the same
 * indicators through the same guard) as {"addresses": [...],
 * "domains": [...]} into *out (the caller decrefs), *refused the number
 * the guard left out.  RP_ERR_LIMIT past max entries.
 */
int feeds_blob_input(struct store *s, int64_t tenant, int64_t now, size_t max,
    json_t **out, size_t *refused);

#endif
