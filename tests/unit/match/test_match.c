/*
 * Matcher unit tests on advisory and inventory models built in C: platform
 * separation, exact versions against ranges, aliases, purl and cpe
 * identity, verdict precedence, and the rules and facts of each verdict
 * (the sentences are the CLI's; tests/unit/match/test_cases.c has the
 * table-driven cases).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "match/match.h"
#include "util/arena.h"
#include "util/err.h"

#define MAXP 32

struct fixture {
	struct advisory *a;
	struct matcher *m;
	struct inv_host *h;
	struct match_results res;
};

static struct advisory *
adv_new(const char *id, size_t nvulns)
{
	struct advisory *a = advisory_new();

	assert_non_null(a);
	a->id = rp_arena_strdup(a->arena, id);
	a->products = rp_arena_calloc(a->arena, MAXP, sizeof(*a->products));
	a->vulns = rp_arena_calloc(a->arena, nvulns, sizeof(*a->vulns));
	assert_non_null(a->products);
	assert_non_null(a->vulns);
	a->nvulns = nvulns;
	return a;
}

static struct adv_product *
addp(struct advisory *a, const char *id, const char *name, const char *product,
    const char *version, const char *range, const char *platform)
{
	struct adv_product *p;

	assert_true(a->nproducts < MAXP);
	p = &a->products[a->nproducts++];
	p->id = rp_arena_strdup(a->arena, id);
	p->name = rp_arena_strdup(a->arena, name);
	p->vendor = rp_arena_strdup(a->arena, "3CX");
	p->product = rp_arena_strdup(a->arena, product);
	p->version = rp_arena_strdup(a->arena, version);
	assert_int_equal(advisory_product_range(a, p, range), 0);
	p->platform = rp_arena_strdup(a->arena, platform);
	return p;
}

static char **
idlist(struct advisory *a, size_t *n, va_list ap)
{
	char **v = rp_arena_calloc(a->arena, MAXP, sizeof(char *));
	const char *s;

	*n = 0;
	while ((s = va_arg(ap, const char *)) != NULL)
		v[(*n)++] = rp_arena_strdup(a->arena, s);
	return v;
}

static void
status(struct advisory *a, size_t vi, enum adv_status s, ...)
{
	va_list ap;

	va_start(ap, s);
	a->vulns[vi].status[s] = idlist(a, &a->vulns[vi].nstatus[s], ap);
	va_end(ap);
}

static void
remedy(struct advisory *a, size_t vi, enum adv_rem_category c,
    const char *details, ...)
{
	struct adv_vuln *v = &a->vulns[vi];
	struct adv_remediation *r;
	va_list ap;

	if (v->remediations == NULL)
		v->remediations = rp_arena_calloc(a->arena, 8, sizeof(*r));
	r = &v->remediations[v->nremediations++];
	r->category = c;
	r->details = rp_arena_strdup(a->arena, details);
	va_start(ap, details);
	r->product_ids = idlist(a, &r->nproduct_ids, ap);
	va_end(ap);
}

/* The 3CX case in miniature. */
static struct advisory *
adv_3cx(void)
{
	struct advisory *a = adv_new("RAMPART-3CX-2023-001", 1);

	a->vulns[0].cve = "CVE-2023-29059";
	addp(a, "CSAFPID-WIN-18.12.416",
	    "3CX Desktop App 18.12.416 installed on Microsoft Windows",
	    "3CX Desktop App", "18.12.416", NULL, "Microsoft Windows");
	addp(a, "CSAFPID-WIN-18.12.422",
	    "3CX Desktop App 18.12.422 installed on Microsoft Windows",
	    "3CX Desktop App", "18.12.422", NULL, "Microsoft Windows");
	addp(a, "CSAFPID-WIN-BEFORE-18.12.407",
	    "3CX Desktop App before 18.12.407 installed on Microsoft Windows",
	    "3CX Desktop App", NULL, "vers:generic/<18.12.407",
	    "Microsoft Windows");
	addp(a, "CSAFPID-MAC-18.11.1213",
	    "3CX Desktop App 18.11.1213 installed on Apple macOS",
	    "3CX Desktop App", "18.11.1213", NULL, "Apple macOS");
	addp(a, "CSAFPID-MAC-18.12.422",
	    "3CX Desktop App 18.12.422 installed on Apple macOS",
	    "3CX Desktop App", "18.12.422", NULL, "Apple macOS");
	addp(a, "CSAFPID-MAC-18.12.425",
	    "3CX Desktop App 18.12.425 installed on Apple macOS",
	    "3CX Desktop App", "18.12.425", NULL, "Apple macOS");
	addp(a, "CSAFPID-PBX", "3CX Phone System (PBX)", "3CX Phone System",
	    NULL, NULL, NULL);
	status(a, 0, ADV_STATUS_KNOWN_AFFECTED, "CSAFPID-WIN-18.12.416",
	    "CSAFPID-MAC-18.11.1213", NULL);
	status(a, 0, ADV_STATUS_FIXED, "CSAFPID-WIN-18.12.422",
	    "CSAFPID-MAC-18.12.422", "CSAFPID-MAC-18.12.425", NULL);
	status(a, 0, ADV_STATUS_RECOMMENDED, "CSAFPID-MAC-18.12.425", NULL);
	status(a, 0, ADV_STATUS_KNOWN_NOT_AFFECTED,
	    "CSAFPID-WIN-BEFORE-18.12.407", "CSAFPID-PBX", NULL);
	remedy(a, 0, ADV_REM_VENDOR_FIX,
	    "Upgrade to 18.12.422 or later (18.12.425 is re-signed with a "
	    "new certificate).",
	    "CSAFPID-WIN-18.12.416", "CSAFPID-MAC-18.11.1213", NULL);
	remedy(a, 0, ADV_REM_WORKAROUND,
	    "Use the web client or PWA instead of the desktop app.",
	    "CSAFPID-WIN-18.12.416", "CSAFPID-MAC-18.11.1213", NULL);
	return a;
}

