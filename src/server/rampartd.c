/*
 * rampartd: the server.  The process structure is the table below
 * (relayd's procs[]): a new role is a new row.  main() reads the
 * configuration and hands over to the parent role, which does the rest
 * (roles/parent.c).  Exit codes: 0 stopped cleanly, 1 a failure while
 * starting or running, 2 a configuration or usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "conf/conf.h"
#include "fetch/fetch.h"
#include "http/http.h"
#include "log/log.h"
#include "roles/roles.h"
#include "signer/signer.h"

#ifndef RAMPART_VERSION
#define RAMPART_VERSION "0.1.0"
#endif

/* clang-format off */
static const struct role roles[] = {
/*	  name      runs as       entry        restart             may send the parent                  may receive                          listens peer */
	{ "parent", ROLE_ROOT,    parent_main, RESTART_SUPERVISOR, 0,                                   0,                                   0,      0 },
	{ "setup",  ROLE_SERVICE, setup_main,  RESTART_ONCE,       MSG(MSG_SETUP_RESULT),               0,                                   0,      0 },
	{ "signer", ROLE_SIGNER,  signer_main, RESTART_ALWAYS,     MSG(MSG_READY) | MSG(MSG_HEARTBEAT), MSG(MSG_LOG_CONFIG) | MSG(MSG_PEER), 0,      1 },
	{ "http",   ROLE_SERVICE, http_main,   RESTART_ALWAYS,     MSG(MSG_READY) | MSG(MSG_HEARTBEAT), MSG(MSG_LOG_CONFIG) | MSG(MSG_PEER), 1,      1 },
	{ "worker", ROLE_SERVICE, fetch_worker_main, RESTART_ALWAYS, MSG(MSG_HEARTBEAT),                 MSG(MSG_LOG_CONFIG),                 0,      0 },
};
/* clang-format on */

int
main(int argc, char **argv)
{
	static struct conf conf;
	struct api_config auth;
	struct role_env env;
	char err[1024];

	api_config_default(&auth);
	if (conf_load(&conf, argc, argv, environ, &auth, CONF_DEFAULT_FILE, err,
		sizeof(err)) != 0) {
		fprintf(stderr, "rampartd: %s\n", err);
		return 2;
	}
	if (conf.action == CONF_HELP) {
		fputs(conf_usage(), stdout);
		return 0;
	}
	if (conf.action == CONF_VERSION) {
		printf("rampartd %s\n", RAMPART_VERSION);
		return 0;
	}
	log_setup(roles[0].name, (enum log_level)conf.log_level,
	    (enum log_target)conf.log_target);
	memset(&env, 0, sizeof(env));
	env.role = &roles[0];
	env.table = roles;
	env.nroles = sizeof(roles) / sizeof(roles[0]);
	env.conf = &conf;
	env.ipc = -1;
	env.peer_fd = -1;
	env.argc = argc;
	env.argv = argv;
	return roles[0].entry(&env);
}
