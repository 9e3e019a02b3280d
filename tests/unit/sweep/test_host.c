/*
 * Unit tests of the live checks with a hand-built host: a copy of a
 * small program, made an indicator by its SHA-256 and by its name and
 * left running, is reported as a process hit (also once its file is
 * deleted: /proc/PID/exe still reads the running image); a connection
 * to an indicator address is reported.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "sweep/sweep.h"
#include "util/err.h"

#include "sweep_test.h"

/* Copies src to dst (mode 0755); returns the SHA-256 hex. */
static void
copy_file(const char *src, const char *dst, char *hex)
{
	unsigned char buf[65536], md[32];
	unsigned int len, i;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		EVP_DigestUpdate(c, buf, n);
		assert_int_equal(fwrite(buf, 1, n, out), n);
	}
	EVP_DigestFinal_ex(c, md, &len);
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	EVP_MD_CTX_free(c);
	fclose(in);
	fclose(out);
	assert_int_equal(chmod(dst, 0755), 0);
}

/*
 * Starts exe and returns once it runs: the child's end of a close-on-exec
 * pipe closes at exec, so the parent's read sees end-of-file; a failed
 * exec writes its errno instead.
 */
static pid_t
start(const char *exe)
{
	int p[2], err = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		execl(exe, exe, "60", (char *)NULL);
		err = errno;
		(void)!write(p[1], &err, sizeof(err));
		_exit(127);
	}
	close(p[1]);
	do
		n = read(p[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	assert_int_equal(n, 0); /* exec happened */
	return pid;
}

static void
test_process_and_connection(void **state)
{
	char *dir = tmpdir_new(), exe[4096], hex[65];
	struct ioc_bundle *b = ioc_bundle_new();
	struct sweep_rules *r = NULL;
	struct sweep_report *rep = sweep_report_new();
	struct inv_process procs[2];
	struct inv_conn conns[2];
	struct inv_host h;
	const struct sweep_hit *ph = NULL, *ch = NULL;
	pid_t pid;
	size_t i;
	int status;

	snprintf(exe, sizeof(exe), "%s/rp-sleep-test", dir);
	copy_file("/bin/sleep", exe, hex);
	assert_int_equal(
	    ioc_bundle_add(b, IOC_SHA256, hex, 0, "planted", NULL, NULL), 0);
	assert_int_equal(
	    ioc_bundle_add(b, IOC_IP, "203.0.113.77", 0, "c2", NULL, NULL), 0);
	assert_int_equal(sweep_rules_new(b, &r, NULL), 0);
	pid = start(exe);
	/* Deleted from disk: the running image is still read. */
	assert_int_equal(unlink(exe), 0);

	memset(&h, 0, sizeof(h));
	memset(procs, 0, sizeof(procs));
	procs[0].pid = pid;
	procs[0].exe = exe;
	procs[1].pid = getpid(); /* the test itself: no indicator */
	procs[1].exe = "/some/where/unit_test";
	h.procs = procs;
	h.nprocs = 2;
	memset(conns, 0, sizeof(conns));
	conns[0].proto = "tcp";
	conns[0].local_ip = "192.0.2.1";
	conns[0].local_port = 40000;
	conns[0].remote_ip = "203.0.113.77";
	conns[0].remote_port = 443;
	conns[0].state = "established";
	conns[0].pid = 1234;
	conns[1] = conns[0];
	conns[1].remote_ip = "198.51.100.1";
	h.conns = conns;
	h.nconns = 2;

	assert_int_equal(sweep_check_host(&h, r, rep, NULL), 0);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);

	assert_int_equal(rep->nhits, 2);
	for (i = 0; i < rep->nhits; i++) {
		if (rep->hits[i].kind == SWEEP_HIT_PROCESS)
			ph = &rep->hits[i];
		if (rep->hits[i].kind == SWEEP_HIT_CONNECTION)
			ch = &rep->hits[i];
	}
	assert_non_null(ph);
	assert_int_equal(ph->pid, pid);
	assert_string_equal(ph->sha256, hex);
	assert_int_equal(ph->nm, 1);
	assert_string_equal(ph->m[0].ioc->value, hex);
	assert_non_null(ch);
	assert_string_equal(ch->conn->remote_ip, "203.0.113.77");
	assert_int_equal(ch->pid, 1234);
	assert_string_equal(ch->m[0].ioc->source, "c2");

	sweep_report_free(rep);
	sweep_rules_free(r);
	ioc_bundle_free(b);
	tmpdir_free(dir);
}

static void
test_process_by_name(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct sweep_rules *r = NULL;
	struct sweep_report *rep = sweep_report_new();
	struct inv_process p;
	struct inv_host h;

	assert_int_equal(ioc_bundle_add(b, IOC_FILENAME, "rp-evil-daemon", 0,
			     NULL, NULL, NULL),
	    0);
	assert_int_equal(sweep_rules_new(b, &r, NULL), 0);
	memset(&h, 0, sizeof(h));
	memset(&p, 0, sizeof(p));
	p.pid = getpid();
	p.exe = "/usr/sbin/rp-evil-daemon (deleted)";
	h.procs = &p;
	h.nprocs = 1;
	assert_int_equal(sweep_check_host(&h, r, rep, NULL), 0);
	assert_int_equal(rep->nhits, 1);
	assert_int_equal(rep->hits[0].kind, SWEEP_HIT_PROCESS);
	assert_string_equal(rep->hits[0].m[0].ioc->value, "rp-evil-daemon");
	/* Our own executable was read for its SHA-256. */
	assert_int_equal(strlen(rep->hits[0].sha256), 64);
	sweep_report_free(rep);
	sweep_rules_free(r);
	ioc_bundle_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_process_and_connection),
	    cmocka_unit_test(test_process_by_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
