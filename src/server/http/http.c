/*
 * The http role.  Each listening socket the parent bound gets one MHD
 * daemon (internal epoll thread pool); the access handler reads the body
 * within http.body_max, answers /metrics itself and hands every other
 * request to api_handle() with this worker thread's store connection,
 * opened on first use and closed when the thread ends.  Every answer
 * carries no-store, nosniff and a deny-all CSP, plus HSTS over TLS.
 *
 * SIGTERM: stop accepting (MHD_quiesce_daemon), let requests in flight
 * finish, stop the daemons, exit 0.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "api/api.h"
#include "ascii.h"
#include "conf/conf.h"
#include "err.h"
#include "feeds/feeds.h"
#include "http/http_int.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "roles/roles.h"
#include "signer/signer.h"
#include "store/store.h"
#include "tls/tls.h"
#include "web/web.h"

struct req {
	struct timespec t0;
	struct http_body body;
	int status; /* answered status, 0 before */
	const char *route; /* static label for metrics */
	char method[8];
	char addr[INET6_ADDRSTRLEN];
	struct api_admission adm; /* from api_admit, for api_handle */
	int begun; /* the access handler has seen it */
	int web; /* a page of the web UI (web_handle), not the API */
	/* The request target as sent (agents sign it); NULL when over
	 * TARGET_MAX, which no route's signed request needs. */
	char *target;
	int polls; /* times api_handle asked to wait (a long poll) */
	int64_t first_seen; /* wall-clock seconds of the first api_handle */
};

#define TARGET_MAX 4096
/* The feed URL's label for metrics and the log (never the URL: it
 * carries the feed's secret). */
#define FEEDS_ROUTE "GET /feeds/v1/{secret}/{file}"

static const struct conf *cf;
static int use_tls;
static atomic_uint_least64_t answered;
static volatile int shutting_down; /* drain(): no long poll waits */
static pthread_mutex_t active_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t active_cond = PTHREAD_COND_INITIALIZER;
static long active; /* requests begun and not completed */
static int sig_pipe[2] = {-1, -1};
static struct signer_client *signer; /* the API's (api_set_signer) */

/* This worker thread's store connection, and its counters already
 * added to the metrics. */
static pthread_key_t store_key;
static __thread struct store *t_store;
static __thread struct store_stats t_seen;

static void
close_store(void *p)
{
	store_close(p);
}

static struct store *
thread_store(void)
{
	char err[256];

	if (t_store != NULL)
		return t_store;
	if (store_open(cf->db, &t_store, err, sizeof(err)) != 0) {
		t_store = NULL;
		log_error("cannot open the store", "error", err, NULL);
		return NULL;
	}
	memset(&t_seen, 0, sizeof(t_seen));
	pthread_setspecific(store_key, t_store);
	return t_store;
}

static void
store_delta(void)
{
	struct store_stats now;

	if (t_store == NULL)
		return;
	store_stats(t_store, &now);
	metrics_store(now.queries - t_seen.queries, now.errors - t_seen.errors,
	    now.nsec - t_seen.nsec);
	t_seen = now;
}

struct owned_body {
	char *p;
	size_t n;
};

/* Answers may hold secrets shown once (a new token): wiped when sent. */
static void
free_body(void *cls)
{
	struct owned_body *b = cls;

	explicit_bzero(b->p, b->n);
	free(b->p);
	free(b);
}

