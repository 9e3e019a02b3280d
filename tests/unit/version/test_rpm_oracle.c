/*
 * RPM ordering against librpm itself.  The versions are read with librpm
 * from the real rpm databases in the shared data (SQLite and Berkeley DB:
 * each package's EVR and the EVRs of its Provides and Requires, many of
 * them without a release) and from a hand-written table of tricky ones
 * ('~', '^', epochs, missing releases, letters, leading zeros, odd
 * separators).  Over every pair:
 *   - version_compare() equals rpmverCmp() (and rpmvercmp() for two bare
 *     versions),
 *   - vers_contains() of a one-constraint range equals rpmverOverlap() of
 *     "= v" with that constraint,
 *   - `rampart version compare rpm` prints the same as rpmverCmp() (every
 *     101st pair, to keep the number of processes small).
 * The NDB database (sle15-bci) cannot be read by Debian's librpm; the
 * collector's own test covers that refusal.
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
#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmds.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmts.h>
#include <rpm/rpmver.h>

#include "version/version.h"

#define MAXV 1200
#define NPAIRS_MIN 5000
#define CLI_EVERY 101

static char *vers[MAXV];
static size_t nvers, nreal;

static const char *tricky[] = {"1.0", "1.0-1", "1.0-1.el9", "1.0~rc1",
    "1.0~rc1-1", "1.0^git1", "1.0^", "1.0~", "1.0^~", "1.0~^", "1:1.0", "0:1.0",
    "01:1.0", "2:0.1", "1:1.0-1", "1.0a", "1.0.a", "1.0A", "a", "b", "1.01",
    "1.001", "1.1", "1.0_1", "1.0+1", "1.0..1", "1..0", "1.0-1~1", "1.0-1^1",
    "1.0-~", "1.0-^", "5.14.0", "5.14.0-570.32.1.el9_6", "5.14.0-570.el9",
    "5.14.0-1", "1.0-1-1", "20230101", "1.0.0", "1.0.0.0", "r1", "1.0rc1",
    "1.0.rc1", "1.0-0", "0", "00", "000.1", "1e", "1.0-1.fc38", "2.0-0.1.beta",
    "1.0%1", "1.0#1", "1.0/1", "1.0=1", "1.0@1", "_", "1.0-1.0", "1.0-01",
    "1.0-1a", "1.0-a1", "~~", "^^", "1~", "1^", "1.a1", "1.A1",
    "1:", "2:1.0~rc1-0.1"};

static void
add_version(const char *v, int real)
{
	size_t i;

	if (v == NULL || *v == '\0' || nvers >= MAXV ||
	    !version_valid(VERSION_SCHEME_RPM, v, NULL))
		return;
	for (i = 0; i < nvers; i++) {
		if (strcmp(vers[i], v) == 0)
			return;
	}
	assert_non_null(vers[nvers++] = strdup(v));
	nreal += real;
}

static void
add_evr(Header h)
{
	char buf[512];
	const char *v = headerGetString(h, RPMTAG_VERSION);
	const char *r = headerGetString(h, RPMTAG_RELEASE);

	if (v == NULL)
		return;
	if (headerIsEntry(h, RPMTAG_EPOCH))
		snprintf(buf, sizeof(buf), "%llu:%s%s%s",
		    (unsigned long long)headerGetNumber(h, RPMTAG_EPOCH), v,
		    r ? "-" : "", r ? r : "");
	else
		snprintf(
		    buf, sizeof(buf), "%s%s%s", v, r ? "-" : "", r ? r : "");
	add_version(buf, 1);
}

/* The EVRs of a dependency set (Provides, Requires). */
static void
add_deps(Header h, rpmTagVal tag)
{
	rpmds ds = rpmdsNew(h, tag, 0);

	while (rpmdsNext(ds) >= 0)
		add_version(rpmdsEVR(ds), 1);
	rpmdsFree(ds);
}

static void
copy_file(const char *src, const char *dst)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	assert_true((in = open(src, O_RDONLY)) >= 0);
	assert_true((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(n, 0);
	close(in);
	close(out);
}

/* Reads the shared database rel (file name file) with backend. */
static void
load_db(const char *rel, const char *file, const char *backend)
{
	const char *shared = getenv("RAMPART_SHARED_DATA");
	char dir[] = "/tmp/rampart-rpmo-XXXXXX", src[1024], dst[1024];
	char cmd[1100];
	rpmdbMatchIterator mi;
	Header h;
	rpmts ts;
	size_t before = nreal, pkgs = 0;

	assert_non_null(shared);
	assert_non_null(mkdtemp(dir));
	snprintf(
	    src, sizeof(src), "%s/inventory/rpmdb/%s/%s", shared, rel, file);
	snprintf(dst, sizeof(dst), "%s/%s", dir, file);
	copy_file(src, dst);
	rpmPushMacro(NULL, "_dbpath", NULL, dir, RMIL_CMDLINE);
	rpmPushMacro(NULL, "_db_backend", NULL, backend, RMIL_CMDLINE);
	assert_non_null(ts = rpmtsCreate());
	rpmtsSetRootDir(ts, "/");
	assert_int_equal(rpmtsOpenDB(ts, O_RDONLY), 0);
	assert_non_null(mi = rpmtsInitIterator(ts, RPMDBI_PACKAGES, NULL, 0));
	while ((h = rpmdbNextIterator(mi)) != NULL) {
		add_evr(h);
		add_deps(h, RPMTAG_PROVIDENAME);
		add_deps(h, RPMTAG_REQUIRENAME);
		pkgs++;
	}
	rpmdbFreeIterator(mi);
	rpmtsCloseDB(ts);
	rpmtsFree(ts);
	rpmPopMacro(NULL, "_db_backend");
	rpmPopMacro(NULL, "_dbpath");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	print_message(
	    "%s: %zu packages, %zu new versions\n", rel, pkgs, nreal - before);
	assert_true(pkgs > 0);
}

static int
sign(int c)
{
	return c < 0 ? -1 : c > 0;
}

static rpmsenseFlags
sense_of(enum vers_op op)
{
	switch (op) {
	case VERS_OP_LT:
		return RPMSENSE_LESS;
	case VERS_OP_LE:
		return RPMSENSE_LESS | RPMSENSE_EQUAL;
	case VERS_OP_GT:
		return RPMSENSE_GREATER;
	case VERS_OP_GE:
		return RPMSENSE_GREATER | RPMSENSE_EQUAL;
	default:
		return RPMSENSE_EQUAL;
	}
}

/* Whether ranges of one constraint agree with rpmverOverlap(). */
static size_t
check_ranges(const char *a, rpmver ra, const char *b, rpmver rb)
{
	static const enum vers_op ops[] = {
	    VERS_OP_LT, VERS_OP_LE, VERS_OP_EQ, VERS_OP_GE, VERS_OP_GT};
	struct vers_constraint c;
	struct vers_range r;
	size_t k, mism = 0;
	int in, want;

	r.scheme_name = "rpm";
	r.scheme = VERSION_SCHEME_RPM;
	r.c = &c;
	r.n = 1;
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		c.op = ops[k];
		c.version = (char *)b;
		assert_int_equal(vers_contains(&r, a, &in), 0);
		want = rpmverOverlap(ra, RPMSENSE_EQUAL, rb, sense_of(ops[k]));
		if (in != want) {
			print_error("range op %d '%s' with '%s': rpm %d, "
				    "Rampart %d\n",
			    (int)ops[k], b, a, want, in);
			mism++;
		}
	}
	return mism;
}

