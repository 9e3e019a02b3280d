/*
 * The persistent hash cache: what a file's content hashed to (and whether
 * the current YARA rules found nothing in it), keyed by device and inode
 * and valid only while size, mtime and ctime (nanoseconds) are unchanged.
 *
 * On disk: a 64-byte header, the entries sorted by (dev, ino), then a
 * sparse index holding the key of every CACHE_BLOCK-th entry.  Only the
 * sparse index is held in memory (16 bytes per 32 files); a lookup reads
 * one block with pread, so memory stays bounded on millions of files and
 * the file's pages never count towards the agent's RSS.
 *
 * New entries collect in a bounded buffer that is sorted and spilled as a
 * run to an unlinked temporary file when full; saving merges the old file
 * and the runs into a new file (new entries win, entries not seen for
 * CACHE_KEEP_DAYS are dropped), fsyncs it and renames it into place, so a
 * crash leaves the old cache or the new one, never a torn one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sweep/sweep_int.h"
#include "util/err.h"
#include "util/str.h"

#define CACHE_MAGIC "RPSWCAC1"
#define CACHE_HDR 64
#define CACHE_MAX_ENTRIES ((uint64_t)1 << 28)
#define CACHE_RUN 16384 /* entries buffered before a run is spilled */
#define CACHE_KEEP_DAYS 30
#define CACHE_REFRESH_SECS 86400
#define MERGE_BUF 256 /* entries per merge input buffer */

struct cache_hdr {
	char magic[8];
	uint32_t version, entry_size;
	uint64_t n, nblocks, min_last_seen;
	unsigned char reserved[24];
};

struct cache_key {
	uint64_t dev, ino;
};

struct run {
	uint64_t off, n;
};

struct cache {
	char *path;
	int fd; /* old cache, or -1 */
	int lockfd;
	int readonly;
	uint64_t n, nblocks, min_last_seen;
	struct cache_key *index;
	_Atomic uint64_t *seen; /* bitmap over the old entries */
	atomic_int refresh; /* a seen entry's last_seen is stale */
	pthread_mutex_t mu;
	struct cache_entry *pend; /* CACHE_RUN entries */
	size_t npend;
	int runfd;
	struct run *runs;
	size_t nruns;
	uint64_t nnew;
};

static int
key_cmp(uint64_t ad, uint64_t ai, uint64_t bd, uint64_t bi)
{
	if (ad != bd)
		return ad < bd ? -1 : 1;
	if (ai != bi)
		return ai < bi ? -1 : 1;
	return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct cache_entry *x = a, *y = b;

	return key_cmp(x->dev, x->ino, y->dev, y->ino);
}

static int
pread_full(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		k = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return 0;
}

static int
write_full(int fd, const void *buf, size_t n)
{
	size_t done = 0;
	ssize_t k;

	while (done < n) {
		k = write(fd, (const char *)buf + done, n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		done += (size_t)k;
	}
	return 0;
}

/* mkdir -p of path's directory, mode 0700 for what it creates. */
static int
make_parent(const char *path)
{
	char *dir = rp_strdup0(path), *p;
	int r = 0;

	if (dir == NULL)
		return RP_ERR_NOMEM;
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			r = RP_ERR_IO;
		*p = '/';
	}
	free(dir);
	return r;
}

/* Reads the old file's header and sparse index; 0, or -1 if unusable. */
static int
load_old(struct cache *c, struct rp_diags *d)
{
	struct cache_hdr h;
	struct stat st;
	uint64_t want;

	if (fstat(c->fd, &st) != 0 || pread_full(c->fd, &h, sizeof(h), 0) != 0)
		goto bad;
	if (memcmp(h.magic, CACHE_MAGIC, 8) != 0 || h.version != 1 ||
	    h.entry_size != sizeof(struct cache_entry) ||
	    h.n > CACHE_MAX_ENTRIES ||
	    h.nblocks != (h.n + CACHE_BLOCK - 1) / CACHE_BLOCK)
		goto bad;
	want = CACHE_HDR + h.n * sizeof(struct cache_entry) +
	    h.nblocks * sizeof(struct cache_key);
	if ((uint64_t)st.st_size != want)
		goto bad;
	if (h.n == 0)
		return 0;
	c->index = malloc(h.nblocks * sizeof(struct cache_key));
	c->seen = calloc((h.n + 63) / 64, sizeof(uint64_t));
	if (c->index == NULL || c->seen == NULL)
		return RP_ERR_NOMEM;
	if (pread_full(c->fd, c->index, h.nblocks * sizeof(struct cache_key),
		CACHE_HDR + h.n * sizeof(struct cache_entry)) != 0)
		goto bad;
	c->n = h.n;
	c->nblocks = h.nblocks;
	c->min_last_seen = h.min_last_seen;
	return 0;
bad:
	rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
	    "%s: not a usable sweep cache; starting a new one", c->path);
	free(c->index);
	c->index = NULL;
	close(c->fd);
	c->fd = -1;
	return 0;
}

