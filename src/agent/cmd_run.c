/*
 * rampart-agent run: the agent daemon (src/agent/daemon, docs/agent-
 * daemon.md).  This file reads the options and what the machine says
 * about itself, and hands over.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent_cmd.h"
#include "daemon/daemon.h"
#include "jobs/jobs.h"
#include "quarantine/quarantine.h"
#include "queue/queue.h"
#include "uplink/uplink.h"
#include "util/out.h"

#ifndef RAMPART_VERSION
#define RAMPART_VERSION "0.1.0"
#endif

/* Intervals are taken from 1 s to 30 days. */
#define INTERVAL_MAX (30u * 86400)

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: rampart-agent run [--state DIR] [--hostname NAME] "
	    "[--heartbeat S]\n"
	    "                         [--inventory-interval S] "
	    "[--inventory-root DIR]\n"
	    "                         [--sweep-rules BUNDLE [--sweep-interval "
	    "S]\n"
	    "                          [--sweep-root PATH]] [--config FILE]\n"
	    "                         [--store DIR] [--job-root DIR] [--once]\n"
	    "\n"
	    "The agent daemon.  Sends heartbeats to the server it enrolled "
	    "with, queues a\n"
	    "full inventory at start and, every --inventory-interval, a delta "
	    "when the\n"
	    "software changed; with --sweep-rules, sweeps every "
	    "--sweep-interval and\n"
	    "queues the report.  Signed jobs (docs/agent-jobs.md) come from "
	    "the server\n"
	    "through a long poll it holds until a job is queued or the next "
	    "heartbeat,\n"
	    "inventory or sweep is due (at most %d s); each runs as 'job run' "
	    "would and\n"
	    "its outcome is queued for the server.\nThe queue (in "
	    "DIR/" QUEUE_DIR ", at most %d items and\n"
	    "%llu MiB) is sent oldest first; an item leaves it only when the "
	    "server took\n"
	    "it, so nothing is lost when the server, the network or the "
	    "agent stops\n"
	    "half-way.  When the server cannot be reached it waits 1 s, "
	    "doubling to %d s,\n"
	    "each wait drawn at random below that.  Logs go to stderr "
	    "(logfmt).\n"
	    "SIGTERM or SIGINT: the request in flight is finished, then exit "
	    "0.\n"
	    "\n"
	    "  --state DIR               the state directory "
	    "(default " UPLINK_DEFAULT_DIR ")\n"
	    "  --hostname NAME           the name to report (default: the "
	    "host name)\n"
	    "  --heartbeat S             a heartbeat every S seconds "
	    "(default: as the\n"
	    "                            server says; %d until it has)\n"
	    "  --inventory-interval S    collect the inventory every S "
	    "seconds (default %d)\n"
	    "  --inventory-root DIR      read the system mounted at DIR "
	    "(default /)\n"
	    "  --sweep-rules BUNDLE      sweep with this rules bundle (read "
	    "again for\n"
	    "                            each sweep)\n"
	    "  --sweep-interval S        a sweep every S seconds (default "
	    "%d)\n"
	    "  --sweep-root PATH         what to sweep (default /: every local "
	    "file system,\n"
	    "                            processes and connections)\n"
	    "  --config FILE             agent.conf: the job types that may "
	    "run (default\n"
	    "                            " JOBS_CONF_DEFAULT
	    ", which may be missing: every type;\n"
	    "                            read at start)\n"
	    "  --store DIR               the quarantine store for jobs "
	    "(default\n"
	    "                            $RAMPART_QUARANTINE_DIR, "
	    "else " QUARANTINE_DEFAULT_DIR ")\n"
	    "  --job-root DIR            what inventory and sweep jobs read "
	    "(default /)\n"
	    "  --once                    one heartbeat, the inventory (and a "
	    "sweep), send\n"
	    "                            the queue, one job poll that does not "
	    "wait (its\n"
	    "                            jobs run, their reports sent), exit\n"
	    "\n"
	    "Exit status: 0 stopped by a signal, or with --once the queue was "
	    "sent whole;\n"
	    "1 with --once, the server refused something (the log says what); "
	    "2 bad usage\n"
	    "or a local problem (not enrolled, state directory, queue, rules "
	    "bundle,\n"
	    "agent.conf);\n"
	    "3 with --once, items are left because the server could not be "
	    "reached.\n",
	    DAEMON_POLL_MAX, QUEUE_MAX_ITEMS,
	    (unsigned long long)(QUEUE_MAX_BYTES >> 20), DAEMON_BACKOFF_MAX,
	    DAEMON_HEARTBEAT_DEFAULT, DAEMON_INVENTORY_DEFAULT,
	    DAEMON_SWEEP_DEFAULT);
}

