/*
 * The web UI's front: the page table, who may open each page, the form
 * token every POST must carry, the static files, and the answers (pages,
 * redirects, error pages) with the headers that lock them down.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "auth/auth.h"
#include "util/err.h"
#include "web_int.h"

/* Pages may load only this server's own style and script, show images
 * from it (and QR codes as data:), post forms only to it, and never be
 * framed. */
#define WEB_CSP                                                                \
	"default-src 'none'; script-src 'self'; style-src 'self'; "            \
	"img-src 'self' data:; form-action 'self'; base-uri 'none'; "          \
	"frame-ancestors 'none'"
#define PAGE_MAX ((size_t)8 * 1024 * 1024)
/* The cookie that carries the login form's token before a session. */
#define LOGIN_COOKIE "rampart_login"

enum gate { G_PUBLIC, G_USER };

struct page {
	const char *method;
	const char *pattern;
	enum gate gate;
	int (*fn)(struct web_ctx *);
};

static int p_static(struct web_ctx *w);

static const struct page pages[] = {
    {"GET", "/", G_USER, p_overview},
    {"GET", "/login", G_PUBLIC, p_login_form},
    {"POST", "/login", G_PUBLIC, p_login},
    {"POST", "/logout", G_USER, p_logout},
    {"GET", "/static/{tag}/{name}", G_PUBLIC, p_static},
    {"GET", "/advisories", G_USER, p_advisory_list},
    {"POST", "/advisories", G_USER, p_advisory_import},
    {"GET", "/advisories/{id}", G_USER, p_advisory},
    {"GET", "/advisories/{id}/act", G_USER, p_advisory_act_form},
    {"POST", "/advisories/{id}/act", G_USER, p_advisory_act},
    {"GET", "/indicators", G_USER, p_indicator_list},
    {"POST", "/indicators", G_USER, p_indicator_import},
    {"GET", "/indicators/{id}", G_USER, p_indicator},
    {"POST", "/indicators/{id}", G_USER, p_indicator_edit},
    {"POST", "/indicators/{id}/delete", G_USER, p_indicator_delete},
    {"GET", "/hosts", G_USER, p_host_list},
    {"GET", "/hosts/{id}", G_USER, p_host},
    {"POST", "/hosts/{id}/restore", G_USER, p_host_restore},
    {"POST", "/hosts/{id}/inventory", G_USER, p_host_inventory},
    {"GET", "/hosts/{id}/block", G_USER, p_host_block_form},
    {"POST", "/hosts/{id}/block", G_USER, p_host_block},
    {"GET", "/jobs", G_USER, p_job_list},
    {"GET", "/jobs/{id}", G_USER, p_job},
    {"POST", "/jobs/{id}/approve", G_USER, p_job_approve},
    {"GET", "/audit", G_USER, p_audit},
    {"GET", "/admin", G_USER, p_admin},
    {"POST", "/admin/tenants", G_USER, p_admin_tenant_create},
    {"POST", "/admin/tenants/{slug}", G_USER, p_admin_tenant_update},
    {"POST", "/admin/users", G_USER, p_admin_user_create},
    {"POST", "/admin/users/{name}", G_USER, p_admin_user_update},
    {"POST", "/admin/tokens", G_USER, p_admin_token_create},
    {"POST", "/admin/tokens/{id}/revoke", G_USER, p_admin_token_revoke},
    {"POST", "/admin/enroll", G_USER, p_admin_enroll_create},
    {"POST", "/admin/enroll/{id}/revoke", G_USER, p_admin_enroll_revoke},
    {"GET", "/feeds", G_USER, p_feed_list},
    {"POST", "/feeds", G_USER, p_feed_create},
    {"POST", "/feeds/{id}/rotate", G_USER, p_feed_rotate},
    {"POST", "/feeds/{id}/enabled", G_USER, p_feed_enable},
    {"POST", "/feeds/{id}/delete", G_USER, p_feed_delete},
    {"GET", "/account", G_USER, p_account},
    {"POST", "/account", G_USER, p_account_prefs},
    {"POST", "/account/totp", G_USER, p_account_totp},
    {"POST", "/account/password", G_USER, p_account_password},
};
#define NPAGES (sizeof(pages) / sizeof(pages[0]))

int
web_owns(const char *method, const char *path)
{
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	    strcmp(method, "POST") != 0)
		return 0;
	return strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0 &&
	    strcmp(path, "/metrics") != 0;
}

