/*
 * rampart-agent heartbeat: one signed request that tells the server this
 * agent is alive and what it runs on (docs/agent-protocol.md, "Agent
 * routes").  The daemon repeats it; by hand it checks an enrolment end
 * to end: state directory, key, pin and signature.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_cmd.h"
#include "uplink/uplink.h"
#include "util/err.h"

#ifndef RAMPART_VERSION
#define RAMPART_VERSION "0.1.0"
#endif

#define HEARTBEAT_PATH "/api/v1/agent/heartbeat"

static const char usage_text[] =
    "usage: rampart-agent heartbeat [--state DIR] [--hostname NAME]\n"
    "\n"
    "Sends one heartbeat, signed with the agent's key, to the server it\n"
    "enrolled with (rampart-agent enroll), and prints the server's answer\n"
    "(JSON: agent_id, tenant, server_time, next_heartbeat).\n"
    "\n"
    "  --state DIR      the state directory (default " UPLINK_DEFAULT_DIR ")\n"
    "  --hostname NAME  the name to report (default: the host name)\n"
    "\n"
    "Exit status: 0 the server took it; 1 the server refused it (a revoked\n"
    "agent, a clock more than 5 minutes off); 2 bad usage or a local\n"
    "problem (not enrolled, state directory or key refused); 3 the server\n"
    "could not be reached, was not the pinned one, or is not Rampart.\n";

static void
usage(FILE *f)
{
	fputs(usage_text, f);
}

static char *
heartbeat_body(const struct agent_host *host)
{
	json_t *o;
	char *text;

	o = json_pack("{s:s, s:s, s:s}", "hostname", host->hostname, "os",
	    host->os, "agent_version", RAMPART_VERSION);
	text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return text;
}

static int
send_beat(struct uplink *u, const struct agent_host *host)
{
	struct net_resp resp = {.retry_after = -1};
	char err[UPLINK_ERR_MAX], *body, *text = NULL;
	json_t *v = NULL;
	int ret;

	if ((body = heartbeat_body(host)) == NULL) {
		fprintf(stderr, "rampart-agent heartbeat: out of memory\n");
		return EXIT_USAGE;
	}
	if (uplink_call(u, "POST", HEARTBEAT_PATH, body, strlen(body), &resp,
		err) != 0) {
		fprintf(stderr, "rampart-agent heartbeat: %s\n", err);
		ret = EXIT_UNREACHABLE;
		goto out;
	}
	if ((ret = agent_answer("heartbeat", uplink_who(u)->server,
		 HEARTBEAT_PATH, &resp, 200, &v)) != 0)
		goto out;
	/* json_dumps escapes control characters: safe to print */
	if ((text = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS)) == NULL) {
		fprintf(stderr, "rampart-agent heartbeat: out of memory\n");
		ret = EXIT_USAGE;
		goto out;
	}
	printf("%s\n", text);
	ret = 0;
out:
	free(text);
	free(body);
	json_decref(v);
	net_resp_clear(&resp);
	return ret;
}

int
cmd_heartbeat(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"state", required_argument, NULL, 's'},
	    {"hostname", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dir = UPLINK_DEFAULT_DIR, *name = NULL;
	struct agent_host host = {0};
	struct uplink *u = NULL;
	char err[UPLINK_ERR_MAX];
	int c, ret = EXIT_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			dir = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (name != NULL && (*name == '\0' || strlen(name) > 253)) {
		fprintf(stderr,
		    "rampart-agent heartbeat: --hostname: 1 to 253 "
		    "characters\n");
		return EXIT_USAGE;
	}
	if (uplink_open(dir, &u, err) != 0) {
		fprintf(stderr, "rampart-agent heartbeat: %s\n", err);
		goto out;
	}
	if (agent_host_get(name, &host) != 0) {
		fprintf(stderr, "rampart-agent heartbeat: out of memory\n");
		goto out;
	}
	ret = send_beat(u, &host);
out:
	agent_host_clear(&host);
	uplink_free(u);
	return ret;
}
