/*
 * One file's content turned into digests and YARA verdicts -- not here:
 * by the thread's confined scanner child (src/agent/sandbox), which is
 * given the open descriptor and answers with a fixed-size record.  This
 * side decides what to ask, maps the child's rule indices back to the
 * rules this process compiled, checks by fstat after the answer that the
 * file did not change while it was read, and keeps the memory rule: only
 * one child at a time may hold a YARA buffer larger than BIG_KEEP, so
 * peak memory is one large file plus the small buffers of the others,
 * not threads x yara_max_size.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep/sweep_int.h"
#include "util/err.h"

#define BIG_KEEP (4u * 1024 * 1024) /* as the child's: larger is unmapped */
#define FADV_MIN (512u * 1024)

_Static_assert(DIG_SHA256 == SANDBOX_SHA256 && DIG_SHA1 == SANDBOX_SHA1 &&
	DIG_MD5 == SANDBOX_MD5,
    "digest flags are the sandbox's");

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

int
scanner_init(struct scanner *s, const struct sweep_rules *r,
    unsigned yara_timeout, uint64_t yara_max_size, uint64_t budget,
    struct tcounters *tc)
{
	memset(s, 0, sizeof(*s));
	s->rules = r;
	s->yara_max_size = yara_max_size;
	s->budget = budget;
	s->tc = tc;
	return sandbox_new(
	    r != NULL ? r->yr : NULL, yara_timeout, yara_max_size, &s->sb);
}

void
scanner_fini(struct scanner *s)
{
	sandbox_free(s->sb);
	memset(s, 0, sizeof(*s));
}

/* The child's answer into out, yh and the counters. */
static void
take_result(struct scanner *s, const struct sandbox_result *res, int yara,
    struct digests *out, struct yara_hit *yh, size_t *nyh)
{
	const YR_RULE *rule;
	uint32_t i;

	out->flags = res->flags & (DIG_SHA256 | DIG_SHA1 | DIG_MD5);
	memcpy(out->sha256, res->sha256, 32);
	memcpy(out->sha1, res->sha1, 20);
	memcpy(out->md5, res->md5, 16);
	*nyh = 0;
	for (i = 0; i < res->nyara && *nyh < YARA_MATCH_MAX; i++) {
		/* The index was checked against num_rules by the sandbox. */
		rule = &s->rules->yr->rules_table[res->yara_rule[i]];
		yh[*nyh].rule = rule->identifier;
		yh[*nyh].ns = rule->ns->name;
		(*nyh)++;
	}
	if (yara && (res->flags & SANDBOX_YARA_DONE) && *nyh == 0)
		out->flags |= DIG_YARA_CLEAN;
	if (res->flags & SANDBOX_YARA_TIMEOUT)
		CNT_ADD(s->tc, yara_timeouts, 1);
	if (res->flags & SANDBOX_YARA_ERROR)
		CNT_ADD(s->tc, errors, 1);
}

/* The request for one file; whether it needs the large-buffer token. */
static int
prepare(struct scanner *s, struct scan_item *it, struct sandbox_req *rq)
{
	const struct stat *st = &it->st;

	it->yara = it->yara && s->rules != NULL && s->rules->yr != NULL &&
	    (uint64_t)st->st_size <= s->yara_max_size;
	if ((uint64_t)st->st_size > FADV_MIN)
		(void)posix_fadvise(it->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	memset(rq, 0, sizeof(*rq));
	rq->want = it->want & (DIG_SHA256 | DIG_SHA1 | DIG_MD5);
	rq->yara = (uint32_t)it->yara;
	rq->size = (uint64_t)st->st_size;
	rq->allocated = (uint64_t)st->st_blocks * 512;
	rq->budget = s->budget;
	return it->yara && rq->size > BIG_KEEP;
}

static int
changed(int fd, const struct stat *st)
{
	struct stat after;

	if (fstat(fd, &after) != 0)
		return RP_ERR_IO;
	return after.st_size != st->st_size ||
	    after.st_mtim.tv_sec != st->st_mtim.tv_sec ||
	    after.st_mtim.tv_nsec != st->st_mtim.tv_nsec ||
	    after.st_ctim.tv_sec != st->st_ctim.tv_sec ||
	    after.st_ctim.tv_nsec != st->st_ctim.tv_nsec;
}

/* One answer into it->r and the rest. */
static void
finish(
    struct scanner *s, struct scan_item *it, const struct sandbox_result *res)
{
	s->status = res->status;
	CNT_ADD(s->tc, bytes_read, res->bytes_read);
	switch (res->status) {
	case SANDBOX_OK:
		take_result(s, res, it->yara, &it->dg, it->yh, &it->nyh);
		it->r = changed(it->fd, &it->st);
		return;
	case SANDBOX_CHANGED:
		it->r = 1;
		return;
	case SANDBOX_IO:
		it->r = RP_ERR_IO;
		return;
	case SANDBOX_NOMEM:
		it->r = RP_ERR_NOMEM;
		return;
	case SANDBOX_BUDGET:
		CNT_ADD(s->tc, budget_exceeded, 1);
		it->r = SCAN_BUDGET;
		return;
	default:
		CNT_ADD(s->tc, scan_failed, 1);
		it->r = SCAN_FAILED;
	}
}

void
scan_batch(struct scanner *s, struct scan_item *it, size_t n)
{
	struct sandbox_req rq[SCAN_BATCH] = {{0}};
	struct sandbox_result res[SCAN_BATCH];
	int fds[SCAN_BATCH] = {0}, big = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&it[i].dg, 0, sizeof(it[i].dg));
		it[i].nyh = 0;
		big |= prepare(s, &it[i], &rq[i]);
		fds[i] = it[i].fd;
	}
	if (big)
		big_token_take();
	sandbox_scan_batch(s->sb, fds, rq, n, res);
	if (big)
		big_token_give();
	for (i = 0; i < n; i++)
		finish(s, &it[i], &res[i]);
}

int
scan_fd(struct scanner *s, int fd, const struct stat *st, unsigned want,
    int yara, struct digests *out)
{
	static _Thread_local struct scan_item it;

	it.fd = fd;
	it.st = *st;
	it.want = want;
	it.yara = yara;
	scan_batch(s, &it, 1);
	*out = it.dg;
	memcpy(s->yh, it.yh, it.nyh * sizeof(it.yh[0]));
	s->nyh = it.nyh;
	return it.r;
}
