/*
 * The confined scanner child: what it computes (digests against sha256sum
 * and OpenSSL, YARA rule indices), that it cannot open a file or a socket
 * (the test-only messages make it try; the seccomp filter kills it with
 * SIGSYS, and the parent reports that and starts a new child), that a
 * message of the wrong length or an unknown type from either side drops
 * the peer, that restarts are bounded, and that sparse files are read
 * only where they hold data while the work budget stops the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "sandbox/sandbox.h"

#define GIB ((uint64_t)1 << 30)

static char tmpdir[] = "/tmp/rampart-sandbox-test.XXXXXX";

static int
setup_all(void **state)
{
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown_all(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A file in the temporary directory; returns its descriptor (O_RDONLY)
   and the path in path. */
static int
make_file(const char *name, const void *p, size_t n, char *path, size_t cap)
{
	int fd;

	snprintf(path, cap, "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static void
req_for(int fd, unsigned want, int yara, struct sandbox_req *rq)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	memset(rq, 0, sizeof(*rq));
	rq->want = want;
	rq->yara = (uint32_t)yara;
	rq->size = (uint64_t)st.st_size;
	rq->allocated = (uint64_t)st.st_blocks * 512;
}

static void
hex(const unsigned char *v, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", v[i]);
}

/* sha256sum's answer for path, the reference for logical content. */
static void
sha256sum_of(const char *path, char *out)
{
	char cmd[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, 65, p));
	out[64] = '\0';
	assert_int_equal(pclose(p), 0);
}

static void
test_digests(void **state)
{
	static const char text[] = "the quick brown fox";
	struct sandbox *sb = NULL;
	struct sandbox_req rq;
	struct sandbox_result res;
	unsigned char md[32];
	unsigned int len;
	char path[256], got[65], want[65];
	int fd;

	assert_int_equal(sandbox_new(NULL, 10, 1 << 20, &sb), 0);
	fd = make_file("fox", text, strlen(text), path, sizeof(path));
	req_for(fd, SANDBOX_SHA256 | SANDBOX_SHA1 | SANDBOX_MD5, 0, &rq);
	assert_int_equal(sandbox_scan(sb, fd, &rq, &res), 0);
	assert_int_equal(res.status, SANDBOX_OK);
	assert_int_equal(
	    res.flags, SANDBOX_SHA256 | SANDBOX_SHA1 | SANDBOX_MD5);
	assert_int_equal(res.bytes_read, strlen(text));
	hex(res.sha256, 32, got);
	sha256sum_of(path, want);
	assert_string_equal(got, want);
	EVP_Digest(text, strlen(text), md, &len, EVP_md5(), NULL);
	assert_memory_equal(res.md5, md, 16);
	EVP_Digest(text, strlen(text), md, &len, EVP_sha1(), NULL);
	assert_memory_equal(res.sha1, md, 20);
	/* The descriptor stays the caller's and usable. */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	close(fd);
	assert_int_equal(sandbox_restarts(sb), 0);
	sandbox_free(sb);
}

static YR_RULES *
compile(const char *text)
{
	YR_COMPILER *c = NULL;
	YR_RULES *r = NULL;

	assert_int_equal(yr_compiler_create(&c), ERROR_SUCCESS);
	assert_int_equal(yr_compiler_add_string(c, text, "t"), 0);
	assert_int_equal(yr_compiler_get_rules(c, &r), ERROR_SUCCESS);
	yr_compiler_destroy(c);
	return r;
}

static void
test_yara_indices(void **state)
{
	static const char data[] = "xx SECOND yy";
	YR_RULES *rules;
	struct sandbox *sb = NULL;
	struct sandbox_req rq;
	struct sandbox_result res;
	char path[256];
	int fd;

	assert_int_equal(yr_initialize(), ERROR_SUCCESS);
	rules =
	    compile("rule first { strings: $a = \"FIRST\" condition: $a }\n"
		    "rule second { strings: $a = \"SECOND\" condition: $a }");
	assert_int_equal(sandbox_new(rules, 10, 1 << 20, &sb), 0);
	fd = make_file("yara", data, strlen(data), path, sizeof(path));
	/* No digest asked for: a hit still carries its SHA-256. */
	req_for(fd, 0, 1, &rq);
	assert_int_equal(sandbox_scan(sb, fd, &rq, &res), 0);
	close(fd);
	assert_int_equal(res.status, SANDBOX_OK);
	assert_true(res.flags & SANDBOX_YARA_DONE);
	assert_true(res.flags & SANDBOX_SHA256);
	assert_int_equal(res.nyara, 1);
	assert_string_equal(
	    rules->rules_table[res.yara_rule[0]].identifier, "second");
	sandbox_free(sb);
	yr_rules_destroy(rules);
	yr_finalize();
}