static enum MHD_Result
queue(struct MHD_Connection *c, struct req *rq, struct api_response *rs)
{
	struct MHD_Response *resp;
	struct owned_body *ob = malloc(sizeof(*ob));
	char num[24];
	enum MHD_Result ret;

	if (ob == NULL)
		return MHD_NO;
	ob->p = rs->body != NULL ? rs->body : calloc(1, 1);
	ob->n = rs->body != NULL ? rs->body_len : 0;
	rs->body = NULL;
	if (ob->p == NULL ||
	    (resp = MHD_create_response_from_buffer_with_free_callback_cls(
		 ob->n, ob->p, free_body, ob)) == NULL) {
		free(ob->p);
		free(ob);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    rs->content_type != NULL ? rs->content_type : "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    rs->cache_control != NULL ? rs->cache_control : "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy",
	    rs->csp != NULL ? rs->csp
			    : "default-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (use_tls)
		MHD_add_response_header(
		    resp, "Strict-Transport-Security", "max-age=31536000");
	if (rs->set_cookie != NULL)
		MHD_add_response_header(
		    resp, MHD_HTTP_HEADER_SET_COOKIE, rs->set_cookie);
	if (rs->location != NULL)
		MHD_add_response_header(
		    resp, MHD_HTTP_HEADER_LOCATION, rs->location);
	if (rs->etag[0] != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, rs->etag);
	if (rs->retry_after > 0) {
		snprintf(num, sizeof(num), "%lld", (long long)rs->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, num);
	}
	rq->status = rs->status;
	rq->route = rs->route;
	ret = MHD_queue_response(c, (unsigned)rs->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result queue_error_v(struct MHD_Connection *c, struct req *rq,
    int status, const char *code, const char *field, const char *fmt,
    va_list ap) __attribute__((format(printf, 6, 0)));

static enum MHD_Result
queue_error_v(struct MHD_Connection *c, struct req *rq, int status,
    const char *code, const char *field, const char *fmt, va_list ap)
{
	struct api_response rs;
	char msg[256];
	enum MHD_Result ret;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	memset(&rs, 0, sizeof(rs));
	if (api_error(&rs, status, code, field, "%s", msg) != 0)
		return MHD_NO;
	if (rs.route == NULL)
		rs.route = "unmatched";
	ret = queue(c, rq, &rs);
	api_response_clear(&rs);
	return ret;
}

static enum MHD_Result __attribute__((format(printf, 5, 6)))
queue_error(struct MHD_Connection *c, struct req *rq, int status,
    const char *code, const char *fmt, ...)
{
	va_list ap;
	enum MHD_Result ret;

	va_start(ap, fmt);
	ret = queue_error_v(c, rq, status, code, NULL, fmt, ap);
	va_end(ap);
	return ret;
}

static enum MHD_Result __attribute__((format(printf, 6, 7)))
queue_error_field(struct MHD_Connection *c, struct req *rq, int status,
    const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;
	enum MHD_Result ret;

	va_start(ap, fmt);
	ret = queue_error_v(c, rq, status, code, field, fmt, ap);
	va_end(ap);
	return ret;
}

static const char *
query_arg(void *cls, const char *name)
{
	return MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result
serve_metrics(struct MHD_Connection *c, struct req *rq)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct api_response rs;
	enum MHD_Result ret;

	if (ci == NULL ||
	    !conf_net_match(
		cf->metrics_allow, cf->nmetrics_allow, ci->client_addr))
		return queue_error(c, rq, 404, "not_found", "no such route");
	if (strcmp(rq->method, "GET") != 0)
		return queue_error(
		    c, rq, 405, "method_not_allowed", "/metrics answers GET");
	memset(&rs, 0, sizeof(rs));
	rs.status = 200;
	rs.content_type = METRICS_CONTENT_TYPE;
	rs.route = METRICS_ROUTE;
	if ((rs.body = metrics_render(&rs.body_len)) == NULL)
		return queue_error(c, rq, 503, "unavailable", "out of memory");
	ret = queue(c, rq, &rs);
	api_response_clear(&rs);
	return ret;
}

/* MHD's free callback of a feed's answer: the cache's bytes are sent
 * without a copy, and the reference dropped when MHD is done. */
static void
put_content(void *cls)
{
	feeds_content_put(cls);
}

/* A feed's answer (200 with the bytes, 304, or a bare 404/405/503
 * that says nothing about the secret). */
static enum MHD_Result
queue_feed(struct MHD_Connection *c, struct req *rq, struct feeds_answer *a)
{
	struct feeds_content *ct = a->content;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	/* HEAD too: MHD sends the headers of the body (its length), not
	 * the body */
	int body = a->status == 200;

	if (body)
		resp = MHD_create_response_from_buffer_with_free_callback_cls(
		    ct->len, ct->body, put_content, ct);
	else
		resp = MHD_create_response_from_buffer(
		    0, NULL, MHD_RESPMEM_PERSISTENT);
	if (resp == NULL) {
		feeds_content_put(ct);
		return MHD_NO;
	}
	if (ct != NULL) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, ct->etag);
		if (a->last_modified[0] != '\0')
			MHD_add_response_header(resp,
			    MHD_HTTP_HEADER_LAST_MODIFIED, a->last_modified);
		MHD_add_response_header(
		    resp, MHD_HTTP_HEADER_CONTENT_TYPE, a->content_type);
		MHD_add_response_header(
		    resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
		if (!body)
			feeds_content_put(ct);
	} else
		MHD_add_response_header(
		    resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (use_tls)
		MHD_add_response_header(
		    resp, "Strict-Transport-Security", "max-age=31536000");
	rq->status = a->status;
	rq->route = FEEDS_ROUTE;
	ret = MHD_queue_response(c, (unsigned)a->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
serve_feed(struct MHD_Connection *c, struct req *rq, const char *url)
{
	struct store *st = thread_store();
	struct feeds_request fr;
	struct feeds_answer a;
	int r;

	if (st == NULL)
		return queue_error(
		    c, rq, 503, "unavailable", "the store is unreachable");
	memset(&fr, 0, sizeof(fr));
	fr.method = rq->method;
	fr.path = url;
	fr.if_none_match = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	fr.if_modified_since = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	fr.address = rq->addr;
	fr.now = (int64_t)time(NULL);
	r = feeds_serve(st, &fr, &a);
	store_delta();
	if (r != 0)
		log_warn("feed", "error", rp_strerror(r), "detail",
		    store_errmsg(st), NULL);
	return queue_feed(c, rq, &a);
}

/* The request as the API sees it, without its body; -1 when this
 * thread has no store connection. */
static int
fill_request(struct MHD_Connection *c, struct req *rq, const char *url,
    const char *method, struct api_request *ar)
{
	struct store *st = thread_store();

	if (st == NULL)
		return -1;
	memset(ar, 0, sizeof(*ar));
	ar->method = method;
	ar->path = url;
	ar->target = rq->target;
	ar->arg = query_arg;
	ar->arg_cls = c;
	ar->content_type = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	ar->cookie = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
	ar->authorization = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	ar->if_none_match = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	ar->origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	ar->host = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	ar->remote_addr = rq->addr;
	ar->now = (int64_t)time(NULL);
	ar->store = st;
	return 0;
}

/*
 * With the headers in, before any of the body: the route, the
 * credentials and the role are checked (a refused request is answered
 * without reading its body), and the body's cap is the route's, which is
 * small before authentication.
 */
static enum MHD_Result
admit(struct MHD_Connection *c, struct req *rq, const char *url,
    const char *method)
{
	struct api_request ar;
	struct api_response rs;
	size_t max = 0;
	enum MHD_Result ret;
	int r;

	if (fill_request(c, rq, url, method, &ar) != 0)
		return queue_error(
		    c, rq, 503, "unavailable", "the store is unreachable");
	r = api_admit(&ar, &rs, &rq->adm, &max);
	store_delta();
	if (r != 0) {
		ret = r == 1
		    ? queue(c, rq, &rs)
		    : queue_error(c, rq, 503, "unavailable", "out of memory");
		api_response_clear(&rs);
		return ret;
	}
	api_response_clear(&rs);
	if (max > (size_t)cf->http_body_max)
		max = (size_t)cf->http_body_max;
	http_body_init(&rq->body, max);
	r = http_body_expect(&rq->body,
	    MHD_lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH));
	/* Answered now, the body is never read (MHD closes the connection
	 * after this answer). */
	if (r == RP_ERR_LIMIT)
		return queue_error(c, rq, 413, "payload_too_large",
		    "the body is over %zu bytes for this route and caller",
		    max);
	if (r != 0)
		return queue_error(c, rq, 400, "invalid_json",
		    "the Content-Length header is not a number");
	return MHD_YES;
}

/*
 * Long polls (GET /api/v1/agent/jobs?wait=): a request with nothing to
 * answer yet is suspended (MHD_suspend_connection) and listed here with
 * the agent it waits for, until jobs are queued for that agent in this
 * process (jobs_queued) or its time is up (the once-a-second tick); it
 * is then resumed and handled again.  queued_gen closes the gap between
 * the handler finding nothing and the request being listed.  Jobs
 * queued by another rampartd node sharing the store are seen when the
 * wait ends.
 */
struct waiter {
	struct MHD_Connection *c;
	int64_t agent, until;
};
static pthread_mutex_t wait_lock = PTHREAD_MUTEX_INITIALIZER;
static struct waiter *waiters;
static size_t nwaiters, capwaiters;
static atomic_uint_least64_t queued_gen;

/* Resumes the waiters of agent (0: none), and those due at now (0: none
 * due; INT64_MAX: every one). */
static void
waiters_wake(int64_t agent, int64_t now)
{
	size_t i = 0;

	pthread_mutex_lock(&wait_lock);
	while (i < nwaiters) {
		struct waiter *w = &waiters[i];

		if ((agent != 0 && w->agent == agent) ||
		    (now != 0 && w->until <= now)) {
			metrics_long_poll(agent != 0 && w->agent == agent
				? METRICS_POLL_WOKEN
				: METRICS_POLL_TIMEOUT);
			MHD_resume_connection(w->c);
			*w = waiters[--nwaiters];
		} else
			i++;
	}
	pthread_mutex_unlock(&wait_lock);
}

static void
jobs_queued(int64_t agent)
{
	atomic_fetch_add(&queued_gen, 1);
	waiters_wake(agent, 0);
}

/* Lists c as waiting and suspends it; -1 when the list is full. */
static int
waiter_add(struct MHD_Connection *c, int64_t agent, int64_t until, uint64_t gen)
{
	int r = -1;

	if (shutting_down)
		return -1;
	pthread_mutex_lock(&wait_lock);
	if (nwaiters == capwaiters &&
	    nwaiters < (size_t)cf->http_max_connections) {
		size_t nc = capwaiters ? 2 * capwaiters : 64;
		struct waiter *nw = reallocarray(waiters, nc, sizeof(*nw));

		if (nw != NULL) {
			waiters = nw;
			capwaiters = nc;
		}
	}
	if (nwaiters < capwaiters) {
		MHD_suspend_connection(c);
		waiters[nwaiters++] = (struct waiter){c, agent, until};
		metrics_long_poll(METRICS_POLL_HELD);
		r = 0;
	}
	pthread_mutex_unlock(&wait_lock);
	/* queued after the handler looked, before the listing */
	if (r == 0 && atomic_load(&queued_gen) != gen)
		waiters_wake(agent, 0);
	return r;
}

static enum MHD_Result
serve_api(struct MHD_Connection *c, struct req *rq, const char *url,
    const char *method)
{
	uint64_t gen = atomic_load(&queued_gen);
	struct api_request ar;
	struct api_response rs;
	enum MHD_Result ret;

	if (fill_request(c, rq, url, method, &ar) != 0)
		return queue_error(
		    c, rq, 503, "unavailable", "the store is unreachable");
	ar.body = rq->body.data;
	ar.body_len = rq->body.len;
	ar.admitted = &rq->adm;
	if (rq->first_seen == 0)
		rq->first_seen = ar.now;
	ar.first_seen = rq->first_seen;
	ar.again = rq->polls > 0;
	memset(&rs, 0, sizeof(rs));
	if (api_handle(&ar, &rs) != 0) {
		api_response_clear(&rs);
		store_delta();
		return queue_error(c, rq, 503, "unavailable", "out of memory");
	}
	store_delta();
	if (rs.wait_until != 0) {
		rq->polls++;
		if (waiter_add(c, rs.wait_agent, rs.wait_until, gen) == 0) {
			api_response_clear(&rs);
			return MHD_YES;
		}
		/* no room to wait: answered now, as if the time were up */
		api_response_clear(&rs);
		rq->first_seen = 1;
		return serve_api(c, rq, url, method);
	}
	ret = queue(c, rq, &rs);
	api_response_clear(&rs);
	return ret;
}

/* The web UI: its body cap (small unless logged in) before the body,
 * then the page. */
static enum MHD_Result
admit_web(struct MHD_Connection *c, struct req *rq, const char *url,
    const char *method)
{
	struct api_request ar;
	size_t max;

	rq->web = 1;
	if (fill_request(c, rq, url, method, &ar) != 0)
		return queue_error(
		    c, rq, 503, "unavailable", "the store is unreachable");
	max = web_body_max(&ar);
	if (max > (size_t)cf->http_body_max)
		max = (size_t)cf->http_body_max;
	http_body_init(&rq->body, max);
	if (http_body_expect(&rq->body,
		MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH)) != 0)
		return queue_error(c, rq, 413, "payload_too_large",
		    "the body is over %zu bytes for this page", max);
	return MHD_YES;
}

static enum MHD_Result
serve_web(struct MHD_Connection *c, struct req *rq, const char *url,
    const char *method)
{
	struct api_request ar;
	struct api_response rs;
	enum MHD_Result ret;
	int r;

	if (fill_request(c, rq, url, method, &ar) != 0)
		return queue_error(
		    c, rq, 503, "unavailable", "the store is unreachable");
	ar.body = rq->body.data;
	ar.body_len = rq->body.len;
	r = web_handle(&ar, &rs);
	store_delta();
	if (r != 0) {
		api_response_clear(&rs);
		return queue_error(c, rq, 503, "unavailable", "out of memory");
	}
	ret = queue(c, rq, &rs);
	api_response_clear(&rs);
	return ret;
}

/* The first query argument that is not UTF-8 text after decoding. */
struct bad_arg {
	const char *key;
	int found;
};

static enum MHD_Result
check_arg(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct bad_arg *b = cls;

	(void)kind;
	if (http_utf8_ok(key) && (value == NULL || http_utf8_ok(value)))
		return MHD_YES;
	b->found = 1;
	b->key = http_utf8_ok(key) ? key : "";
	return MHD_NO;
}

/* Refuses a path or query argument that is not UTF-8 (or held a %00):
 * no route has such a path, no argument takes such a value, and the
 * store would refuse it as text. */
static enum MHD_Result
check_url(struct MHD_Connection *c, struct req *rq, const char *url)
{
	struct bad_arg b = {NULL, 0};

	if (!http_utf8_ok(url))
		return queue_error(c, rq, 404, "not_found", "no such route");
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, check_arg, &b);
	if (b.found) {
		char field[72];

		snprintf(field, sizeof(field), "?%.64s", b.key);
		return queue_error_field(c, rq, 400, "invalid_query", field,
		    "%s: not UTF-8 text (or a %%00)", field);
	}
	return MHD_YES;
}

static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return http_unescape(s);
}

/* A new request, counted as active until on_completed frees it. */
static struct req *
req_new(void)
{
	struct req *rq = calloc(1, sizeof(*rq));

	if (rq == NULL)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &rq->t0);
	pthread_mutex_lock(&active_lock);
	active++;
	pthread_mutex_unlock(&active_lock);
	return rq;
}

