/*
 * What rampartd takes from a job's results (src/server/findings/intake.c,
 * fnd_job_result_parse): a done quarantine job's entry at the job's path;
 * a sweep job's report with the entries of its quarantine items (those
 * with an error skipped, a missing hash taken from the hit); nothing from
 * other jobs and states; and each malformed result refused with the
 * pointer of what is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "findings/findings.h"
#include "util/err.h"

#define SHA "abababababababababababababababababababababababababababababababab"
#define SHB "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
#define E1 "0123456789abcdef0123456789abcdef"
#define E2 "fedcba9876543210fedcba9876543210"

static const struct fnd_job quar = {
    .type = "quarantine", .state = "done", .path = "/opt/x.dll"};
static const struct fnd_job sweepq = {
    .type = "sweep", .state = "done", .quarantine = 1};

/* A sweep job's results: two file hits, the second without a hash, and
 * the quarantine items in items (JSON text of an array's members). */
static json_t *
sweep_results(const char *items, int truncated)
{
	char text[2048];
	json_t *v;

	snprintf(text, sizeof(text),
	    "[{\"rampart_sweep\": 1, \"hits\": ["
	    "{\"kind\": \"file\", \"path\": \"/a\", \"sha256\": \"" SHA "\", "
	    "\"matches\": [{\"type\": \"sha256\", \"value\": \"" SHA "\"}]},"
	    "{\"kind\": \"file\", \"path\": \"/b\", \"matches\": [{\"type\": "
	    "\"yara\", \"namespace\": \"n\", \"rule\": \"r\"}]}],"
	    "\"hits_truncated\": %s, \"quarantine\": [%s]}]",
	    truncated ? "true" : "false", items);
	v = json_loads(text, 0, NULL);
	assert_non_null(v);
	return v;
}

static void
test_quarantine(void **state)
{
	json_t *v = json_loads("[{\"path\": \"/elsewhere\", \"sha256\": \"" SHA
			       "\", \"entry\": \"" E1 "\", \"killed\": []}]",
	    0, NULL);
	struct fnd_job_result *r = NULL;
	struct fnd_job other = quar;
	struct fnd_err e;

	(void)state;
	assert_int_equal(fnd_job_result_parse(&quar, v, &r, &e), 0);
	assert_null(r->sweep);
	assert_int_equal(r->nentries, 1);
	assert_string_equal(r->entries[0].entry, E1);
	/* the job's path, not what the result says */
	assert_string_equal(r->entries[0].path, "/opt/x.dll");
	assert_string_equal(r->entries[0].sha256, SHA);
	fnd_job_result_free(r);
	json_decref(v);
	/* a result without the hash: the entry, its hash unknown */
	v = json_loads("[{\"entry\": \"" E1 "\"}]", 0, NULL);
	assert_int_equal(fnd_job_result_parse(&quar, v, &r, &e), 0);
	assert_int_equal(r->nentries, 1);
	assert_string_equal(r->entries[0].sha256, "");
	fnd_job_result_free(r);
	/* failed, rejected, running, or another type: nothing */
	other.state = "failed";
	assert_int_equal(fnd_job_result_parse(&other, v, &r, &e), 0);
	assert_int_equal(r->nentries, 0);
	fnd_job_result_free(r);
	other.state = "done";
	other.type = "restore";
	assert_int_equal(fnd_job_result_parse(&other, v, &r, &e), 0);
	assert_int_equal(r->nentries, 0);
	assert_null(r->sweep);
	fnd_job_result_free(r);
	json_decref(v);
}

