/*
 * The package URL parser, table-driven: each row is a purl and its
 * decoded components, or the reason it is refused.  Rows include the
 * purl specification's own examples and the shapes distributions write
 * (Debian's arch=source, syft's upstream qualifier).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/err.h"
#include "util/purl.h"

struct row {
	const char *in;
	const char *type, *ns, *name, *version, *subpath;
	const char *q; /* "k=v;k=v" as expected, or NULL for none */
};

static const struct row good[] = {
    {"pkg:npm/%40angular/animation@12.3.1", "npm", "@angular", "animation",
	"12.3.1", NULL, NULL},
    {"pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", "deb", "debian",
	"curl", "7.50.3-1", NULL, "arch=i386;distro=jessie"},
    {"pkg:golang/google.golang.org/genproto#googleapis/api/annotations",
	"golang", "google.golang.org", "genproto", NULL,
	"googleapis/api/annotations", NULL},
    {"pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1", "maven",
	"org.apache.xmlgraphics", "batik-anim", "1.9.1", NULL, NULL},
    {"pkg:rpm/redhat/openssl@1.1.1k-7.el8_6?arch=x86_64&epoch=1", "rpm",
	"redhat", "openssl", "1.1.1k-7.el8_6", NULL, "arch=x86_64;epoch=1"},
    {"pkg:generic/openssl@1.1.10g", "generic", NULL, "openssl", "1.1.10g", NULL,
	NULL},
    {"PKG:DEB/debian/libssl3@3.0.11-1~deb12u2?ARCH=amd64&upstream=openssl",
	"deb", "debian", "libssl3", "3.0.11-1~deb12u2", NULL,
	"arch=amd64;upstream=openssl"},
    {"pkg:deb/debian/liblzma5@5.4.1-0.2?upstream=xz-utils%405.4.1-0.2", "deb",
	"debian", "liblzma5", "5.4.1-0.2", NULL, "upstream=xz-utils@5.4.1-0.2"},
    {"pkg://deb/ubuntu/openssl@3.0.2-0ubuntu1.10?arch=source&distro=jammy",
	"deb", "ubuntu", "openssl", "3.0.2-0ubuntu1.10", NULL,
	"arch=source;distro=jammy"},
    {"pkg:github/package-url/purl-spec@244fd47e07d1004#everybody/loves/dogs",
	"github", "package-url", "purl-spec", "244fd47e07d1004",
	"everybody/loves/dogs", NULL},
    {"pkg:docker/customer/dockerimage@sha256%3A244fd47e07d10?repository_url="
     "gcr.io",
	"docker", "customer", "dockerimage", "sha256:244fd47e07d10", NULL,
	"repository_url=gcr.io"},
    {"pkg:type/a//b/name/", "type", "a/b", "name", NULL, NULL, NULL},
    {"pkg:t/n?a=&b=2", "t", NULL, "n", NULL, NULL, "b=2"},
};

static const struct {
	const char *in, *why;
} bad[] = {
    {"pkg:maven/@1.3.4", "name is required"},
    {"pkg:/name", "missing type or name"},
    {"pkg:type/ns/name?a=1&a=2", "repeated qualifier key"},
    {"pkg:type/ns/name?A=1&a=2", "repeated qualifier key"},
    {"pkg:1type/name", "type starts with a digit"},
    {"http://x/y", "scheme is not \"pkg\""},
    {"pkg:npm/name@", "empty or badly encoded version"},
    {"pkg:npm/na%2", "name is required"},
    {"pkg:npm/na%00me", "name is required"},
    {"pkg:t/n#a/../b", "invalid subpath segment"},
    {"pkg:t/n#%2E/x", "invalid subpath segment"},
    {"pkg:t/n#a/%2e%2E", "invalid subpath segment"},
    {"pkg:t/n#%2E/x", "invalid subpath segment"},
    {"pkg:t/n#a/%2e%2E", "invalid subpath segment"},
    {"pkg:t/n?=v", "qualifier without key=value"},
    {"pkg:t/n?1a=v", "qualifier key starts with a digit"},
    {"pkg:t/n?a b=v", "invalid character in qualifier key"},
    {"pkg:t_y/n", "invalid character in type"},
    {"pkg:t/n?a=%zz", "bad percent-encoding in qualifier value"},
};

static void
check_q(const struct rp_purl *p, const char *want)
{
	char got[512];
	size_t i, n = 0;

	got[0] = '\0';
	for (i = 0; i < p->nq; i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s=%s",
		    i ? ";" : "", p->q[i].key, p->q[i].value);
	assert_string_equal(got, want != NULL ? want : "");
}

static void
opt_equal(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

static void
test_good(void **state)
{
	struct rp_purl p;
	char buf[512];
	const char *why = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		print_message("%s\n", good[i].in);
		assert_int_equal(
		    rp_purl_parse(good[i].in, &p, buf, sizeof(buf), &why), 0);
		assert_string_equal(p.type, good[i].type);
		opt_equal(p.ns, good[i].ns);
		assert_string_equal(p.name, good[i].name);
		opt_equal(p.version, good[i].version);
		opt_equal(p.subpath, good[i].subpath);
		check_q(&p, good[i].q);
	}
}

static void
test_bad(void **state)
{
	struct rp_purl p;
	char buf[512];
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("%s\n", bad[i].in);
		why = NULL;
		assert_int_equal(
		    rp_purl_parse(bad[i].in, &p, buf, sizeof(buf), &why),
		    RP_ERR_INVALID);
		assert_string_equal(why, bad[i].why);
	}
}

/* strlen + 8 bytes always do; a smaller buffer is a limit, not a crash. */
static void
test_buffer(void **state)
{
	const char *s = "pkg:deb/debian/libssl3@3.0.11-1?arch=amd64&a=b#x/y";
	struct rp_purl p;
	char buf[128];
	const char *why;
	size_t len, need = strlen(s) + 8;

	(void)state;
	assert_int_equal(rp_purl_parse(s, &p, buf, need, &why), 0);
	assert_string_equal(rp_purl_qualifier(&p, "arch"), "amd64");
	assert_null(rp_purl_qualifier(&p, "distro"));
	for (len = 0; len < 20; len++)
		assert_int_equal(
		    rp_purl_parse(s, &p, buf, len, &why), RP_ERR_LIMIT);
}

/* More qualifiers than the parser keeps is a limit. */
static void
test_many_qualifiers(void **state)
{
	char s[1024], buf[2048];
	struct rp_purl p;
	const char *why;
	size_t i, n;

	(void)state;
	n = (size_t)snprintf(s, sizeof(s), "pkg:t/n?");
	for (i = 0; i <= RP_PURL_MAX_QUALIFIERS; i++)
		n += (size_t)snprintf(
		    s + n, sizeof(s) - n, "%sk%zu=v", i ? "&" : "", i);
	assert_int_equal(
	    rp_purl_parse(s, &p, buf, sizeof(buf), &why), RP_ERR_LIMIT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_buffer),
	    cmocka_unit_test(test_many_qualifiers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
