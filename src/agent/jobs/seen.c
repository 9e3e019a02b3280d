/*
 * The replay store (jobs.h): the nonces of accepted jobs, kept until
 * their job expires (+ PROTO_SKEW), so that a job cannot run twice even
 * across restarts.  One record per job, JOBS_SEEN_RECORD bytes:
 *
 *   0  "RJS1"              4  expires, int64 little-endian
 *   12 nonce (22 bytes)    34 job ID (26 bytes)    60 four zero bytes
 *   64 BLAKE2b-128 of bytes 0..64
 *
 * Records are only ever appended (O_APPEND, then fsync) -- a crash can
 * tear only the last one, which is then cut off, and it belonged to a
 * job that had not acted yet, since a job acts only after its record is
 * durable.  Pruning rewrites the file whole through a temporary name
 * (fsync, rename, directory fsync), so a crash leaves the old file or
 * the new one.  A damaged record before the last means the file was
 * changed by something else: the store is refused rather than guessed
 * at, since forgetting a nonce would let its job run again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "jobs.h"
#include "util/fdio.h"
#include "util/err.h"

#define REC JOBS_SEEN_RECORD
#define NONCE_LEN 22
#define SUM_AT 64
#define FILE_MAX ((size_t)(JOBS_SEEN_MAX + 16) * REC * 2)

struct entry {
	char nonce[NONCE_LEN + 1];
	char job[PROTO_JOB_ID_LEN + 1];
	int64_t expires;
};

struct jobs_seen {
	int dirfd;
	int lockfd, fd; /* fd: the store, open for appending */
	int broken; /* an append failed: no more until reopened */
	struct entry *v;
	size_t n;
};

static int
in_alpha(const unsigned char *s, size_t n, const char *alpha)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(alpha, s[i]) == NULL)
			return 0;
	return 1;
}

