/*
 * vers ranges and CSAF vls strings: strict and tolerant parsing, canonical
 * printing, containment, and every product_version_range in the CISA
 * advisories of the shared data (each parses or says why not).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <jansson.h>

#include "version/version.h"
#include "util/diag.h"
#include "util/err.h"

/* Parses with fn and returns the canonical string (caller frees) or NULL. */
static char *
canon(int (*fn)(const char *, struct vers_range **, struct rp_diags *),
    const char *s)
{
	struct vers_range *r = NULL;
	char *out = NULL;

	if (fn(s, &r, NULL) == 0) {
		out = vers_to_string(r);
		assert_non_null(out);
	}
	vers_range_free(r);
	return out;
}

static char *
vls_canon(const char *s)
{
	struct vers_range *r = NULL;
	char *out = NULL;

	if (vls_parse(s, VERSION_SCHEME_GENERIC, &r, NULL) == 0) {
		out = vers_to_string(r);
		assert_non_null(out);
	}
	vers_range_free(r);
	return out;
}

static void
expect_canon(int (*fn)(const char *, struct vers_range **, struct rp_diags *),
    const char *in, const char *want)
{
	char *got = canon(fn, in);

	if (want == NULL && got != NULL)
		fail_msg("'%s' accepted as '%s'", in, got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fail_msg("'%s' gave '%s', expected '%s'", in,
		    got ? got : "(error)", want);
	free(got);
}

static void
expect_vls(const char *in, const char *want)
{
	char *got = vls_canon(in);

	if (want == NULL && got != NULL)
		fail_msg("vls '%s' accepted as '%s'", in, got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fail_msg("vls '%s' gave '%s', expected '%s'", in,
		    got ? got : "(error)", want);
	free(got);
}

static int
contains(const char *range, const char *v)
{
	struct vers_range *r = NULL;
	int in = -1, rc;

	rc = vls_parse(range, VERSION_SCHEME_GENERIC, &r, NULL);
	if (rc != 0)
		fail_msg("'%s' does not parse", range);
	if ((rc = vers_contains(r, v, &in)) != 0)
		fail_msg("contains('%s', '%s') returned %d", range, v, rc);
	vers_range_free(r);
	return in;
}

static void
test_strict(void **state)
{
	expect_canon(vers_parse, "vers:generic/>=18.12.407|<=18.12.416",
	    "vers:generic/>=18.12.407|<=18.12.416");
	expect_canon(vers_parse, "vers:deb/*", "vers:deb/*");
	expect_canon(vers_parse, "vers:all/*", "vers:all/*");
	expect_canon(vers_parse, "vers:deb/1.0|>=2.0|<3.0|!=3.5|>4.0",
	    "vers:deb/1.0|>=2.0|<3.0|!=3.5|>4.0");
	/* Percent-encoding is decoded once and re-encoded canonically. */
	expect_canon(
	    vers_parse, "vers:generic/1.0%3E2", "vers:generic/1.0%3E2");
	expect_canon(
	    vers_parse, "vers:generic/18%20SP1", "vers:generic/18%20SP1");
	/* Unknown type: accepted, order unchecked. */
	expect_canon(vers_parse, "vers:pypi/2.0|1.0", "vers:pypi/2.0|1.0");
	/* Everything the spec forbids. */
	expect_canon(vers_parse, "VERS:deb/1.0", NULL);
	expect_canon(vers_parse, "vers:Deb/1.0", NULL);
	expect_canon(vers_parse, "vers:deb/=1.0", NULL);
	expect_canon(vers_parse, "vers:deb/ 1.0", NULL);
	expect_canon(vers_parse, "vers:deb/", NULL);
	expect_canon(vers_parse, "vers:deb", NULL);
	expect_canon(vers_parse, "vers:1deb/1.0", NULL);
	expect_canon(vers_parse, "vers:deb/*|1.0", NULL);
	expect_canon(vers_parse, "vers:deb/2.0|1.0", NULL);
	expect_canon(vers_parse, "vers:deb/1.0|1.0", NULL);
	expect_canon(vers_parse, "vers:generic/1.0|1.0.0", NULL);
	expect_canon(vers_parse, "vers:deb/>=1.0|>=2.0", NULL);
	expect_canon(vers_parse, "vers:deb/<1.0|<2.0", NULL);
	expect_canon(vers_parse, "vers:deb/1.0|<2.0", NULL);
	expect_canon(vers_parse, "vers:deb/>1.0|2.0", NULL);
	expect_canon(vers_parse, "vers:deb/1.0%2", NULL);
	expect_canon(vers_parse, "vers:deb/1.0%2f", NULL);
	expect_canon(vers_parse, "vers:deb/1.0%00", NULL);
	expect_canon(vers_parse, "vers:deb/>", NULL);
	expect_canon(vers_parse, "vers:all/<1.0", NULL);
	expect_canon(vers_parse, "vers:invalid/1.0", NULL);
	expect_canon(vers_parse, "vers:generic/1.0=", NULL);
}

static void
test_tolerant(void **state)
{
	expect_canon(vers_parse_tolerant,
	    " VERS:Generic/ <= 18.12.416 | >= 18.12.407 ",
	    "vers:generic/>=18.12.407|<=18.12.416");
	expect_canon(
	    vers_parse_tolerant, "vers:all/<V4.3.8", "vers:generic/<4.3.8");
	expect_canon(vers_parse_tolerant, "vers:all/*", "vers:all/*");
	expect_canon(
	    vers_parse_tolerant, "vers:deb/=1.0|==2.0", "vers:deb/1.0|2.0");
	expect_canon(
	    vers_parse_tolerant, "vers:deb/1.0||2.0|", "vers:deb/1.0|2.0");
	/* Redundant bounds are merged as a union. */
	expect_canon(
	    vers_parse_tolerant, "vers:deb/>=1.0|>=2.0", "vers:deb/>=1.0");
	expect_canon(
	    vers_parse_tolerant, "vers:deb/<1.0|<2.0|1.5", "vers:deb/<2.0");
	expect_canon(
	    vers_parse_tolerant, "vers:deb/1.0|<=1.0", "vers:deb/<=1.0");
	expect_canon(vers_parse_tolerant, "vers:deb/1.0|*", "vers:deb/*");
	expect_canon(
	    vers_parse_tolerant, "vers:semver/<v2.0.0", "vers:semver/<2.0.0");
	/* dpkg accepts "v2.0" with a warning, so does the deb scheme. */
	expect_canon(vers_parse_tolerant, "vers:deb/<v2.0", "vers:deb/<v2.0");
	expect_canon(vers_parse_tolerant, "vers:deb/<2.0 1", NULL);
	expect_canon(vers_parse_tolerant, "vers:none/<1", NULL);
	expect_canon(vers_parse_tolerant, "vers:Invalid/1.0", NULL);
	expect_canon(vers_parse_tolerant, "vers:deb/<1.0|>1.0", NULL);
	expect_canon(vers_parse_tolerant, "vers:all/<VX.17 Update 5", NULL);
}

/* The forms of CISA's product_version_range, and what they mean. */
static void
test_vls_forms(void **state)
{
	expect_vls("<V3.0.29", "vers:generic/<3.0.29");
	expect_vls(">= 8.1.5", "vers:generic/>=8.1.5");
	expect_vls("< V4.1.3", "vers:generic/<4.1.3");
	expect_vls("All versions", "vers:generic/*");
	expect_vls("all versions", "vers:generic/*");
	expect_vls(">=1.0 <2.0", "vers:generic/>=1.0|<2.0");
	expect_vls(">= V2.0 and < V2.6", "vers:generic/>=2.0|<2.6");
	expect_vls("> V2 < V4", "vers:generic/>2|<4");
	expect_vls(">= 1.0. | <=4.9.0 | 4.10.0 | 4.12.0",
	    "vers:generic/>=1.0.|<=4.9.0|4.10.0|4.12.0");
	expect_vls("<=8.1 | >= 8.1.10", "vers:generic/<=8.1|>=8.1.10");
	expect_vls(
	    "All versions < V4.7 SP10 HF5", "vers:generic/<4.7%20SP10%20HF5");
	expect_vls("All versions  >= V5.1.1", "vers:generic/>=5.1.1");
	expect_vls("0 < 8.0.1", "vers:generic/>0|<8.0.1");
	expect_vls("A.01 <= C.0x | 4.0", "vers:generic/>=A.01|<=C.0x|4.0");
	expect_vls(">= 6.x | <= 10.x", "vers:generic/>=6|<11");
	expect_vls("<= 9.x", "vers:generic/<10");
	expect_vls("> 5.9.x", "vers:generic/>=5.10");
	expect_vls("V4.7: < V4.7 HF27", "vers:generic/<4.7%20HF27");
	expect_vls("< 1.49 (1.29 for NX7)", "vers:generic/<1.49");
	expect_vls("Version V2.1", "vers:generic/2.1");
	expect_vls("3.2.5.75", "vers:generic/3.2.5.75");
	expect_vls("vers:all/<V4.3.8", "vers:generic/<4.3.8");
	expect_vls("All versions when using the device firmware upgrade "
		   "mechanism",
	    "vers:generic/*");
	/* Not ranges: each refused with a reason. */
	expect_vls("< January 31 2014", NULL);
	expect_vls("<= 2.0.11 / 3.0.11", NULL);
	expect_vls("< SIMATIC WinAC RTX 2010 SP3", NULL);
	expect_vls("<=11.2 on Windows 8.1 with IIS 7.5", NULL);
	expect_vls("< V3.X.14", NULL);
	expect_vls("Versions including affected IPv6 stack", NULL);
	expect_vls("<=The_first_5_digits_of_serial_No._\"26041\"", NULL);
	expect_vls("", NULL);
	expect_vls("<", NULL);
	expect_vls("< 1.0 (", NULL);
}

static void
test_containment(void **state)
{
	const char *r3cx = "vers:generic/>=18.12.407|<=18.12.416";

	assert_int_equal(contains(r3cx, "18.12.416.0"), 1);
	assert_int_equal(contains(r3cx, "18.12.416"), 1);
	assert_int_equal(contains(r3cx, "18.12.407"), 1);
	assert_int_equal(contains(r3cx, "18.12.410"), 1);
	assert_int_equal(contains(r3cx, "18.11.1213"), 0);
	assert_int_equal(contains(r3cx, "18.12.425"), 0);
	assert_int_equal(contains(r3cx, "18.12.416.1"), 0);
	assert_int_equal(contains("vers:all/<V4.3.8", "4.3.7.99"), 1);
	assert_int_equal(contains("vers:all/<V4.3.8", "V4.3.8.0"), 0);
	assert_int_equal(contains("< V4.3 SP1", "4.3"), 1);
	assert_int_equal(contains("< V4.3 SP1", "4.3 SP1"), 0);
	assert_int_equal(contains("All versions", "0.1"), 1);
	assert_int_equal(contains(">= 6.x | <= 10.x", "10.99.1"), 1);
	assert_int_equal(contains(">= 6.x | <= 10.x", "11.0"), 0);
	assert_int_equal(contains(">= 6.x | <= 10.x", "5.9"), 0);
	/* Disjoint intervals, single versions and exclusions. */
	assert_int_equal(
	    contains("vers:generic/<1|2|>=3|<4|!=3.5|>5", "0.5"), 1);
	assert_int_equal(contains("vers:generic/<1|2|>=3|<4|!=3.5|>5", "1"), 0);
	assert_int_equal(contains("vers:generic/<1|2|>=3|<4|!=3.5|>5", "2"), 1);
	assert_int_equal(
	    contains("vers:generic/<1|2|>=3|<4|!=3.5|>5", "2.5"), 0);
	assert_int_equal(
	    contains("vers:generic/<1|2|>=3|<4|!=3.5|>5", "3.2"), 1);
	assert_int_equal(
	    contains("vers:generic/<1|2|>=3|<4|!=3.5|>5", "3.5"), 0);
	assert_int_equal(
	    contains("vers:generic/<1|2|>=3|<4|!=3.5|>5", "4.5"), 0);
	assert_int_equal(contains("vers:generic/<1|2|>=3|<4|!=3.5|>5", "5"), 0);
	assert_int_equal(contains("vers:generic/<1|2|>=3|<4|!=3.5|>5", "6"), 1);
	assert_int_equal(contains("vers:generic/!=2", "3"), 1);
	assert_int_equal(contains("vers:generic/!=2", "2.0"), 0);
	assert_int_equal(contains("vers:deb/>=1:1.0|<1:2.0", "1:1.5-1"), 1);
	assert_int_equal(contains("vers:deb/>=1:1.0|<1:2.0", "1.5-1"), 0);
	assert_int_equal(contains("vers:rpm/<2.0-1", "2.0~rc1-3"), 1);
	assert_int_equal(
	    contains("vers:semver/>=1.0.0-rc.1|<1.0.0", "1.0.0-rc.2"), 1);
	assert_int_equal(contains("vers:none/*", "1.0"), 0);
}

static void
test_contains_errors(void **state)
{
	struct vers_range *r = NULL;
	int in = 7;

	assert_int_equal(vers_parse("vers:pypi/<2.0", &r, NULL), 0);
	assert_int_equal(vers_contains(r, "1.0", &in), RP_ERR_UNSUPPORTED);
	assert_int_equal(in, 0);
	vers_range_free(r);
	assert_int_equal(vers_parse("vers:pypi/*", &r, NULL), 0);
	assert_int_equal(vers_contains(r, "1.0", &in), 0);
	assert_int_equal(in, 1);
	vers_range_free(r);
	assert_int_equal(vers_parse("vers:deb/<2.0", &r, NULL), 0);
	assert_int_equal(vers_contains(r, "1:", &in), RP_ERR_INVALID);
	vers_range_free(r);
	/* A strict parse keeps a bound that is no version of the scheme. */
	assert_int_equal(vers_parse("vers:semver/<2.0", &r, NULL), 0);
	assert_int_equal(vers_contains(r, "1.0.0", &in), RP_ERR_INVALID);
	vers_range_free(r);
	vers_range_free(NULL);
}

static void
walk(json_t *o, size_t *n, size_t *ok, size_t *refused)
{
	const char *k, *name;
	struct rp_diags *d;
	struct vers_range *r = NULL;
	json_t *v;
	size_t i;

	if (json_is_array(o)) {
		json_array_foreach(o, i, v) walk(v, n, ok, refused);
		return;
	}
	if (!json_is_object(o))
		return;
	name = json_string_value(json_object_get(o, "name"));
	k = json_string_value(json_object_get(o, "category"));
	if (k != NULL && name != NULL &&
	    strcmp(k, "product_version_range") == 0) {
		assert_non_null(d = rp_diags_new());
		(*n)++;
		if (vls_parse(name, VERSION_SCHEME_GENERIC, &r, d) == 0) {
			char *s = vers_to_string(r);
			struct vers_range *again = NULL;
			/* The canonical form reparses strictly to itself. */
			assert_int_equal(vers_parse(s, &again, NULL), 0);
			vers_range_free(again);
			free(s);
			(*ok)++;
		} else {
			/* Refused: there must be an error saying why. */
			assert_true(d->nerrors > 0);
			assert_non_null(strstr(d->v[d->n - 1].msg, name));
			print_message("refused: %s\n", d->v[d->n - 1].msg);
			(*refused)++;
		}
		vers_range_free(r);
		r = NULL;
		rp_diags_free(d);
	}
	json_object_foreach(o, k, v) walk(v, n, ok, refused);
}

static void
test_cisa_ranges(void **state)
{
	const char *shared = getenv("RAMPART_SHARED_DATA");
	char dir[1024], path[1400];
	size_t n = 0, ok = 0, refused = 0;
	struct dirent *de;
	json_error_t err;
	json_t *root;
	DIR *dp;

	if (shared == NULL)
		fail_msg("RAMPART_SHARED_DATA is not set");
	snprintf(dir, sizeof(dir), "%s/csaf/cisa", shared);
	assert_non_null(dp = opendir(dir));
	while ((de = readdir(dp)) != NULL) {
		if (strstr(de->d_name, ".json") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_non_null(root = json_load_file(path, 0, &err));
		walk(json_object_get(root, "product_tree"), &n, &ok, &refused);
		json_decref(root);
	}
	closedir(dp);
	print_message("CISA product_version_range: %zu, %zu read, %zu refused "
		      "with a reason\n",
	    n, ok, refused);
	assert_true(n > 1000);
	/* The refusals are dates, prose, wildcards and serial numbers. */
	assert_true(refused * 10 < n);
}

/* The command line's exit codes: 0 yes / compared, 1 no, 2 error. */
static void
test_cli(void **state)
{
	const char *bin = getenv("RAMPART_BIN");
	static const struct {
		const char *args;
		int rc;
	} cases[] = {
	    {"version compare generic 18.12.416.0 18.12.416", 0},
	    {"version compare deb 1.0 a1", 0}, /* dpkg: a warning */
	    {"version compare deb 1.0 1:", 2},
	    {"version compare rpm 5.14.0 5.14.0-570.32.1.el9_6", 0},
	    {"version compare nosuch 1 2", 2},
	    {"version contains 'vers:generic/>=18.12.407|<=18.12.416' "
	     "18.12.416.0",
		0},
	    {"version contains 'vers:generic/>=18.12.407|<=18.12.416' "
	     "18.11.1213",
		1},
	    {"version contains '< V4.1.3' 4.1.2", 0},
	    {"version contains 'vers:pypi/<2' 1.0", 2},
	    {"version contains '< June 30 2015' 1.0", 2},
	    {"version --help", 0},
	    {"version", 2},
	};
	char cmd[1024];
	size_t i;
	int st;

	if (bin == NULL)
		fail_msg("RAMPART_BIN is not set");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(cmd, sizeof(cmd), "'%s' %s >/dev/null 2>&1", bin,
		    cases[i].args);
		st = system(cmd);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != cases[i].rc)
			fail_msg("rampart %s: status %d, expected %d",
			    cases[i].args, st, cases[i].rc);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strict),
	    cmocka_unit_test(test_tolerant),
	    cmocka_unit_test(test_vls_forms),
	    cmocka_unit_test(test_containment),
	    cmocka_unit_test(test_contains_errors),
	    cmocka_unit_test(test_cisa_ranges),
	    cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
