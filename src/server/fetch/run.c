/*
 * One fetch of one source, start to end.  A new body replaces the
 * source's indicators in one transaction together with the fetch state
 * and the audit entry: indicators new in the feed are added, changed
 * ones updated, and the source's own rows no longer in the feed removed
 * (a value the store holds under another source is that source's and
 * stays).  Only after the commit are the last good copies written, so a
 * copy on disk never runs ahead of what the store holds; a copy whose
 * sha256 is not the store's last_good_sha256 is not trusted (pull.c).
 * Anything that goes wrong before the commit changes no indicator: the
 * fetch state says what happened and which copy is kept.
 */
#include "fetch/fetch_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "err.h"
#include "ioc/ioc.h"
#include "log/log.h"
#include "store/store.h"
#include "util/str.h"

#define DETAIL_MAX 4096

struct counts {
	int64_t added, updated, unchanged, removed, rejected, total;
};

static const struct store_scope all_tenants = {1, 0};

static void
utc_minute(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm);
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Stores every indicator of b for src; their ids in *ids (sorted). */
static int
put_all(struct store *s, const struct store_source *src,
    const struct ioc_bundle *b, int64_t now, int64_t *ids, size_t *nids,
    struct counts *c)
{
	*nids = 0;
	for (size_t i = 0; i < b->niocs; i++) {
		const struct ioc *o = &b->iocs[i];
		struct store_indicator in;
		enum store_put_outcome oc;
		int64_t id;
		int r;

		memset(&in, 0, sizeof(in));
		in.tenant_id = src->tenant_id;
		in.type = (char *)ioc_type_name(o->type);
		in.value = (char *)o->value;
		in.size = (int64_t)o->size;
		in.source_id = src->id;
		in.confidence = -1;
		in.tags = "";
		in.created_by = "system";
		in.mode = o->mode == IOC_MODE_INFORM ? "inform" : NULL;
		in.comment = (char *)(o->comment != NULL ? o->comment : "");
		r = store_indicator_put(s, &all_tenants, &in, now, &id, &oc);
		if (r == RP_ERR_ARG) {
			c->rejected++; /* a value the store does not take */
			continue;
		}
		if (r != 0)
			return r;
		ids[(*nids)++] = id;
		if (oc == STORE_PUT_NEW)
			c->added++;
		else if (oc == STORE_PUT_UPDATED)
			c->updated++;
		else
			c->unchanged++;
	}
	qsort(ids, *nids, sizeof(*ids), cmp_id);
	return 0;
}

/* Deletes the rows of src whose id is not in keep[0..nkeep). */
static int
remove_gone(struct store *s, const struct store_source *src,
    const int64_t *keep, size_t nkeep, int64_t now, struct counts *c)
{
	struct store_indicator_filter f;
	struct store_page pg = {0, STORE_PAGE_MAX};
	struct store_indicator *v = NULL;
	int64_t *gone = NULL, *ng;
	size_t n = 0, ngone = 0, cap = 0;
	int more = 1, r = 0;

	memset(&f, 0, sizeof(f));
	f.source_id = src->id;
	while (r == 0 && more) {
		if ((r = store_indicator_list(
			 s, &all_tenants, &f, &pg, &v, &n, &more)) != 0)
			break;
		for (size_t i = 0; i < n; i++) {
			pg.after = v[i].id;
			if (bsearch(&v[i].id, keep, nkeep, sizeof(*keep),
				cmp_id) != NULL)
				continue;
			if (ngone == cap) {
				cap = cap ? cap * 2 : 256;
				if ((ng = realloc(gone, cap * sizeof(*gone))) ==
				    NULL) {
					r = RP_ERR_NOMEM;
					break;
				}
				gone = ng;
			}
			gone[ngone++] = v[i].id;
		}
		store_indicators_free(v, n);
		v = NULL;
		if (n == 0)
			break;
	}
	for (size_t i = 0; r == 0 && i < ngone; i++)
		if ((r = store_indicator_delete(
			 s, &all_tenants, gone[i], now)) == 0)
			c->removed++;
	free(gone);
	return r;
}

