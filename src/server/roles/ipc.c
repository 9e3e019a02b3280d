/*
 * Framing of the parent <-> role messages: a struct msg in one
 * SOCK_SEQPACKET packet.  The receiver learns the packet's real length
 * (MSG_TRUNC), so a short, long or mistyped message is refused whole.
 */
#include "roles/roles.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "err.h"

static const size_t msg_size[MSG_TYPE_END] = {
    [MSG_READY] = sizeof(struct msg_ready),
    [MSG_HEARTBEAT] = sizeof(struct msg_heartbeat),
    [MSG_LOG_CONFIG] = sizeof(struct msg_log_config),
    [MSG_SETUP_RESULT] = sizeof(struct msg_setup_result),
};

#define HDR_LEN offsetof(struct msg, u)

int
ipc_send(int fd, enum msg_type type, const void *body, size_t len)
{
	struct msg m;
	ssize_t n;

	if ((unsigned)type >= MSG_TYPE_END || msg_size[type] == 0 ||
	    len != msg_size[type])
		return RP_ERR_ARG;
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.len = (uint32_t)len;
	memcpy(&m.u, body, len);
	do
		n = send(fd, &m, HDR_LEN + len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	explicit_bzero(&m, sizeof(m));
	return n == (ssize_t)(HDR_LEN + len) ? 0 : RP_ERR_IO;
}

int
ipc_recv(int fd, uint32_t allowed, struct msg *m)
{
	ssize_t n;

	memset(m, 0, sizeof(*m));
	do
		n = recv(fd, m, sizeof(*m), MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return RP_ERR_NOTFOUND;
	if (n < 0)
		return RP_ERR_IO;
	if ((size_t)n < HDR_LEN || m->type == 0 || m->type >= MSG_TYPE_END ||
	    (allowed & MSG(m->type)) == 0 || m->len != msg_size[m->type] ||
	    (size_t)n != HDR_LEN + m->len) {
		explicit_bzero(m, sizeof(*m));
		return RP_ERR_INVALID;
	}
	return 0;
}
