/*
 * Subcommands of rampart-agent.  Each gets argv with argv[0] being its own
 * name, prints its own --help, and returns the process exit status:
 * 0 success, 1 the operation found something (a sweep hit) or partly
 * failed, or the server refused it, 2 bad usage or a local problem (an
 * input that could not be read, the state directory), 3 the server could
 * not be reached or was not the one pinned (job run: 3, the job was
 * rejected).
 */
#ifndef RP_AGENT_CMD_H
#define RP_AGENT_CMD_H

#include <stddef.h>

#include <jansson.h>

#include "net/net.h"

#define EXIT_FOUND 1
#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define EXIT_UNREACHABLE 3
#define EXIT_REJECTED 3 /* job run: a check refused the job */

int cmd_inventory(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_quarantine(int argc, char **argv);
int cmd_enroll(int argc, char **argv);
int cmd_heartbeat(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_job(int argc, char **argv);

/* ---- the server's answers (answer.c) ---- */

/*
 * Reads the answer of cmd's request to base + path: with status want and
 * a JSON object body, *out gets it (caller decrefs) and 0 is returned.
 * Otherwise it says on stderr what came back -- the API's error
 * {"error": {"code", "message"}} as the server put it, or that the
 * answer is not the API's -- and returns EXIT_REFUSED, or
 * EXIT_UNREACHABLE for an answer that is not the Rampart API's.
 */
int agent_answer(const char *cmd, const char *base, const char *path,
    const struct net_resp *resp, long want, json_t **out);

/*
 * What the agent says about the machine it runs on: the host name (or
 * name when not NULL) and the operating system ("Debian GNU/Linux 12"),
 * into out's two members (caller frees with free()).  Returns 0 or
 * RP_ERR_NOMEM.
 */
struct agent_host {
	char *hostname;
	char *os;
};
int agent_host_get(const char *name, struct agent_host *out);
void agent_host_clear(struct agent_host *h);

#endif
