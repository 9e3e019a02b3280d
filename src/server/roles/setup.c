/*
 * The setup role: a short-lived child, already the service user, that
 * opens the store (so the database file is the service user's), brings
 * its schema up to date and creates the first administrator on a new
 * database.  The one-time credentials go back to the parent in one
 * message and are wiped here; the parent prints them once.
 */
#include "roles/roles.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "conf/conf.h"
#include "err.h"
#include "log/log.h"
#include "store/store.h"

int
setup_main(const struct role_env *env)
{
	struct msg_setup_result res;
	struct store *s = NULL;
	int r;

	memset(&res, 0, sizeof(res));
	r = store_open(env->conf->db, &s, res.error, sizeof(res.error));
	if (r != 0)
		goto send;
	r = store_migrate(s, &res.schema_from, &res.schema_to);
	if (r != 0) {
		snprintf(res.error, sizeof(res.error),
		    "migrating the store: %s%s%s", rp_strerror(r),
		    store_errmsg(s)[0] != '\0' ? ": " : "", store_errmsg(s));
		goto send;
	}
	r = api_bootstrap(s, (int64_t)time(NULL), &res.creds);
	if (r == 0) {
		res.bootstrapped = 1;
	} else if (r == RP_ERR_NOTFOUND) {
		r = 0;
	} else {
		snprintf(res.error, sizeof(res.error),
		    "creating the first administrator: %s", rp_strerror(r));
	}
send:
	res.status = r;
	if (ipc_send(env->ipc, MSG_SETUP_RESULT, &res, sizeof(res)) != 0 &&
	    r == 0)
		r = RP_ERR_IO;
	explicit_bzero(&res, sizeof(res));
	store_close(s);
	return r == 0 ? 0 : 1;
}
