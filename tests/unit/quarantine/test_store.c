/*
 * Unit tests of the quarantine store: round trips with awkward names,
 * empty and large files; the refusals (another inode, a link in the
 * path, overwriting, an unsafe store, corrupt content); recovery after a
 * crash at chosen steps (a forked child dies at the crash point).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "quarantine/qstore_int.h"
#include "util/err.h"

static char root[64], store[96];

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static int
setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/rp-qtest.XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	snprintf(store, sizeof(store), "%s/store", root);
	return 0;
}

static int
teardown(void **state)
{
	chmod(store, 0700);
	return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *
at(const char *name)
{
	static char buf[8][512];
	static int n;

	n = (n + 1) % 8;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", root, name);
	return buf[n];
}

static void
write_file(const char *path, const void *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(qwrite_all(fd, data, n), 0);
	close(fd);
}

static unsigned char *
read_file(const char *path, size_t *n)
{
	struct stat st;
	unsigned char *buf;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)st.st_size + 1), st.st_size);
	close(fd);
	*n = (size_t)st.st_size;
	return buf;
}

static int
count_entries(struct qstore *q)
{
	struct qentry *v;
	size_t n;

	assert_int_equal(qstore_list(q, &v, &n, NULL), 0);
	qentry_list_free(v, n);
	return (int)n;
}

/* Quarantines path as the sweep would: with the identity it saw. */
static int
take(struct qstore *q, const char *path, struct qentry *e, struct rp_diags *d)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return quarantine_file(
	    q, path, st.st_dev, st.st_ino, NULL, "test", 0, e, d);
}

