/*
 * rampartd's configuration: defaults, the precedence file < environment
 * < flags, list keys replaced per layer, every key type's parsing, and
 * error messages that name FILE:LINE (or the variable, or the flag), the
 * key and what was expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "conf/conf.h"
#include "log/log.h"
#include "util/err.h"

static struct conf c;
static char err[2048];
static char path[64];

static const struct api_config auth = {
    .session_idle = 1800,
    .session_max = 43200,
    .login_max_failures = 5,
    .login_window = 900,
    .login_lockout = 600,
    .secure_cookies = 1,
};

static const char *
file(const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/rampartd-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Loads with flags (NULL-terminated, after argv[0]) and environment. */
static int
load(const char *const *flags, const char *const *env)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)"rampartd";
	for (size_t i = 0; flags != NULL && flags[i] != NULL; i++)
		argv[argc++] = (char *)flags[i];
	argv[argc] = NULL;
	return conf_load(&c, argc, argv, (char *const *)env, &auth,
	    "/nonexistent/rampartd.conf", err, sizeof(err));
}

static void
test_defaults(void **state)
{
	(void)state;
	assert_int_equal(load(NULL, NULL), 0);
	assert_int_equal(c.action, CONF_RUN);
	assert_int_equal(c.nlisten, 1);
	assert_string_equal(c.listen[0].text, "127.0.0.1:8443");
	assert_true(c.listen[0].loopback);
	assert_string_equal(c.state_dir, "var");
	assert_string_equal(c.user, "rampart");
	assert_string_equal(c.db, "sqlite:var/db/rampart.db");
	assert_string_equal(c.config_file, "");
	assert_int_equal(c.http_threads, 4);
	assert_int_equal(c.http_body_max, 32 << 20);
	assert_int_equal(c.auth.login_lockout, 600);
	assert_int_equal(c.auth.secure_cookies, 1);
	assert_int_equal(c.log_level, LOGL_INFO);
	assert_int_equal(c.log_target, LOGT_AUTO);
	assert_int_equal(c.plain_http, 0);
}

static void
test_precedence(void **state)
{
	const char *f = file("# comment\n"
			     "[server]\n"
			     "state_dir = /srv/rampart\n"
			     "listen = 127.0.0.1:1000\n"
			     "listen = [::1]:1001\n"
			     "[http]\n"
			     "threads = 3\n"
			     "body_max = 2m\n"
			     "[log]\n"
			     "level = debug\n"
			     "[auth]\n"
			     "session_idle = 15m\n");
	const char *flags[] = {"--config", f, "--log-level=error", NULL};
	const char *env[] = {"RAMPART_HTTP_THREADS=5", "RAMPART_LOG_LEVEL=warn",
	    "RAMPART_BIN=/x", "RAMPART_SERVER_LISTEN=127.0.0.2:2000",
	    "PATH=/bin", NULL};

	(void)state;
	assert_int_equal(load(flags, env), 0);
	assert_string_equal(c.config_file, f);
	assert_string_equal(c.state_dir, "/srv/rampart"); /* file only */
	assert_string_equal(c.db, "sqlite:/srv/rampart/db/rampart.db");
	assert_int_equal(c.http_threads, 5); /* env over file */
	assert_int_equal(c.log_level, LOGL_ERROR); /* flag over env */
	assert_int_equal(c.http_body_max, 2 << 20);
	assert_int_equal(c.auth.session_idle, 900);
	/* The environment's list replaced the file's two addresses. */
	assert_int_equal(c.nlisten, 1);
	assert_string_equal(c.listen[0].text, "127.0.0.2:2000");

	/* Without the variable the file's list stands; repeated flags
	 * replace it with theirs. */
	const char *flags2[] = {"--config", f, NULL};
	assert_int_equal(load(flags2, NULL), 0);
	assert_int_equal(c.nlisten, 2);
	assert_string_equal(c.listen[1].text, "[::1]:1001");
	assert_true(c.listen[1].loopback);
	const char *flags3[] = {"--config", f, "--listen", "0.0.0.0:1",
	    "--listen=[::]:2,127.0.0.1:3", NULL};
	assert_int_equal(load(flags3, NULL), 0);
	assert_int_equal(c.nlisten, 3);
	assert_string_equal(c.listen[0].text, "0.0.0.0:1");
	assert_false(c.listen[0].loopback);
	assert_string_equal(c.listen[1].text, "[::]:2");
	assert_string_equal(c.listen[2].text, "127.0.0.1:3");
	unlink(f);
}

