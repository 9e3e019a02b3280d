/*
 * Blocklist feeds as the API manages them (docs/api.md, "Feeds"): a
 * technician creates a feed for a tenant in the caller's scope (the
 * MSP-wide feed only with an all-tenant scope), and sees its URL with
 * the secret once, at creation or rotation; the store keeps only the
 * secret's hash.  Lists, fetch records, "is the block live?" and what
 * the last render left out are read within the caller's scope, so a
 * feed of another tenant is "not found".  Every change is audited,
 * never with the secret.
 */
#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "feeds/feeds.h"
#include "util/err.h"

#define FEED_NAME_MAX 100
#define FETCHES_MAX 100

/* A decimal id of the path (at most 18 digits); 0 when it is not one. */
static int64_t
feed_path_id(const char *p)
{
	int64_t id = 0;
	size_t i;

	for (i = 0; p[i] != '\0'; i++) {
		if (p[i] < '0' || p[i] > '9' || i >= 18)
			return 0;
		id = id * 10 + (p[i] - '0');
	}
	return id;
}

/* The feed of the path within the caller's scope; answers 404. */
static int
path_feed(struct api_ctx *c, struct store_feed *f)
{
	int64_t id = feed_path_id(c->param[0]);
	int r;

	r = id > 0 ? store_feed_get(c->s, &c->who.scope, id, f)
		   : RP_ERR_NOTFOUND;
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such feed");
	if (r != 0)
		return api_store_fail(c, r);
	return 0;
}

static json_t *
status_json(const struct feeds_status *st)
{
	json_t *o;

	if (!st->fetched)
		return json_pack("{s:s,s:n,s:o}", "state", "never",
		    "last_fetch", "newest_change", api_time(st->newest_change));
	o = json_pack("{s:s,s:{s:o,s:s,s:s,s:i,s:I},s:o,s:I,s:o}", "state",
	    st->fresh ? "fresh" : "stale", "last_fetch", "at",
	    api_time(st->last.at), "address", st->last.address, "etag",
	    st->last.etag, "status", st->last.status, "entries",
	    (json_int_t)st->last.entries, "includes_up_to",
	    api_time(st->last.content_at), "changes_since",
	    (json_int_t)st->changes_since, "newest_change",
	    api_time(st->newest_change));
	return o;
}

/* The feed as the API shows it; with_status adds "is it live?". */
static json_t *
feed_json(struct api_ctx *c, const struct store_feed *f, int with_status)
{
	struct feeds_status st;
	char slug[64];
	json_t *o;

	if (f->tenant_id != 0 &&
	    api_tenant_slug_any(c, f->tenant_id, slug) != 0)
		return NULL;
	o = json_pack("{s:I,s:o,s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:b,s:o,s:s}", "id",
	    (json_int_t)f->id, "tenant",
	    f->tenant_id != 0 ? json_string(slug) : json_null(), "name",
	    f->name, "format", f->format, "file",
	    feeds_file_name(f->format) != NULL ? feeds_file_name(f->format)
					       : "",
	    "max_entries", (json_int_t)f->max_entries, "limit",
	    (json_int_t)(f->max_entries > 0 ? f->max_entries
					    : feeds_default_limit(f->format)),
	    "sinkhole4",
	    f->sinkhole4 != NULL ? json_string(f->sinkhole4) : json_null(),
	    "sinkhole6",
	    f->sinkhole6 != NULL ? json_string(f->sinkhole6) : json_null(),
	    "enabled", f->enabled, "created_at", api_time(f->created_at),
	    "created_by", f->created_by);
	if (o != NULL && with_status &&
	    feeds_status_get(c->s, f, c->rq->now, &st) == 0)
		json_object_set_new(o, "status", status_json(&st));
	return o;
}

int
h_feed_list(struct api_ctx *c)
{
	const char *q = c->rq->arg(c->rq->arg_cls, "tenant");
	struct store_feed *v = NULL;
	struct store_page pg;
	int64_t *ids = NULL, tenant = 0;
	size_t n = 0, i;
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0)
		return -1;
	if (q != NULL && strcmp(q, "msp") == 0)
		tenant = -1;
	else if (q != NULL) {
		if ((r = api_tenant_ids(c, "tenant", 1, &ids)) < 0)
			return -1;
		if (r != 1) {
			free(ids);
			return api_fail(c, 400, "invalid_query", "?tenant",
			    "?tenant: expected one tenant slug, or msp");
		}
		tenant = ids[0];
		free(ids);
	}
	if ((r = store_feed_list(
		 c->s, &c->who.scope, tenant, &pg, &v, &n, &more)) != 0)
		return api_store_fail(c, r);
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items, feed_json(c, &v[i], 1));
	r = api_list(c, items, more, n > 0 ? v[n - 1].id : 0);
	store_feeds_free(v, n);
	return r;
}

