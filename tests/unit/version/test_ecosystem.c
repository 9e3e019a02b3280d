/*
 * The ecosystem table holds every ecosystem the OSV schema defines: the
 * names are read from the schema's ecosystemName enum in the shared copy
 * of the schema.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "version/version.h"

static void
test_schema_names(void **state)
{
	const char *dir = getenv("RAMPART_SHARED_DATA"), *name;
	char path[4096];
	json_error_t err;
	json_t *schema, *names, *v;
	size_t i;

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/osv/osv-schema.json", dir);
	if ((schema = json_load_file(path, 0, &err)) == NULL)
		fail_msg("%s: %s", path, err.text);
	names = json_object_get(
	    json_object_get(json_object_get(schema, "$defs"), "ecosystemName"),
	    "enum");
	assert_true(json_array_size(names) >= 40);
	json_array_foreach(names, i, v)
	{
		name = json_string_value(v);
		assert_non_null(name);
		print_message("%s\n", name);
		assert_non_null(ecosystem_lookup(name));
		assert_string_equal(ecosystem_lookup(name)->name, name);
	}
	json_decref(schema);
}

static void
test_rows(void **state)
{
	enum version_scheme s;
	const struct ecosystem *e;

	(void)state;
	assert_null(ecosystem_lookup("Debianish:12"));
	assert_null(ecosystem_lookup("debian"));
	assert_null(ecosystem_lookup(NULL));
	e = ecosystem_lookup("Ubuntu:Pro:18.04:LTS");
	assert_non_null(e);
	assert_true(e->flags & ECO_SOURCE);
	assert_int_equal(version_scheme_from_name(e->scheme, &s), 0);
	assert_int_equal(s, VERSION_SCHEME_DEB);
	e = ecosystem_lookup("Red Hat:rhel_aus:8.6::appstream");
	assert_true(e->flags & ECO_DISTRO);
	assert_false(e->flags & ECO_SOURCE);
	assert_string_equal(e->vers, "rpm");
	e = ecosystem_lookup("PyPI");
	assert_null(e->scheme);
	assert_string_equal(e->vers, "pypi");
	assert_int_equal(e->flags, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_schema_names),
	    cmocka_unit_test(test_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
