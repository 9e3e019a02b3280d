/*
 * Starting a role: a fork of the parent that keeps only the descriptors
 * its row allows and gives up root before it runs any of its code.  The
 * privilege drop is checked afterwards (setuid(0) must fail), since a
 * drop that silently did nothing is the failure that matters.
 */
#include "roles/roles.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/conf.h"
#include "err.h"
#include "log/log.h"
#include "tls/tls.h"

int
privsep_user(const char *key, const char *name, uid_t *uid, gid_t *gid,
    char *err, size_t errlen)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	char num[24];

	if (geteuid() != 0) {
		*uid = getuid();
		*gid = getgid();
		snprintf(num, sizeof(num), "%u", (unsigned)*uid);
		log_warn("not started as root: every role runs as the current "
			 "user, which can read the TLS key and the job-signing "
			 "key",
		    "setting", key, "uid", num, NULL);
		return 0;
	}
	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || res == NULL) {
		snprintf(err, errlen,
		    "%s: no user '%s' on this system (create it "
		    "with: useradd --system --shell /usr/sbin/nologin %s)",
		    key, name, name);
		return RP_ERR_NOTFOUND;
	}
	if (pw.pw_uid == 0) {
		snprintf(err, errlen,
		    "%s: '%s' is root; the roles "
		    "need an unprivileged user",
		    key, name);
		return RP_ERR_INVALID;
	}
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	return 0;
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Closes every descriptor above 2 except keep[0..n). */
static void
close_others(int *keep, size_t n)
{
	unsigned int from = 3;

	qsort(keep, n, sizeof(keep[0]), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned)keep[i] > from)
			close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	close_range(from, ~0u, 0);
}

static void
drop(const struct role *r, uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;

	if (r->user != ROLE_ROOT && geteuid() == 0) {
		if (setgroups(1, &gid) != 0 || setresgid(gid, gid, gid) != 0 ||
		    setresuid(uid, uid, uid) != 0) {
			log_error("cannot drop privileges", "role", r->name,
			    "error", strerror(errno), NULL);
			_exit(1);
		}
		if (getresuid(&ru, &eu, &su) != 0 || ru != uid || eu != uid ||
		    su != uid || setuid(0) == 0) {
			log_error("privileges still held after dropping them",
			    "role", r->name, NULL);
			_exit(1);
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		log_error("prctl failed", "role", r->name, "error",
		    strerror(errno), NULL);
		_exit(1);
	}
}

static void
child(const struct role_env *penv, uid_t uid, gid_t gid, int sock)
{
	struct role_env env = *penv;
	int keep[CONF_LISTEN_MAX + 2];
	size_t nkeep = 0;
	sigset_t none;
	char name[16]; /* TASK_COMM_LEN */
	int null;

	/* The parent blocks these for its signalfd; a role starts clean. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	/* A role never outlives the parent. */
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() == 1)
		_exit(1);
	log_setup(env.role->name, (enum log_level)env.conf->log_level,
	    (enum log_target)env.conf->log_target);
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 ||
	    dup2(null, 0) < 0 || dup2(null, 1) < 0) {
		log_error("cannot open /dev/null", NULL);
		_exit(1);
	}
	close(null);
	keep[nkeep++] = sock;
	if (!env.role->peer)
		env.peer_fd = -1;
	if (env.peer_fd >= 0)
		keep[nkeep++] = env.peer_fd;
	if (!env.role->listens) {
		env.listen_fds = NULL;
		env.nlisten = 0;
		/* Only a listening role serves TLS: the others (the worker
		 * parses fetched feeds) keep no copy of its private key. */
		if (env.tls != NULL && env.tls->key_pem != NULL)
			explicit_bzero(env.tls->key_pem, env.tls->key_len);
		env.tls = NULL;
	}
	for (size_t i = 0; i < env.nlisten; i++)
		keep[nkeep++] = env.listen_fds[i];
	close_others(keep, nkeep);
	env.ipc = sock;
	/* "rampartd-http", "rampartd-worker" ... in ps and /proc/PID/comm,
	 * set before the user changes: a role seen as its user has its name */
	snprintf(name, sizeof(name), "rampartd-%s", env.role->name);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	drop(env.role, uid, gid);
	exit(env.role->entry(&env));
}

pid_t
privsep_spawn(const struct role_env *env, uid_t uid, gid_t gid, int *ipc)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		child(env, uid, gid, sv[1]);
	}
	close(sv[1]);
	*ipc = sv[0];
	return pid;
}
