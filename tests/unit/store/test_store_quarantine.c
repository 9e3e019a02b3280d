/*
 * What the store keeps of agents' job reports, on both drivers (run by
 * test_store.c's main): quarantine entries (recorded once per agent and
 * entry, held until one restore or purge, listed per agent and state
 * within the caller's scope, page by page, naming their jobs), and
 * detections of a sweep job's report naming the job while an uploaded
 * sweep's name none, and the job a report names read by its ID.
 */
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

#define AG1 "aaaaaaaaaaaaaaaaaaaaaaaaaa"
#define AG2 "bbbbbbbbbbbbbbbbbbbbbbbbbb"
#define E1 "0123456789abcdef0123456789abcdef"
#define E2 "1123456789abcdef0123456789abcdef"
#define E3 "2123456789abcdef0123456789abcdef"
#define SHA "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12"

static int64_t
agent(struct store *s, const char *id, int64_t ten)
{
	struct store_agent a = {.tenant_id = ten,
	    .public_key = "pk",
	    .hostname = "ws-1",
	    .os = "debian 12",
	    .agent_version = "",
	    .enrolled_at = 100};

	snprintf(a.id, sizeof(a.id), "%s", id);
	assert_int_equal(store_agent_create(s, &a), 0);
	return a.seq;
}

/* A job of type on agent seq ag of tenant ten; its seq. */
static int64_t
job(struct store *s, const char *id, const char *type, int64_t ag, int64_t ten)
{
	struct store_job j = {.tenant_id = ten,
	    .type = (char *)type,
	    .args = "{}",
	    .target = "{}",
	    .targets = 1,
	    .state = JOB_ACTIVE,
	    .created_by = 1,
	    .created_by_name = "tech",
	    .created_at = 1000,
	    .expires_at = 2000};

	snprintf(j.id, sizeof(j.id), "%s", id);
	assert_int_equal(store_job_create(s, &j, &ag, &ten, 1), 0);
	return j.seq;
}

/* The entries of ag in state (NULL: all) as seen in sc: how many, the
 * rows into *v (freed by the caller). */
static size_t
list(struct store *s, const struct store_scope *sc, int64_t ag,
    const char *state, struct store_qentry **v)
{
	size_t n = 0;
	int more = -1;

	assert_int_equal(
	    store_qentry_list(s, sc, ag, state, NULL, v, &n, &more), 0);
	assert_int_equal(more, 0);
	return n;
}

