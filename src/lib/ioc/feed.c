/*
 * MISP feeds: manifest.json (event UUID -> summary) and the events it
 * lists, each read with the event importer (misp.c).  A manifest entry
 * is kept only when its name is a UUID in MISP's canonical lowercase
 * form: that name becomes a file name here and a URL path when a feed
 * is fetched, so nothing else ("../x", "a/b", "%2e") may pass.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/rpjson.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/input.h"

#include "ioc_int.h"

#define FEED_MANIFEST_MAX_INPUT RP_CAP_INDICATORS
#define FEED_EVENT_MAX_INPUT RP_CAP_INDICATORS
#define FEED_ARENA_MAX ((size_t)64 * 1024 * 1024)
#define FEED_TEXT_MAX 4096
#define FEED_TAGS_MAX 1000
/* 9999-12-31T23:59:59Z: later is no timestamp of a real event */
#define FEED_TIME_MAX INT64_C(253402300799)

struct manifest_rd {
	struct rpjson_rd rd; /* first: the layer hands it to callbacks */
	struct rpjson_path p;
	struct ioc_misp_manifest *m;
	size_t cap;
};

/* Whether s is a UUID as MISP writes it (lowercase 8-4-4-4-12). */
static int
uuid_ok(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
			       (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

/*
 * obj[key] as an integer in [min, max]: a JSON integer or a string of
 * decimal digits (MISP writes "1472541011", PyMISP 1472541011).  Returns
 * 1, 0 when absent or null, or RP_ERR_INVALID after a warning.
 */
static int
get_num(struct rpjson_rd *rd, const json_t *obj, const char *key, int64_t min,
    int64_t max, int64_t *out)
{
	const json_t *v = json_object_get(obj, key);
	const char *s;
	int64_t n = 0;
	size_t i, len;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		n = (int64_t)json_integer_value(v);
	} else if (json_is_string(v)) {
		s = json_string_value(v);
		len = json_string_length(v);
		if (len == 0 || len > 18)
			goto bad;
		for (i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				goto bad;
			n = n * 10 + (s[i] - '0');
		}
	} else
		goto bad;
	if (n < min || n > max)
		goto bad;
	*out = n;
	return 1;
bad:
	rpjson_warn_at(rd, key,
	    "expected a whole number from %lld to %lld (a JSON number or a "
	    "string of digits), got %s",
	    (long long)min, (long long)max, rpjson_type_name(v));
	return RP_ERR_INVALID;
}

/* A string member copied into the arena, NULL when absent or bad. */
static const char *
get_text(struct manifest_rd *r, const json_t *obj, const char *key, size_t max,
    unsigned flags)
{
	const char *s = NULL;

	if (rpjson_get_str(
		&r->rd, obj, key, max, RPJSON_NULLABLE | flags, &s) != 1)
		return NULL;
	return rp_arena_strdup(r->m->arena, s);
}

/* The first "tlp:..." tag name. */
static const char *
get_tlp(struct manifest_rd *r, const json_t *ev)
{
	const json_t *tags, *t;
	const char *name;
	size_t i, mark;

	if (rpjson_get_array(
		&r->rd, ev, "Tag", FEED_TAGS_MAX, RPJSON_NULLABLE, &tags) != 1)
		return NULL;
	mark = rpjson_push_key(&r->rd, "Tag");
	name = NULL;
	json_array_foreach(tags, i, t)
	{
		if (i >= FEED_TAGS_MAX)
			break;
		name = rpjson_str(t, "name");
		if (name != NULL && strncmp(name, "tlp:", 4) == 0 &&
		    strlen(name) < 64)
			break;
		name = NULL;
	}
	rpjson_pop(&r->rd, mark);
	return name != NULL ? rp_arena_strdup(r->m->arena, name) : NULL;
}

/* One entry; 0 (kept or skipped after a warning) or RP_ERR_NOMEM. */
static int
manifest_entry(struct manifest_rd *r, const char *uuid, const json_t *ev)
{
	struct ioc_misp_manifest_event e;
	const json_t *orgc;
	int64_t n;

	memset(&e, 0, sizeof(e));
	if (!json_is_object(ev)) {
		rpjson_warn(&r->rd,
		    "an event summary is an object, got %s; "
		    "event skipped",
		    rpjson_type_name(ev));
		return 0;
	}
	if (get_num(&r->rd, ev, "timestamp", 0, FEED_TIME_MAX, &e.timestamp) !=
	    1) {
		if (json_object_get(ev, "timestamp") == NULL)
			rpjson_warn(&r->rd,
			    "the event summary has no "
			    "\"timestamp\"; event skipped");
		return 0;
	}
	memcpy(e.uuid, uuid, 37);
	e.analysis = e.threat_level = -1;
	if (get_num(&r->rd, ev, "publish_timestamp", 0, FEED_TIME_MAX, &n) == 1)
		e.publish_timestamp = n;
	if (get_num(&r->rd, ev, "analysis", 0, 2, &n) == 1)
		e.analysis = (int)n;
	if (get_num(&r->rd, ev, "threat_level_id", 1, 4, &n) == 1)
		e.threat_level = (int)n;
	e.info = get_text(r, ev, "info", FEED_TEXT_MAX, 0);
	e.date = get_text(r, ev, "date", 32, RPJSON_LINE);
	if (rpjson_get_object(&r->rd, ev, "Orgc", RPJSON_NULLABLE, &orgc) ==
	    1) {
		size_t mark = rpjson_push_key(&r->rd, "Orgc");

		e.org = get_text(r, orgc, "name", 256, RPJSON_LINE);
		rpjson_pop(&r->rd, mark);
	}
	e.tlp = get_tlp(r, ev);
	if (r->m->nevents == r->cap &&
	    (r->m->events = rp_arena_grow(r->m->arena, r->m->events,
		 r->m->nevents, &r->cap, sizeof(e))) == NULL)
		return rpjson_fail(&r->rd, RP_ERR_NOMEM, "out of memory");
	r->m->events[r->m->nevents++] = e;
	return 0;
}

static int
event_cmp(const void *p, const void *q)
{
	return strcmp(((const struct ioc_misp_manifest_event *)p)->uuid,
	    ((const struct ioc_misp_manifest_event *)q)->uuid);
}

/* Every member of the manifest object; warnings for bad ones. */
static int
manifest_members(struct manifest_rd *r, const json_t *root)
{
	const char *key;
	json_t *v;
	size_t i = 0, mark;
	int rc;

	json_object_foreach((json_t *)root, key, v)
	{
		if (!uuid_ok(key)) {
			/* the name is not echoed: it may be anything */
			rpjson_warn(&r->rd,
			    "member %zu of the manifest is not named by an "
			    "event UUID (8-4-4-4-12 lowercase hexadecimal "
			    "digits); skipped",
			    i + 1);
			i++;
			continue;
		}
		mark = rpjson_push_key(&r->rd, key);
		rc = manifest_entry(r, key, v);
		rpjson_pop(&r->rd, mark);
		if (rc != 0)
			return rc;
		i++;
	}
	return 0;
}

int
ioc_misp_manifest_read_json(
    const json_t *root, struct ioc_misp_manifest **out, struct rp_diags *d)
{
	struct manifest_rd *r = NULL;
	int rc = RP_ERR_NOMEM;

	if (out == NULL)
		return RP_ERR_ARG;
	*out = NULL;
	if (root == NULL)
		return RP_ERR_ARG;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return RP_ERR_NOMEM;
	rpjson_rd_init(&r->rd, &r->p, d);
	if (!json_is_object(root)) {
		rpjson_err(&r->rd,
		    "a MISP feed manifest is a JSON object of "
		    "event UUIDs, got %s",
		    rpjson_type_name(root));
		rc = RP_ERR_INVALID;
		goto out;
	}
	if (json_object_size(root) > IOC_MISP_FEED_MAX_EVENTS) {
		rc = rpjson_fail(&r->rd, RP_ERR_LIMIT,
		    "the manifest lists %zu events, at most %d are read",
		    json_object_size(root), IOC_MISP_FEED_MAX_EVENTS);
		goto out;
	}
	if ((r->m = calloc(1, sizeof(*r->m))) == NULL ||
	    (r->m->arena = rp_arena_new(FEED_ARENA_MAX)) == NULL)
		goto out;
	/* one bad entry does not spoil the feed */
	r->rd.level = RP_DIAG_WARNING;
	if ((rc = manifest_members(r, root)) != 0)
		goto out;
	if (r->m->nevents == 0 && json_object_size(root) > 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "",
		    "no usable event in the MISP feed manifest");
		rc = RP_ERR_INVALID;
		goto out;
	}
	if (r->m->nevents > 1)
		qsort(r->m->events, r->m->nevents, sizeof(r->m->events[0]),
		    event_cmp);
	*out = r->m;
	r->m = NULL;
	rc = 0;
out:
	if (r != NULL)
		ioc_misp_manifest_free(r->m);
	free(r);
	return rc;
}

