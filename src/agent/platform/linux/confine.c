/*
 * Confining the scanner child on Linux: every descriptor but its socket
 * (and stderr, for a sanitizer's report) closed, PR_SET_PDEATHSIG,
 * not dumpable, no_new_privs, then a seccomp allowlist (libseccomp).
 * Everything not listed kills the whole child with SIGSYS: there is no
 * open/openat, no socket/connect, no execve, no fork/clone, no stat of a
 * path.  Compiled rules and digest contexts were made before the fork,
 * so what is left is reading a received descriptor, memory, the socket
 * and exit.  docs/internals/sandbox.md gives the reason for each entry.
 */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#include "linux_int.h"
#include "platform/platform.h"

void *
plat_seccomp_new(uint32_t dflt, uint32_t action, const int *nr, size_t n)
{
	scmp_filter_ctx f;
	size_t i;

	if ((f = seccomp_init(dflt)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (seccomp_rule_add(f, action, nr[i], 0) != 0) {
			seccomp_release(f);
			return NULL;
		}
	}
	return f;
}

static int
filter_install(int sock)
{
	/* Reading the received descriptor (pread at offsets, lseek for
	   SEEK_DATA/SEEK_HOLE, read for the protocol tests' files), closing
	   it; memory for YARA's and the allocator's buffers; the clock for
	   YARA's timeout; futex for libc locks; exit. */
	static const int plain[] = {
	    SCMP_SYS(read),
	    SCMP_SYS(pread64),
	    SCMP_SYS(lseek),
	    SCMP_SYS(close),
	    SCMP_SYS(munmap),
	    SCMP_SYS(mremap),
	    SCMP_SYS(madvise),
	    SCMP_SYS(brk),
	    SCMP_SYS(futex),
	    SCMP_SYS(clock_gettime),
	    SCMP_SYS(rt_sigprocmask),
	    SCMP_SYS(exit),
	    SCMP_SYS(exit_group),
#ifdef SANDBOX_SANITIZER
	    /* ASan/UBSan runtimes in test builds: their reports and
	       internal yields. */
	    SCMP_SYS(write),
	    SCMP_SYS(sched_yield),
	    SCMP_SYS(getpid),
	    SCMP_SYS(gettid),
	    SCMP_SYS(rt_sigreturn),
	    SCMP_SYS(sigaltstack),
#endif
	};
	scmp_filter_ctx f;
	int r = -1;

	/* no_new_privs is set by libseccomp on load (the default). */
	if ((f = plat_seccomp_new(SCMP_ACT_KILL_PROCESS, SCMP_ACT_ALLOW, plain,
		 sizeof(plain) / sizeof(plain[0]))) == NULL)
		return -1;
	/* The socket to the parent, and no other. */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(recvmsg), 1,
		SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)sock, 0)) != 0 ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(sendmsg), 1,
		SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)sock, 0)) != 0)
		goto out;
	/* Memory, never executable. */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
		SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0 ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
		SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0)
		goto out;
	/* YARA guards each scan with SIGBUS/SIGSEGV handlers (a mapped
	   file that shrinks); those two and no other. */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 1,
		SCMP_A0(SCMP_CMP_EQ, SIGBUS, 0)) != 0 ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 1,
		SCMP_A0(SCMP_CMP_EQ, SIGSEGV, 0)) != 0)
		goto out;
	if (seccomp_load(f) != 0)
		goto out;
	r = 0;
out:
	seccomp_release(f);
	return r;
}

pid_t
plat_fork_child(int type, int *sock)
{
	int sv[2], k;
	pid_t pid;

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	if (sv[1] < 3) { /* the child keeps 0-2 for stdio or closes them */
		k = fcntl(sv[1], F_DUPFD_CLOEXEC, 3);
		close(sv[1]);
		if ((sv[1] = k) < 0) {
			close(sv[0]);
			return -1;
		}
	}
	if ((pid = fork()) < 0) {
		k = errno;
		close(sv[0]);
		close(sv[1]);
		errno = k;
		return -1;
	}
	close(sv[pid == 0 ? 0 : 1]);
	*sock = sv[pid == 0 ? 1 : 0];
	return pid;
}

int
plat_child_prologue(int sock)
{
	/* Nothing of the parent's but the socket and stdio (stderr stays
	   for a sanitizer's report); dies with the parent, no core. */
	if (sock < 3 ||
	    (sock > 3 && close_range(3, (unsigned)sock - 1, 0) != 0))
		return -1;
	if (close_range((unsigned)sock + 1, ~0u, 0) != 0)
		return -1;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
	    prctl(PR_SET_DUMPABLE, 0) != 0)
		return -1;
	return getppid() == 1 ? 1 : 0; /* 1: the parent is already gone */
}

int
plat_confine(int sock)
{
	int r;

	if ((r = plat_child_prologue(sock)) != 0)
		return r;
	close(0);
	close(1);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return filter_install(sock);
}
