/*
 * Subcommands of rampart-agent.  Each gets argv with argv[0] being its own
 * name, prints its own --help, and returns the process exit status:
 * 0 success, 1 the operation found something (a sweep hit) or partly
 * failed, 2 bad usage or an input that could not be read.
 */
#ifndef RP_AGENT_CMD_H
#define RP_AGENT_CMD_H

#define EXIT_FOUND 1
#define EXIT_USAGE 2

int cmd_inventory(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_quarantine(int argc, char **argv);

#endif
