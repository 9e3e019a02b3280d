/*
 * rampart-agent job run: runs one signed job envelope through the same
 * runner the daemon uses (src/agent/jobs; docs/agent-jobs.md), with the
 * key pinned at enrolment, this agent's ID and agent.conf, prints the
 * outcome as JSON on stdout and logs it (logfmt) on stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent_cmd.h"
#include "daemon/daemon.h"
#include "jobs/jobs.h"
#include "quarantine/quarantine.h"
#include "uplink/uplink.h"
#include "util/err.h"
#include "util/out.h"

static const char usage_text[] =
    "usage: rampart-agent job run [--state DIR] [--config FILE] [--root DIR]\n"
    "                             [--store DIR] ENVELOPE_FILE|-\n"
    "\n"
    "Runs one signed job (docs/jobs.md) as the daemon would: the envelope\n"
    "must be signed with the job-signing key pinned at enrolment, be for\n"
    "this agent, be within its validity (issued - 300 s to expires), carry\n"
    "a nonce never seen before (the state directory's jobs-seen remembers\n"
    "them) and be of a type agent.conf allows.  A job refused by any of\n"
    "these changes nothing.  Prints the outcome as JSON on stdout\n"
    "({\"job\", \"type\", \"state\", \"reason\", \"results\"}) and logs it on\n"
    "stderr.  '-' reads the envelope from standard input.\n"
    "\n"
    "  --state DIR    the enrolled state directory (default " UPLINK_DEFAULT_DIR
    ")\n"
    "  --config FILE  the agent's configuration (default " JOBS_CONF_DEFAULT
    ";\n"
    "                 a missing default file allows every job type; a file\n"
    "                 named here must exist).  Section [jobs]: allow = the\n"
    "                 types that may run (default all: inventory, sweep,\n"
    "                 quarantine, restore, purge, terminate), deny = types\n"
    "                 that may not; names separated by spaces or commas\n"
    "  --root DIR     what inventory and sweep jobs read (default /: the\n"
    "                 whole machine, with its processes and connections)\n"
    "  --store DIR    the quarantine store (default $RAMPART_QUARANTINE_DIR,\n"
    "                 else " QUARANTINE_DEFAULT_DIR ")\n"
    "\n"
    "Exit status: 0 done; 1 failed (accepted, but the action did not\n"
    "succeed: a file whose hash differs, a process not found); 2 bad usage\n"
    "or a local problem (state directory, enrolment, agent.conf, the\n"
    "envelope file); 3 rejected (a check refused the job; nothing changed).\n";

struct jopts {
	const char *state, *config, *root, *store, *file;
};

static int
parse(int argc, char **argv, struct jopts *o)
{
	static const struct option opts[] = {
	    {"state", required_argument, NULL, 's'},
	    {"config", required_argument, NULL, 'c'},
	    {"root", required_argument, NULL, 'r'},
	    {"store", required_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->state = optarg;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'r':
			o->root = optarg;
			break;
		case 'q':
			o->store = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	o->file = argv[optind];
	return -1;
}

/* The envelope's bytes: at most one more than an envelope may have, so
 * that the runner says it is too long. */
static char *
read_envelope(const char *file, size_t *len)
{
	size_t cap = PROTO_JOB_ENVELOPE_MAX + 1, n;
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rbe");
	char *buf;

	if (f == NULL)
		return NULL;
	if ((buf = malloc(cap)) != NULL) {
		n = fread(buf, 1, cap, f);
		if (ferror(f)) {
			free(buf);
			buf = NULL;
		}
		*len = n;
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

/* agent.conf: the default file may be missing, a named one not. */
static int
load_conf(const char *path, struct jobs_conf *c)
{
	char err[JOBS_ERR_MAX];
	int r;

	jobs_conf_default(c);
	r = jobs_conf_read(path ? path : JOBS_CONF_DEFAULT, c, err);
	if (r == 0 || (r == RP_ERR_NOTFOUND && path == NULL)) {
		if (r != 0)
			jobs_conf_default(c);
		return 0;
	}
	fprintf(stderr, "rampart-agent job: %s\n", err);
	return -1;
}

static int
run(const struct jopts *jo)
{
	struct uplink_enrolment e = {0};
	struct jobs_outcome out = {0};
	struct jobs_conf conf;
	struct jobs_ctx c = {0};
	struct uplink *u = NULL;
	char err[UPLINK_ERR_MAX], *env = NULL;
	size_t len = 0;
	json_t *v;
	int fd = -1, rc = EXIT_USAGE;

	if (load_conf(jo->config, &conf) != 0)
		return EXIT_USAGE;
	if (uplink_dir_open(jo->state, 0, &fd, err) != 0 ||
	    uplink_enrolment_read(fd, &e, err) != 0) {
		fprintf(stderr, "rampart-agent job: %s\n", err);
		goto out;
	}
	if ((env = read_envelope(jo->file, &len)) == NULL) {
		fprintf(stderr, "rampart-agent job: ");
		out_text(stderr, jo->file, 1000, 0);
		fprintf(stderr, ": %s\n", strerror(errno));
		goto out;
	}
	c.statefd = fd;
	c.job_key = e.has_job_key ? e.job_key : NULL;
	c.agent_id = e.agent_id;
	c.conf = &conf;
	c.store = jo->store;
	c.root = jo->root;
	c.now = (int64_t)time(NULL);
	/* Enrolled with a usable link: a bundle the cache lacks is fetched
	 * (its hash is checked before use); otherwise it is not available. */
	if (uplink_open(jo->state, &u, err) == 0) {
		c.fetch_bundle = jobs_uplink_bundle;
		c.fetch_blocklist = jobs_uplink_blocklist;
		c.fetch_arg = u;
	}
	if (jobs_run(&c, env, len, &out) == RP_ERR_NOMEM)
		fprintf(stderr, "rampart-agent job: out of memory\n");
	dlog_job(&out);
	if ((v = jobs_outcome_json(&out, 1)) == NULL ||
	    json_dumpf(v, stdout, JSON_INDENT(2)) != 0) {
		json_decref(v);
		goto out;
	}
	json_decref(v);
	fputc('\n', stdout);
	rc = out.state == JOBS_DONE    ? 0
	    : out.state == JOBS_FAILED ? EXIT_FOUND
				       : EXIT_REJECTED;
out:
	jobs_outcome_clear(&out);
	uplink_free(u);
	free(env);
	uplink_enrolment_clear(&e);
	if (fd >= 0)
		close(fd);
	return rc;
}

int
cmd_job(int argc, char **argv)
{
	struct jopts o = {UPLINK_DEFAULT_DIR, NULL, NULL, NULL, NULL};
	int r;

	if (argc >= 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "run") != 0) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if ((r = parse(argc - 1, argv + 1, &o)) >= 0)
		return r;
	if (o.store == NULL && (o.store = getenv("RAMPART_QUARANTINE_DIR")) &&
	    o.store[0] == '\0')
		o.store = NULL;
	return run(&o);
}