static int
open_runfile(struct cache *c)
{
	char *dir = rp_strdup0(c->path), *slash;

	if (dir == NULL)
		return RP_ERR_NOMEM;
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	c->runfd = open(
	    slash != NULL ? dir : ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	free(dir);
	return c->runfd < 0 ? RP_ERR_IO : 0;
}

int
cache_open(const char *path, struct cache **out, struct rp_diags *d)
{
	struct cache *c;
	char *lock = NULL;
	int r = RP_ERR_NOMEM;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return RP_ERR_NOMEM;
	c->fd = c->lockfd = c->runfd = -1;
	pthread_mutex_init(&c->mu, NULL);
	if ((c->path = rp_strdup0(path)) == NULL ||
	    (lock = rp_asprintf("%s.lock", path)) == NULL ||
	    (c->pend = malloc(CACHE_RUN * sizeof(*c->pend))) == NULL)
		goto out;
	if (make_parent(path) != 0) {
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "%s: cannot create the cache directory: %s", path,
		    strerror(errno));
		c->readonly = 1;
	}
	c->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (c->lockfd < 0 || flock(c->lockfd, LOCK_EX | LOCK_NB) != 0) {
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "%s: in use by another sweep (or not writable); it is read "
		    "but not updated",
		    path);
		c->readonly = 1;
	}
	c->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (c->fd < 0 && errno != ENOENT)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL, "%s: %s", path,
		    strerror(errno));
	if (c->fd >= 0 && (r = load_old(c, d)) != 0)
		goto out;
	*out = c;
	c = NULL;
	r = 0;
out:
	free(lock);
	cache_free(c);
	return r;
}

void
cache_reader_init(struct cache_reader *rd)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++)
		rd->slot[i].block = UINT64_MAX;
}

static struct cache_block *
read_block(struct cache *c, struct cache_reader *rd, uint64_t b)
{
	struct cache_block *cb = &rd->slot[b % CACHE_SLOTS];
	uint64_t first = b * CACHE_BLOCK;
	size_t n =
	    c->n - first < CACHE_BLOCK ? (size_t)(c->n - first) : CACHE_BLOCK;

	if (cb->block == b)
		return cb;
	cb->block = UINT64_MAX;
	if (pread_full(c->fd, cb->e, n * sizeof(struct cache_entry),
		CACHE_HDR + first * sizeof(struct cache_entry)) != 0)
		return NULL;
	cb->block = b;
	cb->n = n;
	return cb;
}

int
cache_lookup(struct cache *c, struct cache_reader *rd, uint64_t dev,
    uint64_t ino, struct cache_entry *out, uint64_t *idx)
{
	struct cache_block *cb;
	uint64_t lo = 0, hi, mid;
	size_t l, h, m;
	int k;

	if (c == NULL || c->n == 0)
		return 0;
	/* The last block whose first key is <= (dev, ino). */
	hi = c->nblocks;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (key_cmp(c->index[mid].dev, c->index[mid].ino, dev, ino) <=
		    0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || (cb = read_block(c, rd, lo - 1)) == NULL)
		return 0;
	l = 0;
	h = cb->n;
	while (l < h) {
		m = l + (h - l) / 2;
		k = key_cmp(cb->e[m].dev, cb->e[m].ino, dev, ino);
		if (k == 0) {
			*out = cb->e[m];
			*idx = (lo - 1) * CACHE_BLOCK + m;
			return 1;
		}
		if (k < 0)
			l = m + 1;
		else
			h = m;
	}
	return 0;
}

void
cache_seen(struct cache *c, uint64_t idx, uint64_t last_seen)
{
	if (c == NULL || idx >= c->n)
		return;
	atomic_fetch_or_explicit(&c->seen[idx / 64], (uint64_t)1 << (idx % 64),
	    memory_order_relaxed);
	/* Refreshing last_seen needs a rewrite; do it once a day, not on
	   every sweep, so a repeat sweep writes nothing. */
	if (last_seen + CACHE_REFRESH_SECS < (uint64_t)time(NULL))
		atomic_store(&c->refresh, 1);
}

static int
spill(struct cache *c)
{
	struct run *v;
	off_t off;

	if (c->npend == 0)
		return 0;
	if (c->runfd < 0 && open_runfile(c) != 0)
		return RP_ERR_IO;
	qsort(c->pend, c->npend, sizeof(*c->pend), entry_cmp);
	if ((off = lseek(c->runfd, 0, SEEK_END)) < 0 ||
	    write_full(c->runfd, c->pend, c->npend * sizeof(*c->pend)) != 0)
		return RP_ERR_IO;
	if ((v = realloc(c->runs, (c->nruns + 1) * sizeof(*v))) == NULL)
		return RP_ERR_NOMEM;
	c->runs = v;
	c->runs[c->nruns].off = (uint64_t)off;
	c->runs[c->nruns++].n = c->npend;
	c->npend = 0;
	return 0;
}

