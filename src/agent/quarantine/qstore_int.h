/*
 * Internals shared by the files of the quarantine store: the store handle,
 * the path walk that never follows a symbolic link, the metadata record
 * and the neutralised content container.  Not for use outside
 * src/agent/quarantine/ (and its fuzz targets and tests).
 */
#ifndef RP_QSTORE_INT_H
#define RP_QSTORE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "quarantine.h"

/* bytes of one <id>.json: room for a path of QUARANTINE_PATH_MAX bytes
   however it is escaped (at worst 6 bytes of JSON a byte) */
#define QRECORD_MAX (512 * 1024)
#define QPATH_MAX QUARANTINE_PATH_MAX
#define QNAME_MAX 255 /* bytes of one path component (NAME_MAX) */
#define QKEY_LEN 32 /* bytes of the store's record key (HMAC-SHA-256) */
#define QKEY_NAME "key" /* the key's file in the store directory */

/* Container: "RAMPARTQ", version, flags, id, size, SHA-256, zstd frame. */
#define QCONT_MAGIC "RAMPARTQ"
#define QCONT_VERSION 1
#define QCONT_HDR_LEN 72

struct qstore {
	int dirfd; /* the store directory, opened O_NOFOLLOW, locked */
	char *dir;
	unsigned char key[QKEY_LEN]; /* seals the records; wiped on close */
#ifdef RP_QUARANTINE_CRASH_HOOK
	char *crash_at; /* test hook, or NULL */
#endif
};

#ifdef RP_QUARANTINE_CRASH_HOOK
/* raise(SIGKILL) if step is the crash point set on q. */
void qstore_crash(const struct qstore *q, const char *step);
#else
/* Without the test hook the step names are not even in the binary. */
#define qstore_crash(q, step) ((void)(q))
#endif

/* Whether s is QUARANTINE_ID_LEN lowercase hex digits. */
int qid_valid(const char *s);
/* Hex of n bytes into out (2n + 1 bytes). */
void qhex(const unsigned char *v, size_t n, char *out);
/* fsync that retries EINTR; returns 0 or -1 with errno. */
int qfsync(int fd);
/* Adds an error (printf-style) to d and returns r. */
int qfail(struct rp_diags *d, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Writes all of buf; returns 0 or -1 with errno. */
int qwrite_all(int fd, const void *buf, size_t n);

/*
 * Opens the directories of the absolute path from "/" never following
 * a symbolic link (plat_open_beneath); "." components are skipped, ".."
 * refused.  The path may be longer than PATH_MAX (up to QPATH_MAX; a
 * component up to QNAME_MAX).
 * On success *dirfd is the parent directory (O_RDONLY, caller closes) and
 * *leaf the last component (caller frees).  Returns 0, RP_ERR_INVALID
 * (not absolute, "..", a symbolic link or non-directory on the way, no
 * last component), RP_ERR_NOTFOUND (a directory is missing), RP_ERR_IO or
 * RP_ERR_NOMEM; the reason is in d.
 */
int qpath_open_parent(
    const char *path, int *dirfd, char **leaf, struct rp_diags *d);

/*
 * Parses a metadata record (buf need not be NUL-terminated).  Every field
 * is checked: known keys only, lengths, ranges, hex digests, an absolute
 * path without NUL.  Returns 0 or RP_ERR_INVALID with detail in d;
 * RP_ERR_NOMEM.  On failure out is left cleared.
 */
int qrecord_parse(
    const void *buf, size_t len, struct qentry *out, struct rp_diags *d);
/* The record as JSON text without a MAC, caller frees; NULL on ENOMEM. */
char *qrecord_format(const struct qentry *e);
/* The record as it is stored: with "mac", the HMAC-SHA-256 under key of
   the record without it (compact, sorted keys).  Caller frees; NULL on
   ENOMEM. */
char *qrecord_seal(const struct qentry *e, const unsigned char *key);
/*
 * Checks the "mac" of a stored record against key (constant time).
 * Returns 0, RP_ERR_INVALID (no MAC -- then *unsealed is 1 -- a MAC that
 * does not match, not JSON; detail in d) or RP_ERR_NOMEM.  Parse the
 * record with qrecord_parse only after this.
 */
int qrecord_check_mac(const void *buf, size_t len, const unsigned char *key,
    int *unsealed, struct rp_diags *d);

/*
 * The store's key: read from <store>/key (a regular file of QKEY_LEN
 * bytes, owned by the running user, no group/other permission), or
 * created with the store -- when the key is missing and there is no
 * record yet, or when adopt is set.  A store with records but no key is
 * refused (RP_ERR_INVALID) with what to do.  Returns 0, RP_ERR_INVALID,
 * RP_ERR_IO.
 */
int qkey_load(struct qstore *q, int adopt, struct rp_diags *d);
/* Writes name in the store atomically (temporary, fsync, rename, fsync
   of the directory), mode 0400.  Returns 0 or RP_ERR_IO. */
int qstore_write_file(
    struct qstore *q, const char *name, const void *buf, size_t n);

/* Running digests of content as it is read. */
struct qhashes {
	void *sha256, *sha1, *md5; /* EVP_MD_CTX */
};
int qhashes_init(struct qhashes *h);
int qhashes_update(struct qhashes *h, const void *buf, size_t n);
/* Writes the hex digests into e and frees the contexts. */
int qhashes_final(struct qhashes *h, struct qentry *e);
void qhashes_free(struct qhashes *h);

/*
 * Compresses everything read from src into a container written to dst
 * (at offset 0, dst positioned at 0), hashing the content into e's
 * digests and size.  idraw: the 16 bytes of the entry id.  q: for crash
 * points (may be NULL).  Returns 0, RP_ERR_IO, RP_ERR_NOMEM.
 */
int qcont_write(const struct qstore *q, int src, int dst,
    const unsigned char idraw[16], struct qentry *e, struct rp_diags *d);
/*
 * Reads the container from fd (from offset 0) and decompresses it, to out
 * when out >= 0, checking the header (magic, version, id when idraw is
 * not NULL) and that the content has the size and SHA-256 the header
 * states and, when want is not NULL, those of want.  Reads are bounded:
 * content past the stated size is an error.  Returns 0, RP_ERR_INVALID
 * (not a container, or content does not match), RP_ERR_IO, RP_ERR_NOMEM.
 */
int qcont_extract(int fd, int out, const unsigned char *idraw,
    const struct qentry *want, struct rp_diags *d);

/* Lists the processes whose executable is dev/ino into *pids, and
   SIGKILLs them when do_kill (then only those killed are listed). */
int qkill_exe(dev_t dev, ino_t ino, int do_kill, pid_t **pids, size_t *n,
    struct rp_diags *d);

/* Reads <id>.json from the store into out. */
int qstore_read_record(
    struct qstore *q, const char *id, struct qentry *out, struct rp_diags *d);
/*
 * Removes an entry: <id>.json first (it stops being an entry), then
 * <id>.rpq, then syncs the store.  Returns 0 or RP_ERR_IO.
 */
int qstore_remove_entry(struct qstore *q, const char *id, struct rp_diags *d);
/* Whether a file exists at path (walked without following links). */
int qpath_exists(const char *path);

#endif