/* Quarantine then restore gives the same bytes, mode, owner and times. */
static void
round_trip(const char *path, const void *data, size_t n)
{
	struct timespec ts[2] = {
	    {1600000000, 111111111}, {1500000000, 987654321}};
	struct qstore *q = NULL;
	struct qentry e;
	struct stat st;
	unsigned char *got;
	size_t gn;
	int root_user = geteuid() == 0;

	write_file(path, data, n);
	assert_int_equal(chmod(path, 0751), 0);
	if (root_user)
		assert_int_equal(chown(path, 1234, 5678), 0);
	assert_int_equal(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(qstore_open(store, &q, NULL), 0);
	assert_int_equal(take(q, path, &e, NULL), 0);
	assert_int_equal(lstat(path, &st), -1);
	assert_string_equal(e.path, path);
	assert_true(e.size == n);
	assert_int_equal(count_entries(q), 1);
	assert_int_equal(qstore_restore(q, e.id, NULL, 0, NULL), 0);
	assert_int_equal(count_entries(q), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0751);
	assert_int_equal(st.st_uid, root_user ? 1234 : geteuid());
	assert_int_equal(st.st_gid, root_user ? 5678 : getegid());
	assert_int_equal(st.st_mtim.tv_sec, ts[1].tv_sec);
	assert_int_equal(st.st_mtim.tv_nsec, ts[1].tv_nsec);
	assert_int_equal(st.st_atim.tv_sec, ts[0].tv_sec);
	assert_int_equal(st.st_atim.tv_nsec, ts[0].tv_nsec);
	got = read_file(path, &gn);
	assert_true(gn == n);
	if (n > 0)
		assert_memory_equal(got, data, n);
	free(got);
	assert_int_equal(unlink(path), 0);
	qentry_clear(&e);
	qstore_close(q);
}

static void
test_odd_names(void **state)
{
	round_trip(at("with space"), "abc", 3);
	round_trip(at("new\nline"), "def\n", 4);
	round_trip(at("bytes \xff\xfe\x01"),
	    "\x7f"
	    "ELF",
	    4);
	round_trip(at("empty"), "", 0);
}

static void
test_large(void **state)
{
	size_t n = 20u * 1024 * 1024, i;
	unsigned char *data = malloc(n);

	assert_non_null(data);
	for (i = 0; i < n; i += 256)
		assert_int_equal(getrandom(data + i, 256, 0), 256);
	round_trip(at("large"), data, n);
	free(data);
}

static void
test_identity(void **state)
{
	struct qstore *q = NULL;
	struct stat st;
	struct rp_diags *d = rp_diags_new();
	const char *p = at("victim");

	write_file(p, "x", 1);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(qstore_open(store, &q, NULL), 0);
	assert_int_equal(quarantine_file(q, p, st.st_dev, st.st_ino + 1, NULL,
			     NULL, 0, NULL, d),
	    RP_ERR_INVALID);
	assert_int_equal(quarantine_file(q, p, st.st_dev + 1, st.st_ino, NULL,
			     NULL, 0, NULL, d),
	    RP_ERR_INVALID);
	/* a wrong SHA-256 moves nothing either */
	assert_int_equal(quarantine_file(q, p, st.st_dev, st.st_ino,
			     "00000000000000000000000000000000"
			     "00000000000000000000000000000000",
			     NULL, 0, NULL, d),
	    RP_ERR_INVALID);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(count_entries(q), 0);
	/* the right one (upper case accepted) does */
	assert_int_equal(quarantine_file(q, p, st.st_dev, st.st_ino,
			     "2D711642B726B04401627CA9FBAC32F5"
			     "C8530FB1903CC4DB02258717921A4881",
			     NULL, 0, NULL, d),
	    0);
	assert_int_equal(count_entries(q), 1);
	qstore_close(q);
	rp_diags_free(d);
}

static void
test_links_refused(void **state)
{
	struct qstore *q = NULL;
	struct stat st;

	assert_int_equal(mkdir(at("real"), 0755), 0);
	write_file(at("real/f"), "payload", 7);
	assert_int_equal(symlink(at("real"), at("dirlink")), 0);
	assert_int_equal(symlink(at("real/f"), at("leaflink")), 0);
	assert_int_equal(stat(at("real/f"), &st), 0);
	assert_int_equal(qstore_open(store, &q, NULL), 0);
	/* same inode reached through a link: still refused */
	assert_int_equal(quarantine_file(q, at("dirlink/f"), st.st_dev,
			     st.st_ino, NULL, NULL, 0, NULL, NULL),
	    RP_ERR_INVALID);
	assert_int_equal(quarantine_file(q, at("leaflink"), st.st_dev,
			     st.st_ino, NULL, NULL, 0, NULL, NULL),
	    RP_ERR_INVALID);
	assert_int_equal(quarantine_file(q, at("real/../real/f"), st.st_dev,
			     st.st_ino, NULL, NULL, 0, NULL, NULL),
	    RP_ERR_INVALID);
	assert_int_equal(quarantine_file(q, "real/f", st.st_dev, st.st_ino,
			     NULL, NULL, 0, NULL, NULL),
	    RP_ERR_INVALID);
	assert_int_equal(quarantine_file(q, at("real/f/"), st.st_dev, st.st_ino,
			     NULL, NULL, 0, NULL, NULL),
	    RP_ERR_INVALID);
	assert_int_equal(mkfifo(at("fifo"), 0600), 0);
	assert_int_equal(lstat(at("fifo"), &st), 0);
	assert_int_equal(quarantine_file(q, at("fifo"), st.st_dev, st.st_ino,
			     NULL, NULL, 0, NULL, NULL),
	    RP_ERR_INVALID);
	assert_int_equal(count_entries(q), 0);
	assert_int_equal(stat(at("real/f"), &st), 0);
	/* "." components are harmless */
	assert_int_equal(quarantine_file(q, at("./real/./f"), st.st_dev,
			     st.st_ino, NULL, NULL, 0, NULL, NULL),
	    0);
	qstore_close(q);
}

static void
test_no_overwrite(void **state)
{
	struct qstore *q = NULL;
	struct qentry e;
	unsigned char *got;
	size_t n;

	write_file(at("f"), "original", 8);
	assert_int_equal(qstore_open(store, &q, NULL), 0);
	assert_int_equal(take(q, at("f"), &e, NULL), 0);
	write_file(at("f"), "newer", 5);
	assert_int_equal(
	    qstore_restore(q, e.id, NULL, 0, NULL), RP_ERR_INVALID);
	got = read_file(at("f"), &n);
	assert_true(n == 5 && memcmp(got, "newer", 5) == 0);
	free(got);
	/* the entry survives and says the path is taken */
	qentry_clear(&e);
	assert_int_equal(count_entries(q), 1);
	{
		struct qentry *v;
		size_t nv;

		assert_int_equal(qstore_list(q, &v, &nv, NULL), 0);
		assert_int_equal(v[0].state, QENTRY_ORIGINAL_PRESENT);
		memcpy(e.id, v[0].id, sizeof(e.id));
		qentry_list_free(v, nv);
	}
	/* a link at the target is not followed nor replaced either */
	assert_int_equal(symlink(at("elsewhere"), at("lnk")), 0);
	assert_int_equal(
	    qstore_restore(q, e.id, at("lnk"), 0, NULL), RP_ERR_INVALID);
	assert_int_equal(qstore_restore(q, e.id, at("copy"), 0, NULL), 0);
	got = read_file(at("copy"), &n);
	assert_true(n == 8 && memcmp(got, "original", 8) == 0);
	free(got);
	assert_int_equal(count_entries(q), 0);
	qstore_close(q);
}

static void
test_unsafe_store(void **state)
{
	struct qstore *q = NULL;

	assert_int_equal(qstore_open(store, &q, NULL), 0);
	qstore_close(q);
	assert_int_equal(chmod(store, 0777), 0);
	assert_int_equal(qstore_open(store, &q, NULL), RP_ERR_INVALID);
	assert_null(q);
	assert_int_equal(chmod(store, 0700), 0);
	assert_int_equal(symlink(store, at("storelink")), 0);
	assert_int_equal(
	    qstore_open(at("storelink"), &q, NULL), RP_ERR_INVALID);
	assert_null(q);
}

static void
set_mode(const char *id, const char *ext, mode_t mode)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s.%s", store, id, ext);
	assert_int_equal(chmod(p, mode), 0);
}

