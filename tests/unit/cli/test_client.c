/*
 * The CLI's server client without a server: profile names, and the
 * profile and session files (modes, atomic replacement, refusals that
 * name the file).  Fingerprints and URLs are src/lib/net's
 * (tests/unit/net).
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "client.h"
#include "profile.h"
#include "util/err.h"
#include "util/str.h"

#define FP_UPPER                                                               \
	"DB:B1:75:90:D3:AE:BF:67:B4:DF:98:25:8F:8F:1B:E7:65:A9:51:32:A2:A9:"   \
	"A1:1B:EA:EE:A1:6A:56:40:66:FB"

static void
test_names(void **state)
{
	(void)state;
	assert_true(profile_name_ok("prod"));
	assert_true(profile_name_ok("acme-eu_2.test"));
	assert_false(profile_name_ok(""));
	assert_false(profile_name_ok(".hidden"));
	assert_false(profile_name_ok("-x"));
	assert_false(profile_name_ok("a/b"));
	assert_false(profile_name_ok("../x"));
	assert_false(profile_name_ok("a b"));
	assert_false(profile_name_ok(
	    "a234567890123456789012345678901234567890123456789012345678901234"
	    "5"));
}

/* A fresh directory for one test; its parent does not exist yet. */
static char *
tmpdir(void)
{
	char tmpl[] = "/tmp/rampart-cli-test.XXXXXX", *base;
	char *dir;

	base = mkdtemp(tmpl);
	assert_non_null(base);
	dir = rp_asprintf("%s/config/rampart", base);
	assert_non_null(dir);
	return dir;
}

static void
rm_tree(const char *dir)
{
	/* dir is BASE/config/rampart, which may not exist */
	char *cmd = rp_asprintf("rm -rf '%.*s'",
	    (int)(strlen(dir) - strlen("/config/rampart")), dir);

	assert_non_null(cmd);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static int
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (int)(st.st_mode & 07777);
}

/* How many names dir holds: no temporary file may stay behind. */
static size_t
count_entries(const char *dir)
{
	struct dirent *e;
	size_t n = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_profiles_round_trip(void **state)
{
	char err[CLIENT_ERR_MAX], *dir = tmpdir(), *file;
	struct profiles *p = NULL, *q = NULL;
	struct profile *e;

	(void)state;
	file = rp_asprintf("%s/servers.json", dir);
	/* nothing there yet: no profiles, not an error */
	assert_int_equal(profiles_load(dir, &p, err), 0);
	assert_int_equal(p->n, 0);
	assert_int_equal(
	    profiles_put(p, "prod", "https://rampart.example.org", FP_UPPER),
	    0);
	assert_int_equal(
	    profiles_put(p, "dev", "http://127.0.0.1:8080", NULL), 0);
	p->current = strdup("dev");
	assert_int_equal(profiles_save(dir, p, err), 0);
	assert_int_equal(mode_of(dir), 0700);
	assert_int_equal(mode_of(file), 0600);
	assert_int_equal(count_entries(dir), 1);

	assert_int_equal(profiles_load(dir, &q, err), 0);
	assert_int_equal(q->n, 2);
	assert_string_equal(q->current, "dev");
	e = profiles_find(q, "prod");
	assert_non_null(e);
	assert_string_equal(e->url, "https://rampart.example.org");
	assert_string_equal(e->fingerprint, FP_UPPER);
	assert_null(profiles_find(q, "dev")->fingerprint);
	/* removing the current one leaves none current */
	assert_int_equal(profiles_remove(q, "dev"), 0);
	assert_null(q->current);
	assert_int_equal(profiles_remove(q, "dev"), RP_ERR_NOTFOUND);
	profiles_free(p);
	profiles_free(q);
	free(file);
	rm_tree(dir);
	free(dir);
}

/* A reader holding the old file sees it whole after a save: the new one
 * replaces it by rename, it is never rewritten in place. */
static void
test_profiles_atomic(void **state)
{
	char err[CLIENT_ERR_MAX], buf[4096], *dir = tmpdir(), *file;
	struct profiles *p = NULL;
	ssize_t n;
	int fd;

	(void)state;
	file = rp_asprintf("%s/servers.json", dir);
	assert_int_equal(profiles_load(dir, &p, err), 0);
	assert_int_equal(
	    profiles_put(p, "one", "https://one.example", NULL), 0);
	assert_int_equal(profiles_save(dir, p, err), 0);
	fd = open(file, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(
	    profiles_put(p, "two", "https://two.example", NULL), 0);
	assert_int_equal(profiles_save(dir, p, err), 0);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "one.example"));
	assert_null(strstr(buf, "two.example"));
	close(fd);
	assert_int_equal(count_entries(dir), 1);
	profiles_free(p);
	p = NULL;
	assert_int_equal(profiles_load(dir, &p, err), 0);
	assert_int_equal(p->n, 2);
	profiles_free(p);
	free(file);
	rm_tree(dir);
	free(dir);
}

