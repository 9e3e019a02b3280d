/*
 * Internals of the walk, shared by walk.c (directories and the work
 * queue), file.c (one file: cache, read, match) and run.c (start paths,
 * threads, progress).
 */
#ifndef RP_SWEEP_WALK_INT_H
#define RP_SWEEP_WALK_INT_H

#include "sweep/sweep_int.h"
#include "util/str.h"

#define DENT_BUF (64u * 1024)
#define DIRQ_MAX_BYTES (4u * 1024 * 1024)
#define INLINE_MAX 32
#define FQ_CAP 64
#define MAX_THREADS 64
#define DIRH_MAX 256 /* more open directories: queue by path */

/* An open directory; files waiting in the queue hold references. */
struct dirh {
	struct walk *w;
	int fd;
	atomic_int ref;
	uint64_t dev, start_dev;
	size_t len;
	char path[];
};

struct dir_item {
	struct dir_item *next;
	struct dirh *parent; /* open parent (a reference), or NULL: open
				from the root by path */
	size_t name_off; /* the base name within path */
	uint64_t parent_dev, start_dev;
	int file_root; /* the start path is a file, not a directory */
	size_t len;
	char path[];
};

struct file_item {
	struct dirh *dh;
	struct stat st;
	unsigned want;
	int yara;
	const struct ioc *name_hit;
	char name[256];
};

struct root {
	int fd; /* the start directory (O_RDONLY), or -1 */
	int pfd; /* a start file: its directory (PLAT_OPEN_LOOKUP), or -1 */
	char *path;
	size_t len;
	uint64_t dev;
};

struct walk;

/* A file opened and waiting in the worker's batch for the scanner; the
   batch's struct scan_item with the same index holds its descriptor. */
struct pending {
	struct dirh *dh; /* a reference */
	const struct ioc *name_hit;
	char name[256];
};

struct worker {
	struct walk *w;
	pthread_t t;
	struct scanner sc;
	struct tcounters tc;
	struct cache_reader *rd;
	char *dbuf[INLINE_MAX + 1];
	struct rp_buf pb; /* path of the current file */
	struct scan_item *items; /* SCAN_BATCH of them */
	struct pending pend[SCAN_BATCH];
	size_t npend, batch; /* batch: files sent to the scanner at once */
};

struct walk {
	const struct sweep_opts *o;
	const struct sweep_rules *rules;
	struct sweep_report *rep;
	struct cache *cache;
	struct plat_mounts *mounts;
	struct root *roots;
	size_t nroots;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct dir_item *dirs;
	size_t dir_bytes;
	struct file_item files[FQ_CAP];
	size_t nfiles;
	atomic_uint idle;
	atomic_int live_dirh; /* open directories */
	unsigned nthreads;
	int done;
	int *ex_slash; /* per exclude: matched against the full path */
	uint64_t yara_max;
	uint64_t now;
	struct worker *wk;
	pthread_mutex_t pmu;
	pthread_cond_t pcv;
	int finished;
	struct timespec t0;
};

/* Drops a reference; the last one closes the directory. */
void dirh_put(struct dirh *dh);
/* Whether an exclude pattern matches the path or its base name. */
int excluded(struct walk *w, const char *path, const char *name);
/* dir + "/" + name into b; NULL when too long or out of memory. */
const char *join_path(
    struct rp_buf *b, const char *dir, size_t dlen, const char *name);
/* Counts a failed open/stat by its errno. */
void count_open_error(struct worker *k, int e);
/* A worker thread: takes files, then directories, until all are idle. */
void *worker_main(void *arg);

/* A regular file the walk stat'ed: decides what it needs (name, hashes,
   YARA), asks the cache, and reads it here or queues it. */
void file_found(
    struct worker *k, struct dirh *dh, const char *name, const struct stat *st);
/* Opens, checks, reads and matches one file, with what it needs. */
void file_read(struct worker *k, struct dirh *dh, const char *name,
    const struct stat *st, unsigned want, int yara, const struct ioc *name_hit);
/*
 * Resolves the start path r->path (absolute) from "/" without following
 * a symbolic link anywhere in it (plat_open_beneath for its directories,
 * then the last component stat'ed and opened O_NOFOLLOW), so what is
 * swept and reported is what was named.  The path is first normalised as
 * written ("." and empty components dropped, ".." takes away the
 * component before it; r->path is replaced).  A link is refused with an
 * error naming the start path, the component that is a link, where it
 * points and the path to give instead.  On success r->fd is the
 * directory, or r->pfd the directory of a regular file (then *is_file is
 * 1), and r->dev, r->len are set.  Returns 0, 1 (refused or unusable: an
 * error in d, always shown -- the other start paths are still swept;
 * nothing left open) or RP_ERR_NOMEM.
 */
int walk_open_start(struct root *r, int *is_file, struct rp_diags *d);
/* Scans and matches the files waiting in the worker's batch. */
void file_flush(struct worker *k);

#endif
