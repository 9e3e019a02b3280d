/*
 * rampart-agent enroll: joins this machine to a server with an
 * enrolment token (docs/agent-protocol.md, docs/agent-enroll.md).  The
 * token carries the server certificate's fingerprint, so the first
 * contact is already pinned; the identity key is made here and never
 * leaves the state directory; agent.json records the one enrolment.
 * The token's secret is wiped once sent.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "agent_cmd.h"
#include "uplink/uplink.h"
#include "util/err.h"
#include "util/out.h"

#ifndef RAMPART_VERSION
#define RAMPART_VERSION "0.1.0"
#endif

#define ENROLL_PATH "/api/v1/agents/enroll"

static const char usage_text[] =
    "usage: rampart-agent enroll URL TOKEN [--state DIR] [--hostname NAME]\n"
    "\n"
    "Joins this machine to the Rampart server at URL (https://) with an\n"
    "enrolment token from the server (rpe1.<fingerprint>.<secret>; '-'\n"
    "reads it from the first line of standard input, so it stays out of\n"
    "the process list).  The server must show the certificate whose\n"
    "SHA-256 the token carries: anything else is refused before a byte of\n"
    "the request is sent.  Makes the agent's Ed25519 identity in the state\n"
    "directory and records the enrolment there (agent.json), with the\n"
    "server's job-signing public key, pinned: only jobs signed with it\n"
    "will run (docs/jobs.md).  An agent enrols once: a state directory\n"
    "that holds an enrolment is refused.\n"
    "\n"
    "  --state DIR      the state directory (default " UPLINK_DEFAULT_DIR ";\n"
    "                   created with mode 0700 if missing)\n"
    "  --hostname NAME  the name to show for this machine (default: its\n"
    "                   host name)\n"
    "\n"
    "Exit status: 0 enrolled; 1 the server refused (the token is unknown,\n"
    "expired, revoked or used up; too many attempts); 2 bad usage or a\n"
    "local problem (state directory, already enrolled); 3 the server could\n"
    "not be reached, was not the one the token pins, or is not Rampart.\n";

static void
usage(FILE *f)
{
	fputs(usage_text, f);
}

/* The token from argv or, for "-", the first line of stdin. */
static int
read_token(char *arg, char *out, size_t outlen)
{
	size_t n;

	if (strcmp(arg, "-") != 0) {
		if ((n = strlen(arg)) >= outlen)
			return RP_ERR_INVALID;
		memcpy(out, arg, n + 1);
		/* out of the process list from now on */
		sodium_memzero(arg, n);
		return 0;
	}
	if (fgets(out, (int)outlen, stdin) == NULL)
		return RP_ERR_INVALID;
	n = strcspn(out, "\r\n");
	if (out[n] == '\0' && !feof(stdin))
		return RP_ERR_INVALID; /* longer than any token */
	out[n] = '\0';
	return 0;
}

/* Says who this directory is enrolled as, and refuses. */
static int
already(int fd, const char *dir)
{
	struct uplink_enrolment e = {0};
	char err[UPLINK_ERR_MAX];

	fprintf(stderr, "rampart-agent enroll: %s is already enrolled", dir);
	if (uplink_enrolment_read(fd, &e, err) == 0) {
		fprintf(stderr, " (agent %s of tenant ", e.agent_id);
		out_text(stderr, e.tenant, UPLINK_TENANT_MAX, 0);
		fputs(" at ", stderr);
		out_text(stderr, e.server, 2048, 0);
		fputc(')', stderr);
	}
	fprintf(stderr,
	    ".\nAn agent enrols once.  To make this machine a new agent, have "
	    "the old one\nrevoked on the server and enrol with a new state "
	    "directory (--state).\n");
	uplink_enrolment_clear(&e);
	return EXIT_USAGE;
}

/* The enrolment request's body (holds the token's secret). */
static char *
request_body(const char *secret, const unsigned char pk[32],
    const struct agent_host *host)
{
	char pk64[PROTO_PK_B64_LEN + 1];
	json_t *o;
	char *text;

	proto_pk_encode(pk, pk64);
	o = json_pack("{s:s, s:s, s:s, s:s}", "token", secret, "public_key",
	    pk64, "hostname", host->hostname, "os", host->os);
	text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return text;
}

/* Records the server's 201 answer as agent.json. */
static int
record(int fd, const char *dir, const char *base, const char *fp, json_t *v)
{
	struct uplink_enrolment e = {0};
	const char *id = json_string_value(json_object_get(v, "agent_id"));
	const char *tenant = json_string_value(json_object_get(v, "tenant"));
	char err[UPLINK_ERR_MAX];
	int r;

