/*
 * The blocklist renderers on small sets: the exact bytes of each format,
 * the same bytes whatever the order entries come in, duplicates written
 * once, CIDR blocks reduced to their network address and nested blocks
 * merged for nftables, and bad input refused with the reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "blocklist/blocklist.h"
#include "util/err.h"

struct in {
	enum blocklist_kind k;
	const char *v, *c;
};

static const struct in small[] = {
    {BLOCKLIST_DOMAIN, "Evil.EXAMPLE.", "3CX C2"},
    {BLOCKLIST_ADDR, "198.51.100.7/24", NULL},
    {BLOCKLIST_ADDR, "2001:DB8:0:0:1::1", NULL},
    {BLOCKLIST_DOMAIN, "a.test", NULL},
    {BLOCKLIST_ADDR, "198.51.100.9/25", NULL}, /* inside the /24 */
    {BLOCKLIST_URL, "https://evil.example/x", NULL},
    {BLOCKLIST_DOMAIN, "a.test.", NULL}, /* duplicate */
    {BLOCKLIST_ADDR, "2001:db8::/32", NULL},
};
#define NSMALL (sizeof(small) / sizeof(small[0]))

static struct blocklist *
make(int reverse)
{
	struct blocklist *bl = blocklist_new();
	const char *why = NULL;
	size_t i;

	assert_non_null(bl);
	for (i = 0; i < NSMALL; i++) {
		const struct in *e = &small[reverse ? NSMALL - 1 - i : i];
		assert_int_equal(blocklist_add(bl, e->k, e->v, e->c, &why), 0);
	}
	return bl;
}

static char *
render(const struct blocklist *bl, enum blocklist_format f,
    const struct blocklist_opts *o, size_t *skipped)
{
	struct blocklist_report rep;
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(blocklist_render(bl, f, o, &out, &len, &rep), 0);
	*skipped = rep.skipped;
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	return out;
}

static void
expect(enum blocklist_format f, const struct blocklist_opts *o,
    const char *want, size_t want_skipped)
{
	struct blocklist *a = make(0), *b = make(1);
	size_t sa = 99, sb = 99;
	char *oa = render(a, f, o, &sa), *ob = render(b, f, o, &sb);

	assert_string_equal(oa, want);
	assert_string_equal(ob, want);
	assert_int_equal(sa, want_skipped);
	assert_int_equal(sb, want_skipped);
	free(oa);
	free(ob);
	blocklist_free(a);
	blocklist_free(b);
}

static void
test_hosts(void **state)
{
	expect(BLOCKLIST_HOSTS, NULL,
	    "# Rampart blocklist (hosts file; exact names only, subdomains "
	    "are not blocked)\n"
	    "0.0.0.0 a.test\n"
	    "# 3CX C2\n"
	    "0.0.0.0 evil.example\n",
	    5);
}

static void
test_dnsmasq(void **state)
{
	struct blocklist_opts o = {.sinkhole4 = "192.0.2.1"};

	expect(BLOCKLIST_DNSMASQ, NULL,
	    "# Rampart blocklist (dnsmasq conf-file)\n"
	    "address=/a.test/\n"
	    "# 3CX C2\n"
	    "address=/evil.example/\n",
	    5);
	expect(BLOCKLIST_DNSMASQ, &o,
	    "# Rampart blocklist (dnsmasq conf-file)\n"
	    "address=/a.test/192.0.2.1\n"
	    "# 3CX C2\n"
	    "address=/evil.example/192.0.2.1\n",
	    5);
}

