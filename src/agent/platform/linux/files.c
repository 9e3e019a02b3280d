/*
 * File operations beyond POSIX, on Linux: renaming without replacing
 * (renameat2(RENAME_NOREPLACE); a file system that lacks the flag gets
 * link + unlink, since link(2) never replaces a name either) and opening
 * without touching the access time (O_NOATIME, which only the file's
 * owner or a privileged process may use).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "platform/platform.h"

int
plat_rename_noreplace(int dirfd, const char *from, const char *to)
{
	if (renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL || linkat(dirfd, from, dirfd, to, 0) != 0)
		return -1;
	unlinkat(dirfd, from, 0);
	return 0;
}

int
plat_open_noatime(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, flags | O_NOATIME);

	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, flags);
	return fd;
}
