/*
 * quarantine_file: taking a matched file into the store.  Order is what
 * makes it crash-safe: content (.rpq) written, verified, fsync'ed and
 * renamed in; record (.json, the commit point) written, fsync'ed and
 * renamed in; the store directory fsync'ed after each rename; only then
 * is the original unlinked -- by name in the parent directory the walk
 * opened, after checking the name still is the same inode -- and the
 * parent fsync'ed.  Each step has a crash point for the tests.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/platform.h"
#include "qstore_int.h"
#include "util/err.h"

struct add {
	struct qstore *q;
	const char *path;
	int pfd, src;
	char *leaf;
	struct stat st;
	unsigned char idraw[16];
	char tmp[QUARANTINE_ID_LEN + 16]; /* a temporary in the store */
	int tmp_made;
	int rpq_in, json_in; /* <id>.rpq / <id>.json renamed into place */
	struct qentry e;
};

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned c = s[0];
	uint32_t cp;

	if (c < 0x80)
		return 1;
	n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
	if (n == 0 || c > 0xf4)
		return 0;
	cp = c & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A copy of reason with bytes that are not UTF-8 replaced by '?'. */
static int
clean_reason(const char *reason, char **out, struct rp_diags *d)
{
	size_t i, n, len;
	char *s;

	*out = NULL;
	if (reason == NULL)
		return 0;
	if ((len = strlen(reason)) > QUARANTINE_REASON_MAX) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "reason is longer than %d bytes", QUARANTINE_REASON_MAX);
		return RP_ERR_LIMIT;
	}
	if ((s = strdup(reason)) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < len; i += n) {
		if ((n = utf8_len((unsigned char *)s + i)) == 0) {
			s[i] = '?';
			n = 1;
		}
	}
	*out = s;
	return 0;
}

/* Opens the file below the walked parent and checks it is the one meant. */
static int
open_source(struct add *a, dev_t dev, ino_t ino, struct rp_diags *d)
{
	int fl = O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
	struct stat sst, pst;

	a->src = plat_open_noatime(a->pfd, a->leaf, fl);
	if (a->src < 0) {
		if (errno == ELOOP)
			return qfail(d, RP_ERR_INVALID, "%s",
			    "the file is a symbolic link; not followed");
		return qfail(d, errno == ENOENT ? RP_ERR_NOTFOUND : RP_ERR_IO,
		    "cannot open the file: %s", strerror(errno));
	}
	if (fstat(a->src, &a->st) != 0)
		return qfail(
		    d, RP_ERR_IO, "cannot stat the file: %s", strerror(errno));
	if (!S_ISREG(a->st.st_mode))
		return qfail(d, RP_ERR_INVALID, "%s", "not a regular file");
	if (a->st.st_dev != dev || a->st.st_ino != ino)
		return qfail(d, RP_ERR_INVALID, "%s",
		    "the file at this path is not the one examined (device "
		    "and inode differ); nothing was moved");
	if (fstat(a->q->dirfd, &sst) == 0 && fstat(a->pfd, &pst) == 0 &&
	    sst.st_dev == pst.st_dev && sst.st_ino == pst.st_ino)
		return qfail(d, RP_ERR_INVALID, "%s",
		    "the file is inside the quarantine store");
	if (a->st.st_nlink > 1)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "the file has %lu hard links; only this name is removed",
		    (unsigned long)a->st.st_nlink);
	return 0;
}

/* Whether the file changed (content or inode) since it was opened. */
static int
changed_since(const struct add *a, struct rp_diags *d)
{
	struct stat st;

	if (fstat(a->src, &st) != 0)
		return qfail(
		    d, RP_ERR_IO, "cannot stat the file: %s", strerror(errno));
	if (st.st_size != a->st.st_size ||
	    st.st_mtim.tv_sec != a->st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != a->st.st_mtim.tv_nsec ||
	    st.st_ctim.tv_sec != a->st.st_ctim.tv_sec ||
	    st.st_ctim.tv_nsec != a->st.st_ctim.tv_nsec)
		return qfail(d, RP_ERR_IO, "%s",
		    "the file changed while it was read; nothing was moved");
	return 0;
}

