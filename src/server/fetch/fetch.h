/*
 * Feeds that rampartd pulls (indicator sources of kind list-url and
 * misp-feed): the URL policy (http and https only, secrets masked before
 * anything shows a URL), one bounded conditional GET with libcurl, the
 * last good copy of a feed in the state directory, and the worker role
 * that runs due fetches.  docs/internals/fetch.md has the design.
 */
#ifndef RP_FETCH_H
#define RP_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct role_env;

#define FETCH_URL_MAX 2048
#define FETCH_VALIDATOR_MAX 256 /* an ETag or Last-Modified we keep */
#define FETCH_ERROR_MAX 512

/* --- URLs (fetch/url.c) -------------------------------------------- */

/*
 * Whether url may be pulled: an RFC 3986 URI of at most FETCH_URL_MAX
 * bytes, scheme http or https, with a host.  Returns 0, or
 * RP_ERR_INVALID with what was expected in err (the URL masked).
 */
int fetch_url_check(const char *url, char *err, size_t errlen);
/*
 * url with its secrets hidden, for logs, errors, the audit log and the
 * API: the user information before '@' becomes "***", every query
 * value "***" (names kept) and a fragment "#***".  Always
 * NUL-terminated; cut at outlen.
 */
void fetch_url_mask(const char *url, char *out, size_t outlen);

/* --- one GET (fetch/http.c) ---------------------------------------- */

struct fetch_opts {
	int64_t max_bytes; /* the body's cap, enforced while receiving */
	long connect_timeout; /* seconds */
	long timeout; /* seconds for the whole transfer */
	long max_redirects;
	const volatile int *cancel; /* may be NULL; nonzero: stop now */
};

enum fetch_status {
	FETCH_OK, /* 200: body holds the answer */
	FETCH_NOT_MODIFIED, /* 304 to the conditional request */
	FETCH_HTTP_ERROR, /* another HTTP status (in http_status) */
	FETCH_NETWORK, /* no answer: DNS, connect, TLS, timeout... */
	FETCH_TOO_BIG, /* the body passed max_bytes */
	FETCH_REFUSED, /* a redirect to a scheme other than http(s) */
	FETCH_CANCELLED, /* *cancel became nonzero (shutting down) */
};

struct fetch_reply {
	enum fetch_status status;
	long http_status; /* 0 when there was no answer */
	char *body; /* FETCH_OK: NUL-terminated, len bytes before it */
	size_t len;
	char etag[FETCH_VALIDATOR_MAX]; /* of the final answer, or "" */
	char last_modified[FETCH_VALIDATOR_MAX];
	char error[FETCH_ERROR_MAX]; /* what happened, URL masked */
};

/* Sets up libcurl once, before any thread starts (0 or RP_ERR_INTERNAL). */
int fetch_global_init(void);
/*
 * GETs url (fetch_url_check'ed by the caller) with If-None-Match: etag
 * and If-Modified-Since: last_modified when they are not NULL or "".
 * Returns 0 with the outcome in *r (see enum fetch_status; r->error
 * says what happened unless FETCH_OK / FETCH_NOT_MODIFIED), or
 * RP_ERR_NOMEM / RP_ERR_INTERNAL.  fetch_reply_clear frees the body.
 */
int fetch_get(const char *url, const char *etag, const char *last_modified,
    const struct fetch_opts *o, struct fetch_reply *r);
void fetch_reply_clear(struct fetch_reply *r);

/* --- the last good copy (fetch/copy.c) ----------------------------- */

/*
 * Writes data as dir/name atomically (a temporary file in dir, fsync,
 * rename, fsync of dir), mode 0600.  name is one path component.
 * Returns 0 or RP_ERR_IO / RP_ERR_ARG.
 */
int fetch_copy_save(
    const char *dir, const char *name, const void *data, size_t len);
/*
 * Reads dir/name (at most max bytes) into *out (NUL-terminated, caller
 * frees) and its length into *len.  RP_ERR_NOTFOUND when it is missing,
 * RP_ERR_LIMIT when larger than max, RP_ERR_IO, RP_ERR_NOMEM.
 */
int fetch_copy_load(
    const char *dir, const char *name, size_t max, char **out, size_t *len);

/* --- MISP feeds (fetch/misp.c) ------------------------------------- */

/* Whether s is a MISP event uuid as it may go into a URL: 36 characters,
 * lower- or upper-case hex in 8-4-4-4-12 groups. */
int fetch_uuid_ok(const char *s);

/* --- the sources' fetch state (fetch/source.c) --------------------- */

struct store;
struct store_source;

#define FETCH_INTERVAL_MIN 300 /* seconds; a shorter interval is this */

/*
 * Asks the worker to fetch source id now (the http role's "fetch now"):
 * recorded in the store, where the worker looks every few seconds.
 * 0 or a store error.
 */
int fetch_request(struct store *s, int64_t id, int64_t now);
/*
 * A source's fetch state for the API: {"state": "never" | "ok" |
 * "failed" | "not-pulled", "text": the state in words ("last fetched
 * 4 min ago, 304 not modified", "failed 1 min ago: HTTP 500 from ...;
 * keeping the copy of ..."), "last_fetch_at", "last_ok_at",
 * "last_result", "last_error", "etag", "last_good_sha256",
 * "fetch_requested_at"}.  NULL when the store or memory failed.
 */
json_t *fetch_state_json(
    struct store *s, const struct store_source *src, int64_t now);

/* --- the schedule (fetch/source.c) -------------------------------- */

/* A pulled source as the scheduler sees it. */
struct fetch_due {
	int64_t id;
	int64_t interval; /* seconds between fetches (fetch_interval()) */
	int64_t last_fetch_at; /* when the last run began; 0: never */
	int64_t requested_at; /* a "fetch now" asked at; 0: none */
};

/* The interval a source's fetch_interval gives: 0 (unset) is an hour,
 * less than FETCH_INTERVAL_MIN is FETCH_INTERVAL_MIN. */
int64_t fetch_interval(int64_t configured);
/*
 * Whether d is due at now: never fetched; interval + jitter seconds
 * after its last run began; or a "fetch now" at or after the last run
 * began that is not handled_request (the one already queued).
 */
int fetch_due_now(const struct fetch_due *d, int64_t jitter,
    int64_t handled_request, int64_t now);

/* --- the worker role (fetch/worker.c) ------------------------------ */

/* The worker role's entry (roles table): runs due fetches until SIGTERM
 * or until the parent goes away; returns the process's exit code. */
int fetch_worker_main(const struct role_env *env);

#endif
