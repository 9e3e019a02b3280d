/*
 * Unit tests of what the agent adds to a host besides software: install
 * states, addresses, processes and connections, through both formats
 * (write -> read gives the same host), their equality, and the warnings
 * for unusable items.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inventory/inventory.h"
#include "json/rpjson.h"
#include "util/err.h"

#include "inv_test.h"

static struct inv_host *
live_host(void)
{
	struct inv_host *h = inv_host_new();
	struct inv_software sw = {0};
	struct inv_addr a = {0};
	struct inv_process p = {0};
	struct inv_conn c = {0};

	assert_non_null(h);
	assert_int_equal(
	    inv_host_set(h, "pbx01", "Debian GNU/Linux", "12", "x86_64"), 0);
	sw.name = "3cxpbx";
	sw.version = "18.0.8.23";
	sw.source = INV_SOURCE_DPKG;
	sw.scheme = VERSION_SCHEME_DEB;
	assert_int_equal(inv_host_add_software(h, &sw), 0);
	sw.name = "old-tool";
	sw.state = "config-files";
	assert_int_equal(inv_host_add_software(h, &sw), 0);
	a.iface = "lo";
	a.ip = "127.0.0.1";
	assert_int_equal(inv_host_add_addr(h, &a), 0);
	a.iface = "eth0";
	a.ip = "fe80::5054:ff:fe12:3456";
	a.mac = "52:54:00:12:34:56";
	assert_int_equal(inv_host_add_addr(h, &a), 0);
	p.pid = 1;
	p.cmdline = "/sbin/init splash \"quoted\" back\\slash ünïcode";
	p.exe = "/usr/lib/systemd/systemd";
	assert_int_equal(inv_host_add_process(h, &p), 0);
	p.pid = 4242;
	p.exe = NULL; /* not readable without privilege */
	p.cmdline = NULL;
	assert_int_equal(inv_host_add_process(h, &p), 0);
	c.proto = "tcp";
	c.local_ip = "0.0.0.0";
	c.local_port = 5060;
	c.state = "listen";
	c.pid = 1;
	assert_int_equal(inv_host_add_conn(h, &c), 0);
	c.local_ip = "10.0.0.5";
	c.local_port = 40000;
	c.remote_ip = "2001:db8::1";
	c.remote_port = 443;
	c.state = "established";
	c.pid = -1;
	assert_int_equal(inv_host_add_conn(h, &c), 0);
	return h;
}

static void
test_equal(void **state)
{
	struct inv_host *a = live_host(), *b = live_host();

	assert_true(inv_host_equal(a, b));
	b->sw[1].state = "half-installed";
	assert_false(inv_host_equal(a, b));
	b->sw[1].state = a->sw[1].state;
	b->addrs[1].mac = NULL;
	assert_false(inv_host_equal(a, b));
	b->addrs[1].mac = a->addrs[1].mac;
	b->procs[0].pid = 2;
	assert_false(inv_host_equal(a, b));
	b->procs[0].pid = 1;
	b->conns[1].remote_port = 80;
	assert_false(inv_host_equal(a, b));
	b->conns[1].remote_port = 443;
	b->nconns--;
	assert_false(inv_host_equal(a, b));
	b->nconns++;
	assert_true(inv_host_equal(a, b));
	inv_host_free(a);
	inv_host_free(b);
}

static void
test_native_round_trip(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_host *h = live_host();
	struct inv_set *back = inv_set_new();
	const struct inv_host *hv[1] = {h};
	json_t *j, *again;

	j = inv_native_write(hv, 1);
	again = reparse(j);
	assert_int_equal(inv_native_read(again, back, d), 0);
	dump_diags(d);
	assert_int_equal(d->nwarnings + d->nerrors, 0);
	assert_int_equal(back->n, 1);
	assert_host_equal(h, back->hosts[0]);
	assert_string_equal(back->hosts[0]->sw[1].state, "config-files");
	assert_int_equal(back->hosts[0]->conns[1].pid, -1);
	json_decref(j);
	json_decref(again);
	inv_set_free(back);
	inv_host_free(h);
	rp_diags_free(d);
}

static void
test_cyclonedx_round_trip(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_host *h = live_host(), *back = NULL;
	json_t *bom, *again;

	bom = cyclonedx_write(h);
	again = reparse(bom);
	assert_int_equal(cyclonedx_read(again, &back, d), 0);
	dump_diags(d);
	assert_int_equal(d->nwarnings + d->nerrors, 0);
	assert_host_equal(h, back);
	assert_null(back->conns[0].remote_ip);
	json_decref(bom);
	json_decref(again);
	inv_host_free(back);
	inv_host_free(h);
	rp_diags_free(d);
}

