/*
 * The agent's signed-jobs library without a server (src/agent/jobs):
 * agent.conf (allow and deny lists, every mistake named with its file
 * and line), the replay store (a nonce is refused the second time, also
 * after reopening; entries are pruned once expired + skew; the bound
 * refuses new jobs rather than forget; a torn last record is cut off
 * without losing those before it, a damaged earlier one refuses the
 * store), and the pinned job key in agent.json.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "jobs/jobs.h"
#include "uplink/uplink.h"
#include "util/err.h"

#define NOW 1900000000LL
#define JOB "abcdefghijklmnopqrstuvwxyz"

struct fx {
	char dir[64];
	int fd;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/rp-test-jobs-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->fd >= 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	close(f->fd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
put(const struct fx *f, const char *name, const char *text)
{
	char p[128];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", f->dir, name);
	assert_non_null(fp = fopen(p, "w"));
	fputs(text, fp);
	fclose(fp);
}

/* Reads conf text; returns jobs_conf_read's code, the error in err. */
static int
conf(const struct fx *f, const char *text, struct jobs_conf *c, char *err)
{
	char p[128];

	put(f, "agent.conf", text);
	snprintf(p, sizeof(p), "%s/agent.conf", f->dir);
	jobs_conf_default(c);
	err[0] = '\0';
	return jobs_conf_read(p, c, err);
}

static void
expect_error(const struct fx *f, const char *text, int line, const char *what)
{
	struct jobs_conf c;
	char err[JOBS_ERR_MAX], where[128];

	assert_int_equal(conf(f, text, &c, err), RP_ERR_INVALID);
	snprintf(where, sizeof(where), "%s/agent.conf:%d: ", f->dir, line);
	if (strstr(err, where) == NULL || strstr(err, what) == NULL)
		fail_msg("%s: expected %s%s", err, where, what);
}

static void
test_conf(void **state)
{
	struct fx *f = *state;
	struct jobs_conf c;
	char err[JOBS_ERR_MAX], p[128];
	int t;

	jobs_conf_default(&c);
	for (t = 1; t < JOB_TYPE_END; t++)
		assert_true(jobs_conf_allows(&c, t));
	assert_false(jobs_conf_allows(&c, 0));
	assert_false(jobs_conf_allows(&c, JOB_TYPE_END));

	assert_int_equal(conf(f, "; nothing\n[jobs]\n", &c, err), 0);
	for (t = 1; t < JOB_TYPE_END; t++)
		assert_true(jobs_conf_allows(&c, t));
	assert_int_equal(
	    conf(f, "[jobs]\ndeny = terminate,purge\n", &c, err), 0);
	assert_false(jobs_conf_allows(&c, JOB_TERMINATE));
	assert_false(jobs_conf_allows(&c, JOB_PURGE));
	assert_true(jobs_conf_allows(&c, JOB_QUARANTINE));
	/* a machine that is no gateway keeps its firewall to itself */
	assert_int_equal(
	    conf(f, "[jobs]\ndeny = block-apply, block-remove\n", &c, err), 0);
	assert_false(jobs_conf_allows(&c, JOB_BLOCK_APPLY));
	assert_false(jobs_conf_allows(&c, JOB_BLOCK_REMOVE));
	assert_true(jobs_conf_allows(&c, JOB_BLOCK_VERIFY));
	assert_int_equal(conf(f,
			     "[jobs]\nallow = inventory sweep, quarantine\n"
			     "deny = sweep\n",
			     &c, err),
	    0);
	assert_true(jobs_conf_allows(&c, JOB_INVENTORY));
	assert_false(jobs_conf_allows(&c, JOB_SWEEP));
	assert_true(jobs_conf_allows(&c, JOB_QUARANTINE));
	assert_false(jobs_conf_allows(&c, JOB_RESTORE));
	assert_int_equal(conf(f, "[jobs]\nallow =\n", &c, err), 0);
	for (t = 1; t < JOB_TYPE_END; t++)
		assert_false(jobs_conf_allows(&c, t));

	expect_error(f, "[jobs]\nallow = sweep\ndeny = quarantnie\n", 3,
	    "unknown job type 'quarantnie'");
	expect_error(f, "# x\n\n[other]\n", 3, "unknown section [other]");
	expect_error(f, "[jobs]\n[other]\nallow = sweep\n", 2,
	    "unknown section [other]");
	expect_error(f, "allow = sweep\n", 1, "outside [jobs]");
	expect_error(f, "[jobs]\n\nalow = sweep\n", 3, "unknown key 'alow'");
	expect_error(
	    f, "[jobs]\nnot ini at all\n", 2, "expected 'key = value'");
	expect_error(f, "[jobs]\nallow = run-command\n", 2,
	    "unknown job type 'run-command'");

	snprintf(p, sizeof(p), "%s/missing.conf", f->dir);
	assert_int_equal(jobs_conf_read(p, &c, err), RP_ERR_NOTFOUND);
	assert_non_null(strstr(err, "missing.conf"));
}

