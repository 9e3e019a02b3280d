/*
 * Debian version comparison against dpkg itself: over 10 000 pairs built
 * from the Version: fields of two real dpkg status databases (and slight
 * variants of them) are compared by `dpkg --compare-versions`, run from
 * two shell scripts in parallel so the test stays fast.  Also the univers
 * deb vectors and dpkg's validity rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "version/version.h"
#include "util/err.h"

#define MAXV 4096
#define NPAIRS_MIN 10000

struct pair {
	const char *a, *b;
	int mine;
};

static char *vers[MAXV];
static size_t nvers;

static void
add_version(const char *v)
{
	size_t i;

	if (nvers >= MAXV || !version_valid(VERSION_SCHEME_DEB, v, NULL))
		return;
	for (i = 0; i < nvers; i++) {
		if (strcmp(vers[i], v) == 0)
			return;
	}
	vers[nvers++] = strdup(v);
}

static void
load_status(const char *path)
{
	char line[1024];
	FILE *f;
	size_t n;

	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "Version: ", 9) != 0)
			continue;
		n = strcspn(line + 9, "\r\n");
		line[9 + n] = '\0';
		add_version(line + 9);
	}
	fclose(f);
}

/* Slight variants of v: the pairs where ordering subtleties live. */
static void
add_variants(const char *v)
{
	static const char *suffix[] = {
	    "~1", "~", "+b1", "a", ".0", "-1", "~rc1", "+dfsg"};
	char buf[512];
	size_t i, n = strlen(v);

	if (n + 8 >= sizeof(buf))
		return;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s", v, suffix[i]);
		add_version(buf);
	}
	if (strchr(v, ':') == NULL) {
		snprintf(buf, sizeof(buf), "1:%s", v);
		add_version(buf);
		snprintf(buf, sizeof(buf), "0:%s", v);
		add_version(buf);
	}
	/* The last digit one up and one down. */
	snprintf(buf, sizeof(buf), "%s", v);
	for (i = n; i > 0; i--) {
		if (buf[i - 1] >= '0' && buf[i - 1] <= '9') {
			buf[i - 1] = buf[i - 1] == '9' ? '0' : buf[i - 1] + 1;
			add_version(buf);
			break;
		}
	}
}

static int
compare_deb(const char *a, const char *b)
{
	int c = 99;

	assert_int_equal(version_compare(VERSION_SCHEME_DEB, a, b, &c), 0);
	return c;
}

static void
write_check(FILE *f, const struct pair *p)
{
	/* Ask the question we expect "yes" to: one dpkg run per pair. */
	const char *op = p->mine < 0 ? "lt" : p->mine > 0 ? "gt" : "eq";

	fprintf(f,
	    "if dpkg --compare-versions '%s' %s '%s'; then echo %d; "
	    "elif dpkg --compare-versions '%s' lt '%s'; then echo -1; "
	    "elif dpkg --compare-versions '%s' eq '%s'; then echo 0; "
	    "else echo 1; fi\n",
	    p->a, op, p->b, p->mine, p->a, p->b, p->a, p->b);
}

