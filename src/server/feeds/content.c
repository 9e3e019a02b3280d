/*
 * One render of a feed: the active block-mode indicators of its scope
 * (a tenant's own and the MSP-wide ones; the MSP-wide feed: the MSP-wide
 * ones only) read in one snapshot with the version they reflect, each
 * checked by the allowlist guard (built-in list, public suffixes, the
 * tenant's and the MSP's allow entries), rendered with the feed's
 * capacity and the request time.  What the guard refused and what the
 * capacity cut are kept for the report, at most FEEDS_REPORT_MAX each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allow/allow.h"
#include "crypto/crypto.h"
#include "feeds_int.h"
#include "util/err.h"

int
content_version(struct store *s, const struct store_feed *f, int64_t now,
    struct feeds_version *v)
{
	struct feeds_version w = {0};
	int r;

	if ((r = store_begin_read(s)) != 0)
		return r;
	if ((r = store_indicator_version(
		 s, f->tenant_id, &w.changed_at, &w.count)) == 0)
		r = store_indicator_expiry(
		    s, f->tenant_id, now, &w.last_passed, &w.next_expiry);
	store_rollback(s);
	if (r == 0)
		*v = w;
	return r;
}

/* The walk's state: the guard, the list, and the content being made. */
struct walk {
	const struct allow *guard;
	struct blocklist *bl;
	struct feeds_content *c;
	size_t caprefusals;
	int err;
};

static int
left_add(struct feeds_left **v, size_t *n, size_t *cap, const char *value,
    const char *type, const char *reason, const char *text, int64_t rank)
{
	struct feeds_left *l;

	if (*n >= FEEDS_REPORT_MAX)
		return 0;
	if (*n == *cap) {
		size_t nc = *cap == 0 ? 16 : *cap * 2;
		void *p;

		if (nc > FEEDS_REPORT_MAX)
			nc = FEEDS_REPORT_MAX;
		if ((p = realloc(*v, nc * sizeof(**v))) == NULL)
			return RP_ERR_NOMEM;
		*v = p;
		*cap = nc;
	}
	l = &(*v)[*n];
	memset(l, 0, sizeof(*l));
	snprintf(l->type, sizeof(l->type), "%s", type);
	snprintf(l->reason, sizeof(l->reason), "%s", reason);
	l->rank = rank;
	if ((l->value = strdup(value)) == NULL ||
	    (text != NULL && (l->text = strdup(text)) == NULL)) {
		free(l->value);
		return RP_ERR_NOMEM;
	}
	(*n)++;
	return 0;
}

/* The blocklist and guard kinds of an indicator type; 0: not listed. */
static int
kinds_of(const char *type, enum blocklist_kind *bk, enum allow_kind *ak)
{
	*ak = ALLOW_ADDR;
	if (strcmp(type, "domain") == 0) {
		*bk = BLOCKLIST_DOMAIN;
		*ak = ALLOW_DOMAIN;
	} else if (strcmp(type, "ip") == 0 || strcmp(type, "cidr") == 0)
		*bk = BLOCKLIST_ADDR;
	else if (strcmp(type, "url") == 0) {
		*bk = BLOCKLIST_URL;
		*ak = ALLOW_URL;
	} else if (strcmp(type, "sha256") == 0)
		*bk = BLOCKLIST_SHA256;
	else if (strcmp(type, "sha1") == 0)
		*bk = BLOCKLIST_SHA1;
	else if (strcmp(type, "md5") == 0)
		*bk = BLOCKLIST_MD5;
	else
		return 0;
	return 1;
}

static int
refuse(struct walk *w, const struct store_feed_indicator *ind,
    const struct allow_verdict *v)
{
	char text[512];

	w->c->refused++;
	allow_reason_text(v, text, sizeof(text));
	return left_add(&w->c->refusals, &w->c->nrefusals, &w->caprefusals,
	    ind->value, ind->type, allow_reason_name(v->reason), text, 0);
}

static int
on_indicator(const struct store_feed_indicator *ind, void *arg)
{
	struct walk *w = arg;
	struct allow_verdict v;
	struct blocklist_entry e;
	enum blocklist_kind bk;
	enum allow_kind ak;
	const char *why = NULL;
	int r;

	if (!kinds_of(ind->type, &bk, &ak))
		return 0;
	w->c->indicators++;
	if (bk == BLOCKLIST_DOMAIN || bk == BLOCKLIST_ADDR ||
	    bk == BLOCKLIST_URL) {
		if (allow_check(w->guard, ak, ind->value, &v) != 0) {
			memset(&v, 0, sizeof(v));
			v.result = ALLOW_REFUSED;
		}
		/* A URL on a protected host stays an exact URL rule; any
		 * other kind on one is left out. */
		if (v.result == ALLOW_URL_ONLY && bk == BLOCKLIST_URL)
			w->c->url_only++;
		else if (v.result != ALLOW_OK)
			return refuse(w, ind, &v);
	}
	memset(&e, 0, sizeof(e));
	e.kind = bk;
	e.value = ind->value;
	e.source = ind->source[0] != '\0' ? ind->source : NULL;
	e.confidence = ind->confidence;
	e.first_seen = ind->first_seen;
	e.last_seen = ind->last_seen;
	e.expires = ind->expires;
	e.sightings = ind->sightings > 0 && ind->sightings < UINT32_MAX
	    ? (uint32_t)ind->sightings
	    : 0;
	e.tlp = ind->tlp;
	e.tags = ind->tags != NULL && ind->tags[0] != '\0' ? ind->tags : NULL;
	if ((r = blocklist_add_entry(w->bl, &e, &why)) == RP_ERR_INVALID) {
		/* the store holds it, the list cannot: shown, not dropped */
		w->c->refused++;
		return left_add(&w->c->refusals, &w->c->nrefusals,
		    &w->caprefusals, ind->value, ind->type, "invalid",
		    why != NULL ? why : "not a valid value for a list", 0);
	}
	return r;
}

