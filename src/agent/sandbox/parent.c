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
	int sv[2], k;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return RP_ERR_IO;
	if (sv[1] < 3) { /* the child keeps 0-2 closed or for stderr */
		k = fcntl(sv[1], F_DUPFD_CLOEXEC, 3);
		close(sv[1]);
		sv[1] = k;
		if (k < 0) {
			close(sv[0]);
			return RP_ERR_IO;
		}
	}
	if ((pid = fork()) < 0) {
		close(sv[0]);
		close(sv[1]);
		return RP_ERR_IO;
	}
	if (pid == 0) {
		sb->tpl.sock = sv[1];
		sb_child_main(&sb->tpl);
	}
	close(sv[1]);
	sb->sock = sv[0];
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

/* The child is gone (or must go): reap it and say so in res. */
static void
lost(struct sandbox *sb, int kill_it, uint32_t why, struct sandbox_result *res)
{
	int st;

	reap(sb, kill_it, &st);
	memset(res, 0, sizeof(*res));
	res->status = why;
	if (why == SANDBOX_CRASHED && WIFSIGNALED(st))
		res->signal = WTERMSIG(st);
}

static int
send_req(struct sandbox *sb, const struct sb_req *q, int fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = {(void *)q, sizeof(*q)};
	struct msghdr mh;
	ssize_t n;

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
	do
		n = sendmsg(sb->sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(*q) ? 0 : -1;
}

/* Whether an answer is one the child may give to request seq. */
static int
res_valid(const struct sandbox *sb, const struct sb_res *m, uint64_t seq)
{
	uint32_t i, nrules = sb->rules != NULL ? sb->rules->num_rules : 0;

	if (m->type != SB_MSG_RESULT || m->len != sizeof(*m) || m->seq != seq)
		return 0;
	if (m->r.status > SANDBOX_NOMEM || m->r.nyara > SANDBOX_YARA_MAX)
		return 0;
	for (i = 0; i < m->r.nyara; i++)
		if (m->r.yara_rule[i] >= nrules)
			return 0;
	return (m->r.flags & ~(uint32_t)63) == 0;
}

/* One round trip; res is the answer or what went wrong. */
static void
round_trip(
    struct sandbox *sb, struct sb_req *q, int fd, struct sandbox_result *res)
{
	unsigned char raw[sizeof(struct sb_res) + 1];
	struct sb_res m;
	ssize_t n;

	if (ensure(sb) != 0) {
		memset(res, 0, sizeof(*res));
		res->status = SANDBOX_DOWN;
		return;
	}
	q->type = q->type ? q->type : SB_MSG_SCAN;
	q->len = sizeof(*q);
	q->seq = ++sb->seq;
	if (send_req(sb, q, fd) != 0) {
		lost(sb, 1, SANDBOX_CRASHED, res);
		return;
	}
	do
		n = recv(sb->sock, raw, sizeof(raw), 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0) { /* closed: the child is gone */
		lost(sb, 1, SANDBOX_CRASHED, res);
		return;
	}
	if (n != (ssize_t)sizeof(m)) {
		lost(sb, 1, SANDBOX_PROTO, res);
		return;
	}
	memcpy(&m, raw, sizeof(m));
	if (!res_valid(sb, &m, q->seq)) {
		lost(sb, 1, SANDBOX_PROTO, res);
		return;
	}
	*res = m.r;
}

int
sandbox_scan(struct sandbox *sb, int fd, const struct sandbox_req *rq,
    struct sandbox_result *res)
{
	struct sb_req q;

	if (sb == NULL || fd < 0 || rq == NULL || res == NULL)
		return RP_ERR_ARG;
	memset(&q, 0, sizeof(q));
	q.type = SB_MSG_SCAN;
	q.rq = *rq;
	round_trip(sb, &q, fd, res);
	return 0;
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
	round_trip(sb, &q, -1, res);
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
