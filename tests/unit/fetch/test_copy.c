/*
 * The last good copy: written whole and read back within a cap; a name
 * that is not one path component is refused; a replaced copy leaves no
 * temporary file behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fetch/fetch.h"
#include "util/err.h"

static char dir[] = "/tmp/rp-fetch-copy-XXXXXX";

static size_t
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_roundtrip(void **state)
{
	char *got = NULL, path[256];
	size_t len = 0;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(
	    fetch_copy_load(dir, "7.body", 100, &got, &len), RP_ERR_NOTFOUND);
	assert_int_equal(fetch_copy_save(dir, "7.body", "one\n", 4), 0);
	assert_int_equal(fetch_copy_save(dir, "7.body", "two two\n", 8), 0);
	assert_int_equal(fetch_copy_load(dir, "7.body", 100, &got, &len), 0);
	assert_int_equal(len, 8);
	assert_string_equal(got, "two two\n");
	free(got);
	got = NULL;
	assert_int_equal(
	    fetch_copy_load(dir, "7.body", 7, &got, &len), RP_ERR_LIMIT);
	assert_null(got);
	snprintf(path, sizeof(path), "%s/7.body", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(entries(), 1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_names(void **state)
{
	char *got = NULL;
	size_t len;

	(void)state;
	assert_int_equal(fetch_copy_save("/tmp", "../x", "a", 1), RP_ERR_ARG);
	assert_int_equal(
	    fetch_copy_save("/tmp", ".hidden", "a", 1), RP_ERR_ARG);
	assert_int_equal(fetch_copy_save("/tmp", "", "a", 1), RP_ERR_ARG);
	assert_int_equal(
	    fetch_copy_load("/tmp", "a/b", 10, &got, &len), RP_ERR_ARG);
	assert_int_equal(
	    fetch_copy_save("/nonexistent-dir-rp", "x", "a", 1), RP_ERR_IO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
