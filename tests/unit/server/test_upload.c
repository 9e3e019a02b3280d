/*
 * The host's addresses in an inventory upload as rampartd checks them
 * (src/server/findings/intake.c, fnd_upload_parse): taken in order, in
 * full and delta uploads, absent meaning "not said" and [] meaning
 * "none"; and every malformed one (type, count, keys, an address that is
 * not one or not in canonical text, an interface name, a link address)
 * refusing the whole upload with the pointer of what is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "findings/findings.h"
#include "util/err.h"

#define SW                                                                     \
	"{\"name\": \"curl\", \"version\": \"7.88.1-10\", \"source\": "        \
	"\"dpkg\"}"

/* A full upload whose host has the members host (JSON text). */
static json_t *
full_with(const char *host)
{
	char text[16384];
	json_t *v;

	snprintf(text, sizeof(text),
	    "{\"seq\": 1, \"kind\": \"full\", \"host\": {\"name\": "
	    "\"ws-1\"%s%s}, "
	    "\"software\": [" SW "]}",
	    host[0] ? ", " : "", host);
	/* NULs allowed: the checks must not take "1.2.3.4\0x" for 1.2.3.4 */
	v = json_loads(text, JSON_ALLOW_NUL, NULL);
	if (v == NULL)
		fail_msg("not JSON: %s", text);
	return v;
}

static struct fnd_upload *
parse_ok(json_t *v)
{
	struct fnd_upload *u = NULL;
	struct fnd_err e;

	memset(&e, 0, sizeof(e));
	if (fnd_upload_parse(v, &u, &e) != 0)
		fail_msg("refused: %s: %s", e.field, e.msg);
	json_decref(v);
	return u;
}

static void
test_taken(void **state)
{
	struct fnd_upload *u;

	(void)state;
	u = parse_ok(full_with(
	    "\"addresses\": [{\"iface\": \"eth0\", \"ip\": \"192.0.2.7\", "
	    "\"mac\": \"52:54:00:12:34:56\"}, {\"ip\": \"2001:db8::7\", "
	    "\"iface\": \"wg0\"}, {\"ip\": \"::ffff:192.0.2.1\", \"iface\": "
	    "\"Ethernet 2\", \"mac\": null}, {\"ip\": \"fd00::2\", \"iface\": "
	    "\"br-\xc3\xa9t\xc3\xa9\", \"mac\": "
	    "\"00:00:5e:00:53:01:00:01\"}]"));
	assert_true(u->have_addrs);
	assert_int_equal(u->naddrs, 4);
	assert_string_equal(u->addrs[0].ip, "192.0.2.7");
	assert_string_equal(u->addrs[0].iface, "eth0");
	assert_string_equal(u->addrs[0].mac, "52:54:00:12:34:56");
	assert_string_equal(u->addrs[1].ip, "2001:db8::7");
	assert_string_equal(u->addrs[1].mac, "");
	assert_string_equal(u->addrs[2].ip, "::ffff:192.0.2.1");
	assert_string_equal(u->addrs[2].iface, "Ethernet 2");
	assert_string_equal(u->addrs[2].mac, "");
	assert_string_equal(u->addrs[3].iface, "br-\xc3\xa9t\xc3\xa9");
	assert_string_equal(u->addrs[3].mac, "00:00:5e:00:53:01:00:01");
	assert_string_equal(u->name, "ws-1");
	assert_int_equal(u->nadd, 1);
	fnd_upload_free(u);

	/* Not said: the host's addresses stay as they are. */
	u = parse_ok(full_with(""));
	assert_false(u->have_addrs);
	assert_int_equal(u->naddrs, 0);
	fnd_upload_free(u);
	/* Said to be none. */
	u = parse_ok(full_with("\"addresses\": []"));
	assert_true(u->have_addrs);
	assert_int_equal(u->naddrs, 0);
	fnd_upload_free(u);
	/* A delta carries them when they changed, without other host
	 * fields; or not at all. */
	u = parse_ok(json_loads(
	    "{\"seq\": 3, \"kind\": \"delta\", \"base\": 2, \"host\": "
	    "{\"addresses\": [{\"ip\": \"10.1.2.3\", \"iface\": \"eth1\"}]}, "
	    "\"add\": [], \"remove\": []}",
	    0, NULL));
	assert_true(u->have_addrs);
	assert_int_equal(u->naddrs, 1);
	assert_string_equal(u->addrs[0].ip, "10.1.2.3");
	assert_null(u->name);
	fnd_upload_free(u);
	u = parse_ok(json_loads("{\"seq\": 3, \"kind\": \"delta\", \"base\": "
				"2, \"add\": [], \"remove\": []}",
	    0, NULL));
	assert_false(u->have_addrs);
	fnd_upload_free(u);
}

/* "addresses": n addresses 10.0.i/256.i%256 on eth0 (JSON text). */
static char *
many(size_t n)
{
	char *t = malloc(64 * n + 32);
	size_t off, i;

	assert_non_null(t);
	off = (size_t)snprintf(t, 32, "\"addresses\": [");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(t + off, 64,
		    "%s{\"ip\": \"10.0.%zu.%zu\", \"iface\": \"eth0\"}",
		    i ? ", " : "", i / 256, i % 256);
	snprintf(t + off, 4, "]");
	return t;
}

