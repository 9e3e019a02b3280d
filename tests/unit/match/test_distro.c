/*
 * Distributions and releases, table-driven: OSV ecosystems, CPEs of CSAF
 * relationship targets, purls and os-release names each give the
 * distribution and release, and distro_fit() decides which products
 * apply to which hosts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "match/match_int.h"

struct row {
	const char *in;
	enum distro_id id;
	const char *rel;
	int fips;
};

static const struct row ecosystems[] = {
    {"Debian:12", DISTRO_DEBIAN, "12", 0},
    {"Debian:10", DISTRO_DEBIAN, "10", 0},
    {"Debian", DISTRO_DEBIAN, "", 0},
    {"Ubuntu:22.04:LTS", DISTRO_UBUNTU, "22.04", 0},
    {"Ubuntu:23.04", DISTRO_UBUNTU, "23.04", 0},
    {"Ubuntu:Pro:18.04:LTS", DISTRO_UBUNTU, "18.04", 0},
    {"Ubuntu:Pro:FIPS-updates:20.04:LTS", DISTRO_UBUNTU, "20.04", 1},
    {"Ubuntu:Pro:FIPS:16.04:LTS", DISTRO_UBUNTU, "16.04", 1},
    {"Red Hat:rhel_aus:8.6::appstream", DISTRO_RHEL, "8.6", 0},
    {"Red Hat:enterprise_linux:9::baseos", DISTRO_RHEL, "9", 0},
    {"AlmaLinux:9", DISTRO_ALMALINUX, "9", 0},
    {"Rocky Linux:8", DISTRO_ROCKY, "8", 0},
    {"SUSE:Linux Enterprise Server 15 SP5", DISTRO_SLES, "15.5", 0},
    {"SUSE:Linux Enterprise Module for Basesystem 15 SP4", DISTRO_SLES, "15.4",
	0},
    {"openSUSE:Leap 15.5", DISTRO_OPENSUSE, "15.5", 0},
    {"openSUSE:Tumbleweed", DISTRO_OPENSUSE, "", 0},
    {"Alpine:v3.16", DISTRO_ALPINE, "3.16", 0},
    {"Mageia:9", DISTRO_MAGEIA, "9", 0},
    {"npm", DISTRO_NONE, "", 0},
    {"PyPI", DISTRO_NONE, "", 0},
    {"Go", DISTRO_NONE, "", 0},
};

static const struct row cpes[] = {
    {"cpe:/a:redhat:enterprise_linux:8::appstream", DISTRO_RHEL, "8", 0},
    {"cpe:/a:redhat:rhel_aus:8.6::appstream", DISTRO_RHEL, "8.6", 0},
    {"cpe:/o:redhat:enterprise_linux:9", DISTRO_RHEL, "9", 0},
    {"cpe:/o:suse:sles:15:sp5", DISTRO_SLES, "15.5", 0},
    {"cpe:2.3:o:debian:debian_linux:12:*:*:*:*:*:*:*", DISTRO_DEBIAN, "12", 0},
    {"cpe:/o:microsoft:windows_10", DISTRO_NONE, "", 0},
};

static const struct row purls[] = {
    {"pkg:deb/debian/openssl?arch=source", DISTRO_DEBIAN, "", 0},
    {"pkg:deb/debian/libssl3@3.0.11-1?arch=amd64&distro=debian-12",
	DISTRO_DEBIAN, "12", 0},
    {"pkg:deb/debian/curl@7.50.3-1?distro=bookworm", DISTRO_DEBIAN, "12", 0},
    {"pkg:deb/ubuntu/openssl@3.0.2?arch=source&distro=jammy", DISTRO_UBUNTU,
	"22.04", 0},
    {"pkg:rpm/redhat/git-lfs@2.13.3-3.el8_6.1?arch=src", DISTRO_RHEL, "", 0},
    {"pkg:npm/lodash@4.17.21", DISTRO_NONE, "", 0},
};

static const struct row hosts[] = {
    {"Debian GNU/Linux", DISTRO_DEBIAN, "12", 0},
    {"debian", DISTRO_DEBIAN, "12", 0},
    {"Ubuntu", DISTRO_UBUNTU, "12", 0},
    {"Red Hat Enterprise Linux", DISTRO_RHEL, "12", 0},
    {"AlmaLinux", DISTRO_ALMALINUX, "12", 0},
    {"SLES", DISTRO_SLES, "12", 0},
    {"openSUSE Leap", DISTRO_OPENSUSE, "12", 0},
    {"Windows", DISTRO_NONE, "", 0},
    {"Linux Mint", DISTRO_NONE, "", 0},
};

static void
check(
    const struct row *rows, size_t n, int (*fn)(const char *, struct distro *))
{
	struct distro d;
	size_t i;

	for (i = 0; i < n; i++) {
		print_message("%s\n", rows[i].in);
		assert_int_equal(fn(rows[i].in, &d), rows[i].id != DISTRO_NONE);
		assert_int_equal(d.id, rows[i].id);
		assert_string_equal(d.rel, rows[i].rel);
		assert_int_equal(d.fips, rows[i].fips);
	}
}

static int
purl_fn(const char *s, struct distro *d)
{
	int src;

	return distro_from_purl(s, d, &src);
}

static int
host_fn(const char *s, struct distro *d)
{
	return distro_from_name(s, "12", d);
}

static void
test_parse(void **state)
{
	struct distro d;
	int src;

	(void)state;
	check(ecosystems, sizeof(ecosystems) / sizeof(ecosystems[0]),
	    distro_from_ecosystem);
	check(cpes, sizeof(cpes) / sizeof(cpes[0]), distro_from_cpe);
	check(purls, sizeof(purls) / sizeof(purls[0]), purl_fn);
	check(hosts, sizeof(hosts) / sizeof(hosts[0]), host_fn);
	distro_from_purl("pkg:deb/debian/openssl?arch=source", &d, &src);
	assert_int_equal(src, 1);
	distro_from_purl("pkg:deb/debian/libssl3?arch=amd64", &d, &src);
	assert_int_equal(src, 0);
	/* Every distribution has its label (the table is in enum order). */
	for (src = DISTRO_DEBIAN; src <= DISTRO_AZURE; src++)
		assert_non_null(distro_label((enum distro_id)src));
	assert_null(distro_label(DISTRO_NONE));
	assert_int_equal(distro_names_source(DISTRO_DEBIAN), 1);
	assert_int_equal(distro_names_source(DISTRO_RHEL), 0);
}

