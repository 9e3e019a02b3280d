/*
 * One regular file of the walk: what it needs (its base name against
 * file-name indicators; its digests when some hash indicator could match
 * its size; a YARA scan when there are rules and it is small enough),
 * whether the cache already knows the answer, and otherwise reading it
 * once.  The file is opened with O_NOFOLLOW|O_NONBLOCK relative to its
 * directory and must be a regular file when opened; when it is not the
 * file the walk stat'ed (renamed over, replaced), the file actually read
 * is the one reported, with its own device and inode.  A file that
 * changes while it is read is read once more, then given up as changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep/walk_int.h"
#include "util/err.h"

#define MATCH_MAX (YARA_MATCH_MAX + 4)

static int64_t
ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static unsigned
hash_want(const struct sweep_rules *r)
{
	unsigned want = DIG_SHA256;

	if (ioc_index_count(r->x, IOC_SHA1) > 0)
		want |= DIG_SHA1;
	if (ioc_index_count(r->x, IOC_MD5) > 0)
		want |= DIG_MD5;
	return want;
}

static void
add_hit(struct worker *k, const char *path, const struct stat *st,
    const struct digests *dg, const struct sweep_match *m, size_t nm)
{
	struct sweep_hit h;

	memset(&h, 0, sizeof(h));
	h.kind = SWEEP_HIT_FILE;
	h.path = path;
	h.dev = st->st_dev;
	h.ino = st->st_ino;
	h.size = (uint64_t)st->st_size;
	h.mtime_ns = ns(&st->st_mtim);
	h.pid = -1;
	if (dg != NULL && (dg->flags & DIG_SHA256))
		hex_encode(dg->sha256, 32, h.sha256);
	if (dg != NULL && (dg->flags & DIG_SHA1))
		hex_encode(dg->sha1, 20, h.sha1);
	if (dg != NULL && (dg->flags & DIG_MD5))
		hex_encode(dg->md5, 16, h.md5);
	if (report_add_hit(k->w->rep, &h, m, nm) != 0)
		CNT_ADD(&k->tc, errors, 1);
}

static const char *
file_path(struct worker *k, struct dirh *dh, const char *name)
{
	return join_path(&k->pb, dh->path, dh->len, name);
}

static int
key_same(const struct cache_entry *e, const struct stat *st)
{
	return e->dev == (uint64_t)st->st_dev &&
	    e->ino == (uint64_t)st->st_ino &&
	    e->size == (uint64_t)st->st_size &&
	    e->mtime_ns == ns(&st->st_mtim) && e->ctime_ns == ns(&st->st_ctim);
}

/* The cache's answer for a file, when it has everything needed: 1 and
   the hits handled, else 0. */
static int
from_cache(struct worker *k, struct dirh *dh, const char *name,
    const struct stat *st, unsigned want, int yara, const struct ioc *nh)
{
	struct walk *w = k->w;
	struct cache_entry e;
	struct digests dg;
	struct sweep_match m[MATCH_MAX];
	uint64_t idx;
	size_t nm;
	const char *path;

	if (w->cache == NULL ||
	    !cache_lookup(w->cache, k->rd, st->st_dev, st->st_ino, &e, &idx) ||
	    !key_same(&e, st) || (e.flags & want) != want)
		return 0;
	if (yara &&
	    !((e.flags & DIG_YARA_CLEAN) && e.yara_tag == w->rules->yara_tag))
		return 0;
	cache_seen(w->cache, idx, e.last_seen);
	CNT_ADD(&k->tc, cache_hits, 1);
	dg.flags = e.flags & (DIG_SHA256 | DIG_SHA1 | DIG_MD5);
	memcpy(dg.sha256, e.sha256, 32);
	memcpy(dg.sha1, e.sha1, 20);
	memcpy(dg.md5, e.md5, 16);
	nm = 0;
	if (nh != NULL) {
		memset(&m[0], 0, sizeof(m[0]));
		m[nm++].ioc = nh;
	}
	nm +=
	    rules_match(w->rules, &dg, e.size, NULL, 0, m + nm, MATCH_MAX - nm);
	if (nm > 0 && (path = file_path(k, dh, name)) != NULL)
		add_hit(k, path, st, &dg, m, nm);
	return 1;
}

/* Whether to hand the file to an idle worker; queued when so. */
static int
queue_file(struct worker *k, struct dirh *dh, const char *name,
    const struct stat *st, unsigned want, int yara, const struct ioc *nh)
{
	struct walk *w = k->w;
	struct file_item *fi;
	size_t n = strlen(name);

	if (atomic_load_explicit(&w->idle, memory_order_relaxed) == 0 ||
	    n >= sizeof(fi->name))
		return 0;
	pthread_mutex_lock(&w->mu);
	if (w->nfiles == FQ_CAP || atomic_load(&w->idle) == 0) {
		pthread_mutex_unlock(&w->mu);
		return 0;
	}
	fi = &w->files[w->nfiles++];
	atomic_fetch_add(&dh->ref, 1);
	fi->dh = dh;
	fi->st = *st;
	fi->want = want;
	fi->yara = yara;
	fi->name_hit = nh;
	memcpy(fi->name, name, n + 1);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 1;
}

