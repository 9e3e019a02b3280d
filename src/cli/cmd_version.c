/* rampart version (placeholder until the command lands). */
#include <stdio.h>

#include "cmd.h"

int
cmd_version(int argc, char **argv)
{
	fprintf(stderr, "rampart version: not built yet\n");
	return EXIT_USAGE;
}