static void
expect_error(const char *text, const char *want_fmt)
{
	const char *f = file(text);
	const char *flags[] = {"--config", f, NULL};
	char want[512];

	/* "%s" at the start stands for the file's name. */
	if (strncmp(want_fmt, "%s", 2) == 0)
		snprintf(want, sizeof(want), "%s%s", f, want_fmt + 2);
	else
		snprintf(want, sizeof(want), "%s", want_fmt);
	assert_int_not_equal(load(flags, NULL), 0);
	assert_string_equal(err, want);
	unlink(f);
}

static void
test_file_errors(void **state)
{
	(void)state;
	expect_error("[http]\n\nthread = 2\n",
	    "%s:3: unknown key 'thread' in [http] (known: threads, "
	    "max_connections, per_ip_connections, connection_timeout, "
	    "body_max, header_max)");
	expect_error("[http]\nthreads = 2\nthreads = many\n",
	    "%s:3: http.threads: expected an integer from 1 to 256, got "
	    "'many'");
	expect_error("[http]\nthreads = 0\n",
	    "%s:2: http.threads: expected an integer from 1 to 256, got '0'");
	expect_error("[web]\nx = 1\n",
	    "%s:2: unknown section [web] (known: server, store, http, auth, "
	    "log, metrics)");
	expect_error("listen = 1.2.3.4:5\n",
	    "%s:1: 'listen' is outside a section: put it under [server], "
	    "[store], [http], [auth], [log] or [metrics]");
	expect_error("[server]\nlisten = ::1:8443\n",
	    "%s:2: server.listen: IPv6 addresses are written [address]:port, "
	    "got '::1:8443'");
	expect_error("[server]\nlisten = 127.0.0.1:99999\n",
	    "%s:2: server.listen: expected a port number 1-65535 after the "
	    "address, got '127.0.0.1:99999'");
	expect_error("[server]\nplain_http = maybe\n",
	    "%s:2: server.plain_http: expected true or false (yes/no, on/off, "
	    "1/0), got 'maybe'");
	expect_error("[log]\nlevel = loud\n",
	    "%s:2: log.level: expected debug, info, warn or error, got "
	    "'loud'");
	expect_error("[metrics]\nallow = 10.0.0.0/33\n",
	    "%s:2: metrics.allow: expected a prefix length after '/' (0-32 "
	    "for IPv4, 0-128 for IPv6), got '10.0.0.0/33'");
	expect_error("[server]\nstate_dir = /x\nthis is not ini\n",
	    "%s:3: expected 'key = value', '[section]' or a comment ('#' or "
	    "';')");
	expect_error("[auth]\nsession_idle = 2d\nsession_max = 1d\n",
	    "auth.session_idle: must not exceed auth.session_max (86400 s)");
	expect_error("[server]\ntls_cert = /etc/c.pem\n",
	    "server.tls_cert: server.tls_cert and server.tls_key are set "
	    "together or not at all");
}

static void
test_env_flag_errors(void **state)
{
	const char *env[] = {"RAMPART_HTTP_THREADS=lots", NULL};
	const char *env2[] = {"RAMPART_HTTP_COLOUR=red", NULL};
	const char *bad_flag[] = {"--colour", NULL};
	const char *bad_value[] = {"--log-level", "loud", NULL};
	const char *no_value[] = {"--db", NULL};
	const char *missing[] = {"--config", "/nonexistent/x.conf", NULL};

	(void)state;
	assert_int_equal(load(NULL, env), RP_ERR_INVALID);
	assert_string_equal(err,
	    "environment RAMPART_HTTP_THREADS: "
	    "http.threads: expected an integer from 1 "
	    "to 256, got 'lots'");
	assert_int_equal(load(NULL, env2), RP_ERR_INVALID);
	assert_non_null(strstr(err,
	    "environment RAMPART_HTTP_COLOUR: "
	    "unknown key 'colour' in [http]"));
	assert_int_equal(load(bad_flag, NULL), RP_ERR_INVALID);
	assert_string_equal(err,
	    "--colour: unknown option (see rampartd "
	    "--help)");
	assert_int_equal(load(bad_value, NULL), RP_ERR_INVALID);
	assert_string_equal(err,
	    "--log-level: log.level: expected debug, "
	    "info, warn or error, got 'loud'");
	assert_int_equal(load(no_value, NULL), RP_ERR_INVALID);
	assert_string_equal(err, "--db: expected a value");
	assert_int_equal(load(missing, NULL), RP_ERR_IO);
	assert_non_null(strstr(err,
	    "/nonexistent/x.conf: cannot read the "
	    "configuration file"));
}

