/*
 * Unit tests of the dpkg status parser: paragraphs and continuation
 * lines, every install state, CRLF files, and the errors (with their line
 * numbers) for missing fields and malformed lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collectors/collectors.h"
#include "util/err.h"

static const char status_text[] =
    "Package: adduser\n"
    "Status: install ok installed\n"
    "Priority: important\n"
    "Architecture: all\n"
    "Version: 3.134\n"
    "Conffiles:\n"
    " /etc/adduser.conf cc3493ecd2d09837ffdcc3e25fdfff18\n"
    "Description: add and remove users and groups\n"
    " This package includes the 'adduser' and 'deluser' commands.\n"
    " .\n"
    "\tTabs continue too.\n"
    "\n"
    "\n"
    "package: libstdc++6\n"
    "STATUS: hold ok installed\n"
    "Architecture: amd64\n"
    "Version: 12.2.0-14\n"
    "Origin: Debian\n";

struct run {
	struct inv_host *h;
	struct rp_diags *d;
	int r;
};

static struct run
parse(const char *text, size_t len)
{
	struct run x;

	x.h = inv_host_new();
	x.d = rp_diags_new();
	assert_non_null(x.h);
	assert_non_null(x.d);
	x.r = dpkg_status_parse(text, len, "status", x.h, x.d);
	return x;
}

static void
done(struct run *x)
{
	inv_host_free(x->h);
	rp_diags_free(x->d);
}

/* Whether d has an error at line whose message contains sub. */
static int
has_error(const struct rp_diags *d, int line, const char *sub)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level == RP_DIAG_ERROR && d->v[i].line == line &&
		    strstr(d->v[i].msg, sub) != NULL)
			return 1;
	}
	for (i = 0; i < d->n; i++)
		fprintf(stderr, "  %d: %s\n", d->v[i].line, d->v[i].msg);
	return 0;
}

static void
test_paragraphs(void **state)
{
	struct run x = parse(status_text, strlen(status_text));
	const struct inv_software *s;

	assert_int_equal(x.r, 0);
	assert_int_equal(x.d->n, 0);
	assert_int_equal(x.h->nsw, 2);
	s = &x.h->sw[0];
	assert_string_equal(s->name, "adduser");
	assert_string_equal(s->version, "3.134");
	assert_string_equal(s->arch, "all");
	assert_null(s->vendor);
	assert_null(s->state);
	assert_int_equal(s->source, INV_SOURCE_DPKG);
	assert_int_equal(s->scheme, VERSION_SCHEME_DEB);
	assert_string_equal(s->purl, "pkg:deb/debian/adduser@3.134?arch=all");
	s = &x.h->sw[1];
	/* Field names are case-insensitive; a held package is installed. */
	assert_string_equal(s->name, "libstdc++6");
	assert_null(s->state);
	assert_string_equal(s->vendor, "Debian");
	assert_string_equal(
	    s->purl, "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=amd64");
	done(&x);
}

static void
test_crlf(void **state)
{
	char crlf[2048];
	struct run a, b;
	size_t i, o = 0;

	for (i = 0; status_text[i] != '\0'; i++) {
		if (status_text[i] == '\n')
			crlf[o++] = '\r';
		crlf[o++] = status_text[i];
	}
	a = parse(status_text, strlen(status_text));
	b = parse(crlf, o);
	assert_int_equal(b.r, 0);
	assert_int_equal(b.d->n, 0);
	assert_true(inv_host_equal(a.h, b.h));
	done(&a);
	done(&b);
}

static void
test_states(void **state)
{
	static const struct {
		const char *status, *state;
	} cases[] = {
	    {"install ok installed", NULL},
	    {"deinstall ok installed", NULL},
	    {"deinstall ok config-files", "config-files"},
	    {"install ok half-installed", "half-installed"},
	    {"install ok unpacked", "unpacked"},
	    {"install ok half-configured", "half-configured"},
	    {"install ok triggers-awaited", "triggers-awaited"},
	    {"install ok triggers-pending", "triggers-pending"},
	    {"install reinstreq half-installed", "reinstreq"},
	    {"purge ok not-installed", "not-installed"},
	};
	char text[256];
	struct run x;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text),
		    "Package: p\nStatus: %s\nVersion: 1.0-1\n",
		    cases[i].status);
		x = parse(text, strlen(text));
		assert_int_equal(x.r, 0);
		assert_int_equal(x.h->nsw, 1);
		if (cases[i].state == NULL)
			assert_null(x.h->sw[0].state);
		else
			assert_string_equal(x.h->sw[0].state, cases[i].state);
		done(&x);
	}
	/* A selection never installed has no version: nothing to report. */
	x = parse("Package: q\nStatus: purge ok not-installed\n", 42);
	assert_int_equal(x.r, 0);
	assert_int_equal(x.h->nsw, 0);
	done(&x);
}

