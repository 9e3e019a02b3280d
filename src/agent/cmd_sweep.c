/* Placeholder until the sweep command lands. */
#include <stdio.h>

#include "agent_cmd.h"

int
cmd_sweep(int argc, char **argv)
{
	fprintf(stderr, "rampart-agent sweep: not built yet\n");
	return EXIT_USAGE;
}
