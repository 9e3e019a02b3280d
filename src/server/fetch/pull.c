/*
 * What one run pulls and reads, before anything is stored: a plain list
 * or CSV (list-url), or a MISP feed (misp-feed: manifest.json, then the
 * events it lists).  Of a MISP feed only the events whose manifest
 * timestamp is newer than in the last good manifest are fetched again;
 * the others are read from the last good copies of their events
 * (STATE_DIR/feeds/<id>.events/<uuid>.json), so that the indicators of
 * the whole feed are known and those of events that left it can go.
 * The manifest is read with the MISP feed reader of src/lib/ioc, which
 * keeps only entries named by a canonical uuid.  Every failure leaves a
 * sentence in p->error and nothing else.
 */
#include "fetch/fetch_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto/crypto.h"
#include "err.h"
#include "ioc/ioc.h"
#include "json/rpjson.h"
#include "util/diag.h"

void
fetch_pull_clear(struct fetch_pull *p)
{
	if (p == NULL)
		return;
	ioc_bundle_free(p->b);
	free(p->body);
	for (size_t i = 0; i < p->nevents; i++)
		free(p->events[i].body);
	free(p->events);
	free(p->uuids);
	memset(p, 0, sizeof(*p));
}

/* The first error of d, for a message ("" when none). */
static const char *
first_error(const struct rp_diags *d, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; d != NULL && i < d->n; i++)
		if (d->v[i].level == RP_DIAG_ERROR) {
			if (d->v[i].line > 0)
				snprintf(buf, len, " (line %d: %s)",
				    d->v[i].line, d->v[i].msg);
			else
				snprintf(buf, len, " (%s)", d->v[i].msg);
			break;
		}
	return buf;
}

/* The GET and its outcome; 1 when there is a body to read. */
static int
get(const struct fetch_ctx *cx, const char *url, const char *etag,
    const char *lastmod, struct fetch_pull *p, struct fetch_reply *rep)
{
	if (fetch_get(url, etag, lastmod, &cx->opts, rep) != 0) {
		snprintf(p->error, sizeof(p->error), "out of memory");
		p->kind = PULL_FAILED;
		return 0;
	}
	p->http_status = rep->http_status;
	if (rep->status == FETCH_NOT_MODIFIED) {
		p->kind = PULL_NOT_MODIFIED;
		return 0;
	}
	if (rep->status != FETCH_OK) {
		snprintf(p->error, sizeof(p->error), "%s", rep->error);
		p->kind = PULL_FAILED;
		return 0;
	}
	return 1;
}

int
fetch_pull_list(const struct fetch_ctx *cx, const struct fetch_source *src,
    struct fetch_pull *p)
{
	struct fetch_reply rep;
	struct rp_diags *d = NULL;
	char why[300];
	int r;

	memset(p, 0, sizeof(*p));
	if (!get(cx, src->url, src->etag, src->last_modified, p, &rep))
		return 0;
	if ((p->b = ioc_bundle_new()) == NULL || (d = rp_diags_new()) == NULL) {
		fetch_reply_clear(&rep);
		rp_diags_free(d);
		return RP_ERR_NOMEM;
	}
	r = ioc_list_read_buf(rep.body, rep.len, src->name, p->b, d);
	if (r == RP_ERR_NOMEM) {
		fetch_reply_clear(&rep);
		rp_diags_free(d);
		return r;
	}
	if (r != 0 || p->b->niocs == 0) {
		snprintf(p->error, sizeof(p->error),
		    "the answer from %s (%zu bytes) is not a list of "
		    "indicators%s",
		    src->shown, rep.len, first_error(d, why, sizeof(why)));
		p->kind = PULL_FAILED;
	} else {
		p->kind = PULL_NEW;
		p->nwarnings = d->nwarnings;
		p->body = rep.body;
		p->len = rep.len;
		rep.body = NULL;
		memcpy(p->etag, rep.etag, sizeof(p->etag));
		memcpy(p->last_modified, rep.last_modified,
		    sizeof(p->last_modified));
	}
	fetch_reply_clear(&rep);
	rp_diags_free(d);
	return 0;
}

/*
 * The URL of name ("manifest.json", "<uuid>.json") in the feed at url:
 * the feed URL is its directory, or its manifest.json; a query string
 * (an access key) is kept.
 */
