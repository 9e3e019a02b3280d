/*
 * The store's key, which seals every record (HMAC-SHA-256, qrecord.c):
 * QKEY_LEN random bytes in <store>/key, mode 0400, owned by the user the
 * store belongs to.  It is created with the store, before the first
 * record; a store that has records but no key was made before records
 * were sealed and is refused until it is adopted (qstore_adopt).  Also
 * the store's atomic small-file writer, which the key and records share.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qstore_int.h"
#include "util/err.h"

int
qstore_write_file(struct qstore *q, const char *name, const void *buf, size_t n)
{
	char tmp[64];
	int fd, r = RP_ERR_IO;

	snprintf(tmp, sizeof(tmp), ".tmp-%s", name);
	unlinkat(q->dirfd, tmp, 0);
	fd = openat(q->dirfd, tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return RP_ERR_IO;
	if (qwrite_all(fd, buf, n) == 0 && fchmod(fd, 0400) == 0 &&
	    qfsync(fd) == 0 && renameat(q->dirfd, tmp, q->dirfd, name) == 0 &&
	    qfsync(q->dirfd) == 0)
		r = 0;
	close(fd);
	if (r != 0)
		unlinkat(q->dirfd, tmp, 0);
	return r;
}

/* Whether the store holds a record (<id>.json). */
static int
has_records(struct qstore *q)
{
	struct dirent *de;
	DIR *dir;
	size_t n;
	int fd, found = 0;

	if ((fd = dup(q->dirfd)) < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return 1; /* unknown: do not make a key over records */
	}
	rewinddir(dir);
	while (!found && (de = readdir(dir)) != NULL) {
		n = strlen(de->d_name);
		found = n == QUARANTINE_ID_LEN + 5 &&
		    strcmp(de->d_name + QUARANTINE_ID_LEN, ".json") == 0;
	}
	closedir(dir);
	return found;
}

static int
create_key(struct qstore *q, struct rp_diags *d)
{
	if (getrandom(q->key, QKEY_LEN, 0) != QKEY_LEN)
		return qfail(d, RP_ERR_IO, "cannot get random bytes: %s",
		    strerror(errno));
	if (qstore_write_file(q, QKEY_NAME, q->key, QKEY_LEN) != 0)
		return qfail(d, RP_ERR_IO, "cannot create the key %s/%s: %s",
		    q->dir, QKEY_NAME, strerror(errno));
	return 0;
}

int
qkey_load(struct qstore *q, int adopt, struct rp_diags *d)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = openat(q->dirfd, QKEY_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (adopt || !has_records(q))
			return create_key(q, d);
		return qfail(d, RP_ERR_INVALID,
		    "quarantine store %s has records but no key (%s/%s): it "
		    "was made before records were authenticated.  Check its "
		    "records (<id>.json), then run `rampart-agent quarantine "
		    "--store %s adopt` to create the key and seal them",
		    q->dir, q->dir, QKEY_NAME, q->dir);
	}
	if (fd < 0)
		return qfail(d, RP_ERR_INVALID, "cannot open the key %s/%s: %s",
		    q->dir, QKEY_NAME, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077) != 0 ||
	    st.st_size != QKEY_LEN) {
		close(fd);
		return qfail(d, RP_ERR_INVALID,
		    "the key %s/%s must be a regular file of %d bytes, owned "
		    "by uid %d, without group or other permissions",
		    q->dir, QKEY_NAME, QKEY_LEN, (int)geteuid());
	}
	n = pread(fd, q->key, QKEY_LEN, 0);
	close(fd);
	if (n != QKEY_LEN)
		return qfail(d, RP_ERR_IO, "cannot read the key %s/%s", q->dir,
		    QKEY_NAME);
	return 0;
}
