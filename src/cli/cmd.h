/*
 * Subcommands of the rampart CLI.  Each gets argv with argv[0] being its
 * own name, prints its own --help, and returns the process exit status:
 * 0 success, 1 the operation found a problem (invalid advisory, affected
 * host; for the server commands: the server refused the request, or
 * audit verify found the chain broken), 2 bad usage or an input that
 * could not be read (a profile file too), 3 the server could not be
 * reached or did not answer as rampartd does (TLS failure, certificate
 * fingerprint mismatch, timeout, an answer that is not the API's JSON);
 * check adds 4 when it could read only some of its inputs.
 */
#ifndef RP_CLI_CMD_H
#define RP_CLI_CMD_H

#include <stdio.h>

#define EXIT_PROBLEM 1
#define EXIT_USAGE 2
/* the server commands: no answer from the API */
#define EXIT_UNREACHABLE 3
/* check: some inputs could not be read; or-ed with 0 or EXIT_PROBLEM for
   the verdicts of the others */
#define EXIT_PARTIAL 4

int cmd_advisory(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_version(int argc, char **argv);
/* blocklist render: indicator files to a blocklist file (offline). */
int cmd_blocklist(int argc, char **argv);

/* Talking to rampartd (cmd_server.c .. cmd_audit.c). */
int cmd_server(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_whoami(int argc, char **argv);
int cmd_passwd(int argc, char **argv);
int cmd_tenant(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_enroll_token(int argc, char **argv);
int cmd_host(int argc, char **argv);
/* host under the name hosts; without a subcommand: host list */
int cmd_hosts(int argc, char **argv);
int cmd_findings(int argc, char **argv);
int cmd_detections(int argc, char **argv);
int cmd_audit(int argc, char **argv);
/* Indicators and their sources on the server (cmd_indicator*.c). */
int cmd_indicator(int argc, char **argv);
int cmd_indicator_source(int argc, char **argv);
/* feed list|add|edit|rm|rotate|status|fetches|report (/api/v1/feeds). */
int cmd_feed(int argc, char **argv);
/* job list|show|create|approve (/api/v1/jobs). */
int cmd_job(int argc, char **argv);
/* The allowlist guard's entries on the server (cmd_allowlist.c). */
int cmd_allowlist(int argc, char **argv);
/* advisory import|list|get|revisions: argv[0] is the subcommand. */
int cmd_advisory_server(int argc, char **argv);
/* Their part of `rampart advisory --help`: usage lines or descriptions. */
void advisory_server_usage(FILE *f, int lines);

#endif