size_t
web_body_max(const struct api_request *rq)
{
	struct api_request me = *rq;
	struct api_admission adm;
	struct api_response rs;
	size_t max = 0;
	int r;

	if (strcmp(rq->method, "POST") != 0 || rq->cookie == NULL)
		return API_BODY_SMALL;
	/* The session is checked before the body, as the API checks its
	 * callers: only a logged-in user may send an advisory upload (the
	 * API's cap and its multipart framing). */
	me.method = "GET";
	me.path = "/api/v1/me";
	me.authorization = NULL;
	r = api_admit(&me, &rs, &adm, &max);
	api_response_clear(&rs);
	return r == 0 ? API_BODY_DOCUMENT + 64 * 1024 : API_BODY_SMALL;
}

static int
match(const char *pattern, const char *path, struct web_ctx *w)
{
	return rp_path_match(
	    pattern, path, w->param, WEB_MAX_PARAMS, w->pbuf, sizeof(w->pbuf));
}

/* The value of cookie name in a Cookie header into out; 0 or -1. */
static int
cookie_get(const char *hdr, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name), k;
	const char *p = hdr;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			p += nl + 1;
			k = strcspn(p, ";");
			if (k >= outlen)
				return -1;
			memcpy(out, p, k);
			out[k] = '\0';
			return 0;
		}
		p = strchr(p, ';');
	}
	return -1;
}

/* The form token of a session: a keyed hash of its cookie, so it needs
 * no storage and no one without the cookie can make it.  -1 for a
 * cookie that cannot be a key (not one the server made). */
static int
csrf_of(const char *cookie, char out[40])
{
	unsigned char h[16];
	size_t n = strlen(cookie);

	if (n < crypto_generichash_KEYBYTES_MIN ||
	    n > crypto_generichash_KEYBYTES_MAX ||
	    crypto_generichash(h, sizeof(h),
		(const unsigned char *)"rampart-form", 12,
		(const unsigned char *)cookie, n) != 0)
		return -1;
	sodium_bin2hex(out, 40, h, sizeof(h));
	sodium_memzero(h, sizeof(h));
	return 0;
}

