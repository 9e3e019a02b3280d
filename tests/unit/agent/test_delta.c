/*
 * The daemon's inventory delta (daemon_inv_delta) on real package
 * databases -- Debian 12's and Ubuntu 18.04's dpkg status files from
 * RAMPART_SHARED_DATA, read by the dpkg collector and written as the
 * native format's software objects, as the daemon uploads them: the
 * delta applied as the server applies it (remove by identity, then add)
 * turns the old list into the new one, every entry in it is needed (its
 * count in add or remove is exactly the difference of the two lists'
 * counts, checked the slow way with json_equal), identical lists give an
 * empty delta, duplicates count as a multiset.  The host's addresses an
 * upload carries: loopback, link-local and unspecified ones and items
 * the server would refuse left out, the rest in one order whatever the
 * kernel's, each once, at most 64; a delta's host carries them only when
 * they changed.  And the backoff: 1 s doubling to the cap, and waits
 * drawn within [0, backoff].
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
#include "daemon/daemon.h"
#include "inventory/inventory.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/str.h"

/* The software objects of dpkg status file name (under
 * RAMPART_SHARED_DATA/inventory/dpkg), as the daemon uploads them. */
static json_t *
software_of(const char *name)
{
	const char *data = getenv("RAMPART_SHARED_DATA");
	const struct inv_host *hv[1];
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	char *path, *buf;
	json_t *j, *sw;
	long len;
	FILE *f;

	if (data == NULL)
		fail_msg("RAMPART_SHARED_DATA is not set");
	path = rp_asprintf("%s/inventory/dpkg/%s", data, name);
	assert_non_null(path);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("%s is missing", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	assert_int_equal(dpkg_status_parse(buf, (size_t)len, path, h, d), 0);
	assert_true(h->nsw > 50);
	assert_int_equal(inv_host_set(h, "t", NULL, NULL, NULL), 0);
	hv[0] = h;
	j = inv_native_write(hv, 1);
	assert_non_null(j);
	sw = json_object_get(
	    json_array_get(json_object_get(j, "hosts"), 0), "software");
	json_incref(sw);
	json_decref(j);
	free(buf);
	free(path);
	rp_diags_free(d);
	inv_host_free(h);
	return sw;
}

/* How many entries of arr equal o (the slow way). */
static size_t
count(const json_t *arr, const json_t *o)
{
	size_t i, n = 0;

	for (i = 0; i < json_array_size(arr); i++)
		n += json_equal(json_array_get(arr, i), o) ? 1 : 0;
	return n;
}

/* The delta of before -> now is exactly what differs, and applying it
 * as the server does gives now. */
static void
check_delta(json_t *before, json_t *now, size_t want_add, size_t want_rm)
{
	json_t *add = NULL, *rm = NULL, *cur, *o;
	size_t i, j, k;

	assert_int_equal(daemon_inv_delta(before, now, &add, &rm), 0);
	assert_int_equal(json_array_size(add), want_add);
	assert_int_equal(json_array_size(rm), want_rm);
	for (i = 0; i < json_array_size(add); i++) {
		o = json_array_get(add, i);
		assert_int_equal(
		    count(add, o), count(now, o) - count(before, o));
	}
	for (i = 0; i < json_array_size(rm); i++) {
		o = json_array_get(rm, i);
		assert_int_equal(
		    count(rm, o), count(before, o) - count(now, o));
	}
	/* the server's way: remove each by identity, then add */
	cur = json_deep_copy(before);
	assert_non_null(cur);
	for (i = 0; i < json_array_size(rm); i++) {
		o = json_array_get(rm, i);
		for (j = 0; j < json_array_size(cur); j++)
			if (json_equal(json_array_get(cur, j), o))
				break;
		assert_true(j < json_array_size(cur)); /* it was there */
		json_array_remove(cur, j);
	}
	assert_int_equal(json_array_extend(cur, add), 0);
	assert_int_equal(json_array_size(cur), json_array_size(now));
	for (k = 0; k < json_array_size(now); k++) {
		o = json_array_get(now, k);
		assert_int_equal(count(cur, o), count(now, o));
	}
	json_decref(cur);
	json_decref(add);
	json_decref(rm);
}

static void
test_identical(void **state)
{
	json_t *a = software_of("debian-12-status");
	json_t *b = software_of("debian-12-status");

	(void)state;
	check_delta(a, b, 0, 0);
	json_decref(a);
	json_decref(b);
}

static void
test_other_system(void **state)
{
	json_t *deb = software_of("debian-12-status");
	json_t *ubu = software_of("ubuntu-18.04-status");
	json_t *add = NULL, *rm = NULL;
	size_t shared = 0, i;

	(void)state;
	for (i = 0; i < json_array_size(deb); i++)
		shared += count(ubu, json_array_get(deb, i)) > 0;
	/* two unrelated systems: (almost) everything differs */
	check_delta(deb, ubu, json_array_size(ubu) - shared,
	    json_array_size(deb) - shared);
	check_delta(ubu, deb, json_array_size(deb) - shared,
	    json_array_size(ubu) - shared);
	assert_int_equal(daemon_inv_delta(deb, ubu, &add, &rm), 0);
	json_decref(add);
	json_decref(rm);
	json_decref(deb);
	json_decref(ubu);
}

static void
test_upgrade(void **state)
{
	json_t *before = software_of("debian-12-status");
	json_t *now = json_deep_copy(before), *o;
	size_t i, n = json_array_size(now);

	(void)state;
	assert_non_null(now);
	/* 10 removed, 5 upgraded (a new version: one out, one in), one
	   installed twice (an identical entry counts twice), the order
	   shuffled (order does not matter) */
	for (i = 0; i < 10; i++)
		json_array_remove(now, n - 1 - i * 7);
	for (i = 0; i < 5; i++) {
		o = json_array_get(now, i * 31);
		json_object_set_new(o, "version", json_string("99:1.0-1"));
	}
	json_array_append(now, json_array_get(now, 3));
	o = json_array_get(now, 0);
	json_incref(o);
	json_array_remove(now, 0);
	json_array_append_new(now, o);
	check_delta(before, now, 5 + 1, 10 + 5);
	json_decref(before);
	json_decref(now);
}

static void
test_refused(void **state)
{
	json_t *arr = json_pack("[{s:s}]", "name", "x");
	json_t *bad = json_pack("[s]", "x");
	json_t *obj = json_object(), *add = NULL, *rm = NULL;

	(void)state;
	assert_int_equal(daemon_inv_delta(arr, bad, &add, &rm), RP_ERR_INVALID);
	assert_int_equal(daemon_inv_delta(obj, arr, &add, &rm), RP_ERR_INVALID);
	assert_null(add);
	assert_null(rm);
	assert_int_equal(daemon_inv_delta(arr, arr, &add, &rm), 0);
	assert_int_equal(json_array_size(add) + json_array_size(rm), 0);
	json_decref(add);
	json_decref(rm);
	json_decref(arr);
	json_decref(bad);
	json_decref(obj);
}

/* daemon_inv_addresses of the JSON text in, as compact sorted JSON. */
static char *
chosen(const char *in, size_t *left)
{
	json_t *v = json_loads(in, 0, NULL), *out;
	char *t;

	assert_non_null(v);
	out = daemon_inv_addresses(v, left);
	assert_non_null(out);
	t = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
	assert_non_null(t);
	json_decref(out);
	json_decref(v);
	return t;
}

static void
test_addresses(void **state)
{
	/* As the collector lists them (loopback first), with what no
	 * upload carries and what the server would refuse. */
	static const char *const items[] = {
	    "{\"iface\": \"lo\", \"ip\": \"127.0.0.1\"}",
	    "{\"iface\": \"lo\", \"ip\": \"::1\"}",
	    "{\"iface\": \"eth0\", \"ip\": \"192.0.2.2\", \"mac\": "
	    "\"02:00:00:00:00:01\"}",
	    "{\"iface\": \"eth0\", \"ip\": \"fe80::fc:ff:fe00:1\", \"mac\": "
	    "\"02:00:00:00:00:01\"}",
	    "{\"iface\": \"eth0\", \"ip\": \"fd00::2\", \"mac\": "
	    "\"02:00:00:00:00:01\"}",
	    "{\"iface\": \"eth0\", \"ip\": \"169.254.7.1\"}",
	    "{\"iface\": \"eth0\", \"ip\": \"0.0.0.0\"}",
	    "{\"iface\": \"eth0\", \"ip\": \"::\"}",
	    "{\"iface\": \"eth0\", \"ip\": \"::ffff:127.0.0.2\"}",
	    "{\"iface\": \"eth0\", \"ip\": \"2001:DB8::9\"}",
	    "{\"iface\": \"eth0\", \"ip\": \"not an address\"}",
	    "{\"ip\": \"198.51.100.1\"}",
	    "{\"iface\": \"\", \"ip\": \"198.51.100.2\"}",
	    "{\"iface\": \"e\\u0001\", \"ip\": \"198.51.100.3\"}",
	    "{\"iface\": "
	    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "x\", "
	    "\"ip\": \"198.51.100.4\"}",
	    "{\"iface\": \"wg0\", \"ip\": \"10.8.0.2\", \"mac\": \"AA:BB\"}",
	    "{\"iface\": \"docker0\", \"ip\": \"172.17.0.1\"}",
	    "{\"iface\": \"eth0\", \"ip\": \"192.0.2.2\", \"mac\": "
	    "\"02:00:00:00:00:01\"}",
	    "{\"iface\": \"eth0\", \"ip\": \"10.0.0.9\"}",
	    "\"eth0\"",
	};
	static const char want[] =
	    "[{\"iface\":\"docker0\",\"ip\":\"172.17.0.1\"},"
	    "{\"iface\":\"eth0\",\"ip\":\"10.0.0.9\"},"
	    "{\"iface\":\"eth0\",\"ip\":\"192.0.2.2\",\"mac\":"
	    "\"02:00:00:00:00:01\"},"
	    "{\"iface\":\"eth0\",\"ip\":\"fd00::2\",\"mac\":"
	    "\"02:00:00:00:00:01\"},"
	    "{\"iface\":\"wg0\",\"ip\":\"10.8.0.2\"}]";
	const size_t n = sizeof(items) / sizeof(items[0]);
	struct rp_buf fwd, rev;
	size_t i, left = 99;
	char *t, *a, *b;

	(void)state;
	rp_buf_init(&fwd, 1 << 16);
	rp_buf_init(&rev, 1 << 16);
	for (i = 0; i < n; i++) {
		assert_int_equal(
		    rp_buf_appendf(&fwd, "%s%s", i ? "," : "[", items[i]), 0);
		assert_int_equal(rp_buf_appendf(&rev, "%s%s", i ? "," : "[",
				     items[n - 1 - i]),
		    0);
	}
	assert_int_equal(rp_buf_append(&fwd, "]"), 0);
	assert_int_equal(rp_buf_append(&rev, "]"), 0);
	a = rp_buf_take(&fwd);
	b = rp_buf_take(&rev);
	assert_non_null(a);
	assert_non_null(b);
	t = chosen(a, &left);
	assert_string_equal(t, want);
	assert_int_equal(left, 0);
	free(t);
	/* The same whatever order the kernel lists them in. */
	t = chosen(b, &left);
	assert_string_equal(t, want);
	free(t);
	free(a);
	free(b);
}

/* 70 addresses on eth0 in descending order: the first 64 in address
 * order are sent, 6 are left out. */
static void
test_addresses_cap(void **state)
{
	json_t *v = json_array(), *out;
	char ip[32];
	size_t left = 0;
	int i;

	(void)state;
	for (i = 69; i >= 0; i--) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 10, i % 10);
		assert_int_equal(
		    json_array_append_new(
			v, json_pack("{s:s,s:s}", "iface", "eth0", "ip", ip)),
		    0);
	}
	out = daemon_inv_addresses(v, &left);
	assert_non_null(out);
	assert_int_equal(json_array_size(out), DAEMON_UPLOAD_ADDRS);
	assert_int_equal(left, 70 - DAEMON_UPLOAD_ADDRS);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(out, 0), "ip")),
	    "10.0.0.0");
	assert_string_equal(
	    json_string_value(json_object_get(
		json_array_get(out, DAEMON_UPLOAD_ADDRS - 1), "ip")),
	    "10.0.6.3");
	json_decref(out);
	json_decref(v);
	/* None collected: none sent, and said so. */
	out = daemon_inv_addresses(NULL, &left);
	assert_non_null(out);
	assert_int_equal(json_array_size(out), 0);
	assert_int_equal(left, 0);
	json_decref(out);
}