static int
on_allow(const struct store_allow *a, void *arg)
{
	struct allow *g = arg;
	int r;

	if (strcmp(a->kind, "domain") == 0)
		r = allow_add_domain(g, a->value, a->list_name, a->reason);
	else
		r = allow_add_cidr(g, a->value, a->list_name, a->reason);
	/* an entry the guard cannot hold (a public suffix) protects
	 * nothing more than the suffix rule does */
	return r == RP_ERR_INVALID ? 0 : r;
}

/* The trimmed entries, best ranked first, after the written ones. */
struct cut_state {
	struct feeds_content *c;
	size_t cap;
	int64_t rank;
	int err;
};

static void
on_trimmed(void *arg, const struct blocklist_entry *e)
{
	static const char *const names[] = {
	    "", "domain", "ip", "url", "sha256", "sha1", "md5"};
	struct cut_state *st = arg;
	int r;

	st->rank++;
	r = left_add(&st->c->cut, &st->c->ncut, &st->cap, e->value,
	    (size_t)e->kind < sizeof(names) / sizeof(names[0]) ? names[e->kind]
							       : "",
	    "capacity", NULL, st->rank);
	if (r != 0)
		st->err = r;
}

int
content_each(struct store *s, int64_t tenant, int64_t now,
    int (*fn)(const struct store_feed_indicator *ind, void *arg), void *arg)
{
	int r;

	if ((r = store_begin_read(s)) != 0)
		return r;
	/* tenant 0: the MSP-wide indicators alone */
	r = store_indicator_each_active(s, tenant, now, fn, arg);
	store_rollback(s);
	return r;
}

int
content_guard(struct store *s, int64_t tenant, struct allow **out)
{
	struct allow *g = allow_new();
	int r;

	if (g == NULL)
		return RP_ERR_NOMEM;
	if ((r = allow_add_builtin(g)) != 0 ||
	    (r = store_allow_each(s, tenant, on_allow, g)) != 0) {
		allow_free(g);
		return r;
	}
	*out = g;
	return 0;
}

static void
etag_of(struct feeds_content *c)
{
	char h[65];

	crypto_sha256_hex(c->body, c->len, h);
	snprintf(c->etag, sizeof(c->etag), "\"%.32s\"", h);
}

int
content_build(struct store *s, const struct store_feed *f, int64_t now,
    const struct feeds_version *v, struct feeds_content **out)
{
	struct feeds_content *c = calloc(1, sizeof(*c));
	struct allow *guard = NULL;
	struct walk w = {0};
	struct cut_state cs = {0};
	struct blocklist_opts o = {0};
	struct blocklist_report rep = {0};
	enum blocklist_format fmt;
	int64_t limit;
	int r = RP_ERR_NOMEM;

	w.bl = blocklist_new();
	if (c == NULL || w.bl == NULL)
		goto out;
	if ((r = feeds_format(f->format, &fmt)) != 0 ||
	    (r = content_guard(s, f->tenant_id, &guard)) != 0)
		goto out;
	c->feed_id = f->id;
	w.guard = guard;
	w.c = c;
	if ((r = content_each(s, f->tenant_id, now, on_indicator, &w)) != 0)
		goto out;
	limit = f->max_entries > 0 ? f->max_entries
				   : feeds_default_limit(f->format);
	cs.c = c;
	o.sinkhole4 = f->sinkhole4;
	o.sinkhole6 = f->sinkhole6;
	/* the zone's serial moves with every change that reaches it */
	o.rpz_serial =
	    (uint32_t)(v->changed_at > v->last_passed ? v->changed_at
						      : v->last_passed);
	o.max_entries = (size_t)limit;
	o.now = now;
	o.on_trimmed = on_trimmed;
	o.on_trimmed_arg = &cs;
	if ((r = blocklist_render(w.bl, fmt, &o, &c->body, &c->len, &rep)) !=
		0 ||
	    (r = cs.err) != 0)
		goto out;
	/* ranks among every entry: the written ones come first */
	for (size_t i = 0; i < c->ncut; i++)
		c->cut[i].rank += (int64_t)rep.written;
	c->written = rep.written;
	c->skipped = rep.skipped;
	c->expired = rep.expired;
	c->trimmed = rep.trimmed;
	c->version = v->count;
	c->changed_at = v->changed_at;
	c->content_at =
	    v->changed_at > v->last_passed ? v->changed_at : v->last_passed;
	if (c->content_at < f->created_at)
		c->content_at = f->created_at;
	c->next_expiry = v->next_expiry;
	c->built_at = now;
	etag_of(c);
	*out = c;
	c = NULL;
	r = 0;
out:
	content_free(c);
	allow_free(guard);
	blocklist_free(w.bl);
	return r;
}

static void
left_free(struct feeds_left *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++) {
		free(v[i].value);
		free(v[i].text);
	}
	free(v);
}

void
content_free(struct feeds_content *c)
{
	if (c == NULL)
		return;
	free(c->body);
	free(c->key);
	left_free(c->refusals, c->nrefusals);
	left_free(c->cut, c->ncut);
	free(c);
}
