/*
 * Opening paths without following symbolic links, on Linux.  The kernel
 * does it in one call with openat2 (Linux 5.6): RESOLVE_NO_SYMLINKS |
 * RESOLVE_BENEATH below a directory, RESOLVE_IN_ROOT for an image's
 * root, both with RESOLVE_NO_MAGICLINKS.  Where openat2 is refused --
 * ENOSYS on an older kernel, EPERM from a container's seccomp profile
 * that predates it -- the path is walked one component at a time with
 * openat(O_NOFOLLOW), intermediate directories opened O_PATH, which
 * refuses a link wherever it is just the same.  After the first refusal
 * openat2 is not tried again in this process.
 *
 * The walk also runs when openat2 fails for any other reason (a path
 * longer than PATH_MAX, a missing component, a link, EAGAIN after a
 * concurrent rename): it tells the caller which component failed, and
 * its answer is the one returned.  It follows no link either, so the
 * two can only differ when the tree changed in between.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/platform.h"

#define STEP_FLAGS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

static atomic_int openat2_refused;
static atomic_uint_fast64_t nfallbacks;

uint64_t
plat_resolve_fallbacks(void)
{
	return (uint64_t)atomic_load(&nfallbacks);
}

static void
set_fail(struct plat_walk_fail *f, const char *rel, const char *s, size_t n,
    int err, int is_link)
{
	if (f == NULL)
		return;
	f->err = err;
	f->off = (size_t)(s - rel);
	f->len = n;
	f->is_link = is_link;
}

/* The component at p (after slashes) into s/n; the rest after it. */
static const char *
next_comp(const char *p, const char **s, size_t *n)
{
	const char *e;

	while (*p == '/')
		p++;
	for (e = p; *e != '\0' && *e != '/'; e++)
		;
	*s = p;
	*n = (size_t)(e - p);
	while (*e == '/')
		e++;
	return e;
}

/* Refuses "." and ".." (EINVAL) and components over NAME_MAX. */
static int
check_rel(const char *rel, struct plat_walk_fail *f)
{
	const char *p = rel, *s;
	size_t n;

	while (*p != '\0') {
		p = next_comp(p, &s, &n);
		if (n > NAME_MAX ||
		    (s[0] == '.' && (n == 1 || (n == 2 && s[1] == '.')))) {
			set_fail(f, rel, s, n,
			    n > NAME_MAX ? ENAMETOOLONG : EINVAL, 0);
			errno = n > NAME_MAX ? ENAMETOOLONG : EINVAL;
			return -1;
		}
	}
	return 0;
}

/*
 * Walks rel (checked by check_rel, not empty) below dirfd one component
 * at a time; the last one is opened with last_flags | O_NOFOLLOW.
 */
static int
walk(int dirfd, const char *rel, int last_flags, struct plat_walk_fail *f)
{
	char comp[NAME_MAX + 1];
	const char *p = rel, *s;
	struct stat st;
	int fd = dirfd, nfd, e, link;
	size_t n;

	for (;;) {
		p = next_comp(p, &s, &n);
		memcpy(comp, s, n);
		comp[n] = '\0';
		nfd = openat(fd, comp,
		    *p == '\0' ? last_flags | O_NOFOLLOW | O_CLOEXEC
			       : STEP_FLAGS);
		if (nfd < 0) {
			e = errno;
			link = (e == ELOOP || e == ENOTDIR) &&
			    fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode);
			set_fail(f, rel, s, n, e, link);
		}
		if (fd != dirfd)
			close(fd);
		if (nfd < 0) {
			errno = f != NULL ? f->err : errno;
			return -1;
		}
		if (*p == '\0')
			return nfd;
		fd = nfd;
	}
}

/* openat2, or -1 with errno; notes a refusal. */
static int
try_openat2(int dirfd, const char *rel, int flags, unsigned long long resolve)
{
	struct open_how how;
	int fd;

	if (atomic_load(&openat2_refused)) {
		errno = ENOSYS;
		return -1;
	}
	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(flags | O_CLOEXEC);
	how.resolve = resolve | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		atomic_store(&openat2_refused, 1);
	return fd;
}

/* After a failed openat2: walks, counting the walks a refusal caused. */
static int
fall_back(int dirfd, const char *rel, int last_flags, struct plat_walk_fail *f)
{
	struct plat_walk_fail tmp;

	if (atomic_load(&openat2_refused))
		atomic_fetch_add(&nfallbacks, 1);
	return walk(dirfd, rel, last_flags, f != NULL ? f : &tmp);
}

int
plat_open_beneath(int dirfd, const char *rel, enum plat_open_how how,
    struct plat_walk_fail *fail)
{
	int last = (how == PLAT_OPEN_DIR ? O_RDONLY : O_PATH) | O_DIRECTORY;
	const char *p = rel;
	int fd;

	while (*p == '/')
		p++;
	if (*p == '\0') {
		if ((fd = openat(dirfd, ".", last | O_CLOEXEC)) < 0)
			set_fail(fail, rel, p, 0, errno, 0);
		return fd;
	}
	if (check_rel(p, fail) != 0) {
		if (fail != NULL)
			fail->off += (size_t)(p - rel);
		return -1;
	}
	fd = try_openat2(
	    dirfd, p, last | O_NOFOLLOW, RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH);
	if (fd >= 0)
		return fd;
	fd = fall_back(dirfd, p, last, fail);
	if (fd < 0 && fail != NULL)
		fail->off += (size_t)(p - rel);
	return fd;
}

int
plat_open_in_root(const char *root, const char *rel, int flags)
{
	const char *p = rel;
	int rootfd, fd, e;

	if ((rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	while (*p == '/')
		p++;
	if (*p == '\0')
		fd = openat(rootfd, ".", flags | O_CLOEXEC);
	else if ((fd = try_openat2(rootfd, p, flags, RESOLVE_IN_ROOT)) < 0 &&
	    atomic_load(&openat2_refused) && check_rel(p, NULL) == 0)
		/* no confined resolution: follow no link at all */
		fd = fall_back(rootfd, p, flags, NULL);
	e = errno;
	close(rootfd);
	errno = e;
	return fd;
}
