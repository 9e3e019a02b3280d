/*
 * Reading the audit log, on both drivers (run by test_store.c's main):
 * every filter of store_audit_find alone and combined, a prefix whose
 * '_' is not a wildcard, the bounds of since and until, both orders
 * paged with their cursors; and store_audit_verify on an intact chain
 * of several pages, on each kind of tampering, and while another
 * connection keeps appending.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "util/err.h"

/* The entries of the filter tests: entry i (seq i + 1). */
static const struct {
	const char *at, *actor, *action, *tenant, *outcome;
} rows[] = {
    {"2026-01-01T10:00:00.000Z", "user:alice", "login", "", "ok"},
    {"2026-01-01T10:00:01.000Z", "user:alice", "tenant.create", "acme", "ok"},
    {"2026-01-01T10:00:02.000Z", "user:bob", "job.create", "acme", "ok"},
    {"2026-01-01T10:00:03.000Z", "token:7", "job.sign", "acme", "refused"},
    {"2026-01-01T10:00:04.000Z", "user:bob", "job.approve", "globex", "ok"},
    {"2026-01-01T10:00:05.000Z", "-", "login", "", "failed"},
    {"2026-01-01T10:00:06.000Z", "user:bob", "denied", "", "denied"},
    {"2026-01-01T10:00:07.000Z", "user:alice", "enroll_token.create", "acme",
	"ok"},
    {"2026-01-01T10:00:08.000Z", "user:alice", "enrollxtoken.create", "globex",
	"ok"},
    {"2026-01-01T10:00:09.000Z", "user:carol", "jobs.list", "globex", "ok"},
    {"2026-01-01T10:00:09.999Z", "user:bob", "job.result", "globex", "ok"},
};
#define NROWS ((int)(sizeof(rows) / sizeof(rows[0])))

static void
append(struct store *s, const char *at, const char *actor, const char *action,
    const char *tenant, const char *outcome)
{
	struct audit_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.at, sizeof(e.at), "%s", at);
	e.actor = (char *)actor;
	e.address = (char *)"192.0.2.7";
	e.action = (char *)action;
	e.tenant = (char *)tenant;
	e.target = (char *)"";
	e.outcome = (char *)outcome;
	e.detail = (char *)"{}";
	assert_int_equal(store_audit_append(s, &e), 0);
}

static void
append_rows(struct store *s)
{
	assert_int_equal(store_begin(s), 0);
	for (int i = 0; i < NROWS; i++)
		append(s, rows[i].at, rows[i].actor, rows[i].action,
		    rows[i].tenant, rows[i].outcome);
	assert_int_equal(store_commit(s), 0);
}

/* Every page of f (page size lim) as a comma list of seqs, and whether
 * every entry read back whole. */
static void
seqs(struct store *s, const struct store_audit_filter *f, int lim, char *out,
    size_t len)
{
	struct store_page pg = {.after = 0, .limit = lim};
	struct audit_entry *v;
	size_t n, used = 0;
	int more, pages = 0;

	out[0] = '\0';
	do {
		assert_int_equal(store_audit_find(s, f, &pg, &v, &n, &more), 0);
		for (size_t i = 0; i < n; i++) {
			const int k = (int)v[i].seq - 1;

			assert_true(k >= 0 && k < NROWS);
			assert_string_equal(v[i].action, rows[k].action);
			assert_string_equal(v[i].at, rows[k].at);
			used += (size_t)snprintf(out + used, len - used,
			    "%s%lld", used > 0 ? "," : "", (long long)v[i].seq);
			assert_true(used < len);
		}
		/* A full page says whether more follow; a short one ends. */
		assert_true(more ? n == (size_t)lim : n <= (size_t)lim);
		if (n > 0)
			pg.after = v[n - 1].seq;
		audit_entries_free(v, n);
		assert_true(++pages <= NROWS + 1);
	} while (more);
}

static void
expect(struct store *s, const struct store_audit_filter *f, const char *want)
{
	char got[256];

	/* One page, and pages of 1 and 2 through the cursor. */
	seqs(s, f, STORE_PAGE_MAX, got, sizeof(got));
	assert_string_equal(got, want);
	seqs(s, f, 1, got, sizeof(got));
	assert_string_equal(got, want);
	seqs(s, f, 2, got, sizeof(got));
	assert_string_equal(got, want);
}

