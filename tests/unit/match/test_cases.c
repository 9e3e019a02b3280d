/*
 * Table-driven matcher cases: every tests/data/match/NAME.case.json names
 * advisory and inventory files (under RAMPART_TEST_DATA) and the results
 * expected, by host and software name: verdict, rule code, deciding
 * product and the facts the rule looked at.  Wording is not tested here
 * (it is the CLI's).  One cmocka test per case file.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "match/match.h"

#define CASES_MAX 256

static const char *
verdict_token(enum match_verdict v)
{
	static const char *const t[] = {"not_affected", "fixed", "unknown",
	    "under_investigation", "affected"};

	return t[v];
}

/* The fact named key of r as text, or NULL when the rule did not set it. */
static const char *
fact(const struct match_result *r, const char *key)
{
	const struct match_facts *f = &r->f;

	if (strcmp(key, "via") == 0)
		return f->via != MATCH_VIA_NONE ? match_via_name(f->via) : NULL;
	if (strcmp(key, "key") == 0)
		return f->key;
	if (strcmp(key, "alias") == 0)
		return f->alias;
	if (strcmp(key, "product_version") == 0)
		return f->bound;
	if (strcmp(key, "range") == 0)
		return f->range;
	if (strcmp(key, "installed_version") == 0)
		return f->version;
	if (strcmp(key, "scheme") == 0)
		return f->scheme != VERSION_SCHEME_UNKNOWN
		    ? version_scheme_name(f->scheme)
		    : NULL;
	if (strcmp(key, "status") == 0)
		return f->has_status ? adv_status_name(f->status) : NULL;
	if (strcmp(key, "fix_version") == 0)
		return f->fix_version;
	fail_msg("unknown fact \"%s\" in a case file", key);
	return NULL;
}

static int
str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The result for host and software name (NULL: the no-match result). */
static const struct match_result *
find(const struct match_results *res, const char *host, const json_t *sw)
{
	size_t i;

	for (i = 0; i < res->n; i++) {
		const struct match_result *r = &res->v[i];

		if (!str_eq(r->host->name, host))
			continue;
		if (json_is_null(sw)
			? r->sw == NULL
			: (r->sw != NULL &&
			      str_eq(r->sw->name, json_string_value(sw))))
			return r;
	}
	return NULL;
}

static void
check_one(const char *file, size_t k, const struct match_results *res,
    const json_t *e)
{
	const char *host = json_string_value(json_object_get(e, "host"));
	const json_t *sw = json_object_get(e, "software"), *facts, *v;
	const json_t *prod = json_object_get(e, "product");
	const struct match_result *r;
	const char *key, *want;

	if (host == NULL || sw == NULL)
		fail_msg("%s: /expect/%zu needs host and software", file, k);
	if ((r = find(res, host, sw)) == NULL)
		fail_msg("%s: /expect/%zu: no result for %s on %s", file, k,
		    json_is_null(sw) ? "(nothing)" : json_string_value(sw),
		    host);
	if ((want = json_string_value(json_object_get(e, "verdict"))) &&
	    strcmp(want, verdict_token(r->verdict)) != 0)
		fail_msg("%s: /expect/%zu: verdict %s, expected %s", file, k,
		    verdict_token(r->verdict), want);
	if ((want = json_string_value(json_object_get(e, "rule"))) &&
	    strcmp(want, match_rule_name(r->rule)) != 0)
		fail_msg("%s: /expect/%zu: rule %s, expected %s", file, k,
		    match_rule_name(r->rule), want);
	if (prod != NULL &&
	    !str_eq(
		json_string_value(prod), r->product ? r->product->id : NULL))
		fail_msg("%s: /expect/%zu: product %s, expected %s", file, k,
		    r->product ? r->product->id : "(none)",
		    json_is_null(prod) ? "(none)" : json_string_value(prod));
	facts = json_object_get(e, "facts");
	json_object_foreach((json_t *)facts, key, v)
	{
		const char *got = fact(r, key);

		if (!str_eq(got, json_string_value(v)))
			fail_msg("%s: /expect/%zu/facts/%s: %s, expected %s",
			    file, k, key, got ? got : "(unset)",
			    json_is_null(v) ? "(unset)" : json_string_value(v));
	}
}

