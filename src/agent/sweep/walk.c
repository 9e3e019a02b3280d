/*
 * The walk: worker threads share a stack of directories still to read
 * and a small queue of files waiting to be read.  A directory is listed
 * into a large buffer (plat_dir_next); entries are classified by the type
 * the listing gives and regular files stat'ed relative to the directory
 * descriptor (AT_SYMLINK_NOFOLLOW).  Symbolic links are never followed:
 * a start path's directories are resolved from "/" with
 * plat_open_beneath, which refuses a link in any component, and its last
 * component is stat'ed without following (walk_open_start); a queued
 * directory is opened from its start directory with plat_open_beneath
 * too (so a path component swapped for a link while it waited is
 * refused), a directory entered inline with openat(O_NOFOLLOW|
 * O_DIRECTORY) on its parent's descriptor, files with
 * openat(O_NOFOLLOW|O_NONBLOCK) on theirs.
 *
 * Memory is bounded: the shared stack holds at most DIRQ_MAX_BYTES of
 * paths; past that a worker descends into the directory itself (depth
 * first, at most INLINE_MAX levels, each with its own buffer).  Files
 * go to the shared queue only when another worker is idle, so a
 * directory of many large files is hashed on every core.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "platform/platform.h"
#include "sweep/walk_int.h"
#include "util/err.h"
#include "util/str.h"

void
dirh_put(struct dirh *dh)
{
	if (dh != NULL && atomic_fetch_sub(&dh->ref, 1) == 1) {
		if (dh->w != NULL)
			atomic_fetch_sub(&dh->w->live_dirh, 1);
		close(dh->fd);
		free(dh);
	}
}

int
excluded(struct walk *w, const char *path, const char *name)
{
	size_t i;

	for (i = 0; i < w->o->nexcludes; i++)
		if (fnmatch(w->o->excludes[i], w->ex_slash[i] ? path : name,
			0) == 0)
			return 1;
	return 0;
}

/* dir + "/" + name into b (no doubled slash after "/"). */
const char *
join_path(struct rp_buf *b, const char *dir, size_t dlen, const char *name)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
	b->failed = 0;
	rp_buf_appendn(b, dir, dlen);
	if (dlen == 0 || dir[dlen - 1] != '/')
		rp_buf_appendn(b, "/", 1);
	rp_buf_append(b, name);
	return b->failed ? NULL : b->s;
}

static void process_dir(struct worker *k, struct dirh *dh, int depth);

/* Pseudo file systems are never swept, network ones only when asked. */
static int
fs_skipped(const struct walk *w, uint64_t dev)
{
	enum plat_fs_kind kind = plat_mounts_kind(w->mounts, dev);

	return kind == PLAT_FS_PSEUDO ||
	    (kind == PLAT_FS_NETWORK && !w->o->network_fs);
}

/* Opens what is known to be a directory and decides whether to enter it:
   pseudo and (by default) network file systems are not, nor another file
   system with one_fs.  Takes fd. */
static void
enter_dir(struct worker *k, int fd, const char *path, size_t len,
    uint64_t parent_dev, uint64_t start_dev, int depth)
{
	struct walk *w = k->w;
	struct dirh *dh;
	struct stat st;

	if (fstat(fd, &st) != 0) {
		CNT_ADD(&k->tc, errors, 1);
		close(fd);
		return;
	}
	if ((uint64_t)st.st_dev != parent_dev &&
	    ((w->o->one_fs && (uint64_t)st.st_dev != start_dev) ||
		fs_skipped(w, st.st_dev))) {
		CNT_ADD(&k->tc, skip_fs, 1);
		close(fd);
		return;
	}
	if ((dh = malloc(sizeof(*dh) + len + 1)) == NULL) {
		CNT_ADD(&k->tc, errors, 1);
		close(fd);
		return;
	}
	dh->w = w;
	atomic_fetch_add(&w->live_dirh, 1);
	dh->fd = fd;
	atomic_init(&dh->ref, 1);
	dh->dev = st.st_dev;
	dh->start_dev = start_dev;
	dh->len = len;
	memcpy(dh->path, path, len + 1);
	CNT_ADD(&k->tc, dirs_seen, 1);
	process_dir(k, dh, depth);
	dirh_put(dh);
}

void
count_open_error(struct worker *k, int e)
{
	if (e == ENOENT || e == ENOTDIR || e == ELOOP)
		CNT_ADD(&k->tc, skip_vanished, 1);
	else if (e == EACCES || e == EPERM)
		CNT_ADD(&k->tc, skip_permission, 1);
	else
		CNT_ADD(&k->tc, errors, 1);
}