static void
test_audit_find(void **state)
{
	struct store *s = *state;
	struct store_audit_filter f;

	append_rows(s);
	memset(&f, 0, sizeof(f));
	expect(s, &f, "1,2,3,4,5,6,7,8,9,10,11");
	f.desc = 1;
	expect(s, &f, "11,10,9,8,7,6,5,4,3,2,1");

	memset(&f, 0, sizeof(f));
	f.action = "login";
	expect(s, &f, "1,6");
	f.action = "job.";
	expect(s, &f, "3,4,5,11");
	f.action = "job"; /* exact: no action is just "job" */
	expect(s, &f, "");
	f.action = "enroll_token.";
	expect(s, &f, "8");
	f.action = "job.sign";
	expect(s, &f, "4");

	memset(&f, 0, sizeof(f));
	f.actor = "user:bob";
	expect(s, &f, "3,5,7,11");
	f.actor = "user:bo";
	expect(s, &f, "");
	memset(&f, 0, sizeof(f));
	f.tenant = "acme";
	expect(s, &f, "2,3,4,8");
	memset(&f, 0, sizeof(f));
	f.outcome = "refused";
	expect(s, &f, "4");
	f.outcome = "failed";
	expect(s, &f, "6");

	/* since is inclusive, until exclusive. */
	memset(&f, 0, sizeof(f));
	f.since = "2026-01-01T10:00:09.000Z";
	expect(s, &f, "10,11");
	f.since = "2026-01-01T10:00:09.001Z";
	expect(s, &f, "11");
	memset(&f, 0, sizeof(f));
	f.until = "2026-01-01T10:00:01.000Z";
	expect(s, &f, "1");
	f.since = "2026-01-01T10:00:02.000Z";
	f.until = "2026-01-01T10:00:05.000Z";
	expect(s, &f, "3,4,5");
	f.desc = 1;
	expect(s, &f, "5,4,3");

	/* Combined: each one narrows. */
	memset(&f, 0, sizeof(f));
	f.actor = "user:bob";
	f.action = "job.";
	expect(s, &f, "3,5,11");
	f.tenant = "globex";
	expect(s, &f, "5,11");
	f.outcome = "ok";
	f.since = "2026-01-01T10:00:05.000Z";
	expect(s, &f, "11");
	f.desc = 1;
	expect(s, &f, "11");
	f.outcome = "failed";
	expect(s, &f, "");
}

/* Newest first, the cursor continues downward from where it says. */
static void
test_audit_find_desc_cursor(void **state)
{
	struct store *s = *state;
	struct store_audit_filter f = {.desc = 1};
	struct store_page pg = {.after = 5, .limit = 2};
	struct audit_entry *v;
	size_t n;
	int more;

	append_rows(s);
	assert_int_equal(store_audit_find(s, &f, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].seq, 4);
	assert_int_equal(v[1].seq, 3);
	assert_true(more);
	audit_entries_free(v, n);
	pg.after = 2;
	assert_int_equal(store_audit_find(s, &f, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].seq, 1);
	assert_false(more);
	audit_entries_free(v, n);
	/* Ascending from the same cursor goes up. */
	f.desc = 0;
	pg.after = 9;
	pg.limit = 5;
	assert_int_equal(store_audit_find(s, &f, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].seq, 10);
	assert_false(more);
	audit_entries_free(v, n);
	/* NULL page: the first, of the largest size. */
	assert_int_equal(store_audit_find(s, &f, NULL, &v, &n, &more), 0);
	assert_int_equal(n, NROWS);
	audit_entries_free(v, n);
}

/* More than two pages of the walk. */
#define LONG_LOG (2 * STORE_PAGE_MAX + 37)

static void
append_many(struct store *s, int count)
{
	char at[40];

	assert_int_equal(store_begin(s), 0);
	for (int i = 0; i < count; i++) {
		snprintf(at, sizeof(at), "2026-02-01T00:%02d:%02d.%03dZ",
		    (i / 60) % 60, i % 60, i % 1000);
		append(s, at, "user:alice", "tenant.create", "acme", "ok");
	}
	assert_int_equal(store_commit(s), 0);
}

static void
check_result(struct store *s, enum audit_problem p, int64_t seq,
    int64_t entries, int64_t head)
{
	struct store_audit_check k;

	memset(&k, 0x5a, sizeof(k));
	assert_int_equal(store_audit_verify(s, &k), 0);
	assert_int_equal(k.problem, p);
	assert_int_equal(k.seq, seq);
	assert_int_equal(k.entries, entries);
	assert_int_equal(k.head_seq, head);
	assert_int_equal(strlen(k.head_hash), 64);
}

