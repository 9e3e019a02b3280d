/*
 * Unit tests of the input caps (src/lib/util/input.c) and of the JSON
 * loader that uses them: a file over its cap is refused from its size
 * before it is read, a stream without a size is cut at the cap, and the
 * error names the size and the cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "json/rpjson.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/input.h"

static void
temp_file(char *path, const char *text, off_t size)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	if (text != NULL)
		assert_int_equal(
		    write(fd, text, strlen(text)), (ssize_t)strlen(text));
	if (size > 0)
		assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
}

/* A sparse file far over the cap: refused from fstat, nothing read. */
static void
test_over_cap_refused_before_reading(void **state)
{
	char path[] = "/tmp/rampart-cap-XXXXXX";
	struct rp_diags *d = rp_diags_new();
	struct rusage ru0, ru1;
	char *buf = NULL, msg[128];
	size_t len = 0;

	temp_file(path, "{}", (off_t)RP_CAP_ADVISORY + 1);
	assert_int_equal(getrusage(RUSAGE_SELF, &ru0), 0);
	assert_int_equal(
	    rp_input_read(path, RP_CAP_ADVISORY, &buf, &len, d), RP_ERR_LIMIT);
	assert_null(buf);
	assert_null(rpjson_load_file(path, RP_CAP_ADVISORY, d));
	assert_int_equal(getrusage(RUSAGE_SELF, &ru1), 0);
	/* 32 MiB were never read into memory (counted in KiB) */
	assert_true(ru1.ru_maxrss - ru0.ru_maxrss < 16 * 1024);
	assert_int_equal(d->nerrors, 2);
	snprintf(msg, sizeof(msg), "file is %zu bytes; the cap",
	    RP_CAP_ADVISORY + 1);
	assert_non_null(strstr(d->v[0].msg, msg));
	assert_non_null(strstr(d->v[0].msg, "33554432 bytes (32 MiB)"));
	assert_non_null(strstr(d->v[1].msg, msg));
	unlink(path);
	rp_diags_free(d);
}

static void
test_at_cap_accepted(void **state)
{
	char path[] = "/tmp/rampart-cap-XXXXXX";
	struct rp_diags *d = rp_diags_new();
	char *buf = NULL;
	size_t len = 0;
	json_t *j;

	temp_file(path, "[1, 2, 3]      ", 0);
	assert_int_equal(rp_input_read(path, 15, &buf, &len, d), 0);
	assert_int_equal(len, 15);
	assert_string_equal(buf, "[1, 2, 3]      ");
	free(buf);
	assert_non_null(j = rpjson_load_file(path, 15, d));
	json_decref(j);
	assert_int_equal(rp_input_read(path, 14, &buf, &len, d), RP_ERR_LIMIT);
	assert_null(rpjson_load_file(path, 14, d));
	assert_int_equal(d->nerrors, 2);
	unlink(path);
	rp_diags_free(d);
}

/* A character device has no size: reading stops at the cap. */
static void
test_stream_cut_at_cap(void **state)
{
	struct rp_diags *d = rp_diags_new();
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(
	    rp_input_read("/dev/zero", 100000, &buf, &len, d), RP_ERR_LIMIT);
	assert_null(buf);
	assert_non_null(strstr(d->v[0].msg, "larger than the cap"));
	rp_diags_free(d);
}

/* Valid JSON from a pipe on stdin, longer than the cap, is cut there. */
static void
test_json_pipe_cut_at_cap(void **state)
{
	struct rp_diags *d = rp_diags_new();
	int p[2], saved, st;
	pid_t pid;
	size_t i;

	assert_int_equal(pipe(p), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		close(p[0]);
		if (write(p[1], "[0", 2) != 2)
			_exit(1);
		for (i = 0; i < 200000; i++)
			if (write(p[1], ",0", 2) != 2)
				_exit(0); /* the reader stopped: expected */
		_exit(0);
	}
	close(p[1]);
	assert_true((saved = dup(0)) >= 0);
	assert_int_equal(dup2(p[0], 0), 0);
	close(p[0]);
	assert_null(rpjson_load_file("-", 100000, d));
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(d->nerrors, 1);
	assert_non_null(strstr(d->v[0].msg, "larger than the cap"));
	rp_diags_free(d);
}

static void
test_open_errors(void **state)
{
	struct rp_diags *d = rp_diags_new();
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(
	    rp_input_read("/tmp", RP_CAP_ADVISORY, &buf, &len, d), RP_ERR_IO);
	assert_non_null(strstr(d->v[0].msg, "directory"));
	assert_int_equal(rp_input_read("/nonexistent/x.json", RP_CAP_ADVISORY,
			     &buf, &len, d),
	    RP_ERR_NOTFOUND);
	assert_non_null(strstr(d->v[1].msg, "cannot open"));
	rp_diags_free(d);
}

/* Nesting: RPJSON_MAX_DEPTH levels load, one more does not, and brackets
 * inside strings do not count. */
static void
test_depth_bound(void **state)
{
	struct rp_diags *d = rp_diags_new();
	size_t n = RPJSON_MAX_DEPTH, i;
	char *s = malloc(2 * (n + 1) + 32);
	json_t *j;

	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = '[';
	for (i = 0; i < n; i++)
		s[n + i] = ']';
	assert_non_null(j = rpjson_load_buf(s, 2 * n, d));
	json_decref(j);
	memmove(s + 1, s, 2 * n);
	s[0] = '[';
	s[2 * n + 1] = ']';
	assert_null(rpjson_load_buf(s, 2 * n + 2, d));
	assert_int_equal(d->nerrors, 1);
	assert_non_null(strstr(d->v[0].msg, "nest deeper than 1056"));
	free(s);
	assert_non_null(j = rpjson_load_buf("[\"[[[[\\\"{{{{\"]", 14, d));
	json_decref(j);
	assert_int_equal(d->nerrors, 1);
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_over_cap_refused_before_reading),
	    cmocka_unit_test(test_at_cap_accepted),
	    cmocka_unit_test(test_stream_cut_at_cap),
	    cmocka_unit_test(test_json_pipe_cut_at_cap),
	    cmocka_unit_test(test_open_errors),
	    cmocka_unit_test(test_depth_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
