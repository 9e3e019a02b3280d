/*
 * Unit tests of the file sweep: planted files are found by each hash
 * type (with and without a size, and not with a wrong size), by name and
 * by a YARA rule; symbolic links out of the root are not followed; a file
 * replaced between the walk and the open is reported as what was read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "sweep/sweep_int.h"
#include "util/err.h"

#include "sweep_test.h"

static const char yara_rule[] = "rule RampartTestMarker {\n"
				"  strings: $m = \"RAMPART-TEST-MARKER-7731\"\n"
				"  condition: $m\n"
				"}\n";

struct fixture {
	char *root, *outside;
	struct ioc_bundle *b;
	struct sweep_rules *r;
	struct sweep_report *rep;
};

/* Finds the hit for path, or NULL. */
static const struct sweep_hit *
hit_for(const struct sweep_report *rep, const char *path)
{
	size_t i;

	for (i = 0; i < rep->nhits; i++)
		if (rep->hits[i].path != NULL &&
		    strcmp(rep->hits[i].path, path) == 0)
			return &rep->hits[i];
	return NULL;
}

static void
add(struct ioc_bundle *b, enum ioc_type t, const char *v, uint64_t size)
{
	assert_int_equal(ioc_bundle_add(b, t, v, size, "test", NULL, NULL), 0);
}

static char *
sub(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char h[129], *p;

	f->root = tmpdir_new();
	f->outside = tmpdir_new();
	f->b = ioc_bundle_new();
	assert_non_null(f->root);
	assert_non_null(f->b);
	p = sub(f->root, "sub");
	mkdir(p, 0755);
	free(p);
	p = sub(f->root, "sub/deeper");
	mkdir(p, 0755);
	free(p);

	hex_of("SHA256", "content by sha256\n", h);
	add(f->b, IOC_SHA256, h, 0);
	free(put_file(f->root, "sub/by-sha256.bin", "content by sha256\n"));
	hex_of("SHA1", "content by sha1\n", h);
	add(f->b, IOC_SHA1, h, strlen("content by sha1\n"));
	free(put_file(f->root, "sub/deeper/by-sha1.bin", "content by sha1\n"));
	hex_of("MD5", "content by md5\n", h);
	add(f->b, IOC_MD5, h, 0);
	free(put_file(f->root, "by-md5.bin", "content by md5\n"));
	/* The right digest with the wrong size must not match. */
	hex_of("SHA256", "wrong size\n", h);
	add(f->b, IOC_SHA256, h, 999);
	free(put_file(f->root, "wrong-size.bin", "wrong size\n"));
	add(f->b, IOC_FILENAME, "evil-name.exe", 0);
	free(put_file(f->root, "sub/evil-name.exe", "harmless content\n"));
	free(put_file(f->root, "yara-hit.txt",
	    "some text RAMPART-TEST-MARKER-7731 more text\n"));
	free(put_file(f->root, "clean.txt", "nothing to see\n"));
	assert_int_equal(
	    ioc_bundle_add_yara(f->b, "test.yar", yara_rule, "unit", NULL), 0);

	/* Outside the root: matching files reachable only by symlinks. */
	free(put_file(f->outside, "outside.bin", "content by sha256\n"));
	free(put_file(f->outside, "evil-name.exe", "x\n"));
	p = sub(f->outside, "outside.bin");
	{
		char *l = sub(f->root, "link-to-file");
		assert_int_equal(symlink(p, l), 0);
		free(l);
		l = sub(f->root, "sub/link-to-dir");
		assert_int_equal(symlink(f->outside, l), 0);
		free(l);
	}
	free(p);

	assert_int_equal(sweep_rules_new(f->b, &f->r, NULL), 0);
	assert_non_null(f->rep = sweep_report_new());
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	sweep_report_free(f->rep);
	sweep_rules_free(f->r);
	ioc_bundle_free(f->b);
	tmpdir_free(f->root);
	tmpdir_free(f->outside);
	free(f);
	return 0;
}

static void
run(struct fixture *f, struct sweep_opts *o)
{
	const char *paths[1] = {f->root};

	o->paths = paths;
	o->npaths = 1;
	assert_int_equal(sweep_run(o, f->r, f->rep, NULL), 0);
}

static const struct sweep_match *
match_of(const struct sweep_hit *h, enum ioc_type t)
{
	size_t i;

	for (i = 0; h != NULL && i < h->nm; i++)
		if (h->m[i].ioc != NULL && h->m[i].ioc->type == t)
			return &h->m[i];
	return NULL;
}

