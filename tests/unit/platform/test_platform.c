/*
 * Unit tests of src/agent/platform (Linux): resolving without following
 * links -- checked twice, directly and in a child whose seccomp filter
 * makes openat2 fail (ENOSYS, then EPERM), where the component walk must
 * give the same answers and plat_resolve_fallbacks must show it ran --
 * listing a directory, the mount table, renaming without replacing,
 * opening without the access time, and
 * finding and killing the processes that run a file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <seccomp.h>

#include "platform/platform.h"
#include "util/err.h"

#define DEEP_LEVELS 20 /* of 250-byte names: longer than PATH_MAX */

static char tmp[] = "/tmp/rp-platform.XXXXXX";
static int tmpfd = -1;
static char deep[DEEP_LEVELS * 251 + 8];

/* tmp/d...(DEEP_LEVELS levels), its relative path in deep. */
static int
make_deep(void)
{
	int fd = dup(tmpfd), nfd, i;
	size_t o = 0;

	for (i = 0; i < DEEP_LEVELS && fd >= 0; i++) {
		memset(deep + o, 'd', 250);
		deep[o] = (char)('a' + i);
		deep[o + 250] = '\0';
		if (mkdirat(fd, deep + o, 0700) != 0)
			return -1;
		nfd = openat(fd, deep + o, O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = nfd;
		o += 250;
		deep[o++] = '/';
	}
	if (fd < 0 || o == 0)
		return -1;
	deep[o - 1] = '\0';
	close(fd);
	return 0;
}

static int
setup(void **state)
{
	char p[256];

	if (mkdtemp(tmp) == NULL)
		return -1;
	snprintf(p, sizeof(p),
	    "cd %s && mkdir -p a/b/c && ln -s b a/lnk && "
	    "touch a/f && ln -s /etc a/b/abs",
	    tmp);
	if (system(p) != 0)
		return -1;
	tmpfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return tmpfd < 0 ? -1 : make_deep();
}

static int
teardown(void **state)
{
	char p[256];

	close(tmpfd);
	snprintf(p, sizeof(p), "rm -rf %s", tmp);
	return system(p) == 0 ? 0 : -1;
}

/* A failure the resolution must report: rel, and where and why. */
struct bad {
	const char *rel;
	size_t off, len;
	int err; /* 0: ELOOP or ENOTDIR */
	int is_link;
};

static const struct bad bads[] = {
    {"a/lnk/c", 2, 3, 0, 1}, /* a link in the middle */
    {"a/lnk", 2, 3, 0, 1}, /* a link at the end */
    {"a/b/abs", 4, 3, 0, 1}, /* an absolute link */
    {"a/f/x", 2, 1, ENOTDIR, 0}, /* a file in the middle */
    {"a/../a/b", 2, 2, EINVAL, 0}, /* ".." refused */
    {"a/./b", 2, 1, EINVAL, 0},
    {"a/nope/c", 2, 4, ENOENT, 0},
};

/*
 * Checks every case once; returns 0, or the number of the check that
 * failed (so a child can report it through its exit status).
 */
static int
check_resolve(void)
{
	struct plat_walk_fail f;
	struct stat st, want;
	char p[PATH_MAX * 2];
	size_t i, o = 0;
	int fd, how;

	for (how = 0; how < 2; how++) {
		fd = plat_open_beneath(tmpfd, "a//b/c/", how, &f);
		if (fd < 0 || fstat(fd, &st) != 0 ||
		    fstatat(tmpfd, "a/b/c", &want, 0) != 0 ||
		    st.st_ino != want.st_ino)
			return 1;
		close(fd);
	}
	if ((fd = plat_open_beneath(tmpfd, "", PLAT_OPEN_DIR, &f)) < 0)
		return 2;
	close(fd);
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		memset(&f, 0xff, sizeof(f));
		fd = plat_open_beneath(tmpfd, bads[i].rel, PLAT_OPEN_DIR, &f);
		if (fd >= 0 || f.off != bads[i].off || f.len != bads[i].len ||
		    f.is_link != bads[i].is_link ||
		    (bads[i].err != 0 ? f.err != bads[i].err
				      : f.err != ELOOP && f.err != ENOTDIR))
			return 10 + (int)i;
	}
	/* longer than PATH_MAX: opened, and a link in it still refused */
	if ((fd = plat_open_beneath(tmpfd, deep, PLAT_OPEN_DIR, &f)) < 0)
		return 30;
	close(fd);
	while (o + 6 < sizeof(p)) {
		memcpy(p + o, "a/lnk/", 6);
		o += 6;
	}
	p[o - 1] = '\0';
	fd = plat_open_beneath(tmpfd, p, PLAT_OPEN_DIR, &f);
	if (fd >= 0 || !f.is_link || f.off != 2 || f.len != 3)
		return 31;
	/* in a root: an absolute link stays inside it */
	snprintf(p, sizeof(p), "%s/a", tmp);
	fd = plat_open_in_root(p, "b/c", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return 32;
	close(fd);
	fd = plat_open_in_root(p, "b/abs/passwd", O_RDONLY);
	/* a/b/abs -> /etc is <root>/etc, missing (ENOENT); without openat2
	   the link is not followed at all (ELOOP, ENOTDIR) */
	if (fd >= 0 || (errno != ENOENT && errno != ELOOP && errno != ENOTDIR))
		return 33;
	return 0;
}

static void
test_resolve(void **state)
{
	assert_int_equal(check_resolve(), 0);
}

/* check_resolve in a child where openat2 fails with err. */
static void
resolve_refused(int err)
{
	scmp_filter_ctx ctx;
	int status, r;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		ctx = seccomp_init(SCMP_ACT_ALLOW);
		if (ctx == NULL ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)err),
			SCMP_SYS(openat2), 0) != 0 ||
		    seccomp_load(ctx) != 0)
			_exit(100);
		if ((r = check_resolve()) != 0)
			_exit(r);
		/* the answers came from the walk */
		_exit(plat_resolve_fallbacks() == 0 ? 101 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_resolve_enosys(void **state)
{
	resolve_refused(ENOSYS);
}

static void
test_resolve_eperm(void **state)
{
	resolve_refused(EPERM);
}

static void
test_dir(void **state)
{
	char buf[64 * 1024];
	struct plat_dir d;
	enum plat_ftype t;
	const char *name;
	unsigned seen = 0;
	int fd, r;

	fd = openat(tmpfd, "a", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	plat_dir_init(&d, fd, buf, sizeof(buf));
	while ((r = plat_dir_next(&d, &name, &t)) > 0) {
		if (strcmp(name, "b") == 0 && t == PLAT_FT_DIR)
			seen |= 1;
		else if (strcmp(name, "lnk") == 0 && t == PLAT_FT_LNK)
			seen |= 2;
		else if (strcmp(name, "f") == 0 && t == PLAT_FT_REG)
			seen |= 4;
		else
			fail_msg("unexpected entry %s (%d)", name, (int)t);
	}
	assert_int_equal(r, 0);
	assert_int_equal(seen, 7);
	close(fd);
}

/* /proc is a pseudo file system; /tmp (tmpfs or the root) and /dev are
   local. */
static void
test_mounts(void **state)
{
	struct plat_mounts *m = plat_mounts_read();
	struct stat st;

	assert_non_null(m);
	assert_int_equal(stat("/proc/self", &st), 0);
	assert_int_equal(plat_mounts_kind(m, st.st_dev), PLAT_FS_PSEUDO);
	assert_int_equal(stat("/tmp", &st), 0);
	assert_int_equal(plat_mounts_kind(m, st.st_dev), PLAT_FS_LOCAL);
	assert_int_equal(stat("/dev", &st), 0);
	assert_int_equal(plat_mounts_kind(m, st.st_dev), PLAT_FS_LOCAL);
	plat_mounts_free(m);
	assert_int_equal(plat_mounts_kind(NULL, st.st_dev), PLAT_FS_LOCAL);
}

static void
test_rename(void **state)
{
	int fd = openat(tmpfd, "r1", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(plat_rename_noreplace(tmpfd, "r1", "r2"), 0);
	fd = openat(tmpfd, "r1", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(plat_rename_noreplace(tmpfd, "r1", "r2"), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(unlinkat(tmpfd, "r1", 0), 0);
	fd = plat_open_noatime(tmpfd, "r2", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(unlinkat(tmpfd, "r2", 0), 0);
	assert_int_equal(plat_open_noatime(tmpfd, "r2", O_RDONLY), -1);
	assert_int_equal(errno, ENOENT);
}

struct seen {
	pid_t pid;
	int err, n;
};

static int
on_proc(pid_t pid, int err, void *arg)
{
	struct seen *s = arg;

	s->pid = pid;
	s->err = err;
	s->n++;
	return 0;
}

/* A copy of sleep, started; returns once it runs (close-on-exec pipe). */
static pid_t
start_copy(const char *exe)
{
	char cmd[512];
	int p[2], err = 0;
	ssize_t n;
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "cp /bin/sleep %s", exe);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		execl(exe, exe, "600", (char *)NULL);
		err = errno;
		(void)!write(p[1], &err, sizeof(err));
		_exit(127);
	}
	close(p[1]);
	do
		n = read(p[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	assert_int_equal(n, 0);
	return pid;
}

static void
test_procs(void **state)
{
	char exe[256], label[64];
	struct seen s = {0, -1, 0};
	struct stat st, img;
	int status, fd;
	pid_t pid;

	snprintf(exe, sizeof(exe), "%s/sleep-copy", tmp);
	pid = start_copy(exe);
	assert_int_equal(stat(exe, &st), 0);
	fd = plat_exe_open(pid);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &img), 0);
	assert_int_equal(img.st_ino, st.st_ino);
	close(fd);
	plat_exe_label(pid, label, sizeof(label));
	assert_non_null(strstr(label, "exe"));
	/* listed, not killed */
	assert_int_equal(
	    plat_procs_by_exe(st.st_dev, st.st_ino, 0, on_proc, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.pid, pid);
	/* killed */
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    plat_procs_by_exe(st.st_dev, st.st_ino, 1, on_proc, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.err, 0);
	kill(pid, SIGTERM); /* ends it had the SIGKILL been missed */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	assert_int_equal(unlink(exe), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_resolve_enosys),
	    cmocka_unit_test(test_resolve_eperm),
	    cmocka_unit_test(test_dir),
	    cmocka_unit_test(test_mounts),
	    cmocka_unit_test(test_rename),
	    cmocka_unit_test(test_procs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
