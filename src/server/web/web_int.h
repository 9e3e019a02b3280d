/*
 * Internal to the web UI: compiled templates (scripts/gen-web.py writes
 * them, with the message catalog and the static files, into web_gen.c),
 * the renderer, forms, and the page context every handler shares.
 */
#ifndef RP_WEB_INT_H
#define RP_WEB_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/str.h"
#include "web.h"

/* --- compiled templates (web_gen.c) -------------------------------------- */

enum tpl_kind {
	TPL_TEXT,
	TPL_VAR,
	TPL_MSG,
	TPL_EACH,
	TPL_IF,
	TPL_UNLESS,
	TPL_EQ,
	TPL_ELSE,
	TPL_END,
	TPL_TIME,
	TPL_NUM,
	TPL_QR,
};
enum tpl_esc { TPL_ESC_HTML, TPL_ESC_URL };

struct tpl_op {
	unsigned char kind; /* enum tpl_kind */
	unsigned char esc; /* enum tpl_esc, for TPL_VAR */
	unsigned short nargs; /* TPL_MSG: paths in args */
	unsigned int msg; /* TPL_MSG: index in web_msgids */
	unsigned int next; /* a block: its TPL_ELSE, else its TPL_END */
	unsigned int end; /* a block: its TPL_END */
	const char *s; /* literal text, or the data path */
	unsigned int len;
	const char *lit; /* TPL_EQ: what the value must equal (or args[0]) */
	const char *const *args;
};
struct tpl {
	const char *name;
	const struct tpl_op *ops;
	size_t nops;
};
extern const struct tpl web_tpls[];
extern const size_t web_ntpls;

/* The catalog: English message IDs in byte order, German beside them. */
extern const char *const web_msgids[];
extern const char *const web_msgs_de[];
extern const size_t web_nmsgs;

struct web_asset {
	const char *name; /* "style.css" */
	const char *type;
	const char *tag; /* 16 hex digits of its SHA-256: the URL's version */
	const unsigned char *data;
	size_t len;
};
extern const struct web_asset web_assets[];
extern const size_t web_nassets;

/* Marks a C string as a catalog message (gen-web.py collects them). */
#define T_(s) (s)

/* --- rendering (tpl.c, fmt.c) -------------------------------------------- */

enum web_lang { WEB_EN, WEB_DE };

/* What a page is shown in: the user's language and time zone. */
struct web_locale {
	enum web_lang lang;
	char tz[64]; /* IANA name */
	void *datefmt; /* ICU formatters, made on first use */
	void *numfmt;
};
void web_locale_init(struct web_locale *l, const char *lang, const char *tz);
void web_locale_clear(struct web_locale *l);

/* The message msgid in l's language (itself in English or when there
 * is no translation). */
const char *web_tr(const struct web_locale *l, const char *msgid);

/* Appends, escaped for HTML text and quoted attribute values. */
void web_esc_html(struct rp_buf *b, const char *s, size_t n);
/* Appends percent-encoded (all but A-Z a-z 0-9 - . _ ~). */
void web_esc_url(struct rp_buf *b, const char *s, size_t n);
/* <time> of t (seconds) in l's zone, UTC in its title. */
void web_fmt_time(struct web_locale *l, struct rp_buf *b, int64_t t);
/* An RFC 3339 UTC time as the API writes it ("2026-12-07T22:05:00Z")
 * into *t; -1 when it is not one. */
int web_time_parse(const char *s, int64_t *t);
/* The IANA zones ICU knows (canonical locations), UTC first. */
json_t *web_zones(void);
void web_fmt_num(struct web_locale *l, struct rp_buf *b, int64_t n);
/* A data: URI of an SVG QR code of text; RP_ERR_* when it cannot be. */
int web_qr_data_uri(struct rp_buf *b, const char *text);

/* The template called name; NULL when there is none. */
const struct tpl *web_tpl_find(const char *name);
/* Renders t with data into b (b->failed on failure). */
void web_render(
    const struct tpl *t, json_t *data, struct web_locale *l, struct rp_buf *b);

/* --- forms (form.c) -------------------------------------------------------- */

struct web_field {
	char *name;
	char *value; /* NUL-terminated; len counts the bytes (files) */
	size_t len;
	char *filename; /* multipart file parts, else NULL */
};
struct web_form {
	struct web_field *v;
	size_t n;
};
#define WEB_FORM_MAX_FIELDS 64
/*
 * Parses a body of type content_type: application/x-www-form-urlencoded
 * or multipart/form-data.  Names and text values must be UTF-8; a file
 * part's value may be any bytes.  Returns 0, RP_ERR_INVALID (err gets
 * why, static text), RP_ERR_LIMIT (too many fields) or RP_ERR_NOMEM.
 */
int web_form_parse(const char *content_type, const char *body, size_t len,
    struct web_form *f, const char **err);
void web_form_clear(struct web_form *f);
/* The first field called name, or NULL. */
const struct web_field *web_form_get(
    const struct web_form *f, const char *name);
/* Its value, or "" when absent. */
const char *web_form_str(const struct web_form *f, const char *name);

/* --- the request (web.c, call.c) ------------------------------------------ */

#define WEB_MAX_PARAMS 2

struct web_ctx {
	const struct api_request *rq;
	struct api_response *rs;
	struct web_locale loc;
	json_t *me; /* GET /api/v1/me, or NULL before login */
	int role; /* 0 viewer, 1 technician, 2 msp-admin */
	char csrf[40]; /* this session's form token (hex) */
	struct web_form form; /* a POST's fields */
	const char *param[WEB_MAX_PARAMS];
	char pbuf[256];
};

