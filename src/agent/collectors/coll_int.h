/*
 * Internal to the collectors: opening files below a root without leaving
 * it, reading them with a size cap, and making text read from a machine
 * safe to store (printable UTF-8).
 */
#ifndef RP_COLL_INT_H
#define RP_COLL_INT_H

#include <stddef.h>

#include "util/diag.h"

/* Caps on what one collector reads. */
#define COLL_MAX_FILE (128u * 1024 * 1024) /* a package database file */
#define COLL_MAX_SMALL (64u * 1024) /* os-release, hostname, ... */

/*
 * Opens rel (relative, no leading "/" needed) below root with flags
 * (O_RDONLY, O_DIRECTORY, ...), resolving symbolic links as if root were
 * "/" so that an image's absolute links stay inside it (plat_open_in_root;
 * where the kernel cannot, no link is followed at all).  Returns a
 * descriptor, or -1 with errno set.
 */
int coll_open(const char *root, const char *rel, int flags);

/*
 * Reads all of fd (at most max bytes) into a new NUL-terminated buffer
 * the caller frees; *len excludes the NUL.  A regular file whose size is
 * over max is refused before anything is read or allocated; others (proc
 * files report size 0) are read into a buffer that never grows past
 * max + 1 bytes.  Returns 0, RP_ERR_IO (errno set), RP_ERR_LIMIT or
 * RP_ERR_NOMEM.  Does not close fd.
 */
int coll_read_fd(int fd, size_t max, char **out, size_t *len);

/*
 * As coll_open + coll_read_fd.  Returns RP_ERR_NOTFOUND when rel does not
 * exist; other failures are RP_ERR_IO / RP_ERR_LIMIT with an error in d
 * naming root/rel.
 */
int coll_read_file(const char *root, const char *rel, size_t max, char **out,
    size_t *len, struct rp_diags *d);

/* "root/rel" for messages, in buf (truncated to fit). */
const char *coll_path(char *buf, size_t len, const char *root, const char *rel);

/*
 * Replaces, in place, every control character and every byte that is not
 * part of valid UTF-8 by '?', so that the text can go into JSON and onto
 * a terminal.  Returns the number of bytes replaced.
 */
size_t coll_clean(char *s);

/* What os-release says (empty strings for keys it lacks). */
struct coll_osrel {
	char id[64]; /* "debian", "ubuntu", "opensuse-leap" */
	char version_id[64]; /* "12", "18.04" */
	char name[256]; /* "Debian GNU/Linux" */
	char version[128]; /* "12 (bookworm)" */
	char pretty_name[256];
};

/*
 * Reads root/etc/os-release, else root/usr/lib/os-release.  Returns 0,
 * RP_ERR_NOTFOUND (neither exists) or an error recorded in d.
 */
int coll_os_release(
    const char *root, struct coll_osrel *out, struct rp_diags *d);

/*
 * Sets the host's OS from a macOS image's
 * System/Library/CoreServices/SystemVersion.plist (ProductName,
 * ProductVersion).  Returns 0, RP_ERR_NOTFOUND or an error in d.
 */
struct inv_host;
int coll_macos_version(
    const char *root, struct inv_host *h, struct rp_diags *d);

/*
 * A library's parsing of hostile files, run in a confined child
 * (confined.c).  fn fills the host and diagnostics it is given (the
 * child's own) and returns 0 or an RP_ERR_* code; jailed says whether the
 * child was shut into jail (then jail is "/" to it).  With jail NULL the
 * child may open nothing: fn works on data the parent read before (a
 * fork copies it).
 */
struct coll_confined {
	const char *what; /* for messages: "librpm", a file's path */
	const char *jail; /* the directory the child may open files in */
	int (*fn)(
	    void *arg, int jailed, struct inv_host *h, struct rp_diags *d);
	void *arg;
};

/*
 * Runs c in a confined child and copies what it found (the OS, if h has
 * none, and the software; the child's diagnostics into d) after checking
 * its answer as untrusted input.  Returns fn's code, or RP_ERR_IO when
 * the child could not run or died (killed by a forbidden system call,
 * say: then an error in d says so), RP_ERR_INVALID or RP_ERR_LIMIT for
 * an answer that is not valid, RP_ERR_NOMEM.
 */
int coll_run_confined(
    const struct coll_confined *c, struct inv_host *h, struct rp_diags *d);

/*
 * Appends s to b percent-encoded for a purl segment or qualifier value
 * (everything but ASCII letters, digits and "._~-").
 */
struct rp_buf;
void coll_purl_encode(struct rp_buf *b, const char *s);

#endif
