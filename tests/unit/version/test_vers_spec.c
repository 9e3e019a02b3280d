/*
 * The vers specification's own test suite (vers-spec/tests/, one JSON file per topic): every
 * test that concerns something Rampart implements must pass; the others
 * are counted and reported as skipped with the reason, one line per file,
 * test type and scheme.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "version/version.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/str.h"

#define MAXSKIP 256

struct skipgroup {
	char *key; /* "file: type scheme" */
	const char *why;
	size_t n;
};

static struct skipgroup skips[MAXSKIP];
static size_t nskips, nrun, nfail, nskipped;

static void
skip_test(
    const char *file, const char *type, const char *scheme, const char *why)
{
	char *key = rp_asprintf("%s: %s '%s'", file, type, scheme);
	size_t i;

	assert_non_null(key);
	nskipped++;
	for (i = 0; i < nskips; i++) {
		if (strcmp(skips[i].key, key) == 0) {
			skips[i].n++;
			free(key);
			return;
		}
	}
	assert_true(nskips < MAXSKIP);
	skips[nskips++] = (struct skipgroup){key, why, 1};
}

static void
failed(const char *file, json_t *t, const char *what)
{
	char *s = json_dumps(
	    json_object_get(t, "input"), JSON_COMPACT | JSON_ENCODE_ANY);

	print_error("FAIL %s: %s: input %s\n", file, what, s ? s : "?");
	free(s);
	nfail++;
}

static int
scheme_of(const char *name, enum version_scheme *s)
{
	return name != NULL && version_scheme_from_name(name, s) == 0;
}

/* comparison (expected_output is the sorted input) and equality. */
static void
run_compare(const char *file, json_t *t, const char *type)
{
	json_t *in = json_object_get(t, "input"), *exp;
	const char *sn = json_string_value(json_object_get(in, "input_scheme"));
	const char *a, *b;
	enum version_scheme s;
	int c;

	if (!scheme_of(sn, &s)) {
		skip_test(file, type, sn ? sn : "?",
		    "no version ordering for this scheme in Rampart");
		return;
	}
	nrun++;
	a = json_string_value(
	    json_array_get(json_object_get(in, "versions"), 0));
	b = json_string_value(
	    json_array_get(json_object_get(in, "versions"), 1));
	exp = json_object_get(t, "expected_output");
	if (a == NULL || b == NULL || version_compare(s, a, b, &c) != 0) {
		failed(file, t, "versions not valid");
		return;
	}
	if (strcmp(type, "equality") == 0) {
		if ((c == 0) != json_is_true(exp))
			failed(file, t, "equality");
	} else if (strcmp(a, b) != 0) {
		const char *lo = json_string_value(json_array_get(exp, 0));
		if ((c < 0) != (strcmp(lo, a) == 0) || c == 0)
			failed(file, t, "order");
	}
}

static void
run_containment(const char *file, json_t *t)
{
	json_t *in = json_object_get(t, "input");
	const char *vs = json_string_value(json_object_get(in, "vers"));
	const char *v = json_string_value(json_object_get(in, "version"));
	struct vers_range *r = NULL;
	int isin = 0, rc;

	if (vs == NULL || v == NULL || vers_parse(vs, &r, NULL) != 0) {
		failed(file, t, "vers does not parse");
		nrun++;
		return;
	}
	rc = vers_contains(r, v, &isin);
	if (rc == RP_ERR_UNSUPPORTED)
		skip_test(file, "containment", r->scheme_name,
		    "no version ordering for this scheme in Rampart");
	else {
		nrun++;
		if (rc != 0 ||
		    isin != json_is_true(json_object_get(t, "expected_output")))
			failed(file, t, "containment");
	}
	vers_range_free(r);
}

/* The type of "vers:TYPE/...", for grouping skipped tests. */
static char *
type_of(const char *vs)
{
	const char *p = vs != NULL ? strchr(vs, ':') : NULL, *e;

	if (p == NULL || (e = strchr(p, '/')) == NULL)
		return strdup("?");
	return strndup(p + 1, e - p - 1);
}