int
cache_add(struct cache *c, const struct cache_entry *e)
{
	int r = 0;

	if (c == NULL || c->readonly)
		return 0;
	pthread_mutex_lock(&c->mu);
	if (c->npend == CACHE_RUN)
		r = spill(c);
	if (r == 0) {
		c->pend[c->npend++] = *e;
		c->nnew++;
	}
	pthread_mutex_unlock(&c->mu);
	return r;
}

/* A sorted input of the merge: the old file, a spilled run, or the
   in-memory tail. */
struct msrc {
	int fd; /* -1: memory */
	uint64_t off, left; /* next file offset, entries left in the file */
	struct cache_entry *buf;
	size_t n, i;
	uint64_t next_idx; /* old file: index of buf[i] */
	int old;
};

static const struct cache_entry *
msrc_peek(struct msrc *s)
{
	size_t k;

	if (s->i < s->n)
		return &s->buf[s->i];
	if (s->fd < 0 || s->left == 0)
		return NULL;
	k = s->left < MERGE_BUF ? (size_t)s->left : MERGE_BUF;
	if (pread_full(s->fd, s->buf, k * sizeof(*s->buf), s->off) != 0)
		return NULL;
	s->off += k * sizeof(*s->buf);
	s->left -= k;
	s->n = k;
	s->i = 0;
	return &s->buf[0];
}

/* Output of the merge: buffered writes and the sparse index. */
struct mout {
	int fd;
	struct cache_entry buf[MERGE_BUF];
	size_t nbuf;
	uint64_t n, min_last_seen;
	struct cache_key *index;
	uint64_t capindex;
	int failed;
};

static void
mout_put(struct mout *o, const struct cache_entry *e)
{
	struct cache_key *v;

	if (o->failed)
		return;
	if (o->n % CACHE_BLOCK == 0) {
		if (o->n / CACHE_BLOCK == o->capindex) {
			o->capindex = o->capindex ? o->capindex * 2 : 1024;
			v = realloc(o->index, o->capindex * sizeof(*v));
			if (v == NULL) {
				o->failed = RP_ERR_NOMEM;
				return;
			}
			o->index = v;
		}
		o->index[o->n / CACHE_BLOCK].dev = e->dev;
		o->index[o->n / CACHE_BLOCK].ino = e->ino;
	}
	if (o->n == 0 || e->last_seen < o->min_last_seen)
		o->min_last_seen = e->last_seen;
	o->buf[o->nbuf++] = *e;
	o->n++;
	if (o->nbuf == MERGE_BUF) {
		if (write_full(o->fd, o->buf, sizeof(o->buf)) != 0)
			o->failed = RP_ERR_IO;
		o->nbuf = 0;
	}
}

/* Whether an old entry goes into the new file (and its last_seen). */
static int
keep_old(struct cache *c, struct cache_entry *e, uint64_t idx, uint64_t now)
{
	if (atomic_load_explicit(&c->seen[idx / 64], memory_order_relaxed) &
	    ((uint64_t)1 << (idx % 64))) {
		e->last_seen = now;
		return 1;
	}
	return e->last_seen + CACHE_KEEP_DAYS * 86400ull >= now;
}

static int
merge(struct cache *c, struct msrc *src, size_t nsrc, struct mout *o)
{
	const struct cache_entry *best, *p;
	struct cache_entry e;
	size_t i, bi;
	uint64_t now = (uint64_t)time(NULL), idx;
	int oldbest;
	int have_last = 0;
	uint64_t last_dev = 0, last_ino = 0;

	for (;;) {
		best = NULL;
		bi = 0;
		for (i = 0; i < nsrc; i++) {
			if ((p = msrc_peek(&src[i])) == NULL)
				continue;
			/* Ties: a new entry (later source) beats the old. */
			if (best == NULL ||
			    key_cmp(p->dev, p->ino, best->dev, best->ino) <=
				0) {
				best = p;
				bi = i;
			}
		}
		if (best == NULL)
			break;
		e = *best;
		oldbest = src[bi].old;
		idx = src[bi].next_idx++;
		src[bi].i++;
		/* Drop every other entry with the same key. */
		for (i = 0; i < nsrc; i++)
			while ((p = msrc_peek(&src[i])) != NULL &&
			    p->dev == e.dev && p->ino == e.ino) {
				src[i].i++;
				src[i].next_idx++;
			}
		if (oldbest && !keep_old(c, &e, idx, now))
			continue;
		/* Strictly increasing keys, even from a damaged old file
		   whose entries are out of order (those are dropped). */
		if (have_last && key_cmp(e.dev, e.ino, last_dev, last_ino) <= 0)
			continue;
		have_last = 1;
		last_dev = e.dev;
		last_ino = e.ino;
		mout_put(o, &e);
		if (o->failed)
			return o->failed;
	}
	if (o->nbuf > 0 &&
	    write_full(o->fd, o->buf, o->nbuf * sizeof(*o->buf)) != 0)
		return RP_ERR_IO;
	return 0;
}