static void
test_unbound(void **state)
{
	struct blocklist_opts o = {.sinkhole6 = "2001:db8::53"};

	expect(BLOCKLIST_UNBOUND, NULL,
	    "# Rampart blocklist (Unbound include file)\n"
	    "server:\n"
	    "\tlocal-zone: \"a.test.\" always_nxdomain\n"
	    "# 3CX C2\n"
	    "\tlocal-zone: \"evil.example.\" always_nxdomain\n",
	    5);
	expect(BLOCKLIST_UNBOUND, &o,
	    "# Rampart blocklist (Unbound include file)\n"
	    "server:\n"
	    "\tlocal-zone: \"a.test.\" redirect\n"
	    "\tlocal-data: \"a.test. AAAA 2001:db8::53\"\n"
	    "# 3CX C2\n"
	    "\tlocal-zone: \"evil.example.\" redirect\n"
	    "\tlocal-data: \"evil.example. AAAA 2001:db8::53\"\n",
	    5);
}

static void
test_rpz(void **state)
{
	struct blocklist_opts o = {.rpz_serial = 2023032901};

	expect(BLOCKLIST_RPZ, &o,
	    "; Rampart blocklist (response policy zone)\n"
	    "$TTL 300\n"
	    "@ IN SOA localhost. hostmaster.localhost. 2023032901 3600 600 "
	    "86400 300\n"
	    "@ IN NS localhost.\n"
	    "a.test CNAME .\n*.a.test CNAME .\n"
	    "; 3CX C2\n"
	    "evil.example CNAME .\n*.evil.example CNAME .\n"
	    "24.0.100.51.198.rpz-ip CNAME .\n"
	    "25.0.100.51.198.rpz-ip CNAME .\n"
	    "32.zz.db8.2001.rpz-ip CNAME .\n"
	    "128.1.0.0.1.zz.db8.2001.rpz-ip CNAME .\n",
	    1);
}

static void
test_nft(void **state)
{
	expect(BLOCKLIST_NFT, NULL,
	    "# Rampart blocklist: replaces table inet rampart_blocklist "
	    "atomically (nft -f).\n"
	    "table inet rampart_blocklist\n"
	    "delete table inet rampart_blocklist\n"
	    "table inet rampart_blocklist {\n"
	    "\tset blocked4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n"
	    "\t\telements = {\n\t\t\t198.51.100.0/24\n\t\t}\n\t}\n"
	    "\tset blocked6 {\n\t\ttype ipv6_addr\n\t\tflags interval\n"
	    "\t\telements = {\n\t\t\t2001:db8::/32\n\t\t}\n\t}\n"
	    "\tchain input {\n"
	    "\t\ttype filter hook input priority filter - 10; policy accept;\n"
	    "\t\tip saddr @blocked4 drop\n\t\tip6 saddr @blocked6 drop\n\t}\n"
	    "\tchain forward {\n"
	    "\t\ttype filter hook forward priority filter - 10; policy "
	    "accept;\n"
	    "\t\tip saddr @blocked4 drop\n\t\tip daddr @blocked4 drop\n"
	    "\t\tip6 saddr @blocked6 drop\n\t\tip6 daddr @blocked6 drop\n\t}\n"
	    "\tchain output {\n"
	    "\t\ttype filter hook output priority filter - 10; policy accept;\n"
	    "\t\tip daddr @blocked4 drop\n\t\tip6 daddr @blocked6 drop\n\t}\n"
	    "}\n",
	    3);
}

/* Host bits cleared, the address written canonically, /32 as a host. */
static void
test_cidr_normalised(void **state)
{
	static const char *const in[][2] = {
	    {"10.1.2.3/8", "8.0.0.0.10.rpz-ip"},
	    {"192.0.2.1/32", "32.1.2.0.192.rpz-ip"},
	    {"2001:0db8:00:0::ffff/64", "64.zz.db8.2001.rpz-ip"},
	    {"::1", "128.1.zz.rpz-ip"},
	    {"fe80:0:0:1:0:0:0:0/64", "64.zz.1.0.0.fe80.rpz-ip"},
	    {"1:0:2:0:3:0:4:0", "128.0.4.0.3.0.2.0.1.rpz-ip"},
	};
	size_t i, sk;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct blocklist *bl = blocklist_new();
		char *out;
		assert_int_equal(
		    blocklist_add(bl, BLOCKLIST_ADDR, in[i][0], NULL, NULL), 0);
		out = render(bl, BLOCKLIST_RPZ, NULL, &sk);
		if (strstr(out, in[i][1]) == NULL)
			fail_msg("%s: want %s in\n%s", in[i][0], in[i][1], out);
		free(out);
		blocklist_free(bl);
	}
}