static void
test_plain_http(void **state)
{
	const char *ok[] = {"--plain-http", "--listen", "127.0.0.1:8080",
	    "--listen", "[::1]:8080", NULL};
	const char *wide[] = {"--plain-http", "--listen", "127.0.0.1:8080",
	    "--listen", "0.0.0.0:8080", NULL};

	(void)state;
	assert_int_equal(load(ok, NULL), 0);
	assert_int_equal(c.plain_http, 1);
	assert_int_equal(c.auth.secure_cookies, 0);
	assert_int_equal(load(wide, NULL), RP_ERR_INVALID);
	assert_string_equal(err,
	    "server.plain_http: refused: listen address "
	    "0.0.0.0:8080 is not loopback (plain HTTP "
	    "is only served on 127.0.0.0/8 and ::1)");
}

static void
test_actions(void **state)
{
	const char *help[] = {"--log-level", "loud", "--help", NULL};
	const char *version[] = {"--version", NULL};

	(void)state;
	assert_int_equal(load(help, NULL), 0);
	assert_int_equal(c.action, CONF_HELP);
	assert_int_equal(load(version, NULL), 0);
	assert_int_equal(c.action, CONF_VERSION);
	assert_non_null(strstr(conf_usage(), "--plain-http"));
}

static void
test_metrics_allow(void **state)
{
	const char *env[] = {
	    "RAMPART_METRICS_ALLOW=10.1.0.0/16, fd00::/8", NULL};
	struct sockaddr_in a4 = {.sin_family = AF_INET};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};

	(void)state;
	assert_int_equal(load(NULL, NULL), 0);
	inet_pton(AF_INET, "127.0.0.1", &a4.sin_addr);
	assert_true(conf_net_match(
	    c.metrics_allow, c.nmetrics_allow, (struct sockaddr *)&a4));
	inet_pton(AF_INET6, "::ffff:127.0.0.9", &a6.sin6_addr);
	assert_true(conf_net_match(
	    c.metrics_allow, c.nmetrics_allow, (struct sockaddr *)&a6));
	inet_pton(AF_INET6, "::1", &a6.sin6_addr);
	assert_true(conf_net_match(
	    c.metrics_allow, c.nmetrics_allow, (struct sockaddr *)&a6));
	inet_pton(AF_INET, "10.1.2.3", &a4.sin_addr);
	assert_false(conf_net_match(
	    c.metrics_allow, c.nmetrics_allow, (struct sockaddr *)&a4));
	assert_int_equal(load(NULL, env), 0);
	assert_int_equal(c.nmetrics_allow, 2);
	assert_true(conf_net_match(
	    c.metrics_allow, c.nmetrics_allow, (struct sockaddr *)&a4));
	inet_pton(AF_INET, "10.2.0.1", &a4.sin_addr);
	assert_false(conf_net_match(
	    c.metrics_allow, c.nmetrics_allow, (struct sockaddr *)&a4));
	inet_pton(AF_INET6, "fd12::1", &a6.sin6_addr);
	assert_true(conf_net_match(
	    c.metrics_allow, c.nmetrics_allow, (struct sockaddr *)&a6));
	inet_pton(AF_INET, "127.0.0.1", &a4.sin_addr);
	assert_false(conf_net_match(
	    c.metrics_allow, c.nmetrics_allow, (struct sockaddr *)&a4));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_precedence),
	    cmocka_unit_test(test_file_errors),
	    cmocka_unit_test(test_env_flag_errors),
	    cmocka_unit_test(test_plain_http),
	    cmocka_unit_test(test_actions),
	    cmocka_unit_test(test_metrics_allow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
