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
#include <sys/types.h>
#include <time.h>

#include "util/diag.h"

#define QUARANTINE_DEFAULT_DIR "/var/lib/rampart/quarantine"
#define QUARANTINE_ID_LEN 32 /* hex characters */

struct qstore;

/* One stored file, as its metadata record says. */
struct qentry {
	char id[QUARANTINE_ID_LEN + 1];
	char *path; /* original absolute path */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec atime, mtime;
	uint64_t size;
	char sha256[65], sha1[41], md5[33];
	char *reason; /* "sha256:<hex> (advisory X)", ... */
	time_t quarantined_at;
};

/*
 * Opens the store at dir (NULL: QUARANTINE_DEFAULT_DIR), creating it mode
 * 0700 when missing, and finishes or rolls back whatever a crash left
 * half-done.  Returns 0, RP_ERR_IO or RP_ERR_NOMEM; errors name the path.
 */
int qstore_open(const char *dir, struct qstore **out, struct rp_diags *d);
void qstore_close(struct qstore *q);

/*
 * Quarantines the regular file at the absolute path.  The file is opened
 * with O_NOFOLLOW along the whole path and must still be the one the
 * caller examined: same device and inode, and (when expect_sha256 is not
 * NULL) the same SHA-256, else RP_ERR_INVALID and nothing is moved.  On
 * success *out (may be NULL) receives the entry (free its strings with
 * qentry_clear).  kill_procs: also terminate processes executing it.
 */
int quarantine_file(struct qstore *q, const char *path, dev_t dev, ino_t ino,
    const char *expect_sha256, const char *reason, int kill_procs,
    struct qentry *out, struct rp_diags *d);

/* Lists the entries (caller frees with qentry_list_free). */
int qstore_list(
    struct qstore *q, struct qentry **out, size_t *n, struct rp_diags *d);
int qstore_get(
    struct qstore *q, const char *id, struct qentry *out, struct rp_diags *d);
/*
 * Puts the file back, byte-identical, with mode, owner and times; to
 * dest when not NULL, else the original path.  Refuses to overwrite an
 * existing file.  The entry is removed only once the file is durable.
 */
int qstore_restore(
    struct qstore *q, const char *id, const char *dest, struct rp_diags *d);
/* Deletes an entry for good. */
int qstore_purge(struct qstore *q, const char *id, struct rp_diags *d);

void qentry_clear(struct qentry *e);
void qentry_list_free(struct qentry *v, size_t n);

#endif
