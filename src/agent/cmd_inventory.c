/* Placeholder until the inventory command lands. */
#include <stdio.h>

#include "agent_cmd.h"

int
cmd_inventory(int argc, char **argv)
{
	fprintf(stderr, "rampart-agent inventory: not built yet\n");
	return EXIT_USAGE;
}