static struct inv_host *
host(const char *name, const char *os)
{
	struct inv_host *h = inv_host_new();

	assert_non_null(h);
	assert_int_equal(inv_host_set(h, name, os, NULL, NULL), 0);
	return h;
}

static void
sw(struct inv_host *h, const char *name, const char *vendor,
    const char *version, enum inv_source src, const char *purl, const char *cpe)
{
	struct inv_software s;

	memset(&s, 0, sizeof(s));
	s.name = name;
	s.vendor = vendor;
	s.version = version;
	s.source = src;
	s.purl = purl;
	s.cpe = cpe;
	assert_int_equal(inv_host_add_software(h, &s), 0);
}

/* Matches h against a and returns the single result for software `name`. */
static const struct match_result *
check(struct fixture *f, const char *name)
{
	size_t i;

	if (f->m == NULL) {
		assert_non_null(f->m = matcher_new());
		assert_int_equal(matcher_add_advisory(f->m, f->a, NULL), 0);
	}
	match_results_free(&f->res);
	memset(&f->res, 0, sizeof(f->res));
	assert_int_equal(matcher_check_host(f->m, f->h, &f->res), 0);
	for (i = 0; i < f->res.n; i++) {
		if (name == NULL && f->res.v[i].sw == NULL)
			return &f->res.v[i];
		if (name != NULL && f->res.v[i].sw != NULL &&
		    strcmp(f->res.v[i].sw->name, name) == 0)
			return &f->res.v[i];
	}
	fail_msg("no result for %s", name ? name : "(no software)");
	return NULL;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	memset(&f->res, 0, sizeof(f->res));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	match_results_free(&f->res);
	matcher_free(f->m);
	inv_host_free(f->h);
	advisory_free(f->a);
	free(f);
	return 0;
}

struct remcount {
	enum adv_rem_category c;
	size_t n;
};

static void
count_rem(const struct adv_remediation *rem, void *arg)
{
	struct remcount *rc = arg;

	rc->n += rem->category == rc->c;
}

/* How many remediations of category c apply to r's product. */
static size_t
rem_count(const struct match_result *r, enum adv_rem_category c)
{
	struct remcount rc = {c, 0};

	match_result_remediations(r, count_rem, &rc);
	return rc.n;
}