static int
source_total(struct store *s, int64_t id, int64_t *n)
{
	struct store_indicator_filter f;

	memset(&f, 0, sizeof(f));
	f.source_id = id;
	return store_indicator_total(s, &all_tenants, &f, n);
}

/* The audit entry of a run; detail is compact JSON. */
static int
audit(struct store *s, const struct store_source *src, int ok,
    const char *detail, int64_t now)
{
	struct audit_entry e;
	struct store_tenant t;
	char at[32], target[256];
	time_t tt = (time_t)now;
	struct tm tm;
	int r;

	memset(&e, 0, sizeof(e));
	memset(&t, 0, sizeof(t));
	gmtime_r(&tt, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(e.at, sizeof(e.at), "%s.000Z", at);
	snprintf(target, sizeof(target), "source:%s", src->name);
	if (src->tenant_id != 0 &&
	    store_tenant_by_id(s, &all_tenants, src->tenant_id, &t) != 0)
		t.slug = NULL;
	e.actor = "system";
	e.address = "";
	e.action = "indicator_source.fetch";
	e.tenant = t.slug != NULL ? t.slug : "";
	e.target = target;
	e.outcome = ok ? "ok" : "failed";
	e.detail = (char *)detail;
	r = store_audit_append(s, &e);
	store_tenant_clear(&t);
	return r;
}

/*
 * A failure's message as the state keeps it: printable ASCII only (it
 * may quote a hostile body's line) and short enough that, with the
 * time and the copy kept, it fits the store's last_error.
 */
static void
printable(const char *in, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < outlen; i++)
		out[i] =
		    (unsigned char)in[i] >= 0x20 && (unsigned char)in[i] < 0x7f
		    ? in[i]
		    : '?';
	out[i] = '\0';
}

