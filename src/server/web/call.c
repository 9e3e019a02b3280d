/*
 * The web UI as a client of the API in the same process, and the
 * answers it gives the browser: pages, redirects, error pages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "web_int.h"

#define PAGE_MAX ((size_t)16 * 1024 * 1024)

static const char *
query_arg(void *cls, const char *name)
{
	const char *const *q = cls;

	for (; q != NULL && q[0] != NULL; q += 2)
		if (strcmp(q[0], name) == 0)
			return q[1];
	return NULL;
}

int
web_api(struct web_ctx *w, const char *method, const char *path,
    const char *const *query, const char *ctype, const char *body, size_t blen,
    json_t **out)
{
	struct api_request rq;
	struct api_response rs;
	int st;

	*out = NULL;
	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.path = path;
	rq.arg = query_arg;
	rq.arg_cls = (void *)(uintptr_t)query;
	rq.content_type = ctype;
	/* the session cookie only: a page never acts on a bearer token */
	rq.cookie = w->rq->cookie;
	rq.remote_addr = w->rq->remote_addr;
	rq.body = body;
	rq.body_len = blen;
	rq.now = w->rq->now;
	rq.store = w->rq->store;
	if (api_handle(&rq, &rs) != 0) {
		api_response_clear(&rs);
		return 0;
	}
	st = rs.status;
	if (rs.body != NULL && rs.body_len > 0)
		*out = json_loadb(rs.body, rs.body_len, 0, NULL);
	if (rs.set_cookie != NULL) {
		free(w->rs->set_cookie);
		w->rs->set_cookie = rs.set_cookie;
		rs.set_cookie = NULL;
	}
	api_response_clear(&rs);
	return st;
}

int
web_api_json(struct web_ctx *w, const char *method, const char *path,
    json_t *body, json_t **out)
{
	char *s = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	int st;

	json_decref(body);
	*out = NULL;
	if (body != NULL && s == NULL)
		return 0;
	st = web_api(w, method, path, NULL, "application/json", s,
	    s != NULL ? strlen(s) : 0, out);
	free(s);
	return st;
}

const char *
web_api_error(json_t *answer)
{
	const char *m = json_string_value(
	    json_object_get(json_object_get(answer, "error"), "message"));

	return m != NULL ? m : "";
}

const char *
web_arg(struct web_ctx *w, const char *name)
{
	return w->rq->arg != NULL ? w->rq->arg(w->rq->arg_cls, name) : NULL;
}

/* What every page shows around its own data. */
static int
add_frame(struct web_ctx *w, json_t *data)
{
	const struct web_asset *a;
	json_t *me = w->me;
	size_t i;

	for (i = 0; i < web_nassets; i++) {
		char key[32];

		a = &web_assets[i];
		snprintf(key, sizeof(key), "asset_%.*s",
		    (int)strcspn(a->name, "."), a->name);
		json_object_set_new(data, key, json_string(a->tag));
	}
	json_object_set_new(
	    data, "lang", json_string(w->loc.lang == WEB_DE ? "de" : "en"));
	json_object_set_new(data, "csrf", json_string(w->csrf));
	if (me != NULL) {
		json_object_set(data, "me", me);
		json_object_set_new(
		    data, "can_act", json_boolean(WEB_CAN_ACT(w)));
		json_object_set_new(
		    data, "is_admin", json_boolean(WEB_IS_ADMIN(w)));
	}
	return 0;
}

int
web_page(struct web_ctx *w, int status, const char *tpl, json_t *data)
{
	const struct tpl *t = web_tpl_find(tpl);
	struct rp_buf b;

	if (data == NULL || t == NULL) {
		json_decref(data);
		return RP_ERR_NOMEM;
	}
	add_frame(w, data);
	rp_buf_init(&b, PAGE_MAX);
	web_render(t, data, &w->loc, &b);
	json_decref(data);
	free(w->rs->body);
	w->rs->body_len = b.len;
	if ((w->rs->body = rp_buf_take(&b)) == NULL)
		return RP_ERR_NOMEM;
	w->rs->status = status;
	w->rs->content_type = "text/html; charset=utf-8";
	return 0;
}

int
web_fail(struct web_ctx *w, int status, const char *msg, const char *detail)
{
	json_t *d = json_pack("{s:s,s:s?,s:i}", "message", web_tr(&w->loc, msg),
	    "detail", detail != NULL && *detail != '\0' ? detail : NULL,
	    "status", status);

	return web_page(w, status, "error", d);
}

int
web_redirect(struct web_ctx *w, const char *fmt, ...)
{
	va_list ap;
	char *loc = NULL;

	va_start(ap, fmt);
	if (vasprintf(&loc, fmt, ap) < 0)
		loc = NULL;
	va_end(ap);
	if (loc == NULL)
		return RP_ERR_NOMEM;
	free(w->rs->location);
	w->rs->location = loc;
	w->rs->status = 303;
	free(w->rs->body);
	w->rs->body = strdup("");
	w->rs->body_len = 0;
	w->rs->content_type = "text/html; charset=utf-8";
	return w->rs->body != NULL ? 0 : RP_ERR_NOMEM;
}

void
web_q_add(struct web_query *q, const char *name, const char *value)
{
	if (value == NULL || *value == '\0' || q->n >= WEB_QUERY_MAX)
		return;
	q->v[2 * q->n] = name;
	q->v[2 * q->n + 1] = value;
	q->n++;
}

void
web_set_next(struct web_ctx *w, json_t *data, json_t *next, ...)
{
	json_t *q;
	const char *name, *v;
	va_list ap;

	if (!json_is_string(next) && !json_is_integer(next))
		return;
	if ((q = json_object()) == NULL)
		return;
	va_start(ap, next);
	while ((name = va_arg(ap, const char *)) != NULL)
		if ((v = web_arg(w, name)) != NULL && *v != '\0')
			json_object_set_new(q, name, json_string(v));
	va_end(ap);
	json_object_set(q, "after", next);
	json_object_set_new(data, "next_q", q);
}

/* What ?done= may say: the code and its message. */
static const char *const notices[][2] = {
    {"imported", T_("The advisory was imported.")},
    {"jobs", T_("The jobs were created. Their hosts are listed below.")},
    {"job", T_("The job was created.")},
    {"approved", T_("The job was approved and signed.")},
    {"restore", T_("A restore job was created for this file.")},
    {"saved", T_("Saved.")},
    {"totp", T_("Your second factor is set up.")},
    {"revoked", T_("Revoked.")},
    {"deleted", T_("Deleted.")},
};

const char *
web_notice(struct web_ctx *w)
{
	const char *d = web_arg(w, "done");
	size_t i;

	for (i = 0; d != NULL && i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strcmp(d, notices[i][0]) == 0)
			return web_tr(&w->loc, notices[i][1]);
	return NULL;
}

int
web_id_ok(const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0'; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') ||
			(id[i] >= '2' && id[i] <= '7')))
			return 0;
	return i == 26;
}