static void
test_normalize(void **state)
{
	char buf[64];

	(void)state;
	match_normalize("3CX Desktop App", buf, sizeof(buf));
	assert_string_equal(buf, "3cxdesktopapp");
	match_normalize("3cx-desktop-app", buf, sizeof(buf));
	assert_string_equal(buf, "3cxdesktopapp");
	assert_int_equal(match_normalize("abcdef", buf, 4), 3);
	assert_int_equal(os_family_from_name("Windows 11"), OS_FAMILY_WINDOWS);
	assert_int_equal(
	    os_family_from_name("Microsoft Windows"), OS_FAMILY_WINDOWS);
	assert_int_equal(os_family_from_name("Apple macOS"), OS_FAMILY_MACOS);
	assert_int_equal(os_family_from_name("Mac OS X"), OS_FAMILY_MACOS);
	assert_int_equal(
	    os_family_from_name("Debian GNU/Linux"), OS_FAMILY_LINUX);
	assert_int_equal(
	    os_family_from_name("Red Hat Enterprise Linux"), OS_FAMILY_LINUX);
	assert_int_equal(os_family_from_name("iOS"), OS_FAMILY_IOS);
	assert_int_equal(os_family_from_name("Android 13"), OS_FAMILY_ANDROID);
	assert_int_equal(os_family_from_name("Solaris"), OS_FAMILY_UNKNOWN);
	assert_int_equal(os_family_from_name(NULL), OS_FAMILY_UNKNOWN);
}

static void
test_exact_version(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;

	f->a = adv_3cx();
	f->h = host("ws-acct-01", "Windows");
	sw(f->h, "3CX Desktop App", "3CX Ltd", "18.12.416.0", INV_SOURCE_WINREG,
	    NULL, NULL);
	r = check(f, "3CX Desktop App");
	assert_int_equal(r->verdict, MATCH_AFFECTED);
	assert_string_equal(r->product->id, "CSAFPID-WIN-18.12.416");
	assert_int_equal(r->rule, MATCH_RULE_EXACT);
	assert_string_equal(r->adv->id, "RAMPART-3CX-2023-001");
	assert_string_equal(r->f.bound, "18.12.416");
	assert_int_equal(r->f.status, ADV_STATUS_KNOWN_AFFECTED);
	assert_string_equal(r->vuln->cve, "CVE-2023-29059");
	assert_string_equal(r->f.version, "18.12.416.0");
	assert_int_equal(r->f.contains, 1);
	assert_int_equal(r->f.via, MATCH_VIA_NAME);
	assert_string_equal(r->f.key, "3cxdesktopapp");
	/* The vendor's text names the fixed version: it is used as is. */
	assert_string_equal(r->f.fix_version, "18.12.422");
	assert_int_equal(rem_count(r, ADV_REM_WORKAROUND), 1);
	assert_int_equal(rem_count(r, ADV_REM_VENDOR_FIX), 1);
}

static void
test_platform_separation(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;

	f->a = adv_3cx();
	/* 18.11.1213 is affected on macOS, clean on Windows. */
	f->h = host("ws-reception-03", "Windows 10");
	sw(f->h, "3CX Desktop App", NULL, "18.11.1213.0", INV_SOURCE_WINREG,
	    NULL, NULL);
	r = check(f, "3CX Desktop App");
	assert_int_equal(r->verdict, MATCH_NOT_AFFECTED);
	assert_string_equal(r->product->id, "CSAFPID-WIN-BEFORE-18.12.407");
	assert_int_equal(r->rule, MATCH_RULE_RANGE);
	assert_string_equal(r->f.range, "vers:generic/<18.12.407");
	assert_int_equal(r->f.contains, 1);
	assert_int_equal(r->f.status, ADV_STATUS_KNOWN_NOT_AFFECTED);
	assert_null(r->f.fix_version);

	inv_host_free(f->h);
	f->h = host("mac-design-02", "macOS");
	sw(f->h, "3CX Desktop App", NULL, "18.11.1213", INV_SOURCE_APP_BUNDLE,
	    NULL, NULL);
	r = check(f, "3CX Desktop App");
	assert_int_equal(r->verdict, MATCH_AFFECTED);
	assert_string_equal(r->product->id, "CSAFPID-MAC-18.11.1213");

	/* A Linux host: the advisory lists the app only for other OSes. */
	inv_host_free(f->h);
	f->h = host("lx-01", "Ubuntu");
	sw(f->h, "3CX Desktop App", NULL, "18.12.416", INV_SOURCE_MANUAL, NULL,
	    NULL);
	r = check(f, "3CX Desktop App");
	assert_int_equal(r->verdict, MATCH_NOT_AFFECTED);
	assert_int_equal(r->rule, MATCH_RULE_PLATFORM);
	assert_int_equal(
	    r->f.os_mask, (1u << OS_FAMILY_WINDOWS) | (1u << OS_FAMILY_MACOS));
}

