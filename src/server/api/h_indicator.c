/*
 * Indicators (docs/api.md, "Indicators"): search, show, add (one or a
 * batch), edit and delete.  Rows are a tenant's or MSP-wide; everyone
 * sees their tenants' and the MSP-wide ones, technicians change their
 * tenants' rows and only an msp-admin MSP-wide ones.  Every change is
 * one audit entry.  Also the helpers the import, source and allowlist
 * handlers share (tenant and source arguments, tags, times).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "ioc/ioc.h"
#include "util/err.h"
#include "util/rfc3339.h"

#define IND_BATCH_MAX 500
#define IND_NORM_MAX (IOC_YARA_VALUE_MAX + 1)

int
api_tenant_of(
    struct api_ctx *c, const char *slug, const char *field, int64_t *id)
{
	struct store_tenant t = {0};
	int r;

	*id = 0;
	if (slug == NULL)
		return 0;
	if (!api_name_ok(slug, 0))
		return api_fail(c, 400,
		    field[0] == '?' ? "invalid_query" : "invalid_field", field,
		    "'%.64s' is not a tenant slug", slug);
	r = store_tenant_get(c->s, &c->who.scope, slug, &t);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(
		    c, 404, "not_found", field, "no tenant '%.64s'", slug);
	if (r != 0)
		return api_store_fail(c, r);
	*id = t.id;
	store_tenant_clear(&t);
	return 0;
}

int
api_msp_write(struct api_ctx *c, int64_t tenant, const char *field)
{
	if (tenant == 0 && !c->who.scope.all)
		return api_fail(c, 403, "forbidden", field,
		    "MSP-wide entries are changed by an msp-admin only");
	return 0;
}

/* The store's comma list of tags as a JSON array. */
static json_t *
api_tags_json(const char *tags)
{
	json_t *a = json_array();
	const char *p = tags, *e;

	while (a != NULL && p != NULL && *p != '\0') {
		e = strchr(p, ',');
		json_array_append_new(a,
		    json_stringn(p, e != NULL ? (size_t)(e - p) : strlen(p)));
		p = e != NULL ? e + 1 : NULL;
	}
	return a;
}

/* A JSON array of tags as the store's comma list in out. */
static int
api_tags_arg(struct api_ctx *c, const json_t *v, const char *field, char *out,
    size_t outlen)
{
	size_t i, k = 0, n;
	const char *s;

	if (!json_is_array(v) || json_array_size(v) > STORE_TAGS_MAX)
		return api_fail(c, 400, "invalid_field", field,
		    "tags: expected an array of at most %d strings",
		    STORE_TAGS_MAX);
	out[0] = '\0';
	for (i = 0; i < json_array_size(v); i++) {
		s = json_string_value(json_array_get(v, i));
		if (s == NULL || (n = strlen(s)) == 0 || n > STORE_TAG_MAX ||
		    strchr(s, ',') != NULL || k + n + 2 > outlen)
			return api_fail(c, 400, "invalid_field", field,
			    "tags: each is 1-%d bytes without a comma",
			    STORE_TAG_MAX);
		k += (size_t)snprintf(
		    out + k, outlen - k, "%s%s", k > 0 ? "," : "", s);
	}
	return 0;
}

int
api_time_arg(struct api_ctx *c, const char *s, const char *field, int64_t *out)
{
	struct rp_time t;
	enum rp_time_err e = RP_TIME_OK;

	*out = 0;
	if (s == NULL || s[0] == '\0')
		return 0;
	if (rp_rfc3339_parse(s, &t, &e) != 0 || t.sec <= 0)
		return api_fail(c, 400,
		    field[0] == '?' ? "invalid_query" : "invalid_field", field,
		    "%s: expected an RFC 3339 date-time after 1970 (%s)", field,
		    rp_rfc3339_strerror(e));
	*out = t.sec;
	return 0;
}

