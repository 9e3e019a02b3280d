/*
 * The CLI's client for rampartd's API (internal to src/cli): a
 * connection of src/lib/net (pinning, caps, timeouts) plus what only the
 * CLI sends and keeps: the credential (session cookie or API token),
 * held in a buffer this module wipes when it is freed, and the session
 * cookie an answer sets.
 */
#ifndef RP_CLI_CLIENT_H
#define RP_CLI_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "net/net.h"

/* Room for a message about what went wrong. */
#define CLIENT_ERR_MAX NET_ERR_MAX
/* Longest credential (cookie value or token) accepted. */
#define CLIENT_SECRET_MAX 512

struct client;

/*
 * A client for the server at base_url (checked with net_url_problem;
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
 * RP_ERR_LIMIT (answer over NET_BODY_MAX) or RP_ERR_NOMEM, with a
 * sentence in err.
 */
int client_request(struct client *c, const char *method, const char *path,
    const void *body, size_t len, struct client_resp *resp,
    char err[CLIENT_ERR_MAX]);

#endif
