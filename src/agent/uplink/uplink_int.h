/*
 * Between the files of src/agent/uplink: the state directory's file
 * primitives (state.c) that the enrolment record (enrolment.c) and the
 * signed link (uplink.c) build on.
 */
#ifndef RP_AGENT_UPLINK_INT_H
#define RP_AGENT_UPLINK_INT_H

#include <sys/stat.h>
#include <sys/types.h>

#include "uplink.h"

/*
 * Writes data as name in dirfd with mode, whole or not at all (temporary
 * file, fsync, rename, fsync of the directory), never replacing a file
 * already there.  Returns 0, RP_ERR_INVALID (name exists) or RP_ERR_IO,
 * with err.
 */
int uplink_write_new(int dirfd, const char *name, const void *data, size_t len,
    mode_t mode, char err[UPLINK_ERR_MAX]);
/*
 * Opens name in dirfd for reading without following a symbolic link: a
 * regular file of this user that nobody else may change (nor, when
 * secret, read).  Returns the descriptor (st filled) or RP_ERR_NOTFOUND,
 * RP_ERR_INVALID, RP_ERR_IO with err.
 */
int uplink_open_trusted(int dirfd, const char *name, int secret,
    struct stat *st, char err[UPLINK_ERR_MAX]);
/* Loads identity.key's 64 bytes into sk (checked as uplink_identity
 * does).  Returns 0 or as uplink_identity. */
int uplink_key_load(int dirfd, unsigned char sk[64], char err[UPLINK_ERR_MAX]);

#endif