static json_t *
api_indicator_json(struct api_ctx *c, const struct store_indicator *i)
{
	char slug[64] = "";
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (i->tenant_id != 0)
		(void)api_tenant_slug_any(c, i->tenant_id, slug);
	json_object_set_new(o, "id", json_integer(i->id));
	json_object_set_new(
	    o, "tenant", i->tenant_id != 0 ? json_string(slug) : json_null());
	json_object_set_new(o, "type", json_string(i->type));
	json_object_set_new(o, "value", json_string(i->value));
	json_object_set_new(
	    o, "size", i->size > 0 ? json_integer(i->size) : json_null());
	json_object_set_new(o, "source",
	    i->source_id != 0 ? json_string(i->source) : json_null());
	json_object_set_new(o, "source_id",
	    i->source_id != 0 ? json_integer(i->source_id) : json_null());
	json_object_set_new(o, "confidence", json_integer(i->confidence));
	json_object_set_new(o, "first_seen", api_time(i->first_seen));
	json_object_set_new(o, "last_seen", api_time(i->last_seen));
	json_object_set_new(o, "expires", api_time(i->expires));
	json_object_set_new(o, "tags", api_tags_json(i->tags));
	json_object_set_new(o, "tlp", json_string(i->tlp));
	json_object_set_new(
	    o, "mode", i->mode != NULL ? json_string(i->mode) : json_null());
	json_object_set_new(o, "mode_effective", json_string(i->mode_eff));
	json_object_set_new(o, "sightings", json_integer(i->sightings));
	json_object_set_new(o, "comment", json_string(i->comment));
	json_object_set_new(o, "created", api_time(i->created_at));
	json_object_set_new(o, "updated", api_time(i->updated_at));
	json_object_set_new(o, "created_by", json_string(i->created_by));
	return o;
}

/* The source named (or numbered) name that tenant's indicators use;
 * NULL or "": 0. */
static int
api_source_of(struct api_ctx *c, const char *name, int64_t tenant,
    const char *field, int64_t *id)
{
	struct store_source src = {0};
	char *end;
	int r;

	*id = 0;
	if (name == NULL || name[0] == '\0')
		return 0;
	if (name[0] >= '1' && name[0] <= '9') {
		long long v = strtoll(name, &end, 10);

		if (*end == '\0' && v > 0) {
			r = store_source_get(c->s, &c->who.scope, v, &src);
			goto got;
		}
	}
	r = store_source_by_name(c->s, &c->who.scope, tenant, name, &src);
got:
	if (r == RP_ERR_NOTFOUND || r == RP_ERR_ARG)
		return api_fail(c, 404, "not_found", field,
		    "no indicator source '%.200s'", name);
	if (r != 0)
		return api_store_fail(c, r);
	*id = src.id;
	store_source_clear(&src);
	return 0;
}

/* The filter of ?tenant= &msp= &type= &q= &source= &tag= &mode=
 * &expired=; 0, or answered and -1. */