static int
same(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n > 0 && n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

/* A POST must come from this site's own page: the Origin (when the
 * browser sends one) names this host, and the form token is right. */
static int
post_ok(struct web_ctx *w, const char *token)
{
	const char *o = w->rq->origin, *h = w->rq->host, *rest;

	/* "null": a page under Referrer-Policy: no-referrer (ours) posts
	 * with Origin: null (the Fetch standard); the token still counts */
	if (o != NULL && strcmp(o, "null") != 0) {
		rest = strncmp(o, "https://", 8) == 0 ? o + 8
		    : strncmp(o, "http://", 7) == 0   ? o + 7
						      : NULL;
		if (rest == NULL || h == NULL || strcmp(rest, h) != 0)
			return 0;
	}
	return same(web_form_str(&w->form, "csrf"), token);
}

static int
parse_post(struct web_ctx *w)
{
	const char *err = NULL;
	int r;

	r = web_form_parse(
	    w->rq->content_type, w->rq->body, w->rq->body_len, &w->form, &err);
	if (r == RP_ERR_NOMEM)
		return r;
	if (r != 0)
		return web_fail(w, 400, T_("The form could not be read."), err);
	return 0;
}

static int
load_me(struct web_ctx *w)
{
	json_t *u;
	const char *role;
	int st;

	st = web_api(w, "GET", "/api/v1/me", NULL, NULL, NULL, 0, &w->me);
	if (st != 200 || !json_is_object(w->me)) {
		json_decref(w->me);
		w->me = NULL;
		return st == 0 ? RP_ERR_NOMEM : RP_ERR_NOTFOUND;
	}
	u = json_object_get(w->me, "user");
	role = json_string_value(json_object_get(w->me, "role"));
	w->role = role == NULL		      ? 0
	    : strcmp(role, "msp-admin") == 0  ? 2
	    : strcmp(role, "technician") == 0 ? 1
					      : 0;
	web_locale_clear(&w->loc);
	web_locale_init(&w->loc, json_string_value(json_object_get(u, "lang")),
	    json_string_value(json_object_get(u, "tz")));
	return 0;
}

/* A logged-in user's gate: a session, then the form token on a POST. */
static int
gate_user(struct web_ctx *w, int post)
{
	char cookie[128];
	int r;

	if (w->rq->cookie == NULL ||
	    cookie_get(w->rq->cookie, AUTH_COOKIE, cookie, sizeof(cookie)) !=
		0 ||
	    (r = load_me(w)) == RP_ERR_NOTFOUND) {
		if (post)
			return web_fail(w, 401,
			    T_("Your session has ended. Log in again."), NULL);
		return web_redirect(w, "/login");
	}
	if (r != 0)
		return r;
	r = csrf_of(cookie, w->csrf);
	sodium_memzero(cookie, sizeof(cookie));
	/* the API took another cookie of that name than the first */
	if (r != 0)
		return web_fail(w, 400,
		    T_("Your browser sent more than one session. Log in "
		       "again."),
		    NULL);
	if (post && !post_ok(w, w->csrf))
		return web_fail(w, 403,
		    T_("The form is out of date or came from another site. "
		       "Reload the page and try again."),
		    NULL);
	return 0;
}

/* The login form's token lives in a cookie of its own until there is a
 * session (double submit): a login cannot be forged from elsewhere. */
int
web_login_token(struct web_ctx *w, int post)
{
	unsigned char rnd[16];

	if (post) {
		if (w->rq->cookie == NULL ||
		    cookie_get(w->rq->cookie, LOGIN_COOKIE, w->csrf,
			sizeof(w->csrf)) != 0 ||
		    !post_ok(w, w->csrf))
			return web_fail(w, 403,
			    T_("The form is out of date or came from another "
			       "site. Reload the page and try again."),
			    NULL);
		return 0;
	}
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(w->csrf, sizeof(w->csrf), rnd, sizeof(rnd));
	free(w->rs->set_cookie);
	w->rs->set_cookie = rp_asprintf(
	    "%s=%s; Path=/login; Max-Age=3600; HttpOnly;%s SameSite=Strict",
	    LOGIN_COOKIE, w->csrf, api_secure_cookies() ? " Secure;" : "");
	return w->rs->set_cookie != NULL ? 0 : RP_ERR_NOMEM;
}

static int
p_static(struct web_ctx *w)
{
	size_t i;

	for (i = 0; i < web_nassets; i++) {
		const struct web_asset *a = &web_assets[i];

		if (strcmp(a->name, w->param[1]) != 0)
			continue;
		if ((w->rs->body = malloc(a->len + 1)) == NULL)
			return RP_ERR_NOMEM;
		memcpy(w->rs->body, a->data, a->len);
		w->rs->body_len = a->len;
		w->rs->status = 200;
		w->rs->content_type = a->type;
		/* the URL names the content: cached for good when it does */
		w->rs->cache_control = strcmp(a->tag, w->param[0]) == 0
		    ? "public, max-age=31536000, immutable"
		    : "no-cache";
		return 0;
	}
	return web_fail(w, 404, T_("There is no such page."), NULL);
}

static const struct page *
find_page(struct web_ctx *w, int *path_known)
{
	size_t i;

	*path_known = 0;
	for (i = 0; i < NPAGES; i++) {
		if (!match(pages[i].pattern, w->rq->path, w))
			continue;
		*path_known = 1;
		if (strcmp(pages[i].method, w->rq->method) == 0 ||
		    (strcmp(w->rq->method, "HEAD") == 0 &&
			strcmp(pages[i].method, "GET") == 0))
			return &pages[i];
	}
	return NULL;
}

int
web_handle(const struct api_request *rq, struct api_response *rs)
{
	const struct page *pg;
	struct web_ctx w;
	int known, post, r = 0;

	memset(rs, 0, sizeof(*rs));
	memset(&w, 0, sizeof(w));
	w.rq = rq;
	w.rs = rs;
	web_locale_init(&w.loc, NULL, NULL);
	rs->route = "web";
	if ((pg = find_page(&w, &known)) == NULL) {
		r = web_fail(&w, known ? 405 : 404,
		    known ? T_("This page does not take that request.")
			  : T_("There is no such page."),
		    NULL);
		goto out;
	}
	rs->route = pg->pattern;
	post = strcmp(pg->method, "POST") == 0;
	if (post && (r = parse_post(&w)) != 0)
		goto out;
	if (rs->status == 0 && pg->gate == G_USER)
		r = gate_user(&w, post);
	if (r == 0 && rs->status == 0)
		r = pg->fn(&w);
out:
	if (r == 0 && rs->body == NULL && rs->status != 303)
		r = RP_ERR_NOMEM;
	web_form_clear(&w.form);
	json_decref(w.me);
	web_locale_clear(&w.loc);
	sodium_memzero(w.csrf, sizeof(w.csrf));
	if (rs->csp == NULL)
		rs->csp = WEB_CSP;
	return r;
}