static void
test_fixed(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;

	f->a = adv_3cx();
	f->h = host("mac-ceo-01", "macOS");
	sw(f->h, "3CX Desktop App", NULL, "18.12.422", INV_SOURCE_APP_BUNDLE,
	    NULL, NULL);
	r = check(f, "3CX Desktop App");
	assert_int_equal(r->verdict, MATCH_FIXED);
	assert_string_equal(r->product->id, "CSAFPID-MAC-18.12.422");
	assert_int_equal(r->rule, MATCH_RULE_EXACT);
	assert_string_equal(r->f.fix_version, "18.12.425");

	/* Above every listed fixed version: still fixed, by inference. */
	inv_host_free(f->h);
	f->h = host("mac-ceo-01", "macOS");
	sw(f->h, "3CX Desktop App", NULL, "18.12.430", INV_SOURCE_APP_BUNDLE,
	    NULL, NULL);
	r = check(f, "3CX Desktop App");
	assert_int_equal(r->verdict, MATCH_FIXED);
	assert_int_equal(r->rule, MATCH_RULE_AT_OR_ABOVE_FIX);

	/* Between the listed versions on Windows: outside the affected. */
	inv_host_free(f->h);
	f->h = host("ws", "Windows");
	sw(f->h, "3CX Desktop App", NULL, "18.12.410", INV_SOURCE_WINREG, NULL,
	    NULL);
	r = check(f, "3CX Desktop App");
	assert_int_equal(r->verdict, MATCH_NOT_AFFECTED);
	assert_int_equal(r->rule, MATCH_RULE_OUTSIDE_AFFECTED);
	assert_true(r->f.nlisted >= 1);
	assert_string_equal(r->f.listed[0]->id, "CSAFPID-WIN-18.12.416");
}

static void
test_alias(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;

	f->a = adv_3cx();
	f->h = host("pbx-01", "Debian GNU/Linux");
	sw(f->h, "3cxpbx", "3CX Ltd", "20.0.8.1109", INV_SOURCE_DPKG, NULL,
	    NULL);
	sw(f->h, "Acme Softphone", NULL, "18.12.416", INV_SOURCE_MANUAL, NULL,
	    NULL);
	r = check(f, "3cxpbx");
	assert_int_equal(r->verdict, MATCH_NOT_AFFECTED);
	assert_string_equal(r->product->id, "CSAFPID-PBX");
	assert_int_equal(r->rule, MATCH_RULE_ALL_VERSIONS);
	assert_int_equal(f->res.n, 1);

	/* A user alias, added after the advisory: the index follows. */
	assert_int_equal(
	    matcher_add_alias(f->m, "Acme Softphone", "3CX Desktop App"), 0);
	inv_host_free(f->h);
	f->h = host("ws", "Windows");
	sw(f->h, "Acme Softphone", NULL, "18.12.416", INV_SOURCE_MANUAL, NULL,
	    NULL);
	r = check(f, "Acme Softphone");
	assert_int_equal(r->verdict, MATCH_AFFECTED);
	assert_int_equal(matcher_add_alias(f->m, "---", "x"), RP_ERR_ARG);
}