static void
test_errors(void **state)
{
	static const char text[] =
	    "Package: a\n" /* 1 */
	    "Status: install ok installed\n" /* 2 */
	    "\n" /* 3 */
	    "Package: b\n" /* 4: no Version */
	    "Status: install ok installed\n" /* 5 */
	    "\n" /* 6 */
	    "Status: install ok installed\n" /* 7: no Package */
	    "Version: 1\n" /* 8 */
	    "\n" /* 9 */
	    "Package: c\n" /* 10 */
	    "Status: install maybe installed\n" /* 11 */
	    "Version: 1\n" /* 12 */
	    "\n" /* 13 */
	    "Package: d\n" /* 14 */
	    "no colon here\n" /* 15 */
	    "Version: 1\n" /* 16 */
	    "Version: 2\n" /* 17 */
	    "Status: install ok installed\n" /* 18 */
	    "\n" /* 19 */
	    " continued from nothing\n" /* 20 */
	    "Package: e\n" /* 21: no Status */
	    "Version: 1\n" /* 22 */
	    "\n" /* 23 */
	    "Package: f\n" /* 24 */
	    "Version: 1\n" /* 25 */
	    " 2\n" /* 26 */
	    "Status: install ok installed\n" /* 27 */
	    "\n" /* 28 */
	    "Package: g\n" /* 29: kept */
	    "Status: install ok installed\n"
	    "Version: 7";
	struct run x = parse(text, strlen(text));

	assert_int_equal(x.r, RP_ERR_INVALID);
	assert_true(has_error(x.d, 1, "status:1: no Version"));
	assert_true(has_error(x.d, 4, "status:4: no Version"));
	assert_true(has_error(x.d, 7, "without a Package"));
	assert_true(has_error(x.d, 11, "WANT FLAG STATE"));
	assert_true(has_error(x.d, 15, "expected \"Field: value\""));
	assert_true(has_error(x.d, 17, "repeated field Version"));
	assert_true(has_error(x.d, 20, "continuation line outside"));
	assert_true(has_error(x.d, 21, "no Status field"));
	assert_true(has_error(x.d, 26, "Version continues"));
	/* d (with the repeated Version) and f are still read. */
	assert_int_equal(x.h->nsw, 3);
	assert_string_equal(x.h->sw[0].name, "d");
	assert_string_equal(x.h->sw[0].version, "1");
	assert_string_equal(x.h->sw[1].name, "f");
	assert_string_equal(x.h->sw[2].name, "g");
	assert_string_equal(x.h->sw[2].version, "7");
	done(&x);
}

static void
test_hostile(void **state)
{
	char text[1024], longv[400];
	struct run x;

	/* A NUL byte: not a status file at all. */
	x = parse("Package: a\nVer\0sion: 1\n", 23);
	assert_int_equal(x.r, RP_ERR_INVALID);
	assert_true(has_error(x.d, 2, "NUL"));
	assert_int_equal(x.h->nsw, 0);
	done(&x);
	/* Control characters and broken UTF-8 are replaced. */
	snprintf(text, sizeof(text),
	    "Package: evil\nStatus: install ok installed\nVersion: 1\n"
	    "Origin: a\x1b[31mb\xff\xc3\x28\n");
	x = parse(text, strlen(text));
	assert_int_equal(x.r, 0);
	assert_string_equal(x.h->sw[0].vendor, "a?[31mb?\?(");
	done(&x);
	/* Values past their bound skip the package. */
	memset(longv, '1', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	snprintf(text, sizeof(text),
	    "Package: long\nStatus: install ok installed\nVersion: %s\n",
	    longv);
	x = parse(text, strlen(text));
	assert_int_equal(x.r, RP_ERR_INVALID);
	assert_true(has_error(x.d, 3, "too long"));
	assert_int_equal(x.h->nsw, 0);
	done(&x);
	/* Empty input and blank lines only: no packages, no errors. */
	x = parse("\n\r\n \n", 5);
	assert_int_equal(x.r, 0);
	assert_int_equal(x.h->nsw + x.d->n, 0);
	done(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_paragraphs),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_states),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
