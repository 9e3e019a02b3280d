/*
 * Log lines: logfmt quoting and escaping, cutting of long values, and
 * the redaction of fields whose key names a secret.  The log API takes
 * only a message and string fields, so a request (its body, Cookie or
 * Authorization header) cannot be handed to it whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log/log.h"

static const char TS[] = "2026-01-02T03:04:05.678Z";

static void
check(const char *const *f, size_t n, const char *want)
{
	char buf[4096];
	size_t len =
	    log_format(buf, sizeof(buf), TS, LOGL_INFO, "http", "m", f, n);

	assert_int_equal(len, strlen(buf));
	assert_string_equal(buf, want);
}

static void
test_quoting(void **state)
{
	const char *plain[] = {"k", "v"};
	const char *space[] = {"k", "a b"};
	const char *quote[] = {"k", "say \"hi\"\\"};
	const char *ctl[] = {"k", "a\nb\tc\x01\xff"};
	const char *empty[] = {"k", ""};
	const char *eq[] = {"k", "a=b"};

	(void)state;
	check(plain, 1,
	    "ts=2026-01-02T03:04:05.678Z level=info role=http "
	    "msg=m k=v");
	check(space, 1,
	    "ts=2026-01-02T03:04:05.678Z level=info role=http "
	    "msg=m k=\"a b\"");
	check(quote, 1,
	    "ts=2026-01-02T03:04:05.678Z level=info role=http "
	    "msg=m k=\"say \\\"hi\\\"\\\\\"");
	check(ctl, 1,
	    "ts=2026-01-02T03:04:05.678Z level=info role=http "
	    "msg=m k=\"a\\nb\\tc\\x01\\xff\"");
	check(empty, 1,
	    "ts=2026-01-02T03:04:05.678Z level=info role=http "
	    "msg=m k=\"\"");
	check(eq, 1,
	    "ts=2026-01-02T03:04:05.678Z level=info role=http "
	    "msg=m k=\"a=b\"");
}

static void
test_long_value(void **state)
{
	static char v[LOG_VALUE_MAX + 100];
	const char *f[] = {"k", v};
	char buf[8192], want[LOG_VALUE_MAX + 10];

	(void)state;
	memset(v, 'x', sizeof(v) - 1);
	log_format(buf, sizeof(buf), TS, LOGL_WARN, "p", "m", f, 1);
	memset(want, 'x', LOG_VALUE_MAX);
	memcpy(want + LOG_VALUE_MAX, "...", 4);
	assert_non_null(strstr(buf, want));
	assert_null(strstr(buf,
	    "xxxx..."
	    "x"));
	/* A line never overruns the buffer it is given. */
	assert_true(log_format(buf, 40, TS, LOGL_WARN, "p", "m", f, 1) < 40);
}

static void
test_secrets(void **state)
{
	const char *f[] = {"password", "hunter2", "Authorization",
	    "Bearer rpt_abc", "cookie", "rampart_session=s", "totp_secret",
	    "JBSW", "body", "{\"password\":\"x\"}", "route", "GET /x"};
	char buf[4096];

	(void)state;
	log_format(buf, sizeof(buf), TS, LOGL_ERROR, "http", "m", f, 6);
	assert_null(strstr(buf, "hunter2"));
	assert_null(strstr(buf, "rpt_abc"));
	assert_null(strstr(buf, "rampart_session"));
	assert_null(strstr(buf, "JBSW"));
	assert_null(strstr(buf, "\"x\""));
	assert_non_null(strstr(buf, "password=[redacted]"));
	assert_non_null(strstr(buf, "Authorization=[redacted]"));
	assert_non_null(strstr(buf, "route=\"GET /x\""));
	assert_true(log_key_is_secret("api_token"));
	assert_false(log_key_is_secret("sha256"));
	assert_false(log_key_is_secret("route"));
}

/* The writer: one line on stderr per call, below the level nothing. */
static void
test_writer(void **state)
{
	int p[2], saved;
	char buf[1024];
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	saved = dup(2);
	dup2(p[1], 2);
	log_setup("test", LOGL_INFO, LOGT_STDERR);
	log_debug("hidden", NULL);
	log_info("shown", "password", "pw1", "n", "1", NULL);
	dup2(saved, 2);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_null(strstr(buf, "hidden"));
	assert_null(strstr(buf, "pw1"));
	assert_non_null(strstr(buf,
	    " level=info role=test msg=shown "
	    "password=[redacted] n=1\n"));
	assert_int_equal(strchr(buf, '\n') - buf + 1, n);
	close(p[0]);
	close(saved);
}

static void
test_names(void **state)
{
	(void)state;
	assert_int_equal(log_level_from_name("warn"), LOGL_WARN);
	assert_int_equal(log_level_from_name("WARN"), -1);
	assert_int_equal(log_target_from_name("journald"), LOGT_JOURNALD);
	assert_string_equal(log_level_name(LOGL_DEBUG), "debug");
	assert_string_equal(log_target_name(LOGT_AUTO), "auto");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quoting),
	    cmocka_unit_test(test_long_value),
	    cmocka_unit_test(test_secrets),
	    cmocka_unit_test(test_writer),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
