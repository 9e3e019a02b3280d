/*
 * Reading below a root without following symlinks: every path is walked
 * one component at a time with openat(O_NOFOLLOW) from a directory fd, so
 * a link planted in an image or a home directory can never lead a
 * collector outside the root or into a device.  Reads are bounded and
 * non-blocking (a FIFO named Info.plist cannot stall the agent).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collectors/rootfs.h"
#include "util/err.h"

#define COMPONENT_MAX 256

int
rootfs_open_root(const char *root, int *fd, struct rp_diags *d)
{
	int f;

	*fd = -1;
	if ((f = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return RP_ERR_NOTFOUND;
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s: %s", root,
		    strerror(errno));
		return RP_ERR_IO;
	}
	*fd = f;
	return 0;
}

static int
errno_to_err(int e)
{
	/* ELOOP: O_NOFOLLOW met a symlink; ENOTDIR: a file on the way. */
	if (e == ENOENT || e == ENOTDIR || e == ELOOP)
		return RP_ERR_NOTFOUND;
	return RP_ERR_IO;
}

/* Opens one component (no '/') below dirfd with flags and O_NOFOLLOW. */
static int
open_component(int dirfd, const char *name, size_t n, int flags, int *fd)
{
	char comp[COMPONENT_MAX];
	int f;

	if (n == 0 || n >= sizeof(comp))
		return RP_ERR_NOTFOUND;
	memcpy(comp, name, n);
	comp[n] = '\0';
	if (strcmp(comp, "..") == 0)
		return RP_ERR_NOTFOUND;
	f = openat(dirfd, comp, flags | O_NOFOLLOW | O_CLOEXEC);
	if (f < 0)
		return errno_to_err(errno);
	*fd = f;
	return 0;
}

/*
 * Walks rel below dirfd; the last component is opened with last_flags.
 */
static int
walk(int dirfd, const char *rel, int last_flags, int *fd)
{
	const char *p = rel, *slash;
	int cur = dirfd, next = -1, r;

	*fd = -1;
	for (;;) {
		slash = strchr(p, '/');
		if (slash == NULL)
			break;
		r = open_component(
		    cur, p, (size_t)(slash - p), O_RDONLY | O_DIRECTORY, &next);
		if (cur != dirfd)
			close(cur);
		if (r != 0)
			return r;
		cur = next;
		p = slash + 1;
	}
	r = open_component(cur, p, strlen(p), last_flags, &next);
	if (cur != dirfd)
		close(cur);
	if (r != 0)
		return r;
	*fd = next;
	return 0;
}

int
rootfs_opendir(int dirfd, const char *rel, int *fd)
{
	return walk(dirfd, rel, O_RDONLY | O_DIRECTORY, fd);
}

int
rootfs_read(int dirfd, const char *rel, size_t max, char **buf, size_t *len)
{
	struct stat st;
	char *b = NULL;
	size_t have = 0, want;
	ssize_t got;
	int fd = -1, r;

	*buf = NULL;
	*len = 0;
	if ((r = walk(dirfd, rel, O_RDONLY | O_NONBLOCK, &fd)) != 0)
		goto out;
	r = RP_ERR_IO;
	if (fstat(fd, &st) != 0)
		goto out;
	r = RP_ERR_NOTFOUND;
	if (!S_ISREG(st.st_mode))
		goto out;
	r = RP_ERR_LIMIT;
	if (st.st_size < 0 || (unsigned long long)st.st_size > max)
		goto out;
	r = RP_ERR_NOMEM;
	want = (size_t)st.st_size;
	/* One byte more than the size shows a file that grew while read. */
	if ((b = malloc(want + 2)) == NULL)
		goto out;
	for (;;) {
		got = read(fd, b + have, want + 1 - have);
		if (got < 0 && errno == EINTR)
			continue;
		r = RP_ERR_IO;
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		have += (size_t)got;
		if (have > want)
			goto out;
	}
	b[have] = '\0';
	*buf = b;
	*len = have;
	b = NULL;
	r = 0;
out:
	free(b);
	if (fd >= 0)
		close(fd);
	return r;
}

int
rootfs_readlink_name(int dirfd, const char *name, char *out, size_t size)
{
	ssize_t n;

	if (size == 0)
		return RP_ERR_ARG;
	n = readlinkat(dirfd, name, out, size);
	if (n < 0)
		return errno == ENOENT || errno == EINVAL ? RP_ERR_NOTFOUND
							  : RP_ERR_IO;
	if ((size_t)n >= size)
		return RP_ERR_INVALID;
	out[n] = '\0';
	if (n == 0 || memchr(out, '/', (size_t)n) != NULL ||
	    strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		return RP_ERR_INVALID;
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
rootfs_names_free(char **names)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

int
rootfs_list(int dirfd, char ***names, size_t *n)
{
	struct dirent *e;
	DIR *dir = NULL;
	char **v = NULL, **nv;
	size_t cnt = 0, cap = 0;
	int fd, r = RP_ERR_IO;

	*names = NULL;
	*n = 0;
	/* fdopendir takes the fd; reading from a dup leaves dirfd's offset. */
	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto out;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		goto out;
	}
	while (cnt < ROOTFS_MAX_DIRENTS && (errno = 0, e = readdir(dir))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		r = RP_ERR_NOMEM;
		if (cnt + 1 >= cap) {
			cap = cap ? cap * 2 : 32;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				goto out;
			v = nv;
		}
		if ((v[cnt] = strdup(e->d_name)) == NULL)
			goto out;
		v[++cnt] = NULL;
	}
	r = RP_ERR_IO;
	if (errno != 0)
		goto out;
	r = RP_ERR_NOMEM;
	if (v == NULL && (v = calloc(1, sizeof(*v))) == NULL)
		goto out;
	qsort(v, cnt, sizeof(*v), cmp_names);
	*names = v;
	*n = cnt;
	v = NULL;
	r = 0;
out:
	rootfs_names_free(v);
	if (dir != NULL)
		closedir(dir);
	return r;
}