/* Duplicates keep the smallest comment, whichever came first. */
static void
test_duplicate_comment(void **state)
{
	static const char *const c[2] = {"second source", "first source"};
	char *out[2];
	size_t i, sk;

	for (i = 0; i < 2; i++) {
		struct blocklist *bl = blocklist_new();
		assert_int_equal(blocklist_add(bl, BLOCKLIST_DOMAIN,
				     "x.example", c[i], NULL),
		    0);
		assert_int_equal(blocklist_add(bl, BLOCKLIST_DOMAIN,
				     "X.example.", c[1 - i], NULL),
		    0);
		out[i] = render(bl, BLOCKLIST_DNSMASQ, NULL, &sk);
		blocklist_free(bl);
	}
	assert_string_equal(out[0],
	    "# Rampart blocklist (dnsmasq conf-file)\n"
	    "# first source\n"
	    "address=/x.example/\n");
	assert_string_equal(out[0], out[1]);
	free(out[0]);
	free(out[1]);
}

static void
test_refused(void **state)
{
	static const struct in bad[] = {
	    {BLOCKLIST_ADDR, "10.0.0.0/0", NULL},
	    {BLOCKLIST_ADDR, "10.0.0.0/33", NULL},
	    {BLOCKLIST_ADDR, "2001:db8::/129", NULL},
	    {BLOCKLIST_ADDR, "10.0.0.0/", NULL},
	    {BLOCKLIST_ADDR, "10.0.0.0/8x", NULL},
	    {BLOCKLIST_ADDR, "10.0.0.256", NULL},
	    {BLOCKLIST_ADDR, "evil.example", NULL},
	    {BLOCKLIST_DOMAIN, "evil", NULL},
	    {BLOCKLIST_DOMAIN, "evil example.com", NULL},
	    {BLOCKLIST_DOMAIN, "-evil.example", NULL},
	    {BLOCKLIST_DOMAIN, "10.0.0.1", NULL},
	    {BLOCKLIST_DOMAIN, "ok.example", "line\nbreak"},
	    {BLOCKLIST_DOMAIN, "ok.example", "a \"quote\""},
	    {BLOCKLIST_URL, "not a url", NULL},
	};
	struct blocklist *bl = blocklist_new();
	struct blocklist_opts o = {.sinkhole4 = "2001:db8::1"};
	struct blocklist_report rep = {7, 7, 7, 7};
	char *out = NULL;
	size_t i, len = 7, sk = 7;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;
		assert_int_equal(
		    blocklist_add(bl, bad[i].k, bad[i].v, bad[i].c, &why),
		    RP_ERR_INVALID);
		assert_non_null(why);
		assert_true(strlen(why) > 5);
	}
	/* A sinkhole of the wrong family: refused, out-params untouched. */
	assert_int_equal(
	    blocklist_render(bl, BLOCKLIST_DNSMASQ, &o, &out, &len, &rep),
	    RP_ERR_ARG);
	assert_null(out);
	assert_int_equal(len, 7);
	assert_int_equal(rep.skipped, 7);
	assert_int_equal(rep.written, 7);
	/* Nothing of the refused entries was kept. */
	out = render(bl, BLOCKLIST_HOSTS, NULL, &sk);
	assert_string_equal(out,
	    "# Rampart blocklist (hosts file; exact names "
	    "only, subdomains are not blocked)\n");
	assert_int_equal(sk, 0);
	free(out);
	blocklist_free(bl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hosts),
	    cmocka_unit_test(test_dnsmasq),
	    cmocka_unit_test(test_unbound),
	    cmocka_unit_test(test_rpz),
	    cmocka_unit_test(test_nft),
	    cmocka_unit_test(test_cidr_normalised),
	    cmocka_unit_test(test_duplicate_comment),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