static const char B64URL[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char B32[] = "abcdefghijklmnopqrstuvwxyz234567";

static void
encode(
    unsigned char rec[REC], const char *nonce, const char *job, int64_t expires)
{
	uint64_t u = (uint64_t)expires;
	int i;

	memset(rec, 0, REC);
	memcpy(rec, "RJS1", 4);
	for (i = 0; i < 8; i++)
		rec[4 + i] = (unsigned char)(u >> (8 * i));
	memcpy(rec + 12, nonce, NONCE_LEN);
	memcpy(rec + 34, job, PROTO_JOB_ID_LEN);
	crypto_generichash(rec + SUM_AT, REC - SUM_AT, rec, SUM_AT, NULL, 0);
}

/* 0 and the fields when rec is a whole, valid record; else -1. */
static int
decode(const unsigned char *rec, struct entry *e)
{
	unsigned char sum[REC - SUM_AT];
	uint64_t u = 0;
	int i;

	crypto_generichash(sum, sizeof(sum), rec, SUM_AT, NULL, 0);
	if (memcmp(rec, "RJS1", 4) != 0 ||
	    sodium_memcmp(sum, rec + SUM_AT, sizeof(sum)) != 0 ||
	    !in_alpha(rec + 12, NONCE_LEN, B64URL) ||
	    !in_alpha(rec + 34, PROTO_JOB_ID_LEN, B32) || rec[60] != 0 ||
	    rec[61] != 0 || rec[62] != 0 || rec[63] != 0)
		return -1;
	for (i = 7; i >= 0; i--)
		u = (u << 8) | rec[4 + i];
	memcpy(e->nonce, rec + 12, NONCE_LEN);
	e->nonce[NONCE_LEN] = '\0';
	memcpy(e->job, rec + 34, PROTO_JOB_ID_LEN);
	e->job[PROTO_JOB_ID_LEN] = '\0';
	e->expires = (int64_t)u;
	return 0;
}

int
jobs_seen_parse(const unsigned char *buf, size_t len,
    int (*fn)(
	const char *nonce, const char *job_id, int64_t expires, void *arg),
    void *arg, size_t *whole, char err[JOBS_ERR_MAX])
{
	size_t i, n = len / REC;
	struct entry e;
	int r;

	*whole = 0;
	for (i = 0; i < n; i++) {
		if (decode(buf + i * REC, &e) != 0) {
			/* only the last record can be torn by a crash */
			if (i == n - 1 && len % REC == 0)
				return 0;
			snprintf(err, JOBS_ERR_MAX,
			    "%s: record %zu (of %zu) is damaged",
			    JOBS_SEEN_FILE, i + 1, n);
			return RP_ERR_INVALID;
		}
		if ((r = fn(e.nonce, e.job, e.expires, arg)) != 0)
			return r;
		*whole = (i + 1) * REC;
	}
	return 0;
}

struct take {
	struct jobs_seen *s;
	int64_t now;
	size_t dropped;
};

static int
take_one(const char *nonce, const char *job, int64_t expires, void *arg)
{
	struct take *t = arg;
	struct entry *e;

	if (expires + PROTO_SKEW < t->now) {
		t->dropped++;
		return 0;
	}
	if (t->s->n >= JOBS_SEEN_MAX + 16)
		return RP_ERR_LIMIT;
	e = &t->s->v[t->s->n++];
	memcpy(e->nonce, nonce, sizeof(e->nonce));
	memcpy(e->job, job, sizeof(e->job));
	e->expires = expires;
	return 0;
}

/* Writes the live entries as the whole file (temporary name, fsync,
 * rename over the old one, directory fsync). */
static int
rewrite(struct jobs_seen *s, char err[JOBS_ERR_MAX])
{
	char tmp[64];
	unsigned char rec[REC];
	size_t i;
	int fd;

	snprintf(
	    tmp, sizeof(tmp), ".%s.%08x", JOBS_SEEN_FILE, randombytes_random());
	fd = openat(s->dirfd, tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	for (i = 0; i < s->n; i++) {
		encode(rec, s->v[i].nonce, s->v[i].job, s->v[i].expires);
		if (rp_write_all(fd, rec, REC) != 0)
			goto fail;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(s->dirfd, tmp, s->dirfd, JOBS_SEEN_FILE) != 0 ||
	    fsync(s->dirfd) != 0)
		goto fail;
	return 0;
fail:
	snprintf(err, JOBS_ERR_MAX, "cannot write %s: %s", JOBS_SEEN_FILE,
	    strerror(errno));
	if (fd >= 0)
		close(fd);
	unlinkat(s->dirfd, tmp, 0);
	return RP_ERR_IO;
}

/* Reads the file into memory: *buf (caller frees) and *len; a missing
 * file is empty. */
static int
slurp(int dirfd, unsigned char **buf, size_t *len, char err[JOBS_ERR_MAX])
{
	struct stat st;
	int fd;

	*buf = NULL;
	*len = 0;
	fd = openat(dirfd, JOBS_SEEN_FILE,
	    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, JOBS_ERR_MAX, "%s: %s", JOBS_SEEN_FILE,
		    errno == ELOOP ? "a symbolic link (refused)"
				   : strerror(errno));
		if (fd >= 0)
			close(fd);
		return RP_ERR_IO;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) != 0 || (size_t)st.st_size > FILE_MAX) {
		snprintf(err, JOBS_ERR_MAX,
		    "%s: refused (not a regular file of this user that only "
		    "it may change, or larger than %zu bytes)",
		    JOBS_SEEN_FILE, FILE_MAX);
		close(fd);
		return RP_ERR_INVALID;
	}
	if ((*buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return RP_ERR_NOMEM;
	}
	*len = rp_read_full(fd, *buf, (size_t)st.st_size);
	close(fd);
	return 0;
}

static int
lock_store(int dirfd, char err[JOBS_ERR_MAX])
{
	int fd = openat(dirfd, JOBS_SEEN_FILE ".lock",
	    O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		snprintf(err, JOBS_ERR_MAX, "cannot lock %s.lock: %s",
		    JOBS_SEEN_FILE, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
jobs_seen_open(
    int dirfd, int64_t now, struct jobs_seen **out, char err[JOBS_ERR_MAX])
{
	struct jobs_seen *s;
	struct take t = {0};
	unsigned char *buf = NULL;
	size_t len = 0, whole = 0;
	int r = RP_ERR_NOMEM;

	*out = NULL;
	if (sodium_init() < 0)
		return RP_ERR_INTERNAL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return RP_ERR_NOMEM;
	s->dirfd = dirfd;
	s->fd = -1;
	if ((s->lockfd = lock_store(dirfd, err)) < 0) {
		free(s);
		return RP_ERR_IO;
	}
	if ((s->v = calloc(JOBS_SEEN_MAX + 16, sizeof(*s->v))) == NULL)
		goto out;
	if ((r = slurp(dirfd, &buf, &len, err)) != 0)
		goto out;
	t.s = s;
	t.now = now;
	r = jobs_seen_parse(buf, len, take_one, &t, &whole, err);
	if (r == RP_ERR_LIMIT)
		snprintf(err, JOBS_ERR_MAX, "%s: more records than it may hold",
		    JOBS_SEEN_FILE);
	if (r != 0)
		goto out;
	/* expired entries or a torn tail: write what is live, whole */
	if ((t.dropped > 0 || whole != len) && (r = rewrite(s, err)) != 0)
		goto out;
	s->fd = openat(dirfd, JOBS_SEEN_FILE,
	    O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	/* a file made just now must survive a crash with its records */
	if (s->fd < 0 || (len == 0 && fsync(dirfd) != 0)) {
		snprintf(err, JOBS_ERR_MAX, "%s: %s", JOBS_SEEN_FILE,
		    strerror(errno));
		r = RP_ERR_IO;
		goto out;
	}
	*out = s;
	s = NULL;
	r = 0;
out:
	free(buf);
	jobs_seen_close(s);
	return r;
}

void
jobs_seen_close(struct jobs_seen *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->lockfd >= 0)
		close(s->lockfd); /* and with it the lock */
	free(s->v);
	free(s);
}

int
jobs_seen_has(const struct jobs_seen *s, const char *nonce,
    char job_id[PROTO_JOB_ID_LEN + 1])
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].nonce, nonce) == 0) {
			if (job_id != NULL)
				memcpy(
				    job_id, s->v[i].job, PROTO_JOB_ID_LEN + 1);
			return 1;
		}
	return 0;
}

