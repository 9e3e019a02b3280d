/*
 * The scanner child.  After the fork it confines itself (plat_confine:
 * every descriptor but its socket closed, no core dumps, no new
 * privileges, death with its parent, the system call allowlist) and then
 * serves one request at a time:
 * a struct sb_req of exactly its size, of a type on its list, with
 * exactly one descriptor for SB_MSG_SCAN.  Anything else ends the child
 * (SB_EXIT_PROTO): a parent that sends garbage is not one to talk to.
 *
 * Reading is bounded: the work (bytes hashed plus bytes YARA scans,
 * holes included) is checked against the request's budget before
 * anything is read, and a file with holes (allocated < size) is read
 * only where SEEK_DATA says there is data; the holes are fed to the
 * digests as zeros from a static buffer, which is CPU but no I/O.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef SANDBOX_TEST_HOOKS
#include <netinet/in.h>
#endif

#include "platform/platform.h"
#include "sandbox/sb_int.h"

#define BIG_KEEP (4u * 1024 * 1024) /* a larger YARA buffer is unmapped */
#define ZERO_BUF (64u * 1024)

static const unsigned char zeros[ZERO_BUF];

static int
yara_cb(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *arg)
{
	struct sb_child *c = arg;
	YR_RULE *rule = data;
	struct sandbox_result *r = c->cur;

	if (msg == CALLBACK_MSG_RULE_MATCHING && r->nyara < SANDBOX_YARA_MAX)
		r->yara_rule[r->nyara++] =
		    (uint32_t)(rule - c->rules->rules_table);
	return CALLBACK_CONTINUE;
}

static void
dg_init(struct sb_child *c, unsigned want)
{
	int i;

	for (i = 0; i < 3; i++)
		if (want & (1u << i))
			EVP_DigestInit_ex(c->ctx[i], c->md[i], NULL);
}

static void
dg_update(struct sb_child *c, unsigned want, const void *p, size_t n)
{
	int i;

	for (i = 0; i < 3; i++)
		if (want & (1u << i))
			EVP_DigestUpdate(c->ctx[i], p, n);
}

static void
dg_final(struct sb_child *c, unsigned want, struct sandbox_result *r)
{
	unsigned char *dst[3] = {r->sha256, r->sha1, r->md5};
	unsigned int len;
	int i;

	for (i = 0; i < 3; i++)
		if (want & (1u << i)) {
			EVP_DigestFinal_ex(c->ctx[i], dst[i], &len);
			r->flags |= 1u << i;
		}
}

static void
dg_zeros(struct sb_child *c, unsigned want, uint64_t n)
{
	size_t k;

	while (n > 0) {
		k = n < ZERO_BUF ? (size_t)n : ZERO_BUF;
		dg_update(c, want, zeros, k);
		n -= k;
	}
}

/*
 * The next data extent at or after off, within size: [*lo, *hi).  Without
 * holes (or where the file system cannot tell) everything is data.
 */
static void
next_data(
    int fd, int sparse, uint64_t off, uint64_t size, uint64_t *lo, uint64_t *hi)
{
	off_t d, h;

	*lo = off;
	*hi = size;
	if (!sparse)
		return;
	d = lseek(fd, (off_t)off, SEEK_DATA);
	if (d < 0) {
		if (errno == ENXIO) /* only a hole up to the end */
			*lo = size;
		return;
	}
	*lo = (uint64_t)d < size ? (uint64_t)d : size;
	h = lseek(fd, d, SEEK_HOLE);
	if (h >= 0 && (uint64_t)h < size)
		*hi = (uint64_t)h;
}

/* Reads exactly n bytes at off; 0, 1 when the file ended first, -1. */
static int
pread_all(struct sb_child *c, int fd, unsigned char *p, size_t n, uint64_t off)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		k = pread(fd, p + got, n - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			c->cur->errno_ = errno;
			return -1;
		}
		if (k == 0)
			return 1;
		got += (size_t)k;
		c->cur->bytes_read += (uint64_t)k;
	}
	return 0;
}

static uint32_t
status_of(int r)
{
	return r < 0 ? SANDBOX_IO : SANDBOX_CHANGED;
}