static void
entry_from_stat(struct add *a)
{
	a->e.mode = a->st.st_mode;
	a->e.uid = a->st.st_uid;
	a->e.gid = a->st.st_gid;
	a->e.dev = a->st.st_dev;
	a->e.ino = a->st.st_ino;
	a->e.atime = a->st.st_atim;
	a->e.mtime = a->st.st_mtim;
	a->e.quarantined_at = time(NULL);
}

static int
store_err(struct add *a, const char *what, struct rp_diags *d)
{
	rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "cannot %s in %s: %m", what,
	    a->q->dir);
	return RP_ERR_IO;
}

/* Renames the temporary to <id>.<ext> and syncs the store directory. */
static int
commit_tmp(
    struct add *a, const char *ext, const char *renamed, struct rp_diags *d)
{
	char name[QUARANTINE_ID_LEN + 8];

	snprintf(name, sizeof(name), "%s.%s", a->e.id, ext);
	if (renameat(a->q->dirfd, a->tmp, a->q->dirfd, name) != 0)
		return store_err(a, "rename", d);
	a->tmp_made = 0;
	qstore_crash(a->q, renamed);
	if (qfsync(a->q->dirfd) != 0)
		return store_err(a, "sync the directory", d);
	return 0;
}

static int
open_tmp(struct add *a, const char *ext, int *fd, struct rp_diags *d)
{
	snprintf(a->tmp, sizeof(a->tmp), ".tmp-%s.%s", a->e.id, ext);
	*fd = openat(a->q->dirfd, a->tmp,
	    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd < 0)
		return store_err(a, "create a file", d);
	a->tmp_made = 1;
	return 0;
}

/* <id>.rpq: compress, check, seal 0400, sync, verify, rename in. */
static int
write_content(struct add *a, const char *expect, struct rp_diags *d)
{
	int fd = -1, r;

	if ((r = open_tmp(a, "rpq", &fd, d)) != 0)
		goto out;
	if ((r = qcont_write(a->q, a->src, fd, a->idraw, &a->e, d)) != 0)
		goto out;
	qstore_crash(a->q, "add-rpq-written");
	if ((r = changed_since(a, d)) != 0)
		goto out;
	if (expect != NULL && strcmp(expect, a->e.sha256) != 0) {
		r = qfail(d, RP_ERR_INVALID,
		    "the file's SHA-256 is %s, not the one examined; nothing "
		    "was moved",
		    a->e.sha256);
		goto out;
	}
	if (fchmod(fd, 0400) != 0 || qfsync(fd) != 0) {
		r = store_err(a, "write the content", d);
		goto out;
	}
	qstore_crash(a->q, "add-rpq-synced");
	if ((r = qcont_extract(fd, -1, a->idraw, &a->e, d)) != 0)
		goto out;
	qstore_crash(a->q, "add-verified");
	r = commit_tmp(a, "rpq", "add-rpq-renamed", d);
	a->rpq_in = a->tmp_made == 0;
	if (r == 0)
		qstore_crash(a->q, "add-rpq-dir-synced");
out:
	if (fd >= 0)
		close(fd);
	return r;
}

/* <id>.json, the commit point. */
static int
write_record(struct add *a, struct rp_diags *d)
{
	char *text = NULL;
	int fd = -1, r = RP_ERR_NOMEM;

	if ((text = qrecord_seal(&a->e, a->q->key)) == NULL)
		goto out;
	if ((r = open_tmp(a, "json", &fd, d)) != 0)
		goto out;
	if (qwrite_all(fd, text, strlen(text)) != 0 ||
	    qwrite_all(fd, "\n", 1) != 0) {
		r = store_err(a, "write the record", d);
		goto out;
	}
	qstore_crash(a->q, "add-json-written");
	if (fchmod(fd, 0400) != 0 || qfsync(fd) != 0) {
		r = store_err(a, "write the record", d);
		goto out;
	}
	qstore_crash(a->q, "add-json-synced");
	r = commit_tmp(a, "json", "add-json-renamed", d);
	a->json_in = a->tmp_made == 0;
	if (r == 0)
		qstore_crash(a->q, "add-committed");
out:
	free(text);
	if (fd >= 0)
		close(fd);
	return r;
}

