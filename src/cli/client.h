/*
 * The CLI's HTTP client for rampartd's API (internal to src/cli): one
 * connection setup per server profile on libcurl, with the server's
 * certificate pinned by its SHA-256 fingerprint when the profile has one
 * (then the leaf certificate must match, checked during the handshake,
 * before any request byte is sent; host names are not checked, the pin
 * is the identity), or the system's CA store otherwise.  Plain http:// is
 * accepted only for loopback hosts.  Credentials (session cookie or API
 * token) live in buffers this module wipes when it is freed.
 */
#ifndef RP_CLI_CLIENT_H
#define RP_CLI_CLIENT_H

#include <stddef.h>
#include <stdint.h>

/* The largest answer body read (larger ones fail with RP_ERR_LIMIT). */
#define CLIENT_BODY_MAX ((size_t)64 * 1024 * 1024)
/* Room for a message about what went wrong. */
#define CLIENT_ERR_MAX 512
/* "AB:CD:..." of 32 bytes plus the NUL. */
#define CLIENT_FP_TEXT 96
/* Longest credential (cookie value or token) accepted. */
#define CLIENT_SECRET_MAX 512

/*
 * Reads a SHA-256 fingerprint as `openssl x509 -fingerprint -sha256`
 * prints it: 32 bytes of hex, in either case, separated by ':' (or not
 * separated at all); a leading "sha256 Fingerprint=" (any case) and
 * surrounding spaces are allowed.  Writes the bytes to out and the
 * normal form (upper case, colon-separated) to text when text is not
 * NULL.  Returns 0 or RP_ERR_INVALID.
 */
int client_fp_parse(const char *s, uint8_t out[32], char text[CLIENT_FP_TEXT]);

/*
 * Checks a server's base URL: http or https, a host, an optional port
 * and path; no user name, password, query or fragment; http only when
 * the host is loopback (localhost, 127.0.0.0/8, ::1).  Returns NULL when
 * it is acceptable, else a static sentence saying what is wrong.
 */
const char *client_url_problem(const char *url);

struct client;

/*
 * A client for the server at base_url (checked with client_url_problem;
 * a trailing '/' is dropped).  pin is the certificate fingerprint's 32
 * bytes, or NULL for CA verification.  Returns 0, RP_ERR_INVALID (the URL
 * is refused; err says why) or RP_ERR_NOMEM.
 */
int client_new(const char *base_url, const uint8_t *pin, struct client **out,
    char err[CLIENT_ERR_MAX]);
/* Wipes the credentials and frees c; NULL is a no-op. */
void client_free(struct client *c);

/* The base URL without a trailing '/'. */
const char *client_base_url(const struct client *c);

/* Sends the session cookie `rampart_session` with every request (copied
 * into c; replaces a token).  Returns 0 or RP_ERR_LIMIT. */
int client_set_session(struct client *c, const char *value);
/* Sends `Authorization: Bearer TOKEN` instead (copied into c). */
int client_set_token(struct client *c, const char *token);

struct client_resp {
	long status; /* the HTTP status */
	char *body; /* NUL-terminated, owned */
	size_t len;
	char ctype[128]; /* the Content-Type's media type, lower case */
	long retry_after; /* Retry-After in seconds, -1 when absent */
	/* the rampart_session cookie the answer set, "" when none; a secret:
	 * client_resp_clear wipes it */
	char session[CLIENT_SECRET_MAX];
	int session_cleared; /* the answer expired the cookie */
};
/* Wipes and frees what r holds; the struct can be reused. */
void client_resp_clear(struct client_resp *r);

/*
 * Sends METHOD base_url + path (which starts with '/' and carries its
 * query, already escaped) with body[0..len) as application/json when body
 * is not NULL, and fills *resp (cleared first) with the answer, whatever
 * its status.  Returns 0, or on failure to get an answer RP_ERR_IO
 * (cannot connect, TLS failure, fingerprint mismatch, timeout),
 * RP_ERR_LIMIT (answer over CLIENT_BODY_MAX) or RP_ERR_NOMEM, with a
 * sentence in err.
 */
int client_request(struct client *c, const char *method, const char *path,
    const void *body, size_t len, struct client_resp *resp,
    char err[CLIENT_ERR_MAX]);

/* Percent-escapes s for one path segment or query value (caller frees);
 * NULL when out of memory. */
char *client_escape(const char *s);

#endif