static void
test_qentries(void **state)
{
	struct store *s = *state;
	int64_t ta = tenant(s, "acme"), tb = tenant(s, "globex");
	struct store_scope sa = scope_of(s, &ta, 1), sb = scope_of(s, &tb, 1);
	int64_t a1 = agent(s, AG1, ta), a2 = agent(s, AG2, tb);
	int64_t jq = job(s, "jobqqqqqqqqqqqqqqqqqqqqqqq", "quarantine", a1, ta);
	int64_t jr = job(s, "jobrrrrrrrrrrrrrrrrrrrrrrr", "restore", a1, ta);
	int64_t jp = job(s, "jobppppppppppppppppppppppp", "purge", a1, ta);
	struct store_page pg = {.after = 0, .limit = 1};
	struct store_qentry *v = NULL;
	size_t n = 0;
	int more = 0;

	assert_int_equal(
	    store_qentry_add(s, ta, a1, E1, "/opt/a.dll", SHA, jq, 1100), 0);
	assert_int_equal(
	    store_qentry_add(s, ta, a1, E2, "/opt/b.dll", "", jq, 1101), 0);
	/* the same entry again (a report seen twice) changes nothing */
	assert_int_equal(
	    store_qentry_add(s, ta, a1, E1, "/elsewhere", "", jr, 1200), 0);
	/* another agent's entry of the same ID is its own */
	assert_int_equal(
	    store_qentry_add(s, tb, a2, E1, "/srv/c.so", SHA, 0, 1102), 0);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM quarantine_entries"), 3);
	assert_int_equal(
	    store_qentry_add(s, ta, a1, NULL, "/x", "", jq, 1), RP_ERR_ARG);

	/* held by default listing; every column back */
	assert_int_equal(list(s, &sa, a1, QENTRY_HELD, &v), 2);
	assert_string_equal(v[0].entry, E1);
	assert_string_equal(v[0].path, "/opt/a.dll");
	assert_string_equal(v[0].sha256, SHA);
	assert_string_equal(v[0].job_id, "jobqqqqqqqqqqqqqqqqqqqqqqq");
	assert_int_equal(v[0].created_at, 1100);
	assert_string_equal(v[0].state, QENTRY_HELD);
	assert_string_equal(v[0].state_job_id, "");
	assert_int_equal(v[0].state_at, 0);
	assert_int_equal(v[0].tenant_id, ta);
	assert_int_equal(v[0].agent_seq, a1);
	assert_string_equal(v[1].sha256, "");
	store_qentries_free(v, 2);
	/* pages */
	assert_int_equal(
	    store_qentry_list(s, &sa, a1, NULL, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_true(more);
	assert_string_equal(v[0].entry, E1);
	pg.after = v[0].id;
	store_qentries_free(v, n);
	assert_int_equal(
	    store_qentry_list(s, &sa, a1, NULL, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_string_equal(v[0].entry, E2);
	store_qentries_free(v, n);
	/* another tenant's scope sees none of acme's, its own only */
	assert_int_equal(list(s, &sb, a1, NULL, &v), 0);
	store_qentries_free(v, 0);
	assert_int_equal(list(s, &sb, a2, NULL, &v), 1);
	assert_string_equal(v[0].job_id, "");
	store_qentries_free(v, 1);

	/* restored once; then neither restored nor purged again */
	assert_int_equal(
	    store_qentry_set_state(s, a1, E1, QENTRY_RESTORED, jr, 1300), 0);
	assert_int_equal(
	    store_qentry_set_state(s, a1, E1, QENTRY_PURGED, jp, 1301),
	    RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_qentry_set_state(s, a1, E1, QENTRY_RESTORED, jr, 1302),
	    RP_ERR_NOTFOUND);
	/* only the reporting agent's entry moves; unknown entries; states */
	assert_int_equal(
	    store_qentry_set_state(s, a2, E2, QENTRY_PURGED, jp, 1303),
	    RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_qentry_set_state(s, a1, E3, QENTRY_PURGED, jp, 1303),
	    RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_qentry_set_state(s, a1, E2, QENTRY_HELD, jp, 1303),
	    RP_ERR_ARG);
	assert_int_equal(
	    store_qentry_set_state(s, a1, E2, QENTRY_PURGED, jp, 1304), 0);
	assert_int_equal(list(s, &sa, a1, QENTRY_HELD, &v), 0);
	store_qentries_free(v, 0);
	assert_int_equal(list(s, &sa, a1, QENTRY_RESTORED, &v), 1);
	assert_string_equal(v[0].entry, E1);
	assert_string_equal(v[0].state, QENTRY_RESTORED);
	assert_string_equal(v[0].state_job_id, "jobrrrrrrrrrrrrrrrrrrrrrrr");
	assert_int_equal(v[0].state_at, 1300);
	store_qentries_free(v, 1);
	assert_int_equal(list(s, &sa, a1, QENTRY_PURGED, &v), 1);
	assert_string_equal(v[0].entry, E2);
	assert_string_equal(v[0].state_job_id, "jobppppppppppppppppppppppp");
	store_qentries_free(v, 1);
	assert_int_equal(list(s, &all, a1, NULL, &v), 2);
	store_qentries_free(v, 2);
	/* the other agent's E1 is still held */
	assert_int_equal(list(s, &all, a2, QENTRY_HELD, &v), 1);
	store_qentries_free(v, 1);
	/* the state is checked by the database too */
	assert_int_equal(raw_int("SELECT COUNT(*) FROM quarantine_entries "
				 "WHERE state NOT IN ('held', 'restored', "
				 "'purged')"),
	    0);
}

/* The job a report names, by ID; detections of a sweep job's report
 * name the job, an uploaded sweep's name none. */
static void
test_job_detections(void **state)
{
	struct store *s = *state;
	int64_t ta = tenant(s, "acme");
	int64_t a1 = agent(s, AG1, ta);
	int64_t js = job(s, "jobsssssssssssssssssssssss", "sweep", a1, ta);
	struct store_detection *v = NULL;
	struct store_job g;
	int64_t up = 0, bysweep = 0;
	size_t n = 0;
	int more = 0;

	/* the job a report names, by ID, without counting its hosts */
	assert_int_equal(
	    store_job_by_id(s, "jobsssssssssssssssssssssss", &g), 0);
	assert_int_equal(g.seq, js);
	assert_string_equal(g.type, "sweep");
	assert_string_equal(g.args, "{}");
	assert_int_equal(g.tenant_id, ta);
	assert_int_equal(g.hosts[0], 0);
	store_job_clear(&g);
	assert_int_equal(store_job_by_id(s, "jobzzzzzzzzzzzzzzzzzzzzzzz", &g),
	    RP_ERR_NOTFOUND);

	assert_int_equal(store_sweep_add(s, a1, ta, 3, 0, 900, 950, 1,
			     "{\"rampart_sweep\":1}", &up),
	    0);
	assert_int_equal(store_detection_add(s, up, a1, ta, "file", "/a", SHA,
			     "sha256:" SHA, 950),
	    0);
	assert_int_equal(store_sweep_add(s, a1, ta, 0, js, 1000, 1010, 1,
			     "{\"rampart_sweep\":1}", &bysweep),
	    0);
	assert_int_equal(store_detection_add(s, bysweep, a1, ta, "file", "/b",
			     "", "yara:ns/r", 1010),
	    0);
	assert_int_equal(
	    raw_int("SELECT COUNT(*) FROM sweeps WHERE job_seq IS NULL"), 1);
	assert_int_equal(
	    store_detection_list(s, &all, 0, a1, NULL, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].sweep_id, up);
	assert_string_equal(v[0].job_id, "");
	assert_int_equal(v[1].sweep_id, bysweep);
	assert_string_equal(v[1].job_id, "jobsssssssssssssssssssssss");
	assert_string_equal(v[1].agent_id, AG1);
	assert_string_equal(v[1].path, "/b");
	store_detections_free(v, n);
}

int
store_quarantine_tests(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_qentries, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_job_detections, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
