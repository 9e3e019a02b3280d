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
	"validate or show CSAF 2.0, OSV and native advisories"},
    {"bundle", cmd_bundle,
	"build or check the rules bundle (indicators, YARA) for agents"},
    {"check", cmd_check,
	"which hosts an advisory affects, offline, with reasons"},
    {"version", cmd_version, "compare versions in a version scheme"},
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
		fprintf(f, "  %-10s %s\n", subcommands[i].name,
		    subcommands[i].help);
	fprintf(f, "\n'rampart COMMAND --help' describes a command.\n");
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