static void
subdir(struct worker *k, struct dirh *dh, const char *name, int depth)
{
	struct walk *w = k->w;
	struct dir_item *it;
	const char *path;
	size_t len;
	int fd;

	if ((path = join_path(&k->pb, dh->path, dh->len, name)) == NULL) {
		CNT_ADD(&k->tc, errors, 1);
		return;
	}
	if (w->o->nexcludes > 0 && excluded(w, path, name)) {
		CNT_ADD(&k->tc, skip_excluded, 1);
		return;
	}
	len = k->pb.len;
	pthread_mutex_lock(&w->mu);
	if (w->dir_bytes + len < DIRQ_MAX_BYTES || depth >= INLINE_MAX) {
		if ((it = malloc(sizeof(*it) + len + 1)) != NULL) {
			memset(it, 0, sizeof(*it));
			it->parent_dev = dh->dev;
			it->start_dev = dh->start_dev;
			it->len = len;
			memcpy(it->path, path, len + 1);
			it->name_off = len - strlen(name);
			if (atomic_load(&w->live_dirh) < DIRH_MAX) {
				atomic_fetch_add(&dh->ref, 1);
				it->parent = dh;
			}
			it->next = w->dirs;
			w->dirs = it;
			w->dir_bytes += len;
			if (atomic_load(&w->idle) > 0)
				pthread_cond_signal(&w->cv);
		} else {
			CNT_ADD(&k->tc, errors, 1);
		}
		pthread_mutex_unlock(&w->mu);
		return;
	}
	pthread_mutex_unlock(&w->mu);
	fd = openat(
	    dh->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		count_open_error(k, errno);
		return;
	}
	enter_dir(k, fd, path, len, dh->dev, dh->start_dev, depth + 1);
}

