/*
 * Reading one file's content once and turning it into digests (OpenSSL
 * EVP, SHA-NI where the CPU has it) and YARA verdicts.  Each thread owns
 * one struct scanner: its digest contexts, a fixed streaming buffer, and
 * for YARA a whole-file buffer used up to yara_max_size and given back to
 * the system after a large file.  Only one thread at a time may hold a
 * buffer larger than BIG_KEEP, so peak memory is one large file plus the
 * small buffers of the others, not threads x yara_max_size.  Files are read into memory rather than mapped:
 * a file that shrinks under a mapping raises SIGBUS, a read simply comes
 * up short, and the size check after the read catches it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sweep/sweep_int.h"
#include "util/err.h"

#define BIG_KEEP (4u * 1024 * 1024) /* a larger YARA buffer is unmapped */

static const char *const md_names[3] = {"SHA256", "SHA1", "MD5"};

/* The one large-buffer token, shared by all scanners of the process. */
static pthread_mutex_t big_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t big_cv = PTHREAD_COND_INITIALIZER;
static int big_taken;

static void
big_token_take(void)
{
	pthread_mutex_lock(&big_mu);
	while (big_taken)
		pthread_cond_wait(&big_cv, &big_mu);
	big_taken = 1;
	pthread_mutex_unlock(&big_mu);
}

static void
big_token_give(void)
{
	pthread_mutex_lock(&big_mu);
	big_taken = 0;
	pthread_cond_signal(&big_cv);
	pthread_mutex_unlock(&big_mu);
}

static int
yara_cb(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *arg)
{
	struct scanner *s = arg;
	YR_RULE *rule = data;

	if (msg == CALLBACK_MSG_RULE_MATCHING && s->nyh < YARA_MATCH_MAX) {
		s->yh[s->nyh].rule = rule->identifier;
		s->yh[s->nyh].ns = rule->ns->name;
		s->nyh++;
	}
	return CALLBACK_CONTINUE;
}

int
scanner_init(struct scanner *s, const struct sweep_rules *r,
    unsigned yara_timeout, uint64_t yara_max_size, struct tcounters *tc)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->rules = r;
	s->yara_timeout = yara_timeout;
	s->yara_max_size = yara_max_size;
	s->tc = tc;
	for (i = 0; i < 3; i++) {
		s->md[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
		s->ctx[i] = EVP_MD_CTX_new();
		if (s->md[i] == NULL || s->ctx[i] == NULL)
			return RP_ERR_NOMEM;
	}
	if ((s->buf = malloc(SCAN_BUF)) == NULL)
		return RP_ERR_NOMEM;
	if (r != NULL && r->yr != NULL) {
		if (yr_scanner_create(r->yr, &s->ys) != ERROR_SUCCESS)
			return RP_ERR_NOMEM;
		yr_scanner_set_callback(s->ys, yara_cb, s);
		yr_scanner_set_timeout(s->ys, (int)yara_timeout);
		/* Rule verdicts are the same; strings not counted or
		   located by any condition stop at their first match. */
		yr_scanner_set_flags(s->ys, SCAN_FLAGS_FAST_MODE);
	}
	return 0;
}

static void
big_release(struct scanner *s)
{
	if (s->big != NULL)
		munmap(s->big, s->bigcap);
	if (s->bigcap > BIG_KEEP)
		big_token_give();
	s->big = NULL;
	s->bigcap = 0;
}

void
scanner_fini(struct scanner *s)
{
	int i;

	for (i = 0; i < 3; i++) {
		EVP_MD_CTX_free(s->ctx[i]);
		EVP_MD_free((EVP_MD *)s->md[i]);
	}
	free(s->buf);
	big_release(s);
	if (s->ys != NULL)
		yr_scanner_destroy(s->ys);
	memset(s, 0, sizeof(*s));
}

static unsigned char *
whole_buf(struct scanner *s, size_t need)
{
	size_t cap;

	if (need <= SCAN_BUF)
		return s->buf;
	if (need <= s->bigcap)
		return s->big;
	big_release(s);
	cap = (need + 0xfffff) & ~(size_t)0xfffff;
	if (cap > BIG_KEEP)
		big_token_take();
	s->big = mmap(NULL, cap, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->big == MAP_FAILED) {
		if (cap > BIG_KEEP)
			big_token_give();
		s->big = NULL;
		return NULL;
	}
	s->bigcap = cap;
	return s->big;
}

static void
digests_init(struct scanner *s, unsigned want)
{
	int i;

	for (i = 0; i < 3; i++)
		if (want & (1u << i))
			EVP_DigestInit_ex(s->ctx[i], s->md[i], NULL);
}

