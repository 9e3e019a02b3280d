/*
 * Internal to the API: the context a handler gets, and the helpers every
 * handler shares (JSON bodies and answers, pagination, tenant lists,
 * audit entries).  Handlers live in h_<object>.c.
 */
#ifndef RP_API_INT_H
#define RP_API_INT_H

#include <stdint.h>

#include <jansson.h>

#include "api.h"
#include "auth/auth.h"
#include "store/store.h"

#define API_MAX_PARAMS 2

#define API_SLUG_CACHE 16

struct api_ctx {
	const struct api_request *rq;
	struct api_response *rs;
	struct store *s;
	struct auth_principal who; /* valid when authed */
	int authed;
	const char *param[API_MAX_PARAMS]; /* {name} parts of the path */
	char pbuf[512];
	json_t *body; /* the parsed JSON body of routes that take one */
	/* Tenant slugs this request looked up (slugs never change; ""
	 * when outside the caller's scope): a list of advisories names the
	 * same few tenants again and again. */
	struct {
		int64_t id;
		char slug[64];
	} slugs[API_SLUG_CACHE];
	size_t nslugs;
};

const struct api_config *api_cfg(void);
/* The signer's client (api_set_signer), or NULL. */
struct signer_client *api_signer(void);
void api_policy(struct auth_policy *p);

/* Answers: fill c->rs.  api_json takes the reference to v. */
int api_json(struct api_ctx *c, int status, json_t *v);
/* As api_json, with the member key (plain ASCII, no escapes needed) set to
 * raw: JSON text this server wrote itself (a stored document), spliced
 * in as it is instead of parsed and serialised again; NULL is null. */
int api_json_with_raw(
    struct api_ctx *c, int status, json_t *v, const char *key, const char *raw);