static void
test_audit_verify(void **state)
{
	struct store *s = *state;
	char sql[512];
	const int64_t last = LONG_LOG;

	check_result(s, AUDIT_OK, 0, 0, 0);
	append_many(s, LONG_LOG);
	check_result(s, AUDIT_OK, 0, last, last);

	/* Edited, on the second page. */
	raw_exec("UPDATE audit SET actor = 'user:mallory' WHERE seq = 742");
	check_result(s, AUDIT_EDITED, 742, 741, last);
	raw_exec("UPDATE audit SET actor = 'user:alice' WHERE seq = 742");
	check_result(s, AUDIT_OK, 0, last, last);

	/* Deleted: named by the missing seq, at a page's edge too. */
	raw_exec("CREATE TABLE saved AS SELECT * FROM audit");
	raw_exec("DELETE FROM audit WHERE seq = 500");
	check_result(s, AUDIT_DELETED, 500, 499, last);
	raw_exec("INSERT INTO audit SELECT * FROM saved WHERE seq = 500");

	/* Inserted past the head: a copy of the last entry, renumbered. */
	snprintf(sql, sizeof(sql),
	    "INSERT INTO audit SELECT seq + 1, at, actor, address, action, "
	    "tenant, target, outcome, detail, prev, hash FROM saved "
	    "WHERE seq = %lld",
	    (long long)last);
	raw_exec(sql);
	check_result(s, AUDIT_INSERTED, last + 1, last, last);
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE seq = %lld",
	    (long long)last + 1);
	raw_exec(sql);

	/* Truncated: the last entries gone, the head still names them. */
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE seq >= %lld",
	    (long long)last - 1);
	raw_exec(sql);
	check_result(s, AUDIT_TRUNCATED, last - 1, last - 2, last);
	snprintf(sql, sizeof(sql),
	    "INSERT INTO audit SELECT * FROM saved WHERE seq >= %lld",
	    (long long)last - 1);
	raw_exec(sql);

	/* The last entry replaced: its hash is not the head's. */
	raw_exec("UPDATE audit_head SET hash = "
		 "'0123456789abcdef0123456789abcdef"
		 "0123456789abcdef0123456789abcdef' WHERE id = 1");
	check_result(s, AUDIT_EDITED, last, last, last);
	raw_exec("UPDATE audit_head SET hash = (SELECT hash FROM saved "
		 "WHERE seq = (SELECT MAX(seq) FROM saved)) WHERE id = 1");
	check_result(s, AUDIT_OK, 0, last, last);
	raw_exec("DROP TABLE saved");

	/* Not inside a transaction: the walk takes its own snapshots. */
	struct store_audit_check k;
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_audit_verify(s, &k), RP_ERR_ARG);
	store_rollback(s);
}

struct appender {
	pthread_mutex_t mu;
	int stop;
	int failures;
	int64_t appended;
};

static void *
append_loop(void *arg)
{
	struct appender *ap = arg;
	struct store *s = NULL;
	char err[256];
	int stop = 0;

	if (store_open(url, &s, err, sizeof(err)) != 0) {
		pthread_mutex_lock(&ap->mu);
		ap->failures++;
		pthread_mutex_unlock(&ap->mu);
		return NULL;
	}
	while (!stop) {
		int r = store_begin(s);
		struct audit_entry e;

		memset(&e, 0, sizeof(e));
		snprintf(e.at, sizeof(e.at), "2026-03-01T00:00:00.000Z");
		e.actor = (char *)"user:writer";
		e.action = (char *)"tenant.rename";
		e.outcome = (char *)"ok";
		if (r == 0 && (r = store_audit_append(s, &e)) == 0)
			r = store_commit(s);
		if (r != 0)
			store_rollback(s);
		pthread_mutex_lock(&ap->mu);
		ap->failures += r != 0;
		ap->appended += r == 0;
		stop = ap->stop;
		pthread_mutex_unlock(&ap->mu);
	}
	store_close(s);
	return NULL;
}

/*
 * Another connection appends without pause while the walk runs: the
 * walk neither blocks it nor judges its entries.  The check is repeated
 * until an append is seen to have landed between the walk's head and
 * its end (the head afterwards is past the walk's), so the case is
 * shown to have happened, not assumed.
 */
static void
test_audit_verify_concurrent(void **state)
{
	struct store *s = *state;
	struct appender ap = {.mu = PTHREAD_MUTEX_INITIALIZER};
	struct store_audit_check k;
	pthread_t th;
	int64_t before, after, head;
	char hash[65];
	int tries = 0, seen = 0;

	append_many(s, LONG_LOG);
	assert_int_equal(pthread_create(&th, NULL, append_loop, &ap), 0);
	while (!seen && tries++ < 200) {
		pthread_mutex_lock(&ap.mu);
		before = ap.appended;
		pthread_mutex_unlock(&ap.mu);
		assert_int_equal(store_audit_verify(s, &k), 0);
		pthread_mutex_lock(&ap.mu);
		after = ap.appended;
		pthread_mutex_unlock(&ap.mu);
		assert_int_equal(k.problem, AUDIT_OK);
		assert_int_equal(k.entries, k.head_seq);
		assert_true(k.head_seq >= LONG_LOG + before);
		assert_int_equal(store_audit_head(s, &head, hash), 0);
		seen = head > k.head_seq && after > before;
	}
	pthread_mutex_lock(&ap.mu);
	ap.stop = 1;
	pthread_mutex_unlock(&ap.mu);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(ap.failures, 0);
	assert_true(ap.appended > 0);
	assert_true(seen);
	check_result(
	    s, AUDIT_OK, 0, LONG_LOG + ap.appended, LONG_LOG + ap.appended);
}

int
store_audit_tests(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_audit_find, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_audit_find_desc_cursor, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_verify, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_audit_verify_concurrent, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