static void
test_planted(void **state)
{
	struct fixture *f = *state;
	struct sweep_opts o = {0};
	const struct sweep_hit *h;
	struct stat st;
	char *p, hex[65];
	size_t i;

	o.threads = 2;
	run(f, &o);
	assert_int_equal(f->rep->nhits, 5);

	p = sub(f->root, "sub/by-sha256.bin");
	h = hit_for(f->rep, p);
	assert_non_null(match_of(h, IOC_SHA256));
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(h->ino, st.st_ino);
	assert_int_equal(h->dev, st.st_dev);
	assert_int_equal(h->size, st.st_size);
	hex_of("SHA256", "content by sha256\n", hex);
	assert_string_equal(h->sha256, hex);
	free(p);

	p = sub(f->root, "sub/deeper/by-sha1.bin");
	h = hit_for(f->rep, p);
	assert_non_null(match_of(h, IOC_SHA1));
	hex_of("SHA256", "content by sha1\n", hex);
	assert_string_equal(h->sha256, hex);
	free(p);

	p = sub(f->root, "by-md5.bin");
	assert_non_null(match_of(hit_for(f->rep, p), IOC_MD5));
	free(p);

	p = sub(f->root, "wrong-size.bin");
	assert_null(hit_for(f->rep, p));
	free(p);

	p = sub(f->root, "sub/evil-name.exe");
	h = hit_for(f->rep, p);
	assert_non_null(match_of(h, IOC_FILENAME));
	hex_of("SHA256", "harmless content\n", hex);
	assert_string_equal(h->sha256, hex);
	free(p);

	p = sub(f->root, "yara-hit.txt");
	h = hit_for(f->rep, p);
	assert_non_null(h);
	assert_int_equal(h->nm, 1);
	assert_string_equal(h->m[0].rule, "RampartTestMarker");
	assert_string_equal(h->m[0].ns, "test.yar");
	assert_string_equal(h->m[0].yara_source, "unit");
	hex_of("SHA256", "some text RAMPART-TEST-MARKER-7731 more text\n", hex);
	assert_string_equal(h->sha256, hex);
	free(p);

	/* Nothing outside the root, though links point there. */
	for (i = 0; i < f->rep->nhits; i++)
		assert_true(strncmp(f->rep->hits[i].path, f->root,
				strlen(f->root)) == 0);
	assert_int_equal(f->rep->c.symlinks, 2);
	assert_int_equal(f->rep->c.files_seen, 7);
	assert_int_equal(f->rep->c.dirs_seen, 3);
	assert_int_equal(f->rep->c.hits, 5);
}

static void
test_start_symlink(void **state)
{
	struct fixture *f = *state;
	struct sweep_opts o = {0};
	struct rp_diags *d = rp_diags_new();
	char *p = sub(f->root, "sub/link-to-dir");
	const char *paths[1] = {p};

	o.paths = paths;
	o.npaths = 1;
	assert_int_equal(sweep_run(&o, f->r, f->rep, d), 0);
	assert_int_equal(f->rep->c.files_seen, 0);
	assert_int_equal(f->rep->nhits, 0);
	assert_int_equal(d->nerrors, 1);
	assert_non_null(strstr(d->v[0].msg, "symbolic link"));
	rp_diags_free(d);
	free(p);
}

static void
test_single_file_root(void **state)
{
	struct fixture *f = *state;
	struct sweep_opts o = {0};
	char *p = sub(f->root, "by-md5.bin");
	const char *paths[1] = {p};

	o.paths = paths;
	o.npaths = 1;
	assert_int_equal(sweep_run(&o, f->r, f->rep, NULL), 0);
	assert_int_equal(f->rep->c.files_seen, 1);
	assert_int_equal(f->rep->nhits, 1);
	assert_string_equal(f->rep->hits[0].path, p);
	free(p);
}

static void
test_excludes_and_limits(void **state)
{
	struct fixture *f = *state;
	struct sweep_opts o = {0};
	const char *ex[2] = {"deeper", "*/yara-hit.txt"};

	o.excludes = ex;
	o.nexcludes = 2;
	o.max_size = 16; /* "content by md5\n" is 15 bytes */
	run(f, &o);
	/* deeper/ not entered, yara-hit.txt excluded, larger files
	   skipped: only by-md5.bin (15 bytes) is left to match. */
	assert_int_equal(f->rep->c.skip_excluded, 2);
	assert_int_equal(f->rep->c.dirs_seen, 2);
	assert_true(f->rep->c.skip_too_large >= 2);
	assert_int_equal(f->rep->nhits, 2); /* by-md5 and the name hit */
}

static void
test_walk_only(void **state)
{
	struct fixture *f = *state;
	struct sweep_opts o = {0};

	o.walk_only = 1;
	run(f, &o);
	assert_int_equal(f->rep->c.files_seen, 7);
	assert_int_equal(f->rep->c.files_opened, 0);
	assert_int_equal(f->rep->nhits, 0);
}

/* The hook renames a prepared file over the one about to be opened. */
struct swap {
	const char *target, *replacement;
	int done;
};

static void
swap_hook(const char *path, void *arg)
{
	struct swap *s = arg;

	if (!s->done && strcmp(path, s->target) == 0) {
		assert_int_equal(rename(s->replacement, s->target), 0);
		s->done = 1;
	}
}