static void
test_purl_cpe(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;
	struct adv_product *p;

	f->a = adv_new("DSA-0000-1", 1);
	p = addp(f->a, "P-SSL", "openssl", "openssl", NULL,
	    "vers:deb/<3.0.15-1~deb12u1", NULL);
	p->purl = "pkg:deb/debian/openssl";
	p->vendor = NULL;
	p = addp(f->a, "P-CPE", "Example Widget 1.0", "Example Widget", "1.0",
	    NULL, NULL);
	p->cpe = "cpe:2.3:a:example:widget:1.0:*:*:*:*:*:*:*";
	status(f->a, 0, ADV_STATUS_KNOWN_AFFECTED, "P-SSL", "P-CPE", NULL);
	f->h = host("srv", "Debian GNU/Linux");
	/* Different name, same purl: a match. */
	sw(f->h, "openssl-source", NULL, "3.0.11-1~deb12u2", INV_SOURCE_DPKG,
	    "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64", NULL);
	/* Same name, other purl: the purls decide, no match. */
	sw(f->h, "openssl", NULL, "3.0.11", INV_SOURCE_RPM,
	    "pkg:rpm/fedora/openssl@3.0.11", NULL);
	/* cpe vendor:product decides over a different name. */
	sw(f->h, "widget-bin", NULL, "1.0", INV_SOURCE_MANUAL, NULL,
	    "cpe:2.3:a:example:widget:1.0:*:*:*:*:*:*:*");
	r = check(f, "openssl-source");
	assert_int_equal(r->verdict, MATCH_AFFECTED);
	assert_string_equal(r->product->id, "P-SSL");
	assert_int_equal(r->rule, MATCH_RULE_RANGE);
	assert_string_equal(r->f.range, "vers:deb/<3.0.15-1~deb12u1");
	assert_int_equal(r->f.via, MATCH_VIA_PURL);
	r = check(f, "widget-bin");
	assert_int_equal(r->verdict, MATCH_AFFECTED);
	assert_string_equal(r->product->id, "P-CPE");
	assert_int_equal(r->f.via, MATCH_VIA_CPE);
	assert_int_equal(f->res.n, 2);
}

static void
test_precedence(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;

	f->a = adv_new("ADV-PREC", 2);
	addp(f->a, "P-ALL", "Widget", "Widget", NULL, NULL, NULL);
	addp(f->a, "P-2", "Widget 2.0", "Widget", "2.0", NULL, NULL);
	addp(f->a, "P-3", "Widget 3.0", "Widget", "3.0", NULL, NULL);
	f->a->vulns[0].cve = "CVE-2099-0001";
	f->a->vulns[1].cve = "CVE-2099-0002";
	status(f->a, 0, ADV_STATUS_KNOWN_NOT_AFFECTED, "P-ALL", NULL);
	status(f->a, 0, ADV_STATUS_UNDER_INVESTIGATION, "P-2", NULL);
	status(f->a, 0, ADV_STATUS_FIXED, "P-3", NULL);
	status(f->a, 1, ADV_STATUS_KNOWN_AFFECTED, "P-3", NULL);
	f->h = host("h", "Windows");
	sw(f->h, "Widget", NULL, "2.0", INV_SOURCE_WINREG, NULL, NULL);
	r = check(f, "Widget");
	assert_int_equal(r->verdict, MATCH_UNDER_INVESTIGATION);
	assert_string_equal(r->product->id, "P-2");
	assert_int_equal(r->f.status, ADV_STATUS_UNDER_INVESTIGATION);

	/* Fixed for one CVE, affected by the other: affected wins. */
	inv_host_free(f->h);
	f->h = host("h", "Windows");
	sw(f->h, "Widget", NULL, "3.0", INV_SOURCE_WINREG, NULL, NULL);
	r = check(f, "Widget");
	assert_int_equal(r->verdict, MATCH_AFFECTED);
	assert_string_equal(r->vuln->cve, "CVE-2099-0002");

	/* Only the all-versions entry: not affected. */
	inv_host_free(f->h);
	f->h = host("h", "Windows");
	sw(f->h, "Widget", NULL, "1.0", INV_SOURCE_WINREG, NULL, NULL);
	r = check(f, "Widget");
	assert_int_equal(r->verdict, MATCH_NOT_AFFECTED);
	assert_string_equal(r->product->id, "P-ALL");
}

static void
test_unknown(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;

	f->a = adv_new("ADV-PYPI", 1);
	addp(f->a, "P-PY", "requests", "requests", NULL, "vers:pypi/<2.31.0",
	    NULL)
	    ->vendor = NULL;
	status(f->a, 0, ADV_STATUS_KNOWN_AFFECTED, "P-PY", NULL);
	f->h = host("h", "Linux");
	sw(f->h, "requests", NULL, "2.28.1", INV_SOURCE_MANUAL, NULL, NULL);
	r = check(f, "requests");
	assert_int_equal(r->verdict, MATCH_UNKNOWN);
	assert_string_equal(r->product->id, "P-PY");
	assert_int_equal(r->rule, MATCH_RULE_RANGE_UNSUPPORTED);
	assert_string_equal(r->adv->id, "ADV-PYPI");
	assert_non_null(r->f.vr);
	assert_string_equal(r->f.vr->scheme_name, "pypi");
}