static void
test_cap(void **state)
{
	struct fnd_upload *u = NULL;
	struct fnd_err e;
	char *t;
	json_t *v;

	(void)state;
	t = many(FND_ADDRS_MAX);
	u = parse_ok(full_with(t));
	free(t);
	assert_int_equal(u->naddrs, FND_ADDRS_MAX);
	assert_string_equal(u->addrs[FND_ADDRS_MAX - 1].ip, "10.0.0.63");
	fnd_upload_free(u);
	t = many(FND_ADDRS_MAX + 1);
	v = full_with(t);
	free(t);
	u = NULL;
	memset(&e, 0, sizeof(e));
	assert_int_equal(fnd_upload_parse(v, &u, &e), RP_ERR_INVALID);
	assert_null(u);
	assert_string_equal(e.field, "/host/addresses");
	assert_non_null(strstr(e.msg, "at most 64"));
	json_decref(v);
}

static void
test_refused(void **state)
{
	static const struct {
		const char *host, *field, *msg;
	} cases[] = {
	    {"\"addresses\": {\"ip\": \"192.0.2.7\"}", "/host/addresses",
		"array"},
	    {"\"addresses\": null", "/host/addresses", "array"},
	    {"\"addresses\": [\"192.0.2.7\"]", "/host/addresses/0",
		"expected an address"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\", \"iface\": \"eth0\"}, "
	     "{\"ip\": \"192.0.2.8\", \"iface\": \"eth0\", \"port\": 22}]",
		"/host/addresses/1", "unknown key \"port\""},
	    {"\"addresses\": [{\"iface\": \"eth0\"}]", "/host/addresses/0/ip",
		"IPv4 or IPv6"},
	    {"\"addresses\": [{\"ip\": 3232235777, \"iface\": \"eth0\"}]",
		"/host/addresses/0/ip", "IPv4 or IPv6"},
	    {"\"addresses\": [{\"ip\": \"999.1.1.1\", \"iface\": \"eth0\"}]",
		"/host/addresses/0/ip", "IPv4 or IPv6"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7 \", \"iface\": \"eth0\"}]",
		"/host/addresses/0/ip", "IPv4 or IPv6"},
	    {"\"addresses\": [{\"ip\": \"fe80::1%eth0\", \"iface\": "
	     "\"eth0\"}]",
		"/host/addresses/0/ip", "IPv4 or IPv6"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\\u0000x\", \"iface\": "
	     "\"eth0\"}]",
		"/host/addresses/0/ip", "IPv4 or IPv6"},
	    {"\"addresses\": [{\"ip\": \"www.example.com\", \"iface\": "
	     "\"eth0\"}]",
		"/host/addresses/0/ip", "IPv4 or IPv6"},
	    {"\"addresses\": [{\"ip\": \"2001:DB8::7\", \"iface\": \"eth0\"}]",
		"/host/addresses/0/ip", "canonical form: \"2001:db8::7\""},
	    {"\"addresses\": [{\"ip\": \"2001:db8:0:0::7\", \"iface\": "
	     "\"eth0\"}]",
		"/host/addresses/0/ip", "canonical form: \"2001:db8::7\""},
	    {"\"addresses\": [{\"ip\": \"::ffff:c000:0207\", \"iface\": "
	     "\"eth0\"}]",
		"/host/addresses/0/ip", "canonical form: \"::ffff:192.0.2.7\""},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\"}]",
		"/host/addresses/0/iface", "interface"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\", \"iface\": \"\"}]",
		"/host/addresses/0/iface", "interface"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\", \"iface\": \"eth\\t0\"}]",
		"/host/addresses/0/iface", "control"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\", \"iface\": "
	     "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	     "x"
	     "x\"}]",
		"/host/addresses/0/iface", "64 bytes"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\", \"iface\": [\"eth0\"]}]",
		"/host/addresses/0/iface", "interface"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\", \"iface\": \"eth0\", "
	     "\"mac\": \"52:54:00:12:34:5g\"}]",
		"/host/addresses/0/mac", "link address"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\", \"iface\": \"eth0\", "
	     "\"mac\": \"52-54-00-12-34-56\"}]",
		"/host/addresses/0/mac", "link address"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\", \"iface\": \"eth0\", "
	     "\"mac\": \"52:54:00:12:34:56:\"}]",
		"/host/addresses/0/mac", "link address"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\", \"iface\": \"eth0\", "
	     "\"mac\": \"52:54:00:AB:34:56\"}]",
		"/host/addresses/0/mac", "lower-case"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\", \"iface\": \"eth0\", "
	     "\"mac\": \"\"}]",
		"/host/addresses/0/mac", "link address"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\", \"iface\": \"eth0\", "
	     "\"mac\": 5}]",
		"/host/addresses/0/mac", "link address"},
	    {"\"addresses\": [{\"ip\": \"192.0.2.7\", \"iface\": \"eth0\", "
	     "\"mac\": "
	     "\"00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:"
	     "14\"}]",
		"/host/addresses/0/mac", "link address"},
	    /* An unknown host member, as for the other host fields. */
	    {"\"addrs\": []", "/host", "unknown key \"addrs\""},
	};
	struct fnd_upload *u;
	struct fnd_err e;
	size_t i;
	json_t *v;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = full_with(cases[i].host);
		u = NULL;
		memset(&e, 0, sizeof(e));
		assert_int_equal(fnd_upload_parse(v, &u, &e), RP_ERR_INVALID);
		assert_null(u);
		if (strcmp(e.field, cases[i].field) != 0 ||
		    strstr(e.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: %s: %s, expected %s: ...%s...", i,
			    e.field, e.msg, cases[i].field, cases[i].msg);
		json_decref(v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_taken),
	    cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