static void
entry(struct worker *k, struct dirh *dh, const char *name, enum plat_ftype type,
    int depth)
{
	struct stat st;

	switch (type) {
	case PLAT_FT_DIR:
		subdir(k, dh, name, depth);
		return;
	case PLAT_FT_LNK:
		CNT_ADD(&k->tc, symlinks, 1);
		return;
	case PLAT_FT_REG:
	case PLAT_FT_UNKNOWN:
		break;
	default:
		CNT_ADD(&k->tc, skip_special, 1);
		return;
	}
	if (fstatat(dh->fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		count_open_error(k, errno);
		return;
	}
	if (S_ISDIR(st.st_mode))
		subdir(k, dh, name, depth);
	else if (S_ISLNK(st.st_mode))
		CNT_ADD(&k->tc, symlinks, 1);
	else if (!S_ISREG(st.st_mode))
		CNT_ADD(&k->tc, skip_special, 1);
	else
		file_found(k, dh, name, &st);
}

static void
process_dir(struct worker *k, struct dirh *dh, int depth)
{
	struct plat_dir pd;
	enum plat_ftype type;
	const char *name;
	int r;

	if (k->dbuf[depth] == NULL &&
	    (k->dbuf[depth] = malloc(DENT_BUF)) == NULL) {
		CNT_ADD(&k->tc, errors, 1);
		return;
	}
	plat_dir_init(&pd, dh->fd, k->dbuf[depth], DENT_BUF);
	while ((r = plat_dir_next(&pd, &name, &type)) > 0)
		entry(k, dh, name, type, depth);
	if (r < 0)
		count_open_error(k, errno);
}

/* The root a queued path lies under: the longest root prefix. */
static const struct root *
root_of(struct walk *w, const char *path, size_t len)
{
	const struct root *best = NULL;
	size_t i, rl;

	for (i = 0; i < w->nroots; i++) {
		rl = w->roots[i].len;
		if (w->roots[i].fd < 0 || rl > len ||
		    memcmp(w->roots[i].path, path, rl) != 0)
			continue;
		if (rl != len && path[rl] != '/' &&
		    !(rl == 1 && path[0] == '/'))
			continue;
		if (best == NULL || rl > best->len)
			best = &w->roots[i];
	}
	return best;
}

/* Opens a queued directory below its root without following links. */
static int
open_queued(struct walk *w, const struct dir_item *it)
{
	const struct root *r = root_of(w, it->path, it->len);

	if (r == NULL) {
		errno = ENOENT;
		return -1;
	}
	return plat_open_beneath(r->fd, it->path + r->len, PLAT_OPEN_DIR, NULL);
}

/* A start path that is a regular file: its directory is the root's pfd. */
static void
start_file(struct worker *k, const struct dir_item *it)
{
	const struct root *r = NULL;
	const char *base;
	struct dirh *dh;
	struct stat st;
	size_t i, dlen;

	for (i = 0; i < k->w->nroots && r == NULL; i++)
		if (k->w->roots[i].pfd >= 0 && k->w->roots[i].len == it->len &&
		    memcmp(k->w->roots[i].path, it->path, it->len) == 0)
			r = &k->w->roots[i];
	if (r == NULL || (base = strrchr(r->path, '/')) == NULL) {
		CNT_ADD(&k->tc, errors, 1);
		return;
	}
	dlen = base == r->path ? 1 : (size_t)(base - r->path);
	base++;
	if ((dh = malloc(sizeof(*dh) + dlen + 1)) == NULL) {
		CNT_ADD(&k->tc, errors, 1);
		return;
	}
	dh->w = NULL;
	if ((dh->fd = dup(r->pfd)) < 0) {
		CNT_ADD(&k->tc, errors, 1);
		free(dh);
		return;
	}
	atomic_init(&dh->ref, 1);
	dh->dev = dh->start_dev = it->start_dev;
	dh->len = dlen;
	memcpy(dh->path, r->path, dlen);
	dh->path[dlen] = '\0';
	if (fstatat(dh->fd, base, &st, AT_SYMLINK_NOFOLLOW) != 0)
		count_open_error(k, errno);
	else if (S_ISREG(st.st_mode))
		file_found(k, dh, base, &st);
	else
		CNT_ADD(&k->tc, skip_special, 1);
	dirh_put(dh);
}

static void
run_dir_item(struct worker *k, struct dir_item *it)
{
	struct walk *w = k->w;
	int fd;

	if (it->file_root) {
		start_file(k, it);
		return;
	}
	if (it->parent != NULL) {
		fd = openat(it->parent->fd, it->path + it->name_off,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		dirh_put(it->parent);
		it->parent = NULL;
	} else {
		fd = open_queued(w, it);
	}
	if (fd < 0) {
		count_open_error(k, errno);
		return;
	}
	enter_dir(k, fd, it->path, it->len, it->parent_dev, it->start_dev, 0);
}

void *
worker_main(void *arg)
{
	struct worker *k = arg;
	struct walk *w = k->w;
	struct file_item fi;
	struct dir_item *it;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		if (w->nfiles > 0) {
			fi = w->files[--w->nfiles];
			pthread_mutex_unlock(&w->mu);
			file_read(k, fi.dh, fi.name, &fi.st, fi.want, fi.yara,
			    fi.name_hit);
			dirh_put(fi.dh);
			pthread_mutex_lock(&w->mu);
			continue;
		}
		if (w->dirs != NULL) {
			it = w->dirs;
			w->dirs = it->next;
			w->dir_bytes -= it->len;
			pthread_mutex_unlock(&w->mu);
			run_dir_item(k, it);
			free(it);
			pthread_mutex_lock(&w->mu);
			continue;
		}
		if (k->npend > 0) {
			/* Nothing else to do: the batch goes now. */
			pthread_mutex_unlock(&w->mu);
			file_flush(k);
			pthread_mutex_lock(&w->mu);
			continue;
		}
		if (w->done)
			break;
		if (atomic_load(&w->idle) + 1 == w->nthreads) {
			w->done = 1;
			pthread_cond_broadcast(&w->cv);
			break;
		}
		atomic_fetch_add(&w->idle, 1);
		pthread_cond_wait(&w->cv, &w->mu);
		atomic_fetch_sub(&w->idle, 1);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* ---- start paths ---- */

/*
 * The absolute path p normalised as written: "." and empty components
 * dropped, ".." removes the component before it (nothing is looked up:
 * this is the user's path, before any resolution).  Caller frees.
 */
static char *
normalise(const char *p)
{
	size_t n = strlen(p), o = 0, len;
	const char *s = p, *e;
	char *out;

	if ((out = malloc(n + 2)) == NULL)
		return NULL;
	while (*s != '\0') {
		while (*s == '/')
			s++;
		for (e = s; *e != '\0' && *e != '/'; e++)
			;
		len = (size_t)(e - s);
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--; /* the slash */
		} else if (len > 0 && !(len == 1 && s[0] == '.')) {
			out[o++] = '/';
			memcpy(out + o, s, len);
			o += len;
		}
		s = e;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

/* Warns that the component comp of start path (up to and with it: the
   first ulen bytes of path), in directory dirfd, is a link, where it
   points, and what to give instead. */
static void
refuse_link(const char *path, size_t ulen, int dirfd, const char *comp,
    struct rp_diags *d)
{
	char target[512], *real = realpath(path, NULL);
	ssize_t n = dirfd >= 0
	    ? readlinkat(dirfd, comp, target, sizeof(target) - 1)
	    : -1;

	target[n > 0 ? n : 0] = '\0';
	if (n == (ssize_t)sizeof(target) - 1)
		memcpy(target + sizeof(target) - 4, "...", 4);
	rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
	    "start path %s: %.*s is a symbolic link (to %s); links are never "
	    "followed in a start path, nothing under it is swept; give %s%s",
	    path, (int)ulen, path, n > 0 ? target : "?",
	    real != NULL ? real : "the path without links",
	    real != NULL ? " instead" : "");
	free(real);
}

/* Warns about the start path up to e; closes fd when open.  Returns 1. */
static int
start_fail(const char *norm, const char *e, const char *why, int fd,
    struct rp_diags *d)
{
	rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "start path %s: %.*s: %s",
	    norm, (int)(e - norm), norm, why);
	if (fd >= 0)
		close(fd);
	return 1;
}

/*
 * The directories of start path norm ("/a/b/c": rel "a/b", plen bytes)
 * could not be opened: says which component and why (a link: where it
 * points, read from its own directory, opened anew).  Returns 1.
 */
static int
parent_fail(const char *norm, int rootfd, const struct plat_walk_fail *f,
    struct rp_diags *d)
{
	const char *rel = norm + 1, *e = rel + f->off + f->len;
	char comp[NAME_MAX + 1], *up;
	int dfd = -1;

	if (!f->is_link)
		return start_fail(norm, e,
		    f->err == ENAMETOOLONG  ? "component too long"
			: f->err == ENOTDIR ? "not a directory"
					    : strerror(f->err),
		    -1, d);
	memcpy(comp, rel + f->off, f->len);
	comp[f->len] = '\0';
	if ((up = strndup(rel, f->off)) != NULL)
		dfd = plat_open_beneath(rootfd, up, PLAT_OPEN_LOOKUP, NULL);
	free(up);
	refuse_link(norm, (size_t)(e - norm), dfd, comp, d);
	if (dfd >= 0)
		close(dfd);
	return 1;
}

/* The last component leaf, in directory dirfd (taken): the start
   directory, or a start file (then dirfd becomes r->pfd). */
static int
open_last(struct root *r, int dirfd, const char *leaf, int *is_file,
    struct rp_diags *d)
{
	struct stat st;

	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return start_fail(
		    r->path, r->path + r->len, strerror(errno), dirfd, d);
	if (S_ISLNK(st.st_mode)) {
		refuse_link(r->path, r->len, dirfd, leaf, d);
		close(dirfd);
		return 1;
	}
	r->dev = st.st_dev;
	if (S_ISREG(st.st_mode)) {
		r->pfd = dirfd;
		*is_file = 1;
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "%s: not a directory or regular file", r->path);
		close(dirfd);
		return 1;
	}
	r->fd = openat(
	    dirfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &st) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s: %s", r->path,
		    strerror(errno));
		if (r->fd >= 0)
			close(r->fd);
		r->fd = -1;
	} else {
		r->dev = st.st_dev;
	}
	close(dirfd);
	return r->fd < 0;
}

