/*
 * The JSON API under /api/v1: the route table, authentication and tenant
 * scoping of every route, the handlers, and the OpenAPI document.  The
 * HTTP layer (http/) reads a request within its caps and hands it here
 * complete; nothing here touches sockets.
 */
#ifndef RP_API_H
#define RP_API_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"

struct store;

/* Largest body of a route that takes a small JSON object, of one that
 * takes a document (an advisory), and of an agent's upload (an
 * inventory, a sweep report: docs/agent-protocol.md); the HTTP layer's
 * http.body_max caps them further. */
#define API_BODY_SMALL ((size_t)64 * 1024)
#define API_BODY_DOCUMENT ((size_t)32 * 1024 * 1024)
#define API_BODY_UPLOAD ((size_t)16 * 1024 * 1024)

/* What api_admit learnt from the headers, handed back to api_handle so
 * the credentials are checked once. */
struct api_admission {
	int route; /* index in the route table */
	int authed;
	struct auth_principal who; /* when authed */
};

/* Settings the API takes from the configuration (rampartd(8)). */
struct api_config {
	int64_t session_idle; /* seconds of inactivity that end a session */
	int64_t session_max; /* seconds after login that end it anyway */
	int login_max_failures; /* failures in login_window that lock */
	int64_t login_window;
	int64_t login_lockout; /* seconds a locked account/address waits */
	int secure_cookies; /* 1 unless serving plain HTTP on loopback */
	/* SHA-256 of the TLS certificate (DER), 64 lower-case hex digits,
	 * carried in enrolment tokens; "" without TLS (no tokens then). */
	char server_fp[65];
	/* Jobs on more hosts than this, and MSP-wide jobs, wait for a
	 * second user's approval (the signer enforces it too). */
	int64_t job_approval_hosts;
	/* Called after jobs were queued for an agent (its seq), so that the
	 * HTTP layer wakes that agent's waiting request; may be NULL. */
	void (*jobs_queued)(int64_t agent_seq);
	/* The longest an agent's long poll waits, seconds (below the HTTP
	 * layer's request deadline). */
	int64_t agent_wait_max;
};
/* The defaults documented in rampartd(8). */
void api_config_default(struct api_config *c);
/* Sets the configuration for the whole process (before serving). */
void api_configure(const struct api_config *c);

/* Whether cookies are set with Secure (api_config.secure_cookies). */
int api_secure_cookies(void);

/* The job signer's client for the whole process (signer/signer.h;
 * borrowed, NULL: none), set by the HTTP role before serving. */
struct signer_client;
void api_set_signer(struct signer_client *c);

/* One request, read completely by the HTTP layer (all borrowed). */
struct api_request {
	const char *method; /* "GET", "POST", ... */
	const char *path; /* path without the query, percent-decoded */
	/* The request target as sent (path and query, not decoded), which
	 * agents sign; NULL: path is taken. */
	const char *target;
	/* Query argument by name (NULL when absent); arg_cls is passed. */
	const char *(*arg)(void *arg_cls, const char *name);
	void *arg_cls;
	const char *content_type; /* header value or NULL */
	const char *cookie; /* Cookie header value or NULL */
	const char *authorization; /* Authorization header value or NULL */
	const char *if_none_match; /* If-None-Match header value or NULL */
	const char *origin; /* Origin header value or NULL (the web UI's) */
	const char *host; /* Host header value or NULL */
	const char *remote_addr; /* client address as text */
	const char *body; /* NULL when none */
	size_t body_len;
	int64_t now; /* request time, seconds since the epoch */
	struct store *store; /* this thread's connection */
	/* From api_admit for this request, or NULL: then api_handle finds
	 * the route and checks the credentials itself. */
	const struct api_admission *admitted;
	/* A long poll called again (see api_response.wait_until): its
	 * signature and nonce were checked the first time. */
	int again;
	int64_t first_seen; /* when the request first came, seconds */
};

/* The answer; api_response_clear frees what it owns. */
struct api_response {
	int status;
	char *body; /* owned */
	size_t body_len;
	const char *content_type; /* static */
	char *set_cookie; /* owned, a whole Set-Cookie value, or NULL */
	char *location; /* owned, a Location header value, or NULL */
	/* Static header values; NULL: the API's (a CSP that allows nothing,
	 * Cache-Control: no-store).  The web UI's pages and files set them. */
	const char *csp;
	const char *cache_control;
	/* The route's label for /metrics ("GET /api/v1/tenants/{tenant}"),
	 * or "unmatched"; static. */
	const char *route;
	/* An ETag header value (quoted), or "": none.  A 304 has no body. */
	char etag[72];
	/* Seconds for a Retry-After header (429, 503); 0: none. */
	int64_t retry_after;
	/* A long poll with nothing to answer yet: no status, no body; the
	 * HTTP layer holds the request until wait_until (seconds) or until
	 * jobs are queued for the agent wait_agent, then calls api_handle
	 * again with again set. */
	int64_t wait_until;
	int64_t wait_agent;
};
void api_response_clear(struct api_response *rs);

/*
 * Handles one request: finds its route (404 JSON when none, 405 when the
 * path exists for another method), authenticates, checks role and
 * tenant, runs the handler and fills rs.  Always fills rs (errors are
 * JSON answers), so the return value is only 0 or RP_ERR_NOMEM.
 */
int api_handle(const struct api_request *rq, struct api_response *rs);

/*
 * Before the body is read (rq->body is ignored): finds the route and
 * checks the credentials and the role the headers carry, so a request
 * that will be refused is refused before its body arrives, and an
 * unauthenticated client can send at most API_BODY_SMALL bytes.  Returns
 * 0 with *body_max (0: the route takes no body) and *adm filled for
 * api_handle, or 1 with rs filled: answer it and read nothing.  Returns
 * RP_ERR_NOMEM when even the answer could not be made.
 */
int api_admit(const struct api_request *rq, struct api_response *rs,
    struct api_admission *adm, size_t *body_max);

/*
 * Fills rs with the JSON error answer every layer uses:
 * {"error": {"code": CODE, "message": MESSAGE, "field": FIELD}} (field
 * left out when NULL).  code is one of the stable codes in docs/api.md.
 */
int api_error(struct api_response *rs, int status, const char *code,
    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The route table, for the HTTP layer's metrics labels and for tests. */
struct api_route_info {
	const char *method;
	const char *pattern; /* "/api/v1/tenants/{tenant}" */
	/* "public", "any", "msp-admin", "technician", or "agent" (only an
	 * agent's signed request, never a user's credentials) */
	const char *auth;
};
size_t api_route_count(void);
const struct api_route_info *api_route_at(size_t i);

/*
 * First start: when the store has no user yet, creates the bootstrap
 * msp-admin "admin" with a random password and TOTP secret, records it in
 * the audit log, and returns the one-time credentials (the caller prints
 * them once; they are never stored in clear).  Returns RP_ERR_NOTFOUND
 * (nothing done) when users exist, or the bootstrap already happened.
 */
struct api_bootstrap {
	char user[32];
	char password[64];
	char totp_secret[64]; /* base32 */
	char totp_uri[256]; /* otpauth://totp/... for authenticator apps */
};
int api_bootstrap(struct store *s, int64_t now, struct api_bootstrap *out);

#endif