static int
feed_url(const char *url, const char *name, char *out, size_t outlen)
{
	size_t q = strcspn(url, "?#"), dir = q;
	static const char m[] = "manifest.json";

	if (dir >= sizeof(m) - 1 &&
	    memcmp(url + dir - (sizeof(m) - 1), m, sizeof(m) - 1) == 0)
		dir -= sizeof(m) - 1;
	if ((size_t)snprintf(out, outlen, "%.*s%s%s%.*s", (int)dir, url,
		dir > 0 && url[dir - 1] == '/' ? "" : "/", name,
		url[q] == '?' ? (int)strcspn(url + q, "#") : 0,
		url + q) >= outlen)
		return RP_ERR_LIMIT;
	return 0;
}

/* A manifest.json body read with ioc_misp_manifest_read_json, or NULL
 * (why in d); *entries is how many entries it had, usable or not. */
static struct ioc_misp_manifest *
manifest(const char *body, size_t len, size_t *entries, struct rp_diags *d)
{
	struct ioc_misp_manifest *m = NULL;
	json_t *j = rpjson_load_buf(body, len, d);

	*entries = json_is_object(j) ? json_object_size(j) : 0;
	if (j != NULL && ioc_misp_manifest_read_json(j, &m, d) != 0)
		m = NULL;
	json_decref(j);
	return m;
}

/*
 * The last good manifest, when its copy is the one the store recorded
 * (its sha256 is last_good_sha256): otherwise nothing counts as imported
 * and every event is fetched.
 */
static struct ioc_misp_manifest *
old_manifest(const struct fetch_ctx *cx, const struct fetch_source *src)
{
	struct ioc_misp_manifest *m = NULL;
	char name[64], *buf = NULL, hex[65];
	size_t len = 0, n;

	if (src->last_good_sha256 == NULL)
		return NULL;
	snprintf(name, sizeof(name), "%lld.body", (long long)src->id);
	if (fetch_copy_load(
		cx->dir, name, (size_t)cx->opts.max_bytes, &buf, &len) != 0)
		return NULL;
	crypto_sha256_hex(buf, len, hex);
	if (strcmp(hex, src->last_good_sha256) == 0)
		m = manifest(buf, len, &n, NULL);
	free(buf);
	return m;
}

static int
cmp_event(const void *key, const void *ev)
{
	return strcmp(key, ((const struct ioc_misp_manifest_event *)ev)->uuid);
}

/* The last good copy of event e, when the old manifest has it at e's
 * timestamp or later. */
static char *
kept_event(const struct fetch_ctx *cx, const struct fetch_source *src,
    const struct ioc_misp_manifest *old,
    const struct ioc_misp_manifest_event *e, size_t *len)
{
	const struct ioc_misp_manifest_event *o = old != NULL
	    ? bsearch(e->uuid, old->events, old->nevents, sizeof(*old->events),
		  cmp_event)
	    : NULL;
	char dir[1200], name[64], *buf = NULL;

	if (o == NULL || o->timestamp < e->timestamp)
		return NULL;
	snprintf(
	    dir, sizeof(dir), "%s/%lld.events", cx->dir, (long long)src->id);
	snprintf(name, sizeof(name), "%s.json", e->uuid);
	if (fetch_copy_load(dir, name, (size_t)cx->opts.max_bytes, &buf, len) !=
	    0)
		return NULL;
	return buf;
}

/* Reads one event's body into p->b; a failure of the whole run is
 * reported in p (kind PULL_FAILED). */
static int
read_event(const struct fetch_source *src, const char *uuid, const char *body,
    size_t len, struct fetch_pull *p)
{
	struct rp_diags *d = rp_diags_new();
	char why[300];
	json_t *j;
	int r = 0;

	if (d == NULL)
		return RP_ERR_NOMEM;
	j = rpjson_load_buf(body, len, d);
	if (j == NULL) {
		snprintf(p->error, sizeof(p->error),
		    "event %s of %s is not JSON%s", uuid, src->shown,
		    first_error(d, why, sizeof(why)));
		p->kind = PULL_FAILED;
		goto out;
	}
	r = ioc_misp_read_json(j, src->name, p->b, NULL, d);
	if (r == RP_ERR_INVALID) {
		/* an event without indicators (only text, say) is no error;
		 * a feed without any is (fetch_pull_misp) */
		p->nwarnings++;
		r = 0;
	}
	p->nwarnings += d->nwarnings;
out:
	json_decref(j);
	rp_diags_free(d);
	return r;
}

