/*
 * The pulled sources as the store holds them, for the scheduler and the
 * API: which are due, "fetch now", and the fetch state in words.  "Fetch
 * now" goes from the http role to the worker through the store (the
 * meta key fetch_request.<id> holds when it was asked), which survives
 * a restart of either role and needs no message between them.
 */
#include "fetch/fetch_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "err.h"
#include "store/store.h"

#define INTERVAL_DEFAULT 3600

static const struct store_scope all_tenants = {1, 0};

static int
pulled(const char *kind)
{
	return kind != NULL &&
	    (strcmp(kind, "list-url") == 0 || strcmp(kind, "misp-feed") == 0);
}

int64_t
fetch_interval(int64_t configured)
{
	if (configured <= 0)
		return INTERVAL_DEFAULT;
	return configured < FETCH_INTERVAL_MIN ? FETCH_INTERVAL_MIN
					       : configured;
}

static int64_t
decimal(const char *s)
{
	int64_t v = 0;

	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (INT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (*s - '0');
	}
	return *s == '\0' ? v : 0;
}

int
fetch_due_now(const struct fetch_due *d, int64_t jitter,
    int64_t handled_request, int64_t now)
{
	if (d->last_fetch_at == 0 ||
	    now >= d->last_fetch_at + d->interval + jitter)
		return 1;
	return d->requested_at != 0 && d->requested_at != handled_request &&
	    d->requested_at >= d->last_fetch_at;
}

/* The meta value name.<id>: *v (caller frees) or NULL when unset. */
static int
meta(struct store *s, const char *name, int64_t id, char **v)
{
	char key[64];
	int r;

	*v = NULL;
	snprintf(key, sizeof(key), "%s.%lld", name, (long long)id);
	r = store_meta_get(s, key, v);
	return r == RP_ERR_NOTFOUND ? 0 : r;
}

static int
requested(struct store *s, int64_t id, int64_t *at)
{
	char *v = NULL;
	int r;

	*at = 0;
	if ((r = meta(s, "fetch_request", id, &v)) != 0 || v == NULL)
		return r;
	*at = decimal(v);
	free(v);
	return 0;
}

int
fetch_result_note(struct store *s, int64_t id, const char *text)
{
	char key[64];

	snprintf(key, sizeof(key), "fetch_result.%lld", (long long)id);
	return store_meta_set(s, key, text);
}

int
fetch_request(struct store *s, int64_t id, int64_t now)
{
	char key[48], val[24];

	snprintf(key, sizeof(key), "fetch_request.%lld", (long long)id);
	snprintf(val, sizeof(val), "%lld", (long long)now);
	return store_meta_set(s, key, val);
}

/* Appends the due view of the pulled, enabled rows of v to *out. */
static int
keep_pulled(struct store *s, const struct store_source *v, size_t n,
    struct fetch_due **out, size_t *nout, size_t *cap)
{
	struct fetch_due *nv;
	int r;

	for (size_t i = 0; i < n; i++) {
		struct fetch_due *d;

		if (!v[i].enabled || v[i].url == NULL || !pulled(v[i].kind))
			continue;
		if (*nout == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			if ((nv = realloc(*out, *cap * sizeof(**out))) == NULL)
				return RP_ERR_NOMEM;
			*out = nv;
		}
		d = &(*out)[*nout];
		d->id = v[i].id;
		d->interval = fetch_interval(v[i].fetch_interval);
		d->last_fetch_at = v[i].last_fetch_at;
		if ((r = requested(s, v[i].id, &d->requested_at)) != 0)
			return r;
		(*nout)++;
	}
	return 0;
}

int
fetch_due_list(struct store *s, struct fetch_due **out, size_t *nout)
{
	struct store_page pg = {0, STORE_PAGE_MAX};
	struct store_source *v = NULL;
	struct fetch_due *res = NULL;
	size_t n = 0, nres = 0, cap = 0;
	int more = 1, r = 0;

	*out = NULL;
	*nout = 0;
	while (r == 0 && more) {
		if ((r = store_source_list(
			 s, &all_tenants, 0, &pg, &v, &n, &more)) != 0)
			break;
		if (n > 0)
			pg.after = v[n - 1].id;
		r = keep_pulled(s, v, n, &res, &nres, &cap);
		store_sources_free(v, n);
		if (n == 0)
			break;
	}
	if (r != 0) {
		free(res);
		return r;
	}
	*out = res;
	*nout = nres;
	return 0;
}

static void
ago(int64_t secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 120)
		snprintf(buf, len, "%lld s ago", (long long)secs);
	else if (secs < 7200)
		snprintf(buf, len, "%lld min ago", (long long)(secs / 60));
	else if (secs < 2 * 86400)
		snprintf(buf, len, "%lld h ago", (long long)(secs / 3600));
	else
		snprintf(buf, len, "%lld days ago", (long long)(secs / 86400));
}

/* The state's one word and its sentence. */
static const char *
state_text(const struct store_source *src, const char *result, int64_t now,
    char *buf, size_t len)
{
	char when[32];

	if (!pulled(src->kind)) {
		snprintf(buf, len, "not pulled: indicators come by import");
		return "not-pulled";
	}
	if (src->last_fetch_at == 0) {
		snprintf(buf, len, "%s",
		    src->enabled ? "not fetched yet"
				 : "disabled; never fetched");
		return "never";
	}
	ago(now - src->last_fetch_at, when, sizeof(when));
	if (src->last_error != NULL && src->last_error[0] != '\0') {
		snprintf(buf, len, "failed %s: %s", when, src->last_error);
		return "failed";
	}
	snprintf(buf, len, "last fetched %s, %s%s", when,
	    result != NULL ? result : "ok", src->enabled ? "" : " (disabled)");
	return "ok";
}

json_t *
fetch_state_json(struct store *s, const struct store_source *src, int64_t now)
{
	char text[2048], *result = NULL, *req = NULL;
	const char *state;
	json_t *o;

	if (meta(s, "fetch_result", src->id, &result) != 0 ||
	    meta(s, "fetch_request", src->id, &req) != 0) {
		free(result);
		return NULL;
	}
	state = state_text(src, result, now, text, sizeof(text));
	o = json_pack("{s:s, s:s, s:I, s:I, s:s?, s:s?, s:s?, s:s?, s:I}",
	    "state", state, "text", text, "last_fetch_at",
	    (json_int_t)src->last_fetch_at, "last_ok_at",
	    (json_int_t)src->last_ok_at, "last_result", result, "last_error",
	    src->last_error, "etag", src->etag, "last_good_sha256",
	    src->last_good_sha256, "fetch_requested_at",
	    (json_int_t)(req != NULL ? decimal(req) : 0));
	free(result);
	free(req);
	return o;
}