/* What a file of this size needs; 0 when nothing (and no name hit). */
static int
needs(struct worker *k, const struct stat *st, const struct ioc *nh,
    unsigned *want, int *yara)
{
	struct walk *w = k->w;
	const struct sweep_rules *r = w->rules;
	uint64_t size = (uint64_t)st->st_size;

	*want = 0;
	*yara = 0;
	if (r->any_hash && ioc_index_size_wanted(r->x, size))
		*want = hash_want(r);
	if (r->yr != NULL) {
		if (size <= w->yara_max)
			*yara = 1;
		else
			CNT_ADD(&k->tc, yara_skipped, 1);
	}
	if (nh != NULL)
		*want |= DIG_SHA256; /* a hit carries its SHA-256 */
	return *want != 0 || *yara;
}

void
file_found(
    struct worker *k, struct dirh *dh, const char *name, const struct stat *st)
{
	struct walk *w = k->w;
	const struct ioc *nh = NULL;
	struct sweep_match m;
	unsigned want;
	int yara;
	const char *path;

	if (w->o->nexcludes > 0 &&
	    ((path = file_path(k, dh, name)) == NULL ||
		excluded(w, path, name))) {
		CNT_ADD(&k->tc, skip_excluded, 1);
		return;
	}
	CNT_ADD(&k->tc, files_seen, 1);
	CNT_ADD(&k->tc, bytes_seen, (uint64_t)st->st_size);
	if (w->o->walk_only)
		return;
	if (ioc_index_count(w->rules->x, IOC_FILENAME) > 0)
		nh = ioc_index_filename(w->rules->x, name);
	if (!needs(k, st, nh, &want, &yara))
		return;
	if (w->o->max_size != 0 && (uint64_t)st->st_size > w->o->max_size) {
		CNT_ADD(&k->tc, skip_too_large, 1);
		if (nh != NULL && (path = file_path(k, dh, name)) != NULL) {
			memset(&m, 0, sizeof(m));
			m.ioc = nh;
			add_hit(k, path, st, NULL, &m, 1);
		}
		return;
	}
	if (from_cache(k, dh, name, st, want, yara, nh))
		return;
	if (queue_file(k, dh, name, st, want, yara, nh))
		return;
	file_read(k, dh, name, st, want, yara, nh);
}

static void
cache_put(struct worker *k, const struct stat *st, const struct digests *dg)
{
	struct walk *w = k->w;
	struct cache_entry e, old;
	uint64_t idx;

	if (w->cache == NULL || dg->flags == 0)
		return;
	memset(&e, 0, sizeof(e));
	e.dev = st->st_dev;
	e.ino = st->st_ino;
	e.size = (uint64_t)st->st_size;
	e.mtime_ns = ns(&st->st_mtim);
	e.ctime_ns = ns(&st->st_ctim);
	e.last_seen = w->now;
	e.flags = dg->flags;
	if (dg->flags & DIG_YARA_CLEAN)
		e.yara_tag = w->rules->yara_tag;
	memcpy(e.sha256, dg->sha256, 32);
	memcpy(e.sha1, dg->sha1, 20);
	memcpy(e.md5, dg->md5, 16);
	/* Already known as it is (a file YARA matched is read every time
	   but need not be written every time)? */
	if (cache_lookup(w->cache, k->rd, e.dev, e.ino, &old, &idx) &&
	    key_same(&old, st) && old.flags == e.flags &&
	    old.yara_tag == e.yara_tag &&
	    memcmp(old.sha256, e.sha256, 68) == 0) {
		cache_seen(w->cache, idx, old.last_seen);
		return;
	}
	if (cache_add(w->cache, &e) != 0)
		CNT_ADD(&k->tc, errors, 1);
}

/* Opens name in dh as the regular file it must be; -1 when it cannot
   (counted).  *st2 is what the open file is. */
static int
open_checked(struct worker *k, struct dirh *dh, const char *name,
    const struct stat *st, struct stat *st2)
{
	int fd = openat(dh->fd, name,
	    O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ELOOP) /* now a symbolic link: not followed */
			CNT_ADD(&k->tc, replaced, 1);
		else
			count_open_error(k, errno);
		return -1;
	}
	if (fstat(fd, st2) != 0 || !S_ISREG(st2->st_mode)) {
		CNT_ADD(&k->tc, skip_special, 1);
		close(fd);
		return -1;
	}
	if (st2->st_dev != st->st_dev || st2->st_ino != st->st_ino)
		CNT_ADD(&k->tc, replaced, 1);
	return fd;
}

/* A file without a full verdict: listed with why, and its name hit (if
   any) still reported. */
