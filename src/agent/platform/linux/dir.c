/*
 * Listing a directory on Linux: getdents64 straight into the caller's
 * buffer, so a directory of a million entries costs a few dozen system
 * calls and no allocation, and each entry's type comes with its name
 * (d_type) without a stat.
 */
#include <dirent.h>
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/platform.h"

void
plat_dir_init(struct plat_dir *d, int fd, void *buf, size_t cap)
{
	d->fd = fd;
	d->buf = buf;
	d->cap = cap;
	d->n = d->off = 0;
}

static enum plat_ftype
ftype(unsigned char t)
{
	switch (t) {
	case DT_REG:
		return PLAT_FT_REG;
	case DT_DIR:
		return PLAT_FT_DIR;
	case DT_LNK:
		return PLAT_FT_LNK;
	case DT_UNKNOWN:
		return PLAT_FT_UNKNOWN;
	default:
		return PLAT_FT_OTHER;
	}
}

int
plat_dir_next(struct plat_dir *d, const char **name, enum plat_ftype *type)
{
	struct dirent64 *de;
	long n;

	for (;;) {
		while (d->off < d->n) {
			de = (struct dirent64 *)(d->buf + d->off);
			d->off += de->d_reclen;
			if (de->d_name[0] == '.' &&
			    (de->d_name[1] == '\0' ||
				(de->d_name[1] == '.' &&
				    de->d_name[2] == '\0')))
				continue;
			*name = de->d_name;
			*type = ftype(de->d_type);
			return 1;
		}
		n = syscall(SYS_getdents64, d->fd, d->buf, d->cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
		d->n = n;
		d->off = 0;
	}
}
