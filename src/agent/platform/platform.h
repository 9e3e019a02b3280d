/*
 * The agent's interface to its operating system: the few things the
 * portable parts (sweep, quarantine, collectors, sandbox) need from the
 * kernel beyond POSIX, one small function each.  There is one
 * implementation per system, under platform/<system>/ (linux/ today); a
 * port adds a folder and selects it in meson.build, it does not add
 * #ifdefs to the callers.  docs/internals/platform.md has the list and
 * what each must guarantee.
 *
 * Like the rest of the agent's libraries these functions never print:
 * they return -1 with errno (or a code) and the caller reports.
 */
#ifndef RP_PLATFORM_H
#define RP_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- Paths that never follow a symbolic link (linux/resolve.c) ---- */

enum plat_open_how {
	PLAT_OPEN_DIR, /* a readable directory (listed, fsync'ed) */
	PLAT_OPEN_LOOKUP, /* a directory only looked up through, with the
			     *at() calls (Linux: O_PATH, so no read
			     permission is needed) */
};

/* Where a resolution failed. */
struct plat_walk_fail {
	int err; /* errno of the step that failed */
	size_t off, len; /* the component of rel at fault: bytes into rel */
	int is_link; /* that component is a symbolic link */
};

/*
 * Opens the directory rel ("a/b/c": relative, components separated by
 * '/', repeated slashes allowed) below dirfd without following a symbolic
 * link in any component and without leaving dirfd: "." and ".."
 * components are refused (EINVAL).  rel may be longer than PATH_MAX; a
 * component longer than NAME_MAX fails with ENAMETOOLONG.  An empty rel
 * opens dirfd itself again.  Returns a close-on-exec descriptor, or -1
 * with errno; then, when fail is not NULL, *fail says which component
 * failed, with what errno, and whether it is a symbolic link (errno is
 * then ELOOP or ENOTDIR).
 */
int plat_open_beneath(int dirfd, const char *rel, enum plat_open_how how,
    struct plat_walk_fail *fail);

/*
 * Opens rel below the directory root with the open(2) flags given,
 * resolving symbolic links as if root were "/" so that an image's
 * absolute links stay inside it.  Where the kernel cannot confine the
 * resolution that way, no link is followed at all.  Returns a
 * close-on-exec descriptor, or -1 with errno.
 */
int plat_open_in_root(const char *root, const char *rel, int flags);

/*
 * How many times this process was refused the kernel's confined path
 * resolution (Linux: openat2 failing with ENOSYS or EPERM, as on kernels
 * before 5.6 or under a container's seccomp profile) and walked the path
 * one component at a time instead.  For the tests and the sweep's
 * statistics; the answer is the same either way.
 */
uint64_t plat_resolve_fallbacks(void);

/* ---- Listing a directory (linux/dir.c) ---- */

enum plat_ftype {
	PLAT_FT_UNKNOWN, /* the file system does not say: fstatat it */
	PLAT_FT_REG,
	PLAT_FT_DIR,
	PLAT_FT_LNK,
	PLAT_FT_OTHER, /* device, socket, FIFO */
};

/* A listing in progress, over a buffer the caller owns. */
struct plat_dir {
	int fd;
	char *buf;
	size_t cap;
	long n, off;
};

/* Starts listing the directory fd (not closed, not taken) into buf (cap
   bytes; 32 KiB or more lists big directories in few system calls). */
void plat_dir_init(struct plat_dir *d, int fd, void *buf, size_t cap);
/*
 * The next entry: returns 1 with *name (valid until the next call) and
 * *type, 0 at the end, -1 with errno.  "." and ".." are never returned.
 */
int plat_dir_next(struct plat_dir *d, const char **name, enum plat_ftype *type);

/* ---- File systems (linux/mounts.c) ---- */

enum plat_fs_kind {
	PLAT_FS_LOCAL, /* disks, tmpfs, overlay, devtmpfs */
	PLAT_FS_PSEUDO, /* kernel state presented as files (proc, sysfs) */
	PLAT_FS_NETWORK, /* another machine's files (nfs, cifs, sshfs) */
};

struct plat_mounts;

/* The mounted file systems, read once.  An unreadable table gives an
   empty one (everything local); NULL only when out of memory. */
struct plat_mounts *plat_mounts_read(void);
void plat_mounts_free(struct plat_mounts *m);
/* The kind of the file system of device dev (PLAT_FS_LOCAL when m is
   NULL or dev unknown). */
enum plat_fs_kind plat_mounts_kind(const struct plat_mounts *m, uint64_t dev);

/* ---- Processes (linux/proc.c) ---- */