static int
seconds(const char *opt, const char *s, unsigned *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < 1 ||
	    v > INTERVAL_MAX) {
		fprintf(stderr,
		    "rampart-agent run: %s takes 1 to %u seconds, not ", opt,
		    INTERVAL_MAX);
		out_text(stderr, s, 40, 0);
		fputc('\n', stderr);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int
is_dir(const char *opt, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 1;
	fprintf(stderr, "rampart-agent run: %s ", opt);
	out_text(stderr, path, 400, 0);
	fprintf(stderr, ": not a directory\n");
	return 0;
}

enum {
	OPT_STATE = 256,
	OPT_HOSTNAME,
	OPT_HEARTBEAT,
	OPT_INV_INTERVAL,
	OPT_INV_ROOT,
	OPT_SWEEP_RULES,
	OPT_SWEEP_INTERVAL,
	OPT_SWEEP_ROOT,
	OPT_CONFIG,
	OPT_STORE,
	OPT_JOB_ROOT,
	OPT_ONCE,
};

static const struct option longopts[] = {
    {"state", required_argument, NULL, OPT_STATE},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"heartbeat", required_argument, NULL, OPT_HEARTBEAT},
    {"inventory-interval", required_argument, NULL, OPT_INV_INTERVAL},
    {"inventory-root", required_argument, NULL, OPT_INV_ROOT},
    {"sweep-rules", required_argument, NULL, OPT_SWEEP_RULES},
    {"sweep-interval", required_argument, NULL, OPT_SWEEP_INTERVAL},
    {"sweep-root", required_argument, NULL, OPT_SWEEP_ROOT},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"store", required_argument, NULL, OPT_STORE},
    {"job-root", required_argument, NULL, OPT_JOB_ROOT},
    {"once", no_argument, NULL, OPT_ONCE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* One option into o; 0, or -1 on bad usage (reported). */
static int
parse_opt(int c, const char *arg, struct daemon_opts *o, int *sweep_opts)
{
	switch (c) {
	case OPT_STATE:
		o->state_dir = arg;
		return 0;
	case OPT_HOSTNAME:
		if (*arg == '\0' || strlen(arg) > 253) {
			fprintf(stderr,
			    "rampart-agent run: --hostname: 1 to "
			    "253 characters\n");
			return -1;
		}
		o->hostname = arg;
		return 0;
	case OPT_HEARTBEAT:
		return seconds("--heartbeat", arg, &o->heartbeat);
	case OPT_INV_INTERVAL:
		return seconds(
		    "--inventory-interval", arg, &o->inventory_interval);
	case OPT_INV_ROOT:
		o->inventory_root = arg;
		return is_dir("--inventory-root", arg) ? 0 : -1;
	case OPT_SWEEP_RULES:
		o->sweep_rules = arg;
		return 0;
	case OPT_SWEEP_INTERVAL:
		*sweep_opts = 1;
		return seconds("--sweep-interval", arg, &o->sweep_interval);
	case OPT_SWEEP_ROOT:
		*sweep_opts = 1;
		o->sweep_root = arg;
		return is_dir("--sweep-root", arg) ? 0 : -1;
	case OPT_CONFIG:
		o->jobs_config = arg;
		return 0;
	case OPT_STORE:
		o->jobs_store = arg;
		return 0;
	case OPT_JOB_ROOT:
		o->jobs_root = arg;
		return is_dir("--job-root", arg) ? 0 : -1;
	case OPT_ONCE:
		o->once = 1;
		return 0;
	}
	usage(stderr);
	return -1;
}

int
cmd_run(int argc, char **argv)
{
	struct daemon_opts o = {
	    .state_dir = UPLINK_DEFAULT_DIR,
	    .version = RAMPART_VERSION,
	    .inventory_interval = DAEMON_INVENTORY_DEFAULT,
	    .inventory_root = "/",
	    .sweep_root = "/",
	    .sweep_interval = DAEMON_SWEEP_DEFAULT,
	    .jobs_root = "/",
	};
	struct agent_host host = {0};
	int c, sweep_opts = 0, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (parse_opt(c, optarg, &o, &sweep_opts) != 0)
			return EXIT_USAGE;
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (sweep_opts && o.sweep_rules == NULL) {
		fprintf(stderr,
		    "rampart-agent run: --sweep-interval and "
		    "--sweep-root need --sweep-rules\n");
		return EXIT_USAGE;
	}
	if (agent_host_get(o.hostname, &host) != 0) {
		fprintf(stderr, "rampart-agent run: out of memory\n");
		return EXIT_USAGE;
	}
	if (o.jobs_store == NULL &&
	    (o.jobs_store = getenv("RAMPART_QUARANTINE_DIR")) != NULL &&
	    o.jobs_store[0] == '\0')
		o.jobs_store = NULL;
	o.hostname = host.hostname;
	o.os = host.os;
	ret = daemon_run(&o);
	agent_host_clear(&host);
	return ret;
}