/* Hashes size bytes streaming through c->buf. */
static uint32_t
scan_stream(struct sb_child *c, int fd, const struct sandbox_req *rq)
{
	uint64_t off = 0, lo, hi;
	size_t n;
	int sparse = rq->allocated < rq->size, r;

	dg_init(c, rq->want);
	while (off < rq->size) {
		next_data(fd, sparse, off, rq->size, &lo, &hi);
		dg_zeros(c, rq->want, lo - off);
		c->cur->bytes_work += lo - off;
		for (off = lo; off < hi; off += n) {
			n = hi - off < SB_BUF ? (size_t)(hi - off) : SB_BUF;
			if ((r = pread_all(c, fd, c->buf, n, off)) != 0)
				return status_of(r);
			dg_update(c, rq->want, c->buf, n);
			c->cur->bytes_work += n;
		}
	}
	dg_final(c, rq->want, c->cur);
	return SANDBOX_OK;
}

static unsigned char *
whole_buf(struct sb_child *c, size_t need)
{
	size_t cap;

	if (need <= SB_BUF)
		return c->buf;
	if (need <= c->bigcap)
		return c->big;
	if (c->big != NULL)
		munmap(c->big, c->bigcap);
	c->big = NULL;
	c->bigcap = 0;
	cap = (need + 0xfffff) & ~(size_t)0xfffff;
	c->big = mmap(NULL, cap, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->big == MAP_FAILED) {
		c->big = NULL;
		return NULL;
	}
	c->bigcap = cap;
	return c->big;
}

static void
yara_run(struct sb_child *c, const unsigned char *p, size_t n)
{
	int e = yr_scanner_scan_mem(c->ys, p, n);

	c->cur->bytes_work += n;
	if (e == ERROR_SUCCESS)
		c->cur->flags |= SANDBOX_YARA_DONE;
	else if (e == ERROR_SCAN_TIMEOUT)
		c->cur->flags |= SANDBOX_YARA_TIMEOUT;
	else
		c->cur->flags |= SANDBOX_YARA_ERROR;
}

/* The whole file in one buffer: digests and YARA over the same bytes. */
static uint32_t
scan_whole(struct sb_child *c, int fd, const struct sandbox_req *rq)
{
	size_t size = (size_t)rq->size;
	uint64_t off = 0, lo, hi;
	unsigned char *p;
	int sparse = rq->allocated < rq->size, r;
	uint32_t st = SANDBOX_OK;

	if ((p = whole_buf(c, size)) == NULL)
		return SANDBOX_NOMEM;
	while (off < size) {
		next_data(fd, sparse, off, size, &lo, &hi);
		memset(p + off, 0, (size_t)(lo - off));
		if (hi > lo &&
		    (r = pread_all(c, fd, p + lo, (size_t)(hi - lo), lo)) !=
			0) {
			st = status_of(r);
			goto out;
		}
		off = hi;
	}
	dg_init(c, rq->want);
	dg_update(c, rq->want, p, size);
	dg_final(c, rq->want, c->cur);
	c->cur->bytes_work += rq->want ? size : 0;
	yara_run(c, p, size);
	if (c->cur->nyara > 0 && (rq->want & SANDBOX_SHA256) == 0) {
		/* A hit is reported with its SHA-256 (quarantine checks it). */
		dg_init(c, SANDBOX_SHA256);
		dg_update(c, SANDBOX_SHA256, p, size);
		dg_final(c, SANDBOX_SHA256, c->cur);
	}
out:
	if (c->bigcap > BIG_KEEP) {
		munmap(c->big, c->bigcap);
		c->big = NULL;
		c->bigcap = 0;
	}
	return st;
}

static void
scan(struct sb_child *c, int fd, const struct sandbox_req *rq,
    struct sandbox_result *res)
{
	int yara = rq->yara && c->ys != NULL && rq->size <= c->yara_max_size;
	uint64_t budget = rq->budget ? rq->budget : SANDBOX_BUDGET_DEFAULT;
	uint64_t work = (rq->want ? rq->size : 0) + (yara ? rq->size : 0);

	c->cur = res;
	if (work > budget)
		res->status = SANDBOX_BUDGET;
	else if (yara)
		res->status = scan_whole(c, fd, rq);
	else
		res->status = scan_stream(c, fd, rq);
	if (res->status != SANDBOX_OK) {
		res->flags = 0;
		res->nyara = 0;
	}
}