	if (id == NULL || !proto_agent_id_ok(id) || tenant == NULL ||
	    strlen(tenant) > UPLINK_TENANT_MAX) {
		fprintf(stderr,
		    "rampart-agent enroll: %s" ENROLL_PATH " answered 201 "
		    "without an agent ID and tenant: is this a Rampart "
		    "server?\n",
		    base);
		return EXIT_UNREACHABLE;
	}
	e.server = (char *)base;
	memcpy(e.fingerprint, fp, sizeof(e.fingerprint));
	memcpy(e.agent_id, id, sizeof(e.agent_id));
	memcpy(e.tenant, tenant, strlen(tenant) + 1);
	/* a server older than signed jobs sends no key: no job will run */
	if (uplink_job_key_take(&e, json_object_get(v, "job_key"), err) != 0) {
		fprintf(stderr,
		    "rampart-agent enroll: %s" ENROLL_PATH " answered 201 "
		    "with a %s\nNothing was recorded; have agent %s revoked on "
		    "the server.\n",
		    base, err, id);
		return EXIT_UNREACHABLE;
	}
	if ((r = uplink_enrolment_write(fd, &e, err)) != 0) {
		fprintf(stderr,
		    "rampart-agent enroll: the server enrolled agent %s, but "
		    "%s/%s\ncould not be written: %s\nHave that agent revoked "
		    "on the server, then enrol again.\n",
		    id, dir, UPLINK_ENROLMENT, err);
		return EXIT_USAGE;
	}
	printf("enrolled: agent %s of tenant ", id);
	out_text(stdout, tenant, UPLINK_TENANT_MAX, 0);
	printf(" at %s\nstate: %s\n", base, dir);
	if (e.has_job_key)
		printf("job-signing key: %s\n", e.job_key_id);
	else
		printf("job-signing key: none (the server sent none: this "
		       "agent will refuse every job)\n");
	return 0;
}

/* Sends the enrolment; fd is the state directory, pk the identity. */
static int
enroll(int fd, const char *dir, const char *url, const char *fp,
    const char *secret, const unsigned char pk[32],
    const struct agent_host *host)
{
	struct net_resp resp = {.retry_after = -1};
	struct net *n = NULL;
	char err[NET_ERR_MAX], *body = NULL;
	uint8_t pin[32];
	json_t *v = NULL;
	int ret = EXIT_USAGE;

	if (net_fp_parse(fp, pin, NULL) != 0 ||
	    net_new(url, pin, "rampart-agent/" RAMPART_VERSION, &n, err) != 0 ||
	    (body = request_body(secret, pk, host)) == NULL) {
		fprintf(stderr, "rampart-agent enroll: out of memory\n");
		goto out;
	}
	if (net_request(n, "POST", ENROLL_PATH, NULL, body, strlen(body), &resp,
		err) != 0) {
		fprintf(stderr, "rampart-agent enroll: %s\n", err);
		ret = EXIT_UNREACHABLE;
		goto out;
	}
	if ((ret = agent_answer(
		 "enroll", net_base_url(n), ENROLL_PATH, &resp, 201, &v)) != 0)
		goto out;
	ret = record(fd, dir, net_base_url(n), fp, v);
out:
	if (body != NULL) {
		sodium_memzero(body, strlen(body));
		free(body);
	}
	json_decref(v);
	net_resp_clear(&resp);
	net_free(n);
	return ret;
}

static int
parse_args(int argc, char **argv, const char **dir, const char **name)
{
	static const struct option opts[] = {
	    {"state", required_argument, NULL, 's'},
	    {"hostname", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			*dir = optarg;
			break;
		case 'n':
			*name = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

int
cmd_enroll(int argc, char **argv)
{
	const char *dir = UPLINK_DEFAULT_DIR, *name = NULL, *url;
	char token[PROTO_TOKEN_LEN + 2], fp[PROTO_FP_HEX + 1],
	    secret[PROTO_SECRET_LEN + 1], err[UPLINK_ERR_MAX];
	struct agent_host host = {0};
	unsigned char pk[32];
	int fd = -1, r, ret;

	if ((ret = parse_args(argc, argv, &dir, &name)) >= 0)
		return ret;
	ret = EXIT_USAGE;
	url = argv[optind];
	if (net_url_problem(url) != NULL || !net_url_https(url)) {
		fprintf(stderr, "rampart-agent enroll: %s: %s\n", url,
		    net_url_problem(url) != NULL ? net_url_problem(url)
						 : "expected an https:// URL");
		goto out;
	}
	if (read_token(argv[optind + 1], token, sizeof(token)) != 0 ||
	    proto_token_parse(token, fp, secret) != 0) {
		fprintf(stderr,
		    "rampart-agent enroll: TOKEN is not an enrolment token "
		    "(rpe1.<64 hex digits>.<43 characters>)\n");
		goto out;
	}
	if (name != NULL && (*name == '\0' || strlen(name) > 253)) {
		fprintf(stderr,
		    "rampart-agent enroll: --hostname: 1 to 253 "
		    "characters\n");
		goto out;
	}
	if ((r = uplink_dir_open(dir, 1, &fd, err)) != 0) {
		fprintf(stderr, "rampart-agent enroll: %s\n", err);
		goto out;
	}
	if ((r = uplink_enrolled(fd)) != 0) {
		if (r == 1)
			ret = already(fd, dir);
		else
			fprintf(stderr,
			    "rampart-agent enroll: %s: cannot "
			    "tell whether it is enrolled\n",
			    dir);
		goto out;
	}
	if ((r = uplink_identity(fd, 1, pk, err)) != 0) {
		fprintf(stderr, "rampart-agent enroll: %s: %s\n", dir, err);
		goto out;
	}
	if (agent_host_get(name, &host) != 0) {
		fprintf(stderr, "rampart-agent enroll: out of memory\n");
		goto out;
	}
	ret = enroll(fd, dir, url, fp, secret, pk, &host);
out:
	agent_host_clear(&host);
	sodium_memzero(token, sizeof(token));
	sodium_memzero(secret, sizeof(secret));
	if (fd >= 0)
		close(fd);
	return ret;
}
