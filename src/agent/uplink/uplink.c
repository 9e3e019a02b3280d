/*
 * The enrolled agent's signed requests (uplink.h): every request carries
 * an Authorization: Rampart-Agent header made by proto_sign over the
 * method, the path exactly as it goes on the request line (the server
 * URL's own path, if any, included), the time and the body, so the
 * server can tie each request to this agent's key.  The secret key lives
 * in struct uplink only, and is wiped with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "uplink.h"
#include "uplink_int.h"
#include "util/err.h"
#include "util/str.h"

#ifndef RAMPART_VERSION
#define RAMPART_VERSION "0.1.0"
#endif

#define AGENT_ROUTES "/api/v1/agent/"

struct uplink {
	struct uplink_enrolment who;
	struct net *net;
	const char *base_path; /* in who.server: "" or "/prefix" */
	unsigned char sk[64];
};

int
uplink_open(const char *dir, struct uplink **out, char err[UPLINK_ERR_MAX])
{
	struct uplink *u = NULL;
	char why[UPLINK_ERR_MAX];
	uint8_t pin[32];
	const char *p;
	int fd = -1, r;

	*out = NULL;
	if ((r = uplink_dir_open(dir, 0, &fd, err)) != 0)
		return r;
	if ((u = calloc(1, sizeof(*u))) == NULL) {
		snprintf(err, UPLINK_ERR_MAX, "out of memory");
		r = RP_ERR_NOMEM;
		goto out;
	}
	if ((r = uplink_enrolment_read(fd, &u->who, why)) != 0) {
		if (r == RP_ERR_NOTFOUND)
			snprintf(err, UPLINK_ERR_MAX,
			    "%s: not enrolled (no %s): run 'rampart-agent "
			    "enroll URL TOKEN' first",
			    dir, UPLINK_ENROLMENT);
		else
			snprintf(
			    err, UPLINK_ERR_MAX, "%.160s/%.340s", dir, why);
		goto out;
	}
	if ((r = uplink_key_load(fd, u->sk, why)) != 0) {
		snprintf(err, UPLINK_ERR_MAX, "%.160s/%.340s", dir, why);
		goto out;
	}
	/* agent.json's fingerprint was checked when it was read */
	if (net_fp_parse(u->who.fingerprint, pin, NULL) != 0) {
		r = RP_ERR_INTERNAL;
		snprintf(err, UPLINK_ERR_MAX, "%s: bad fingerprint",
		    UPLINK_ENROLMENT);
		goto out;
	}
	if ((r = net_new(u->who.server, pin, "rampart-agent/" RAMPART_VERSION,
		 &u->net, err)) != 0)
		goto out;
	/* no user, query or fragment in the URL: its path is what follows
	   the host; net dropped a trailing '/' */
	p = net_base_url(u->net) + strlen("https://");
	p = strchr(p, '/');
	u->base_path = p != NULL ? p : "";
	*out = u;
	u = NULL;
	r = 0;
out:
	uplink_free(u);
	close(fd);
	return r;
}

void
uplink_free(struct uplink *u)
{
	if (u == NULL)
		return;
	net_free(u->net);
	uplink_enrolment_clear(&u->who);
	sodium_memzero(u, sizeof(*u));
	free(u);
}

const struct uplink_enrolment *
uplink_who(const struct uplink *u)
{
	return &u->who;
}

int
uplink_sign(const struct uplink *u, const char *method, const char *path,
    long long ts, const void *body, size_t len, char out[PROTO_AUTH_MAX])
{
	char *full;
	int r;

	if ((full = rp_asprintf("%s%s", u->base_path, path)) == NULL)
		return RP_ERR_NOMEM;
	r = proto_sign(u->sk, u->who.agent_id, method, full, (int64_t)ts, body,
	    len, out, PROTO_AUTH_MAX);
	free(full);
	return r;
}

int
uplink_call(struct uplink *u, const char *method, const char *path,
    const void *body, size_t len, struct net_resp *resp,
    char err[UPLINK_ERR_MAX])
{
	char value[PROTO_AUTH_MAX], line[PROTO_AUTH_MAX + 32];
	const char *hdrs[2] = {line, NULL};
	int r;

	if (strncmp(path, AGENT_ROUTES, strlen(AGENT_ROUTES)) != 0) {
		snprintf(err, UPLINK_ERR_MAX,
		    "%s is not an agent route (" AGENT_ROUTES "...)", path);
		return RP_ERR_ARG;
	}
	if ((r = uplink_sign(u, method, path, (long long)time(NULL), body,
		 body != NULL ? len : 0, value)) != 0) {
		snprintf(err, UPLINK_ERR_MAX, "cannot sign the request: %s",
		    rp_strerror(r));
		return r;
	}
	snprintf(line, sizeof(line), "Authorization: %s", value);
	return net_request(u->net, method, path, hdrs, body, len, resp, err);
}