#ifdef SANDBOX_TEST_HOOKS
/* Test builds: do what the allowlist forbids, or break the protocol. */
static int
test_op(struct sb_child *c, uint32_t op, struct sb_res *m)
{
	int fd = -1;

	if (op == SANDBOX_TEST_OPEN)
		fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	else if (op == SANDBOX_TEST_SOCKET)
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	else if (op == SANDBOX_TEST_BADREPLY)
		return (int)sizeof(*m) - 1;
	else if (op == SANDBOX_TEST_BADTYPE)
		m->type = 0x7777;
	/* Only reached without the filter: say what happened. */
	m->r[0].status = fd >= 0 ? SANDBOX_OK : SANDBOX_IO;
	m->r[0].errno_ = fd >= 0 ? 0 : errno;
	return (int)sizeof(*m);
}
#endif

/* One request with its descriptors in fds (q->n of them).  Ends the
   child on a message that is not exactly a request of a known type with
   as many descriptors as it says. */
static void
receive(struct sb_child *c, struct sb_req *q, int *fds)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE((SANDBOX_BATCH_MAX + 1) * sizeof(int))];
	} cm;
	static unsigned char raw[sizeof(*q) + 1];
	struct iovec iov = {raw, sizeof(raw)};
	struct msghdr mh;
	struct cmsghdr *h;
	ssize_t n;
	size_t nfd = 0, k;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.b;
	mh.msg_controllen = sizeof(cm.b);
	do
		n = recvmsg(c->sock, &mh, 0);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		_exit(0); /* the parent is done */
	for (h = CMSG_FIRSTHDR(&mh); n > 0 && h != NULL;
	     h = CMSG_NXTHDR(&mh, h)) {
		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
			_exit(SB_EXIT_PROTO);
		k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (nfd + k > SANDBOX_BATCH_MAX)
			_exit(SB_EXIT_PROTO);
		memcpy(fds + nfd, CMSG_DATA(h), k * sizeof(int));
		nfd += k;
	}
	if (n != (ssize_t)sizeof(*q) ||
	    (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		_exit(SB_EXIT_PROTO);
	memcpy(q, raw, sizeof(*q));
	if (q->len != sizeof(*q))
		_exit(SB_EXIT_PROTO);
	if (q->type == SB_MSG_SCAN && q->n >= 1 && q->n <= SANDBOX_BATCH_MAX &&
	    nfd == q->n && q->test_op == 0)
		return;
#ifdef SANDBOX_TEST_HOOKS
	if (q->type == SB_MSG_TEST && q->n == 0 && nfd == 0)
		return;
#endif
	_exit(SB_EXIT_PROTO);
}

static void
serve(struct sb_child *c)
{
	static struct sb_req q;
	static struct sb_res m;
	int fds[SANDBOX_BATCH_MAX];
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;
	uint32_t i;
	int len;

	for (;;) {
		receive(c, &q, fds);
		memset(&m, 0, sizeof(m));
		m.type = SB_MSG_RESULT;
		m.len = sizeof(m);
		m.seq = q.seq;
		m.n = q.n;
		len = (int)sizeof(m);
		for (i = 0; q.type == SB_MSG_SCAN && i < q.n; i++) {
			scan(c, fds[i], &q.rq[i], &m.r[i]);
			close(fds[i]);
		}
#ifdef SANDBOX_TEST_HOOKS
		if (q.type == SB_MSG_TEST)
			len = test_op(c, q.test_op, &m);
#endif
		iov.iov_base = &m;
		iov.iov_len = (size_t)len;
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		do
			n = sendmsg(c->sock, &mh, MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n != len)
			_exit(0);
	}
}

_Noreturn void
sb_child_main(struct sb_child *c)
{
	if (c->ys != NULL)
		yr_scanner_set_callback(c->ys, yara_cb, c);
	switch (plat_confine(c->sock)) {
	case 0:
		break;
	case 1:
		_exit(0); /* the parent is already gone */
	default:
		_exit(SB_EXIT_SETUP);
	}
	serve(c);
	_exit(0);
}