int
h_feed_get(struct api_ctx *c)
{
	struct store_feed f = {0};
	json_t *o;

	if (path_feed(c, &f) < 0)
		return -1;
	o = feed_json(c, &f, 1);
	store_feed_clear(&f);
	return api_json(c, 200, o);
}

/* The feed's URL with its secret: scheme and host as the caller
 * reached this server (a Host of host name characters only), else the
 * path alone. */
static json_t *
feed_url(struct api_ctx *c, const char *secret, const char *fmt)
{
	const char *h = c->rq->host;
	char url[512];
	size_t i;
	int ok = h != NULL && h[0] != '\0' && strlen(h) < 256;

	for (i = 0; ok && h[i] != '\0'; i++)
		ok = (h[i] >= 'a' && h[i] <= 'z') ||
		    (h[i] >= 'A' && h[i] <= 'Z') ||
		    (h[i] >= '0' && h[i] <= '9') || h[i] == '.' ||
		    h[i] == '-' || h[i] == ':' || h[i] == '[' || h[i] == ']';
	snprintf(url, sizeof(url), "%s%s" FEEDS_PATH "%s/%s",
	    ok ? (api_cfg()->server_fp[0] != '\0' ? "https://" : "http://")
	       : "",
	    ok ? h : "", secret, feeds_file_name(fmt));
	json_t *v = json_string(url);
	sodium_memzero(url, sizeof(url));
	return v;
}

/* A sinkhole field: absent (1), JSON null or an address of family af
 * (0, *out NULL or the text), or answered (-1). */
static int
sinkhole(struct api_ctx *c, const char *name, int af, const char **out)
{
	json_t *v = json_object_get(c->body, name);
	unsigned char buf[16];
	const char *s;
	char p[40];
	int r;

	if (v == NULL)
		return 1;
	*out = NULL;
	if (json_is_null(v))
		return 0;
	if ((r = api_str(c, name, 1, 64, &s)) != 0)
		return r;
	if (inet_pton(af, s, buf) != 1) {
		snprintf(p, sizeof(p), "/%s", name);
		return api_fail(c, 400, "invalid_field", p,
		    "%s: expected an %s address", name,
		    af == AF_INET ? "IPv4" : "IPv6");
	}
	*out = s;
	return 0;
}

/* The body's tenant: a slug in the caller's scope (*id), or null / absent
 * for the MSP-wide feed (*id 0), which only an all-tenant caller may
 * make; -1 answered. */
static int
body_tenant(struct api_ctx *c, int64_t *id, char slug[64])
{
	json_t *v = json_object_get(c->body, "tenant");
	struct store_tenant t = {0};
	const char *s;
	int r;

	*id = 0;
	slug[0] = '\0';
	if (v == NULL || json_is_null(v)) {
		if (!c->who.scope.all)
			return api_fail(c, 403, "forbidden", "/tenant",
			    "the MSP-wide feed needs a caller who sees every "
			    "tenant");
		return 0;
	}
	if (api_str(c, "tenant", 1, 63, &s) < 0)
		return -1;
	r = api_name_ok(s, 0) ? store_tenant_get(c->s, &c->who.scope, s, &t)
			      : RP_ERR_NOTFOUND;
	if (r == RP_ERR_NOTFOUND)
		return api_fail(
		    c, 404, "not_found", "/tenant", "no tenant '%.63s'", s);
	if (r != 0)
		return api_store_fail(c, r);
	*id = t.id;
	snprintf(slug, 64, "%s", t.slug);
	store_tenant_clear(&t);
	return 0;
}

static int
feed_insert(
    struct api_ctx *c, const char *slug, const char *hash, struct store_feed *f)
{
	char target[48];
	int r;

	if ((r = store_begin(c->s)) != 0)
		return r;
	if ((r = store_feed_create(c->s, hash, f)) != 0)
		goto fail;
	snprintf(target, sizeof(target), "feed:%lld", (long long)f->id);
	if ((r = api_audit_commit(c, "feed.create", slug, target, "ok",
		 json_pack("{s:s,s:s,s:I}", "name", f->name, "format",
		     f->format, "max_entries", (json_int_t)f->max_entries))) !=
	    0)
		goto fail;
	return 0;
fail:
	store_rollback(c->s);
	return r;
}

/* Answers the feed with its one-time URL. */
static int
answer_with_url(
    struct api_ctx *c, int status, const struct store_feed *f, char *secret)
{
	json_t *o = feed_json(c, f, 0);

	if (o != NULL)
		json_object_set_new(o, "url", feed_url(c, secret, f->format));
	sodium_memzero(secret, FEEDS_SECRET_LEN + 1);
	return api_json(c, status, o);
}