static struct distro
mk(enum distro_id id, const char *rel, int fips)
{
	struct distro d;

	memset(&d, 0, sizeof(d));
	d.id = id;
	d.fips = fips;
	snprintf(d.rel, sizeof(d.rel), "%s", rel);
	return d;
}

static void
test_fit(void **state)
{
	static const struct {
		enum distro_id pid;
		const char *prel;
		int fips;
		enum distro_id hid;
		const char *hrel, *version;
		enum distro_fit fit;
	} t[] = {
	    {DISTRO_DEBIAN, "12", 0, DISTRO_DEBIAN, "12", "1", DISTRO_FIT_YES},
	    {DISTRO_DEBIAN, "10", 0, DISTRO_DEBIAN, "12", "1",
		DISTRO_FIT_OTHER_RELEASE},
	    {DISTRO_UBUNTU, "22.04", 0, DISTRO_DEBIAN, "12", "1",
		DISTRO_FIT_OTHER_DISTRO},
	    {DISTRO_UBUNTU, "22.04", 0, DISTRO_UBUNTU, "18.04", "1",
		DISTRO_FIT_OTHER_RELEASE},
	    {DISTRO_UBUNTU, "18.04", 0, DISTRO_UBUNTU, "18.04", "1",
		DISTRO_FIT_YES},
	    {DISTRO_UBUNTU, "18.04", 1, DISTRO_UBUNTU, "18.04", "1.1.1-1",
		DISTRO_FIT_OTHER_RELEASE},
	    {DISTRO_UBUNTU, "18.04", 1, DISTRO_UBUNTU, "18.04",
		"1.1.1-1ubuntu2.fips.2.1", DISTRO_FIT_YES},
	    {DISTRO_RHEL, "9", 0, DISTRO_RHEL, "9.4", "1", DISTRO_FIT_YES},
	    {DISTRO_RHEL, "8.6", 0, DISTRO_RHEL, "8.10", "1",
		DISTRO_FIT_OTHER_RELEASE},
	    {DISTRO_RHEL, "8", 0, DISTRO_RHEL, "80", "1",
		DISTRO_FIT_OTHER_RELEASE},
	    {DISTRO_RHEL, "9", 0, DISTRO_CENTOS, "9", "1", DISTRO_FIT_YES},
	    {DISTRO_RHEL, "9", 0, DISTRO_ALMALINUX, "9", "1",
		DISTRO_FIT_OTHER_DISTRO},
	    {DISTRO_DEBIAN, "12", 0, DISTRO_NONE, "", "1", DISTRO_FIT_YES},
	    {DISTRO_DEBIAN, "12", 0, DISTRO_DEBIAN, "", "1", DISTRO_FIT_YES},
	};
	struct distro p, h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = mk(t[i].pid, t[i].prel, t[i].fips);
		h = mk(t[i].hid, t[i].hrel, 0);
		print_message("row %zu\n", i);
		assert_int_equal(distro_fit(&p, &h, t[i].version), t[i].fit);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