/* A range the reader could not parse: its text and reason are the facts. */
static void
test_range_unusable(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;
	struct adv_product *p;

	f->a = adv_new("ADV-BAD", 1);
	p = addp(
	    f->a, "P-BAD", "tool", "tool", NULL, "vers:deb/<1.0|<2.0|>", NULL);
	p->vendor = NULL;
	assert_null(p->vr);
	assert_non_null(p->range_err);
	status(f->a, 0, ADV_STATUS_KNOWN_AFFECTED, "P-BAD", NULL);
	f->h = host("h", "Linux");
	sw(f->h, "tool", NULL, "1.5", INV_SOURCE_MANUAL, NULL, NULL);
	r = check(f, "tool");
	assert_int_equal(r->verdict, MATCH_UNKNOWN);
	assert_int_equal(r->rule, MATCH_RULE_RANGE_UNUSABLE);
	assert_string_equal(r->f.range, "vers:deb/<1.0|<2.0|>");
	assert_null(r->f.vr);
	assert_ptr_equal(r->f.range_err, p->range_err);
}

/* Removed packages (config files kept) are not matched; half-installed are. */
static void
test_install_state(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;

	f->a = adv_3cx();
	f->h = host("h", "Windows");
	sw(f->h, "3CX Desktop App", "3CX Ltd", "18.12.416.0", INV_SOURCE_WINREG,
	    NULL, NULL);
	f->h->sw[0].state = "config-files";
	r = check(f, NULL);
	assert_int_equal(r->verdict, MATCH_NOT_AFFECTED);
	assert_int_equal(f->res.n, 1);
	f->h->sw[0].state = "not-installed";
	r = check(f, NULL);
	assert_int_equal(r->verdict, MATCH_NOT_AFFECTED);
	f->h->sw[0].state = "half-installed";
	r = check(f, "3CX Desktop App");
	assert_int_equal(r->verdict, MATCH_AFFECTED);
	f->h->sw[0].state = NULL;
	r = check(f, "3CX Desktop App");
	assert_int_equal(r->verdict, MATCH_AFFECTED);
}

static void
test_nomatch_and_vendor(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;

	f->a = adv_3cx();
	f->h = host("h", "Windows");
	sw(f->h, "Notepad++", "Don Ho", "8.5", INV_SOURCE_WINREG, NULL, NULL);
	/* Same product name, another vendor: not the same product. */
	sw(f->h, "3CX Desktop App", "Contoso", "18.12.416", INV_SOURCE_WINREG,
	    NULL, NULL);
	r = check(f, NULL);
	assert_int_equal(r->verdict, MATCH_NOT_AFFECTED);
	assert_null(r->sw);
	assert_int_equal(r->rule, MATCH_RULE_NO_SOFTWARE);
	assert_string_equal(r->adv->id, "RAMPART-3CX-2023-001");
	assert_int_equal(f->res.n, 1);
}

static void
test_packager_vendor(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;
	struct adv_product *p;

	/* dpkg names a maintainer as vendor: it must not prevent a match. */
	f->a = adv_new("ADV-OPENSSL", 1);
	p = addp(
	    f->a, "P-O", "OpenSSL 3.0.11", "OpenSSL", "3.0.11", NULL, NULL);
	p->vendor = "OpenSSL Project";
	status(f->a, 0, ADV_STATUS_KNOWN_AFFECTED, "P-O", NULL);
	f->h = host("h", "Debian GNU/Linux");
	sw(f->h, "openssl", "Debian OpenSSL Team", "3.0.11", INV_SOURCE_DPKG,
	    NULL, NULL);
	r = check(f, "openssl");
	assert_int_equal(r->verdict, MATCH_AFFECTED);
	/* The same vendor on a registry entry is the publisher's: no. */
	inv_host_free(f->h);
	f->h = host("h", "Windows");
	sw(f->h, "OpenSSL", "Shining Light Productions", "3.0.11",
	    INV_SOURCE_WINREG, NULL, NULL);
	r = check(f, NULL);
	assert_int_equal(r->rule, MATCH_RULE_NO_SOFTWARE);
}