static void
incomplete(struct worker *k, struct dirh *dh, const char *name,
    const struct stat *st, int r, const struct ioc *nh)
{
	struct sweep_incomplete f;
	struct sweep_match m;

	if ((f.path = file_path(k, dh, name)) == NULL) {
		CNT_ADD(&k->tc, errors, 1);
		return;
	}
	f.why = r == SCAN_BUDGET ? SWEEP_INCOMPLETE_BUDGET
				 : SWEEP_INCOMPLETE_SCANNER;
	f.dev = st->st_dev;
	f.ino = st->st_ino;
	f.size = (uint64_t)st->st_size;
	f.signal = 0;
	if (report_add_incomplete(k->w->rep, &f) != 0)
		CNT_ADD(&k->tc, errors, 1);
	if (nh != NULL) {
		memset(&m, 0, sizeof(m));
		m.ioc = nh;
		add_hit(k, f.path, st, NULL, &m, 1);
	}
}

/* Opens the file for scanning into it (want and yara decided afresh
   when it is not the file or the size the walk saw); 0, or -1 when
   there is nothing to scan. */
static int
open_item(struct worker *k, struct dirh *dh, const char *name,
    const struct stat *st, const struct ioc *nh, struct scan_item *it)
{
	struct walk *w = k->w;

	if ((it->fd = open_checked(k, dh, name, st, &it->st)) < 0)
		return -1;
	if (it->st.st_ino != st->st_ino || it->st.st_size != st->st_size) {
		/* Another file or size: decide afresh for it. */
		if (!needs(k, &it->st, nh, &it->want, &it->yara) ||
		    (w->o->max_size != 0 &&
			(uint64_t)it->st.st_size > w->o->max_size)) {
			close(it->fd);
			return -1;
		}
	}
	CNT_ADD(&k->tc, files_opened, 1);
	return 0;
}

/* What the scan of one file came to: hits, the cache, or why not. */
static void
complete(struct worker *k, const struct pending *p, struct scan_item *it,
    int attempt)
{
	struct walk *w = k->w;
	struct sweep_match m[MATCH_MAX];
	struct scan_item again;
	const char *path;
	size_t nm = 0;
	int r = it->r;

	close(it->fd);
	it->fd = -1;
	if (r == SCAN_BUDGET || r == SCAN_FAILED) {
		incomplete(k, p->dh, p->name, &it->st, r, p->name_hit);
		return;
	}
	if (r < 0) {
		CNT_ADD(&k->tc, errors, 1);
		return;
	}
	if (r == 1 && attempt == 1) {
		CNT_ADD(&k->tc, skip_changed, 1);
		return;
	}
	if (r == 1) { /* changed while read: once more, at once */
		again.want = it->want;
		again.yara = it->yara;
		if (open_item(
			k, p->dh, p->name, &it->st, p->name_hit, &again) != 0)
			return;
		scan_batch(&k->sc, &again, 1);
		complete(k, p, &again, 1);
		return;
	}
	if (p->name_hit != NULL) {
		memset(&m[0], 0, sizeof(m[0]));
		m[0].ioc = p->name_hit;
		nm = 1;
	}
	nm += rules_match(w->rules, &it->dg, (uint64_t)it->st.st_size, it->yh,
	    it->nyh, m + nm, MATCH_MAX - nm);
	if (nm > 0 && (path = file_path(k, p->dh, p->name)) != NULL)
		add_hit(k, path, &it->st, &it->dg, m, nm);
	cache_put(k, &it->st, &it->dg);
}

void
file_flush(struct worker *k)
{
	size_t i, n = k->npend;

	if (n == 0)
		return;
	scan_batch(&k->sc, k->items, n);
	k->npend = 0;
	for (i = 0; i < n; i++) {
		complete(k, &k->pend[i], &k->items[i], 0);
		dirh_put(k->pend[i].dh);
	}
}

void
file_read(struct worker *k, struct dirh *dh, const char *name,
    const struct stat *st, unsigned want, int yara, const struct ioc *nh)
{
	struct walk *w = k->w;
	struct scan_item *it = &k->items[k->npend];
	struct pending *p = &k->pend[k->npend];
	const char *path;
	size_t n = strlen(name);

	if (w->o->before_open != NULL &&
	    (path = file_path(k, dh, name)) != NULL)
		w->o->before_open(path, w->o->before_open_arg);
	if (n >= sizeof(p->name)) { /* longer than NAME_MAX */
		CNT_ADD(&k->tc, errors, 1);
		return;
	}
	it->want = want;
	it->yara = yara;
	if (open_item(k, dh, name, st, nh, it) != 0)
		return;
	atomic_fetch_add(&dh->ref, 1);
	p->dh = dh;
	p->name_hit = nh;
	memcpy(p->name, name, n + 1);
	if (++k->npend >= k->batch)
		file_flush(k);
}