static void
test_replaced_before_open(void **state)
{
	struct fixture *f = *state;
	struct sweep_opts o = {0};
	struct swap s = {0};
	const struct sweep_hit *h;
	struct stat st;
	char *target = sub(f->root, "clean.txt");
	char *matching, *clean, hex[65];

	/* A clean file replaced by a matching one: the hit is the file
	   actually read, with its own inode. */
	matching = put_file(f->outside, "swap-in.bin", "content by sha256\n");
	s.target = target;
	s.replacement = matching;
	o.before_open = swap_hook;
	o.before_open_arg = &s;
	o.threads = 1;
	run(f, &o);
	assert_true(s.done);
	assert_int_equal(f->rep->c.replaced, 1);
	h = hit_for(f->rep, target);
	assert_non_null(match_of(h, IOC_SHA256));
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(h->ino, st.st_ino);
	hex_of("SHA256", "content by sha256\n", hex);
	assert_string_equal(h->sha256, hex);

	/* A matching file replaced by a clean one is not reported. */
	sweep_report_free(f->rep);
	f->rep = sweep_report_new();
	clean = put_file(f->outside, "swap-clean.bin", "nothing at all\n");
	s.done = 0;
	s.replacement = clean;
	run(f, &o);
	assert_true(s.done);
	assert_int_equal(f->rep->c.replaced, 1);
	assert_null(hit_for(f->rep, target));
	assert_int_equal(f->rep->nhits, 5);
	free(target);
	free(matching);
	free(clean);
}

static void
test_report_json(void **state)
{
	struct fixture *f = *state;
	struct sweep_opts o = {0};
	json_t *j, *hit;
	size_t i;

	run(f, &o);
	j = sweep_report_json(f->rep);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "hits")), 5);
	assert_int_equal(json_integer_value(json_object_get(
			     json_object_get(j, "counters"), "files_seen")),
	    7);
	json_array_foreach(json_object_get(j, "hits"), i, hit)
	{
		assert_non_null(json_object_get(hit, "path"));
		assert_non_null(json_object_get(hit, "dev"));
		assert_non_null(json_object_get(hit, "ino"));
		assert_non_null(json_object_get(hit, "size"));
		assert_non_null(json_object_get(hit, "mtime_ns"));
		assert_int_equal(
		    strlen(json_string_value(json_object_get(hit, "sha256"))),
		    64);
		assert_true(
		    json_array_size(json_object_get(hit, "matches")) > 0);
	}
	json_decref(j);
}

static void
test_yara_errors(void **state)
{
	struct ioc_bundle *b = ioc_bundle_new();
	struct sweep_rules *r = NULL;
	struct rp_diags *d = rp_diags_new();

	assert_int_equal(ioc_bundle_add_yara(b, "bad.yar",
			     "rule ok { condition: true }\n"
			     "rule broken { condition: $nope }\n",
			     NULL, NULL),
	    0);
	assert_int_equal(sweep_rules_new(b, &r, d), RP_ERR_INVALID);
	assert_null(r);
	assert_true(d->nerrors >= 1);
	assert_int_equal(d->v[0].line, 2);
	assert_non_null(strstr(d->v[0].msg, "bad.yar"));
	rp_diags_clear(d);
	ioc_bundle_free(b);

	/* Includes would read local files: refused. */
	b = ioc_bundle_new();
	assert_int_equal(ioc_bundle_add_yara(b, "inc.yar",
			     "include \"/etc/passwd\"\n", NULL, NULL),
	    0);
	assert_int_equal(sweep_rules_new(b, &r, d), RP_ERR_INVALID);
	ioc_bundle_free(b);
	rp_diags_free(d);
}

static void
test_volexity_rules(void **state)
{
	const char *dir = getenv("RAMPART_SHARED_DATA");
	struct ioc_bundle *b = ioc_bundle_new();
	struct sweep_rules *r = NULL;
	struct sweep_report *rep = sweep_report_new();
	struct sweep_opts o = {0};
	const char *paths[1];
	char path[4096], *text, *tmp;
	FILE *fp;
	long n;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/3cx/volexity-rules.yar", dir);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	assert_int_equal(
	    ioc_bundle_add_yara(b, "volexity-rules.yar", text, NULL, NULL), 0);
	assert_int_equal(sweep_rules_new(b, &r, NULL), 0);
	assert_true(sweep_rules_yara_count(r) > 0);
	/* They run over real files (their own text included). */
	tmp = tmpdir_new();
	free(put_file(tmp, "rules-copy.yar", text));
	free(put_file(tmp, "other.txt", "nothing\n"));
	paths[0] = tmp;
	o.paths = paths;
	o.npaths = 1;
	assert_int_equal(sweep_run(&o, r, rep, NULL), 0);
	assert_int_equal(rep->c.files_opened, 2);
	assert_int_equal(rep->c.errors, 0);
	assert_int_equal(rep->c.yara_timeouts, 0);
	tmpdir_free(tmp);
	free(text);
	sweep_report_free(rep);
	sweep_rules_free(r);
	ioc_bundle_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_planted, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_start_symlink, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_single_file_root, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_excludes_and_limits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_walk_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_replaced_before_open, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_report_json, setup, teardown),
	    cmocka_unit_test(test_yara_errors),
	    cmocka_unit_test(test_volexity_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