/* MHD hands the request line's target, undecoded and with its query,
 * only here (before the headers); it becomes the request's context. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *rq = req_new();

	(void)cls;
	(void)c;
	if (rq != NULL && uri != NULL && strlen(uri) <= TARGET_MAX)
		rq->target = strdup(uri);
	return rq;
}

static struct req *
begin(struct MHD_Connection *c, struct req *rq, const char *method)
{
	const union MHD_ConnectionInfo *ci;

	if (rq == NULL && (rq = req_new()) == NULL)
		return NULL;
	rq->begun = 1;
	snprintf(rq->method, sizeof(rq->method), "%s", method);
	if (strlen(method) >= sizeof(rq->method))
		snprintf(rq->method, sizeof(rq->method), "other");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET,
		    &((const struct sockaddr_in *)(const void *)ci->client_addr)
			 ->sin_addr,
		    rq->addr, sizeof(rq->addr));
	else if (ci != NULL && ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)(const void *)
			    ci->client_addr)
			 ->sin6_addr,
		    rq->addr, sizeof(rq->addr));
	http_body_init(&rq->body, (size_t)cf->http_body_max);
	return rq;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct req *rq = *con_cls;
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	if (rq == NULL || !rq->begun) {
		if ((rq = begin(c, rq, method)) == NULL)
			return MHD_NO;
		*con_cls = rq;
		ret = check_url(c, rq, url);
		if (ret != MHD_YES || rq->status != 0)
			return ret;
		if (strcmp(url, METRICS_ROUTE) == 0 ||
		    strncmp(url, FEEDS_PATH, strlen(FEEDS_PATH)) == 0)
			return MHD_YES;
		if (web_owns(method, url))
			return admit_web(c, rq, url, method);
		return admit(c, rq, url, method);
	}
	if (rq->status != 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		/* A chunked body past the cap: MHD cannot answer before the
		 * body is read, so the connection is closed. */
		if (http_body_add(&rq->body, upload, *upload_size) != 0) {
			rq->status = 413;
			log_info("body over http.body_max; connection closed",
			    "method", rq->method, "address", rq->addr, NULL);
			return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, METRICS_ROUTE) == 0)
		return serve_metrics(c, rq);
	if (strncmp(url, FEEDS_PATH, strlen(FEEDS_PATH)) == 0)
		return serve_feed(c, rq, url);
	if (rq->web)
		return serve_web(c, rq, url, method);
	return serve_api(c, rq, url, method);
}

