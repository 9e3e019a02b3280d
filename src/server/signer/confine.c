/*
 * The signer's seccomp allowlist, loaded once the key is in memory and
 * before the first request is read (OpenSMTPD's ca.c pledges "stdio";
 * OpenSSH's sandbox-seccomp-filter.c is the Linux way to say it).  What
 * is left is what serving needs: messages on the sockets it already has,
 * writing log lines to stderr, memory, the clock and the kernel's random
 * generator, closing a descriptor, and exit.  Everything else kills the
 * process (SIGSYS): no open/openat, no socket creation (socket() fails
 * with EACCES instead, so that libsystemd's journal writer falls back to
 * stderr rather than killing a log line's writer), no connect, no
 * execve, no fork/clone, no ptrace.  docs/internals/signer.md gives the
 * reason for each entry.
 */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <seccomp.h>

#include "err.h"
#include "signer_int.h"

int
signer_confine(void)
{
	static const int plain[] = {
	    /* messages on the parent's and the peer's sockets (their
	       numbers change: a new peer comes as a new descriptor) */
	    SCMP_SYS(recvmsg),
	    SCMP_SYS(sendmsg),
	    SCMP_SYS(recvfrom),
	    SCMP_SYS(sendto),
	    /* waiting for them, SIGTERM interrupting the wait */
	    SCMP_SYS(poll),
	    SCMP_SYS(ppoll),
	    SCMP_SYS(rt_sigreturn),
	    SCMP_SYS(rt_sigprocmask),
	    /* nonces, the time of issue */
	    SCMP_SYS(getrandom),
	    SCMP_SYS(clock_gettime),
	    /* malloc, and libsodium freeing the locked key */
	    SCMP_SYS(brk),
	    SCMP_SYS(munmap),
	    SCMP_SYS(mremap),
	    SCMP_SYS(madvise),
	    SCMP_SYS(munlock),
	    /* a dropped peer */
	    SCMP_SYS(close),
	    /* libc locks, the log's pid */
	    SCMP_SYS(futex),
	    SCMP_SYS(getpid),
	    SCMP_SYS(gettid),
	    SCMP_SYS(exit),
	    SCMP_SYS(exit_group),
#ifdef SIGNER_SANITIZER
	    /* ASan/UBSan runtimes in test builds: their reports. */
	    SCMP_SYS(sched_yield),
	    SCMP_SYS(sigaltstack),
	    SCMP_SYS(prlimit64),
	    SCMP_SYS(getrlimit),
#endif
	};
	scmp_filter_ctx f;
	int r = RP_ERR_IO;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return RP_ERR_IO;
	if ((f = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		return RP_ERR_NOMEM;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (seccomp_rule_add(f, SCMP_ACT_ALLOW, plain[i], 0) != 0)
			goto out;
	/* Log lines: stderr only. */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(write), 1,
		SCMP_A0(SCMP_CMP_EQ, STDERR_FILENO, 0)) != 0 ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(writev), 1,
		SCMP_A0(SCMP_CMP_EQ, STDERR_FILENO, 0)) != 0)
		goto out;
	/* Memory, never executable. */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
		SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0 ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
		SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0)
		goto out;
	/* The journal writer's socket and memfd: refused, not fatal. */
	if (seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 0) !=
		0 ||
	    seccomp_rule_add(
		f, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(memfd_create), 0) != 0)
		goto out;
	if (seccomp_load(f) != 0)
		goto out;
	r = 0;
out:
	seccomp_release(f);
	return r;
}