static int
list_filter(struct api_ctx *c, struct store_indicator_filter *f)
{
	const char *(*arg)(void *, const char *) = c->rq->arg;
	void *cls = c->rq->arg_cls;
	const char *msp = arg(cls, "msp"), *exp = arg(cls, "expired");
	int64_t src = 0;

	memset(f, 0, sizeof(*f));
	f->now = c->rq->now;
	if (api_tenant_of(c, arg(cls, "tenant"), "?tenant", &f->tenant) < 0)
		return -1;
	f->msp_only = msp != NULL && strcmp(msp, "1") == 0;
	f->type = arg(cls, "type");
	f->q = arg(cls, "q");
	f->tag = arg(cls, "tag");
	f->mode = arg(cls, "mode");
	if (f->q != NULL && strlen(f->q) > 200)
		return api_fail(
		    c, 400, "invalid_query", "?q", "?q: at most 200 bytes");
	if (f->tag != NULL && strlen(f->tag) > STORE_TAG_MAX)
		return api_fail(c, 400, "invalid_query", "?tag",
		    "?tag: at most %d bytes", STORE_TAG_MAX);
	if (f->mode != NULL && strcmp(f->mode, "block") != 0 &&
	    strcmp(f->mode, "inform") != 0)
		return api_fail(c, 400, "invalid_query", "?mode",
		    "?mode: expected block or inform");
	if (exp != NULL && strcmp(exp, "0") != 0 && strcmp(exp, "1") != 0)
		return api_fail(c, 400, "invalid_query", "?expired",
		    "?expired: expected 0 or 1");
	if (exp != NULL)
		f->expired =
		    exp[0] == '1' ? STORE_EXPIRED_YES : STORE_EXPIRED_NO;
	/* ?source=ID, or a name: the sources of that name the caller sees */
	f->source = arg(cls, "source");
	if (f->source != NULL && strlen(f->source) > 200)
		return api_fail(c, 400, "invalid_query", "?source",
		    "?source: at most 200 bytes");
	if (f->source != NULL && f->source[0] >= '1' && f->source[0] <= '9') {
		char *end;

		src = strtoll(f->source, &end, 10);
		if (*end == '\0' && src > 0) {
			f->source_id = src;
			f->source = NULL;
		}
	}
	return 0;
}

int
h_indicator_list(struct api_ctx *c)
{
	struct store_indicator_filter f;
	struct store_indicator *v = NULL;
	struct store_page pg;
	int64_t total = 0;
	size_t n = 0, i;
	int more = 0, r;
	json_t *items;

	if (api_page(c, &pg) < 0 || list_filter(c, &f) < 0)
		return -1;
	if ((r = store_indicator_list(
		 c->s, &c->who.scope, &f, &pg, &v, &n, &more)) != 0 ||
	    (r = store_indicator_total(c->s, &c->who.scope, &f, &total)) != 0) {
		store_indicators_free(v, n);
		return api_store_fail(c, r);
	}
	items = json_array();
	for (i = 0; i < n && items != NULL; i++)
		json_array_append_new(items, api_indicator_json(c, &v[i]));
	r = api_list_ext(c, items, more, n > 0 ? v[n - 1].id : 0,
	    json_pack("{s:I}", "total", (json_int_t)total));
	store_indicators_free(v, n);
	return r;
}

/* The indicator of the path's {id} visible to the caller into *out;
 * with write, one the caller may change (403 for an MSP-wide one). */
static int
path_indicator(struct api_ctx *c, int write, struct store_indicator *out)
{
	char *end;
	long long id = strtoll(c->param[0], &end, 10);
	int r;

	if (*end != '\0' || id <= 0)
		return api_fail(c, 404, "not_found", NULL, "no such indicator");
	r = store_indicator_get(c->s, &c->who.scope, id, out);
	if (r == RP_ERR_NOTFOUND)
		return api_fail(c, 404, "not_found", NULL, "no such indicator");
	if (r != 0)
		return api_store_fail(c, r);
	if (write && out->tenant_id == 0 && !c->who.scope.all) {
		store_indicator_clear(out);
		return api_msp_write(c, 0, NULL);
	}
	return 0;
}

int
h_indicator_get(struct api_ctx *c)
{
	struct store_indicator i;
	int r;

	if (path_indicator(c, 0, &i) < 0)
		return -1;
	r = api_json(c, 200, api_indicator_json(c, &i));
	store_indicator_clear(&i);
	return r;
}

/* One new indicator of body object o (at JSON pointer base) read into
 * *in, its value normalised into val (IND_NORM_MAX bytes) and tags into
 * tags; 0, or answered and -1. */
static int
read_one(struct api_ctx *c, const json_t *o, const char *base,
    struct store_indicator *in, char *val, char *tags, size_t tagslen)
{
	static const char *const keys[] = {"tenant", "type", "value", "size",
	    "source", "confidence", "first_seen", "last_seen", "expires",
	    "tags", "tlp", "mode", "comment", NULL};
	const char *type = json_string_value(json_object_get(o, "type"));
	const char *value = json_string_value(json_object_get(o, "value"));
	const char *why = NULL, *key;
	char field[64];
	json_t *v;
	int64_t x;