/* Frees rq and counts it as no longer active. */
static void
req_end(struct req *rq)
{
	http_body_clear(&rq->body);
	free(rq->target);
	free(rq);
	pthread_mutex_lock(&active_lock);
	if (--active == 0)
		pthread_cond_broadcast(&active_cond);
	pthread_mutex_unlock(&active_lock);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;
	struct timespec t1;
	const union MHD_ConnectionInfo *ci;
	uint64_t ns;
	char status[8], ms[32];

	(void)cls;
	if (rq == NULL)
		return;
	*con_cls = NULL;
	if (!rq->begun) {
		/* MHD gave up before the access handler (a malformed or
		 * oversized header): nothing was answered or counted. */
		req_end(rq);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (uint64_t)(t1.tv_sec - rq->t0.tv_sec) * 1000000000u +
	    (uint64_t)(t1.tv_nsec - rq->t0.tv_nsec);
	snprintf(status, sizeof(status), "%d", rq->status);
	snprintf(ms, sizeof(ms), "%.3f", (double)ns / 1e6);
	metrics_request(rq->route, rq->method, rq->status, ns);
	atomic_fetch_add(&answered, 1);
	/* The route label, never the raw URL: a query may hold secrets. */
	log_info("request", "method", rq->method, "route",
	    rq->route != NULL ? rq->route : "unmatched", "status", status, "ms",
	    ms, "address", rq->addr, "outcome",
	    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "ok" : "aborted",
	    NULL);
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL)
		conns_rearm(ci->socket_context);
	req_end(rq);
}

