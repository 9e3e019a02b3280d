/* rampart advisory (placeholder until the command lands). */
#include <stdio.h>

#include "cmd.h"

int
cmd_advisory(int argc, char **argv)
{
	fprintf(stderr, "rampart advisory: not built yet\n");
	return EXIT_USAGE;
}
