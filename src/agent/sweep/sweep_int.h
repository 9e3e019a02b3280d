/*
 * Internals shared by the sweep's files: compiled rules, the per-thread
 * scanning context, the persistent cache and the mount table.  Nothing
 * here is part of the public interface (sweep.h).
 */
#ifndef RP_SWEEP_INT_H
#define RP_SWEEP_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <yara.h>

#include "platform/platform.h"
#include "sandbox/sandbox.h"

#include "sweep/sweep.h"

struct sweep_rules {
	const struct ioc_bundle *b;
	struct ioc_index *x;
	YR_RULES *yr; /* NULL when the bundle has no YARA text */
	size_t nyara_rules;
	uint64_t yara_tag; /* identifies the compiled rules in the cache */
	int any_hash; /* some SHA-256, SHA-1 or MD5 indicator */
};

/* What a file's content turned into. */
#define DIG_SHA256 1u
#define DIG_SHA1 2u
#define DIG_MD5 4u
#define DIG_YARA_CLEAN                                                         \
	8u /* scanned by rules with the entry's yara_tag,
			     nothing matched */

struct digests {
	unsigned flags;
	unsigned char sha256[32], sha1[20], md5[16];
};

#define YARA_MATCH_MAX 64
struct yara_hit {
	const char *rule, *ns;
};

/* Per-thread counters, read by the progress thread while they change. */
struct tcounters {
	_Atomic uint64_t v[sizeof(struct sweep_counters) / sizeof(uint64_t)];
};
#define CNT_IDX(field)                                                         \
	(offsetof(struct sweep_counters, field) / sizeof(uint64_t))
#define CNT_ADD(tc, field, n)                                                  \
	atomic_store_explicit(&(tc)->v[CNT_IDX(field)],                        \
	    atomic_load_explicit(                                              \
		&(tc)->v[CNT_IDX(field)], memory_order_relaxed) +              \
		(n),                                                           \
	    memory_order_relaxed)

/* One thread's tools for reading and matching file content: a confined
   scanner child (sandbox.h) that is given the file's descriptor. */
struct scanner {
	const struct sweep_rules *rules;
	uint64_t yara_max_size;
	uint64_t budget; /* work per file; 0: SANDBOX_BUDGET_DEFAULT */
	struct sandbox *sb;
	struct yara_hit yh[YARA_MATCH_MAX];
	size_t nyh;
	uint32_t status; /* the last file's enum sandbox_status */
	struct tcounters *tc;
};

int scanner_init(struct scanner *s, const struct sweep_rules *r,
    unsigned yara_timeout, uint64_t yara_max_size, uint64_t budget,
    struct tcounters *tc);
void scanner_fini(struct scanner *s);

/* scan_fd's answers besides 0, 1 and RP_ERR_*. */
#define SCAN_BUDGET 2 /* the work budget would be exceeded: not read */
#define SCAN_FAILED 3 /* the scanner child crashed or misbehaved on it */

/*
 * Has the scanner child read the regular file open at fd, whose fstat is
 * st, computing the digests in want (DIG_*) and, when yara is set,
 * scanning it with the YARA rules (s->yh, s->nyh get the matches).
 * Returns 0, 1 when the file changed while it was read (size, mtime or
 * ctime, or a short read), SCAN_BUDGET, SCAN_FAILED (s->status says
 * which), or a negative RP_ERR_* (read error).  out->flags says what was
 * computed.
 */
int scan_fd(struct scanner *s, int fd, const struct stat *st, unsigned want,
    int yara, struct digests *out);

/* One file of a batch: what to do with it, and what came of it. */
struct scan_item {
	int fd; /* stays the caller's */
	struct stat st; /* its fstat when opened */
	unsigned want;
	int yara;
	int r; /* as scan_fd returns */
	struct digests dg;
	struct yara_hit yh[YARA_MATCH_MAX];
	size_t nyh;
};
#define SCAN_BATCH SANDBOX_BATCH_MAX
/* scan_fd for n files (1..SCAN_BATCH) in one exchange with the child. */
void scan_batch(struct scanner *s, struct scan_item *it, size_t n);

/* Hex of n bytes into out (2n+1 bytes). */
void hex_encode(const unsigned char *v, size_t n, char *out);

/* Adds a hit (strings copied; m[] copied); thread-safe. */
int report_add_hit(struct sweep_report *rep, const struct sweep_hit *h,
    const struct sweep_match *m, size_t nm);
/* Adds a file without a full verdict (path copied); thread-safe. */
int report_add_incomplete(
    struct sweep_report *rep, const struct sweep_incomplete *f);
/* How many hits so far (thread-safe). */
uint64_t report_hit_count(struct sweep_report *rep);
/* Adds a thread's counters into the report's. */
void report_add_counters(struct sweep_report *rep, const struct tcounters *tc);

/* Matches computed digests and YARA hits against the rules into m (at
   most mmax entries); returns how many. */
size_t rules_match(const struct sweep_rules *r, const struct digests *dg,
    uint64_t size, const struct yara_hit *yh, size_t nyh, struct sweep_match *m,
    size_t mmax);

/* ---- The persistent hash cache (cache.c) ---- */

struct cache_entry {
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
	uint64_t last_seen; /* Unix time of the sweep that last saw it */
	uint64_t yara_tag;
	uint32_t flags; /* DIG_* */
	uint32_t pad;
	unsigned char sha256[32], sha1[20], md5[16];
};

#define CACHE_BLOCK 32 /* entries per block of the on-disk index */
#define CACHE_SLOTS                                                            \
	32 /* blocks a reader keeps (a directory's files
			  have nearby inodes, listed in hash order) */
struct cache_block {
	uint64_t block; /* UINT64_MAX: none */
	size_t n;
	struct cache_entry e[CACHE_BLOCK];
};
struct cache_reader {
	struct cache_block slot[CACHE_SLOTS];
};
/* Makes a reader empty; call before its first lookup. */
void cache_reader_init(struct cache_reader *rd);

struct cache;

/*
 * Opens the cache at path (a missing file is an empty cache; an unusable
 * one is a warning in d and an empty cache).  Takes an exclusive lock on
 * path.lock; when another sweep holds it the cache is read but not saved.
 * Returns 0, RP_ERR_IO (the directory cannot be made) or RP_ERR_NOMEM.
 */
int cache_open(const char *path, struct cache **out, struct rp_diags *d);
/* Looks (dev, ino) up; 1 and *out when present, else 0.  Thread-safe with
   one reader per thread; *idx identifies the entry for cache_seen. */
int cache_lookup(struct cache *c, struct cache_reader *rd, uint64_t dev,
    uint64_t ino, struct cache_entry *out, uint64_t *idx);
/* Notes that a looked-up entry still holds (kept and refreshed). */
void cache_seen(struct cache *c, uint64_t idx, uint64_t last_seen);
/* Adds or replaces an entry; thread-safe.  Returns 0 or RP_ERR_*. */
int cache_add(struct cache *c, const struct cache_entry *e);
/* Writes the merged cache (new file, fsync, rename) when anything
   changed.  Returns 1 when written, 0 when there was nothing to write or
   it was read-only, or RP_ERR_IO / RP_ERR_NOMEM (warning in d). */
int cache_save(struct cache *c, struct rp_diags *d);
void cache_free(struct cache *c);

#endif