static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	const union MHD_ConnectionInfo *ci;

	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(
		    c, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = ci != NULL ? conns_add(ci->connect_fd) : NULL;
	} else {
		conns_remove(*socket_context);
		*socket_context = NULL;
	}
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_debug("libmicrohttpd", "detail", msg, NULL);
}

static struct MHD_Daemon *
start_daemon(const struct role_env *env, int fd)
{
	unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC |
	    MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	const struct conf *c = env->conf;
	struct MHD_OptionItem tls_opts[] = {
	    {MHD_OPTION_HTTPS_MEM_KEY, 0,
		env->tls != NULL ? env->tls->key_pem : NULL},
	    {MHD_OPTION_HTTPS_MEM_CERT, 0,
		env->tls != NULL ? env->tls->cert_pem : NULL},
	    {MHD_OPTION_HTTPS_PRIORITIES, 0,
		(void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
	    {MHD_OPTION_END, 0, NULL},
	};

	if (env->tls != NULL)
		flags |= MHD_USE_TLS;
	else
		tls_opts[0].option = MHD_OPTION_END;
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned int)c->http_threads, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned int)c->http_max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned int)c->http_per_ip_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned int)c->http_connection_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)c->http_header_max,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_ARRAY,
	    tls_opts, MHD_OPTION_END);
}

