/*
 * The job-signing key file: STATE_DIR/signer/job-signing.key, libsodium's
 * 64-byte secret key (seed, then public key), read and created by the
 * signer process itself under its own user, so that the key bytes are
 * never in the parent or the HTTP role.  The directory (prepared by the
 * parent, 0700, the signer's user) and the file (0600) must belong to
 * this process's user and give nothing to group or others; symbolic
 * links are refused at each step (O_NOFOLLOW, and the file is opened
 * relative to the directory's descriptor).  A new key is written to a
 * temporary file, synced and renamed, so a crash never leaves half a key.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "signer_int.h"
#include "util/fdio.h"

#define TMP_FILE SIGNER_KEY_FILE ".new"

/* Owned by us, nothing for group and others. */
static int
owned(const struct stat *st, const char *what, const char *path, char *err,
    size_t errlen)
{
	if (st->st_uid != geteuid() || (st->st_mode & 077) != 0) {
		snprintf(err, errlen,
		    "%s %s: must belong to uid %u with no group or other "
		    "access (owner %u, mode %04o)",
		    what, path, (unsigned)geteuid(), (unsigned)st->st_uid,
		    (unsigned)(st->st_mode & 07777));
		return RP_ERR_INVALID;
	}
	return 0;
}

/* A new key into dirfd/SIGNER_KEY_FILE (sk is the caller's buffer). */
static int
create(
    int dirfd, const char *dir, unsigned char sk[64], char *err, size_t errlen)
{
	unsigned char pk[32];
	int fd;

	crypto_sign_keypair(pk, sk);
	unlinkat(dirfd, TMP_FILE, 0);
	fd = openat(dirfd, TMP_FILE,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || rp_write_all(fd, sk, 64) != 0 || fsync(fd) != 0 ||
	    close(fd) != 0) {
		snprintf(
		    err, errlen, "%s/%s: %s", dir, TMP_FILE, strerror(errno));
		if (fd >= 0)
			close(fd);
		sodium_memzero(sk, 64);
		return RP_ERR_IO;
	}
	if (renameat(dirfd, TMP_FILE, dirfd, SIGNER_KEY_FILE) != 0 ||
	    fsync(dirfd) != 0) {
		snprintf(err, errlen, "%s/%s: %s", dir, SIGNER_KEY_FILE,
		    strerror(errno));
		sodium_memzero(sk, 64);
		return RP_ERR_IO;
	}
	return 0;
}

/* Reads exactly 64 bytes from fd, checked, into sk. */
static int
read_key(
    int fd, const char *path, unsigned char sk[64], char *err, size_t errlen)
{
	unsigned char seed_pk[32], seed_sk[64], extra;
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int r;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return RP_ERR_IO;
	}
	if ((r = owned(&st, "key file", path, err, errlen)) != 0)
		return r;
	if (!S_ISREG(st.st_mode) || st.st_size != 64) {
		snprintf(err, errlen,
		    "key file %s: expected a regular file of 64 bytes", path);
		return RP_ERR_INVALID;
	}
	while (got < 64) {
		n = read(fd, sk + got, 64 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != 64 || read(fd, &extra, 1) != 0) {
		snprintf(err, errlen, "key file %s: expected 64 bytes", path);
		sodium_memzero(sk, 64);
		return RP_ERR_INVALID;
	}
	/* The public half must be the seed's: a file damaged or put
	 * together by hand is refused rather than signing with a key no
	 * agent pinned. */
	crypto_sign_seed_keypair(seed_pk, seed_sk, sk);
	r = sodium_memcmp(seed_pk, sk + 32, 32);
	sodium_memzero(seed_sk, sizeof(seed_sk));
	if (r != 0) {
		snprintf(err, errlen,
		    "key file %s: its public key does not match its seed",
		    path);
		sodium_memzero(sk, 64);
		return RP_ERR_INVALID;
	}
	return 0;
}

int
signer_key_load(const char *dir, unsigned char sk[64], int *created, char *err,
    size_t errlen)
{
	char path[4200];
	struct stat st;
	int dirfd, fd = -1, r = RP_ERR_IO, made = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, SIGNER_KEY_FILE);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return RP_ERR_IO;
	}
	if (fstat(dirfd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if ((r = owned(&st, "directory", dir, err, errlen)) != 0)
		goto out;
	fd = openat(dirfd, SIGNER_KEY_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if ((r = create(dirfd, dir, sk, err, errlen)) != 0)
			goto out;
		sodium_memzero(sk, 64); /* read back: what is on disk counts */
		made = 1;
		fd = openat(
		    dirfd, SIGNER_KEY_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", path,
		    e == ELOOP ? "a symbolic link (refused)" : strerror(e));
		r = e == ELOOP ? RP_ERR_INVALID : RP_ERR_IO;
		goto out;
	}
	if ((r = read_key(fd, path, sk, err, errlen)) != 0)
		goto out;
	*created = made;
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	close(dirfd);
	return r;
}
