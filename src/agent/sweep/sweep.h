/*
 * The indicator sweep: walks file trees without following symlinks and
 * matches every regular file against a rules bundle -- SHA-256, SHA-1 and
 * MD5 digests (the indicator's size, when given, as a pre-filter), base
 * names, and YARA rules -- with a persistent cache so a repeat sweep reads
 * only files that changed.  It also checks a host's running processes
 * (their executables, read through /proc/PID/exe) and open connections
 * against the same indicators.  docs/agent-sweep.md describes the
 * behaviour in full.
 */
#ifndef RP_SWEEP_H
#define RP_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "inventory/inventory.h"
#include "ioc/ioc.h"
#include "util/diag.h"

#define SWEEP_YARA_TIMEOUT_DEFAULT 10 /* seconds per file */
#define SWEEP_YARA_MAX_SIZE_DEFAULT (32u * 1024 * 1024)
#define SWEEP_MAX_HITS 100000 /* further hits are only counted */
#define SWEEP_WORK_BUDGET_DEFAULT ((uint64_t)4 << 30)
#define SWEEP_MAX_INCOMPLETE 100000 /* further ones are only counted */

/* Counters, as a sweep goes; what tests and benchmarks count. */
struct sweep_counters {
	uint64_t files_seen; /* regular files found by the walk */
	uint64_t dirs_seen; /* directories entered */
	uint64_t files_opened; /* files whose content was read */
	uint64_t bytes_read;
	uint64_t bytes_seen; /* sum of the sizes of files_seen */
	uint64_t cache_hits; /* files answered by the cache, not read */
	uint64_t hits; /* files, processes and connections that matched */
	uint64_t skip_permission; /* a file or directory we may not open */
	uint64_t skip_vanished; /* gone between listing and opening */
	uint64_t skip_changed; /* changed while it was read, twice */
	uint64_t skip_too_large; /* over max_size */
	uint64_t skip_special; /* FIFOs, sockets, devices */
	uint64_t skip_excluded; /* matched an exclude pattern */
	uint64_t skip_fs; /* mount points not entered (pseudo, network,
			     other file system with one_fs) */
	uint64_t symlinks; /* symbolic links seen and not followed */
	uint64_t replaced; /* a different file was found at open than the
			      walk saw; the one opened is what is reported */
	uint64_t yara_skipped; /* over yara_max_size: hashed, not scanned */
	uint64_t yara_timeouts;
	uint64_t errors; /* other failures (I/O errors, YARA errors) */
	uint64_t budget_exceeded; /* more work than the per-file budget:
				     not read, listed as incomplete */
	uint64_t scan_failed; /* the scanner child crashed or broke the
				 protocol on it: listed as incomplete */
};

struct sweep_opts {
	const char *const *paths; /* start paths; NULL or 0: "/" */
	size_t npaths;
	int one_fs; /* stay on the device of each start path */
	int network_fs; /* also enter NFS, CIFS, SSHFS and the like */
	/* fnmatch(3) patterns: one with a '/' is matched against the full
	   path (FNM_PATHNAME off), one without against the base name.  A
	   matching directory is not entered. */
	const char *const *excludes;
	size_t nexcludes;
	uint64_t max_size; /* larger files are skipped; 0: no limit */
	unsigned threads; /* 0: the number of online CPUs */
	const char *cache_path; /* NULL: no cache */
	unsigned yara_timeout; /* seconds; 0: SWEEP_YARA_TIMEOUT_DEFAULT */
	uint64_t yara_max_size; /* 0: SWEEP_YARA_MAX_SIZE_DEFAULT */
	/* Work allowed per file: bytes hashed plus bytes YARA-scanned,
	   holes of sparse files included; 0: SWEEP_WORK_BUDGET_DEFAULT. */
	uint64_t work_budget;
	int walk_only; /* enumerate and stat only; read and match nothing */
	/* Called about four times a second from a thread of its own with a
	   snapshot of the counters; NULL: no progress. */
	void (*progress)(
	    const struct sweep_counters *c, double seconds, void *arg);
	void *progress_arg;
	/* Test hook: called with a file's path after the walk has stat'ed
	   it and before it is opened. */
	void (*before_open)(const char *path, void *arg);
	void *before_open_arg;
};

/* The rules of one bundle made ready for matching: an ioc_index and the
   bundle's YARA rules compiled once. */
struct sweep_rules;

