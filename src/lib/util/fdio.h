/*
 * Whole-buffer reads and writes on a file descriptor, retried across
 * EINTR and short transfers: the loop every atomic file write and every
 * bounded file read needs once.
 */
#ifndef RP_FDIO_H
#define RP_FDIO_H

#include <stddef.h>

/* Writes all n bytes of p: 0, or -1 with errno set. */
int rp_write_all(int fd, const void *p, size_t n);
/* Reads up to n bytes into buf, stopping early only at end of file or
 * an error; returns how many were read. */
size_t rp_read_full(int fd, void *buf, size_t n);

#endif
