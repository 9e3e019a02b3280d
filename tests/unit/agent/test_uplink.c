/*
 * The agent's state directory and signed requests without a server
 * (src/agent/uplink): directory modes and refusals, the identity key
 * (mode, made once and never replaced, damaged or loose files refused),
 * agent.json (written whole and once, checked on the way in and out), and
 * the Authorization header of a request, checked the way the server
 * checks it: proto_auth_parse + proto_verify with the stored public key.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "proto/proto.h"
#include "uplink/uplink.h"
#include "util/err.h"
#include "util/str.h"

#define FP "dbb17590d3aebf67b4df98258f8f1be765a95132a2a9a11beaeea16a564066fb"
#define ID "abcdefghijklmnopqrstuvwxyz"

struct fx {
	char base[64];
	char *dir; /* base/state, not created */
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->base, sizeof(f->base), "/tmp/rampart-uplink.XXXXXX");
	assert_non_null(mkdtemp(f->base));
	f->dir = rp_asprintf("%s/state", f->base);
	assert_non_null(f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = rp_asprintf("rm -rf '%s'", f->base);

	assert_non_null(cmd);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f->dir);
	free(f);
	return 0;
}

static mode_t
mode_of(const char *dir, const char *name)
{
	struct stat st;
	char *p = rp_asprintf("%s/%s", dir, name);

	assert_non_null(p);
	assert_int_equal(lstat(p, &st), 0);
	free(p);
	return st.st_mode & 07777;
}

/* The names in dir, as "a b c" (sorted by readdir order: few names). */
static size_t
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int
open_dir(struct fx *f, int create)
{
	char err[UPLINK_ERR_MAX] = "";
	int fd = -1;

	assert_int_equal(uplink_dir_open(f->dir, create, &fd, err), 0);
	assert_true(fd >= 0);
	return fd;
}

static void
test_dir(void **state)
{
	struct fx *f = *state;
	char err[UPLINK_ERR_MAX] = "", *link;
	int fd = 7;

	/* missing, not to be made */
	assert_int_equal(uplink_dir_open(f->dir, 0, &fd, err), RP_ERR_NOTFOUND);
	assert_int_equal(fd, -1);
	/* made 0700 whatever the umask */
	umask(0);
	fd = open_dir(f, 1);
	umask(022);
	close(fd);
	assert_int_equal(mode_of(f->base, "state"), 0700);
	/* an existing one is opened again */
	close(open_dir(f, 1));
	/* group- or other-writable: refused, and the message says why */
	assert_int_equal(chmod(f->dir, 0770), 0);
	assert_int_equal(uplink_dir_open(f->dir, 1, &fd, err), RP_ERR_INVALID);
	assert_non_null(strstr(err, "mode 0770"));
	assert_non_null(strstr(err, f->dir));
	assert_int_equal(chmod(f->dir, 0702), 0);
	assert_int_equal(uplink_dir_open(f->dir, 0, &fd, err), RP_ERR_INVALID);
	/* readable by others is not a problem of the directory's */
	assert_int_equal(chmod(f->dir, 0755), 0);
	close(open_dir(f, 0));
	/* a symbolic link to it is refused */
	link = rp_asprintf("%s/link", f->base);
	assert_non_null(link);
	assert_int_equal(symlink(f->dir, link), 0);
	assert_int_equal(uplink_dir_open(link, 1, &fd, err), RP_ERR_INVALID);
	free(link);
}

/* A directory of another user is refused. */
static void
test_dir_owner(void **state)
{
	struct fx *f = *state;
	char err[UPLINK_ERR_MAX] = "";
	int fd;

	if (geteuid() == 0) {
		close(open_dir(f, 1));
		assert_int_equal(chown(f->dir, 65534, 65534), 0);
		assert_int_equal(
		    uplink_dir_open(f->dir, 0, &fd, err), RP_ERR_INVALID);
	} else {
		/* not root: / belongs to someone else */
		assert_int_equal(
		    uplink_dir_open("/", 0, &fd, err), RP_ERR_INVALID);
	}
	assert_non_null(strstr(err, "owned by user"));
}

static void
read_file(const char *dir, const char *name, void *buf, size_t len)
{
	char *p = rp_asprintf("%s/%s", dir, name);
	int fd;

	assert_non_null(p);
	assert_true((fd = open(p, O_RDONLY)) >= 0);
	assert_int_equal(read(fd, buf, len), (ssize_t)len);
	close(fd);
	free(p);
}

static void
write_file(const char *dir, const char *name, const void *buf, size_t len)
{
	char *p = rp_asprintf("%s/%s", dir, name);
	int fd;

	assert_non_null(p);
	unlink(p);
	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	free(p);
}