int
walk_open_start(struct root *r, int *is_file, struct rp_diags *d)
{
	struct plat_walk_fail f;
	const char *leaf;
	char *norm, *parent;
	struct stat st;
	int rootfd, dirfd;

	r->fd = r->pfd = -1;
	*is_file = 0;
	if ((norm = normalise(r->path)) == NULL)
		return RP_ERR_NOMEM;
	free(r->path);
	r->path = norm;
	r->len = strlen(norm);
	if ((rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return start_fail(norm, norm + 1, strerror(errno), -1, d);
	if (norm[1] == '\0') {
		if (fstat(rootfd, &st) != 0)
			return start_fail(
			    norm, norm + 1, strerror(errno), rootfd, d);
		r->dev = st.st_dev;
		r->fd = rootfd;
		return 0;
	}
	/* the directories in one resolution, then the last component */
	leaf = strrchr(norm, '/') + 1;
	if ((parent = strndup(norm + 1, (size_t)(leaf - norm - 1))) == NULL) {
		close(rootfd);
		return RP_ERR_NOMEM;
	}
	dirfd = plat_open_beneath(rootfd, parent, PLAT_OPEN_LOOKUP, &f);
	free(parent);
	if (dirfd < 0) {
		parent_fail(norm, rootfd, &f, d);
		close(rootfd);
		return 1;
	}
	close(rootfd);
	if (strlen(leaf) > NAME_MAX)
		return start_fail(
		    norm, norm + r->len, "component too long", dirfd, d);
	return open_last(r, dirfd, leaf, is_file, d);
}