/* The child asked to open a file or a socket is killed by the filter. */
static void
forbidden(enum sandbox_test_op op)
{
	struct sandbox *sb = NULL;
	struct sandbox_req rq;
	struct sandbox_result res;
	char path[256];
	int fd;

	assert_int_equal(sandbox_new(NULL, 10, 1 << 20, &sb), 0);
	assert_int_equal(sandbox_test_op(sb, op, &res), 0);
	/* Without the filter the child would answer OK or with an errno. */
	assert_int_equal(res.status, SANDBOX_CRASHED);
	assert_int_equal(res.signal, SIGSYS);
	/* The next file gets a new child. */
	fd = make_file("after", "x", 1, path, sizeof(path));
	req_for(fd, SANDBOX_SHA256, 0, &rq);
	assert_int_equal(sandbox_scan(sb, fd, &rq, &res), 0);
	close(fd);
	assert_int_equal(res.status, SANDBOX_OK);
	assert_int_equal(sandbox_restarts(sb), 1);
	sandbox_free(sb);
}

static void
test_cannot_open(void **state)
{
	forbidden(SANDBOX_TEST_OPEN);
}

static void
test_cannot_socket(void **state)
{
	forbidden(SANDBOX_TEST_SOCKET);
}

/* What the child does with a message it must refuse: it ends. */
static void
child_refuses(const void *msg, size_t n, int fd)
{
	struct sandbox *sb = NULL;
	int status = 0;

	assert_int_equal(sandbox_new(NULL, 10, 1 << 20, &sb), 0);
	assert_int_equal(sandbox_test_raw(sb, msg, n, fd, &status), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), SANDBOX_TEST_EXIT_PROTO);
	sandbox_free(sb);
}

static void
test_child_drops_bad_requests(void **state)
{
	size_t n = sandbox_test_req_size();
	uint32_t *m = calloc(1, n + 8);
	char path[256];
	int fd;

	assert_non_null(m);
	fd = make_file("req", "x", 1, path, sizeof(path));
	/* Too short, too long (with a descriptor each).  The layout:
	   type, length, sequence (8 bytes), count of files. */
	m[0] = 1; /* SB_MSG_SCAN */
	m[1] = (uint32_t)n;
	m[4] = 1;
	child_refuses(m, n - 1, fd);
	child_refuses(m, n + 8, fd);
	/* The right length but a length field that says otherwise. */
	m[1] = (uint32_t)n + 1;
	child_refuses(m, n, fd);
	/* An unknown type. */
	m[0] = 0x99;
	m[1] = (uint32_t)n;
	child_refuses(m, n, fd);
	/* A scan without a descriptor, or with fewer than it says. */
	m[0] = 1;
	child_refuses(m, n, -1);
	m[4] = 2;
	child_refuses(m, n, fd);
	close(fd);
	free(m);
}

static void
test_parent_drops_bad_replies(void **state)
{
	struct sandbox *sb = NULL;
	struct sandbox_result res;

	assert_int_equal(sandbox_new(NULL, 10, 1 << 20, &sb), 0);
	assert_int_equal(sandbox_test_op(sb, SANDBOX_TEST_BADREPLY, &res), 0);
	assert_int_equal(res.status, SANDBOX_PROTO);
	assert_int_equal(sandbox_test_op(sb, SANDBOX_TEST_BADTYPE, &res), 0);
	assert_int_equal(res.status, SANDBOX_PROTO);
	assert_int_equal(sandbox_restarts(sb), 1);
	sandbox_free(sb);
}

/* A batch in which one file kills the child: that file is reported, the
   others get their verdicts. */