void
ioc_misp_manifest_free(struct ioc_misp_manifest *m)
{
	if (m == NULL)
		return;
	rp_arena_free(m->arena);
	free(m);
}

/*
 * Prefixes the pointers of the diagnostics added since mark with the
 * event's file name, so that a message says which event it is about.
 */
static void
feed_locate(
    struct rp_diags *d, const struct rp_diags_mark *mark, const char *file)
{
	char *p;
	size_t i, n;

	if (d == NULL)
		return;
	for (i = mark->n; i < d->n; i++) {
		n = strlen(file) + 2 +
		    (d->v[i].pointer != NULL ? strlen(d->v[i].pointer) : 0);
		if ((p = malloc(n)) == NULL) {
			d->nomem++;
			continue;
		}
		snprintf(p, n, "%s#%s", file,
		    d->v[i].pointer != NULL ? d->v[i].pointer : "");
		free(d->v[i].pointer);
		d->v[i].pointer = p;
	}
}

/* Reads one listed event; 0 (read or skipped) or a stopping error. */
static int
feed_event(const char *dir, const struct ioc_misp_manifest_event *e,
    struct ioc_bundle *b, struct ioc_import *sum, struct rp_diags *d)
{
	char path[PATH_MAX], file[48];
	struct rp_diags_mark mark;
	struct ioc_import est;
	json_t *root = NULL;
	const char *uuid;
	int r;

