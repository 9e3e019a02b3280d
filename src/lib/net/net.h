/*
 * HTTPS to rampartd, shared by the CLI and the agent: one libcurl
 * connection per struct net, with the server's certificate pinned by its
 * SHA-256 fingerprint when the caller has one (then the leaf certificate
 * must match, checked during the handshake, before any request byte is
 * sent; host names are not checked, the pin is the identity), or the
 * system's CA store otherwise.  Answers are capped (NET_BODY_MAX), every
 * exchange has timeouts, and a failure comes back as a sentence.  Plain
 * http:// is accepted only for loopback hosts.  What a request carries
 * beyond JSON (credentials, signatures) is the caller's, passed as header
 * lines this module wipes after use.
 */
#ifndef RP_NET_H
#define RP_NET_H

#include <stddef.h>
#include <stdint.h>

/* The largest answer body read (larger ones fail with RP_ERR_LIMIT). */
#define NET_BODY_MAX ((size_t)64 * 1024 * 1024)
/* Room for a message about what went wrong. */
#define NET_ERR_MAX 512
/* "AB:CD:..." of 32 bytes plus the NUL. */
#define NET_FP_TEXT 96

/*
 * Reads a SHA-256 fingerprint as `openssl x509 -fingerprint -sha256`
 * prints it: 32 bytes of hex, in either case, separated by ':' (or not
 * separated at all: the 64 hex digits of an enrolment token); a leading
 * "sha256 Fingerprint=" (any case) and surrounding spaces are allowed.
 * Writes the bytes to out and the normal form (upper case,
 * colon-separated) to text when text is not NULL.  Returns 0 or
 * RP_ERR_INVALID.
 */
int net_fp_parse(const char *s, uint8_t out[32], char text[NET_FP_TEXT]);

/*
 * Checks a server's base URL: http or https, a host, an optional port
 * and path; no user name, password, query or fragment; http only when
 * the host is loopback (localhost, 127.0.0.0/8, ::1).  Returns NULL when
 * it is acceptable, else a static sentence saying what is wrong.
 */
const char *net_url_problem(const char *url);
/* Whether url's scheme is https (case-insensitive). */
int net_url_https(const char *url);

struct net;

/*
 * A connection to the server at base_url (checked with net_url_problem;
 * a trailing '/' is dropped).  pin is the certificate fingerprint's 32
 * bytes, or NULL for CA verification; agent names the program in the
 * User-Agent header ("rampart-cli/1").  Returns 0, RP_ERR_INVALID (the
 * URL is refused; err says why) or RP_ERR_NOMEM.
 */
int net_new(const char *base_url, const uint8_t *pin, const char *agent,
    struct net **out, char err[NET_ERR_MAX]);
/* Frees n; NULL is a no-op. */
void net_free(struct net *n);

/* The base URL without a trailing '/'. */
const char *net_base_url(const struct net *n);

/*
 * Called with each header line of an answer ("Name: value\r\n", not
 * NUL-terminated, len bytes), for what the caller wants beyond
 * net_resp's fields (the CLI's session cookie).  NULL: none.
 */
typedef void (*net_header_fn)(void *arg, const char *line, size_t len);
void net_on_header(struct net *n, net_header_fn fn, void *arg);

struct net_resp {
	long status; /* the HTTP status */
	char *body; /* NUL-terminated, owned */
	size_t len;
	char ctype[128]; /* the Content-Type's media type, lower case */
	long retry_after; /* Retry-After in seconds, -1 when absent */
};
/* Wipes and frees what r holds; the struct can be reused. */
void net_resp_clear(struct net_resp *r);

/*
 * Sends METHOD base_url + path (which starts with '/' and carries its
 * query, already escaped) with body[0..len) as application/json when body
 * is not NULL, and the extra header lines hdrs ("Name: value", NULL-
 * terminated list, or NULL; copies are wiped after the exchange), and
 * fills *resp (cleared first) with the answer, whatever its status.
 * Returns 0, or on failure to get an answer RP_ERR_IO (cannot connect,
 * TLS failure, fingerprint mismatch, timeout), RP_ERR_LIMIT (answer over
 * NET_BODY_MAX), RP_ERR_INTERNAL (this libcurl cannot pin) or
 * RP_ERR_NOMEM, with a sentence in err.
 */
int net_request(struct net *n, const char *method, const char *path,
    const char *const *hdrs, const void *body, size_t len,
    struct net_resp *resp, char err[NET_ERR_MAX]);

/*
 * Copies the header value of line (after "Name:", len bytes, as given to
 * a net_header_fn) without surrounding white space into out (truncated
 * to outlen - 1); returns its length.
 */
size_t net_header_value(
    const char *line, size_t len, size_t name_len, char *out, size_t outlen);

/* Percent-escapes s for one path segment or query value (caller frees);
 * NULL when out of memory. */
char *net_escape(const char *s);

#endif