static void
test_batch_crash_attributed(void **state)
{
	struct sandbox *sb = NULL;
	struct sandbox_req rq[3];
	struct sandbox_result res[3];
	char path[256];
	int fds[3], i;

	assert_int_equal(sandbox_new(NULL, 10, 1 << 20, &sb), 0);
	for (i = 0; i < 3; i++) {
		fds[i] = make_file("batch", "abc", 3, path, sizeof(path));
		req_for(fds[i], SANDBOX_SHA256, 0, &rq[i]);
	}
	assert_int_equal(sandbox_scan_batch(sb, fds, rq, 3, res), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(res[i].status, SANDBOX_OK);
	/* The middle one is a directory: pread fails, an I/O status for
	   it alone. */
	close(fds[1]);
	fds[1] = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(sandbox_scan_batch(sb, fds, rq, 3, res), 0);
	assert_int_equal(res[0].status, SANDBOX_OK);
	assert_int_equal(res[1].status, SANDBOX_IO);
	assert_int_equal(res[1].errno_, EISDIR);
	assert_int_equal(res[2].status, SANDBOX_OK);
	/* A killed child: every file is sent again alone; all get a
	   verdict from the new child. */
	assert_int_equal(kill(sandbox_test_pid(sb), SIGKILL), 0);
	close(fds[1]);
	fds[1] = fds[0];
	assert_int_equal(sandbox_scan_batch(sb, fds, rq, 3, res), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(res[i].status, SANDBOX_OK);
	assert_int_equal(sandbox_restarts(sb), 1);
	close(fds[0]);
	close(fds[2]);
	sandbox_free(sb);
}

static void
test_restarts_bounded(void **state)
{
	struct sandbox *sb = NULL;
	struct sandbox_req rq;
	struct sandbox_result res;
	char path[256];
	unsigned i;
	int fd;

	assert_int_equal(sandbox_new(NULL, 10, 1 << 20, &sb), 0);
	fd = make_file("killed", "abc", 3, path, sizeof(path));
	req_for(fd, SANDBOX_SHA256, 0, &rq);
	for (i = 0; i <= SANDBOX_RESTARTS_MAX; i++) {
		assert_true(sandbox_test_pid(sb) > 0);
		assert_int_equal(kill(sandbox_test_pid(sb), SIGKILL), 0);
		assert_int_equal(sandbox_scan(sb, fd, &rq, &res), 0);
		/* Never a silent pass: the file is reported as not scanned. */
		assert_int_equal(res.status, SANDBOX_CRASHED);
		assert_int_equal(res.signal, SIGKILL);
		assert_int_equal(res.flags, 0);
		if (i < SANDBOX_RESTARTS_MAX) {
			assert_int_equal(sandbox_scan(sb, fd, &rq, &res), 0);
			assert_int_equal(res.status, SANDBOX_OK);
		}
	}
	assert_int_equal(sandbox_restarts(sb), SANDBOX_RESTARTS_MAX);
	assert_int_equal(sandbox_scan(sb, fd, &rq, &res), 0);
	assert_int_equal(res.status, SANDBOX_DOWN);
	assert_string_equal(
	    sandbox_status_str(res.status), "scanner unavailable");
	close(fd);
	sandbox_free(sb);
}

/* A sparse file of size bytes with 4 KiB of data at each offset. */
static int
make_sparse(const char *name, uint64_t size, const uint64_t *offs, size_t n,
    char *path, size_t cap)
{
	char blk[4096];
	size_t i;
	int fd;

	snprintf(path, cap, "%s/%s", tmpdir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	for (i = 0; i < n; i++) {
		memset(blk, 'a' + (int)i, sizeof(blk));
		assert_int_equal(pwrite(fd, blk, sizeof(blk), (off_t)offs[i]),
		    (ssize_t)sizeof(blk));
	}
	assert_int_equal(fsync(fd), 0);
	return fd;
}

static void
test_sparse_huge(void **state)
{
	const uint64_t size = 64 * GIB;
	const uint64_t offs[] = {0, 17 * GIB, size - 4096};
	struct sandbox *sb = NULL;
	struct sandbox_req rq;
	struct sandbox_result res;
	char path[256];
	int fd;

	assert_int_equal(sandbox_new(NULL, 10, 1 << 20, &sb), 0);
	fd = make_sparse("huge", size, offs, 3, path, sizeof(path));
	req_for(fd, SANDBOX_SHA256, 0, &rq);
	assert_true(rq.allocated < 1024 * 1024); /* a few KB on disk */
	/* The default budget (4 GiB of work) is far below 64 GiB: refused
	   before anything is read, and said so. */
	assert_int_equal(sandbox_scan(sb, fd, &rq, &res), 0);
	assert_int_equal(res.status, SANDBOX_BUDGET);
	assert_int_equal(res.flags, 0);
	assert_int_equal(res.bytes_read, 0);
	assert_string_equal(sandbox_status_str(res.status), "budget exceeded");
	/* A budget just under the size is exceeded too. */
	rq.budget = size - 1;
	assert_int_equal(sandbox_scan(sb, fd, &rq, &res), 0);
	assert_int_equal(res.status, SANDBOX_BUDGET);
	assert_int_equal(res.bytes_read, 0);
	close(fd);
	sandbox_free(sb);
}

/* A sparse file within the budget: its digest is that of its logical
   content, but only its data is read. */
static void
sparse_digest(int yara)
{
	const uint64_t size = yara ? 24u << 20 : GIB / 2;
	const uint64_t offs[] = {
	    0, 5 * 4096 + (size / 3 & ~(uint64_t)4095), size - 4096};
	YR_RULES *rules = NULL;
	struct sandbox *sb = NULL;
	struct sandbox_req rq;
	struct sandbox_result res;
	char path[256], got[65], want[65];
	int fd;

	if (yara) {
		assert_int_equal(yr_initialize(), ERROR_SUCCESS);
		rules = compile("rule absent { strings: $a = \"NOPE\" "
				"condition: $a }");
	}
	assert_int_equal(sandbox_new(rules, 10, 32u << 20, &sb), 0);
	fd = make_sparse("half", size, offs, 3, path, sizeof(path));
	req_for(fd, SANDBOX_SHA256, yara, &rq);
	assert_true(rq.allocated < rq.size);
	assert_int_equal(sandbox_scan(sb, fd, &rq, &res), 0);
	close(fd);
	assert_int_equal(res.status, SANDBOX_OK);
	/* Only the three data blocks (file system granularity aside). */
	assert_true(res.bytes_read >= 3 * 4096);
	assert_true(res.bytes_read <= 3 * 64 * 1024);
	assert_int_equal(res.bytes_work, yara ? 2 * size : size);
	hex(res.sha256, 32, got);
	sha256sum_of(path, want);
	assert_string_equal(got, want);
	if (yara) {
		assert_true(res.flags & SANDBOX_YARA_DONE);
		assert_int_equal(res.nyara, 0);
	}
	sandbox_free(sb);
	if (rules != NULL) {
		yr_rules_destroy(rules);
		yr_finalize();
	}
}

static void
test_sparse_digest(void **state)
{
	sparse_digest(0);
}

static void
test_sparse_digest_yara(void **state)
{
	sparse_digest(1);
}

static void
test_budget_counts_yara(void **state)
{
	YR_RULES *rules;
	struct sandbox *sb = NULL;
	struct sandbox_req rq;
	struct sandbox_result res;
	char path[256];
	int fd;

	assert_int_equal(yr_initialize(), ERROR_SUCCESS);
	rules = compile("rule r { strings: $a = \"abc\" condition: $a }");
	assert_int_equal(sandbox_new(rules, 10, 1 << 20, &sb), 0);
	fd = make_file("both", "0123456789", 10, path, sizeof(path));
	/* Hashing (10) and scanning (10) are 20 bytes of work. */
	req_for(fd, SANDBOX_SHA256, 1, &rq);
	rq.budget = 19;
	assert_int_equal(sandbox_scan(sb, fd, &rq, &res), 0);
	assert_int_equal(res.status, SANDBOX_BUDGET);
	rq.budget = 20;
	assert_int_equal(sandbox_scan(sb, fd, &rq, &res), 0);
	assert_int_equal(res.status, SANDBOX_OK);
	assert_int_equal(res.bytes_work, 20);
	close(fd);
	sandbox_free(sb);
	yr_rules_destroy(rules);
	yr_finalize();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_digests),
	    cmocka_unit_test(test_yara_indices),
	    cmocka_unit_test(test_cannot_open),
	    cmocka_unit_test(test_cannot_socket),
	    cmocka_unit_test(test_child_drops_bad_requests),
	    cmocka_unit_test(test_parent_drops_bad_replies),
	    cmocka_unit_test(test_batch_crash_attributed),
	    cmocka_unit_test(test_restarts_bounded),
	    cmocka_unit_test(test_sparse_huge),
	    cmocka_unit_test(test_sparse_digest),
	    cmocka_unit_test(test_sparse_digest_yara),
	    cmocka_unit_test(test_budget_counts_yara),
	};

	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
