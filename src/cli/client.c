/*
 * The CLI's client (client.h): a src/lib/net connection plus the CLI's
 * credential, sent as one header line, and the rampart_session cookie
 * an answer sets or expires, read from its Set-Cookie header.  The
 * credential and the cookie are secrets: wiped when replaced or freed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "util/err.h"

struct client {
	struct net *n;
	/* the answer being read, for the Set-Cookie hook */
	struct client_resp *cur;
	/* "Cookie: rampart_session=..." or "Authorization: Bearer ...",
	   "" when none; wiped */
	char auth[CLIENT_SECRET_MAX + 64];
};

static void on_header(void *arg, const char *line, size_t n);

int
client_new(const char *base_url, const uint8_t *pin, struct client **out,
    char err[CLIENT_ERR_MAX])
{
	struct client *c;
	int r;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, CLIENT_ERR_MAX, "out of memory");
		return RP_ERR_NOMEM;
	}
	if ((r = net_new(base_url, pin, "rampart-cli/1", &c->n, err)) != 0) {
		free(c);
		return r;
	}
	net_on_header(c->n, on_header, c);
	*out = c;
	return 0;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	net_free(c->n);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

const char *
client_base_url(const struct client *c)
{
	return net_base_url(c->n);
}

/* A credential must fit and be one header-safe token. */
static int
set_auth(struct client *c, const char *name, const char *secret)
{
	const char *p;

	if (strlen(secret) > CLIENT_SECRET_MAX)
		return RP_ERR_LIMIT;
	for (p = secret; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == ';' || *p == 0x7f)
			return RP_ERR_INVALID;
	explicit_bzero(c->auth, sizeof(c->auth));
	snprintf(c->auth, sizeof(c->auth), "%s%s", name, secret);
	return 0;
}

int
client_set_session(struct client *c, const char *value)
{
	return set_auth(c, "Cookie: rampart_session=", value);
}

int
client_set_token(struct client *c, const char *token)
{
	return set_auth(c, "Authorization: Bearer ", token);
}

void
client_resp_clear(struct client_resp *r)
{
	if (r->body != NULL) {
		explicit_bzero(r->body, r->len);
		free(r->body);
	}
	explicit_bzero(r, sizeof(*r));
	r->retry_after = -1;
}

static void
on_cookie(struct client_resp *r, const char *line, size_t n)
{
	char v[CLIENT_SECRET_MAX + 256], *end;
	size_t len;

	len = net_header_value(line, n, 11, v, sizeof(v));
	if (strncmp(v, "rampart_session=", 16) == 0) {
		if ((end = strchr(v + 16, ';')) != NULL)
			*end = '\0';
		if (v[16] == '\0' ||
		    strcasestr(end ? end + 1 : "", "max-age=0") != NULL)
			r->session_cleared = 1;
		else if (strlen(v + 16) < sizeof(r->session))
			snprintf(r->session, sizeof(r->session), "%s", v + 16);
	}
	explicit_bzero(v, len);
}

static void
on_header(void *arg, const char *line, size_t n)
{
	struct client *c = arg;

	if (c->cur != NULL && n > 11 &&
	    strncasecmp(line, "set-cookie:", 11) == 0)
		on_cookie(c->cur, line, n);
}

int
client_request(struct client *c, const char *method, const char *path,
    const void *body, size_t len, struct client_resp *resp,
    char err[CLIENT_ERR_MAX])
{
	const char *hdrs[2] = {c->auth[0] != '\0' ? c->auth : NULL, NULL};
	struct net_resp nr = {.retry_after = -1};
	int r;

	client_resp_clear(resp);
	c->cur = resp;
	r = net_request(c->n, method, path, hdrs, body, len, &nr, err);
	c->cur = NULL;
	if (r != 0) {
		net_resp_clear(&nr);
		client_resp_clear(resp);
		return r;
	}
	/* the body changes hands; nr is left empty */
	resp->status = nr.status;
	resp->body = nr.body;
	resp->len = nr.len;
	memcpy(resp->ctype, nr.ctype, sizeof(resp->ctype));
	resp->retry_after = nr.retry_after;
	return 0;
}
