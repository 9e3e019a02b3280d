/*
 * Sparse files and the per-file work budget through the whole sweep: a
 * 64 GiB file of a few KB on disk is listed as "budget exceeded" without
 * a byte read, a smaller sparse file is read only where it holds data and
 * still matches the indicator of its logical content (taken from
 * sha256sum), and a lower budget (--work-budget) lists it instead.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "sweep/sweep.h"
#include "sweep_test.h"

#define GIB ((uint64_t)1 << 30)

struct fixture {
	char *root, *huge, *half;
	struct ioc_bundle *b;
	struct sweep_rules *r;
};

static char *
sparse(const char *dir, const char *name, uint64_t size)
{
	const uint64_t offs[3] = {4096, size / 2, size - 4096};
	char blk[4096], *p = malloc(strlen(dir) + strlen(name) + 2);
	int fd, i;

	assert_non_null(p);
	snprintf(p, strlen(dir) + strlen(name) + 2, "%s/%s", dir, name);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	for (i = 0; i < 3; i++) {
		memset(blk, 'k' + i, sizeof(blk));
		assert_int_equal(pwrite(fd, blk, sizeof(blk), (off_t)offs[i]),
		    (ssize_t)sizeof(blk));
	}
	assert_int_equal(fsync(fd), 0);
	close(fd);
	return p;
}

static void
sha256sum_of(const char *path, char *out)
{
	char cmd[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	assert_non_null(p = popen(cmd, "r"));
	assert_non_null(fgets(out, 65, p));
	out[64] = '\0';
	assert_int_equal(pclose(p), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char h[65];

	assert_non_null(f);
	assert_non_null(f->root = tmpdir_new());
	f->huge = sparse(f->root, "huge.img", 64 * GIB);
	f->half = sparse(f->root, "half.img", 8u << 20);
	sha256sum_of(f->half, h);
	assert_non_null(f->b = ioc_bundle_new());
	assert_int_equal(
	    ioc_bundle_add(f->b, IOC_SHA256, h, 0, "test", NULL, NULL), 0);
	assert_int_equal(sweep_rules_new(f->b, &f->r, NULL), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	sweep_rules_free(f->r);
	ioc_bundle_free(f->b);
	tmpdir_free(f->root);
	free(f->huge);
	free(f->half);
	free(f);
	return 0;
}

static struct sweep_report *
sweep(struct fixture *f, uint64_t budget)
{
	const char *paths[1] = {f->root};
	struct sweep_opts o = {0};
	struct sweep_report *rep = sweep_report_new();

	assert_non_null(rep);
	o.paths = paths;
	o.npaths = 1;
	o.threads = 2;
	o.work_budget = budget;
	assert_int_equal(sweep_run(&o, f->r, rep, NULL), 0);
	return rep;
}

static void
test_default_budget(void **state)
{
	struct fixture *f = *state;
	struct sweep_report *rep = sweep(f, 0);

	assert_int_equal(rep->c.files_seen, 2);
	/* The 64 GiB file: listed, not read, not passed. */
	assert_int_equal(rep->c.budget_exceeded, 1);
	assert_int_equal(rep->ninc, 1);
	assert_string_equal(rep->inc[0].path, f->huge);
	assert_int_equal(rep->inc[0].why, SWEEP_INCOMPLETE_BUDGET);
	assert_int_equal(rep->inc[0].size, 64 * GIB);
	/* The 8 MiB one: its three data blocks read, its logical digest
	   matched. */
	assert_int_equal(rep->nhits, 1);
	assert_string_equal(rep->hits[0].path, f->half);
	assert_true(rep->c.bytes_read >= 3 * 4096);
	assert_true(rep->c.bytes_read <= 3 * 64 * 1024);
	sweep_report_free(rep);
}

static void
test_low_budget(void **state)
{
	struct fixture *f = *state;
	struct sweep_report *rep = sweep(f, 4u << 20);
	json_t *j, *inc;

	assert_int_equal(rep->c.budget_exceeded, 2);
	assert_int_equal(rep->ninc, 2);
	assert_int_equal(rep->nhits, 0);
	assert_int_equal(rep->c.bytes_read, 0);
	/* The report says so per file. */
	assert_non_null(j = sweep_report_json(rep));
	inc = json_object_get(j, "incomplete");
	assert_int_equal(json_array_size(inc), 2);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(inc, 0), "reason")),
	    "budget exceeded");
	assert_int_equal(
	    json_integer_value(json_object_get(
		json_object_get(j, "counters"), "budget_exceeded")),
	    2);
	json_decref(j);
	sweep_report_free(rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_default_budget, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_low_budget, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