static void
on_term(int sig)
{
	int e = errno;
	char b = (char)sig;

	if (write(sig_pipe[1], &b, 1) < 0) {
		/* the pipe is full: a stop is already pending */
	}
	errno = e;
}

static int64_t
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

/* Asks the signer for its public key on a new channel, so the log shows
 * that the channel works and which key signs. */
static void
signer_hello(void)
{
	unsigned char pk[32];
	char kid[PROTO_JOB_KEY_ID_LEN + 1];

	if (signer_public_key(signer, pk, kid) == 0)
		log_info("job signer reachable", "kid", kid, NULL);
	else
		log_warn("job signer not reachable yet", NULL);
}

/* Waits up to a second for a signal or a message, and sends the
 * heartbeat when it is due: -1 to go on, else the role's exit code. */
static int
serve_step(const struct role_env *env, int64_t *last_hb)
{
	struct pollfd pf[2] = {{sig_pipe[0], POLLIN, 0}, {env->ipc, POLLIN, 0}};
	struct msg_heartbeat hb;
	struct msg m;
	int n = poll(pf, 2, 1000), r, fd = -1;

	if (n < 0 && errno != EINTR)
		return 1;
	if (n > 0 && pf[0].revents != 0)
		return 0;
	if (n > 0 && pf[1].revents != 0) {
		if ((r = role_parent_msg(env, &m, &fd)) >= 0)
			return r;
		if (m.type == MSG_PEER) {
			/* The signer restarted: its new end. */
			signer_client_reset(signer, fd);
			signer_hello();
		}
	}
	if (mono_s() - *last_hb >= ROLE_HEARTBEAT_SECONDS) {
		*last_hb = mono_s();
		hb.requests = atomic_load(&answered);
		if (ipc_send(env->ipc, MSG_HEARTBEAT, &hb, sizeof(hb)) != 0)
			return 0;
	}
	return -1;
}

