/*
 * rampart: the technician's command line.  This file only dispatches; each
 * subcommand lives in cmd_<name>.c.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} subcommands[] = {
    {"advisory", cmd_advisory,
	"validate or show advisory files; import, list, get them on a server"},
    {"bundle", cmd_bundle,
	"build or check the rules bundle (indicators, YARA) for agents"},
    {"check", cmd_check,
	"which hosts an advisory affects, offline, with reasons"},
    {"version", cmd_version, "compare versions in a version scheme"},
    {"server", cmd_server,
	"server profiles: add, list, use, remove (URL, certificate pin)"},
    {"login", cmd_login, "log in to a server; the session is kept"},
    {"logout", cmd_logout, "end the session"},
    {"whoami", cmd_whoami, "who the server takes you for"},
    {"passwd", cmd_passwd, "change your password on the server"},
    {"tenant", cmd_tenant, "tenants: list, create, show, rename"},
    {"user", cmd_user, "users: list, create, show, update, reset"},
    {"token", cmd_token, "API tokens: list, create, revoke"},
    {"enroll-token", cmd_enroll_token,
	"agent enrolment tokens: create, list, revoke"},
    {"host", cmd_host, "enrolled machines: list, show, revoke"},
    {"hosts", cmd_hosts, "the same as host; alone, it lists them"},
    {"findings", cmd_findings,
	"which hosts advisories concern: list, show, counts"},
    {"detections", cmd_detections, "what the agents' indicator sweeps found"},
    {"audit", cmd_audit, "the server's audit log: list, verify the chain"},
    {"blocklist", cmd_blocklist,
	"render indicators as a firewall, DNS, proxy or IDS blocklist"},
    {"indicator", cmd_indicator,
	"indicators on the server: list, show, add, edit, rm, import"},
    {"indicator-source", cmd_indicator_source,
	"where indicators come from: list, show, add, edit, rm"},
    {"feed", cmd_feed,
	"blocklist feeds rampartd serves: list, add, edit, rm, rotate, "
	"status"},
    {"job", cmd_job, "signed jobs on machines: list, show, create, approve"},
    {"allowlist", cmd_allowlist,
	"what blocklists never block: list, add, rm, import (warninglists)"},
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f,
	    "usage: rampart COMMAND [ARGS...]\n\n"
	    "Rampart turns security advisories into action across "
	    "every machine you look after.\n\ncommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-12s %s\n", subcommands[i].name,
		    subcommands[i].help);
	fprintf(f,
	    "\n'rampart COMMAND --help' describes a command.  advisory "
	    "validate|show,\nbundle, check, version and blocklist work "
	    "offline; the "
	    "others talk to rampartd\n(docs/cli.md).  Exit status: 0 ok, 1 "
	    "a problem found or the server\nrefused, 2 bad usage, 3 the "
	    "server could not be reached.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "rampart: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
