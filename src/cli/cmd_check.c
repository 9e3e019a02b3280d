/* rampart check (placeholder until the command lands). */
#include <stdio.h>

#include "cmd.h"

int
cmd_check(int argc, char **argv)
{
	fprintf(stderr, "rampart check: not built yet\n");
	return EXIT_USAGE;
}