#define EXPIRE_EVERY 30 /* seconds between two sweeps of expired jobs */

/* Once a second, outside every request, on a store connection of its
 * own: SQLite's checkpoint (so that no request's commit copies the WAL
 * back), and every EXPIRE_EVERY seconds the hosts of expired jobs marked
 * expired.  Long polls whose time is up are answered. */
static void
tick(struct store **maint, int *warned)
{
	static int64_t last_expire;
	int64_t now = (int64_t)time(NULL), n = 0;
	char err[256];

	waiters_wake(0, now);
	if (*maint == NULL &&
	    store_open(cf->db, maint, err, sizeof(err)) != 0) {
		*maint = NULL;
		if (!(*warned)++)
			log_warn("maintenance: cannot open the store", "error",
			    err, NULL);
		return;
	}
	feeds_flush_due(*maint, now);
	if (store_driver(*maint) == STORE_SQLITE &&
	    store_checkpoint(*maint) != 0 && !(*warned)++)
		log_warn(
		    "checkpoint failed", "error", store_errmsg(*maint), NULL);
	if (now - last_expire < EXPIRE_EVERY)
		return;
	last_expire = now;
	if (store_jobs_expire(*maint, now, &n) != 0)
		log_warn("expiring jobs failed", "error", store_errmsg(*maint),
		    NULL);
	else if (n > 0) {
		char num[24];

		snprintf(num, sizeof(num), "%lld", (long long)n);
		log_info("job hosts expired", "hosts", num, NULL);
	}
}

/* Serves until SIGTERM or until the parent goes away; runs tick() every
 * second, sends a heartbeat every ROLE_HEARTBEAT_SECONDS and
 * applies SIGHUP's log settings. */
static int
serve(const struct role_env *env)
{
	struct store *ckpt = NULL;
	int64_t last_hb = mono_s();
	int rc, warned = 0;

	while ((rc = serve_step(env, &last_hb)) < 0)
		tick(&ckpt, &warned);
	store_close(ckpt);
	return rc;
}

