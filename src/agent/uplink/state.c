/*
 * The agent's state directory (uplink.h): the directory's own checks,
 * the identity key and the enrolment record.  Nothing here is ever
 * replaced once written: a file appears whole through a rename that
 * refuses an existing target, so two enrolments racing leave one
 * identity and one enrolment, never a mix.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "platform/platform.h"
#include "uplink.h"
#include "uplink_int.h"
#include "util/err.h"

/* A file or directory this user can trust: its own, and nobody else may
 * change it (nor, when secret, read it). */
static int
trusted(const struct stat *st, const char *what, const char *name, int secret,
    char err[UPLINK_ERR_MAX])
{
	mode_t loose = secret ? 077 : 022;

	if (st->st_uid != geteuid()) {
		snprintf(err, UPLINK_ERR_MAX,
		    "%s: owned by user %lu, not by this user (%lu)", name,
		    (unsigned long)st->st_uid, (unsigned long)geteuid());
		return RP_ERR_INVALID;
	}
	if ((st->st_mode & loose) != 0) {
		snprintf(err, UPLINK_ERR_MAX,
		    "%s: mode %04o lets others %s the %s (expected %s)", name,
		    (unsigned)(st->st_mode & 07777), secret ? "read" : "change",
		    what, secret ? "0600" : "no write for group and others");
		return RP_ERR_INVALID;
	}
	return 0;
}

int
uplink_dir_open(const char *dir, int create, int *fd, char err[UPLINK_ERR_MAX])
{
	struct stat st;
	int d, made = 0, r;

	*fd = -1;
	if (create && mkdir(dir, 0700) == 0)
		made = 1;
	else if (create && errno != EEXIST) {
		snprintf(err, UPLINK_ERR_MAX, "cannot create %s: %s", dir,
		    strerror(errno));
		return RP_ERR_IO;
	}
	if ((d = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) <
	    0) {
		snprintf(err, UPLINK_ERR_MAX, "%s: %s", dir,
		    errno == ELOOP || errno == ENOTDIR
			? "not a directory (a symbolic link is refused)"
			: strerror(errno));
		return errno == ENOENT ? RP_ERR_NOTFOUND
		    : errno == EACCES  ? RP_ERR_IO
				       : RP_ERR_INVALID;
	}
	/* mkdir's mode went through the umask: make it exactly 0700 */
	if ((made && fchmod(d, 0700) != 0) || fstat(d, &st) != 0) {
		snprintf(err, UPLINK_ERR_MAX, "%s: %s", dir, strerror(errno));
		close(d);
		return RP_ERR_IO;
	}
	if ((r = trusted(&st, "directory", dir, 0, err)) != 0) {
		close(d);
		return r;
	}
	*fd = d;
	return 0;
}

int
uplink_enrolled(int dirfd)
{
	struct stat st;

	if (fstatat(dirfd, UPLINK_ENROLMENT, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 1;
	return errno == ENOENT ? 0 : RP_ERR_IO;
}

int
uplink_write_new(int dirfd, const char *name, const void *data, size_t len,
    mode_t mode, char err[UPLINK_ERR_MAX])
{
	char tmp[64];
	const char *p = data;
	ssize_t w;
	int fd, r = RP_ERR_IO;

	snprintf(tmp, sizeof(tmp), ".%s.%08x", name, randombytes_random());
	fd = openat(dirfd, tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		snprintf(err, UPLINK_ERR_MAX, "cannot create %s: %s", tmp,
		    strerror(errno));
		return RP_ERR_IO;
	}
	if (fchmod(fd, mode) != 0)
		goto fail;
	while (len > 0) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (plat_rename_noreplace(dirfd, tmp, name) != 0) {
		if (errno == EEXIST) {
			snprintf(
			    err, UPLINK_ERR_MAX, "%s exists already", name);
			r = RP_ERR_INVALID;
			unlinkat(dirfd, tmp, 0);
			return r;
		}
		goto fail;
	}
	/* the rename itself must survive a crash */
	if (fsync(dirfd) != 0) {
		snprintf(err, UPLINK_ERR_MAX,
		    "cannot sync the directory of %s: %s", name,
		    strerror(errno));
		return RP_ERR_IO;
	}
	return 0;
fail:
	snprintf(
	    err, UPLINK_ERR_MAX, "cannot write %s: %s", name, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	return r;
}

int
uplink_open_trusted(int dirfd, const char *name, int secret, struct stat *st,
    char err[UPLINK_ERR_MAX])
{
	int fd, r;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, UPLINK_ERR_MAX, "%s: %s", name,
		    errno == ELOOP ? "a symbolic link (refused)"
				   : strerror(errno));
		return errno == ENOENT ? RP_ERR_NOTFOUND
		    : errno == ELOOP   ? RP_ERR_INVALID
				       : RP_ERR_IO;
	}
	if (fstat(fd, st) != 0) {
		snprintf(err, UPLINK_ERR_MAX, "%s: %s", name, strerror(errno));
		close(fd);
		return RP_ERR_IO;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, UPLINK_ERR_MAX, "%s: not a regular file", name);
		close(fd);
		return RP_ERR_INVALID;
	}
	if ((r = trusted(st, secret ? "key" : "file", name, secret, err)) !=
	    0) {
		close(fd);
		return r;
	}
	return fd;
}

