/*
 * The last good copy of a feed in the state directory
 * (STATE_DIR/feeds/<source id>.body, and a MISP feed's events).  A copy
 * is replaced only whole: a temporary file next to it, fsync, rename,
 * fsync of the directory, so a crash or a full disk leaves the previous
 * copy, never half of a new one.
 */
#include "fetch/fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "util/fdio.h"

static int
name_ok(const char *name)
{
	return name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL &&
	    strlen(name) < 128;
}

int
fetch_copy_save(const char *dir, const char *name, const void *data, size_t len)
{
	char tmp[4096], path[4096];
	int fd = -1, dfd = -1, r = RP_ERR_IO;

	if (!name_ok(name))
		return RP_ERR_ARG;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
		sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
		sizeof(tmp))
		return RP_ERR_ARG;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return RP_ERR_IO;
	if (fchmod(fd, 0600) != 0 || rp_write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto out;
	tmp[0] = '\0';
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (fsync(dfd) != 0)
			goto out;
	}
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (tmp[0] != '\0')
		unlink(tmp);
	return r;
}

int
fetch_copy_load(
    const char *dir, const char *name, size_t max, char **out, size_t *len)
{
	char path[4096], *buf = NULL;
	struct stat st;
	size_t n;
	int fd, r = RP_ERR_IO;

	*out = NULL;
	if (!name_ok(name))
		return RP_ERR_ARG;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return RP_ERR_ARG;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return errno == ENOENT ? RP_ERR_NOTFOUND : RP_ERR_IO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	if ((uint64_t)st.st_size > max) {
		r = RP_ERR_LIMIT;
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	n = rp_read_full(fd, buf, (size_t)st.st_size);
	if (n != (size_t)st.st_size)
		goto out;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}
