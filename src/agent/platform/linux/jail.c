/*
 * Confining a reader child that must open files (librpm on a private copy
 * of an rpm database) on Linux.  The scanner's allowlist (confine.c)
 * cannot serve: librpm, SQLite and Berkeley DB open, stat, map and lock
 * files as they please.  So the child is shut in instead: chroot into the
 * directory that holds only its copy, the identity of nobody, every
 * descriptor but its socket closed, no_new_privs, and a seccomp filter
 * that kills it on what no reader needs: network, exec, tracing, mounts,
 * namespaces, identity changes, kernel modules, signals to others.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <seccomp.h>

#include "linux_int.h"
#include "platform/platform.h"

#define NOBODY 65534

static int
deny_install(void)
{
	static const int deny[] = {
	    SCMP_SYS(socket),
	    SCMP_SYS(socketpair),
	    SCMP_SYS(connect),
	    SCMP_SYS(bind),
	    SCMP_SYS(listen),
	    SCMP_SYS(accept),
	    SCMP_SYS(accept4),
	    SCMP_SYS(sendto),
	    SCMP_SYS(recvfrom),
	    SCMP_SYS(execve),
	    SCMP_SYS(execveat),
	    SCMP_SYS(fork),
	    SCMP_SYS(vfork),
	    SCMP_SYS(clone3),
	    SCMP_SYS(ptrace),
	    SCMP_SYS(process_vm_readv),
	    SCMP_SYS(process_vm_writev),
	    SCMP_SYS(kill),
	    SCMP_SYS(tkill),
	    SCMP_SYS(chroot),
	    SCMP_SYS(pivot_root),
	    SCMP_SYS(mount),
	    SCMP_SYS(umount2),
	    SCMP_SYS(unshare),
	    SCMP_SYS(setns),
	    SCMP_SYS(setuid),
	    SCMP_SYS(setgid),
	    SCMP_SYS(setreuid),
	    SCMP_SYS(setregid),
	    SCMP_SYS(setresuid),
	    SCMP_SYS(setresgid),
	    SCMP_SYS(setgroups),
	    SCMP_SYS(capset),
	    SCMP_SYS(init_module),
	    SCMP_SYS(finit_module),
	    SCMP_SYS(delete_module),
	    SCMP_SYS(kexec_load),
	    SCMP_SYS(reboot),
	    SCMP_SYS(bpf),
	    SCMP_SYS(perf_event_open),
	    SCMP_SYS(keyctl),
	    SCMP_SYS(add_key),
	    SCMP_SYS(request_key),
	    SCMP_SYS(userfaultfd),
	    SCMP_SYS(open_by_handle_at),
	    SCMP_SYS(name_to_handle_at),
	    SCMP_SYS(io_uring_setup),
	    SCMP_SYS(personality),
	};
	scmp_filter_ctx f;
	int r = -1;

	if ((f = plat_seccomp_new(SCMP_ACT_ALLOW, SCMP_ACT_KILL_PROCESS, deny,
		 sizeof(deny) / sizeof(deny[0]))) == NULL)
		return -1;
	/* A thread of its own is harmless; a new process is not. */
	if (seccomp_rule_add(f, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone), 1,
		SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)) != 0)
		goto out;
	if (seccomp_load(f) != 0)
		goto out;
	r = 0;
out:
	seccomp_release(f);
	return r;
}

/*
 * Gives "/" (the jail, just entered) and what is in it to nobody, who
 * must be able to read the copy and to create what SQLite adds to it
 * (-shm).  Only the jail's own entries, without following links.
 */
static int
give_to_nobody(void)
{
	struct dirent *e;
	DIR *dir;
	int r = 0;

	if ((dir = opendir("/")) == NULL)
		return -1;
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fchownat(dirfd(dir), e->d_name, NOBODY, NOBODY,
			AT_SYMLINK_NOFOLLOW) != 0)
			r = -1;
	}
	closedir(dir);
	return r == 0 && chown("/", NOBODY, NOBODY) == 0 ? 0 : -1;
}

int
plat_jail(const char *dir, int sock)
{
	int chrooted = 0, nul, r;

	if ((r = plat_child_prologue(sock)) != 0)
		return r;
	/* stdin and stdout on /dev/null, not closed: SQLite will not use a
	   descriptor below 3 and would look for /dev/null in the jail. */
	if ((nul = open("/dev/null", O_RDWR)) < 0)
		return -1;
	if (dup2(nul, 0) < 0 || dup2(nul, 1) < 0)
		return -1;
	if (nul > 2)
		close(nul);
	if (geteuid() == 0) {
		/* Root: shut in, then become nobody (who cannot leave). */
		if (chroot(dir) != 0 || chdir("/") != 0 ||
		    give_to_nobody() != 0 || setgroups(0, NULL) != 0 ||
		    setresgid(NOBODY, NOBODY, NOBODY) != 0 ||
		    setresuid(NOBODY, NOBODY, NOBODY) != 0)
			return -1;
		chrooted = 1;
	} else if (chdir(dir) != 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || deny_install() != 0)
		return -1;
	return chrooted ? 2 : 0;
}