static void
run_validate(const char *file, json_t *t)
{
	const char *vs = json_string_value(json_object_get(t, "input"));
	const char *exp =
	    json_string_value(json_object_get(t, "expected_output"));
	struct vers_range *r = NULL;
	enum version_scheme s;
	char *type = type_of(vs), *out;

	if (!scheme_of(type, &s)) {
		skip_test(file, "validate", type,
		    "canonical order needs this scheme's version ordering");
		free(type);
		return;
	}
	nrun++;
	if (vers_parse_tolerant(vs, &r, NULL) != 0)
		failed(file, t, "validate: does not parse");
	else {
		out = vers_to_string(r);
		if (out == NULL || exp == NULL || strcmp(out, exp) != 0)
			failed(file, t, "validate: canonical form differs");
		free(out);
	}
	vers_range_free(r);
	free(type);
}

static const char *
op_name(enum vers_op op)
{
	static const char *names[] = {"=", "!=", "<", "<=", ">", ">=", "*"};
	return names[op];
}

static void
run_parse(const char *file, json_t *t)
{
	const char *vs = json_string_value(json_object_get(t, "input"));
	json_t *exp = json_object_get(t, "expected_output"), *vc, *e;
	struct vers_range *r = NULL;
	size_t i;
	int rc;

	nrun++;
	rc = vers_parse(vs, &r, NULL);
	if (json_is_true(json_object_get(t, "expected_failure"))) {
		if (rc == 0)
			failed(file, t, "parse should fail");
		vers_range_free(r);
		return;
	}
	if (rc != 0) {
		failed(file, t, "parse failed");
		return;
	}
	vc = json_object_get(exp, "version_constraints");
	if (strcmp(r->scheme_name,
		json_string_value(json_object_get(exp, "scheme"))) != 0 ||
	    json_array_size(vc) != r->n)
		failed(file, t, "parse result");
	else {
		json_array_foreach(vc, i, e)
		{
			if (strcmp(op_name(r->c[i].op),
				json_string_value(json_array_get(e, 0))) != 0 ||
			    strcmp(r->c[i].version,
				json_string_value(json_array_get(e, 1))) != 0)
				failed(file, t, "parse constraint");
		}
	}
	vers_range_free(r);
}

static void
run_one(const char *file, json_t *t)
{
	const char *type = json_string_value(json_object_get(t, "test_type"));
	json_t *in = json_object_get(t, "input");

	if (type == NULL) {
		failed(file, t, "no test_type");
		return;
	}
	if (strcmp(type, "comparison") == 0 || strcmp(type, "equality") == 0)
		run_compare(file, t, type);
	else if (strcmp(type, "containment") == 0)
		run_containment(file, t);
	else if (strcmp(type, "validate") == 0)
		run_validate(file, t);
	else if (strcmp(type, "parse") == 0)
		run_parse(file, t);
	else if (strcmp(type, "from_native") == 0) {
		const char *sn =
		    json_string_value(json_object_get(in, "scheme"));
		skip_test(file, type, sn ? sn : "?",
		    "native range syntax of this ecosystem is not implemented "
		    "(Rampart reads vers and CSAF vls only)");
	} else
		skip_test(file, type, "-", "unknown test type");
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_vers_spec_suite(void **state)
{
	const char *shared = getenv("RAMPART_SHARED_DATA");
	char dir[1024], path[1400], *names[128];
	size_t nnames = 0, i, j;
	struct dirent *de;
	json_error_t err;
	json_t *root, *t;
	DIR *dp;

	if (shared == NULL)
		fail_msg("RAMPART_SHARED_DATA is not set");
	snprintf(dir, sizeof(dir), "%s/versions/vers-spec/tests", shared);
	assert_non_null(dp = opendir(dir));
	while ((de = readdir(dp)) != NULL && nnames < 128) {
		size_t n = strlen(de->d_name);
		if (n > 5 && strcmp(de->d_name + n - 5, ".json") == 0)
			names[nnames++] = strdup(de->d_name);
	}
	closedir(dp);
	assert_true(nnames >= 20);
	qsort(names, nnames, sizeof(names[0]), name_cmp);
	for (i = 0; i < nnames; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		root = json_load_file(path, 0, &err);
		if (root == NULL)
			fail_msg("%s: %s", path, err.text);
		json_array_foreach(json_object_get(root, "tests"), j, t)
		    run_one(names[i], t);
		json_decref(root);
		free(names[i]);
	}
	for (i = 0; i < nskips; i++) {
		print_message("skipped %zu: %s: %s\n", skips[i].n, skips[i].key,
		    skips[i].why);
		free(skips[i].key);
	}
	print_message("vers-spec: %zu run, %zu failed, %zu skipped in %zu "
		      "groups\n",
	    nrun, nfail, nskipped, nskips);
	assert_true(nrun > 0);
	assert_int_equal(nfail, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vers_spec_suite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