static void
nonce(unsigned i, char out[23])
{
	snprintf(out, 23, "nonce%017u", i);
}

static void
test_replay(void **state)
{
	struct fx *f = *state;
	struct jobs_seen *s;
	char err[JOBS_ERR_MAX], n[23], id[PROTO_JOB_ID_LEN + 1];

	assert_int_equal(jobs_seen_open(f->fd, NOW, &s, err), 0);
	nonce(1, n);
	assert_false(jobs_seen_has(s, n, NULL));
	assert_int_equal(jobs_seen_add(s, n, JOB, NOW + 100, err), 0);
	assert_true(jobs_seen_has(s, n, id));
	assert_string_equal(id, JOB);
	assert_int_equal(
	    jobs_seen_add(s, n, JOB, NOW + 100, err), RP_ERR_INVALID);
	assert_non_null(strstr(err, "replayed"));
	assert_int_equal(jobs_seen_add(s, "short", JOB, NOW, err), RP_ERR_ARG);
	jobs_seen_close(s);

	/* a restart does not forget */
	assert_int_equal(jobs_seen_open(f->fd, NOW + 50, &s, err), 0);
	assert_true(jobs_seen_has(s, n, NULL));
	assert_int_equal(jobs_seen_count(s), 1);
	jobs_seen_close(s);
	/* kept through expiry + skew, pruned after */
	assert_int_equal(
	    jobs_seen_open(f->fd, NOW + 100 + PROTO_SKEW, &s, err), 0);
	assert_true(jobs_seen_has(s, n, NULL));
	jobs_seen_close(s);
	assert_int_equal(
	    jobs_seen_open(f->fd, NOW + 101 + PROTO_SKEW, &s, err), 0);
	assert_false(jobs_seen_has(s, n, NULL));
	assert_int_equal(jobs_seen_count(s), 0);
	jobs_seen_close(s);
}

static off_t
size_of(const struct fx *f)
{
	struct stat st;

	assert_int_equal(fstatat(f->fd, JOBS_SEEN_FILE, &st, 0), 0);
	return st.st_size;
}

static void
test_torn(void **state)
{
	struct fx *f = *state;
	struct jobs_seen *s;
	char err[JOBS_ERR_MAX], n[23];
	unsigned char junk[JOBS_SEEN_RECORD];
	unsigned i;
	int fd;

	assert_int_equal(jobs_seen_open(f->fd, NOW, &s, err), 0);
	for (i = 0; i < 3; i++) {
		nonce(i, n);
		assert_int_equal(jobs_seen_add(s, n, JOB, NOW + 100, err), 0);
	}
	jobs_seen_close(s);
	assert_int_equal(size_of(f), 3 * JOBS_SEEN_RECORD);

	/* a partial fourth record */
	fd = openat(f->fd, JOBS_SEEN_FILE, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "RJS1\x01\x02", 6), 6);
	close(fd);
	assert_int_equal(jobs_seen_open(f->fd, NOW, &s, err), 0);
	assert_int_equal(jobs_seen_count(s), 3);
	for (i = 0; i < 3; i++) {
		nonce(i, n);
		assert_true(jobs_seen_has(s, n, NULL));
	}
	jobs_seen_close(s);
	assert_int_equal(size_of(f), 3 * JOBS_SEEN_RECORD); /* cut off */

	/* a whole last record of garbage (a torn write of full length) */
	memset(junk, 0, sizeof(junk));
	fd = openat(f->fd, JOBS_SEEN_FILE, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
	close(fd);
	assert_int_equal(jobs_seen_open(f->fd, NOW, &s, err), 0);
	assert_int_equal(jobs_seen_count(s), 3);
	nonce(9, n);
	assert_int_equal(jobs_seen_add(s, n, JOB, NOW + 100, err), 0);
	jobs_seen_close(s);
	assert_int_equal(jobs_seen_open(f->fd, NOW, &s, err), 0);
	assert_int_equal(jobs_seen_count(s), 4);
	jobs_seen_close(s);

	/* a damaged record before the last refuses the store */
	fd = openat(f->fd, JOBS_SEEN_FILE, O_WRONLY);
	assert_int_equal(pwrite(fd, "X", 1, JOBS_SEEN_RECORD + 20), 1);
	close(fd);
	assert_int_equal(jobs_seen_open(f->fd, NOW, &s, err), RP_ERR_INVALID);
	assert_non_null(strstr(err, "record 2 (of 4) is damaged"));
}

/* One record as docs/agent-jobs.md describes it (written here rather
 * than through the library, so that a full store is made in one write
 * and the format is checked against its description). */
static void
record(unsigned char *rec, const char *n, int64_t expires)
{
	uint64_t u = (uint64_t)expires;
	int i;