/* Stop accepting, wait for the requests in flight, stop. */
static void
drain(struct MHD_Daemon **d, size_t n)
{
	struct timespec until;

	for (size_t i = 0; i < n; i++) {
		MHD_socket fd = MHD_quiesce_daemon(d[i]);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
	}
	shutting_down = 1;
	waiters_wake(0, INT64_MAX); /* answered now, nothing held */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ROLE_STOP_SECONDS - 5;
	pthread_mutex_lock(&active_lock);
	while (active > 0 &&
	    pthread_cond_timedwait(&active_cond, &active_lock, &until) == 0)
		;
	pthread_mutex_unlock(&active_lock);
	for (size_t i = 0; i < n; i++)
		MHD_stop_daemon(d[i]);
}

/*
 * Every connection is a descriptor.  Services commonly start with a soft
 * limit of 1024 (systemd's default), which http.max_connections (default
 * 1024) plus the sockets, pipes and store connections would pass: accept
 * would then fail with EMFILE before the cap does its job.  The soft
 * limit is raised as far as the hard one allows (no privilege needed).
 */
static void
raise_nofile(const struct conf *c)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)c->http_max_connections + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want
	    ? rl.rlim_max
	    : want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 ||
	    rl.rlim_cur < (rlim_t)c->http_max_connections)
		log_warn(
		    "the descriptor limit is below http.max_connections", NULL);
}

/* The API's settings, with the certificate's fingerprint that enrolment
 * tokens carry: tls's "AB:CD:..." as 64 lower-case hex digits. */
static void
configure_api(const struct role_env *env)
{
	struct api_config ac = env->conf->auth;
	const char *f;
	size_t n = 0;

	ac.server_fp[0] = '\0';
	for (f = env->tls != NULL ? env->tls->fingerprint : ""; *f != '\0'; f++)
		if (*f != ':' && n + 1 < sizeof(ac.server_fp))
			ac.server_fp[n++] = (char)rp_tolower((unsigned char)*f);
	ac.server_fp[n] = '\0';
	ac.jobs_queued = jobs_queued;
	ac.job_approval_hosts = env->conf->signer_approval_hosts;
	/* a long poll ends before the request watchdog would cut it */
	ac.agent_wait_max = env->conf->http_connection_timeout > 10
	    ? env->conf->http_connection_timeout - 5
	    : 5;
	api_configure(&ac);
}

/* The fetch records still queued, written before the role ends (on a
 * connection of its own: the request threads are gone). */
static void
flush_feeds(void)
{
	struct store *s = NULL;
	char err[256];

	if (store_open(cf->db, &s, err, sizeof(err)) != 0 ||
	    feeds_flush(s) != 0)
		log_error("feed fetch records not written", "error",
		    s != NULL ? store_errmsg(s) : err, NULL);
	store_close(s);
	feeds_cache_free();
}

int
http_main(const struct role_env *env)
{
	struct MHD_Daemon *d[CONF_LISTEN_MAX];
	struct msg_ready ready;
	size_t n = 0;
	int rc = 1;
	char num[24];

	cf = env->conf;
	use_tls = env->tls != NULL;
	configure_api(env);
	raise_nofile(cf);
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0 ||
	    pthread_key_create(&store_key, close_store) != 0 ||
	    metrics_init() != 0 ||
	    conns_start(cf->http_connection_timeout) != 0 ||
	    signer_client_new(env->peer_fd, &signer) != 0) {
		log_error("cannot start", "error", strerror(errno), NULL);
		return 1;
	}
	api_set_signer(signer);
	signer_hello();
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	for (; n < env->nlisten; n++) {
		if ((d[n] = start_daemon(env, env->listen_fds[n])) == NULL) {
			log_error("cannot start libmicrohttpd", "listen",
			    cf->listen[n].text, NULL);
			goto out;
		}
	}
	ready.listeners = (uint32_t)n;
	if (ipc_send(env->ipc, MSG_READY, &ready, sizeof(ready)) != 0)
		goto out;
	log_info("serving", "listeners", cf->listen[0].text, "tls",
	    use_tls ? "yes" : "no", NULL);
	rc = serve(env);
out:
	drain(d, n);
	conns_stop();
	flush_feeds();
	snprintf(num, sizeof(num), "%llu",
	    (unsigned long long)atomic_load(&answered));
	log_info("stopped", "answered", num, NULL);
	api_set_signer(NULL);
	signer_client_free(signer);
	signer = NULL;
	metrics_free();
	return rc;
}
