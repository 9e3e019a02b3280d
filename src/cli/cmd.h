/*
 * Subcommands of the rampart CLI.  Each gets argv with argv[0] being its
 * own name, prints its own --help, and returns the process exit status:
 * 0 success, 1 the operation found a problem (invalid advisory, affected
 * host), 2 bad usage or an input that could not be read; check adds 4
 * when it could read only some of its inputs.
 */
#ifndef RP_CLI_CMD_H
#define RP_CLI_CMD_H

#define EXIT_PROBLEM 1
#define EXIT_USAGE 2
/* check: some inputs could not be read; or-ed with 0 or EXIT_PROBLEM for
   the verdicts of the others */
#define EXIT_PARTIAL 4

int cmd_advisory(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
