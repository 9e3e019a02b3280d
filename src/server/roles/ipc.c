/*
 * Framing of the parent <-> role messages: a struct msg in one
 * SOCK_SEQPACKET packet.  The receiver learns the packet's real length
 * (MSG_TRUNC), so a short, long or mistyped message is refused whole.
 * A descriptor travels only with MSG_PEER (SCM_RIGHTS); one that comes
 * with any other message is closed and the message refused.
 */
#include "roles/roles.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "log/log.h"

static const size_t msg_size[MSG_TYPE_END] = {
    [MSG_READY] = sizeof(struct msg_ready),
    [MSG_HEARTBEAT] = sizeof(struct msg_heartbeat),
    [MSG_LOG_CONFIG] = sizeof(struct msg_log_config),
    [MSG_SETUP_RESULT] = sizeof(struct msg_setup_result),
    [MSG_PEER] = sizeof(struct msg_peer),
};

#define HDR_LEN offsetof(struct msg, u)

int
ipc_send_fd(int fd, enum msg_type type, const void *body, size_t len, int pass)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;
	struct msghdr mh;
	struct iovec iov;
	struct msg m;
	ssize_t n;

	if ((unsigned)type >= MSG_TYPE_END || msg_size[type] == 0 ||
	    len != msg_size[type] || ((type == MSG_PEER) != (pass >= 0)))
		return RP_ERR_ARG;
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.len = (uint32_t)len;
	memcpy(&m.u, body, len);
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = &m;
	iov.iov_len = HDR_LEN + len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (pass >= 0) {
		struct cmsghdr *c;
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass, sizeof(int));
	}
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	explicit_bzero(&m, sizeof(m));
	return n == (ssize_t)(HDR_LEN + len) ? 0 : RP_ERR_IO;
}

int
ipc_send(int fd, enum msg_type type, const void *body, size_t len)
{
	return ipc_send_fd(fd, type, body, len, -1);
}

/* The descriptors that came with mh: the first into *one (-1: none), the
 * count as the result; every other one is closed. */
static int
take_fds(struct msghdr *mh, int *one)
{
	int count = 0;

	*one = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL;
	     c = CMSG_NXTHDR(mh, c)) {
		size_t k;
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(
			    &fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (count++ == 0)
				*one = fd;
			else
				close(fd);
		}
	}
	return count;
}

/* ipc_recv, with the descriptor a MSG_PEER carries (role_parent_msg). */
static int
ipc_recv_fd(int fd, uint32_t allowed, struct msg *m, int *passed)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} cm;
	struct msghdr mh;
	struct iovec iov;
	ssize_t n;
	int got, one;

	if (passed != NULL)
		*passed = -1;
	memset(m, 0, sizeof(*m));
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = m;
	iov.iov_len = sizeof(*m);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	do
		n = recvmsg(fd, &mh, MSG_TRUNC | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return RP_ERR_NOTFOUND;
	if (n < 0)
		return RP_ERR_IO;
	got = take_fds(&mh, &one);
	if ((size_t)n < HDR_LEN || m->type == 0 || m->type >= MSG_TYPE_END ||
	    (allowed & MSG(m->type)) == 0 || m->len != msg_size[m->type] ||
	    (size_t)n != HDR_LEN + m->len || (mh.msg_flags & MSG_CTRUNC) != 0 ||
	    got != (m->type == MSG_PEER && passed != NULL ? 1 : 0)) {
		if (one >= 0)
			close(one);
		explicit_bzero(m, sizeof(*m));
		return RP_ERR_INVALID;
	}
	if (passed != NULL)
		*passed = one;
	return 0;
}

int
ipc_recv(int fd, uint32_t allowed, struct msg *m)
{
	return ipc_recv_fd(fd, allowed, m, NULL);
}

int
role_parent_msg(const struct role_env *env, struct msg *m, int *passed)
{
	int r = ipc_recv_fd(env->ipc, env->role->receives, m, passed);

	if (r == RP_ERR_NOTFOUND) {
		log_warn("the parent went away; stopping", NULL);
		return 0;
	}
	if (r != 0) {
		log_error("bad message from the parent", "error",
		    rp_strerror(r), NULL);
		return 1;
	}
	if (m->type == MSG_LOG_CONFIG)
		log_reconfigure((enum log_level)m->u.log_config.level,
		    (enum log_target)m->u.log_config.target);
	return -1;
}
