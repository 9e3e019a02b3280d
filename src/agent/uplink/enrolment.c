/*
 * agent.json, the record of the agent's one enrolment (uplink.h): which
 * server (URL and pinned certificate), which agent ID it gave this key,
 * in which tenant.  The same checks guard writing and reading, so a
 * record that was accepted once reads back, and one edited into
 * something else (an http:// URL, a short fingerprint) is refused.  The
 * pinned job-signing key is optional (a server older than signed jobs
 * sends none), but when present its ID must be the key's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "uplink.h"
#include "uplink_int.h"
#include "util/err.h"
#include "util/str.h"

#define ENROLMENT_MAX 16384
#define SERVER_MAX 2048

void
uplink_enrolment_clear(struct uplink_enrolment *e)
{
	free(e->server);
	memset(e, 0, sizeof(*e));
}

static int
fp_ok(const char *s)
{
	size_t i;

	for (i = 0; i < PROTO_FP_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

static int
tenant_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > UPLINK_TENANT_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* NULL when e may be recorded, else which field is wrong. */
static const char *
problem(const char *server, const char *fp, const char *id, const char *tenant)
{
	if (server == NULL || strlen(server) > SERVER_MAX ||
	    net_url_problem(server) != NULL || !net_url_https(server))
		return "server: not an https:// URL";
	if (fp == NULL || !fp_ok(fp))
		return "fingerprint: not 64 lower-case hex digits";
	if (id == NULL || !proto_agent_id_ok(id))
		return "agent_id: not an agent ID";
	if (tenant == NULL || !tenant_ok(tenant))
		return "tenant: not a tenant name";
	return NULL;
}

/* The string member key of o, or NULL. */
static const char *
member(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int
uplink_job_key_take(
    struct uplink_enrolment *e, const json_t *v, char err[UPLINK_ERR_MAX])
{
	const char *id, *pk;
	char want[PROTO_JOB_KEY_ID_LEN + 1];
	unsigned char k[32];

	e->has_job_key = 0;
	if (v == NULL)
		return 0;
	id = member(v, "id");
	pk = member(v, "public_key");
	if (!json_is_object(v) || json_object_size(v) != 2 || id == NULL ||
	    pk == NULL || proto_pk_decode(pk, k) != 0) {
		snprintf(err, UPLINK_ERR_MAX,
		    "job_key: expected {\"id\": 16 hex digits, "
		    "\"public_key\": 43 base64url characters}");
		return RP_ERR_INVALID;
	}
	proto_job_key_id(k, want);
	if (strcmp(id, want) != 0) {
		snprintf(err, UPLINK_ERR_MAX,
		    "job_key: its id is not that of its public key");
		return RP_ERR_INVALID;
	}
	memcpy(e->job_key, k, sizeof(e->job_key));
	memcpy(e->job_key_id, want, sizeof(e->job_key_id));
	e->has_job_key = 1;
	return 0;
}

/* {"id", "public_key"} of e's job key, or NULL when out of memory. */
static json_t *
job_key_json(const struct uplink_enrolment *e)
{
	char pk[PROTO_PK_B64_LEN + 1];

	proto_pk_encode(e->job_key, pk);
	return json_pack("{s:s, s:s}", "id", e->job_key_id, "public_key", pk);
}

int
uplink_enrolment_write(
    int dirfd, const struct uplink_enrolment *e, char err[UPLINK_ERR_MAX])
{
	const char *why;
	json_t *o = NULL;
	char *text = NULL, *line = NULL;
	int r = RP_ERR_NOMEM;

	if ((why = problem(
		 e->server, e->fingerprint, e->agent_id, e->tenant)) != NULL) {
		snprintf(err, UPLINK_ERR_MAX, "%s: %s", UPLINK_ENROLMENT, why);
		return RP_ERR_ARG;
	}
	o = json_pack("{s:s, s:s, s:s, s:s}", "server", e->server,
	    "fingerprint", e->fingerprint, "agent_id", e->agent_id, "tenant",
	    e->tenant);
	if (o != NULL && e->has_job_key &&
	    json_object_set_new(o, "job_key", job_key_json(e)) != 0) {
		json_decref(o);
		o = NULL;
	}
	if (o == NULL || (text = json_dumps(o, JSON_INDENT(2))) == NULL) {
		snprintf(err, UPLINK_ERR_MAX, "out of memory");
		goto out;
	}
	/* a text file ends with a newline */
	if ((line = rp_asprintf("%s\n", text)) == NULL) {
		snprintf(err, UPLINK_ERR_MAX, "out of memory");
		goto out;
	}
	r = uplink_write_new(
	    dirfd, UPLINK_ENROLMENT, line, strlen(line), 0644, err);
out:
	free(line);
	free(text);
	json_decref(o);
	return r;
}

int
uplink_enrolment_read(
    int dirfd, struct uplink_enrolment *e, char err[UPLINK_ERR_MAX])
{
	char buf[ENROLMENT_MAX];
	struct stat st;
	json_error_t je;
	json_t *o = NULL;
	const char *server, *fp, *id, *tenant, *why;
	char kerr[UPLINK_ERR_MAX];
	ssize_t n;
	int fd, r = RP_ERR_INVALID;

	uplink_enrolment_clear(e);
	if ((fd = uplink_open_trusted(dirfd, UPLINK_ENROLMENT, 0, &st, err)) <
	    0)
		return fd;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || n == (ssize_t)sizeof(buf)) {
		snprintf(err, UPLINK_ERR_MAX, "%s: %s", UPLINK_ENROLMENT,
		    n < 0 ? "cannot read it" : "too large");
		return n < 0 ? RP_ERR_IO : RP_ERR_INVALID;
	}
	if ((o = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL) {
		snprintf(err, UPLINK_ERR_MAX, "%s: line %d: %s",
		    UPLINK_ENROLMENT, je.line, je.text);
		return RP_ERR_INVALID;
	}
	server = member(o, "server");
	fp = member(o, "fingerprint");
	id = member(o, "agent_id");
	tenant = member(o, "tenant");
	if (!json_is_object(o))
		why = "not a JSON object";
	else
		why = problem(server, fp, id, tenant);
	if (why != NULL) {
		snprintf(err, UPLINK_ERR_MAX, "%s: %s", UPLINK_ENROLMENT, why);
		goto out;
	}
	if (uplink_job_key_take(e, json_object_get(o, "job_key"), kerr) != 0) {
		snprintf(
		    err, UPLINK_ERR_MAX, "%s: %.400s", UPLINK_ENROLMENT, kerr);
		goto out;
	}
	if ((e->server = strdup(server)) == NULL) {
		snprintf(err, UPLINK_ERR_MAX, "out of memory");
		r = RP_ERR_NOMEM;
		goto out;
	}
	memcpy(e->fingerprint, fp, sizeof(e->fingerprint));
	memcpy(e->agent_id, id, sizeof(e->agent_id));
	snprintf(e->tenant, sizeof(e->tenant), "%s", tenant);
	r = 0;
out:
	if (r != 0)
		uplink_enrolment_clear(e);
	json_decref(o);
	return r;
}