/*
 * Opens, for reading, the executable image process pid runs -- the file
 * the kernel mapped, even when its name was since deleted or replaced.
 * Returns a descriptor or -1 with errno (ENOENT or ESRCH: no such
 * process).
 */
int plat_exe_open(long pid);
/* A name for that image when no path is known ("/proc/PID/exe"). */
void plat_exe_label(long pid, char *buf, size_t size);

/*
 * Calls fn for every process but the caller whose executable image is
 * the file (dev, ino).  With do_kill each is first sent SIGKILL, and
 * only through a handle of that very process, so that a PID reused
 * between the check and the signal is never hit; err is 0 when it was
 * killed, else the errno of the attempt (fn is then still called; ESRCH:
 * it had ended).  Returns 0, fn's first nonzero return (where it
 * stops), or RP_ERR_IO with errno when the processes cannot be listed.
 */
int plat_procs_by_exe(dev_t dev, ino_t ino, int do_kill,
    int (*fn)(pid_t pid, int err, void *arg), void *arg);

/*
 * A handle on one process, so that the process whose executable was
 * checked is the one signalled, even if its PID is reused meanwhile
 * (Linux: a /proc/PID descriptor and a pidfd, and the start time read
 * when opened and compared again before the signal).
 */
struct plat_proc {
	long pid;
	int dfd, pfd;
	uint64_t start; /* start time, in the kernel's clock ticks */
};
/* Opens a handle on pid.  Returns 0, or -1 with errno (ESRCH, ENOENT: no
 * such process; EACCES, EPERM). */
int plat_proc_open(long pid, struct plat_proc *p);
/*
 * Opens the executable image of p for reading (the file the kernel
 * mapped, even when deleted) and its path as the system names it into
 * path (may end in " (deleted)").  Returns a descriptor or -1 with errno.
 */
int plat_proc_exe(const struct plat_proc *p, char *path, size_t size);
/* SIGKILL to p, only if it is still the process opened (same start
 * time).  Returns 0, or -1 with errno (ESRCH: it has ended or is
 * another process now). */
int plat_proc_kill(const struct plat_proc *p);
/* Closes the handle; a zeroed or closed one is a no-op. */
void plat_proc_close(struct plat_proc *p);

/* ---- Confinement (linux/confine.c) ---- */

/*
 * Confines the calling process, a freshly forked scanner child, for
 * good: it keeps only the descriptor sock and stderr (everything else is
 * closed), dies with its parent, cannot be traced or dumped, can never
 * gain privileges, and from then on may only read and close descriptors
 * it holds or receives over sock, send and receive on sock, allocate and
 * free non-executable memory and exit; any other system call kills it
 * (Linux: a seccomp allowlist; docs/internals/sandbox.md lists it).
 * Returns 0; 1 when the parent has already gone (exit quietly); -1 when
 * a step failed (exit: the child must not run unconfined).
 */
int plat_confine(int sock);

/*
 * Starts a child to be confined: a socketpair of type (SOCK_SEQPACKET,
 * SOCK_STREAM; close-on-exec) whose child end is a descriptor above 2
 * (the child keeps 0 to 2 for stdio or closes them), then fork().  In the
 * parent returns the child's pid with its end in *sock; in the child
 * returns 0 with the child's end in *sock.  Returns -1 with errno when
 * either step fails (nothing is left open).
 */
pid_t plat_fork_child(int type, int *sock);

/*
 * Confines a freshly forked reader child that must open files of its own
 * (librpm on a private copy of a database) in directory dir: keeps only
 * sock and stderr (stdin and stdout on /dev/null), dies with its parent, is not dumpable; as root it is
 * shut into dir (chroot) as the user nobody, otherwise it only changes
 * into dir; then no_new_privs and a seccomp filter that kills it on
 * network, exec, new processes, tracing, mounts, namespaces, identity
 * changes and signals to others (linux/jail.c).  Returns 2 when shut in
 * (dir is "/" now), 0 when not (no privilege to), 1 when the parent has
 * already gone, -1 when a step failed (the child must exit).
 */
int plat_jail(const char *dir, int sock);

/* ---- Files (linux/files.c) ---- */

/*
 * Renames from to to, both in directory dirfd, failing with EEXIST when
 * to exists (never replacing it, not even in a race).  Returns 0 or -1
 * with errno.
 */
int plat_rename_noreplace(int dirfd, const char *from, const char *to);

/*
 * openat(dirfd, name, flags), without updating the file's access time
 * where the system lets the caller (reading a file to quarantine it
 * should not look like someone used it).  Returns a descriptor or -1
 * with errno.
 */
int plat_open_noatime(int dirfd, const char *name, int flags);

#endif