/* A delta's host: the addresses only when they changed. */
static void
test_delta_host(void **state)
{
	json_t *a =
	    json_loads("{\"name\": \"ws-1\", \"addresses\": "
		       "[{\"iface\": \"eth0\", \"ip\": \"192.0.2.2\"}]}",
		0, NULL);
	json_t *b =
	    json_loads("{\"name\": \"ws-1\", \"addresses\": "
		       "[{\"iface\": \"eth0\", \"ip\": \"192.0.2.3\"}]}",
		0, NULL);
	json_t *none =
	    json_loads("{\"name\": \"ws-1\", \"addresses\": []}", 0, NULL);
	json_t *unsaid = json_loads("{\"name\": \"ws-2\"}", 0, NULL);
	json_t *h;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(none);
	assert_non_null(unsaid);
	h = daemon_inv_delta_host(a, a);
	assert_null(json_object_get(h, "addresses"));
	assert_string_equal(
	    json_string_value(json_object_get(h, "name")), "ws-1");
	json_decref(h);
	h = daemon_inv_delta_host(a, b);
	assert_true(json_equal(h, b));
	json_decref(h);
	h = daemon_inv_delta_host(a, none);
	assert_true(json_equal(h, none));
	json_decref(h);
	/* Before named none: the first ones are news. */
	h = daemon_inv_delta_host(unsaid, none);
	assert_true(json_equal(h, none));
	json_decref(h);
	h = daemon_inv_delta_host(a, unsaid);
	assert_true(json_equal(h, unsaid));
	json_decref(h);
	/* The caller's objects are not touched. */
	assert_non_null(json_object_get(a, "addresses"));
	json_decref(a);
	json_decref(b);
	json_decref(none);
	json_decref(unsaid);
}

static void
test_backoff(void **state)
{
	unsigned want[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300};
	unsigned cur = 0, i, low = 0, high = 0;
	uint64_t w;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cur = daemon_backoff_next(cur);
		assert_int_equal(cur, want[i]);
	}
	assert_int_equal(DAEMON_BACKOFF_MAX, 300);
	/* full jitter: anywhere in [0, backoff], both halves reached */
	for (i = 0; i < 2000; i++) {
		w = daemon_backoff_jitter(300);
		assert_true(w <= 300000);
		low += w < 150000;
		high += w >= 150000;
	}
	assert_true(low > 0 && high > 0);
	for (i = 0; i < 100; i++)
		assert_true(daemon_backoff_jitter(1) <= 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_identical),
	    cmocka_unit_test(test_other_system),
	    cmocka_unit_test(test_upgrade),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_addresses_cap),
	    cmocka_unit_test(test_delta_host),
	    cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
