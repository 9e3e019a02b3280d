/*
 * Unit tests of the rpm collector on real databases in fake roots: SQLite
 * and Berkeley DB read (epochs, vendors, purls), and the error paths: an
 * NDB database this librpm cannot read, files that are no database, a
 * truncated one, a symbolic link; the root is never written to.
 */
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

#include "collectors/collectors.h"
#include "util/err.h"

struct fx {
	char root[256];
	char dir[512];
	struct inv_host *h;
	struct rp_diags *d;
};

/* Copies at most max bytes of the shared database rel to fx->dir/name. */
static void
put_db(struct fx *f, const char *rel, const char *name, size_t max)
{
	const char *base = getenv("RAMPART_SHARED_DATA");
	char src[1024], dst[1024], buf[65536];
	ssize_t n;
	size_t total = 0;
	int in, out;

	snprintf(src, sizeof(src), "%s/inventory/rpmdb/%s",
	    base != NULL ? base : "../shared/data", rel);
	snprintf(dst, sizeof(dst), "%s/%s", f->dir, name);
	assert_true((in = open(src, O_RDONLY)) >= 0);
	assert_true((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0);
	while (total < max && (n = read(in, buf, sizeof(buf))) > 0) {
		if ((size_t)n > max - total)
			n = (ssize_t)(max - total);
		assert_int_equal(write(out, buf, (size_t)n), n);
		total += (size_t)n;
	}
	close(in);
	close(out);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char p[600];

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "%s/rampart-test-rpm.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->root));
	snprintf(p, sizeof(p), "%s/var", f->root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/var/lib", f->root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(f->dir, sizeof(f->dir), "%s/var/lib/rpm", f->root);
	assert_int_equal(mkdir(f->dir, 0755), 0);
	f->h = inv_host_new();
	f->d = rp_diags_new();
	*state = f;
	return 0;
}

/* The number of entries in the database directory. */
static int
entries(const struct fx *f)
{
	char cmd[700];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", f->dir);
	assert_non_null(p = popen(cmd, "r"));
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	inv_host_free(f->h);
	rp_diags_free(f->d);
	free(f);
	return 0;
}

static const struct inv_software *
find(const struct inv_host *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nsw; i++) {
		if (strcmp(h->sw[i].name, name) == 0)
			return &h->sw[i];
	}
	fail_msg("no package %s", name);
	return NULL;
}

/* Whether an error in d mentions sub. */
static int
has_error(const struct rp_diags *d, const char *sub)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == RP_DIAG_ERROR &&
		    strstr(d->v[i].msg, sub) != NULL)
			return 1;
	}
	for (i = 0; i < d->n; i++)
		fprintf(stderr, "  %s\n", d->v[i].msg);
	return 0;
}

static void
test_sqlite(void **state)
{
	struct fx *f = *state;
	const struct inv_software *s;

	put_db(f, "cbl-mariner-2.0/rpmdb.sqlite", "rpmdb.sqlite", SIZE_MAX);
	assert_int_equal(collect_rpm(f->root, f->h, f->d), 0);
	assert_int_equal(f->d->nerrors, 0);
	assert_int_equal(f->h->nsw, 129);
	s = find(f->h, "ca-certificates-base");
	assert_string_equal(s->version, "1:2.0.0-1.cm2");
	assert_string_equal(s->arch, "noarch");
	assert_string_equal(s->vendor, "Microsoft Corporation");
	assert_int_equal(s->source, INV_SOURCE_RPM);
	assert_int_equal(s->scheme, VERSION_SCHEME_RPM);
	assert_string_equal(s->purl,
	    "pkg:rpm/ca-certificates-base@2.0.0-1.cm2?arch=noarch&epoch=1"
	    "&upstream=ca-certificates-2.0.0-1.cm2.src.rpm");
	/* SOURCERPM: the source package, with the package's epoch. */
	assert_string_equal(s->source_name, "ca-certificates");
	assert_null(s->source_version);
	s = find(f->h, "filesystem");
	assert_string_equal(s->version, "1.1-8.cm2");
	assert_null(s->source_name);
	s = find(f->h, "openssl-libs");
	assert_string_equal(s->source_name, "openssl");
	assert_null(s->source_version);
	/* librpm read a copy: nothing new next to the database. */
	assert_int_equal(entries(f), 1);
}

static void
test_bdb(void **state)
{
	struct fx *f = *state;
	const struct inv_software *s;

	put_db(f, "libuuid/Packages", "Packages", SIZE_MAX);
	assert_int_equal(collect_rpm(f->root, f->h, f->d), 0);
	assert_int_equal(f->d->n, 0);
	assert_int_equal(f->h->nsw, 1);
	s = find(f->h, "libuuid");
	assert_string_equal(s->version, "2.32.1-42.el8_8");
	assert_string_equal(s->vendor, "Red Hat, Inc.");
	assert_int_equal(entries(f), 1);
}

static void
test_ndb(void **state)
{
	struct fx *f = *state;

	put_db(f, "sle15-bci/Packages.db", "Packages.db", SIZE_MAX);
	assert_int_equal(collect_rpm(f->root, f->h, f->d), RP_ERR_UNSUPPORTED);
	assert_true(has_error(f->d, "Packages.db: an NDB rpm database"));
	assert_int_equal(f->h->nsw, 0);
	assert_int_equal(entries(f), 1);
}

static void
test_not_databases(void **state)
{
	struct fx *f = *state;
	char p[700];
	int fd;

	/* No database at all: nothing to report. */
	assert_int_equal(collect_rpm(f->root, f->h, f->d), RP_ERR_NOTFOUND);
	assert_int_equal(f->d->n, 0);
	/* Half an SQLite database is an error, never an empty list. */
	put_db(f, "cbl-mariner-2.0/rpmdb.sqlite", "rpmdb.sqlite", 8192);
	assert_int_not_equal(collect_rpm(f->root, f->h, f->d), 0);
	assert_true(has_error(f->d, "rpmdb.sqlite"));
	assert_int_equal(f->h->nsw, 0);
	assert_int_equal(entries(f), 1);
	/* Zeros where a database should be. */
	rp_diags_clear(f->d);
	snprintf(p, sizeof(p), "%s/rpmdb.sqlite", f->dir);
	assert_true((fd = open(p, O_WRONLY | O_TRUNC)) >= 0);
	assert_int_equal(ftruncate(fd, 65536), 0);
	close(fd);
	assert_int_equal(collect_rpm(f->root, f->h, f->d), RP_ERR_INVALID);
	assert_true(has_error(f->d, "not an SQLite rpm database"));
	/* A symbolic link is not followed out of the image. */
	rp_diags_clear(f->d);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	assert_int_equal(collect_rpm(f->root, f->h, f->d), RP_ERR_IO);
	assert_true(has_error(f->d, "rpmdb.sqlite"));
	assert_int_equal(f->h->nsw, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sqlite, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bdb, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ndb, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_not_databases, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