static void
test_corrupt(void **state)
{
	struct qstore *q = NULL;
	struct qentry e, *v;
	char p[256], id[QUARANTINE_ID_LEN + 1];
	size_t n;
	int fd;

	write_file(at("f"), "some content that compresses", 28);
	assert_int_equal(qstore_open(store, &q, NULL), 0);
	assert_int_equal(take(q, at("f"), &e, NULL), 0);
	/* flip a byte of the zstd frame */
	set_mode(e.id, "rpq", 0600);
	snprintf(p, sizeof(p), "%s/%s.rpq", store, e.id);
	assert_true((fd = open(p, O_RDWR)) >= 0);
	assert_int_equal(pwrite(fd, "\x55", 1, QCONT_HDR_LEN + 8), 1);
	close(fd);
	assert_int_equal(
	    qstore_restore(q, e.id, NULL, 0, NULL), RP_ERR_INVALID);
	assert_true(access(at("f"), F_OK) != 0);
	/* nor does a temporary stay in the target directory */
	snprintf(p, sizeof(p), "%s/.rampart-restore-%s", root, e.id);
	assert_true(access(p, F_OK) != 0);
	/* a record that does not parse lists as damaged and can be purged */
	set_mode(e.id, "json", 0600);
	snprintf(p, sizeof(p), "%s/%s.json", store, e.id);
	write_file(p, "{\"id\": 1}", 9);
	assert_int_equal(qstore_list(q, &v, &n, NULL), 0);
	assert_true(n == 1 && v[0].state == QENTRY_DAMAGED);
	assert_null(v[0].path);
	qentry_list_free(v, n);
	memcpy(id, e.id, sizeof(id));
	qentry_clear(&e);
	assert_int_equal(qstore_get(q, id, &e, NULL), RP_ERR_INVALID);
	assert_int_equal(qstore_purge(q, id, NULL), 0);
	assert_int_equal(count_entries(q), 0);
	assert_int_equal(qstore_purge(q, id, NULL), RP_ERR_NOTFOUND);
	assert_int_equal(qstore_purge(q, "../x", NULL), RP_ERR_ARG);
	qstore_close(q);
}