/* Runs the CLI over the pairs written to script; returns mismatches. */
static size_t
check_cli(const char *dir, size_t ncli, const int *want)
{
	char path[1024], line[1200];
	size_t i, mism = 0;
	FILE *f;

	snprintf(line, sizeof(line), "sh %s/cli.sh > %s/cli.out", dir, dir);
	assert_int_equal(system(line), 0);
	snprintf(path, sizeof(path), "%s/cli.out", dir);
	assert_non_null(f = fopen(path, "r"));
	for (i = 0; i < ncli; i++) {
		const char *op;

		assert_non_null(fgets(line, sizeof(line), f));
		op = strstr(line, " < ")  ? "<"
		    : strstr(line, " > ") ? ">"
		    : strstr(line, " = ") ? "="
					  : "?";
		if (op[0] != (want[i] < 0 ? '<' : want[i] > 0 ? '>' : '=')) {
			print_error("CLI: %s", line);
			mism++;
		}
	}
	assert_null(fgets(line, sizeof(line), f));
	fclose(f);
	unlink(path);
	snprintf(path, sizeof(path), "%s/cli.sh", dir);
	unlink(path);
	return mism;
}

static void
test_librpm_oracle(void **state)
{
	const char *bin = getenv("RAMPART_BIN");
	char dir[] = "/tmp/rampart-rpmc-XXXXXX", path[1024];
	rpmver *rv;
	size_t i, j, np = 0, nbare = 0, ncli = 0, mism = 0;
	int *clwant, mine, want;
	FILE *cli;

	assert_non_null(bin);
	assert_int_equal(rpmReadConfigFiles(NULL, NULL), 0);
	load_db("cbl-mariner-2.0", "rpmdb.sqlite", "sqlite");
	load_db("libuuid", "Packages", "bdb_ro");
	assert_true(nreal > 60);
	for (i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++)
		add_version(tricky[i], 0);
	assert_non_null(rv = calloc(nvers, sizeof(*rv)));
	assert_non_null(
	    clwant = calloc(nvers * nvers / CLI_EVERY + 1, sizeof(*clwant)));
	for (i = 0; i < nvers; i++)
		assert_non_null(rv[i] = rpmverParse(vers[i]));
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cli.sh", dir);
	assert_non_null(cli = fopen(path, "w"));
	for (i = 0; i < nvers; i++) {
		for (j = 0; j < nvers; j++) {
			assert_int_equal(version_compare(VERSION_SCHEME_RPM,
					     vers[i], vers[j], &mine),
			    0);
			want = sign(rpmverCmp(rv[i], rv[j]));
			if (sign(mine) != want) {
				print_error("'%s' vs '%s': rpmverCmp %d, "
					    "Rampart %d\n",
				    vers[i], vers[j], want, mine);
				mism++;
			}
			if (strpbrk(vers[i], ":-") == NULL &&
			    strpbrk(vers[j], ":-") == NULL) {
				nbare++;
				if (sign(rpmvercmp(vers[i], vers[j])) !=
				    sign(mine))
					mism++;
			}
			mism += check_ranges(vers[i], rv[i], vers[j], rv[j]);
			if (np++ % CLI_EVERY == 0) {
				fprintf(cli,
				    "'%s' version compare rpm '%s' '%s' "
				    "2>/dev/null || echo error\n",
				    bin, vers[i], vers[j]);
				clwant[ncli++] = want;
			}
		}
	}
	fclose(cli);
	mism += check_cli(dir, ncli, clwant);
	rmdir(dir);
	print_message("%zu versions (%zu from rpm databases), %zu pairs "
		      "(%zu bare, %zu through the CLI): %zu mismatches\n",
	    nvers, nreal, np, nbare, ncli, mism);
	assert_true(np >= NPAIRS_MIN);
	for (i = 0; i < nvers; i++) {
		rpmverFree(rv[i]);
		free(vers[i]);
	}
	free(rv);
	free(clwant);
	assert_int_equal(mism, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_librpm_oracle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