static void
test_fixed_only(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;
	struct adv_product *p;

	/* Red Hat style: only the fixed build, NEVRA as version, purl. */
	f->a = adv_new("RHSA-2099:0001", 1);
	f->a->vulns[0].cve = "CVE-2099-1111";
	p = addp(f->a, "AppStream:tool-0:2.0-3.el9.x86_64",
	    "tool-0:2.0-3.el9.x86_64 as a component of RHEL AppStream (v.9)",
	    NULL, "tool-0:2.0-3.el9.x86_64", NULL,
	    "Red Hat Enterprise Linux AppStream (v.9)");
	p->vendor = "Red Hat";
	p->purl = "pkg:rpm/redhat/tool@2.0-3.el9?arch=x86_64";
	status(f->a, 0, ADV_STATUS_FIXED, "AppStream:tool-0:2.0-3.el9.x86_64",
	    NULL);
	remedy(f->a, 0, ADV_REM_VENDOR_FIX, "Apply the update.",
	    "AppStream:tool-0:2.0-3.el9.x86_64", NULL);
	f->h = host("rhel", "Red Hat Enterprise Linux");
	sw(f->h, "tool", NULL, "2.0-2.el9", INV_SOURCE_RPM, NULL, NULL);
	r = check(f, "tool");
	assert_int_equal(r->verdict, MATCH_AFFECTED);
	assert_int_equal(r->rule, MATCH_RULE_BELOW_FIX);
	assert_string_equal(r->f.bound, "2.0-3.el9");
	assert_string_equal(r->f.version, "2.0-2.el9");
	assert_int_equal(r->verdict, MATCH_AFFECTED);
	assert_string_equal(r->f.fix_version, "2.0-3.el9");
	assert_int_equal(rem_count(r, ADV_REM_VENDOR_FIX), 1);

	inv_host_free(f->h);
	f->h = host("rhel", "Red Hat Enterprise Linux");
	sw(f->h, "tool", NULL, "2.0-3.el9", INV_SOURCE_RPM, NULL, NULL);
	r = check(f, "tool");
	assert_int_equal(r->verdict, MATCH_FIXED);
	assert_int_equal(r->rule, MATCH_RULE_EXACT);
	assert_string_equal(r->f.bound, "2.0-3.el9");
}

static void
test_name_keys(void **state)
{
	struct fixture *f = *state;
	const struct match_result *r;

	/* Products named with version and platform in the name only. */
	f->a = adv_new("ADV-NAMES", 1);
	addp(f->a, "P-W", "3CX Desktop App 18.12.416 for Windows", NULL,
	    "18.12.416", NULL, NULL)
	    ->vendor = NULL;
	addp(f->a, "P-M", "3CX Desktop App (macOS)", NULL, "18.12.416", NULL,
	    NULL)
	    ->vendor = NULL;
	status(f->a, 0, ADV_STATUS_KNOWN_AFFECTED, "P-W", NULL);
	status(f->a, 0, ADV_STATUS_KNOWN_NOT_AFFECTED, "P-M", NULL);
	f->h = host("m", "macOS 13");
	sw(f->h, "3CXDesktopApp", NULL, "18.12.416", INV_SOURCE_APP_BUNDLE,
	    NULL, NULL);
	r = check(f, "3CXDesktopApp");
	assert_int_equal(r->verdict, MATCH_NOT_AFFECTED);
	assert_string_equal(r->product->id, "P-M");
}

int
main(void)
{
	int c;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_normalize),
	    cmocka_unit_test_setup_teardown(
		test_exact_version, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_platform_separation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fixed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_alias, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_purl_cpe, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_range_unusable, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_install_state, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_nomatch_and_vendor, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_packager_vendor, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fixed_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_name_keys, setup, teardown),
	};

	/* Without version comparison nothing here can be decided. */
	if (version_compare(VERSION_SCHEME_GENERIC, "1", "1", &c) ==
	    RP_ERR_UNSUPPORTED) {
		fprintf(stderr, "version comparison is not built: skipped\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