/*
 * Calls the JSON API in-process as the logged-in user: method, path, a
 * query of NULL-terminated name/value pairs (may be NULL), a body (may
 * be NULL).  Returns the HTTP status; *out gets the parsed answer (or
 * NULL; the caller json_decref()s it).  A Set-Cookie of the API (login,
 * logout) becomes the page's.
 */
int web_api(struct web_ctx *w, const char *method, const char *path,
    const char *const *query, const char *ctype, const char *body, size_t blen,
    json_t **out);
/* A query for web_api: name/value pairs, NULL-terminated (zeroed). */
#define WEB_QUERY_MAX 12
struct web_query {
	const char *v[2 * WEB_QUERY_MAX + 1];
	size_t n;
};
/* Adds name=value, unless value is NULL or "" (borrowed). */
void web_q_add(struct web_query *q, const char *name, const char *value);
/*
 * Sets data's "next_q" to the query of the next page: the current
 * page's arguments named in the NULL-terminated list, and after=next
 * (a cursor: string or number).  Nothing when next is null.
 */
void web_set_next(struct web_ctx *w, json_t *data, json_t *next, ...)
    __attribute__((sentinel));
/* The message of the page's ?done= (what the last action did), or NULL. */
const char *web_notice(struct web_ctx *w);

/* As web_api with a JSON body (taken). */
int web_api_json(struct web_ctx *w, const char *method, const char *path,
    json_t *body, json_t **out);
/* The API's error message of an answer ("" when none). */
const char *web_api_error(json_t *answer);

/* Renders template tpl with data (taken) as the answer, with the user,
 * the form token and the navigation added. */
int web_page(struct web_ctx *w, int status, const char *tpl, json_t *data);
/* A page that says what went wrong (msg is a catalog message, detail
 * the API's words or NULL). */
int web_fail(
    struct web_ctx *w, int status, const char *msg, const char *detail);
/* 303 to a local path (printf-style; escaped by the caller). */
int web_redirect(struct web_ctx *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Whether id is an agent or job ID as the API makes them: 26 of
 * [a-z2-7] (checked before it goes into an API path). */
int web_id_ok(const char *id);
/* A query argument of the page's URL, or NULL. */
const char *web_arg(struct web_ctx *w, const char *name);
/* Whether the user may act (technician or msp-admin) / administer. */
#define WEB_CAN_ACT(w) ((w)->role >= 1)
#define WEB_IS_ADMIN(w) ((w)->role >= 2)

/* The login form's token (a cookie of its own before there is a
 * session): made into w->csrf for the form, or checked on its POST;
 * answers 403 itself when the check fails. */
int web_login_token(struct web_ctx *w, int post);

/* Pages (p_*.c), one per route. */
int p_login_form(struct web_ctx *w);
int p_login(struct web_ctx *w);
int p_logout(struct web_ctx *w);
int p_overview(struct web_ctx *w);
/* Blocklist feeds (p_feed.c). */
int p_feed_list(struct web_ctx *w);
int p_feed_create(struct web_ctx *w);
int p_feed_rotate(struct web_ctx *w);
int p_feed_enable(struct web_ctx *w);
int p_feed_delete(struct web_ctx *w);
/* Each tenant's least live feed's "status" and "feed_name" (the
 * overview's summary; stale before never fetched before fresh). */
void web_feed_summary(json_t *tenants, json_t *feeds);
int p_advisory_list(struct web_ctx *w);
int p_advisory_import(struct web_ctx *w);
int p_advisory(struct web_ctx *w);
int p_advisory_act_form(struct web_ctx *w);
int p_advisory_act(struct web_ctx *w);
int p_indicator_list(struct web_ctx *w);
int p_indicator_import(struct web_ctx *w);
int p_indicator(struct web_ctx *w);
int p_indicator_edit(struct web_ctx *w);
int p_indicator_delete(struct web_ctx *w);
int p_host_list(struct web_ctx *w);
int p_host(struct web_ctx *w);
int p_host_restore(struct web_ctx *w);
int p_host_inventory(struct web_ctx *w);
int p_host_block_form(struct web_ctx *w);
int p_host_block(struct web_ctx *w);
int p_job_list(struct web_ctx *w);
int p_job(struct web_ctx *w);
int p_job_approve(struct web_ctx *w);
/* Sets each tenant's (an array of Tenant objects) "verified": its
 * newest block-verify job with a host done, that host, when and the
 * counts it reported (p_job.c, for the overview). */
void web_block_verified(struct web_ctx *w, json_t *tenants);
int p_audit(struct web_ctx *w);
int p_admin(struct web_ctx *w);
int p_admin_tenant_create(struct web_ctx *w);
int p_admin_tenant_update(struct web_ctx *w);
int p_admin_user_create(struct web_ctx *w);
int p_admin_user_update(struct web_ctx *w);
int p_admin_token_create(struct web_ctx *w);
int p_admin_token_revoke(struct web_ctx *w);
int p_admin_enroll_create(struct web_ctx *w);
int p_admin_enroll_revoke(struct web_ctx *w);
int p_account(struct web_ctx *w);
int p_account_prefs(struct web_ctx *w);
int p_account_totp(struct web_ctx *w);
int p_account_password(struct web_ctx *w);

#endif