/*
 * Indexes b's indicators and compiles its YARA rule texts, each in a
 * namespace named after its entry; rule errors go to d with the entry
 * name and line.  b must outlive the rules.  Returns 0, RP_ERR_INVALID
 * (a YARA rule does not compile) or RP_ERR_NOMEM; *out is the caller's
 * (sweep_rules_free).
 */
int sweep_rules_new(
    const struct ioc_bundle *b, struct sweep_rules **out, struct rp_diags *d);
void sweep_rules_free(struct sweep_rules *r);
/* The number of compiled YARA rules. */
size_t sweep_rules_yara_count(const struct sweep_rules *r);

enum sweep_hit_kind {
	SWEEP_HIT_FILE,
	SWEEP_HIT_PROCESS,
	SWEEP_HIT_CONNECTION,
};

/* One reason something matched: an indicator, or a YARA rule. */
struct sweep_match {
	const struct ioc *ioc; /* borrowed from the bundle, or NULL */
	const char *rule; /* YARA rule identifier, or NULL */
	const char *ns; /* its namespace: the bundle's YARA entry name */
	const char *yara_source; /* that entry's source, or NULL */
};

struct sweep_hit {
	enum sweep_hit_kind kind;
	/* Files and processes: the file; for a process the executable's
	   path as /proc says (it may be "(deleted)").  dev/ino/size/mtime
	   are of the content actually read. */
	const char *path;
	uint64_t dev, ino, size;
	int64_t mtime_ns;
	char sha256[65]; /* hex; "" when the file could not be read */
	char sha1[41]; /* hex or "" (computed only for SHA-1 indicators) */
	char md5[33];
	long pid; /* processes and connections; else -1 */
	const struct inv_conn *conn; /* connections: a copy the report owns */
	struct sweep_match *m;
	size_t nm;
};

/* A file that has no full verdict: its content was not (fully) matched. */
enum sweep_incomplete_why {
	SWEEP_INCOMPLETE_BUDGET, /* "budget exceeded" */
	SWEEP_INCOMPLETE_SCANNER, /* "scanner failed": the child crashed
				     or broke the protocol on it */
};
struct sweep_incomplete {
	enum sweep_incomplete_why why;
	const char *path;
	uint64_t dev, ino, size;
	int signal; /* SWEEP_INCOMPLETE_SCANNER: the child's signal, or 0 */
};

struct sweep_report {
	struct sweep_counters c;
	struct sweep_incomplete *inc;
	size_t ninc;
	double seconds; /* wall time of the sweep */
	struct sweep_hit *hits;
	size_t nhits; /* kept; c.hits counts all */
	int cache_used; /* the cache was read */
	int cache_saved; /* the cache was written back */
	struct sweep_report_priv *priv;
};

/* A new empty report; NULL when out of memory. */
struct sweep_report *sweep_report_new(void);
void sweep_report_free(struct sweep_report *r);

/*
 * Sweeps the paths of o with rules, adding hits and counters to rep.
 * Problems with single files are counted, not fatal; a start path that
 * cannot be opened, and a cache that cannot be read or written, are
 * warnings in d.  Returns 0, RP_ERR_ARG or RP_ERR_NOMEM.
 */
int sweep_run(const struct sweep_opts *o, const struct sweep_rules *rules,
    struct sweep_report *rep, struct rp_diags *d);

/*
 * Checks h's processes (each executable's base name against file-name
 * indicators; its content, opened through /proc/PID/exe so that even a
 * deleted image is read, against hash indicators and YARA rules) and
 * connections (remote address against IP indicators), adding hits to
 * rep.  A process that has exited or may not be read is counted in
 * skip_vanished / skip_permission.  Returns 0 or RP_ERR_NOMEM.
 */
int sweep_check_host(const struct inv_host *h, const struct sweep_rules *rules,
    struct sweep_report *rep, struct rp_diags *d);

/*
 * The report as JSON (docs/agent-sweep.md has the layout); NULL when out
 * of memory.  The caller decrefs.
 */
json_t *sweep_report_json(const struct sweep_report *rep);

/*
 * The default cache file: /var/lib/rampart/sweep-cache.bin for root,
 * else $XDG_CACHE_HOME/rampart/sweep-cache.bin (~/.cache when unset).
 * Returns a new string (caller frees) or NULL.
 */
char *sweep_default_cache_path(void);

#endif
