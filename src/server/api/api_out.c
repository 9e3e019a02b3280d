/*
 * What every handler shares: JSON answers and errors, body fields with
 * their JSON pointers, pagination, times, tenant lists and audit
 * entries.  Answers are built as jansson values and serialised once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_int.h"
#include "util/err.h"
#include "util/str.h"

#define API_ERRMSG_MAX 512

void
api_response_clear(struct api_response *rs)
{
	free(rs->body);
	free(rs->set_cookie);
	free(rs->location);
	rs->body = NULL;
	rs->set_cookie = NULL;
	rs->location = NULL;
}

static int
set_body(struct api_response *rs, int status, json_t *v)
{
	char *s;

	s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(v);
	free(rs->body);
	rs->body = s;
	rs->body_len = s != NULL ? strlen(s) : 0;
	rs->status = s != NULL ? status : 500;
	rs->content_type = "application/json";
	return s != NULL ? 0 : RP_ERR_NOMEM;
}

static int error_v(struct api_response *rs, int status, const char *code,
    const char *field, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

static int
error_v(struct api_response *rs, int status, const char *code,
    const char *field, const char *fmt, va_list ap)
{
	char msg[API_ERRMSG_MAX];
	json_t *e;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	e = json_pack("{s:s,s:s}", "code", code, "message", msg);
	if (e == NULL) {
		/* The message quotes the request (a Content-Type, a method, a
		 * query argument) and that is not UTF-8, or the cut split a
		 * sequence: jansson refuses it.  The answer must still be the
		 * error, so the bytes past ASCII become '?'. */
		for (char *p = msg; *p != '\0'; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		e = json_pack("{s:s,s:s}", "code", code, "message", msg);
	}
	if (e != NULL && field != NULL)
		json_object_set_new(e, "field", json_string(field));
	if (e == NULL)
		return RP_ERR_NOMEM;
	return set_body(rs, status, json_pack("{s:o}", "error", e));
}

int
api_error(struct api_response *rs, int status, const char *code,
    const char *field, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = error_v(rs, status, code, field, fmt, ap);
	va_end(ap);
	return r;
}

int
api_fail(struct api_ctx *c, int status, const char *code, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)error_v(c->rs, status, code, field, fmt, ap);
	va_end(ap);
	return -1;
}

int
api_store_fail(struct api_ctx *c, int r)
{
	store_rollback(c->s);
	if (r == RP_ERR_NOMEM)
		return api_fail(c, 500, "internal", NULL, "out of memory");
	return api_fail(c, 500, "internal", NULL,
	    "the store failed (%s); nothing was changed", rp_strerror(r));
}