/* Reads every file of a case list; the caller frees *out. */
static void
load_list(const char *file, const json_t *list, const char *dir, int adv,
    struct advisory **advs, size_t *nadv, struct inv_set *set)
{
	char path[4096];
	const json_t *v;
	size_t i;
	int r;

	if (!json_is_array(list) || json_array_size(list) == 0)
		fail_msg("%s: %s must be a non-empty array", file,
		    adv ? "advisories" : "inventories");
	json_array_foreach(list, i, v)
	{
		struct rp_diags *d = rp_diags_new();

		assert_non_null(d);
		snprintf(
		    path, sizeof(path), "%s/%s", dir, json_string_value(v));
		if (adv) {
			assert_true(*nadv < 16);
			r = advisory_read_file(
			    path, ADV_FORMAT_AUTO, &advs[(*nadv)++], d);
		} else
			r = inventory_read_file(path, set, d);
		rp_diags_free(d);
		if (r != 0)
			fail_msg("%s: cannot read %s: %d", file, path, r);
	}
}

static void
run_case(void **state)
{
	const char *file = *state, *dir = getenv("RAMPART_TEST_DATA");
	struct advisory *advs[16] = {0};
	struct match_results res;
	struct inv_set *set;
	struct matcher *m;
	json_error_t err;
	json_t *c, *e;
	size_t nadv = 0, i;

	assert_non_null(dir);
	if ((c = json_load_file(file, 0, &err)) == NULL)
		fail_msg("%s:%d: %s", file, err.line, err.text);
	assert_non_null(set = inv_set_new());
	assert_non_null(m = matcher_new());
	load_list(
	    file, json_object_get(c, "advisories"), dir, 1, advs, &nadv, set);
	load_list(
	    file, json_object_get(c, "inventories"), dir, 0, NULL, NULL, set);
	for (i = 0; i < nadv; i++)
		assert_int_equal(matcher_add_advisory(m, advs[i], NULL), 0);
	memset(&res, 0, sizeof(res));
	for (i = 0; i < set->n; i++)
		assert_int_equal(matcher_check_host(m, set->hosts[i], &res), 0);
	if ((e = json_object_get(c, "results")) != NULL &&
	    (size_t)json_integer_value(e) != res.n)
		fail_msg("%s: %zu results, expected %lld", file, res.n,
		    (long long)json_integer_value(e));
	if (!json_is_array(json_object_get(c, "expect")))
		fail_msg("%s: no expect array", file);
	json_array_foreach(json_object_get(c, "expect"), i, e)
	    check_one(file, i, &res, e);
	match_results_free(&res);
	matcher_free(m);
	inv_set_free(set);
	for (i = 0; i < nadv; i++)
		advisory_free(advs[i]);
	json_decref(c);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(void)
{
	static struct CMUnitTest tests[CASES_MAX];
	static char *names[CASES_MAX];
	const char *dir = getenv("RAMPART_TEST_DATA");
	char path[4096];
	struct dirent *de;
	size_t n = 0, i, len;
	DIR *dp;

	if (dir == NULL) {
		fprintf(stderr, "test_cases: RAMPART_TEST_DATA is not set\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/match", dir);
	if ((dp = opendir(path)) == NULL) {
		fprintf(stderr, "test_cases: cannot open %s\n", path);
		return 1;
	}
	while ((de = readdir(dp)) != NULL && n < CASES_MAX) {
		len = strlen(de->d_name);
		if (len < 10 ||
		    strcmp(de->d_name + len - 10, ".case.json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/match/%s", dir, de->d_name);
		if ((names[n++] = strdup(path)) == NULL)
			return 1;
	}
	closedir(dp);
	if (n == 0) {
		fprintf(stderr, "test_cases: no case files in %s/match\n", dir);
		return 1;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		tests[i].name = strrchr(names[i], '/') + 1;
		tests[i].test_func = run_case;
		tests[i].initial_state = names[i];
	}
	i = (size_t)_cmocka_run_group_tests(
	    "match cases", tests, n, NULL, NULL);
	while (n > 0)
		free(names[--n]);
	return (int)i;
}
