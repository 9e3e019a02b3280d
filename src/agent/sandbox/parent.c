/*
 * The privileged side of the sandbox: starts the child (fork, no exec:
 * the compiled rules and the digest contexts are made here before the
 * fork and handed over untouched), sends it one descriptor per request
 * over a SOCK_SEQPACKET socketpair and checks every answer: exactly the
 * size of struct sb_res, type SB_MSG_RESULT, the sequence number of the
 * request, a known status and rule indices within the rules.  A child
 * that ends (crash, SIGSYS from the filter, killed) or breaks the
 * protocol is reaped, the file is reported with SANDBOX_CRASHED or
 * SANDBOX_PROTO, and the next request starts a new child, at most
 * SANDBOX_RESTARTS_MAX times.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/platform.h"
#include "sandbox/sb_int.h"
#include "util/err.h"

static const char *const md_names[3] = {"SHA256", "SHA1", "MD5"};

struct sandbox {
	YR_RULES *rules;
	unsigned yara_timeout;
	uint64_t yara_max_size;
	pid_t pid; /* -1: none running */
	int sock;
	uint64_t seq;
	unsigned restarts;
	int started; /* a child was started once */
	struct sb_child tpl; /* the child's objects, fresh for each fork */
	unsigned char raw[sizeof(struct sb_res) + 1]; /* an answer */
};

const char *
sandbox_status_str(uint32_t status)
{
	static const char *const s[] = {"ok", "changed while read",
	    "read error", "budget exceeded", "out of memory", "scanner crashed",
	    "scanner broke the protocol", "scanner unavailable"};

	return status < sizeof(s) / sizeof(s[0]) ? s[status] : "unknown";
}

static void
tpl_free(struct sb_child *c)
{
	int i;

	for (i = 0; i < 3; i++) {
		EVP_MD_CTX_free(c->ctx[i]);
		EVP_MD_free((EVP_MD *)c->md[i]);
		c->ctx[i] = NULL;
		c->md[i] = NULL;
	}
	free(c->buf);
	c->buf = NULL;
	if (c->ys != NULL)
		yr_scanner_destroy(c->ys);
	c->ys = NULL;
}