static void
test_dpkg_oracle(void **state)
{
	const char *shared = getenv("RAMPART_SHARED_DATA");
	char path[1024], dir[] = "/tmp/rampart-deb-XXXXXX", cmd[4096];
	char line[64], *end;
	struct pair *pairs;
	size_t i, np = 0, base, mism = 0;
	FILE *f[2];
	int k, got;

	/* Data or dpkg missing is a failure, not a skip. */
	assert_non_null(shared);
	snprintf(
	    path, sizeof(path), "%s/inventory/dpkg/debian-12-status", shared);
	load_status(path);
	snprintf(path, sizeof(path), "%s/inventory/dpkg/ubuntu-18.04-status",
	    shared);
	load_status(path);
	base = nvers;
	assert_true(base > 400);
	for (i = 0; i < base; i++)
		add_variants(vers[i]);
	pairs = calloc(4 * nvers + 8 * base + 16, sizeof(*pairs));
	assert_non_null(pairs);
	/* Each version with its variants, neighbours and a spread of others. */
	for (i = 0; i < nvers; i++) {
		pairs[np++] = (struct pair){vers[i], vers[(i + 1) % nvers], 0};
		pairs[np++] =
		    (struct pair){vers[i], vers[(i * 7919 + 13) % nvers], 0};
		if (i < base) {
			pairs[np++] = (struct pair){
			    vers[i], vers[(i * 104729 + 7) % base], 0};
			pairs[np++] = (struct pair){vers[i], vers[i], 0};
		}
	}
	for (i = base; i < nvers; i++)
		pairs[np++] = (struct pair){vers[i], vers[(i * 31) % base], 0};
	assert_true(np >= NPAIRS_MIN);
	assert_non_null(mkdtemp(dir));
	for (k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s/check%d.sh", dir, k);
		assert_non_null(f[k] = fopen(path, "w"));
	}
	for (i = 0; i < np; i++) {
		pairs[i].mine = compare_deb(pairs[i].a, pairs[i].b);
		write_check(f[i % 2], &pairs[i]);
	}
	for (k = 0; k < 2; k++)
		fclose(f[k]);
	snprintf(cmd, sizeof(cmd),
	    "sh %s/check0.sh > %s/out0 & sh %s/check1.sh > %s/out1 & wait", dir,
	    dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	for (k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s/out%d", dir, k);
		assert_non_null(f[k] = fopen(path, "r"));
	}
	for (i = 0; i < np; i++) {
		assert_non_null(fgets(line, sizeof(line), f[i % 2]));
		got = (int)strtol(line, &end, 10);
		assert_true(end != line && (*end == '\n' || *end == '\0'));
		if (got != pairs[i].mine) {
			print_error("dpkg says %s %s %s, Rampart %d\n",
			    pairs[i].a,
			    got < 0	  ? "<"
				: got > 0 ? ">"
					  : "=",
			    pairs[i].b, pairs[i].mine);
			mism++;
		}
	}
	print_message("%zu pairs from %zu versions (%zu from status files) "
		      "agree with dpkg: %zu mismatches\n",
	    np, nvers, base, mism);
	for (k = 0; k < 2; k++) {
		fclose(f[k]);
		snprintf(path, sizeof(path), "%s/out%d", dir, k);
		unlink(path);
		snprintf(path, sizeof(path), "%s/check%d.sh", dir, k);
		unlink(path);
	}
	rmdir(dir);
	free(pairs);
	for (i = 0; i < nvers; i++)
		free(vers[i]);
	nvers = 0;
	assert_int_equal(mism, 0);
}

/* univers' deb vectors: "comparison" lists sorted output, "equality". */
static void
test_univers_vectors(void **state)
{
	const char *shared = getenv("RAMPART_SHARED_DATA");
	char path[1024];
	json_t *root, *t, *in;
	json_error_t err;
	size_t i, n = 0;
	int c;

	assert_non_null(shared);
	snprintf(path, sizeof(path),
	    "%s/versions/univers/deb_version_python_pkg_test.json", shared);
	root = json_load_file(path, 0, &err);
	assert_non_null(root);
	json_array_foreach(root, i, t)
	{
		const char *type =
		    json_string_value(json_object_get(t, "test_type"));
		json_t *exp = json_object_get(t, "expected_output");
		const char *a, *b;

		in = json_object_get(json_object_get(t, "input"), "versions");
		a = json_string_value(json_array_get(in, 0));
		b = json_string_value(json_array_get(in, 1));
		assert_non_null(a);
		assert_non_null(b);
		if (strcmp(type, "equality") == 0) {
			/* "1.o" is no Debian version: unequal by being invalid. */
			if (version_compare(VERSION_SCHEME_DEB, a, b, &c) != 0)
				assert_false(json_is_true(exp));
			else
				assert_int_equal(c == 0, json_is_true(exp));
		} else {
			const char *lo =
			    json_string_value(json_array_get(exp, 0));
			assert_int_equal(
			    version_compare(VERSION_SCHEME_DEB, a, b, &c), 0);
			if (strcmp(a, b) != 0)
				assert_int_equal(c < 0, strcmp(lo, a) == 0);
		}
		n++;
	}
	print_message("%zu univers deb vectors\n", n);
	assert_int_equal(n, json_array_size(root));
	json_decref(root);
}

static void
test_validity(void **state)
{
	/* Errors for dpkg too (its message in the comment). */
	static const char *bad[] = {"", /* version string is empty */
	    "  ", /* version string is empty */
	    ":1.0", /* epoch in version is empty */
	    "a:1.0", /* epoch in version is empty */
	    "1a:1.0", /* epoch in version is not number */
	    "-1:1.0", /* epoch in version is negative */
	    "1:", /* nothing after colon */
	    "1.0-", /* revision number is empty */
	    "1:-1", /* version number is empty */
	    "1.0 1", /* embedded spaces */
	    "1.0\t~1", /* embedded spaces */
	    "99999999999:1", /* epoch too big */
	    "2147483648:1", /* epoch too big */
	    "-1"}; /* version number is empty */
	/* Accepted by dpkg without a word. */
	static const char *good[] = {"0", "1:2:3-4", "1.0-1-2", "1.0~rc1",
	    "2147483647:1", "1.0+dfsg-1ubuntu0.1", "0.0~git20230123.b2528b0-1",
	    "1.0 ", " 1.0", "\t1.0\t", "+1:2.0", "-0:1", "01:2", "1.0--1"};
	static const struct {
		const char *v;
		enum version_warning w;
	} warned[] = {
	    {"a1.0", VERSION_WARN_NO_LEADING_DIGIT},
	    {"~", VERSION_WARN_NO_LEADING_DIGIT},
	    {"1:a", VERSION_WARN_NO_LEADING_DIGIT},
	    {"1,0", VERSION_WARN_BAD_CHAR},
	    {"1.0_1", VERSION_WARN_BAD_CHAR},
	    {"1.0\n", VERSION_WARN_BAD_CHAR},
	    {"1.0-1_2", VERSION_WARN_BAD_REVISION_CHAR},
	    {"1.0-a,b", VERSION_WARN_BAD_REVISION_CHAR},
	    /* only the first warning, as dpkg */
	    {"a,b-c,d", VERSION_WARN_NO_LEADING_DIGIT},
	};
	struct version_check vc;
	const char *why;
	size_t i;
	int c;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_false(version_valid(VERSION_SCHEME_DEB, bad[i], &why));
		assert_non_null(why);
		version_check(VERSION_SCHEME_DEB, bad[i], &vc);
		assert_false(vc.valid);
		assert_int_equal(
		    version_compare(VERSION_SCHEME_DEB, bad[i], "1", &c),
		    RP_ERR_INVALID);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		version_check(VERSION_SCHEME_DEB, good[i], &vc);
		assert_true(vc.valid);
		assert_int_equal(vc.warning, VERSION_WARN_NONE);
		assert_null(vc.why);
	}
	for (i = 0; i < sizeof(warned) / sizeof(warned[0]); i++) {
		version_check(VERSION_SCHEME_DEB, warned[i].v, &vc);
		assert_true(vc.valid);
		assert_int_equal(vc.warning, warned[i].w);
		assert_non_null(vc.why);
		assert_true(
		    version_valid(VERSION_SCHEME_DEB, warned[i].v, NULL));
	}
	/* Blanks around a version are not part of it. */
	assert_int_equal(
	    version_compare(VERSION_SCHEME_DEB, " 1.0\t", "1.0", &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(
	    version_compare(VERSION_SCHEME_DEB, "+1:1.0", "1:1.0", &c), 0);
	assert_int_equal(c, 0);
	/* '~' sorts before the end, a missing revision equals "-0". */
	assert_int_equal(
	    version_compare(VERSION_SCHEME_DEB, "1.0~", "1.0", &c), 0);
	assert_true(c < 0);
	assert_int_equal(
	    version_compare(VERSION_SCHEME_DEB, "1.0~~", "1.0~", &c), 0);
	assert_true(c < 0);
	assert_int_equal(
	    version_compare(VERSION_SCHEME_DEB, "1.0", "1.0-0", &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(
	    version_compare(VERSION_SCHEME_DEB, "0:1.0", "1.0", &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(
	    version_compare(VERSION_SCHEME_DEB, "1.0a", "1.0+", &c), 0);
	assert_true(c < 0);
	assert_int_equal(
	    version_compare(VERSION_SCHEME_DEB, "10:1", "9:2", &c), 0);
	assert_true(c > 0);
}

/*
 * dpkg itself as the oracle over versions it accepts only with a warning
 * or after trimming: every pair of the table, compared by
 * `dpkg --compare-versions` (which warns, then compares) and by us.
 */
static void
test_dpkg_tricky(void **state)
{
	static const char *t[] = {"1.0 ", " 1.0", "1.0", "a1.0", "A1.0", "1,0",
	    "1.0,1", "~", "~~", "~a", "1:~", "1:a", "0:a1.0", "+1:1.0",
	    "01:1.0", "1.0_1", "1.0-1_2", "1.0-1,2", "1.0-1", "1.0-1~",
	    "1.0-a,b", "1.0--1", "1:2:3", "1.0+", "1.0#", "1.0%",
	    "1.0=", "1.0@", "z", "Z", "_", "1.0-~", "1.0~-1", "2:0", "1.0a",
	    "1.0."};
	const size_t n = sizeof(t) / sizeof(t[0]);
	char dir[] = "/tmp/rampart-debt-XXXXXX", path[1024], cmd[2048];
	char line[64], *end;
	size_t i, j, mism = 0;
	FILE *f;
	int mine, got;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.sh", dir);
	assert_non_null(f = fopen(path, "w"));
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++)
			fprintf(f,
			    "if dpkg --compare-versions '%s' lt '%s'; "
			    "then echo -1; elif dpkg --compare-versions '%s' "
			    "eq '%s'; then echo 0; else echo 1; fi\n",
			    t[i], t[j], t[i], t[j]);
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "sh %s/t.sh > %s/out 2>/dev/null", dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/out", dir);
	assert_non_null(f = fopen(path, "r"));
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			assert_int_equal(version_compare(VERSION_SCHEME_DEB,
					     t[i], t[j], &mine),
			    0);
			mine = mine < 0 ? -1 : mine > 0;
			assert_non_null(fgets(line, sizeof(line), f));
			got = (int)strtol(line, &end, 10);
			assert_true(end != line);
			if (got != mine) {
				print_error("dpkg: '%s' vs '%s' %d, Rampart "
					    "%d\n",
				    t[i], t[j], got, mine);
				mism++;
			}
		}
	}
	fclose(f);
	unlink(path);
	snprintf(path, sizeof(path), "%s/t.sh", dir);
	unlink(path);
	rmdir(dir);
	assert_int_equal(mism, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validity),
	    cmocka_unit_test(test_dpkg_tricky),
	    cmocka_unit_test(test_univers_vectors),
	    cmocka_unit_test(test_dpkg_oracle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