static void
write_file(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
}

/* Each refusal says which file, and where in it when that is known. */
static void
test_profiles_refused(void **state)
{
	static const struct {
		const char *text;
		int mode;
		const char *says;
	} cases[] = {
	    {"{\"servers\": [", 0600, "line 1"},
	    {"[]", 0600, "expected {\"servers\""},
	    {"{\"servers\": [{\"name\": \"a/b\", \"url\": "
	     "\"https://x.example\"}]}",
		0600, "/servers/0/name"},
	    {"{\"servers\": [{\"name\": \"a\", \"url\": "
	     "\"http://x.example\"}]}",
		0600, "/servers/0/url: plain http"},
	    {"{\"servers\": [{\"name\": \"a\", \"url\": \"https://x.example\", "
	     "\"fingerprint\": \"AB:CD\"}]}",
		0600, "/servers/0/fingerprint"},
	    {"{\"servers\": [{\"name\": \"a\", \"url\": "
	     "\"https://x.example\"}, "
	     "{\"name\": \"a\", \"url\": \"https://y.example\"}]}",
		0600, "appears twice"},
	    {"{\"current\": \"b\", \"servers\": []}", 0600, "/current"},
	    {"{\"servers\": []}", 0666, "mode 0666 lets others change it"},
	};
	char err[CLIENT_ERR_MAX], *dir = tmpdir(), *file, *cmd;
	struct profiles *p = NULL;
	size_t i;

	(void)state;
	cmd = rp_asprintf("mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	file = rp_asprintf("%s/servers.json", dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(file, cases[i].text, cases[i].mode);
		err[0] = '\0';
		assert_int_not_equal(profiles_load(dir, &p, err), 0);
		assert_null(p);
		if (strstr(err, file) == NULL ||
		    strstr(err, cases[i].says) == NULL)
			fail_msg("case %zu: '%s' does not name the file and "
				 "say '%s'",
			    i, err, cases[i].says);
	}
	free(cmd);
	free(file);
	rm_tree(dir);
	free(dir);
}

static void
test_sessions(void **state)
{
	char err[CLIENT_ERR_MAX], got[CLIENT_SECRET_MAX + 1];
	char *dir = tmpdir(), *file;

	(void)state;
	file = rp_asprintf("%s/session-prod", dir);
	assert_int_equal(
	    profile_session_load(dir, "prod", got, err), RP_ERR_NOTFOUND);
	assert_int_equal(profile_session_save(dir, "prod", "s3cr3t", err), 0);
	assert_int_equal(mode_of(file), 0600);
	assert_int_equal(profile_session_load(dir, "prod", got, err), 0);
	assert_string_equal(got, "s3cr3t");
	/* readable by others: refused, as ssh refuses such a key */
	assert_int_equal(chmod(file, 0644), 0);
	assert_int_equal(
	    profile_session_load(dir, "prod", got, err), RP_ERR_IO);
	assert_non_null(strstr(err, file));
	assert_non_null(strstr(err, "lets others read it"));
	assert_int_equal(profile_session_save(dir, "prod", NULL, err), 0);
	assert_int_equal(
	    profile_session_load(dir, "prod", got, err), RP_ERR_NOTFOUND);
	/* removing what is not there is fine */
	assert_int_equal(profile_session_save(dir, "prod", NULL, err), 0);
	free(file);
	rm_tree(dir);
	free(dir);
}

static void
test_secret_file(void **state)
{
	char err[CLIENT_ERR_MAX], got[16], *dir = tmpdir(), *file, *cmd;

	(void)state;
	cmd = rp_asprintf("mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	file = rp_asprintf("%s/token", dir);
	write_file(file, "rpt_abc\r\nsecond line\n", 0600);
	assert_int_equal(profile_secret_read(file, got, sizeof(got), err), 0);
	assert_string_equal(got, "rpt_abc");
	write_file(file, "\nrpt_abc\n", 0600);
	assert_int_equal(
	    profile_secret_read(file, got, sizeof(got), err), RP_ERR_INVALID);
	assert_non_null(strstr(err, "empty"));
	write_file(file, "0123456789abcdefXYZ\n", 0600);
	assert_int_equal(
	    profile_secret_read(file, got, sizeof(got), err), RP_ERR_LIMIT);
	assert_int_equal(got[0], '\0');
	assert_int_equal(
	    profile_secret_read("/nonexistent/token", got, sizeof(got), err),
	    RP_ERR_IO);
	assert_non_null(strstr(err, "/nonexistent/token"));
	free(cmd);
	free(file);
	rm_tree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_profiles_round_trip),
	    cmocka_unit_test(test_profiles_atomic),
	    cmocka_unit_test(test_profiles_refused),
	    cmocka_unit_test(test_sessions),
	    cmocka_unit_test(test_secret_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
