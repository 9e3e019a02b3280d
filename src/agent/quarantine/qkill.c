/*
 * Terminating the processes that run a file about to be quarantined:
 * every process whose executable image is the same device and inode
 * gets SIGKILL (plat_procs_by_exe, which signals through a handle of the
 * process it checked, never a PID that may have been reused).  Only the
 * executable image counts; a script run by an interpreter is the
 * interpreter's argument, not its exe, and is not matched
 * (docs/agent-quarantine.md says so).  Whether to kill at all when the
 * file has other hard links is quarantine.c's decision.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "qstore_int.h"
#include "util/err.h"

#define KILL_MAX 4096 /* processes reported; more are killed, not listed */

struct found {
	pid_t *v;
	size_t n;
	int do_kill;
	struct rp_diags *d;
};

static int
found_one(pid_t pid, int err, void *arg)
{
	struct found *f = arg;
	pid_t *nv;

	if (f->do_kill && err != 0) {
		if (err != ESRCH)
			rp_diags_add(f->d, RP_DIAG_WARNING, NULL, NULL,
			    "cannot terminate process %d: %s", (int)pid,
			    strerror(err));
		return 0;
	}
	if (f->n >= KILL_MAX)
		return 0;
	if ((nv = realloc(f->v, (f->n + 1) * sizeof(*nv))) == NULL)
		return RP_ERR_NOMEM;
	nv[f->n++] = pid;
	f->v = nv;
	return 0;
}

int
qkill_exe(dev_t dev, ino_t ino, int do_kill, pid_t **pids, size_t *n,
    struct rp_diags *d)
{
	struct found f = {NULL, 0, do_kill, d};
	int r;

	*pids = NULL;
	*n = 0;
	r = plat_procs_by_exe(dev, ino, do_kill, found_one, &f);
	if (r == RP_ERR_IO)
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot list processes: %s", strerror(errno));
	*pids = f.v;
	*n = f.n;
	return r;
}
