/*
 * Internal to the collectors: reading below a root directory without ever
 * following a symbolic link (a disk image under examination, or a user's
 * home, may hold links that point anywhere), with bounded reads.  (What a
 * collected software entry must pass is inv_software_check in
 * inventory.h.)
 */
#ifndef RP_COLLECTORS_ROOTFS_H
#define RP_COLLECTORS_ROOTFS_H

#include <stddef.h>

#include "util/diag.h"

/* Entries read from one directory at most; the rest are ignored. */
#define ROOTFS_MAX_DIRENTS 100000

/*
 * Opens root (a directory; symlinks are followed for root itself only, as
 * the caller named it).  Sets *fd.  Returns 0, RP_ERR_NOTFOUND or
 * RP_ERR_IO (with an error in d).
 */
int rootfs_open_root(const char *root, int *fd, struct rp_diags *d);

/*
 * Opens the directory rel ("var/lib/flatpak": components separated by
 * '/') below dirfd, following no symlink on the way.  Sets *fd (caller
 * closes).  Returns 0; RP_ERR_NOTFOUND when a component is missing, is not
 * a directory or is a symlink; RP_ERR_IO for other failures (errno kept).
 */
int rootfs_opendir(int dirfd, const char *rel, int *fd);

/*
 * Reads the regular file rel below dirfd (no symlink followed) into a new
 * NUL-terminated buffer (caller frees) of at most max bytes; *len excludes
 * the NUL.  Returns 0, RP_ERR_NOTFOUND (missing, a symlink or not a
 * regular file), RP_ERR_LIMIT (larger than max), RP_ERR_IO, RP_ERR_NOMEM.
 */
int rootfs_read(
    int dirfd, const char *rel, size_t max, char **buf, size_t *len);

/*
 * Reads the symlink name in dirfd when its target is a single name in the
 * same directory ("active" -> "3c5b…", "current" -> "2356"), the only form
 * the package managers write.  Returns 0, RP_ERR_NOTFOUND (no such link),
 * RP_ERR_INVALID (a target with '/', "." or "..", or too long), RP_ERR_IO.
 */
int rootfs_readlink_name(int dirfd, const char *name, char *out, size_t size);

/*
 * The names in directory dirfd (without "." and ".."), sorted so output
 * does not depend on the file system's order.  At most ROOTFS_MAX_DIRENTS.
 * *names is a NULL-terminated array the caller frees with
 * rootfs_names_free.  Returns 0, RP_ERR_IO or RP_ERR_NOMEM.
 */
int rootfs_list(int dirfd, char ***names, size_t *n);
void rootfs_names_free(char **names);

#endif