/* Hashes what is left of src into a->e (resume: the content is stored). */
static int
hash_source(struct add *a, struct rp_diags *d)
{
	unsigned char buf[65536];
	struct qhashes h;
	ssize_t n;
	int r;

	if ((r = qhashes_init(&h)) != 0)
		return r;
	while ((n = read(a->src, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			qhashes_free(&h);
			return qfail(d, RP_ERR_IO, "cannot read the file: %s",
			    strerror(errno));
		}
		if ((r = qhashes_update(&h, buf, (size_t)n)) != 0) {
			qhashes_free(&h);
			return r;
		}
	}
	return qhashes_final(&h, &a->e);
}

/* An entry of the same path, inode and times that can stand for a->e. */
static int
find_existing(struct add *a, struct qentry *found)
{
	struct qentry *v = NULL;
	size_t n = 0, i;
	int hit = 0;

	if (qstore_list(a->q, &v, &n, NULL) != 0)
		return 0;
	for (i = 0; i < n && !hit; i++) {
		if (v[i].state != QENTRY_DAMAGED && v[i].path != NULL &&
		    strcmp(v[i].path, a->path) == 0 &&
		    v[i].dev == a->st.st_dev && v[i].ino == a->st.st_ino &&
		    v[i].size == (uint64_t)a->st.st_size &&
		    v[i].mtime.tv_sec == a->st.st_mtim.tv_sec &&
		    v[i].mtime.tv_nsec == a->st.st_mtim.tv_nsec) {
			*found = v[i];
			memset(&v[i], 0, sizeof(v[i]));
			hit = 1;
		}
	}
	qentry_list_free(v, n);
	return hit;
}

/* Reuses a complete entry left by a crash before the unlink. */
static int
try_resume(struct add *a, const char *expect, struct rp_diags *d)
{
	struct qentry old;
	char name[QUARANTINE_ID_LEN + 8];
	int fd, r = 0;

	memset(&old, 0, sizeof(old));
	if (!find_existing(a, &old))
		return 0;
	if ((r = hash_source(a, d)) != 0 || (r = changed_since(a, d)) != 0)
		goto out;
	if (strcmp(a->e.sha256, old.sha256) != 0 ||
	    (expect != NULL && strcmp(expect, old.sha256) != 0))
		goto out; /* not the same content: a new entry */
	snprintf(name, sizeof(name), "%s.rpq", old.id);
	if ((fd = openat(
		 a->q->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		goto out;
	r = qcont_extract(fd, -1, NULL, &old, NULL);
	close(fd);
	if (r != 0) {
		r = 0;
		goto out;
	}
	qentry_clear(&a->e);
	a->e = old;
	memset(&old, 0, sizeof(old));
	r = 1;
out:
	qentry_clear(&old);
	if (r == 0 && lseek(a->src, 0, SEEK_SET) != 0)
		r = qfail(d, RP_ERR_IO, "cannot rewind the file: %s",
		    strerror(errno));
	return r;
}

/*
 * Kills the processes running the file, if asked -- not when the inode
 * has other names (hard links) the caller never checked, unless asked for
 * that too: those processes are listed as spared, with a warning each.
 */
static int
kill_procs(struct add *a, unsigned flags, struct rp_diags *d)
{
	struct stat st;
	size_t i;
	int r;

	if (fstat(a->src, &st) != 0)
		return qfail(
		    d, RP_ERR_IO, "cannot stat the file: %s", strerror(errno));
	if (st.st_nlink <= 1 || (flags & QUARANTINE_KILL_HARDLINKED) != 0)
		return qkill_exe(a->st.st_dev, a->st.st_ino, 1, &a->e.killed,
		    &a->e.nkilled, d);
	if ((r = qkill_exe(a->st.st_dev, a->st.st_ino, 0, &a->e.spared,
		 &a->e.nspared, d)) != 0)
		return r;
	for (i = 0; i < a->e.nspared; i++)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "process %d runs this file but was not terminated: the "
		    "file has %lu hard links, names that were not checked "
		    "(kill through them only with --kill-hardlinked)",
		    (int)a->e.spared[i], (unsigned long)st.st_nlink);
	return 0;
}

/* Kills its processes if asked, then unlinks the original. */
static int
finish(struct add *a, unsigned flags, struct rp_diags *d)
{
	struct stat st;
	int r;

	if ((flags & QUARANTINE_KILL) != 0) {
		if ((r = kill_procs(a, flags, d)) != 0)
			return r;
		qstore_crash(a->q, "add-killed");
	}
	/* the name must still be our inode: never unlink a swapped-in file */
	if (fstatat(a->pfd, a->leaf, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    st.st_dev != a->st.st_dev || st.st_ino != a->st.st_ino)
		return qfail(d, RP_ERR_INVALID, "%s",
		    "the file was replaced after it was stored; the entry is "
		    "kept and the new file left in place");
	if (unlinkat(a->pfd, a->leaf, 0) != 0)
		return qfail(d, RP_ERR_IO,
		    "stored, but cannot remove the original: %s",
		    strerror(errno));
	qstore_crash(a->q, "add-unlinked");
	if (qfsync(a->pfd) != 0)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "cannot sync the file's directory: %m");
	qstore_crash(a->q, "add-done");
	return 0;
}

static int
check_args(const char *expect, char *want, struct rp_diags *d)
{
	size_t i;

	if (expect == NULL)
		return 0;
	for (i = 0; i < 64; i++) {
		if (expect[i] >= 'A' && expect[i] <= 'F')
			want[i] = (char)(expect[i] - 'A' + 'a');
		else if ((expect[i] >= '0' && expect[i] <= '9') ||
		    (expect[i] >= 'a' && expect[i] <= 'f'))
			want[i] = expect[i];
		else
			break;
	}
	want[i] = '\0';
	if (i != 64 || expect[i] != '\0')
		return qfail(d, RP_ERR_ARG, "%s",
		    "expected SHA-256 must be 64 hex digits");
	return 0;
}

static int
new_id(struct add *a, struct rp_diags *d)
{
	if (getrandom(a->idraw, sizeof(a->idraw), 0) !=
	    (ssize_t)sizeof(a->idraw))
		return qfail(d, RP_ERR_IO, "cannot get random bytes: %s",
		    strerror(errno));
	qhex(a->idraw, sizeof(a->idraw), a->e.id);
	return 0;
}

int
quarantine_file(struct qstore *q, const char *path, dev_t dev, ino_t ino,
    const char *expect_sha256, const char *reason, unsigned flags,
    struct qentry *out, struct rp_diags *d)
{
	struct add a = {.q = q, .path = path, .pfd = -1, .src = -1};
	char want[65];
	int r;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if ((r = check_args(expect_sha256, want, d)) != 0 ||
	    (r = qpath_open_parent(path, &a.pfd, &a.leaf, d)) != 0 ||
	    (r = open_source(&a, dev, ino, d)) != 0)
		goto out;
	entry_from_stat(&a);
	if ((a.e.path = strdup(path)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	if ((r = clean_reason(reason, &a.e.reason, d)) != 0)
		goto out;
	qstore_crash(q, "add-opened");
	if (expect_sha256 != NULL)
		expect_sha256 = want;
	if ((r = try_resume(&a, expect_sha256, d)) < 0)
		goto out;
	if (r == 0 &&
	    ((r = new_id(&a, d)) != 0 ||
		(r = write_content(&a, expect_sha256, d)) != 0 ||
		(r = write_record(&a, d)) != 0))
		goto out;
	if ((r = finish(&a, flags, d)) != 0)
		goto out;
	a.e.state = QENTRY_STORED;
	if (out != NULL) {
		*out = a.e;
		memset(&a.e, 0, sizeof(a.e));
	}
	r = 0;
out:
	if (a.tmp_made)
		unlinkat(q->dirfd, a.tmp, 0);
	if (a.rpq_in && !a.json_in) {
		/* content without a record is no entry: do not leave it */
		snprintf(a.tmp, sizeof(a.tmp), "%s.rpq", a.e.id);
		unlinkat(q->dirfd, a.tmp, 0);
	}
	if (a.src >= 0)
		close(a.src);
	if (a.pfd >= 0)
		close(a.pfd);
	free(a.leaf);
	qentry_clear(&a.e);
	return r;
}