int api_no_content(struct api_ctx *c);
int api_fail(struct api_ctx *c, int status, const char *code, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* 500 after a store error r (503 when the store is unreachable);
 * rolls back any open transaction. */
int api_store_fail(struct api_ctx *c, int r);

/*
 * Body fields.  Each returns 0 and sets *out (borrowed from c->body), 1
 * when the field is absent and optional (out untouched), or answers 400
 * naming the field and returns -1.
 */
int api_str(struct api_ctx *c, const char *name, int required, size_t maxlen,
    const char **out);
int api_bool(struct api_ctx *c, const char *name, int *out);
int api_int(
    struct api_ctx *c, const char *name, int64_t lo, int64_t hi, int64_t *out);
/* Whether the body has only keys from the NULL-terminated list (answers
 * 400 naming the first other one). */
int api_keys_only(struct api_ctx *c, const char *const *keys);

/* ?limit= and ?after=: 0, or answers 400 and returns -1. */
int api_page(struct api_ctx *c, struct store_page *pg);
/* {"items": items, "next": cursor-or-null}; takes items. */
int api_list(struct api_ctx *c, json_t *items, int more, int64_t last);
/* As api_list with the members of extra (taken; may be NULL) added. */
int api_list_ext(
    struct api_ctx *c, json_t *items, int more, int64_t last, json_t *extra);

/* ?verdict=a,b (verdict names) into *mask (1 << verdict; 0 when
 * absent): 0, or answers 400 and returns -1. */
int api_verdicts(struct api_ctx *c, unsigned *mask);

/* RFC 3339 UTC of t; 0 gives JSON null. */
json_t *api_time(int64_t t);

/*
 * Tenant slugs <-> ids.  api_tenant_ids reads the JSON array at body key
 * `name` (or, when from_query, a comma list in ?name=): each slug must be
 * a tenant in the caller's scope (answers 400/404 naming it).  Returns
 * the count (>= 0) with *ids (free()d by the caller), or -1 answered.
 */
int api_tenant_ids(
    struct api_ctx *c, const char *name, int from_query, int64_t **ids);
/* The slug of tenant id, any tenant (for an object the caller already
 * sees, or an agent's own) into out; "" when it is gone. */
int api_tenant_slug_any(struct api_ctx *c, int64_t id, char out[64]);
/* A JSON array of the slugs of ids that are in the caller's scope. */
json_t *api_tenant_slugs(struct api_ctx *c, const int64_t *ids, size_t n);

/* Appends an audit entry in the open transaction (detail is taken; NULL
 * means {}).  Returns 0 or a store error. */
int api_audit(struct api_ctx *c, const char *action, const char *tenant,
    const char *target, const char *outcome, json_t *detail);
/* api_audit, then the commit of the change it records: the change and
 * its entry land together or not at all (rolled back on failure). */
int api_audit_commit(struct api_ctx *c, const char *action, const char *tenant,
    const char *target, const char *outcome, json_t *detail);
/* As api_audit in a transaction of its own (logins, denials). */
int api_audit_now(struct api_ctx *c, const char *action, const char *tenant,
    const char *target, const char *outcome, json_t *detail);

/* Whether s is a valid slug / user name ([a-z0-9][a-z0-9._-]{0,62}). */
int api_name_ok(const char *s, int allow_dot);

/*
 * Checks pw, the caller's current password (u is the caller), before a
 * change of their own credentials (action names it in the audit log):
 * refused while logins of the account are locked (429); a wrong one
 * counts as a failed login (403).  0, or answered and -1 (h_auth.c).
 */
int api_reauth(struct api_ctx *c, const struct store_user *u, const char *pw,
    const char *action);

/* A canonical time zone name, NUL included. */
#define API_TZ_MAX 64
/* "lang" and "tz" of the body, either absent (*lang NULL, tz ""):
 * checked, tz canonicalised.  0, or answered 400 and -1 (h_me.c). */
int api_prefs(struct api_ctx *c, const char **lang, char tz[API_TZ_MAX]);
/* The audit detail of a change of them: {"lang"?, "tz"?}. */
json_t *api_prefs_detail(const char *lang, const char *tz);

/* Handlers (one per route). */
int h_openapi(struct api_ctx *c);
int h_health(struct api_ctx *c);
int h_login(struct api_ctx *c);
int h_logout(struct api_ctx *c);
int h_me(struct api_ctx *c);
int h_me_password(struct api_ctx *c);
int h_me_update(struct api_ctx *c);
int h_me_totp(struct api_ctx *c);
int h_tenant_list(struct api_ctx *c);
int h_tenant_create(struct api_ctx *c);
int h_tenant_get(struct api_ctx *c);
int h_tenant_update(struct api_ctx *c);
int h_user_list(struct api_ctx *c);
int h_user_create(struct api_ctx *c);
int h_user_get(struct api_ctx *c);
int h_user_update(struct api_ctx *c);
int h_user_reset(struct api_ctx *c);
int h_token_list(struct api_ctx *c);
int h_token_create(struct api_ctx *c);
int h_token_revoke(struct api_ctx *c);
int h_advisory_list(struct api_ctx *c);
int h_advisory_import(struct api_ctx *c);
int h_advisory_get(struct api_ctx *c);
int h_advisory_revisions(struct api_ctx *c);
int h_audit_list(struct api_ctx *c);
int h_audit_verify(struct api_ctx *c);
int h_enroll_token_list(struct api_ctx *c);
int h_enroll_token_create(struct api_ctx *c);
int h_enroll_token_revoke(struct api_ctx *c);
int h_agent_enroll(struct api_ctx *c);
int h_agent_list(struct api_ctx *c);
int h_agent_get(struct api_ctx *c);
int h_agent_counts(struct api_ctx *c);
int h_agent_software(struct api_ctx *c);
int h_agent_revoke(struct api_ctx *c);
int h_agent_heartbeat(struct api_ctx *c);
int h_agent_inventory(struct api_ctx *c);
int h_agent_sweep(struct api_ctx *c);
int h_finding_list(struct api_ctx *c);
int h_finding_counts(struct api_ctx *c);
int h_finding_get(struct api_ctx *c);
int h_detection_list(struct api_ctx *c);
int h_job_create(struct api_ctx *c);
int h_job_list(struct api_ctx *c);
int h_job_get(struct api_ctx *c);
int h_job_hosts(struct api_ctx *c);
int h_job_approve(struct api_ctx *c);
int h_agent_jobs(struct api_ctx *c);
int h_agent_job_state(struct api_ctx *c);
int h_agent_quarantine(struct api_ctx *c);
int h_agent_bundle(struct api_ctx *c);
int h_agent_bundle_get(struct api_ctx *c);
int h_tenant_bundle(struct api_ctx *c);
/* Blocklist blobs (h_blocklist.c). */
int h_tenant_blocklist_create(struct api_ctx *c);
int h_agent_blocklist_get(struct api_ctx *c);
struct proto_job;
/* A block-apply or block-verify job names a blocklist of its tenant
 * (one tenant: blobs are per tenant).  0, or answered and -1. */
int api_job_blocklist_check(
    struct api_ctx *c, int64_t tenant, const struct proto_job *j);
/* h_fetch.c: "fetch now" for a pulled indicator source. */
int h_source_fetch(struct api_ctx *c);

int h_indicator_list(struct api_ctx *c);
int h_indicator_create(struct api_ctx *c);
int h_indicator_import(struct api_ctx *c);
int h_indicator_get(struct api_ctx *c);
int h_indicator_update(struct api_ctx *c);
int h_indicator_delete(struct api_ctx *c);
int h_source_list(struct api_ctx *c);
int h_source_create(struct api_ctx *c);
int h_source_get(struct api_ctx *c);
int h_source_update(struct api_ctx *c);
int h_source_delete(struct api_ctx *c);
int h_allow_list(struct api_ctx *c);
int h_allow_create(struct api_ctx *c);
int h_allow_delete(struct api_ctx *c);
int h_allow_import(struct api_ctx *c);
int h_allow_import_tenant(struct api_ctx *c);
/* A reader's diagnostics as a JSON array (level, pointer, message,
 * line), errors only if asked, at most API_DIAGS_MAX (h_ind_import.c);
 * the rest are counted in the answer's diagnostics_dropped. */
#define API_DIAGS_MAX 1000
struct rp_diags;
json_t *api_diags_json(const struct rp_diags *d, int errors_only);

/* Shared by the indicator, source and allowlist handlers
 * (h_indicator.c).  Each returns 0, or answers and returns -1. */
/* The tenant of slug (NULL: 0, MSP-wide) in the caller's scope; field
 * names it in a 400/404 ("?name" for a query argument). */
int api_tenant_of(
    struct api_ctx *c, const char *slug, const char *field, int64_t *id);
/* 403 when tenant is 0 (MSP-wide) and the caller is no msp-admin. */
int api_msp_write(struct api_ctx *c, int64_t tenant, const char *field);
/* An RFC 3339 string (NULL or "": 0) as seconds. */
int api_time_arg(
    struct api_ctx *c, const char *s, const char *field, int64_t *out);
/* Whether tlp is a TLP 2.0 label the store keeps. */
int api_tlp_ok(const char *tlp);

/* Tenants whose rules bundle a rebuild changed, with the new hash. */
struct bundle_changes {
	struct {
		int64_t tenant;
		char sha256[65];
	} * v;
	size_t n, cap;
};
void bundle_changes_free(struct bundle_changes *ch);
/*
 * Rebuilds the rules bundles of the tenants an advisory change concerns
 * (every tenant when all is set), inside the caller's transaction
 * (h_bundle.c).  *nchanged gets how many got a new current bundle; when ch is not
 * NULL, those tenants and their hashes are added to it.
 */
int api_bundles_rebuild(struct store *s, int all, const int64_t *tenants,
    size_t n, int64_t now, int *nchanged, struct bundle_changes *ch);
/* The automatic response policy after an import (h_job.c). */
void api_auto_respond(struct api_ctx *c, const struct bundle_changes *ch);
/* Records, in the open transaction, what agent a's report of state with
 * results adds (h_quarantine.c), its counts added to detail.  Returns 0,
 * or -1 answered (400 for a malformed result) and rolled back. */
int api_job_outcome(struct api_ctx *c, const struct store_agent *a,
    const char *job_id, const char *state, const json_t *results,
    json_t *detail);

/*
 * Authenticates an agent's signed request (docs/agent-protocol.md) into
 * c->who: the Authorization header, the agent (known, not revoked) and
 * the time; when full, also the signature over method, target and body,
 * and the nonce (used once).  Answers 401 and returns -1 when refused.
 */
int api_agent_gate(struct api_ctx *c, int full);

/* JSON of rows, for handlers that show them. */
json_t *api_user_json(struct api_ctx *c, const struct store_user *u);

/* The OpenAPI document compiled in (openapi_data.c, generated). */
extern const unsigned char api_openapi_json[];
extern const size_t api_openapi_json_len;

/* Blocklist feeds (h_feed.c). */
int h_feed_list(struct api_ctx *c);
int h_feed_create(struct api_ctx *c);
int h_feed_get(struct api_ctx *c);
int h_feed_update(struct api_ctx *c);
int h_feed_delete(struct api_ctx *c);
int h_feed_fetches(struct api_ctx *c);
int h_feed_status(struct api_ctx *c);
int h_feed_report(struct api_ctx *c);

#endif