int
h_feed_create(struct api_ctx *c)
{
	static const char *const keys[] = {"tenant", "name", "format",
	    "max_entries", "sinkhole4", "sinkhole6", NULL};
	struct store_feed f = {0};
	const char *name = NULL, *fmt = NULL, *s4 = NULL, *s6 = NULL;
	char secret[FEEDS_SECRET_LEN + 1], hash[65], slug[64];
	int64_t max = 0, tenant;
	int r;

	if (api_keys_only(c, keys) < 0 || body_tenant(c, &tenant, slug) < 0 ||
	    api_str(c, "name", 1, FEED_NAME_MAX, &name) < 0 ||
	    api_str(c, "format", 1, 32, &fmt) < 0 ||
	    api_int(c, "max_entries", 0, 10000000, &max) < 0 ||
	    sinkhole(c, "sinkhole4", AF_INET, &s4) < 0 ||
	    sinkhole(c, "sinkhole6", AF_INET6, &s6) < 0)
		return -1;
	if (name[0] == '\0')
		return api_fail(c, 400, "invalid_field", "/name",
		    "name: expected a non-empty string");
	if (!feeds_format_ok(fmt))
		return api_fail(c, 400, "invalid_field", "/format",
		    "format: '%.32s' is not a blocklist format "
		    "(docs/blocklists.md lists them)",
		    fmt);
	if (feeds_secret_new(secret, sizeof(secret), hash) != 0)
		return api_store_fail(c, RP_ERR_INTERNAL);
	f.tenant_id = tenant;
	f.name = (char *)name;
	f.format = (char *)fmt;
	f.max_entries = max;
	f.sinkhole4 = (char *)s4;
	f.sinkhole6 = (char *)s6;
	f.created_at = c->rq->now;
	f.created_by = c->who.label;
	f.enabled = 1;
	if ((r = feed_insert(c, slug, hash, &f)) != 0) {
		sodium_memzero(secret, sizeof(secret));
		return api_store_fail(c, r);
	}
	return answer_with_url(c, 201, &f, secret);
}

/* The PATCH body applied to f: 0, or -1 answered. */
static int
feed_patch(struct api_ctx *c, struct store_feed *f, int *rotate)
{
	static const char *const keys[] = {"enabled", "max_entries",
	    "sinkhole4", "sinkhole6", "rotate_secret", NULL};
	const char *s4 = NULL, *s6 = NULL;
	int r4, r6;

	*rotate = 0;
	if (api_keys_only(c, keys) < 0 ||
	    api_bool(c, "enabled", &f->enabled) < 0 ||
	    api_int(c, "max_entries", 0, 10000000, &f->max_entries) < 0 ||
	    (r4 = sinkhole(c, "sinkhole4", AF_INET, &s4)) < 0 ||
	    (r6 = sinkhole(c, "sinkhole6", AF_INET6, &s6)) < 0 ||
	    api_bool(c, "rotate_secret", rotate) < 0)
		return -1;
	if (r4 == 0) {
		free(f->sinkhole4);
		f->sinkhole4 = s4 != NULL ? strdup(s4) : NULL;
		if (s4 != NULL && f->sinkhole4 == NULL)
			return api_store_fail(c, RP_ERR_NOMEM);
	}
	if (r6 == 0) {
		free(f->sinkhole6);
		f->sinkhole6 = s6 != NULL ? strdup(s6) : NULL;
		if (s6 != NULL && f->sinkhole6 == NULL)
			return api_store_fail(c, RP_ERR_NOMEM);
	}
	return 0;
}

static int
feed_save(struct api_ctx *c, const struct store_feed *f, const char *hash,
    const char *slug)
{
	char target[48];
	int r;

	snprintf(target, sizeof(target), "feed:%lld", (long long)f->id);
	if ((r = store_begin(c->s)) != 0)
		return r;
	if ((r = store_feed_update(c->s, f, hash)) != 0 ||
	    (r = api_audit_commit(c, "feed.update", slug, target, "ok",
		 json_pack("{s:b,s:I,s:b}", "enabled", f->enabled,
		     "max_entries", (json_int_t)f->max_entries,
		     "secret_rotated", hash != NULL))) != 0) {
		store_rollback(c->s);
		return r;
	}
	return 0;
}

