/*
 * The quarantine store: files the sweep matched, moved out of reach.
 * Each entry is the file's content compressed (zstd) behind a header that
 * makes it useless as it stands (no execute bits, not the original
 * format), plus a metadata record: original path, mode, owner, times,
 * size, SHA-256/SHA-1/MD5, why it was taken.
 *
 * Crash safety: an entry is written to a temporary name, fsync'ed,
 * renamed into place and the directory fsync'ed before the original is
 * unlinked (and the unlink is fsync'ed through its directory).  A crash at
 * any point leaves the file in place, or in place and in the store, or
 * only in the store -- never nowhere.  Restore is the same dance in the
 * other direction.
 */
#ifndef RP_QUARANTINE_H
#define RP_QUARANTINE_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include <jansson.h>

#include "util/diag.h"

#define QUARANTINE_DEFAULT_DIR "/var/lib/rampart/quarantine"
#define QUARANTINE_ID_LEN 32 /* hex characters */
#define QUARANTINE_REASON_MAX 1024 /* bytes of a reason text */
/*
 * Bytes of a path that can be quarantined and restored (NUL excluded).
 * Paths are never handed to the kernel whole -- every step is relative
 * to a directory descriptor -- so PATH_MAX (4096) does not apply; this
 * cap only bounds the record.
 */
#define QUARANTINE_PATH_MAX (64 * 1024)

struct qstore;

/* Where an entry stands, worked out when it is listed or looked up. */
enum qentry_state {
	QENTRY_STORED, /* in the store; nothing at the original path */
	QENTRY_ORIGINAL_PRESENT, /* in the store, and a file is at the path */
	QENTRY_DAMAGED, /* record unreadable or content missing */
};

/* One stored file, as its metadata record says. */
struct qentry {
	char id[QUARANTINE_ID_LEN + 1];
	char *path; /* original absolute path (any bytes but NUL) */
	mode_t mode; /* full st_mode, S_IFREG included */
	uid_t uid;
	gid_t gid;
	dev_t dev; /* identity of the original when it was taken */
	ino_t ino;
	struct timespec atime, mtime;
	uint64_t size;
	char sha256[65], sha1[41], md5[33];
	char *reason; /* "sha256:<hex> (advisory X)", ... */
	time_t quarantined_at;
	enum qentry_state state;
	pid_t *killed; /* quarantine_file: processes it terminated */
	size_t nkilled;
	pid_t *spared; /* processes running it, not terminated: the file has
			  other hard links and QUARANTINE_KILL_HARDLINKED
			  was not given */
	size_t nspared;
};

/* quarantine_file flags */
#define QUARANTINE_KILL 0x1 /* SIGKILL the processes running the file */
#define QUARANTINE_KILL_HARDLINKED 0x2 /* ... even when it has other links */

/*
 * Opens the store at dir (NULL: QUARANTINE_DEFAULT_DIR), creating it mode
 * 0700 when missing (parents 0755), and locks it (flock, exclusive; a
 * second opener waits).  The directory must be owned by the running
 * user, not be a symbolic link and not be group/world-writable.  Rolls
 * back what a crash left half-done: temporary files and content without
 * a record are deleted (see docs/agent-quarantine.md).  Returns 0,
 * RP_ERR_IO, RP_ERR_INVALID (unsafe directory) or RP_ERR_NOMEM; errors
 * name the path.
 */
int qstore_open(const char *dir, struct qstore **out, struct rp_diags *d);
/* Unlocks, wipes the key and frees; NULL is a no-op. */
void qstore_close(struct qstore *q);
/*
 * Adopts a store made before records were authenticated (qstore_open
 * refuses it: records but no key): creates its key when missing and
 * seals every record that has no MAC and reads well.  A record whose MAC
 * does not match, or that is damaged, is left as it is (a warning in d
 * names it).  *sealed: records sealed.  Returns 0, RP_ERR_INVALID
 * (unsafe store or key), RP_ERR_IO or RP_ERR_NOMEM.
 */
int qstore_adopt(const char *dir, size_t *sealed, struct rp_diags *d);

#ifdef RP_QUARANTINE_CRASH_HOOK
/*
 * Test hook, only in the test build of this library (meson: the
 * rp_quarantine_crashtest library, used by rampart-agent-crashtest and
 * the unit tests; the shipped agent has none of it): makes the process
 * raise(SIGKILL) when the named step of quarantine_file or qstore_restore
 * is reached ("add-rpq-synced", ...; the list is qstore_crash_steps).
 * NULL turns it off.  The test agent sets it from
 * RAMPART_QUARANTINE_CRASH_AT; the library never reads the environment.
 */
