/*
 * The confined reader child (collectors/confined.c): what a library
 * parsing hostile files could try once exploited is refused.  A reader
 * without a jail cannot open a file or a socket (killed by seccomp); a
 * jailed one (librpm's) runs as nobody inside its directory, sees nothing
 * outside it and cannot open a socket or start a program; an answer is
 * taken only after the inventory reader's checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/coll_int.h"
#include "inventory/inventory.h"
#include "util/err.h"

static int
has_msg(const struct rp_diags *d, const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strstr(d->v[i].msg, needle) != NULL)
			return 1;
	return 0;
}

/* Reports one package and a warning: the answer comes through. */
static int
good_fn(void *arg, int jailed, struct inv_host *h, struct rp_diags *d)
{
	struct inv_software sw = {.name = "libssl3",
	    .version = "3.0.11-1",
	    .source = INV_SOURCE_DPKG,
	    .source_name = "openssl"};

	(void)arg;
	(void)jailed;
	rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL, "%s", "from the child");
	return inv_host_add_software(h, &sw);
}

static int
open_fn(void *arg, int jailed, struct inv_host *h, struct rp_diags *d)
{
	(void)arg;
	(void)jailed;
	(void)h;
	(void)d;
	return open("/etc/hostname", O_RDONLY) >= 0 ? 0 : RP_ERR_IO;
}

static int
socket_fn(void *arg, int jailed, struct inv_host *h, struct rp_diags *d)
{
	(void)arg;
	(void)jailed;
	(void)h;
	(void)d;
	return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : RP_ERR_IO;
}

static int
exec_fn(void *arg, int jailed, struct inv_host *h, struct rp_diags *d)
{
	char *const argv[] = {"/bin/true", NULL};

	(void)arg;
	(void)jailed;
	(void)h;
	(void)d;
	execv(argv[0], argv);
	return RP_ERR_IO;
}

/* In the jail: who it is and what it can see, as diagnostics. */
static int
probe_fn(void *arg, int jailed, struct inv_host *h, struct rp_diags *d)
{
	struct stat st;

	(void)arg;
	(void)h;
	rp_diags_add(d, RP_DIAG_NOTE, NULL, NULL, "jailed=%d uid=%d", jailed,
	    (int)geteuid());
	rp_diags_add(d, RP_DIAG_NOTE, NULL, NULL, "etc=%s",
	    stat("/etc/passwd", &st) == 0 ? "visible" : "hidden");
	rp_diags_add(d, RP_DIAG_NOTE, NULL, NULL, "copy=%s",
	    stat("/copy.db", &st) == 0 ? "visible" : "hidden");
	return 0;
}

static int
run(int (*fn)(void *, int, struct inv_host *, struct rp_diags *),
    const char *jail, struct inv_host *h, struct rp_diags *d)
{
	struct coll_confined c = {"test reader", jail, fn, NULL};

	return coll_run_confined(&c, h, d);
}

static void
test_answer(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();

	(void)state;
	assert_int_equal(run(good_fn, NULL, h, d), 0);
	assert_int_equal(h->nsw, 1);
	assert_string_equal(h->sw[0].name, "libssl3");
	assert_string_equal(h->sw[0].source_name, "openssl");
	assert_true(has_msg(d, "from the child"));
	inv_host_free(h);
	rp_diags_free(d);
}

/* An agent started without stdin and stdout: the child's socket would
   be descriptor 0 or 1; it still works, jailed or not. */
static void
test_no_stdio(void **state)
{
	struct inv_host *h;
	struct rp_diags *d;
	char dir[] = "/tmp/rampart-jail-test.XXXXXX";
	int in, out;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_true((in = dup(0)) >= 0);
	assert_true((out = dup(1)) >= 0);
	close(0);
	close(1);
	h = inv_host_new();
	d = rp_diags_new();
	assert_int_equal(run(good_fn, NULL, h, d), 0);
	assert_int_equal(run(good_fn, dir, h, d), 0);
	dup2(in, 0);
	dup2(out, 1);
	close(in);
	close(out);
	assert_int_equal(h->nsw, 2);
	inv_host_free(h);
	rp_diags_free(d);
	rmdir(dir);
}

/* No jail: not even a file can be opened; nor a socket. */
static void
test_no_file_no_socket(void **state)
{
	int (*fns[])(void *, int, struct inv_host *, struct rp_diags *) = {
	    open_fn, socket_fn, exec_fn};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		struct inv_host *h = inv_host_new();
		struct rp_diags *d = rp_diags_new();

		assert_int_equal(run(fns[i], NULL, h, d), RP_ERR_IO);
		assert_true(has_msg(d, "(a forbidden system call)"));
		assert_int_equal(h->nsw, 0);
		inv_host_free(h);
		rp_diags_free(d);
	}
}

/* The jail of a reader that opens files: no socket, no exec, and (as
   root) nobody in its directory only. */
static void
test_jail(void **state)
{
	char dir[] = "/tmp/rampart-jail-test.XXXXXX", path[64];
	struct inv_host *h;
	struct rp_diags *d;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/copy.db", dir);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0600)) >= 0);
	close(fd);
	h = inv_host_new();
	d = rp_diags_new();
	assert_int_equal(run(socket_fn, dir, h, d), RP_ERR_IO);
	assert_true(has_msg(d, "(a forbidden system call)"));
	rp_diags_clear(d);
	assert_int_equal(run(exec_fn, dir, h, d), RP_ERR_IO);
	assert_true(has_msg(d, "(a forbidden system call)"));
	rp_diags_clear(d);
	assert_int_equal(run(probe_fn, dir, h, d), 0);
	if (geteuid() == 0) {
		assert_true(has_msg(d, "jailed=1 uid=65534"));
		assert_true(has_msg(d, "etc=hidden"));
		assert_true(has_msg(d, "copy=visible"));
	} else
		assert_true(has_msg(d, "jailed=0"));
	inv_host_free(h);
	rp_diags_free(d);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_answer),
	    cmocka_unit_test(test_no_stdio),
	    cmocka_unit_test(test_no_file_no_socket),
	    cmocka_unit_test(test_jail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