static int
write_tail(struct mout *o)
{
	struct cache_hdr h;
	uint64_t nb = (o->n + CACHE_BLOCK - 1) / CACHE_BLOCK;

	if (nb > 0 && write_full(o->fd, o->index, nb * sizeof(*o->index)) != 0)
		return RP_ERR_IO;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, CACHE_MAGIC, 8);
	h.version = 1;
	h.entry_size = sizeof(struct cache_entry);
	h.n = o->n;
	h.nblocks = nb;
	h.min_last_seen = o->min_last_seen;
	if (pwrite(o->fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    fsync(o->fd) != 0)
		return RP_ERR_IO;
	return 0;
}

static void
fsync_dir(const char *path)
{
	char *dir = rp_strdup0(path), *slash;
	int fd;

	if (dir == NULL)
		return;
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	fd =
	    open(slash != NULL ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

static int
needs_save(struct cache *c)
{
	uint64_t now = (uint64_t)time(NULL);

	if (c->readonly)
		return 0;
	if (c->nnew > 0 || atomic_load(&c->refresh))
		return 1;
	/* Something to expire? */
	return c->n > 0 && c->min_last_seen + CACHE_KEEP_DAYS * 86400ull < now;
}

int
cache_save(struct cache *c, struct rp_diags *d)
{
	struct msrc *src = NULL;
	struct mout *o = NULL;
	char *tmp = NULL;
	size_t nsrc = 0, i;
	int r = RP_ERR_NOMEM;

	if (c == NULL || !needs_save(c))
		return 0;
	qsort(c->pend, c->npend, sizeof(*c->pend), entry_cmp);
	if ((src = calloc(c->nruns + 2, sizeof(*src))) == NULL ||
	    (o = calloc(1, sizeof(*o))) == NULL ||
	    (tmp = rp_asprintf("%s.tmpXXXXXX", c->path)) == NULL)
		goto out;
	o->fd = -1;
	if (c->fd >= 0 && c->n > 0) {
		src[nsrc].fd = c->fd;
		src[nsrc].off = CACHE_HDR;
		src[nsrc].left = c->n;
		src[nsrc].old = 1;
		nsrc++;
	}
	for (i = 0; i < c->nruns; i++, nsrc++) {
		src[nsrc].fd = c->runfd;
		src[nsrc].off = c->runs[i].off;
		src[nsrc].left = c->runs[i].n;
	}
	src[nsrc].fd = -1;
	src[nsrc].buf = c->pend;
	src[nsrc].n = c->npend;
	nsrc++;
	for (i = 0; i < nsrc; i++)
		if (src[i].fd >= 0 &&
		    (src[i].buf = malloc(MERGE_BUF * sizeof(*src[i].buf))) ==
			NULL)
			goto out;
	r = RP_ERR_IO;
	if ((o->fd = mkostemp(tmp, O_CLOEXEC)) < 0 ||
	    lseek(o->fd, CACHE_HDR, SEEK_SET) != CACHE_HDR)
		goto out;
	if ((r = merge(c, src, nsrc, o)) != 0 || (r = write_tail(o)) != 0)
		goto out;
	if (rename(tmp, c->path) != 0) {
		r = RP_ERR_IO;
		goto out;
	}
	free(tmp);
	tmp = NULL;
	fsync_dir(c->path);
	r = 1;
out:
	if (r < 0)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "%s: the sweep cache could not be written: %s", c->path,
		    r == RP_ERR_IO ? strerror(errno) : rp_strerror(r));
	if (tmp != NULL && o != NULL && o->fd >= 0)
		unlink(tmp);
	if (o != NULL) {
		if (o->fd >= 0)
			close(o->fd);
		free(o->index);
	}
	for (i = 0; src != NULL && i < nsrc; i++)
		if (src[i].fd >= 0)
			free(src[i].buf);
	free(src);
	free(o);
	free(tmp);
	return r;
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	if (c->runfd >= 0)
		close(c->runfd);
	if (c->lockfd >= 0)
		close(c->lockfd);
	pthread_mutex_destroy(&c->mu);
	free(c->index);
	free(c->seen);
	free(c->pend);
	free(c->runs);
	free(c->path);
	free(c);
}