	memset(in, 0, sizeof(*in));
	if (!json_is_object(o))
		return api_fail(c, 400, "invalid_field", base,
		    "expected an indicator object");
	json_object_foreach((json_t *)o, key, v)
	{
		size_t k;
		for (k = 0; keys[k] != NULL && strcmp(keys[k], key) != 0; k++)
			;
		if (keys[k] == NULL)
			return api_fail(c, 400, "invalid_field", base,
			    "unknown member '%.64s'", key);
	}
	snprintf(field, sizeof(field), "%s/value", base);
	if (type == NULL || value == NULL)
		return api_fail(c, 400, "invalid_field", field,
		    "type and value are required strings");
	if (ioc_value_normalize(type, value, val, IND_NORM_MAX, &why) != 0)
		return api_fail(c, 400, "invalid_field", field, "%s: %s", type,
		    why != NULL ? why : "not valid");
	in->type = (char *)type;
	in->value = val;
	in->confidence = -1;
	in->created_by = (char *)c->who.label;
#define STR(name, dst)                                                         \
	do {                                                                   \
		v = json_object_get(o, name);                                  \
		snprintf(field, sizeof(field), "%s/%s", base, name);           \
		if (v != NULL && !json_is_null(v) && !json_is_string(v))       \
			return api_fail(c, 400, "invalid_field", field,        \
			    "%s: expected a string", name);                    \
		dst = json_string_value(v);                                    \
	} while (0)
	const char *tenant, *source, *fs, *ls, *exp, *tlp, *mode, *comment;
	STR("tenant", tenant);
	STR("source", source);
	STR("first_seen", fs);
	STR("last_seen", ls);
	STR("expires", exp);
	STR("tlp", tlp);
	STR("mode", mode);
	STR("comment", comment);
#undef STR
	snprintf(field, sizeof(field), "%s/tenant", base);
	if (api_tenant_of(c, tenant, field, &in->tenant_id) < 0 ||
	    api_msp_write(c, in->tenant_id, field) < 0)
		return -1;
	snprintf(field, sizeof(field), "%s/source", base);
	if (api_source_of(c, source, in->tenant_id, field, &in->source_id) < 0)
		return -1;
	snprintf(field, sizeof(field), "%s/first_seen", base);
	if (api_time_arg(c, fs, field, &in->first_seen) < 0)
		return -1;
	snprintf(field, sizeof(field), "%s/last_seen", base);
	if (api_time_arg(c, ls, field, &in->last_seen) < 0)
		return -1;
	snprintf(field, sizeof(field), "%s/expires", base);
	if (api_time_arg(c, exp, field, &in->expires) < 0)
		return -1;
	snprintf(field, sizeof(field), "%s/tlp", base);
	if (tlp != NULL && !api_tlp_ok(tlp))
		return api_fail(c, 400, "invalid_field", field,
		    "tlp: expected clear, green, amber, amber+strict or red");
	snprintf(field, sizeof(field), "%s/mode", base);
	if (mode != NULL && strcmp(mode, "block") != 0 &&
	    strcmp(mode, "inform") != 0)
		return api_fail(c, 400, "invalid_field", field,
		    "mode: expected block, inform or null");
	snprintf(field, sizeof(field), "%s/comment", base);
	if (comment != NULL && strlen(comment) > STORE_IND_COMMENT_MAX)
		return api_fail(c, 400, "invalid_field", field,
		    "comment: at most %d bytes", STORE_IND_COMMENT_MAX);
	in->tlp = (char *)tlp;
	in->mode = (char *)mode;
	in->comment = (char *)comment;
	if ((v = json_object_get(o, "confidence")) != NULL) {
		x = json_integer_value(v);
		snprintf(field, sizeof(field), "%s/confidence", base);
		if (!json_is_integer(v) || x < 0 || x > 100)
			return api_fail(c, 400, "invalid_field", field,
			    "confidence: expected 0 to 100");
		in->confidence = (int)x;
	}
	if ((v = json_object_get(o, "size")) != NULL && !json_is_null(v)) {
		x = json_integer_value(v);
		snprintf(field, sizeof(field), "%s/size", base);
		if (!json_is_integer(v) || x < 0)
			return api_fail(c, 400, "invalid_field", field,
			    "size: expected a byte count");
		in->size = x;
	}
	if ((v = json_object_get(o, "tags")) != NULL) {
		snprintf(field, sizeof(field), "%s/tags", base);
		if (api_tags_arg(c, v, field, tags, tagslen) < 0)
			return -1;
		in->tags = tags;
	}
	return 0;
}