int
h_feed_update(struct api_ctx *c)
{
	struct store_feed f = {0};
	char secret[FEEDS_SECRET_LEN + 1], hash[65], slug[64] = "";
	int rotate = 0, r;

	if (path_feed(c, &f) < 0)
		return -1;
	if (feed_patch(c, &f, &rotate) < 0) {
		store_feed_clear(&f);
		return -1;
	}
	if ((rotate && feeds_secret_new(secret, sizeof(secret), hash) != 0) ||
	    (f.tenant_id != 0 &&
		api_tenant_slug_any(c, f.tenant_id, slug) != 0)) {
		store_feed_clear(&f);
		return api_store_fail(c, RP_ERR_INTERNAL);
	}
	if ((r = feed_save(c, &f, rotate ? hash : NULL, slug)) != 0) {
		store_feed_clear(&f);
		if (rotate)
			sodium_memzero(secret, sizeof(secret));
		return api_store_fail(c, r);
	}
	if (!f.enabled)
		feeds_forget(f.id);
	if (rotate)
		r = answer_with_url(c, 200, &f, secret);
	else
		r = api_json(c, 200, feed_json(c, &f, 0));
	store_feed_clear(&f);
	return r;
}

int
h_feed_delete(struct api_ctx *c)
{
	struct store_feed f = {0};
	char slug[64] = "", target[48];
	int r;

	if (path_feed(c, &f) < 0)
		return -1;
	snprintf(target, sizeof(target), "feed:%lld", (long long)f.id);
	if (f.tenant_id != 0 &&
	    (r = api_tenant_slug_any(c, f.tenant_id, slug)) != 0)
		goto fail;
	if ((r = store_begin(c->s)) != 0)
		goto fail;
	if ((r = store_feed_delete(c->s, f.id)) != 0 ||
	    (r = api_audit_commit(c, "feed.delete", slug, target, "ok",
		 json_pack("{s:s,s:s}", "name", f.name, "format", f.format))) !=
		0) {
		store_rollback(c->s);
		goto fail;
	}
	feeds_forget(f.id);
	store_feed_clear(&f);
	return api_no_content(c);
fail:
	store_feed_clear(&f);
	return api_store_fail(c, r);
}

int
h_feed_fetches(struct api_ctx *c)
{
	struct store_feed f = {0};
	struct store_feed_fetch *v = NULL;
	size_t n = 0, i;
	json_t *items;
	int r;

	if (path_feed(c, &f) < 0)
		return -1;
	if ((r = feeds_flush(c->s)) != 0 ||
	    (r = store_feed_fetch_list(c->s, f.id, FETCHES_MAX, &v, &n)) != 0) {
		store_feed_clear(&f);
		return api_store_fail(c, r);
	}
	store_feed_clear(&f);
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items,
		    json_pack("{s:o,s:s,s:s,s:i,s:I,s:I,s:o}", "at",
			api_time(v[i].at), "address", v[i].address, "etag",
			v[i].etag, "status", v[i].status, "entries",
			(json_int_t)v[i].entries, "bytes",
			(json_int_t)v[i].bytes, "includes_up_to",
			api_time(v[i].content_at)));
	free(v);
	return api_json(c, 200, json_pack("{s:o}", "items", items));
}

int
h_feed_status(struct api_ctx *c)
{
	struct store_feed f = {0};
	struct feeds_status st;
	int r;

	if (path_feed(c, &f) < 0)
		return -1;
	r = feeds_status_get(c->s, &f, c->rq->now, &st);
	store_feed_clear(&f);
	if (r != 0)
		return api_store_fail(c, r);
	return api_json(c, 200, status_json(&st));
}

static json_t *
left_json(const struct feeds_left *v, size_t n, int capacity)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n && a != NULL; i++)
		json_array_append_new(a,
		    capacity
			? json_pack("{s:s,s:s,s:I}", "value", v[i].value,
			      "type", v[i].type, "rank", (json_int_t)v[i].rank)
			: json_pack("{s:s,s:s,s:s,s:s}", "value", v[i].value,
			      "type", v[i].type, "reason", v[i].reason, "text",
			      v[i].text != NULL ? v[i].text : ""));
	return a;
}

int
h_feed_report(struct api_ctx *c)
{
	struct store_feed f = {0};
	struct feeds_content *ct = NULL;
	json_t *o;
	int r;

	if (path_feed(c, &f) < 0)
		return -1;
	r = feeds_content_get(c->s, &f, c->rq->now, &ct);
	store_feed_clear(&f);
	if (r != 0)
		return api_store_fail(c, r);
	o = json_pack("{s:o,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o}",
	    "rendered_at", api_time(ct->built_at), "etag", ct->etag,
	    "indicators", (json_int_t)ct->indicators, "written",
	    (json_int_t)ct->written, "refused", (json_int_t)ct->refused,
	    "url_only", (json_int_t)ct->url_only, "trimmed",
	    (json_int_t)ct->trimmed, "skipped", (json_int_t)ct->skipped,
	    "expired", (json_int_t)ct->expired, "bytes", (json_int_t)ct->len,
	    "refusals", left_json(ct->refusals, ct->nrefusals, 0),
	    "trimmed_entries", left_json(ct->cut, ct->ncut, 1));
	feeds_content_put(ct);
	return api_json(c, 200, o);
}
