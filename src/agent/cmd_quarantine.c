/* Placeholder until the quarantine command lands. */
#include <stdio.h>

#include "agent_cmd.h"

int
cmd_quarantine(int argc, char **argv)
{
	fprintf(stderr, "rampart-agent quarantine: not built yet\n");
	return EXIT_USAGE;
}