static int
cmp_uuid(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
fetch_manifest_has(const struct fetch_pull *p, const char *uuid)
{
	return p->uuids != NULL &&
	    bsearch(uuid, p->uuids, p->nuuids, sizeof(*p->uuids), cmp_uuid) !=
	    NULL;
}

/* Fetches or reuses each event of manifest man into p. */
static int
events(const struct fetch_ctx *cx, const struct fetch_source *src,
    const struct ioc_misp_manifest *man, struct fetch_pull *p)
{
	struct ioc_misp_manifest *old = old_manifest(cx, src);
	size_t total = 0;
	int r = 0;

	if ((p->events = calloc(man->nevents + 1, sizeof(*p->events))) ==
		NULL ||
	    (p->uuids = calloc(man->nevents + 1, sizeof(*p->uuids))) == NULL) {
		ioc_misp_manifest_free(old);
		return RP_ERR_NOMEM;
	}
	for (size_t i = 0; i < man->nevents; i++) {
		const struct ioc_misp_manifest_event *e = &man->events[i];
		struct fetch_event *ev = &p->events[p->nevents];
		struct fetch_reply rep;
		char url[FETCH_URL_MAX + 64], name[64];
		char *kept;
		size_t len = 0;

		/* the reader keeps canonical uuids only; checked again here
		 * because this one goes into a URL */
		if (!fetch_uuid_ok(e->uuid)) {
			p->nbad_uuids++;
			continue;
		}
		snprintf(
		    p->uuids[p->nuuids++], sizeof(*p->uuids), "%s", e->uuid);
		if ((kept = kept_event(cx, src, old, e, &len)) != NULL) {
			r = read_event(src, e->uuid, kept, len, p);
			free(kept);
			p->nkept++;
			if (r != 0 || p->kind == PULL_FAILED)
				break;
			continue;
		}
		snprintf(name, sizeof(name), "%s.json", e->uuid);
		if (feed_url(src->url, name, url, sizeof(url)) != 0 ||
		    !get(cx, url, NULL, NULL, p, &rep)) {
			if (p->kind != PULL_FAILED) /* a 304 we did not ask */
				snprintf(p->error, sizeof(p->error),
				    "event %s of %s: no body", e->uuid,
				    src->shown);
			p->kind = PULL_FAILED;
			break;
		}
		total += rep.len;
		snprintf(ev->uuid, sizeof(ev->uuid), "%s", e->uuid);
		ev->body = rep.body;
		ev->len = rep.len;
		p->nevents++;
		p->nfetched++;
		if (total > (size_t)cx->opts.max_bytes) {
			snprintf(p->error, sizeof(p->error),
			    "the events of %s are larger than the %lld bytes "
			    "a feed may have",
			    src->shown, (long long)cx->opts.max_bytes);
			p->kind = PULL_FAILED;
			break;
		}
		if ((r = read_event(src, e->uuid, rep.body, rep.len, p)) != 0 ||
		    p->kind == PULL_FAILED)
			break;
	}
	ioc_misp_manifest_free(old);
	qsort(p->uuids, p->nuuids, sizeof(*p->uuids), cmp_uuid);
	return r;
}

int
fetch_pull_misp(const struct fetch_ctx *cx, const struct fetch_source *src,
    struct fetch_pull *p)
{
	struct ioc_misp_manifest *man = NULL;
	struct fetch_reply rep;
	struct rp_diags *d = NULL;
	char url[FETCH_URL_MAX + 64], why[300];
	size_t entries = 0;
	int r = 0;

	memset(p, 0, sizeof(*p));
	if (feed_url(src->url, "manifest.json", url, sizeof(url)) != 0) {
		snprintf(
		    p->error, sizeof(p->error), "%s is too long", src->shown);
		p->kind = PULL_FAILED;
		return 0;
	}
	if (!get(cx, url, src->etag, src->last_modified, p, &rep))
		return 0;
	if ((p->b = ioc_bundle_new()) == NULL || (d = rp_diags_new()) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	if ((man = manifest(rep.body, rep.len, &entries, d)) == NULL) {
		snprintf(p->error, sizeof(p->error),
		    "the manifest.json of %s is not a MISP feed manifest%s",
		    src->shown, first_error(d, why, sizeof(why)));
		p->kind = PULL_FAILED;
		goto out;
	}
	p->kind = PULL_NEW;
	p->nbad_uuids = entries > man->nevents ? entries - man->nevents : 0;
	if ((r = events(cx, src, man, p)) != 0 || p->kind == PULL_FAILED)
		goto out;
	if (p->b->niocs == 0) {
		snprintf(p->error, sizeof(p->error),
		    "the MISP feed %s has no usable indicators (%zu events)",
		    src->shown, man->nevents);
		p->kind = PULL_FAILED;
		goto out;
	}
	p->body = rep.body;
	p->len = rep.len;
	rep.body = NULL;
	memcpy(p->etag, rep.etag, sizeof(p->etag));
	memcpy(p->last_modified, rep.last_modified, sizeof(p->last_modified));
out:
	ioc_misp_manifest_free(man);
	fetch_reply_clear(&rep);
	rp_diags_free(d);
	return r;
}
