/*
 * One GET against a loopback HTTP server run by the test (a thread that
 * answers one connection at a time and records each request's
 * conditional headers): 200 with validators, 304 to a matching
 * If-None-Match and If-Modified-Since, HTTP errors, the size cap with
 * and without a Content-Length, redirects followed within bounds and
 * refused to another scheme, and no answer at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "fetch/fetch.h"
#include "util/err.h"

#define ETAG "\"v1-abc\""
#define LASTMOD "Tue, 08 Dec 2026 01:40:00 GMT"
#define LIST "198.51.100.7\nevil.example\n"

static int lfd = -1, port;
static char seen_inm[256], seen_ims[256];
static int requests;

static void
header_value(const char *req, const char *name, char *out, size_t outlen)
{
	const char *p = strstr(req, name), *e;

	out[0] = '\0';
	if (p == NULL)
		return;
	p += strlen(name);
	e = strstr(p, "\r\n");
	if (e == NULL || (size_t)(e - p) >= outlen)
		return;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
}

static void
answer(int c, const char *req)
{
	char path[128] = "", out[4096], big[3000];
	const char *sp = strchr(req, ' ');
	int n = 0;

	if (sp != NULL) {
		size_t k = strcspn(sp + 1, " ");
		if (k < sizeof(path)) {
			memcpy(path, sp + 1, k);
			path[k] = '\0';
		}
	}
	header_value(req, "\r\nIf-None-Match: ", seen_inm, sizeof(seen_inm));
	header_value(
	    req, "\r\nIf-Modified-Since: ", seen_ims, sizeof(seen_ims));
	memset(big, 'x', sizeof(big));
	if (strcmp(path, "/list") == 0 &&
	    (strcmp(seen_inm, ETAG) == 0 || strcmp(seen_ims, LASTMOD) == 0))
		n = snprintf(out, sizeof(out),
		    "HTTP/1.1 304 Not Modified\r\nETag: " ETAG
		    "\r\nConnection: close\r\n\r\n");
	else if (strcmp(path, "/list") == 0)
		n = snprintf(out, sizeof(out),
		    "HTTP/1.1 200 OK\r\nETag: " ETAG
		    "\r\nLast-Modified: " LASTMOD
		    "\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
		    strlen(LIST), LIST);
	else if (strcmp(path, "/fail") == 0)
		n = snprintf(out, sizeof(out),
		    "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n");
	else if (strcmp(path, "/big-nolen") == 0)
		n = snprintf(out, sizeof(out),
		    "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n%.*s",
		    (int)sizeof(big), big);
	else if (strcmp(path, "/big-len") == 0)
		n = snprintf(out, sizeof(out),
		    "HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n"
		    "Connection: close\r\n\r\nxxxx");
	else if (strcmp(path, "/to-list") == 0)
		n = snprintf(out, sizeof(out),
		    "HTTP/1.1 302 Found\r\nETag: \"redirect\"\r\n"
		    "Location: /list\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n");
	else if (strcmp(path, "/to-file") == 0)
		n = snprintf(out, sizeof(out),
		    "HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n");
	else if (strcmp(path, "/loop") == 0)
		n = snprintf(out, sizeof(out),
		    "HTTP/1.1 302 Found\r\nLocation: /loop\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n");
	else if (strcmp(path, "/bad-etag") == 0)
		n = snprintf(out, sizeof(out),
		    "HTTP/1.1 200 OK\r\nETag: \"a\x01z\"\r\nContent-Length: 2"
		    "\r\nConnection: close\r\n\r\nok");
	else
		n = snprintf(out, sizeof(out),
		    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n");
	if (n > 0 && write(c, out, (size_t)n) < 0)
		return;
}

static void *
serve(void *arg)
{
	(void)arg;
	for (;;) {
		char req[8192];
		size_t len = 0;
		int c = accept(lfd, NULL, NULL);

		if (c < 0)
			return NULL;
		while (len + 1 < sizeof(req)) {
			ssize_t k = read(c, req + len, sizeof(req) - 1 - len);
			if (k <= 0)
				break;
			len += (size_t)k;
			req[len] = '\0';
			if (strstr(req, "\r\n\r\n") != NULL)
				break;
		}
		req[len] = '\0';
		__atomic_add_fetch(&requests, 1, __ATOMIC_SEQ_CST);
		answer(c, req);
		shutdown(c, SHUT_WR);
		while (read(c, req, sizeof(req)) > 0)
			;
		close(c);
	}
}

static void
url(char *out, size_t n, const char *path)
{
	snprintf(out, n, "http://127.0.0.1:%d%s", port, path);
}

static const struct fetch_opts opts = {1000, 5, 30, 3, NULL};

static void
test_conditional(void **state)
{
	struct fetch_reply r;
	char u[128];

	(void)state;
	url(u, sizeof(u), "/list");
	assert_int_equal(fetch_get(u, NULL, NULL, &opts, &r), 0);
	assert_int_equal(r.status, FETCH_OK);
	assert_int_equal(r.http_status, 200);
	assert_int_equal(r.len, strlen(LIST));
	assert_string_equal(r.body, LIST);
	assert_string_equal(r.etag, ETAG);
	assert_string_equal(r.last_modified, LASTMOD);
	assert_string_equal(seen_inm, "");
	fetch_reply_clear(&r);

	assert_int_equal(fetch_get(u, ETAG, NULL, &opts, &r), 0);
	assert_int_equal(r.status, FETCH_NOT_MODIFIED);
	assert_null(r.body);
	assert_string_equal(seen_inm, ETAG);
	assert_string_equal(seen_ims, "");

	assert_int_equal(fetch_get(u, "\"other\"", LASTMOD, &opts, &r), 0);
	assert_int_equal(r.status, FETCH_NOT_MODIFIED);
	assert_string_equal(seen_inm, "\"other\"");
	assert_string_equal(seen_ims, LASTMOD);

	/* a validator with a line break never becomes a header */
	assert_int_equal(
	    fetch_get(u, "\"x\"\r\nX-Evil: 1", NULL, &opts, &r), 0);
	assert_int_equal(r.status, FETCH_OK);
	assert_string_equal(seen_inm, "");
	fetch_reply_clear(&r);
}