void qstore_set_crash_point(struct qstore *q, const char *step);
/* The step names, NULL-terminated, in the order they are reached. */
extern const char *const qstore_crash_steps[];
#endif

/*
 * Quarantines the regular file at the absolute path.  The path is walked
 * from "/" one component at a time with O_NOFOLLOW (a symbolic link
 * anywhere, or "..", is refused) and the file must still be the one the
 * caller examined: same device and inode, and (when expect_sha256 is not
 * NULL) the same SHA-256, else RP_ERR_INVALID and nothing is moved.  A
 * file that changes while it is read is refused too (RP_ERR_IO).  The
 * entry is written, verified and made durable before the original is
 * unlinked.  When a complete entry for the same file (path, device,
 * inode, SHA-256) is already stored -- a crash came between commit and
 * unlink -- that entry is reused and only the unlink is done.
 * flags: QUARANTINE_KILL first SIGKILLs the processes whose executable is
 * this file (out->killed lists them; failures to kill are warnings in d)
 * -- but only when the file has no other hard link: a process running the
 * inode may have been started through a name the caller never checked,
 * so with more than one link the processes are listed in out->spared and
 * in a warning each, and left running, unless QUARANTINE_KILL_HARDLINKED
 * is given too.  Other hard links to the file are left alone (a warning
 * says so).  On success
 * *out (may be NULL) receives the entry (free with qentry_clear).
 * reason: UTF-8 text up to QUARANTINE_REASON_MAX bytes, or NULL; invalid
 * bytes are stored as '?'.
 */
int quarantine_file(struct qstore *q, const char *path, dev_t dev, ino_t ino,
    const char *expect_sha256, const char *reason, unsigned flags,
    struct qentry *out, struct rp_diags *d);

/*
 * lstat(2) of the absolute path, walked as quarantine_file walks it (no
 * link followed, no PATH_MAX limit): what a caller passes as dev and ino.
 * Returns 0, RP_ERR_INVALID, RP_ERR_NOTFOUND, RP_ERR_IO or RP_ERR_NOMEM,
 * the reason in d.
 */
int quarantine_lstat(const char *path, struct stat *st, struct rp_diags *d);

/*
 * Lists the entries, oldest first (caller frees with qentry_list_free).
 * Records that cannot be read are listed as QENTRY_DAMAGED with only the
 * id set, and the reason in d.  Returns 0, RP_ERR_IO or RP_ERR_NOMEM.
 */
int qstore_list(
    struct qstore *q, struct qentry **out, size_t *n, struct rp_diags *d);
/*
 * Reads one entry.  Returns 0, RP_ERR_ARG (not an id), RP_ERR_NOTFOUND,
 * RP_ERR_INVALID (damaged record; detail in d) or RP_ERR_IO.
 */
int qstore_get(
    struct qstore *q, const char *id, struct qentry *out, struct rp_diags *d);
/* qstore_restore flags */
#define QRESTORE_KEEP_SETID 0x1 /* restore set-user-ID/set-group-ID bits */

/*
 * Puts the file back, byte-identical (SHA-256 checked before it appears),
 * with mode, owner and access/modification times; to dest when not NULL,
 * else the original path.  dest's directories are walked as in
 * quarantine_file.  Refuses to overwrite (RP_ERR_INVALID), and refuses a
 * record whose MAC does not match (RP_ERR_INVALID, naming the record).
 * The entry is removed only once the file is durable.  Set-user-ID and
 * set-group-ID bits are restored only with QRESTORE_KEEP_SETID, and then
 * only when the file got the recorded owner and group; otherwise they
 * are dropped with a warning in d.  When the owner cannot be set (not
 * root), the file keeps the caller's: a warning in d says so, and 0 is
 * returned.
 */
int qstore_restore(struct qstore *q, const char *id, const char *dest,
    unsigned flags, struct rp_diags *d);
/* Deletes an entry for good.  Returns 0, RP_ERR_ARG, RP_ERR_NOTFOUND or
 * RP_ERR_IO. */
int qstore_purge(struct qstore *q, const char *id, struct rp_diags *d);

/*
 * The metadata record of e as JSON (the form stored in <id>.json; with
 * state when with_state).  A path that is not UTF-8 is given as
 * "path_hex".  Returns a new reference, or NULL when out of memory.
 */
json_t *qentry_to_json(const struct qentry *e, int with_state);
/* A short name for a state: "stored", "original-present", "damaged". */
const char *qentry_state_name(enum qentry_state s);

/* Frees what e owns and zeroes it; the struct itself is the caller's. */
void qentry_clear(struct qentry *e);
void qentry_list_free(struct qentry *v, size_t n);

#endif
