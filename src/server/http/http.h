/*
 * The http role: libmicrohttpd (GnuTLS) on the sockets the parent bound,
 * one MHD daemon per socket with an internal epoll thread pool.  It reads
 * each request within its caps, serves /metrics itself, hands everything
 * else to api_handle() with this thread's store connection, and answers
 * with the security headers every answer carries.
 */
#ifndef RP_HTTP_H
#define RP_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct role_env;

/* The http role's entry (roles table): serves until SIGTERM or until the
 * parent goes away; returns the process's exit code. */
int http_main(const struct role_env *env);

/*
 * A request body read within a cap.  The buffer grows as data arrives,
 * never beyond max; http_body_clear frees it.
 */
struct http_body {
	char *data; /* NUL-terminated when not NULL */
	size_t len, cap, max;
};
void http_body_init(struct http_body *b, size_t max);
/*
 * Checks a Content-Length header (NULL: none, as with chunked bodies)
 * before any of the body is read: 0 when acceptable, RP_ERR_LIMIT when
 * it announces more than max, RP_ERR_INVALID when it is not a decimal
 * number.
 */
int http_body_expect(struct http_body *b, const char *content_length);
/* Appends data; RP_ERR_LIMIT when the body would pass max (nothing is
 * appended), RP_ERR_NOMEM. */
int http_body_add(struct http_body *b, const char *data, size_t n);
void http_body_clear(struct http_body *b);

/*
 * Percent-decoding of a URL's path or query argument in place (MHD's
 * unescape callback): as MHD decodes, except that %00 becomes the byte
 * 0xFF, never valid UTF-8, so the string is not cut short at a NUL and
 * http_utf8_ok refuses it.  Returns the new length.
 */
size_t http_unescape(char *s);
/* 1 when s is valid UTF-8 (shortest forms, no surrogates), else 0. */
int http_utf8_ok(const char *s);

#endif