static void
digests_update(struct scanner *s, unsigned want, const void *p, size_t n)
{
	int i;

	for (i = 0; i < 3; i++)
		if (want & (1u << i))
			EVP_DigestUpdate(s->ctx[i], p, n);
}

static void
digests_final(struct scanner *s, unsigned want, struct digests *out)
{
	unsigned char *dst[3] = {out->sha256, out->sha1, out->md5};
	unsigned int len;
	int i;

	for (i = 0; i < 3; i++)
		if (want & (1u << i)) {
			EVP_DigestFinal_ex(s->ctx[i], dst[i], &len);
			out->flags |= 1u << i;
		}
}

/* Reads up to n bytes at the current offset; bytes read, or -1. */
static ssize_t
read_some(int fd, unsigned char *p, size_t n)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		k = read(fd, p + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

static int
yara_scan(
    struct scanner *s, const unsigned char *p, size_t n, struct digests *out)
{
	int e;

	s->nyh = 0;
	e = yr_scanner_scan_mem(s->ys, p, n);
	if (e == ERROR_SUCCESS) {
		if (s->nyh == 0)
			out->flags |= DIG_YARA_CLEAN;
		return 0;
	}
	if (e == ERROR_SCAN_TIMEOUT)
		CNT_ADD(s->tc, yara_timeouts, 1);
	else
		CNT_ADD(s->tc, errors, 1);
	return 0;
}

/* The whole file in one buffer: digests and YARA over the same bytes. */
static int
scan_whole(
    struct scanner *s, int fd, size_t size, unsigned want, struct digests *out)
{
	unsigned char *p;
	ssize_t got;
	int r = 1;

	if ((p = whole_buf(s, size)) == NULL)
		return RP_ERR_NOMEM;
	/* Exactly size bytes: a file that grows meanwhile shows it in the
	   fstat after the read. */
	if ((got = read_some(fd, p, size)) < 0) {
		r = RP_ERR_IO;
		goto out;
	}
	CNT_ADD(s->tc, bytes_read, (uint64_t)got);
	if ((size_t)got != size)
		goto out;
	digests_init(s, want);
	digests_update(s, want, p, size);
	digests_final(s, want, out);
	yara_scan(s, p, size, out);
	if (s->nyh > 0 && (want & DIG_SHA256) == 0) {
		/* A hit is reported with its SHA-256 (quarantine checks it). */
		digests_init(s, DIG_SHA256);
		digests_update(s, DIG_SHA256, p, size);
		digests_final(s, DIG_SHA256, out);
	}
	r = 0;
out:
	/* A large buffer goes back at once, and with it the token. */
	if (s->bigcap > BIG_KEEP)
		big_release(s);
	return r;
}

static int
scan_stream(struct scanner *s, int fd, uint64_t size, unsigned want,
    struct digests *out)
{
	uint64_t total = 0;
	ssize_t got;
	size_t n;

	digests_init(s, want);
	/* Exactly size bytes (no read to see EOF): a file that grows or
	   shrinks meanwhile shows it in the fstat after the read. */
	while (total < size) {
		n = size - total < SCAN_BUF ? (size_t)(size - total) : SCAN_BUF;
		if ((got = read_some(fd, s->buf, n)) < 0)
			return RP_ERR_IO;
		total += (uint64_t)got;
		CNT_ADD(s->tc, bytes_read, (uint64_t)got);
		if ((size_t)got < n)
			return 1; /* shorter than it was */
		digests_update(s, want, s->buf, (size_t)got);
	}
	digests_final(s, want, out);
	return 0;
}

int
scan_fd(struct scanner *s, int fd, const struct stat *st, unsigned want,
    int yara, struct digests *out)
{
	struct stat after;
	int r;

	memset(out, 0, sizeof(*out));
	s->nyh = 0;
	if ((uint64_t)st->st_size > SCAN_BUF)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (yara && s->ys != NULL && (uint64_t)st->st_size <= s->yara_max_size)
		r = scan_whole(s, fd, (size_t)st->st_size, want, out);
	else
		r = scan_stream(s, fd, (uint64_t)st->st_size, want, out);
	if (r != 0)
		return r;
	if (fstat(fd, &after) != 0)
		return RP_ERR_IO;
	if (after.st_size != st->st_size ||
	    after.st_mtim.tv_sec != st->st_mtim.tv_sec ||
	    after.st_mtim.tv_nsec != st->st_mtim.tv_nsec ||
	    after.st_ctim.tv_sec != st->st_ctim.tv_sec ||
	    after.st_ctim.tv_nsec != st->st_ctim.tv_nsec)
		return 1;
	return 0;
}
