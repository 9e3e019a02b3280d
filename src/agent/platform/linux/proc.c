/*
 * Processes on Linux, through /proc: a process's executable image is
 * /proc/PID/exe, a magic link to the file the kernel mapped (opening it
 * reaches the image even when its name was deleted or replaced).
 * Killing goes through a pidfd, so that the process checked is the
 * process signalled: /proc/PID is opened first, then the pidfd; when
 * the exe link can still be read through the /proc/PID descriptor
 * afterwards, both name the same live process (a /proc/PID descriptor
 * of a process that ended fails, and a live process's PID is its own).
 * A kernel without pidfds (before 5.3) gets kill(2), as before.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/platform.h"
#include "util/err.h"

int
plat_exe_open(long pid)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/%ld/exe", pid);
	/* a magic link: following it is the point */
	return open(p, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
}

void
plat_exe_label(long pid, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/%ld/exe", pid);
}

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

/* Whether pid runs (dev, ino); with do_kill, kills it, the error (or 0)
   in *err.  0 when it does not run the file (or has ended). */
static int
check_one(pid_t pid, dev_t dev, ino_t ino, int do_kill, int *err)
{
	char p[64];
	struct stat st;
	int dfd, pfd = -1, hit = 0;

	snprintf(p, sizeof(p), "/proc/%d", (int)pid);
	if ((dfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0;
	if (do_kill && (pfd = pidfd_open(pid, 0)) < 0 && errno != ENOSYS)
		goto out; /* ended */
	if (fstatat(dfd, "exe", &st, 0) != 0 || st.st_dev != dev ||
	    st.st_ino != ino)
		goto out;
	hit = 1;
	*err = 0;
	if (do_kill &&
	    (pfd >= 0 ? pidfd_send_signal(pfd, SIGKILL, NULL, 0)
		      : kill(pid, SIGKILL)) != 0)
		*err = errno;
out:
	if (pfd >= 0)
		close(pfd);
	close(dfd);
	return hit;
}

int
plat_procs_by_exe(dev_t dev, ino_t ino, int do_kill,
    int (*fn)(pid_t pid, int err, void *arg), void *arg)
{
	struct dirent *de;
	pid_t pid, self = getpid();
	DIR *dir;
	int r = 0, err;

	if ((dir = opendir("/proc")) == NULL)
		return RP_ERR_IO;
	while (r == 0 && (de = readdir(dir)) != NULL) {
		if ((pid = proc_pid(de->d_name)) <= 0 || pid == self)
			continue;
		if (check_one(pid, dev, ino, do_kill, &err))
			r = fn(pid, err, arg);
	}
	closedir(dir);
	return r;
}
