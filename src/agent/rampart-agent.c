/*
 * rampart-agent: runs on every customer machine.  This file only
 * dispatches; each subcommand lives in cmd_<name>.c.
 */
#include <stdio.h>
#include <string.h>

#include "agent_cmd.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} subcommands[] = {
    {"inventory", cmd_inventory,
	"what is installed and running here (CycloneDX or native JSON)"},
    {"sweep", cmd_sweep,
	"search files, processes and connections for indicators"},
    {"quarantine", cmd_quarantine,
	"move files into quarantine, list, restore, purge"},
    {"enroll", cmd_enroll,
	"join this machine to a Rampart server with an enrolment token"},
    {"heartbeat", cmd_heartbeat,
	"tell the server this agent is alive (one signed request)"},
    {"run", cmd_run,
	"the daemon: heartbeats, inventory, sweeps, queued uploads"},
    {"job", cmd_job, "run one signed job from the server (job run ENVELOPE)"},
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f,
	    "usage: rampart-agent COMMAND [ARGS...]\n\n"
	    "The Rampart agent: inventory, indicator sweep and "
	    "quarantine on this machine,\nand its link to a Rampart "
	    "server.\n\ncommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-11s %s\n", subcommands[i].name,
		    subcommands[i].help);
	fprintf(f, "\n'rampart-agent COMMAND --help' describes a command.\n");
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
	fprintf(stderr, "rampart-agent: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
