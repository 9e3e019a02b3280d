/*
 * Walking a path that may run through directories an attacker controls:
 * its directories are opened from "/" with plat_open_beneath, which
 * refuses a symbolic link in any component (openat2 where the kernel has
 * it, else one component at a time with openat(O_NOFOLLOW)), so a link
 * swapped in anywhere on the way is refused rather than followed.  What
 * the walk returns -- a descriptor of the parent and the last name -- is
 * all later steps use; the path string is not looked up again, and may
 * be longer than PATH_MAX.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/platform.h"
#include "qstore_int.h"
#include "util/err.h"

/* Says why the directories rel could not be opened (f: where). */
static int
walk_fail(const char *rel, const struct plat_walk_fail *f, struct rp_diags *d)
{
	int n = (int)f->len;
	const char *c = rel + f->off;

	if (f->err == ENOENT) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "directory component '%.*s' does not exist", n, c);
		return RP_ERR_NOTFOUND;
	}
	if (f->is_link || f->err == ENOTDIR) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "path component '%.*s' is %s; links are never followed "
		    "(give the real path)",
		    n, c, f->is_link ? "a symbolic link" : "not a directory");
		return RP_ERR_INVALID;
	}
	rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "cannot open '%.*s': %s", n,
	    c, strerror(f->err));
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

/* Opens the directories rel ("a/b") below "/", readable when it can
   (fsync needs a real descriptor). */
static int
open_dirs(const char *rel, int *fd, struct rp_diags *d)
{
	struct plat_walk_fail f;
	size_t len = strlen(rel);
	int rootfd;

	if ((rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "cannot open /: %m");
		return RP_ERR_IO;
	}
	*fd = plat_open_beneath(rootfd, rel, PLAT_OPEN_DIR, &f);
	if (*fd < 0 && f.err == EACCES && f.off + f.len == len)
		*fd = plat_open_beneath(rootfd, rel, PLAT_OPEN_LOOKUP, &f);
	close(rootfd);
	return *fd < 0 ? walk_fail(rel, &f, d) : 0;
}

int
qpath_open_parent(const char *path, int *dirfd, char **leaf, struct rp_diags *d)
{
	char comp[QNAME_MAX + 1], next[QNAME_MAX + 1], *rel;
	const char *p = path;
	int fd = -1, r, cut = 0;
	size_t n, n2, o = 0;

	*dirfd = -1;
	*leaf = NULL;
	if ((r = check_path(path, d)) != 0)
		return r;
	/* the directories ("." dropped) into rel, the last name in comp */
	if ((rel = malloc(strlen(path) + 1)) == NULL)
		return RP_ERR_NOMEM;
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
		if ((n2 = next_comp(&p, next, &cut)) == 0)
			break;
		if (strcmp(comp, ".") != 0) {
			if (o > 0)
				rel[o++] = '/';
			memcpy(rel + o, comp, n);
			o += n;
		}
		memcpy(comp, next, n2 + 1);
		n = n2;
	}
	rel[o] = '\0';
	if (strcmp(comp, ".") == 0) {
		rp_diags_add(
		    d, RP_DIAG_ERROR, NULL, NULL, "path has no file name");
		r = RP_ERR_INVALID;
		goto out;
	}
	if ((r = open_dirs(rel, &fd, d)) != 0)
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
	free(rel);
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
