/*
 * Between the files of src/agent/queue: the file primitives (qfile.c)
 * that the queue (queue.c) and the state files build on.
 */
#ifndef RP_AGENT_QUEUE_INT_H
#define RP_AGENT_QUEUE_INT_H

#include <stddef.h>
#include <sys/stat.h>

#include "queue.h"

/*
 * Opens name in dirfd for reading without following a symbolic link (nor
 * blocking on a FIFO): a regular file of this user that nobody else may
 * change.  Returns the descriptor with *st, or RP_ERR_NOTFOUND,
 * RP_ERR_INVALID (refused), RP_ERR_IO, with err.
 */
int qf_open_read(
    int dirfd, const char *name, struct stat *st, char err[QUEUE_ERR_MAX]);
/* Whether st (of name) is a directory or file this user may trust: its
   own, and nobody else may change it.  0 or RP_ERR_INVALID with err. */
int qf_trusted(
    const struct stat *st, const char *name, char err[QUEUE_ERR_MAX]);
/* Reads exactly len bytes from fd into buf.  0, or RP_ERR_IO with err
   (RP_ERR_INVALID when the file is shorter). */
int qf_read_exact(
    int fd, const char *name, void *buf, size_t len, char err[QUEUE_ERR_MAX]);
/*
 * Writes head[0..hlen) then data[0..len) as name in dirfd (mode 0600),
 * replacing it, whole or not at all: .NAME.tmp written, fsync'ed,
 * renamed over name, the directory fsync'ed.  Returns 0 or RP_ERR_IO
 * with err (the temporary file is removed).
 */
int qf_write_atomic(int dirfd, const char *name, const void *head, size_t hlen,
    const void *data, size_t len, char err[QUEUE_ERR_MAX]);
/* Unlinks name in dirfd (gone already is fine), without syncing. */
int qf_unlink(int dirfd, const char *name, char err[QUEUE_ERR_MAX]);
/* fsync(dirfd): what was renamed or unlinked there is durable. */
int qf_sync_dir(int dirfd, char err[QUEUE_ERR_MAX]);

#endif