static int
read_native(const char *text, struct inv_set *set, struct rp_diags *d)
{
	json_t *root = rpjson_load_buf(text, strlen(text), d);
	int r;

	assert_non_null(root);
	r = inventory_read_json(root, set, d);
	json_decref(root);
	return r;
}

/* Bad items are skipped with a warning at their pointer; good ones stay. */
static void
test_bad_items(void **state)
{
	static const char *const warned[] = {
	    "/hosts/0/addresses/0/ip",
	    "/hosts/0/addresses/1", /* "ip" is missing */
	    "/hosts/0/processes/0/pid",
	    "/hosts/0/processes/1", /* "pid" is missing */
	    "/hosts/0/connections/0/local_port",
	    "/hosts/0/connections/1", /* "proto" is missing */
	    "/hosts/0/connections/2",
	};
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();
	const struct inv_host *h;
	size_t i;

	assert_int_equal(
	    read_native("{\"rampart_inventory\":1,\"hosts\":[{\"name\":\"h\","
			"\"addresses\":[{\"ip\":\"999.1.1.1\"},{\"iface\":"
			"\"eth0\"},{\"ip\":\"::1\",\"iface\":\"lo\"}],"
			"\"processes\":[{\"pid\":-5},{\"exe\":\"/bin/sh\"},"
			"{\"pid\":7}],"
			"\"connections\":[{\"proto\":\"tcp\",\"local_ip\":"
			"\"1.2.3.4\",\"local_port\":70000},{\"local_ip\":"
			"\"1.2.3.4\"},[],{\"proto\":\"udp\",\"local_ip\":"
			"\"::\",\"local_port\":53,\"state\":\"unconn\"}]}]}",
		set, d),
	    0);
	for (i = 0; i < sizeof(warned) / sizeof(warned[0]); i++) {
		if (!has_diag(d, RP_DIAG_WARNING, warned[i])) {
			dump_diags(d);
			fail_msg("no warning at %s", warned[i]);
		}
	}
	assert_int_equal(d->nwarnings, sizeof(warned) / sizeof(warned[0]));
	h = set->hosts[0];
	assert_int_equal(h->naddrs, 1);
	assert_string_equal(h->addrs[0].ip, "::1");
	assert_int_equal(h->nprocs, 1);
	assert_int_equal(h->procs[0].pid, 7);
	assert_int_equal(h->nconns, 1);
	assert_int_equal(h->conns[0].local_port, 53);
	assert_int_equal(h->conns[0].pid, -1);
	inv_set_free(set);
	rp_diags_free(d);
}

/* A host property whose value is not the JSON of an item is ignored. */
static void
test_bad_cyclonedx_property(void **state)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();
	const struct inv_host *h;

	assert_int_equal(
	    read_native("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
			"\"metadata\":{\"component\":{\"name\":\"h\","
			"\"properties\":["
			"{\"name\":\"rampart:host:address\",\"value\":\"{\"},"
			"{\"name\":\"rampart:host:process\",\"value\":"
			"\"{\\\"pid\\\":\\\"x\\\"}\"},"
			"{\"name\":\"rampart:host:connection\",\"value\":"
			"\"{\\\"proto\\\":\\\"tcp\\\",\\\"local_ip\\\":"
			"\\\"::\\\",\\\"local_port\\\":22}\"}]}}}",
		set, d),
	    0);
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/metadata/component/"
	    "properties/0"));
	assert_true(has_diag(d, RP_DIAG_WARNING,
	    "/metadata/component/"
	    "properties/1/pid"));
	assert_int_equal(d->nwarnings, 2);
	h = set->hosts[0];
	assert_int_equal(h->naddrs + h->nprocs, 0);
	assert_int_equal(h->nconns, 1);
	assert_int_equal(h->conns[0].local_port, 22);
	inv_set_free(set);
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_equal),
	    cmocka_unit_test(test_native_round_trip),
	    cmocka_unit_test(test_cyclonedx_round_trip),
	    cmocka_unit_test(test_bad_items),
	    cmocka_unit_test(test_bad_cyclonedx_property),
	};

	(void)fixture; /* shared helper, no fixture files needed here */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
