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
#include <stdlib.h>
#include <string.h>
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

/* The start time (field 22 of /proc/PID/stat) through the /proc/PID
 * descriptor: -1 when the process has ended.  The command name (field
 * 2) may hold spaces and parentheses, so fields are counted from its
 * last ')'. */
static int
start_time(int dfd, uint64_t *out)
{
	char buf[1024], *p, *end;
	ssize_t n;
	int fd, field;

	if ((fd = openat(dfd, "stat", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (field = 2; field < 22 && *p != '\0'; p++) {
		if (*p != ' ')
			continue;
		field++;
	}
	if (field != 22) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	*out = strtoull(p, &end, 10);
	if (errno != 0 || end == p) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
plat_proc_open(long pid, struct plat_proc *p)
{
	char path[64];
	int e;

	p->pid = pid;
	p->dfd = p->pfd = -1;
	if (pid <= 0 || pid > 0x3fffffff) {
		errno = ESRCH;
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%ld", pid);
	if ((p->dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if ((p->pfd = pidfd_open((pid_t)pid, 0)) < 0 && errno != ENOSYS)
		goto fail;
	if (start_time(p->dfd, &p->start) != 0)
		goto fail;
	return 0;
fail:
	e = errno;
	plat_proc_close(p);
	errno = e;
	return -1;
}

int
plat_proc_exe(const struct plat_proc *p, char *path, size_t size)
{
	ssize_t n;

	if ((n = readlinkat(p->dfd, "exe", path, size - 1)) < 0)
		return -1;
	path[n] = '\0';
	/* a magic link: following it is the point */
	return openat(
	    p->dfd, "exe", O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
}

int
plat_proc_kill(const struct plat_proc *p)
{
	uint64_t now;

	if (start_time(p->dfd, &now) != 0 || now != p->start) {
		errno = ESRCH;
		return -1;
	}
	return p->pfd >= 0 ? pidfd_send_signal(p->pfd, SIGKILL, NULL, 0)
			   : kill((pid_t)p->pid, SIGKILL);
}

void
plat_proc_close(struct plat_proc *p)
{
	if (p->pfd >= 0)
		close(p->pfd);
	if (p->dfd >= 0)
		close(p->dfd);
	p->pfd = p->dfd = -1;
}