int
api_json(struct api_ctx *c, int status, json_t *v)
{
	if (v == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	return set_body(c->rs, status, v) == 0 ? 0 : -1;
}

int
api_json_with_raw(
    struct api_ctx *c, int status, json_t *v, const char *key, const char *raw)
{
	struct api_response *rs = c->rs;
	const char *val = raw != NULL ? raw : "null";
	size_t nk = strlen(key), nr = strlen(val), ns, cap;
	char *s, *out;

	if (v == NULL || !json_is_object(v) || json_object_size(v) == 0) {
		json_decref(v);
		return api_store_fail(c, RP_ERR_NOMEM);
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(v);
	if (s == NULL)
		return api_store_fail(c, RP_ERR_NOMEM);
	ns = strlen(s);
	/* s is "{...}": its closing brace is replaced by ,"key":raw} */
	cap = ns + nk + nr + 5;
	if ((out = malloc(cap)) == NULL) {
		free(s);
		return api_store_fail(c, RP_ERR_NOMEM);
	}
	memcpy(out, s, ns - 1);
	snprintf(out + ns - 1, cap - (ns - 1), ",\"%s\":%s}", key, val);
	free(s);
	free(rs->body);
	rs->body = out;
	rs->body_len = cap - 1;
	rs->status = status;
	rs->content_type = "application/json";
	return 0;
}

int
api_no_content(struct api_ctx *c)
{
	c->rs->status = 204;
	c->rs->content_type = "application/json";
	return 0;
}

/* The JSON pointer of a top-level body field ("/name"). */
static const char *
ptr(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "/%s", name);
	return buf;
}

int
api_str(struct api_ctx *c, const char *name, int required, size_t maxlen,
    const char **out)
{
	json_t *v = json_object_get(c->body, name);
	char p[80];

	if (v == NULL && !required)
		return 1;
	if (v == NULL)
		return api_fail(c, 400, "invalid_field",
		    ptr(p, sizeof(p), name), "%s: required", name);
	/* jansson allows NUL inside strings; names and texts here may not
	 * hold one. */
	if (!json_is_string(v) || json_string_length(v) > maxlen ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return api_fail(c, 400, "invalid_field",
		    ptr(p, sizeof(p), name),
		    "%s: expected a string of at most %zu bytes", name, maxlen);
	*out = json_string_value(v);
	return 0;
}

int
api_bool(struct api_ctx *c, const char *name, int *out)
{
	json_t *v = json_object_get(c->body, name);
	char p[80];

	if (v == NULL)
		return 1;
	if (!json_is_boolean(v))
		return api_fail(c, 400, "invalid_field",
		    ptr(p, sizeof(p), name), "%s: expected true or false",
		    name);
	*out = json_is_true(v);
	return 0;
}

int
api_int(
    struct api_ctx *c, const char *name, int64_t lo, int64_t hi, int64_t *out)
{
	json_t *v = json_object_get(c->body, name);
	char p[80];

	if (v == NULL)
		return 1;
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return api_fail(c, 400, "invalid_field",
		    ptr(p, sizeof(p), name),
		    "%s: expected an integer from %lld to %lld", name,
		    (long long)lo, (long long)hi);
	*out = json_integer_value(v);
	return 0;
}

int
api_keys_only(struct api_ctx *c, const char *const *keys)
{
	const char *k;
	json_t *v;
	char p[300];

	json_object_foreach(c->body, k, v)
	{
		if (!rp_str_in_list(keys, k))
			return api_fail(c, 400, "invalid_field",
			    ptr(p, sizeof(p), k), "unknown field '%.200s'", k);
	}
	return 0;
}

static const char *
ptrq(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "?%s", name);
	return buf;
}

/* A decimal query argument within [lo, hi]; 1 when absent. */
static int
query_int(struct api_ctx *c, const char *name, long long lo, long long hi,
    long long *out)
{
	const char *s = c->rq->arg(c->rq->arg_cls, name);
	long long v = 0;
	char field[40];
	size_t i;

	if (s == NULL)
		return 1;
	/* 18 digits cannot overflow a long long. */
	for (i = 0; s[i] != '\0' && i < 18; i++) {
		if (s[i] < '0' || s[i] > '9')
			break;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0 || s[i] != '\0' || v < lo || v > hi)
		return api_fail(c, 400, "invalid_query",
		    ptrq(field, sizeof(field), name),
		    "?%s: expected an integer from %lld to %lld", name, lo, hi);
	*out = v;
	return 0;
}

int
api_page(struct api_ctx *c, struct store_page *pg)
{
	long long limit = 50, after = 0;

	if (query_int(c, "limit", 1, STORE_PAGE_MAX, &limit) < 0 ||
	    query_int(c, "after", 0, INT64_MAX, &after) < 0)
		return -1;
	pg->limit = (int)limit;
	pg->after = after;
	return 0;
}

int
api_list_ext(
    struct api_ctx *c, json_t *items, int more, int64_t last, json_t *extra)
{
	char cur[24];
	json_t *next = json_null(), *o;

	if (more) {
		snprintf(cur, sizeof(cur), "%lld", (long long)last);
		next = json_string(cur);
	}
	o = json_pack("{s:o,s:o}", "items", items, "next", next);
	if (o != NULL && extra != NULL)
		json_object_update(o, extra);
	json_decref(extra);
	return api_json(c, 200, o);
}

int
api_list(struct api_ctx *c, json_t *items, int more, int64_t last)
{
	return api_list_ext(c, items, more, last, NULL);
}

static void
api_time_str(int64_t t, char out[32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

json_t *
api_time(int64_t t)
{
	char b[32];

	if (t == 0)
		return json_null();
	api_time_str(t, b);
	return json_string(b);
}

int
api_name_ok(const char *s, int allow_dot)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		char ch = s[i];
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    (i > 0 &&
			(ch == '-' || (allow_dot && (ch == '.' || ch == '_'))));

		if (!ok || i >= 63)
			return 0;
	}
	return i > 0;
}