static int
tpl_make(struct sandbox *sb)
{
	struct sb_child *c = &sb->tpl;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len;
	int i;

	memset(c, 0, sizeof(*c));
	c->sock = -1;
	c->rules = sb->rules;
	c->yara_max_size = sb->yara_max_size;
	for (i = 0; i < 3; i++) {
		c->md[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
		c->ctx[i] = EVP_MD_CTX_new();
		if (c->md[i] == NULL || c->ctx[i] == NULL)
			return RP_ERR_NOMEM;
		/* Once through, so nothing is loaded lazily in the child. */
		if (EVP_DigestInit_ex(c->ctx[i], c->md[i], NULL) != 1 ||
		    EVP_DigestFinal_ex(c->ctx[i], md, &len) != 1)
			return RP_ERR_NOMEM;
	}
	if ((c->buf = malloc(SB_BUF)) == NULL)
		return RP_ERR_NOMEM;
	if (sb->rules != NULL) {
		if (yr_scanner_create(sb->rules, &c->ys) != ERROR_SUCCESS)
			return RP_ERR_NOMEM;
		yr_scanner_set_timeout(c->ys, (int)sb->yara_timeout);
		/* Rule verdicts are the same; strings not counted or
		   located by any condition stop at their first match. */
		yr_scanner_set_flags(c->ys, SCAN_FLAGS_FAST_MODE);
	}
	return 0;
}

static int
spawn(struct sandbox *sb)
{
	int sock;
	pid_t pid;

	if ((pid = plat_fork_child(SOCK_SEQPACKET, &sock)) < 0)
		return RP_ERR_IO;
	if (pid == 0) {
		sb->tpl.sock = sock;
		sb_child_main(&sb->tpl);
	}
	sb->sock = sock;
	sb->pid = pid;
	sb->started = 1;
	return 0;
}

/* Ends and reaps the child; the wait status into *st (0 when none). */
static void
reap(struct sandbox *sb, int kill_it, int *st)
{
	int status = 0;

	if (sb->sock >= 0)
		close(sb->sock);
	sb->sock = -1;
	if (sb->pid > 0) {
		if (kill_it)
			kill(sb->pid, SIGKILL);
		while (waitpid(sb->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	sb->pid = -1;
	if (st != NULL)
		*st = status;
}

/* A child is running, started again if it has to be; 0 or -1. */
static int
ensure(struct sandbox *sb)
{
	if (sb->pid > 0)
		return 0;
	if (sb->started) {
		if (sb->restarts >= SANDBOX_RESTARTS_MAX)
			return -1;
		sb->restarts++;
	}
	return spawn(sb) == 0 ? 0 : -1;
}

int
sandbox_new(YR_RULES *rules, unsigned yara_timeout, uint64_t yara_max_size,
    struct sandbox **out)
{
	struct sandbox *sb;
	int r;

	*out = NULL;
	if ((sb = calloc(1, sizeof(*sb))) == NULL)
		return RP_ERR_NOMEM;
	sb->rules = rules;
	sb->yara_timeout = yara_timeout;
	sb->yara_max_size = yara_max_size;
	sb->pid = -1;
	sb->sock = -1;
	if ((r = tpl_make(sb)) != 0 || (r = spawn(sb)) != 0) {
		sandbox_free(sb);
		return r;
	}
	*out = sb;
	return 0;
}

void
sandbox_free(struct sandbox *sb)
{
	if (sb == NULL)
		return;
	reap(sb, 0, NULL);
	tpl_free(&sb->tpl);
	free(sb);
}

unsigned
sandbox_restarts(const struct sandbox *sb)
{
	return sb->restarts;
}

/* The child is gone (or must go): reap it and say so in res[0..n). */
static void
lost(struct sandbox *sb, int kill_it, uint32_t why, struct sandbox_result *res,
    size_t n)
{
	size_t i;
	int st;

	reap(sb, kill_it, &st);
	for (i = 0; i < n; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		res[i].status = why;
		if (why == SANDBOX_CRASHED && WIFSIGNALED(st))
			res[i].signal = WTERMSIG(st);
	}
}

static int
send_req(
    struct sandbox *sb, const void *q, size_t len, const int *fds, size_t nfd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(SANDBOX_BATCH_MAX * sizeof(int))];
	} cm;
	struct iovec iov = {(void *)q, len};
	struct msghdr mh;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfd > 0) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.b;
		mh.msg_controllen = CMSG_SPACE(nfd * sizeof(int));
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(nfd * sizeof(int));
		memcpy(CMSG_DATA(&cm.h), fds, nfd * sizeof(int));
	}
	do
		n = sendmsg(sb->sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

int
sandbox_answer_check(const void *p, size_t len, uint64_t seq, uint32_t n,
    uint32_t nrules, struct sandbox_result *out)
{
	struct sb_res m;
	const struct sandbox_result *r;
	uint32_t i, j, nres = n ? n : 1;

	if (len != sizeof(m) || nres > SANDBOX_BATCH_MAX)
		return 0;
	memcpy(&m, p, sizeof(m));
	if (m.type != SB_MSG_RESULT || m.len != sizeof(m) || m.seq != seq ||
	    m.n != n)
		return 0;
	for (i = 0; i < nres; i++) {
		r = &m.r[i];
		if (r->status > SANDBOX_NOMEM || r->nyara > SANDBOX_YARA_MAX ||
		    (r->flags & ~(uint32_t)63) != 0)
			return 0;
		for (j = 0; j < r->nyara; j++)
			if (r->yara_rule[j] >= nrules)
				return 0;
	}
	memcpy(out, m.r, nres * sizeof(*out));
	return 1;
}

/* One round trip for q (n descriptors); res[0..n) is the answer or
   what went wrong (a test message has one result). */
static void
round_trip(struct sandbox *sb, struct sb_req *q, const int *fds,
    struct sandbox_result *res)
{
	unsigned char *raw = sb->raw;
	size_t n = q->n ? q->n : 1;
	ssize_t got;

	if (ensure(sb) != 0) {
		lost(sb, 0, SANDBOX_DOWN, res, n);
		return;
	}
	q->len = sizeof(*q);
	q->seq = ++sb->seq;
	if (send_req(sb, q, sizeof(*q), fds, q->n) != 0) {
		lost(sb, 1, SANDBOX_CRASHED, res, n);
		return;
	}
	do
		got = recv(sb->sock, raw, sizeof(sb->raw), 0);
	while (got < 0 && errno == EINTR);
	if (got <= 0) { /* closed: the child is gone */
		lost(sb, 1, SANDBOX_CRASHED, res, n);
		return;
	}
	if (!sandbox_answer_check(raw, (size_t)got, q->seq, q->n,
		sb->rules != NULL ? sb->rules->num_rules : 0, res))
		lost(sb, 1, SANDBOX_PROTO, res, n);
}

int
sandbox_scan_batch(struct sandbox *sb, const int *fds,
    const struct sandbox_req *rq, size_t n, struct sandbox_result *res)
{
	struct sb_req q;
	size_t i;

	if (sb == NULL || fds == NULL || rq == NULL || res == NULL || n == 0 ||
	    n > SANDBOX_BATCH_MAX)
		return RP_ERR_ARG;
	for (i = 0; i < n; i++)
		if (fds[i] < 0)
			return RP_ERR_ARG;
	memset(&q, 0, sizeof(q));
	q.type = SB_MSG_SCAN;
	q.n = (uint32_t)n;
	memcpy(q.rq, rq, n * sizeof(*rq));
	round_trip(sb, &q, fds, res);
	if (n == 1 ||
	    (res[0].status != SANDBOX_CRASHED &&
		res[0].status != SANDBOX_PROTO))
		return 0;
	/* Which file was it?  Each alone, with a new child. */
	for (i = 0; i < n; i++) {
		memset(&q, 0, sizeof(q));
		q.type = SB_MSG_SCAN;
		q.n = 1;
		q.rq[0] = rq[i];
		round_trip(sb, &q, &fds[i], &res[i]);
	}
	return 0;
}

int
sandbox_scan(struct sandbox *sb, int fd, const struct sandbox_req *rq,
    struct sandbox_result *res)
{
	return sandbox_scan_batch(sb, &fd, rq, 1, res);
}

#ifdef SANDBOX_TEST_HOOKS
int
sandbox_test_op(
    struct sandbox *sb, enum sandbox_test_op op, struct sandbox_result *res)
{
	struct sb_req q;

	memset(&q, 0, sizeof(q));
	q.type = SB_MSG_TEST;
	q.test_op = (uint32_t)op;
	round_trip(sb, &q, NULL, res);
	return 0;
}

int
sandbox_test_raw(
    struct sandbox *sb, const void *p, size_t n, int fd, int *status)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = {(void *)p, n};
	struct msghdr mh;
	char c;

	if (ensure(sb) != 0)
		return -1;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.b;
		mh.msg_controllen = sizeof(cm.b);
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&cm.h), &fd, sizeof(int));
	}
	if (sendmsg(sb->sock, &mh, MSG_NOSIGNAL) < 0)
		return -1;
	/* The child must end without answering: wait for its EOF. */
	if (recv(sb->sock, &c, 1, 0) != 0)
		return -1;
	reap(sb, 0, status);
	return 0;
}

size_t
sandbox_test_req_size(void)
{
	_Static_assert(SB_EXIT_PROTO == SANDBOX_TEST_EXIT_PROTO, "one code");
	return sizeof(struct sb_req);
}

int
sandbox_test_pid(const struct sandbox *sb)
{
	return (int)sb->pid;
}
#endif
