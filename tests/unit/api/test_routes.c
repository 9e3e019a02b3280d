/*
 * The route table and the OpenAPI document agree: every route of the
 * table is an operation of docs/openapi.json, and every operation of the
 * document is a route of the table (so the document never promises a
 * path the server does not serve).  Public routes, and only they, have
 * `security: []`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "api/api.h"

static json_t *
load_doc(void)
{
	char path[4096];
	json_error_t e;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/../../docs/openapi.json",
	    getenv("RAMPART_TEST_DATA"));
	doc = json_load_file(path, 0, &e);
	if (doc == NULL)
		fail_msg("%s: %s (line %d)", path, e.text, e.line);
	return doc;
}

static void
lower(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && src[i] != '\0'; i++)
		dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32
							       : src[i]);
	dst[i] = '\0';
}

static void
test_table_in_document(void **state)
{
	json_t *doc = load_doc(), *paths = json_object_get(doc, "paths"), *op;
	const struct api_route_info *ri;
	char m[16];
	size_t i;

	(void)state;
	for (i = 0; i < api_route_count(); i++) {
		ri = api_route_at(i);
		lower(m, ri->method, sizeof(m));
		op = json_object_get(json_object_get(paths, ri->pattern), m);
		if (op == NULL)
			fail_msg("route %s %s is not in docs/openapi.json",
			    ri->method, ri->pattern);
		if ((strcmp(ri->auth, "public") == 0) !=
		    (json_array_size(json_object_get(op, "security")) == 0 &&
			json_object_get(op, "security") != NULL))
			fail_msg("%s %s: security in the document does not "
				 "match '%s'",
			    ri->method, ri->pattern, ri->auth);
	}
	json_decref(doc);
}

static void
test_document_in_table(void **state)
{
	json_t *doc = load_doc(), *paths = json_object_get(doc, "paths"), *item,
	       *v;
	const struct api_route_info *ri;
	const char *path, *method;
	char m[16];
	size_t i, n = 0;
	int found;

	(void)state;
	json_object_foreach(paths, path, item)
	{
		json_object_foreach(item, method, v)
		{
			if (strcmp(method, "parameters") == 0)
				continue;
			found = 0;
			for (i = 0; i < api_route_count(); i++) {
				ri = api_route_at(i);
				lower(m, ri->method, sizeof(m));
				found |= strcmp(ri->pattern, path) == 0 &&
				    strcmp(m, method) == 0;
			}
			if (!found)
				fail_msg("docs/openapi.json has %s %s, which "
					 "the server does not serve",
				    method, path);
			n++;
		}
	}
	assert_int_equal(n, api_route_count());
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_in_document),
	    cmocka_unit_test(test_document_in_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
