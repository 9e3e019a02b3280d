/*
 * The state directory's layout and ownership, made right at every start:
 *   STATE_DIR      0755, the parent's user, not writable by others
 *   STATE_DIR/tls  0700, the parent's user (root): the TLS key
 *   STATE_DIR/signer 0700, the signer's user: the job-signing key (the
 *                  signer role reads and creates it itself)
 *   STATE_DIR/db   0700, the service user: the SQLite file and its WAL
 * The service user owns only db/, so a compromised role cannot rename
 * tls/ or plant files the parent would later read.
 */
#include "roles/roles.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "err.h"

/* mkdir -p of a relative or absolute path, each new part 0755. */
static int
mkdirs(const char *path)
{
	char p[CONF_PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(p))
		return -1;
	memcpy(p, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		char c = p[i];
		p[i] = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return -1;
		p[i] = c;
	}
	return 0;
}

/* Makes dir (if missing) and gives it owner and mode, refusing a
 * symbolic link or a non-directory in its place. */
static int
own_dir(const char *dir, uid_t uid, gid_t gid, mode_t mode, char *err,
    size_t errlen)
{
	struct stat st;
	int fd;

	if (mkdir(dir, mode) != 0 && errno != EEXIST)
		goto bad;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		goto bad;
	if (fstat(fd, &st) != 0 ||
	    ((st.st_uid != uid || st.st_gid != gid) && geteuid() == 0 &&
		fchown(fd, uid, gid) != 0) ||
	    ((st.st_mode & 07777) != mode && fchmod(fd, mode) != 0)) {
		close(fd);
		goto bad;
	}
	close(fd);
	return 0;
bad:
	snprintf(err, errlen, "%s: %s", dir, strerror(errno));
	return RP_ERR_IO;
}

int
statedir_prepare(const struct conf *c, uid_t uid, gid_t gid, uid_t suid,
    gid_t sgid, char *err, size_t errlen)
{
	char path[CONF_PATH_MAX + 8], want[CONF_PATH_MAX + 32];
	struct stat st;
	int r;

	if (mkdirs(c->state_dir) != 0 || lstat(c->state_dir, &st) != 0) {
		snprintf(err, errlen, "server.state_dir %s: %s", c->state_dir,
		    strerror(errno));
		return RP_ERR_IO;
	}
	if (!S_ISDIR(st.st_mode) || (st.st_mode & 022) != 0) {
		snprintf(err, errlen,
		    "server.state_dir %s: must be a directory that only its "
		    "owner can write (mode is %04o)",
		    c->state_dir, (unsigned)(st.st_mode & 07777));
		return RP_ERR_INVALID;
	}
	snprintf(path, sizeof(path), "%s/tls", c->state_dir);
	if ((r = own_dir(path, geteuid(), getegid(), 0700, err, errlen)) != 0)
		return r;
	snprintf(path, sizeof(path), "%s/signer", c->state_dir);
	if ((r = own_dir(path, suid, sgid, 0700, err, errlen)) != 0)
		return r;
	/* the worker's last good copies of pulled feeds */
	snprintf(path, sizeof(path), "%s/feeds", c->state_dir);
	if ((r = own_dir(path, uid, gid, 0700, err, errlen)) != 0)
		return r;
	/* db/ only for the default store; another SQLite path or a
	 * PostgreSQL server is the administrator's to prepare. */
	snprintf(want, sizeof(want), "sqlite:%s/db/rampart.db", c->state_dir);
	if (strcmp(c->db, want) != 0)
		return 0;
	snprintf(path, sizeof(path), "%s/db", c->state_dir);
	return own_dir(path, uid, gid, 0700, err, errlen);
}
