/*
 * qstore_restore: putting a quarantined file back.  The content is
 * decompressed into a temporary in the target directory (reached by the
 * same no-symlink walk as quarantine), checked against the record's
 * SHA-256, given owner, mode and times, fsync'ed, and renamed into place
 * without replacing anything (RENAME_NOREPLACE); the directory is
 * fsync'ed, and only then is the entry removed (record first).  A crash
 * before the rename leaves the entry whole (and maybe a temporary, which
 * the next restore removes); after it, the file is back and the entry is
 * still listed as "original-present" until purged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/platform.h"
#include "qstore_int.h"
#include "util/err.h"

struct rst {
	struct qstore *q;
	unsigned flags;
	struct qentry e;
	int pfd, rpq, out;
	char *leaf;
	char tmp[QUARANTINE_ID_LEN + 32];
	int tmp_made;
};

static void
unhex16(const char *id, unsigned char *raw)
{
	int i, hi, lo;

	for (i = 0; i < 16; i++) {
		hi = id[2 * i];
		lo = id[2 * i + 1];
		hi = hi <= '9' ? hi - '0' : hi - 'a' + 10;
		lo = lo <= '9' ? lo - '0' : lo - 'a' + 10;
		raw[i] = (unsigned char)(hi << 4 | lo);
	}
}

/* The target must not exist; a temporary left by a crash is removed. */
static int
prepare_target(struct rst *t, struct rp_diags *d)
{
	struct stat st;

	if (fstatat(t->pfd, t->leaf, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return qfail(d, RP_ERR_INVALID, "%s",
		    "a file exists at the target path; not overwritten "
		    "(use --to to restore elsewhere)");
	if (errno != ENOENT)
		return qfail(d, RP_ERR_IO, "cannot check the target: %s",
		    strerror(errno));
	snprintf(t->tmp, sizeof(t->tmp), ".rampart-restore-%s", t->e.id);
	if (fstatat(t->pfd, t->tmp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISDIR(st.st_mode))
		unlinkat(t->pfd, t->tmp, 0);
	t->out = openat(t->pfd, t->tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (t->out < 0)
		return qfail(d, RP_ERR_IO,
		    "cannot create a file in the target directory: %s",
		    strerror(errno));
	t->tmp_made = 1;
	return 0;
}

/*
 * Owner (when permitted), then mode, then times: chown clears set-ID.
 * Set-ID bits only when asked for and on the recorded owner and group: a
 * set-user-ID file is never made for anyone else.
 */
static int
set_meta(struct rst *t, struct rp_diags *d)
{
	const mode_t setid = S_ISUID | S_ISGID;
	mode_t mode = t->e.mode & 07777;
	struct timespec ts[2] = {t->e.atime, t->e.mtime};
	int owned = 1;

	if (fchown(t->out, t->e.uid, t->e.gid) != 0) {
		if (errno != EPERM)
			return qfail(d, RP_ERR_IO, "cannot set the owner: %s",
			    strerror(errno));
		owned = 0;
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "owner %u:%u not restored (not permitted); the file "
		    "belongs to the restoring user%s",
		    (unsigned)t->e.uid, (unsigned)t->e.gid,
		    (mode & setid) != 0 ? " and lost its set-user/group-ID bits"
					: "");
	}
	if ((mode & setid) != 0 && owned &&
	    (t->flags & QRESTORE_KEEP_SETID) == 0)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "set-user-ID/set-group-ID bits of mode %04o not restored "
		    "(restored as %04o; --keep-setid keeps them)",
		    (unsigned)mode, (unsigned)(mode & ~setid));
	if (!owned || (t->flags & QRESTORE_KEEP_SETID) == 0)
		mode &= ~setid;
	if (fchmod(t->out, mode) != 0 || futimens(t->out, ts) != 0)
		return qfail(d, RP_ERR_IO, "cannot set mode or times: %s",
		    strerror(errno));
	if (qfsync(t->out) != 0)
		return qfail(d, RP_ERR_IO, "cannot sync the restored file: %s",
		    strerror(errno));
	return 0;
}

/* Renames the temporary to the target name unless that name exists. */
static int
place(struct rst *t, struct rp_diags *d)
{
	if (plat_rename_noreplace(t->pfd, t->tmp, t->leaf) == 0) {
		t->tmp_made = 0;
		return 0;
	}
	if (errno == EEXIST)
		return qfail(d, RP_ERR_INVALID, "%s",
		    "a file appeared at the target path; not overwritten");
	return qfail(d, RP_ERR_IO, "cannot move the file into place: %s",
	    strerror(errno));
}

static int
open_content(struct rst *t, struct rp_diags *d)
{
	char name[QUARANTINE_ID_LEN + 8];

	snprintf(name, sizeof(name), "%s.rpq", t->e.id);
	t->rpq = openat(t->q->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (t->rpq < 0)
		return qfail(d, errno == ENOENT ? RP_ERR_INVALID : RP_ERR_IO,
		    "the entry's content cannot be opened: %s",
		    strerror(errno));
	return 0;
}

static int
write_file(struct rst *t, struct rp_diags *d)
{
	unsigned char raw[16];
	int r;

	unhex16(t->e.id, raw);
	if ((r = qcont_extract(t->rpq, t->out, raw, &t->e, d)) != 0)
		return r;
	qstore_crash(t->q, "restore-temp-written");
	if ((r = set_meta(t, d)) != 0)
		return r;
	qstore_crash(t->q, "restore-temp-synced");
	if ((r = place(t, d)) != 0)
		return r;
	qstore_crash(t->q, "restore-renamed");
	if (qfsync(t->pfd) != 0)
		return qfail(d, RP_ERR_IO,
		    "restored, but cannot sync the directory: %s",
		    strerror(errno));
	qstore_crash(t->q, "restore-dir-synced");
	return 0;
}

int
qstore_restore(struct qstore *q, const char *id, const char *dest,
    unsigned flags, struct rp_diags *d)
{
	struct rst t = {
	    .q = q, .flags = flags, .pfd = -1, .rpq = -1, .out = -1};
	int r;

	if (!qid_valid(id)) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "not an entry id (32 hex digits)");
		return RP_ERR_ARG;
	}
	if ((r = qstore_read_record(q, id, &t.e, d)) != 0) {
		if (r == RP_ERR_NOTFOUND)
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "no entry %s in %s", id, q->dir);
		goto out;
	}
	if ((r = open_content(&t, d)) != 0 ||
	    (r = qpath_open_parent(
		 dest != NULL ? dest : t.e.path, &t.pfd, &t.leaf, d)) != 0 ||
	    (r = prepare_target(&t, d)) != 0 || (r = write_file(&t, d)) != 0)
		goto out;
	if ((r = qstore_remove_entry(q, id, d)) != 0)
		goto out;
	qstore_crash(q, "restore-done");
	r = 0;
out:
	if (t.out >= 0)
		close(t.out);
	if (t.tmp_made)
		unlinkat(t.pfd, t.tmp, 0);
	if (t.rpq >= 0)
		close(t.rpq);
	if (t.pfd >= 0)
		close(t.pfd);
	free(t.leaf);
	qentry_clear(&t.e);
	return r;
}