static void
test_sweep(void **state)
{
	json_t *v = sweep_results(
	    "{\"hit\": 0, \"path\": \"/a\", \"entry\": \"" E1 "\", "
	    "\"sha256\": \"" SHA "\", \"error\": null},"
	    "{\"hit\": 1, \"path\": \"/b\", \"entry\": null, \"sha256\": null, "
	    "\"error\": \"busy\"},"
	    "{\"hit\": 0, \"path\": \"/a2\", \"entry\": \"" E2 "\"}",
	    0);
	struct fnd_job_result *r = NULL;
	struct fnd_job j = sweepq;
	struct fnd_err e;

	(void)state;
	assert_int_equal(fnd_job_result_parse(&j, v, &r, &e), 0);
	assert_non_null(r->sweep);
	assert_int_equal(r->sweep->nhits, 2);
	assert_string_equal(r->sweep->hits[1].what, "yara:n/r");
	assert_int_equal(r->nentries, 2);
	assert_string_equal(r->entries[0].path, "/a");
	assert_string_equal(r->entries[0].sha256, SHA);
	/* an item without a hash has its hit's */
	assert_string_equal(r->entries[1].entry, E2);
	assert_string_equal(r->entries[1].sha256, SHA);
	fnd_job_result_free(r);
	/* a failed sweep's report counts too; without quarantine no entry */
	j.state = "failed";
	j.quarantine = 0;
	assert_int_equal(fnd_job_result_parse(&j, v, &r, &e), 0);
	assert_int_equal(r->sweep->nhits, 2);
	assert_int_equal(r->nentries, 0);
	fnd_job_result_free(r);
	json_decref(v);
	/* a failed sweep with no report (its bundle was missing) */
	v = json_loads("[]", 0, NULL);
	assert_int_equal(fnd_job_result_parse(&j, v, &r, &e), 0);
	assert_null(r->sweep);
	fnd_job_result_free(r);
	/* a hit cut from the report: the item stands, its hash unknown */
	json_decref(v);
	v = sweep_results("{\"hit\": 1500, \"path\": \"/z\", \"entry\": "
			  "\"" E1 "\", \"sha256\": null, \"error\": null}",
	    1);
	assert_int_equal(fnd_job_result_parse(&sweepq, v, &r, &e), 0);
	assert_int_equal(r->nentries, 1);
	assert_string_equal(r->entries[0].sha256, "");
	fnd_job_result_free(r);
	json_decref(v);
}

/* Each malformed result, refused naming where. */
static void
test_refused(void **state)
{
	static const struct {
		int sweep;
		const char *text, *field;
	} cases[] = {
	    {0, "{}", "/results"},
	    {0, "[]", "/results"},
	    {0, "[{\"entry\": \"" E1 "\", \"sha256\": 7}]",
		"/results/0/sha256"},
	    {0, "[{\"entry\": \"" E1 "\", \"sha256\": \"" SHB "0\"}]",
		"/results/0/sha256"},
	    {0, "[{\"entry\": \"../../etc/passwd\", \"sha256\": \"" SHA "\"}]",
		"/results/0/entry"},
	    {0,
		"[{\"entry\": \"0123456789ABCDEF0123456789ABCDEF\", "
		"\"sha256\": \"" SHA "\"}]",
		"/results/0/entry"},
	    {1, "[{\"hits\": []}]", "/results/0"},
	    {1, "[]", "/results"},
	    {1, "{\"hit\": 2, \"path\": \"/a\", \"entry\": \"" E1 "\"}",
		"/results/0/quarantine/0"},
	    {1, "{\"hit\": -1, \"path\": \"/a\", \"entry\": \"" E1 "\"}",
		"/results/0/quarantine/0"},
	    {1, "{\"hit\": 0, \"entry\": \"" E1 "\"}",
		"/results/0/quarantine/0"},
	    {1, "{\"hit\": 0, \"path\": \"a\", \"entry\": \"" E1 "\"}",
		"/results/0/quarantine/0/path"},
	    {1, "{\"hit\": 0, \"path\": \"/a\", \"entry\": 5}",
		"/results/0/quarantine/0/entry"},
	    {1, "7", "/results/0/quarantine/0"},
	};
	struct fnd_job_result *r = NULL;
	struct fnd_err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v;

		/* sweep cases with '{' or a digit are quarantine items */
		if (cases[i].sweep && cases[i].text[0] != '[')
			v = sweep_results(cases[i].text, 0);
		else
			v = json_loads(cases[i].text, 0, NULL);
		assert_non_null(v);
		memset(&e, 0, sizeof(e));
		r = NULL;
		assert_int_equal(
		    fnd_job_result_parse(
			cases[i].sweep ? &sweepq : &quar, v, &r, &e),
		    RP_ERR_INVALID);
		assert_null(r);
		if (strcmp(e.field, cases[i].field) != 0)
			fail_msg("case %zu: field %s, expected %s (%s)", i,
			    e.field, cases[i].field, e.msg);
		assert_true(e.msg[0] != '\0');
		json_decref(v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quarantine),
	    cmocka_unit_test(test_sweep),
	    cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