/* Reads exactly len bytes (a file of another size is refused). */
static int
read_exact(int fd, const struct stat *st, const char *name, void *buf,
    size_t len, char err[UPLINK_ERR_MAX])
{
	char *p = buf;
	size_t got = 0;
	ssize_t n;

	if ((size_t)st->st_size != len) {
		snprintf(err, UPLINK_ERR_MAX, "%s: %lld bytes, expected %zu",
		    name, (long long)st->st_size, len);
		return RP_ERR_INVALID;
	}
	while (got < len) {
		if ((n = read(fd, p + got, len - got)) < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, UPLINK_ERR_MAX, "cannot read %s: %s",
			    name,
			    n == 0 ? "shorter than it was" : strerror(errno));
			return RP_ERR_IO;
		}
		got += (size_t)n;
	}
	return 0;
}

/* Loads identity.key into sk, checking that its public half is the one
 * its seed makes (a damaged or foreign file is refused). */
static int
key_load(int dirfd, unsigned char sk[64], char err[UPLINK_ERR_MAX])
{
	unsigned char k[64], pk[32], sk2[64];
	struct stat st;
	int fd, r;

	if ((fd = uplink_open_trusted(dirfd, UPLINK_IDENTITY, 1, &st, err)) < 0)
		return fd;
	r = read_exact(fd, &st, UPLINK_IDENTITY, k, sizeof(k), err);
	close(fd);
	if (r == 0 &&
	    (crypto_sign_seed_keypair(pk, sk2, k) != 0 ||
		sodium_memcmp(sk2, k, 64) != 0)) {
		snprintf(err, UPLINK_ERR_MAX,
		    "%s: not an Ed25519 key pair (damaged?)", UPLINK_IDENTITY);
		r = RP_ERR_INVALID;
	}
	if (r == 0)
		memcpy(sk, k, 64);
	sodium_memzero(k, sizeof(k));
	sodium_memzero(sk2, sizeof(sk2));
	return r;
}

static int
key_create(int dirfd, char err[UPLINK_ERR_MAX])
{
	unsigned char pk[32], sk[64];
	int r;

	if (crypto_sign_keypair(pk, sk) != 0) {
		snprintf(err, UPLINK_ERR_MAX, "cannot make a key pair");
		return RP_ERR_INTERNAL;
	}
	r = uplink_write_new(dirfd, UPLINK_IDENTITY, sk, sizeof(sk), 0600, err);
	sodium_memzero(sk, sizeof(sk));
	return r;
}

int
uplink_identity(
    int dirfd, int create, unsigned char pk[32], char err[UPLINK_ERR_MAX])
{
	unsigned char sk[64];
	int r;

	if (sodium_init() < 0) {
		snprintf(err, UPLINK_ERR_MAX, "libsodium cannot start");
		return RP_ERR_INTERNAL;
	}
	r = key_load(dirfd, sk, err);
	/* one made by another enrolment meanwhile is loaded, not replaced */
	if (r == RP_ERR_NOTFOUND && create &&
	    ((r = key_create(dirfd, err)) == 0 || r == RP_ERR_INVALID))
		r = key_load(dirfd, sk, err);
	if (r == 0)
		crypto_sign_ed25519_sk_to_pk(pk, sk);
	sodium_memzero(sk, sizeof(sk));
	return r;
}

int
uplink_key_load(int dirfd, unsigned char sk[64], char err[UPLINK_ERR_MAX])
{
	return key_load(dirfd, sk, err);
}