	memset(rec, 0, JOBS_SEEN_RECORD);
	memcpy(rec, "RJS1", 4);
	for (i = 0; i < 8; i++)
		rec[4 + i] = (unsigned char)(u >> (8 * i));
	memcpy(rec + 12, n, 22);
	memcpy(rec + 34, JOB, 26);
	crypto_generichash(rec + 64, 16, rec, 64, NULL, 0);
}

static void
test_bound(void **state)
{
	struct fx *f = *state;
	struct jobs_seen *s;
	char err[JOBS_ERR_MAX], n[23];
	unsigned char *buf;
	size_t len = (size_t)JOBS_SEEN_MAX * JOBS_SEEN_RECORD;
	unsigned i;
	int fd;

	assert_non_null(buf = malloc(len));
	for (i = 0; i < JOBS_SEEN_MAX; i++) {
		nonce(i, n);
		/* half expire soon, half late */
		record(buf + (size_t)i * JOBS_SEEN_RECORD, n,
		    i % 2 ? NOW + 10 : NOW + 5000);
	}
	fd = openat(f->fd, JOBS_SEEN_FILE, O_WRONLY | O_CREAT, 0600);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	free(buf);
	/* full: a new job is refused, nothing is forgotten */
	assert_int_equal(jobs_seen_open(f->fd, NOW, &s, err), 0);
	assert_int_equal(jobs_seen_count(s), JOBS_SEEN_MAX);
	nonce(JOBS_SEEN_MAX - 1, n);
	assert_true(jobs_seen_has(s, n, NULL));
	nonce(JOBS_SEEN_MAX, n);
	assert_int_equal(
	    jobs_seen_add(s, n, JOB, NOW + 100, err), RP_ERR_LIMIT);
	assert_non_null(strstr(err, "full"));
	jobs_seen_close(s);
	assert_int_equal(size_of(f), (off_t)len);
	/* once half expired, there is room again, and the rest is kept */
	assert_int_equal(
	    jobs_seen_open(f->fd, NOW + 11 + PROTO_SKEW, &s, err), 0);
	assert_int_equal(jobs_seen_count(s), JOBS_SEEN_MAX / 2);
	nonce(0, n);
	assert_true(jobs_seen_has(s, n, NULL));
	nonce(1, n);
	assert_false(jobs_seen_has(s, n, NULL));
	nonce(JOBS_SEEN_MAX, n);
	assert_int_equal(jobs_seen_add(s, n, JOB, NOW + 100, err), 0);
	jobs_seen_close(s);
	assert_int_equal(
	    size_of(f), (off_t)(JOBS_SEEN_MAX / 2 + 1) * JOBS_SEEN_RECORD);
}

static void
test_job_key(void **state)
{
	struct fx *f = *state;
	struct uplink_enrolment e = {0};
	unsigned char pk[32], sk[64];
	char pk64[PROTO_PK_B64_LEN + 1], kid[PROTO_JOB_KEY_ID_LEN + 1],
	    err[UPLINK_ERR_MAX];
	json_t *v;

	crypto_sign_keypair(pk, sk);
	proto_pk_encode(pk, pk64);
	proto_job_key_id(pk, kid);
	assert_int_equal(uplink_job_key_take(&e, NULL, err), 0);
	assert_false(e.has_job_key);
	v = json_pack(
	    "{s:s, s:s}", "id", "0123456789abcdef", "public_key", pk64);
	assert_int_equal(uplink_job_key_take(&e, v, err), RP_ERR_INVALID);
	assert_non_null(strstr(err, "not that of its public key"));
	json_decref(v);
	v = json_pack("{s:s, s:s, s:i}", "id", kid, "public_key", pk64, "x", 1);
	assert_int_equal(uplink_job_key_take(&e, v, err), RP_ERR_INVALID);
	json_decref(v);
	v = json_pack("{s:s, s:s}", "id", kid, "public_key", pk64);
	assert_int_equal(uplink_job_key_take(&e, v, err), 0);
	json_decref(v);
	assert_true(e.has_job_key);
	assert_memory_equal(e.job_key, pk, 32);

	/* written and read back */
	e.server = strdup("https://rampart.example.org");
	memcpy(e.fingerprint, "ab", 2);
	memset(e.fingerprint, 'a', 64);
	memcpy(e.agent_id, JOB, sizeof(e.agent_id));
	snprintf(e.tenant, sizeof(e.tenant), "acme");
	assert_int_equal(uplink_enrolment_write(f->fd, &e, err), 0);
	uplink_enrolment_clear(&e);
	assert_int_equal(uplink_enrolment_read(f->fd, &e, err), 0);
	assert_true(e.has_job_key);
	assert_string_equal(e.job_key_id, kid);
	assert_memory_equal(e.job_key, pk, 32);
	uplink_enrolment_clear(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_conf, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_torn, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bound, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_job_key, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
