/*
 * Terminating the processes that run a file about to be quarantined: every
 * /proc/PID whose exe link resolves to the same device and inode gets
 * SIGKILL.  Only the executable image counts; a script run by an
 * interpreter is the interpreter's argument, not its exe, and is not
 * matched (docs/agent-quarantine.md says so).  Whether to kill at all
 * when the file has other hard links is quarantine.c's decision.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qstore_int.h"
#include "util/err.h"

#define KILL_MAX 4096 /* processes reported; more are killed, not listed */

/* The PID named by a /proc entry, or 0. */
static pid_t
proc_pid(const char *name)
{
	long v = 0;
	const char *p;

	for (p = name; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || v > 100000000)
			return 0;
		v = v * 10 + (*p - '0');
	}
	return p == name ? 0 : (pid_t)v;
}

static int
push_pid(pid_t **v, size_t *n, pid_t pid)
{
	pid_t *nv;

	if (*n >= KILL_MAX)
		return 0;
	if ((nv = realloc(*v, (*n + 1) * sizeof(**v))) == NULL)
		return RP_ERR_NOMEM;
	nv[(*n)++] = pid;
	*v = nv;
	return 0;
}

int
qkill_exe(dev_t dev, ino_t ino, int do_kill, pid_t **pids, size_t *n,
    struct rp_diags *d)
{
	struct dirent *de;
	struct stat st;
	char link[64];
	pid_t pid, self = getpid();
	DIR *dir;
	int r = 0;

	*pids = NULL;
	*n = 0;
	if ((dir = opendir("/proc")) == NULL) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "cannot list processes (/proc): %m");
		return RP_ERR_IO;
	}
	while (r == 0 && (de = readdir(dir)) != NULL) {
		if ((pid = proc_pid(de->d_name)) <= 0 || pid == self)
			continue;
		snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
		if (stat(link, &st) != 0 || st.st_dev != dev ||
		    st.st_ino != ino)
			continue;
		if (do_kill && kill(pid, SIGKILL) != 0) {
			if (errno != ESRCH)
				rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
				    "cannot terminate process %d: %m",
				    (int)pid);
			continue;
		}
		r = push_pid(pids, n, pid);
	}
	closedir(dir);
	return r;
}
