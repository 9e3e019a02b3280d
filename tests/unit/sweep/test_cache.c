/*
 * Unit tests of the sweep's digest cache, counted: a repeat sweep reads
 * no unchanged file; a modified or merely touched file is read again;
 * new YARA rules invalidate "nothing matched" verdicts; an unusable
 * cache file is replaced, not trusted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "sweep/sweep.h"
#include "util/err.h"

#include "sweep_test.h"

#define NFILES 300

struct fixture {
	char *root, *cachedir, *cache;
	struct ioc_bundle *b;
	struct sweep_rules *r;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char name[64], content[64], hex[65];
	size_t n;
	int i;

	f->root = tmpdir_new();
	f->cachedir = tmpdir_new();
	n = strlen(f->cachedir) + 32;
	f->cache = malloc(n);
	snprintf(f->cache, n, "%s/sub/cache.bin", f->cachedir);
	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "f%03d.txt", i);
		snprintf(content, sizeof(content), "file number %d\n", i);
		free(put_file(f->root, name, content));
	}
	f->b = ioc_bundle_new();
	hex_of("SHA256", "file number 7\n", hex);
	assert_int_equal(
	    ioc_bundle_add(f->b, IOC_SHA256, hex, 0, "t", NULL, NULL), 0);
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
	tmpdir_free(f->cachedir);
	free(f->cache);
	free(f);
	return 0;
}

static struct sweep_report *
sweep(struct fixture *f, const struct sweep_rules *r, struct rp_diags *d)
{
	struct sweep_report *rep = sweep_report_new();
	struct sweep_opts o = {0};
	const char *paths[1] = {f->root};

	o.paths = paths;
	o.npaths = 1;
	o.cache_path = f->cache;
	assert_int_equal(sweep_run(&o, r, rep, d), 0);
	assert_int_equal(rep->nhits, 1);
	return rep;
}

static void
test_repeat_reads_nothing(void **state)
{
	struct fixture *f = *state;
	struct sweep_report *rep;
	struct timespec ts[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
	char *p;
	FILE *fp;

	rep = sweep(f, f->r, NULL);
	assert_int_equal(rep->c.files_opened, NFILES);
	assert_int_equal(rep->c.cache_hits, 0);
	assert_true(rep->cache_saved);
	sweep_report_free(rep);

	rep = sweep(f, f->r, NULL);
	assert_int_equal(rep->c.files_opened, 0);
	assert_int_equal(rep->c.bytes_read, 0);
	assert_int_equal(rep->c.cache_hits, NFILES);
	assert_false(rep->cache_saved); /* nothing changed: not rewritten */
	sweep_report_free(rep);

	/* Modified content. */
	p = malloc(strlen(f->root) + 16);
	snprintf(p, strlen(f->root) + 16, "%s/f100.txt", f->root);
	fp = fopen(p, "ab");
	fputs("more\n", fp);
	fclose(fp);
	rep = sweep(f, f->r, NULL);
	assert_int_equal(rep->c.files_opened, 1);
	assert_int_equal(rep->c.cache_hits, NFILES - 1);
	sweep_report_free(rep);

	/* Only the mtime (same size): read again too. */
	snprintf(p, strlen(f->root) + 16, "%s/f200.txt", f->root);
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	rep = sweep(f, f->r, NULL);
	assert_int_equal(rep->c.files_opened, 1);
	sweep_report_free(rep);

	/* And after that, nothing again. */
	rep = sweep(f, f->r, NULL);
	assert_int_equal(rep->c.files_opened, 0);
	sweep_report_free(rep);
	free(p);
}

static void
test_yara_verdicts(void **state)
{
	struct fixture *f = *state;
	struct sweep_report *rep;
	struct sweep_rules *r1 = NULL, *r2 = NULL;

	assert_int_equal(ioc_bundle_add_yara(f->b, "a.yar",
			     "rule a { strings: $x = \"zzz-none\" "
			     "condition: $x }",
			     NULL, NULL),
	    0);
	assert_int_equal(sweep_rules_new(f->b, &r1, NULL), 0);
	rep = sweep(f, r1, NULL);
	assert_int_equal(rep->c.files_opened, NFILES);
	sweep_report_free(rep);
	rep = sweep(f, r1, NULL);
	assert_int_equal(rep->c.files_opened, 0);
	sweep_report_free(rep);
	/* Other rules: the verdicts no longer hold. */
	assert_int_equal(ioc_bundle_add_yara(f->b, "b.yar",
			     "rule b { condition: false }", NULL, NULL),
	    0);
	assert_int_equal(sweep_rules_new(f->b, &r2, NULL), 0);
	rep = sweep(f, r2, NULL);
	assert_int_equal(rep->c.files_opened, NFILES);
	sweep_report_free(rep);
	rep = sweep(f, r2, NULL);
	assert_int_equal(rep->c.files_opened, 0);
	sweep_report_free(rep);
	sweep_rules_free(r1);
	sweep_rules_free(r2);
}

static void
test_bad_cache_file(void **state)
{
	struct fixture *f = *state;
	struct sweep_report *rep;
	struct rp_diags *d = rp_diags_new();
	char *dir = malloc(strlen(f->cache) + 1), *slash;

	memcpy(dir, f->cache, strlen(f->cache) + 1);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdir(dir, 0700);
	free(put_file(dir, "cache.bin", "RPSWCAC1 but truncated"));
	rep = sweep(f, f->r, d);
	assert_int_equal(rep->c.files_opened, NFILES);
	assert_int_equal(d->nwarnings, 1);
	assert_non_null(strstr(d->v[0].msg, "not a usable sweep cache"));
	sweep_report_free(rep);
	rep = sweep(f, f->r, NULL);
	assert_int_equal(rep->c.files_opened, 0);
	sweep_report_free(rep);
	rp_diags_free(d);
	free(dir);
}

static void
test_no_cache_no_file(void **state)
{
	struct fixture *f = *state;
	struct sweep_report *rep = sweep_report_new();
	struct sweep_opts o = {0};
	const char *paths[1] = {f->root};
	struct stat st;

	o.paths = paths;
	o.npaths = 1;
	assert_int_equal(sweep_run(&o, f->r, rep, NULL), 0);
	assert_int_equal(rep->c.files_opened, NFILES);
	assert_false(rep->cache_used);
	assert_int_not_equal(stat(f->cache, &st), 0);
	sweep_report_free(rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_repeat_reads_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_yara_verdicts, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_bad_cache_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_no_cache_no_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
