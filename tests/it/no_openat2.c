/*
 * Test launcher: runs a program on which openat2 is refused, as on a
 * kernel before 5.6 (ENOSYS) or under a container's seccomp profile that
 * predates openat2 (EPERM), and counts the refusals, so a test can show
 * that the program's fallback really ran rather than pass without it.
 *
 *   RAMPART_NO_OPENAT2_ERRNO=ENOSYS|EPERM  the error openat2 gets
 *   RAMPART_NO_OPENAT2_EXEC=PATH           the program to run
 *   RAMPART_NO_OPENAT2_LOG=FILE            a line appended per run:
 *                                          "COUNT ARG1 ARG2" (the
 *                                          refused calls, the first two
 *                                          arguments)
 *   no_openat2 ARGS...                     runs PATH ARGS...
 *
 * The child installs a seccomp filter whose only rule sends openat2 to
 * user space (SECCOMP_RET_USER_NOTIF), passes the filter's listener to
 * the parent over a socket and execs the program, which inherits the
 * filter (and so do its threads and children).  The parent answers each
 * notification with the error and counts it, until the program ends;
 * then it writes the log line and exits with the program's status (128 +
 * the signal if it was killed).  No timing: it waits on the listener and
 * on a pidfd of the child.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <seccomp.h>

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "no_openat2: %s: %s\n", what, strerror(errno));
	exit(125);
}

static const char *
env_get(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0') {
		fprintf(stderr, "no_openat2: %s is not set\n", name);
		exit(125);
	}
	return v;
}

/* Sends fd over sock (SCM_RIGHTS). */
static int
send_fd(int sock, int fd)
{
	char c = 0, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {&c, 1};
	struct msghdr mh;
	struct cmsghdr *cm;

	memset(&mh, 0, sizeof(mh));
	memset(ctl, 0, sizeof(ctl));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl;
	mh.msg_controllen = sizeof(ctl);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -1;
}

static int
recv_fd(int sock)
{
	char c, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {&c, 1};
	struct msghdr mh;
	struct cmsghdr *cm;
	int fd;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl;
	mh.msg_controllen = sizeof(ctl);
	if (recvmsg(sock, &mh, 0) != 1 || (cm = CMSG_FIRSTHDR(&mh)) == NULL ||
	    cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The child: filter, hand over the listener, exec. */
static _Noreturn void
child(int sock, const char *exe, char **argv)
{
	scmp_filter_ctx ctx;
	int fd;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL ||
	    seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat2), 0) != 0 ||
	    seccomp_load(ctx) != 0 || (fd = seccomp_notify_fd(ctx)) < 0) {
		fprintf(stderr, "no_openat2: cannot install the filter\n");
		_exit(125);
	}
	if (send_fd(sock, fd) != 0)
		die("send the listener");
	close(fd);
	close(sock);
	seccomp_release(ctx);
	argv[0] = (char *)exe;
	execv(exe, argv);
	die(exe);
}

/* Answers one notification with -err; returns 1 when one was answered. */
static int
answer(int fd, int err)
{
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	int r = 0;

	if (seccomp_notify_alloc(&req, &resp) != 0)
		die("seccomp_notify_alloc");
	/* the caller may have gone in between: then there is none */
	if (seccomp_notify_receive(fd, req) == 0) {
		resp->id = req->id;
		resp->val = 0;
		resp->error = -err;
		resp->flags = 0;
		r = seccomp_notify_respond(fd, resp) == 0;
	}
	seccomp_notify_free(req, resp);
	return r;
}

int
main(int argc, char **argv)
{
	const char *en = env_get("RAMPART_NO_OPENAT2_ERRNO");
	const char *exe = env_get("RAMPART_NO_OPENAT2_EXEC");
	const char *logp = env_get("RAMPART_NO_OPENAT2_LOG");
	int err = strcmp(en, "ENOSYS") == 0 ? ENOSYS
	    : strcmp(en, "EPERM") == 0	    ? EPERM
					    : 0;
	int sv[2], nfd, pfd, status, rc;
	unsigned long count = 0;
	struct pollfd pf[2];
	FILE *log;
	pid_t pid;

	if (err == 0) {
		fprintf(stderr, "no_openat2: ERRNO must be ENOSYS or EPERM\n");
		return 125;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		die("socketpair");
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		child(sv[1], exe, argv);
	}
	close(sv[1]);
	if ((nfd = recv_fd(sv[0])) < 0) {
		fprintf(stderr, "no_openat2: the child sent no listener\n");
		waitpid(pid, &status, 0);
		return 125;
	}
	close(sv[0]);
	if ((pfd = pidfd_open(pid, 0)) < 0)
		die("pidfd_open");
	for (;;) {
		pf[0].fd = nfd;
		pf[0].events = POLLIN;
		pf[1].fd = pfd;
		pf[1].events = POLLIN;
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pf[0].revents & POLLIN)
			count += (unsigned long)answer(nfd, err);
		else if (pf[1].revents & POLLIN)
			break; /* the program ended */
		else if (pf[0].revents & (POLLHUP | POLLERR))
			break;
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if ((log = fopen(logp, "a")) == NULL)
		die(logp);
	fprintf(log, "%lu %s %s\n", count, argc > 1 ? argv[1] : "-",
	    argc > 2 ? argv[2] : "-");
	if (fclose(log) != 0)
		die(logp);
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return rc;
}