/* A 304, or a failure: the fetch state and the audit entry only. */
static int
record_unchanged(struct store *s, const struct store_source *src,
    const struct fetch_source *fs, const struct fetch_pull *p, int64_t started,
    int64_t now)
{
	struct store_source st = *src;
	struct rp_buf d;
	char when[32], kept[160], why[700], *msg = NULL, *det = NULL;
	int64_t n = 0;
	int r, ok = p->kind == PULL_NOT_MODIFIED;

	rp_buf_init(&d, DETAIL_MAX);
	if ((r = store_begin(s)) != 0)
		return r;
	if ((r = source_total(s, src->id, &n)) != 0)
		goto out;
	st.last_fetch_at = started;
	if (ok) {
		st.last_ok_at = now;
		st.last_error = NULL;
		rp_buf_appendf(&d, "{\"url\":");
		rp_buf_append_json_string(&d, fs->shown);
		rp_buf_appendf(
		    &d, ",\"http\":304,\"indicators\":%lld}", (long long)n);
	} else {
		utc_minute(now, when, sizeof(when));
		if (src->last_ok_at != 0) {
			char copy[32];

			utc_minute(src->last_ok_at, copy, sizeof(copy));
			snprintf(kept, sizeof(kept),
			    "keeping the copy of %s (%lld indicators)", copy,
			    (long long)n);
		} else {
			snprintf(kept, sizeof(kept),
			    "no good copy yet, so no indicators from it");
		}
		printable(p->error, why, sizeof(why));
		if ((msg = rp_asprintf("%s at %s; %s", why, when, kept)) ==
		    NULL) {
			r = RP_ERR_NOMEM;
			goto out;
		}
		st.last_error = msg;
		rp_buf_appendf(&d, "{\"url\":");
		rp_buf_append_json_string(&d, fs->shown);
		rp_buf_appendf(&d, ",\"http\":%ld,\"error\":", p->http_status);
		rp_buf_append_json_string(&d, msg);
		rp_buf_appendf(&d, ",\"indicators\":%lld}", (long long)n);
	}
	if ((det = rp_buf_take(&d)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	if (ok) {
		snprintf(kept, sizeof(kept),
		    "304 not modified (%lld indicators)", (long long)n);
		if ((r = fetch_result_note(s, src->id, kept)) != 0)
			goto out;
	}
	if ((r = store_source_fetch_state(s, src->id, &st)) != 0 ||
	    (r = audit(s, src, ok, det, now)) != 0)
		goto out;
	r = store_commit(s);
out:
	if (r != 0)
		store_rollback(s);
	rp_buf_free(&d);
	free(det);
	free(msg);
	return r;
}

static char *
new_detail(const struct fetch_source *fs, const struct fetch_pull *p,
    const struct counts *c)
{
	struct rp_buf d;

	rp_buf_init(&d, DETAIL_MAX);
	rp_buf_appendf(&d, "{\"url\":");
	rp_buf_append_json_string(&d, fs->shown);
	rp_buf_appendf(&d,
	    ",\"http\":%ld,\"bytes\":%zu,\"added\":%lld,\"updated\":%lld,"
	    "\"unchanged\":%lld,\"removed\":%lld,\"rejected\":%lld,"
	    "\"indicators\":%lld,\"skipped\":%zu",
	    p->http_status, p->len, (long long)c->added, (long long)c->updated,
	    (long long)c->unchanged, (long long)c->removed,
	    (long long)c->rejected, (long long)c->total, p->nwarnings);
	if (p->uuids != NULL)
		rp_buf_appendf(&d,
		    ",\"events_fetched\":%zu,\"events_kept\":%zu,"
		    "\"events_bad_uuid\":%zu",
		    p->nfetched, p->nkept, p->nbad_uuids);
	rp_buf_append(&d, "}");
	return rp_buf_take(&d);
}

/* The run in a few words for the source's state. */
static void
note(const struct fetch_pull *p, const struct counts *c, char *buf, size_t len)
{
	int n = snprintf(buf, len,
	    "%ld: %lld added, %lld updated, %lld removed; %lld indicators",
	    p->http_status, (long long)c->added, (long long)c->updated,
	    (long long)c->removed, (long long)c->total);

	if (n > 0 && (size_t)n < len && p->nuuids > 0)
		snprintf(buf + n, len - (size_t)n,
		    " from %zu events (%zu fetched)", p->nuuids, p->nfetched);
}

/* A new body: the indicators replaced, the state and the audit entry in
 * one transaction. */
static int
record_new(struct store *s, const struct store_source *src,
    const struct fetch_source *fs, const struct fetch_pull *p, int64_t started,
    int64_t now, char sha[65])
{
	struct store_source st = *src;
	struct counts c;
	int64_t *ids = NULL;
	size_t nids = 0;
	char *det = NULL, words[256];
	int r;

	memset(&c, 0, sizeof(c));
	crypto_sha256_hex(p->body, p->len, sha);
	if ((ids = calloc(p->b->niocs + 1, sizeof(*ids))) == NULL)
		return RP_ERR_NOMEM;
	if ((r = store_begin(s)) != 0)
		goto out;
	if ((r = put_all(s, src, p->b, now, ids, &nids, &c)) != 0 ||
	    (r = remove_gone(s, src, ids, nids, now, &c)) != 0 ||
	    (r = source_total(s, src->id, &c.total)) != 0)
		goto out;
	if ((det = new_detail(fs, p, &c)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	st.etag = p->etag[0] != '\0' ? (char *)p->etag : NULL;
	st.last_modified =
	    p->last_modified[0] != '\0' ? (char *)p->last_modified : NULL;
	st.last_fetch_at = started;
	st.last_ok_at = now;
	st.last_error = NULL;
	st.last_good_sha256 = sha;
	note(p, &c, words, sizeof(words));
	if ((r = fetch_result_note(s, src->id, words)) != 0 ||
	    (r = store_source_fetch_state(s, src->id, &st)) != 0 ||
	    (r = audit(s, src, 1, det, now)) != 0)
		goto out;
	r = store_commit(s);
out:
	if (r != 0)
		store_rollback(s);
	free(det);
	free(ids);
	return r;
}

/* The MISP events fetched, then copies of events no longer in the
 * manifest removed. */
static void
save_events(const struct fetch_ctx *cx, int64_t id, const struct fetch_pull *p)
{
	char dir[1200], keep[48];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%lld.events", cx->dir, (long long)id);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return;
	for (size_t i = 0; i < p->nevents; i++) {
		snprintf(keep, sizeof(keep), "%s.json", p->events[i].uuid);
		if (fetch_copy_save(
			dir, keep, p->events[i].body, p->events[i].len) != 0)
			log_warn("fetch: cannot keep a copy of an event",
			    "path", dir, "error", strerror(errno), NULL);
	}
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char uuid[40];
		size_t n = strlen(e->d_name);

		if (n != 41 || strcmp(e->d_name + 36, ".json") != 0)
			continue;
		memcpy(uuid, e->d_name, 36);
		uuid[36] = '\0';
		if (p->b != NULL && fetch_manifest_has(p, uuid))
			continue;
		unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

/* After the commit: the copies of this run. */
static void
save_copies(const struct fetch_ctx *cx, int64_t id, int misp,
    const struct fetch_pull *p)
{
	char name[48];

	if (misp)
		save_events(cx, id, p);
	snprintf(name, sizeof(name), "%lld.body", (long long)id);
	if (fetch_copy_save(cx->dir, name, p->body, p->len) != 0)
		log_warn("fetch: cannot keep the last good copy", "path",
		    cx->dir, "error", strerror(errno), NULL);
}

static void
log_run(const struct fetch_source *fs, const struct fetch_pull *p)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)fs->id);
	if (p->kind == PULL_FAILED)
		log_warn("fetch failed; the last good copy stays", "source", id,
		    "error", p->error, NULL);
	else
		log_info(p->kind == PULL_NEW ? "fetched" : "not modified",
		    "source", id, "url", fs->shown, NULL);
}

int
fetch_run(
    const struct fetch_ctx *cx, struct store *s, int64_t id, int64_t started)
{
	struct store_source src;
	struct fetch_source fs;
	struct fetch_pull p;
	char sha[65];
	int r, misp;

	memset(&src, 0, sizeof(src));
	memset(&p, 0, sizeof(p));
	if ((r = store_source_get(s, &all_tenants, id, &src)) != 0)
		return r == RP_ERR_NOTFOUND ? 0 : r; /* deleted meanwhile */
	misp = strcmp(src.kind, "misp-feed") == 0;
	if (!src.enabled || src.url == NULL ||
	    (!misp && strcmp(src.kind, "list-url") != 0)) {
		store_source_clear(&src);
		return 0;
	}
	memset(&fs, 0, sizeof(fs));
	fs.id = src.id;
	fs.name = src.name;
	fs.url = src.url;
	fs.etag = src.etag;
	fs.last_modified = src.last_modified;
	fs.last_good_sha256 = src.last_good_sha256;
	fetch_url_mask(src.url, fs.shown, sizeof(fs.shown));
	if (fetch_url_check(src.url, p.error, sizeof(p.error)) != 0)
		p.kind = PULL_FAILED; /* stored before the policy existed */
	else if ((r = misp ? fetch_pull_misp(cx, &fs, &p)
			   : fetch_pull_list(cx, &fs, &p)) != 0)
		goto out;
	if (*cx->stopping && p.kind == PULL_FAILED)
		goto out; /* cut short: the next start fetches again */
	printable(p.error, p.error, sizeof(p.error)); /* for the log too */
	log_run(&fs, &p);
	if (p.kind == PULL_NEW) {
		if ((r = record_new(s, &src, &fs, &p, started,
			 (int64_t)time(NULL), sha)) == 0)
			save_copies(cx, id, misp, &p);
	} else {
		r = record_unchanged(
		    s, &src, &fs, &p, started, (int64_t)time(NULL));
	}
out:
	fetch_pull_clear(&p);
	store_source_clear(&src);
	return r;
}
