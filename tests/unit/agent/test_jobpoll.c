/*
 * The daemon's pure parts of taking jobs from the server (src/agent/
 * daemon/jobpoll.c): the long poll's wait (the time until the daemon's
 * next work, rounded down, from 1 to DAEMON_POLL_MAX), and a job's report
 * as a queue item: built, queued in a real queue (which adds "seq"),
 * read back after the queue is reopened as kind job-state, and turned
 * into the exact request body the server takes; every malformed item is
 * refused.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/daemon.h"
#include "queue/queue.h"
#include "util/err.h"
#include "util/str.h"

#define JOB "234567abcdefghijklmnopqrst"

static void
test_poll_wait(void **state)
{
	(void)state;
	assert_int_equal(daemon_poll_wait(10000, 10000), 1); /* due now */
	assert_int_equal(daemon_poll_wait(10000, 5000), 1); /* overdue */
	assert_int_equal(daemon_poll_wait(10000, 10500), 1);
	assert_int_equal(daemon_poll_wait(10000, 11999), 1);
	assert_int_equal(daemon_poll_wait(10000, 12000), 2);
	assert_int_equal(daemon_poll_wait(10000, 12999), 2); /* never late */
	assert_int_equal(daemon_poll_wait(0, 24999), 24);
	assert_int_equal(daemon_poll_wait(0, 25000), DAEMON_POLL_MAX);
	assert_int_equal(daemon_poll_wait(0, 3600000), DAEMON_POLL_MAX);
	assert_int_equal(daemon_poll_wait(7, UINT64_MAX), DAEMON_POLL_MAX);
}

static json_t *
report(void)
{
	json_t *r = json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "state", "done",
	    "reason", "", "results", "entry",
	    "0123456789abcdef0123456789abcdef", "path", "/opt/3cx/ffmpeg.dll");

	assert_non_null(r);
	return r;
}

static void
test_report_roundtrip(void **state)
{
	char base[64], err[QUEUE_ERR_MAX], job[PROTO_JOB_ID_LEN + 1];
	char *body = NULL, *text = NULL, *cmd;
	json_t *rep = report(), *item, *back;
	const struct queue_item *v;
	struct queue *q = NULL;
	size_t len = 0, tlen = 0, n;
	uint64_t seq = 0;
	int fd;

	(void)state;
	snprintf(base, sizeof(base), "/tmp/rampart-jobpoll.XXXXXX");
	assert_non_null(mkdtemp(base));
	fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(queue_open(fd, &q, err), 0);
	item = daemon_report_item(JOB, rep);
	assert_non_null(item);
	assert_int_equal(
	    queue_add(q, QUEUE_JOB_STATE, item, &seq, NULL, err), 0);
	assert_int_equal(seq, 1);
	json_decref(item);
	queue_free(q);

	/* reopened: the item is listed with its kind and reads back */
	assert_int_equal(queue_open(fd, &q, err), 0);
	v = queue_items(q, &n);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].kind, QUEUE_JOB_STATE);
	assert_string_equal(queue_kind_name(v[0].kind), "job-state");
	assert_int_equal(queue_read(q, 1, &body, &len, err), 0);
	assert_int_equal(daemon_report_parse(body, len, job, &text, &tlen), 0);
	assert_string_equal(job, JOB);
	assert_int_equal(tlen, strlen(text));
	/* exactly the report: no "seq" or "job" for the server to refuse */
	back = json_loads(text, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, rep));
	json_decref(back);
	free(text);
	free(body);
	queue_free(q);
	json_decref(rep);
	close(fd);
	cmd = rp_asprintf("rm -rf '%s'", base);
	assert_non_null(cmd);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
test_report_refusals(void **state)
{
	static const char *const bad[] = {
	    "",
	    "not json",
	    "[]",
	    "{\"job\":\"" JOB "\"}",
	    "{\"report\":{\"state\":\"done\"}}",
	    "{\"job\":\"" JOB "\",\"report\":[]}",
	    "{\"job\":\"" JOB "\",\"report\":\"done\"}",
	    "{\"job\":\"234567ABCDEFGHIJKLMNOPQRST\",\"report\":{}}",
	    "{\"job\":\"234567abcdefghijklmnopqrs\",\"report\":{}}",
	    "{\"job\":\"234567abcdefghijklmnopqrstu\",\"report\":{}}",
	    "{\"job\":\"../../../heartbeat/xyzabcd\",\"report\":{}}",
	    "{\"job\":7,\"report\":{}}",
	    "{\"job\":\"" JOB "\",\"report\":{},\"seq\":\"1\"}",
	    "{\"job\":\"" JOB "\",\"report\":{},\"seq\":1,\"x\":1}",
	    "{\"job\":\"" JOB "\",\"report\":{},\"extra\":1}",
	    "{\"job\":\"" JOB "\",\"job\":\"" JOB "\",\"report\":{}}",
	};
	static const char ok[] = "{\"job\":\"" JOB "\",\"report\":{}}";
	char job[PROTO_JOB_ID_LEN + 1], *text = (char *)"untouched";
	size_t i, tlen = 0;
	json_t *r = report(), *a = json_array();

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(daemon_report_parse(
				     bad[i], strlen(bad[i]), job, &text, &tlen),
		    RP_ERR_INVALID);
		assert_null(text);
	}
	/* without "seq" (never queued) it still reads */
	assert_int_equal(
	    daemon_report_parse(ok, strlen(ok), job, &text, &tlen), 0);
	assert_string_equal(text, "{}");
	free(text);
	assert_null(daemon_report_item("234567ABCDEFGHIJKLMNOPQRST", r));
	assert_null(daemon_report_item("short", r));
	assert_null(daemon_report_item(NULL, r));
	assert_null(daemon_report_item(JOB, a));
	assert_null(daemon_report_item(JOB, NULL));
	json_decref(a);
	json_decref(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_poll_wait),
	    cmocka_unit_test(test_report_roundtrip),
	    cmocka_unit_test(test_report_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