static void
test_errors(void **state)
{
	struct fetch_reply r;
	char u[128];

	(void)state;
	url(u, sizeof(u), "/fail");
	assert_int_equal(fetch_get(u, NULL, NULL, &opts, &r), 0);
	assert_int_equal(r.status, FETCH_HTTP_ERROR);
	assert_int_equal(r.http_status, 500);
	assert_null(r.body);
	assert_non_null(strstr(r.error, "HTTP 500 from http://127.0.0.1:"));

	url(u, sizeof(u), "/big-nolen");
	assert_int_equal(fetch_get(u, NULL, NULL, &opts, &r), 0);
	assert_int_equal(r.status, FETCH_TOO_BIG);
	assert_null(r.body);
	assert_non_null(strstr(r.error, "larger than the 1000 bytes"));

	url(u, sizeof(u), "/big-len");
	assert_int_equal(fetch_get(u, NULL, NULL, &opts, &r), 0);
	assert_int_equal(r.status, FETCH_TOO_BIG);

	url(u, sizeof(u), "/bad-etag");
	assert_int_equal(fetch_get(u, NULL, NULL, &opts, &r), 0);
	assert_int_equal(r.status, FETCH_OK);
	assert_string_equal(r.etag, "");
	fetch_reply_clear(&r);
}

static void
test_redirects(void **state)
{
	struct fetch_reply r;
	char u[128];

	(void)state;
	url(u, sizeof(u), "/to-list");
	assert_int_equal(fetch_get(u, NULL, NULL, &opts, &r), 0);
	assert_int_equal(r.status, FETCH_OK);
	assert_string_equal(r.body, LIST);
	assert_string_equal(r.etag, ETAG); /* the final answer's */
	fetch_reply_clear(&r);

	url(u, sizeof(u), "/to-file");
	assert_int_equal(fetch_get(u, NULL, NULL, &opts, &r), 0);
	assert_int_equal(r.status, FETCH_REFUSED);
	assert_non_null(strstr(r.error, "not http or https"));

	url(u, sizeof(u), "/loop");
	assert_int_equal(fetch_get(u, NULL, NULL, &opts, &r), 0);
	assert_int_equal(r.status, FETCH_REFUSED);
	assert_non_null(strstr(r.error, "more than 3 times"));
}

static void
test_no_answer(void **state)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	struct fetch_reply r;
	char u[128];
	int s = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	/* a port that was bound and closed again: nobody listens there */
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
	close(s);
	snprintf(u, sizeof(u), "http://user:s3cret@127.0.0.1:%d/x?key=k3y",
	    ntohs(a.sin_port));
	assert_int_equal(fetch_get(u, NULL, NULL, &opts, &r), 0);
	assert_int_equal(r.status, FETCH_NETWORK);
	assert_int_equal(r.http_status, 0);
	assert_non_null(
	    strstr(r.error, "no answer from http://***@127.0.0.1:"));
	assert_null(strstr(r.error, "s3cret"));
	assert_null(strstr(r.error, "k3y"));
}

/* A worker that is stopping ends its transfers. */
static void
test_cancel(void **state)
{
	static const volatile int stop = 1;
	struct fetch_opts o = opts;
	struct fetch_reply r;
	char u[128];

	(void)state;
	o.cancel = &stop;
	url(u, sizeof(u), "/list");
	assert_int_equal(fetch_get(u, NULL, NULL, &o, &r), 0);
	assert_int_equal(r.status, FETCH_CANCELLED);
	assert_null(r.body);
	assert_non_null(strstr(r.error, "rampartd is stopping"));
}

static int
setup(void **state)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	pthread_t t;
	int one = 1;

	(void)state;
	signal(SIGPIPE, SIG_IGN); /* a client that went away mid-answer */
	assert_int_equal(fetch_global_init(), 0);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &al) != 0)
		return -1;
	port = ntohs(a.sin_port);
	if (pthread_create(&t, NULL, serve, NULL) != 0)
		return -1;
	pthread_detach(t);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conditional),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_redirects),
	    cmocka_unit_test(test_no_answer),
	    cmocka_unit_test(test_cancel),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