	snprintf(file, sizeof(file), "%s.json", e->uuid);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >=
	    sizeof(path))
		return RP_ERR_ARG;
	memset(&est, 0, sizeof(est));
	rp_diags_mark(d, &mark);
	/* a missing, unreadable, oversized or useless event leaves the
	 * others; a full bundle or no memory stops the feed */
	r = rpjson_load(path, FEED_EVENT_MAX_INPUT, &root, d);
	if (r == RP_ERR_LIMIT)
		r = RP_ERR_INVALID;
	if (r == 0) {
		uuid = rpjson_str(json_object_get(root, "Event"), "uuid");
		if (uuid != NULL && strcmp(uuid, e->uuid) != 0)
			rp_diags_add(d, RP_DIAG_WARNING, NULL, "/Event/uuid",
			    "the event's UUID is not the one the manifest "
			    "lists it under");
		r = ioc_misp_read_json(root, e->uuid, b, &est, d);
		json_decref(root);
	}
	if (r == RP_ERR_INVALID || r == RP_ERR_NOTFOUND || r == RP_ERR_IO) {
		rp_diags_demote(d, &mark);
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "event %s skipped: %s", e->uuid, rp_strerror(r));
		r = 0;
	} else if (r == 0)
		ioc_import_merge(sum, &est);
	feed_locate(d, &mark, file);
	return r;
}

int
ioc_misp_feed_read_dir(const char *dir, struct ioc_bundle *b,
    struct ioc_import *st, struct rp_diags *d)
{
	struct ioc_misp_manifest *m = NULL;
	struct ioc_import *sum = NULL;
	char path[PATH_MAX];
	json_t *root = NULL;
	size_t i;
	int r;

	if (dir == NULL || b == NULL)
		return RP_ERR_ARG;
	if ((size_t)snprintf(path, sizeof(path), "%s/manifest.json", dir) >=
	    sizeof(path))
		return RP_ERR_ARG;
	if ((r = rpjson_load(path, FEED_MANIFEST_MAX_INPUT, &root, d)) != 0)
		return r;
	r = ioc_misp_manifest_read_json(root, &m, d);
	json_decref(root);
	if (r != 0)
		return r;
	if ((sum = calloc(1, sizeof(*sum))) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < m->nevents; i++) {
		if ((r = feed_event(dir, &m->events[i], b, sum, d)) != 0)
			goto out;
	}
	if (sum->nread == 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "no usable indicators in the %zu events of the MISP feed",
		    m->nevents);
		r = RP_ERR_INVALID;
		goto out;
	}
	if (st != NULL)
		*st = *sum;
	r = 0;
out:
	free(sum);
	ioc_misp_manifest_free(m);
	return r;
}
