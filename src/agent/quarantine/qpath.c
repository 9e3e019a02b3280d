/*
 * Walking a path that may run through directories an attacker controls:
 * from "/" one component at a time with openat(O_NOFOLLOW), so a symbolic
 * link swapped in anywhere on the way is refused rather than followed.
 * What the walk returns -- a descriptor of the parent and the last name --
 * is all later steps use; the path string is not looked up again, and
 * never passed to the kernel whole, so it may be longer than PATH_MAX.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qstore_int.h"
#include "util/err.h"

#define DIR_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* Opens one directory component below fd (which it then closes). */
static int
walk_step(int *fd, const char *comp, int last, struct rp_diags *d)
{
	struct stat st;
	int nfd;

	nfd = openat(*fd, comp, (last ? O_RDONLY : O_PATH) | DIR_FLAGS);
	if (nfd < 0 && last && errno == EACCES)
		nfd = openat(*fd, comp, O_PATH | DIR_FLAGS);
	if (nfd >= 0) {
		close(*fd);
		*fd = nfd;
		return 0;
	}
	if (errno == ENOENT) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "directory component '%s' does not exist", comp);
		return RP_ERR_NOTFOUND;
	}
	if ((errno == ELOOP || errno == ENOTDIR) &&
	    fstatat(*fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "path component '%s' is %s; links are never followed "
		    "(give the real path)",
		    comp,
		    S_ISLNK(st.st_mode) ? "a symbolic link"
					: "not a directory");
		return RP_ERR_INVALID;
	}
	rp_diags_add(
	    d, RP_DIAG_ERROR, NULL, NULL, "cannot open '%s': %m", comp);
	return RP_ERR_IO;
}

/* The next component of *p (skipping slashes) into comp (QNAME_MAX + 1
   bytes); 0 at the end.  A longer component is cut, and *cut set. */
static size_t
next_comp(const char **p, char *comp, int *cut)
{
	const char *s = *p, *e;
	size_t n;

	while (*s == '/')
		s++;
	for (e = s; *e != '\0' && *e != '/'; e++)
		;
	n = (size_t)(e - s);
	if (n > QNAME_MAX) {
		n = QNAME_MAX;
		*cut = 1;
	}
	memcpy(comp, s, n);
	comp[n] = '\0';
	*p = e;
	return n;
}

static int
check_path(const char *path, struct rp_diags *d)
{
	size_t len;

	if (path == NULL || path[0] != '/') {
		rp_diags_add(
		    d, RP_DIAG_ERROR, NULL, NULL, "path must be absolute");
		return RP_ERR_INVALID;
	}
	len = strlen(path);
	if (len > QPATH_MAX) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "path is longer than %d bytes", QPATH_MAX);
		return RP_ERR_INVALID;
	}
	if (path[len - 1] == '/') {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "path names a directory (ends in '/')");
		return RP_ERR_INVALID;
	}
	return 0;
}

int
qpath_open_parent(const char *path, int *dirfd, char **leaf, struct rp_diags *d)
{
	char comp[QNAME_MAX + 1], next[QNAME_MAX + 1];
	const char *p = path;
	int fd = -1, r, cut = 0;
	size_t n;

	*dirfd = -1;
	*leaf = NULL;
	if ((r = check_path(path, d)) != 0)
		return r;
	if ((fd = open("/", O_RDONLY | DIR_FLAGS)) < 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "cannot open /: %m");
		return RP_ERR_IO;
	}
	n = next_comp(&p, comp, &cut);
	for (;;) {
		if (cut) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "a path component is longer than %d bytes",
			    QNAME_MAX);
			r = RP_ERR_INVALID;
			goto out;
		}
		if (n == 0 || strcmp(comp, "..") == 0) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    n == 0
				? "path has no file name"
				: "path contains '..'; give a normalised path");
			r = RP_ERR_INVALID;
			goto out;
		}
		n = next_comp(&p, next, &cut);
		if (n == 0)
			break;
		if (strcmp(comp, ".") != 0 &&
		    (r = walk_step(&fd, comp, 0, d)) != 0)
			goto out;
		memcpy(comp, next, n + 1);
	}
	if (strcmp(comp, ".") == 0) {
		rp_diags_add(
		    d, RP_DIAG_ERROR, NULL, NULL, "path has no file name");
		r = RP_ERR_INVALID;
		goto out;
	}
	/* reopen the parent readable (fsync needs a real descriptor) */
	if ((r = walk_step(&fd, ".", 1, d)) != 0)
		goto out;
	if ((*leaf = strdup(comp)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	*dirfd = fd;
	fd = -1;
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	return r;
}

int
qpath_exists(const char *path)
{
	struct stat st;
	char *leaf = NULL;
	int fd = -1, r;

	if (qpath_open_parent(path, &fd, &leaf, NULL) != 0)
		return 0;
	r = fstatat(fd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0;
	close(fd);
	free(leaf);
	return r;
}

int
quarantine_lstat(const char *path, struct stat *st, struct rp_diags *d)
{
	char *leaf = NULL;
	int fd = -1, r = 0;

	if ((r = qpath_open_parent(path, &fd, &leaf, d)) != 0)
		return r;
	if (fstatat(fd, leaf, st, AT_SYMLINK_NOFOLLOW) != 0)
		r = qfail(d, errno == ENOENT ? RP_ERR_NOTFOUND : RP_ERR_IO,
		    "%s", strerror(errno));
	close(fd);
	free(leaf);
	return r;
}