size_t
jobs_seen_count(const struct jobs_seen *s)
{
	return s->n;
}

int
jobs_seen_add(struct jobs_seen *s, const char *nonce, const char *job_id,
    int64_t expires, char err[JOBS_ERR_MAX])
{
	unsigned char rec[REC];
	struct entry *e;

	if (strlen(nonce) != NONCE_LEN ||
	    !in_alpha((const unsigned char *)nonce, NONCE_LEN, B64URL) ||
	    strlen(job_id) != PROTO_JOB_ID_LEN ||
	    !in_alpha((const unsigned char *)job_id, PROTO_JOB_ID_LEN, B32)) {
		snprintf(err, JOBS_ERR_MAX, "not a nonce and a job ID");
		return RP_ERR_ARG;
	}
	if (jobs_seen_has(s, nonce, NULL)) {
		snprintf(err, JOBS_ERR_MAX,
		    "replayed: this job's nonce was "
		    "seen before");
		return RP_ERR_INVALID;
	}
	if (s->n >= JOBS_SEEN_MAX) {
		snprintf(err, JOBS_ERR_MAX,
		    "the replay store is full (%d jobs that have not "
		    "expired): no new job until some expire",
		    JOBS_SEEN_MAX);
		return RP_ERR_LIMIT;
	}
	if (s->broken) {
		snprintf(err, JOBS_ERR_MAX,
		    "%s: an earlier write failed; reopen the store",
		    JOBS_SEEN_FILE);
		return RP_ERR_IO;
	}
	encode(rec, nonce, job_id, expires);
	if (rp_write_all(s->fd, rec, REC) != 0 || fsync(s->fd) != 0) {
		s->broken = 1;
		snprintf(err, JOBS_ERR_MAX, "cannot record the nonce in %s: %s",
		    JOBS_SEEN_FILE, strerror(errno));
		return RP_ERR_IO;
	}
	e = &s->v[s->n++];
	memcpy(e->nonce, nonce, sizeof(e->nonce));
	memcpy(e->job, job_id, sizeof(e->job));
	e->expires = expires;
	return 0;
}