static void
test_identity(void **state)
{
	struct fx *f = *state;
	unsigned char pk[32], pk2[32], k1[64], k2[64], bad[64];
	char err[UPLINK_ERR_MAX] = "", *p;
	int fd = open_dir(f, 1);

	/* none yet */
	assert_int_equal(uplink_identity(fd, 0, pk, err), RP_ERR_NOTFOUND);
	/* made: 64 bytes, 0600, nothing else left in the directory */
	assert_int_equal(uplink_identity(fd, 1, pk, err), 0);
	assert_int_equal(mode_of(f->dir, UPLINK_IDENTITY), 0600);
	assert_int_equal(entries(f->dir), 1);
	read_file(f->dir, UPLINK_IDENTITY, k1, sizeof(k1));
	/* its public half is the one returned */
	assert_memory_equal(k1 + 32, pk, 32);
	/* asked again, even with create: the same key, the file untouched */
	assert_int_equal(uplink_identity(fd, 1, pk2, err), 0);
	assert_memory_equal(pk, pk2, 32);
	read_file(f->dir, UPLINK_IDENTITY, k2, sizeof(k2));
	assert_memory_equal(k1, k2, 64);

	/* readable by others: refused, not loosened or replaced */
	p = rp_asprintf("%s/%s", f->dir, UPLINK_IDENTITY);
	assert_non_null(p);
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(uplink_identity(fd, 1, pk2, err), RP_ERR_INVALID);
	assert_non_null(strstr(err, "mode 0640"));
	assert_int_equal(chmod(p, 0600), 0);
	/* halves that do not belong together: refused */
	memcpy(bad, k1, 64);
	bad[40] ^= 1;
	write_file(f->dir, UPLINK_IDENTITY, bad, 64);
	assert_int_equal(uplink_identity(fd, 1, pk2, err), RP_ERR_INVALID);
	read_file(f->dir, UPLINK_IDENTITY, k2, sizeof(k2));
	assert_memory_equal(bad, k2, 64);
	/* a short file: refused */
	write_file(f->dir, UPLINK_IDENTITY, k1, 32);
	assert_int_equal(uplink_identity(fd, 1, pk2, err), RP_ERR_INVALID);
	assert_non_null(strstr(err, "32 bytes"));
	/* a symbolic link: refused, even to a good key */
	write_file(f->base, "key", k1, 64);
	assert_int_equal(unlink(p), 0);
	free(p);
	p = rp_asprintf("%s/key", f->base);
	assert_non_null(p);
	assert_int_equal(symlinkat(p, fd, UPLINK_IDENTITY), 0);
	assert_int_equal(uplink_identity(fd, 1, pk2, err), RP_ERR_INVALID);
	free(p);
	close(fd);
}