int
api_tlp_ok(const char *tlp)
{
	static const char *const tlps[] = {
	    "clear", "green", "amber", "amber+strict", "red", NULL};
	size_t i;

	for (i = 0; tlps[i] != NULL; i++)
		if (strcmp(tlp, tlps[i]) == 0)
			return 1;
	return 0;
}

/* Reads and stores the indicators of items (the body itself when
 * single) in the open transaction; ids[] and what[] get each one's row,
 * counts[] the outcomes. */
struct add_one {
	char val[IND_NORM_MAX];
	char tags[STORE_TAGS_MAX * (STORE_TAG_MAX + 1) + 1];
};

static int
add_all(struct api_ctx *c, const json_t *items, int single, int64_t *ids,
    enum store_put_outcome *what, size_t *counts, int64_t *tenant)
{
	struct store_indicator in;
	struct add_one *w = malloc(sizeof(*w));
	char base[32] = "";
	size_t i;
	int r = 0;

	if (w == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	for (i = 0; i < json_array_size(items); i++) {
		if (!single)
			snprintf(base, sizeof(base), "/items/%zu", i);
		if (read_one(c, json_array_get(items, i), base, &in, w->val,
			w->tags, sizeof(w->tags)) < 0) {
			r = -1;
			break;
		}
		r = store_indicator_put(
		    c->s, &c->who.scope, &in, c->rq->now, &ids[i], &what[i]);
		if (r == RP_ERR_ARG) {
			r = api_fail(c, 400, "invalid_field", base,
			    "the indicator is outside the model's bounds");
			break;
		}
		if (r != 0) {
			r = api_store_fail(c, r);
			break;
		}
		counts[what[i]]++;
		/* the audit entry's tenant: the one all rows are of */
		*tenant = i == 0 || *tenant == in.tenant_id ? in.tenant_id : -1;
	}
	free(w);
	return r;
}

static const char *
outcome_name(enum store_put_outcome o)
{
	return o == STORE_PUT_NEW    ? "new"
	    : o == STORE_PUT_UPDATED ? "updated"
				     : "unchanged";
}

/* The answer to an add: the indicator, or {items, counts} of a batch. */
static int
add_answer(struct api_ctx *c, int single, const int64_t *ids,
    const enum store_put_outcome *what, size_t n, const size_t *counts)
{
	struct store_indicator g;
	json_t *out = json_array(), *o;
	size_t i;
	int r;

	for (i = 0; i < n && out != NULL; i++) {
		if ((r = store_indicator_get(
			 c->s, &c->who.scope, ids[i], &g)) != 0) {
			json_decref(out);
			return api_store_fail(c, r);
		}
		if ((o = api_indicator_json(c, &g)) != NULL)
			json_object_set_new(
			    o, "outcome", json_string(outcome_name(what[i])));
		json_array_append_new(out, o);
		store_indicator_clear(&g);
	}
	if (out == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	if (single) {
		o = json_incref(json_array_get(out, 0));
		json_decref(out);
		return api_json(c, counts[0] > 0 ? 201 : 200, o);
	}
	return api_json(c, counts[0] > 0 ? 201 : 200,
	    json_pack("{s:o,s:I,s:I,s:I}", "items", out, "new",
		(json_int_t)counts[0], "updated", (json_int_t)counts[1],
		"unchanged", (json_int_t)counts[2]));
}

int
h_indicator_create(struct api_ctx *c)
{
	json_t *items = json_object_get(c->body, "items"), *arr = NULL;
	enum store_put_outcome *what = NULL;
	size_t counts[3] = {0}, n;
	int single = items == NULL;
	int64_t *ids = NULL, tenant = 0;
	char target[48], slug[64] = "";
	int r;

	if (!single && json_object_size(c->body) != 1)
		return api_fail(c, 400, "invalid_field", "",
		    "a batch is {\"items\": [...]} and nothing else");
	if (single) {
		if ((arr = json_array()) == NULL ||
		    json_array_append(arr, c->body) != 0) {
			json_decref(arr);
			return api_store_fail(c, RP_ERR_NOMEM);
		}
		items = arr;
	}
	n = json_array_size(items);
	if (!json_is_array(items) || n == 0 || n > IND_BATCH_MAX) {
		json_decref(arr);
		return api_fail(c, 400, "invalid_field", "/items",
		    "items: expected 1 to %d indicators", IND_BATCH_MAX);
	}
	ids = calloc(n, sizeof(*ids));
	what = calloc(n, sizeof(*what));
	r = ids == NULL || what == NULL ? RP_ERR_NOMEM : store_begin(c->s);
	if (r != 0) {
		r = api_store_fail(c, r);
		goto out;
	}
	if ((r = add_all(c, items, single, ids, what, counts, &tenant)) != 0) {
		store_rollback(c->s);
		goto out;
	}
	if (tenant > 0)
		(void)api_tenant_slug_any(c, tenant, slug);
	snprintf(target, sizeof(target), "indicator:%lld", (long long)ids[0]);
	if ((r = api_audit_commit(c, "indicator.create", slug,
		 single ? target : "indicators", "ok",
		 json_pack("{s:I,s:I,s:I}", "new", (json_int_t)counts[0],
		     "updated", (json_int_t)counts[1], "unchanged",
		     (json_int_t)counts[2]))) != 0) {
		r = api_store_fail(c, r);
		goto out;
	}
	r = add_answer(c, single, ids, what, n, counts);
out:
	json_decref(arr);
	free(ids);
	free(what);
	return r;
}

/* The edit a PATCH body asks for into *e (strings borrowed from the
 * body; tags into tags); 0, or answered and -1. */
static int
read_edit(struct api_ctx *c, struct store_indicator_edit *e, char *tags,
    size_t tagslen)
{
	static const char *const keys[] = {
	    "mode", "confidence", "expires", "tlp", "tags", "comment", NULL};
	const char *exp = NULL;
	json_t *v;
	int64_t x;

	memset(e, 0, sizeof(*e));
	if (api_keys_only(c, keys) < 0)
		return -1;
	if ((v = json_object_get(c->body, "mode")) != NULL) {
		e->set |= STORE_IND_SET_MODE;
		e->mode = json_string_value(v);
		if (!json_is_null(v) &&
		    (e->mode == NULL ||
			(strcmp(e->mode, "block") != 0 &&
			    strcmp(e->mode, "inform") != 0)))
			return api_fail(c, 400, "invalid_field", "/mode",
			    "mode: expected block, inform or null (the "
			    "source's)");
	}
	if (json_object_get(c->body, "confidence") != NULL) {
		if (api_int(c, "confidence", 0, 100, &x) < 0)
			return -1;
		e->set |= STORE_IND_SET_CONFIDENCE;
		e->confidence = (int)x;
	}
	if ((v = json_object_get(c->body, "expires")) != NULL) {
		e->set |= STORE_IND_SET_EXPIRES;
		if (!json_is_null(v) && (exp = json_string_value(v)) == NULL)
			return api_fail(c, 400, "invalid_field", "/expires",
			    "expires: expected a date-time or null (never)");
		if (api_time_arg(c, exp, "/expires", &e->expires) < 0)
			return -1;
	}
	if (json_object_get(c->body, "tlp") != NULL) {
		if (api_str(c, "tlp", 0, 16, &e->tlp) < 0)
			return -1;
		if (!api_tlp_ok(e->tlp))
			return api_fail(c, 400, "invalid_field", "/tlp",
			    "tlp: expected clear, green, amber, amber+strict "
			    "or red");
		e->set |= STORE_IND_SET_TLP;
	}
	if ((v = json_object_get(c->body, "tags")) != NULL) {
		if (api_tags_arg(c, v, "/tags", tags, tagslen) < 0)
			return -1;
		e->set |= STORE_IND_SET_TAGS;
		e->tags = tags;
	}
	if (json_object_get(c->body, "comment") != NULL) {
		if (api_str(c, "comment", 0, STORE_IND_COMMENT_MAX,
			&e->comment) < 0)
			return -1;
		e->set |= STORE_IND_SET_COMMENT;
	}
	if (e->set == 0)
		return api_fail(c, 400, "invalid_field", "",
		    "expected mode, confidence, expires, tlp, tags or comment");
	return 0;
}

/* The audit tenant of a row: its tenant's slug, "" MSP-wide. */
static void
row_tenant(struct api_ctx *c, int64_t tenant, char slug[64])
{
	slug[0] = '\0';
	if (tenant != 0)
		(void)api_tenant_slug_any(c, tenant, slug);
}

int
h_indicator_update(struct api_ctx *c)
{
	struct store_indicator_edit e;
	struct store_indicator i;
	char *tags = malloc(STORE_TAGS_MAX * (STORE_TAG_MAX + 1) + 1);
	char slug[64], target[48];
	int changed = 0, r;

	if (tags == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	/* the object first: another tenant's is 404 whatever the body */
	if (path_indicator(c, 1, &i) < 0) {
		free(tags);
		return -1;
	}
	if (read_edit(c, &e, tags, STORE_TAGS_MAX * (STORE_TAG_MAX + 1) + 1) <
	    0) {
		free(tags);
		store_indicator_clear(&i);
		return -1;
	}
	row_tenant(c, i.tenant_id, slug);
	snprintf(target, sizeof(target), "indicator:%lld", (long long)i.id);
	if ((r = store_begin(c->s)) != 0 ||
	    (r = store_indicator_edit(
		 c->s, &c->who.scope, i.id, &e, c->rq->now, &changed)) != 0 ||
	    (changed &&
		(r = api_audit(c, "indicator.edit", slug, target, "ok",
		     json_deep_copy(c->body))) != 0) ||
	    (r = store_commit(c->s)) != 0) {
		free(tags);
		store_indicator_clear(&i);
		return api_store_fail(c, r);
	}
	free(tags);
	store_indicator_clear(&i);
	if (path_indicator(c, 0, &i) < 0)
		return -1;
	r = api_json(c, 200, api_indicator_json(c, &i));
	store_indicator_clear(&i);
	return r;
}

int
h_indicator_delete(struct api_ctx *c)
{
	struct store_indicator i;
	char slug[64], target[48];
	int r;

	if (path_indicator(c, 1, &i) < 0)
		return -1;
	row_tenant(c, i.tenant_id, slug);
	snprintf(target, sizeof(target), "indicator:%lld", (long long)i.id);
	if ((r = store_begin(c->s)) != 0 ||
	    (r = store_indicator_delete(
		 c->s, &c->who.scope, i.id, c->rq->now)) != 0 ||
	    (r = api_audit_commit(c, "indicator.delete", slug, target, "ok",
		 json_pack("{s:s,s:s}", "type", i.type, "value",
		     strlen(i.value) > 256 ? "(long)" : i.value))) != 0) {
		store_indicator_clear(&i);
		return api_store_fail(c, r);
	}
	store_indicator_clear(&i);
	return api_no_content(c);
}
