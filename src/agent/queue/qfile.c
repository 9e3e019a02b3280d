/*
 * The queue's file primitives (queue_int.h) and the daemon's state files
 * (queue.h, queue_state_*): every file is opened relative to a directory
 * descriptor without following symbolic links, checked for owner, type
 * and mode before it is read, and written through a temporary name that
 * is synced and renamed into place, then the directory synced, so that a
 * crash leaves the old file or the new one, never a part.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "queue.h"
#include "queue_int.h"
#include "util/fdio.h"
#include "util/err.h"

#ifdef RP_QUEUE_CRASH_HOOK
static unsigned long crash_at, steps;

void
queue_crash_after(unsigned long n)
{
	crash_at = n;
	steps = 0;
}

/* One durable step taken: raise(SIGKILL) if it is the one asked for. */
static void
qf_step(void)
{
	if (++steps == crash_at)
		raise(SIGKILL);
}
#else
/* Without the test hook there is nothing to count. */
#define qf_step() ((void)0)
#endif

int
qf_trusted(const struct stat *st, const char *name, char err[QUEUE_ERR_MAX])
{
	if (st->st_uid != geteuid()) {
		snprintf(err, QUEUE_ERR_MAX,
		    "%s: owned by user %lu, not by this user (%lu)", name,
		    (unsigned long)st->st_uid, (unsigned long)geteuid());
		return RP_ERR_INVALID;
	}
	if ((st->st_mode & 022) != 0) {
		snprintf(err, QUEUE_ERR_MAX,
		    "%s: mode %04o lets others change it", name,
		    (unsigned)(st->st_mode & 07777));
		return RP_ERR_INVALID;
	}
	return 0;
}

int
qf_open_read(
    int dirfd, const char *name, struct stat *st, char err[QUEUE_ERR_MAX])
{
	int fd, r;

	/* O_NONBLOCK: a FIFO put there must not hang the daemon */
	fd =
	    openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, QUEUE_ERR_MAX, "%s: %s", name,
		    errno == ELOOP ? "a symbolic link (refused)"
				   : strerror(errno));
		return errno == ENOENT ? RP_ERR_NOTFOUND
		    : errno == ELOOP   ? RP_ERR_INVALID
				       : RP_ERR_IO;
	}
	if (fstat(fd, st) != 0) {
		snprintf(err, QUEUE_ERR_MAX, "%s: %s", name, strerror(errno));
		close(fd);
		return RP_ERR_IO;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, QUEUE_ERR_MAX, "%s: not a regular file", name);
		close(fd);
		return RP_ERR_INVALID;
	}
	if ((r = qf_trusted(st, name, err)) != 0) {
		close(fd);
		return r;
	}
	return fd;
}

int
qf_read_exact(
    int fd, const char *name, void *buf, size_t len, char err[QUEUE_ERR_MAX])
{
	char *p = buf;
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		if ((n = read(fd, p + got, len - got)) < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, QUEUE_ERR_MAX, "cannot read %s: %s", name,
			    strerror(errno));
			return RP_ERR_IO;
		}
		if (n == 0) {
			snprintf(err, QUEUE_ERR_MAX, "%s: shorter than it was",
			    name);
			return RP_ERR_INVALID;
		}
		got += (size_t)n;
	}
	return 0;
}

int
qf_sync_dir(int dirfd, char err[QUEUE_ERR_MAX])
{
	if (fsync(dirfd) != 0) {
		snprintf(err, QUEUE_ERR_MAX, "cannot sync the directory: %s",
		    strerror(errno));
		return RP_ERR_IO;
	}
	qf_step();
	return 0;
}

int
qf_write_atomic(int dirfd, const char *name, const void *head, size_t hlen,
    const void *data, size_t len, char err[QUEUE_ERR_MAX])
{
	char tmp[128];
	int fd, e;

	if (snprintf(tmp, sizeof(tmp), ".%s.tmp", name) >= (int)sizeof(tmp)) {
		snprintf(err, QUEUE_ERR_MAX, "%.64s...: name too long", name);
		return RP_ERR_IO;
	}
	/* one writer: a temporary file left over is a killed one's */
	(void)unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, QUEUE_ERR_MAX, "cannot create %s: %s", tmp,
		    strerror(errno));
		return RP_ERR_IO;
	}
	qf_step();
	if (rp_write_all(fd, head, hlen) != 0)
		goto fail;
	qf_step(); /* a crash here leaves a partial temporary file */
	if (rp_write_all(fd, data, len) != 0)
		goto fail;
	qf_step();
	if (fsync(fd) != 0)
		goto fail;
	qf_step();
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(dirfd, tmp, dirfd, name) != 0)
		goto fail;
	qf_step();
	return qf_sync_dir(dirfd, err);
fail:
	e = errno;
	snprintf(err, QUEUE_ERR_MAX, "cannot write %s: %s", name, strerror(e));
	if (fd >= 0)
		close(fd);
	(void)unlinkat(dirfd, tmp, 0);
	return RP_ERR_IO;
}

int
qf_unlink(int dirfd, const char *name, char err[QUEUE_ERR_MAX])
{
	if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT) {
		snprintf(err, QUEUE_ERR_MAX, "cannot remove %s: %s", name,
		    strerror(errno));
		return RP_ERR_IO;
	}
	qf_step();
	return 0;
}

/* A state file's name: one plain component. */
static int
plain_name(const char *name, char err[QUEUE_ERR_MAX])
{
	if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL ||
	    strlen(name) > 64) {
		snprintf(
		    err, QUEUE_ERR_MAX, "%.64s: not a state file name", name);
		return RP_ERR_ARG;
	}
	return 0;
}

int
queue_state_write(int statefd, const char *name, const void *data, size_t len,
    char err[QUEUE_ERR_MAX])
{
	int r;

	if ((r = plain_name(name, err)) != 0)
		return r;
	return qf_write_atomic(statefd, name, "", 0, data, len, err);
}

int
queue_state_read(int statefd, const char *name, size_t max, char **data,
    size_t *len, char err[QUEUE_ERR_MAX])
{
	struct stat st;
	char *buf;
	int fd, r;

	*data = NULL;
	if ((r = plain_name(name, err)) != 0)
		return r;
	if ((fd = qf_open_read(statefd, name, &st, err)) < 0)
		return fd;
	if ((uint64_t)st.st_size > max) {
		snprintf(err, QUEUE_ERR_MAX, "%s: %lld bytes, more than %zu",
		    name, (long long)st.st_size, max);
		close(fd);
		return RP_ERR_INVALID;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, QUEUE_ERR_MAX, "out of memory");
		close(fd);
		return RP_ERR_NOMEM;
	}
	r = qf_read_exact(fd, name, buf, (size_t)st.st_size, err);
	close(fd);
	if (r != 0) {
		free(buf);
		return r;
	}
	buf[st.st_size] = '\0';
	*data = buf;
	*len = (size_t)st.st_size;
	return 0;
}

int
queue_state_remove(int statefd, const char *name, char err[QUEUE_ERR_MAX])
{
	int r;

	if ((r = plain_name(name, err)) != 0 ||
	    (r = qf_unlink(statefd, name, err)) != 0)
		return r;
	return qf_sync_dir(statefd, err);
}