/* Two enrolments at once: one key, both see it. */
static void
test_identity_race(void **state)
{
	struct fx *f = *state;
	unsigned char pk[2][32], mine[32];
	char err[UPLINK_ERR_MAX];
	int fd = open_dir(f, 1), pfd[2][2], i, st;
	pid_t pid[2];

	for (i = 0; i < 2; i++) {
		assert_int_equal(pipe(pfd[i]), 0);
		if ((pid[i] = fork()) == 0) {
			if (uplink_identity(fd, 1, pk[0], err) != 0 ||
			    write(pfd[i][1], pk[0], 32) != 32)
				_exit(1);
			_exit(0);
		}
		assert_true(pid[i] > 0);
		close(pfd[i][1]);
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(read(pfd[i][0], pk[i], 32), 32);
		close(pfd[i][0]);
		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_memory_equal(pk[0], pk[1], 32);
	assert_int_equal(uplink_identity(fd, 0, mine, err), 0);
	assert_memory_equal(mine, pk[0], 32);
	assert_int_equal(entries(f->dir), 1);
	close(fd);
}

static void
fill(struct uplink_enrolment *e, const char *server)
{
	memset(e, 0, sizeof(*e));
	e->server = (char *)server;
	memcpy(e->fingerprint, FP, sizeof(e->fingerprint));
	memcpy(e->agent_id, ID, sizeof(e->agent_id));
	memcpy(e->tenant, "acme", 5);
}

static void
test_enrolment(void **state)
{
	struct fx *f = *state;
	struct uplink_enrolment e, got = {0};
	char err[UPLINK_ERR_MAX] = "", buf[4096], before[4096];
	int fd = open_dir(f, 1), n;
	size_t i;
	static const char *bad_servers[] = {"http://127.0.0.1:8443", "ftp://x",
	    "https://u:p@x", "https://x/?q=1", ""};

	assert_int_equal(uplink_enrolled(fd), 0);
	assert_int_equal(uplink_enrolment_read(fd, &got, err), RP_ERR_NOTFOUND);
	/* what is not acceptable is not written */
	for (i = 0; i < sizeof(bad_servers) / sizeof(bad_servers[0]); i++) {
		fill(&e, bad_servers[i]);
		assert_int_equal(
		    uplink_enrolment_write(fd, &e, err), RP_ERR_ARG);
	}
	fill(&e, "https://rampart.example.org:8443");
	e.fingerprint[63] = 'G';
	assert_int_equal(uplink_enrolment_write(fd, &e, err), RP_ERR_ARG);
	fill(&e, "https://rampart.example.org:8443");
	e.agent_id[3] = '1'; /* not base32 */
	assert_int_equal(uplink_enrolment_write(fd, &e, err), RP_ERR_ARG);
	fill(&e, "https://rampart.example.org:8443");
	e.tenant[0] = '\0';
	assert_int_equal(uplink_enrolment_write(fd, &e, err), RP_ERR_ARG);
	assert_int_equal(entries(f->dir), 0);

	/* written whole, once, and read back */
	fill(&e, "https://rampart.example.org:8443");
	assert_int_equal(uplink_enrolment_write(fd, &e, err), 0);
	assert_int_equal(uplink_enrolled(fd), 1);
	assert_int_equal(mode_of(f->dir, UPLINK_ENROLMENT), 0644);
	assert_int_equal(entries(f->dir), 1);
	assert_int_equal(uplink_enrolment_read(fd, &got, err), 0);
	assert_string_equal(got.server, "https://rampart.example.org:8443");
	assert_string_equal(got.fingerprint, FP);
	assert_string_equal(got.agent_id, ID);
	assert_string_equal(got.tenant, "acme");
	uplink_enrolment_clear(&got);
	n = openat(fd, UPLINK_ENROLMENT, O_RDONLY);
	assert_true(n >= 0);
	memset(before, 0, sizeof(before));
	assert_true(read(n, before, sizeof(before) - 1) > 0);
	close(n);
	assert_non_null(strstr(before, "\"tenant\": \"acme\""));
	/* never replaced: a second enrolment is refused, the first stays */
	memcpy(e.tenant, "other", 6);
	assert_int_equal(uplink_enrolment_write(fd, &e, err), RP_ERR_INVALID);
	assert_non_null(strstr(err, "exists"));
	n = openat(fd, UPLINK_ENROLMENT, O_RDONLY);
	memset(buf, 0, sizeof(buf));
	assert_true(read(n, buf, sizeof(buf) - 1) > 0);
	close(n);
	assert_string_equal(buf, before);
	assert_int_equal(entries(f->dir), 1);
	close(fd);
}

static void
test_enrolment_refused(void **state)
{
	struct fx *f = *state;
	struct uplink_enrolment got = {0};
	char err[UPLINK_ERR_MAX] = "", *p;
	int fd = open_dir(f, 1);
	static const char http[] =
	    "{\"server\": \"http://127.0.0.1:1\", \"fingerprint\": \"" FP "\", "
	    "\"agent_id\": \"" ID "\", \"tenant\": \"acme\"}";
	static const char good[] =
	    "{\"server\": \"https://127.0.0.1:1\", \"fingerprint\": \"" FP
	    "\", \"agent_id\": \"" ID "\", \"tenant\": \"acme\"}";

	/* edited into an http:// URL */
	write_file(f->dir, UPLINK_ENROLMENT, http, strlen(http));
	assert_int_equal(uplink_enrolment_read(fd, &got, err), RP_ERR_INVALID);
	assert_non_null(strstr(err, "server"));
	assert_null(got.server);
	/* not JSON */
	write_file(f->dir, UPLINK_ENROLMENT, "{\"server\":", 10);
	assert_int_equal(uplink_enrolment_read(fd, &got, err), RP_ERR_INVALID);
	assert_non_null(strstr(err, "line 1"));
	/* good content, but others may change it */
	write_file(f->dir, UPLINK_ENROLMENT, good, strlen(good));
	assert_int_equal(uplink_enrolment_read(fd, &got, err), 0);
	uplink_enrolment_clear(&got);
	p = rp_asprintf("%s/%s", f->dir, UPLINK_ENROLMENT);
	assert_non_null(p);
	assert_int_equal(chmod(p, 0666), 0);
	assert_int_equal(uplink_enrolment_read(fd, &got, err), RP_ERR_INVALID);
	assert_non_null(strstr(err, "mode 0666"));
	free(p);
	close(fd);
}

/* An enrolled state directory for server (no server needed to sign). */
static void
enrolled(struct fx *f, const char *server, unsigned char pk[32])
{
	struct uplink_enrolment e;
	char err[UPLINK_ERR_MAX];
	int fd = open_dir(f, 1);

	assert_int_equal(uplink_identity(fd, 1, pk, err), 0);
	fill(&e, server);
	assert_int_equal(uplink_enrolment_write(fd, &e, err), 0);
	close(fd);
}

static void
test_sign(void **state)
{
	struct fx *f = *state;
	static const char body[] = "{\"hostname\":\"ws-01\"}";
	const char *path = "/api/v1/agent/heartbeat?x=1";
	unsigned char pk[32], other[32];
	char hdr[PROTO_AUTH_MAX], hdr2[PROTO_AUTH_MAX];
	char err[UPLINK_ERR_MAX] = "";
	struct proto_auth a, a2;
	struct uplink *u = NULL;

	enrolled(f, "https://127.0.0.1:1", pk);
	assert_int_equal(uplink_open(f->dir, &u, err), 0);
	assert_string_equal(uplink_who(u)->agent_id, ID);
	assert_string_equal(uplink_who(u)->tenant, "acme");
	assert_int_equal(
	    uplink_sign(u, "POST", path, 1765000000LL, body, strlen(body), hdr),
	    0);
	/* the server's view: parse, then verify with the stored key */
	assert_int_equal(proto_auth_parse(hdr, &a), 0);
	assert_string_equal(a.agent_id, ID);
	assert_int_equal(a.ts, 1765000000LL);
	assert_int_equal(
	    proto_verify(&a, pk, "POST", path, body, strlen(body)), 0);
	/* bound to method, path, body and key */
	assert_int_equal(proto_verify(&a, pk, "PUT", path, body, strlen(body)),
	    RP_ERR_INVALID);
	assert_int_equal(proto_verify(&a, pk, "POST", "/api/v1/agent/heartbeat",
			     body, strlen(body)),
	    RP_ERR_INVALID);
	assert_int_equal(
	    proto_verify(&a, pk, "POST", path, body, strlen(body) - 1),
	    RP_ERR_INVALID);
	memcpy(other, pk, 32);
	other[0] ^= 1;
	assert_int_equal(
	    proto_verify(&a, other, "POST", path, body, strlen(body)),
	    RP_ERR_INVALID);
	/* a fresh nonce each time */
	assert_int_equal(uplink_sign(u, "POST", path, 1765000000LL, body,
			     strlen(body), hdr2),
	    0);
	assert_int_equal(proto_auth_parse(hdr2, &a2), 0);
	assert_string_not_equal(a.nonce, a2.nonce);
	/* an empty body is signed as one */
	assert_int_equal(uplink_sign(u, "GET", path, 5, NULL, 0, hdr), 0);
	assert_int_equal(proto_auth_parse(hdr, &a), 0);
	assert_int_equal(proto_verify(&a, pk, "GET", path, NULL, 0), 0);
	/* only agent routes are signed for */
	struct net_resp resp = {.retry_after = -1};
	assert_int_equal(
	    uplink_call(u, "GET", "/api/v1/me", NULL, 0, &resp, err),
	    RP_ERR_ARG);
	assert_non_null(strstr(err, "not an agent route"));
	uplink_free(u);
}

/* Behind a URL with a path, the path on the request line is signed. */
static void
test_sign_base_path(void **state)
{
	struct fx *f = *state;
	unsigned char pk[32];
	char hdr[PROTO_AUTH_MAX], err[UPLINK_ERR_MAX] = "";
	struct proto_auth a;
	struct uplink *u = NULL;

	enrolled(f, "https://rampart.example.org/rp/", pk);
	assert_int_equal(uplink_open(f->dir, &u, err), 0);
	assert_int_equal(
	    uplink_sign(u, "POST", "/api/v1/agent/x", 9, "{}", 2, hdr), 0);
	assert_int_equal(proto_auth_parse(hdr, &a), 0);
	assert_int_equal(
	    proto_verify(&a, pk, "POST", "/rp/api/v1/agent/x", "{}", 2), 0);
	uplink_free(u);
}

static void
test_open_refused(void **state)
{
	struct fx *f = *state;
	struct uplink *u = (struct uplink *)1;
	unsigned char pk[32];
	char err[UPLINK_ERR_MAX] = "", *p;

	/* no directory, then no enrolment */
	assert_int_equal(uplink_open(f->dir, &u, err), RP_ERR_NOTFOUND);
	assert_null(u);
	close(open_dir(f, 1));
	assert_int_equal(uplink_open(f->dir, &u, err), RP_ERR_NOTFOUND);
	assert_non_null(strstr(err, "not enrolled"));
	teardown(state);
	setup(state);
	f = *state;
	/* a key others can read */
	enrolled(f, "https://127.0.0.1:1", pk);
	p = rp_asprintf("%s/%s", f->dir, UPLINK_IDENTITY);
	assert_non_null(p);
	assert_int_equal(chmod(p, 0644), 0);
	assert_int_equal(uplink_open(f->dir, &u, err), RP_ERR_INVALID);
	assert_non_null(strstr(err, UPLINK_IDENTITY));
	assert_null(u);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dir_owner, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_identity_race, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enrolment, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_enrolment_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sign, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_sign_base_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