/* Runs quarantine_file in a child that dies at step. */
static void
crash_add(const char *path, const char *step)
{
	struct qstore *q = NULL;
	pid_t pid;
	int st;

	if ((pid = fork()) == 0) {
		if (qstore_open(store, &q, NULL) != 0)
			_exit(3);
		qstore_set_crash_point(q, step);
		take(q, path, NULL, NULL);
		_exit(4);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

static int
store_files(void)
{
	struct dirent *de;
	DIR *dir = opendir(store);
	int n = 0;

	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..");
	closedir(dir);
	return n;
}

static void
test_recovery(void **state)
{
	struct qstore *q = NULL;
	struct qentry *v, e;
	char p[256];
	size_t n;

	write_file(at("f"), "recover me", 10);
	/* content renamed in, no record: rolled back, original in place */
	crash_add(at("f"), "add-rpq-renamed");
	assert_int_equal(store_files(), 2); /* the content and the key */
	write_file(at("store/.tmp-stray.json"), "{", 1);
	write_file(at("store/unknown-file"), "keep", 4);
	assert_int_equal(mkdir(at("store/.tmp-dir"), 0700), 0);
	assert_int_equal(qstore_open(store, &q, NULL), 0);
	assert_int_equal(store_files(), 3); /* key, unknown-file, .tmp-dir */
	assert_int_equal(count_entries(q), 0);
	assert_int_equal(access(at("f"), F_OK), 0);
	qstore_close(q);

	/* committed but not unlinked: listed as original-present ... */
	crash_add(at("f"), "add-committed");
	assert_int_equal(qstore_open(store, &q, NULL), 0);
	assert_int_equal(qstore_list(q, &v, &n, NULL), 0);
	assert_true(n == 1 && v[0].state == QENTRY_ORIGINAL_PRESENT);
	/* ... and quarantining the same file again reuses that entry */
	assert_int_equal(take(q, at("f"), &e, NULL), 0);
	assert_string_equal(e.id, v[0].id);
	assert_true(access(at("f"), F_OK) != 0);
	assert_int_equal(count_entries(q), 1);
	snprintf(p, sizeof(p), "%s/%s.rpq", store, e.id);
	assert_int_equal(access(p, F_OK), 0);
	qentry_list_free(v, n);
	assert_int_equal(qstore_restore(q, e.id, NULL, 0, NULL), 0);
	qentry_clear(&e);
	qstore_close(q);
}

static void
test_hard_links_warned(void **state)
{
	struct qstore *q = NULL;
	struct rp_diags *d = rp_diags_new();
	struct qentry e;

	write_file(at("a"), "linked", 6);
	assert_int_equal(link(at("a"), at("b")), 0);
	assert_int_equal(qstore_open(store, &q, NULL), 0);
	assert_int_equal(take(q, at("a"), &e, d), 0);
	assert_int_equal(d->nwarnings, 1);
	assert_int_equal(access(at("b"), F_OK), 0);
	qentry_clear(&e);
	qstore_close(q);
	rp_diags_free(d);
}

/* The store's own files are never taken into it. */
static void
test_store_file_refused(void **state)
{
	struct qstore *q = NULL;
	struct qentry e;
	char p[256];

	write_file(at("f"), "x", 1);
	assert_int_equal(qstore_open(store, &q, NULL), 0);
	assert_int_equal(take(q, at("f"), &e, NULL), 0);
	snprintf(p, sizeof(p), "%s/%s.rpq", store, e.id);
	assert_int_equal(take(q, p, NULL, NULL), RP_ERR_INVALID);
	assert_int_equal(access(p, F_OK), 0);
	assert_int_equal(count_entries(q), 1);
	qentry_clear(&e);
	qstore_close(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_odd_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_large, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_links_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_overwrite, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unsafe_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_recovery, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_hard_links_warned, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_store_file_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
