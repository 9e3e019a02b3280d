/*
 * Unit tests of the /proc/net/{tcp,udp}[6] parser on sample tables built
 * in this machine's byte order (as the kernel prints them): addresses,
 * ports, states, owners by socket inode, and malformed lines.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "collectors/collectors.h"
#include "util/err.h"

#define HEADER                                                                 \
	"  sl  local_address rem_address   st tx_queue rx_queue tr "           \
	"tm->when retrnsmt   uid  timeout inode\n"

/* The kernel's %08X of each 32-bit word of the address, in buf. */
static const char *
hexaddr(const char *ip, char *buf, size_t len)
{
	unsigned char raw[16];
	uint32_t w;
	size_t i, n;
	int v6 = strchr(ip, ':') != NULL;

	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, ip, raw), 1);
	n = v6 ? 4 : 1;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		memcpy(&w, raw + i * 4, 4);
		snprintf(buf + i * 8, len - i * 8, "%08X", w);
	}
	return buf;
}

static void
line(char *out, size_t len, int sl, const char *lip, unsigned lport,
    const char *rip, unsigned rport, unsigned st, unsigned long inode)
{
	char a[40], b[40];
	size_t o = strlen(out);

	snprintf(out + o, len - o,
	    "%4d: %s:%04X %s:%04X %02X 00000000:00000000 00:00000000 "
	    "00000000  1000        0 %lu 1 0000000000000000 100 0 0 10 0\n",
	    sl, hexaddr(lip, a, sizeof(a)), lport, hexaddr(rip, b, sizeof(b)),
	    rport, st, inode);
}

static void
test_tcp4(void **state)
{
	static const struct proc_sock socks[] = {
	    {100, 7}, {200, 8}, {200, 9}, {300, 10}};
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	char text[4096] = HEADER;

	line(text, sizeof(text), 0, "0.0.0.0", 22, "0.0.0.0", 0, 0x0a, 100);
	line(text, sizeof(text), 1, "192.168.1.5", 22, "10.1.2.3", 51234, 0x01,
	    200);
	line(text, sizeof(text), 2, "127.0.0.1", 631, "127.0.0.1", 40000, 0x06,
	    0);
	line(text, sizeof(text), 3, "10.0.0.1", 1, "10.0.0.2", 2, 0x08, 999);
	assert_int_equal(proc_net_parse(text, strlen(text), "/proc/net/tcp",
			     "tcp", 0, socks, 4, h, d),
	    0);
	assert_int_equal(d->n, 0);
	assert_int_equal(h->nconns, 4);
	assert_string_equal(h->conns[0].proto, "tcp");
	assert_string_equal(h->conns[0].local_ip, "0.0.0.0");
	assert_int_equal(h->conns[0].local_port, 22);
	assert_null(h->conns[0].remote_ip);
	assert_string_equal(h->conns[0].state, "listen");
	assert_int_equal(h->conns[0].pid, 7);
	assert_string_equal(h->conns[1].local_ip, "192.168.1.5");
	assert_string_equal(h->conns[1].remote_ip, "10.1.2.3");
	assert_int_equal(h->conns[1].remote_port, 51234);
	assert_string_equal(h->conns[1].state, "established");
	assert_int_equal(h->conns[1].pid, 8); /* the lowest pid holding it */
	assert_string_equal(h->conns[2].state, "time_wait");
	assert_int_equal(h->conns[2].pid, -1); /* inode 0: no owner */
	assert_string_equal(h->conns[3].state, "close_wait");
	assert_int_equal(h->conns[3].pid, -1); /* not in the map */
	inv_host_free(h);
	rp_diags_free(d);
}

static void
test_udp6(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	char text[4096] = HEADER;

	line(text, sizeof(text), 0, "::", 5353, "::", 0, 0x07, 5);
	line(
	    text, sizeof(text), 1, "2001:db8::1", 53, "fe80::1", 4242, 0x01, 6);
	assert_int_equal(proc_net_parse(text, strlen(text), "/proc/net/udp6",
			     "udp", 1, NULL, 0, h, d),
	    0);
	assert_int_equal(h->nconns, 2);
	assert_string_equal(h->conns[0].local_ip, "::");
	assert_string_equal(h->conns[0].state, "unconn");
	assert_null(h->conns[0].remote_ip);
	assert_string_equal(h->conns[1].local_ip, "2001:db8::1");
	assert_string_equal(h->conns[1].remote_ip, "fe80::1");
	assert_string_equal(h->conns[1].state, "established");
	assert_int_equal(h->conns[1].pid, -1);
	inv_host_free(h);
	rp_diags_free(d);
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = {
	    "   0: 0100007F:0277 00000000:0000 0A\n", /* short */
	    "   0: 0100007G:0277 00000000:0000 0A 0 0 0 0 0 1\n", /* hex */
	    "   0: 0100007F:10000 00000000:0000 0A 0 0 0 0 0 1\n", /* port */
	    "   0: 0100007F:0277 00000000:0000 0D 0 0 0 0 0 1\n", /* state */
	    "   0: 0100007F:0277 00000000:0000 00 0 0 0 0 0 1\n", /* state */
	    "   0: 00007F:0277 00000000:0000 0A 0 0 0 0 0 1\n", /* short */
	    "   0: 0100007F:0277 00000000:0000 0A 0 0 0 0 0 1x\n", /* inode */
	    "   0 0100007F:0277 00000000:0000 0A 0 0 0 0 0 1\n", /* sl */
	    "   0: 0100007F0277 00000000:0000 0A 0 0 0 0 0 1\n", /* colon */
	};
	char text[512];
	struct inv_host *h;
	struct rp_diags *d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h = inv_host_new();
		d = rp_diags_new();
		snprintf(text, sizeof(text), "%s%s", HEADER, bad[i]);
		assert_int_equal(proc_net_parse(text, strlen(text), "tcp",
				     "tcp", 0, NULL, 0, h, d),
		    RP_ERR_INVALID);
		assert_int_equal(h->nconns, 0);
		assert_int_equal(d->nerrors, 1);
		assert_int_equal(d->v[0].line, 2);
		assert_non_null(strstr(d->v[0].msg, "tcp:2: not a socket"));
		inv_host_free(h);
		rp_diags_free(d);
	}
	/* A good line after a bad one is still read. */
	h = inv_host_new();
	d = rp_diags_new();
	snprintf(text, sizeof(text), "%sjunk\n%s", HEADER,
	    "   1: 0100007F:0277 00000000:0000 0A 0 0 0 0 0 1\n");
	assert_int_equal(
	    proc_net_parse(text, strlen(text), "tcp", "tcp", 0, NULL, 0, h, d),
	    RP_ERR_INVALID);
	assert_int_equal(h->nconns, 1);
	assert_int_equal(h->conns[0].local_port, 0x277);
	inv_host_free(h);
	rp_diags_free(d);
}

/* The live collectors run and find at least this process. */
static void
test_live(void **state)
{
	struct inv_host *h = inv_host_new();
	struct rp_diags *d = rp_diags_new();
	size_t i;
	long me = (long)getpid();
	int found = 0;

	assert_int_equal(collect_processes(h, d), 0);
	for (i = 0; i < h->nprocs; i++) {
		if (h->procs[i].pid == me) {
			found = 1;
			assert_non_null(h->procs[i].cmdline);
			assert_non_null(
			    strstr(h->procs[i].cmdline, "test_procnet"));
		}
	}
	assert_true(found);
	assert_int_equal(collect_connections(h, d), 0);
	assert_int_equal(d->nerrors, 0);
	inv_host_free(h);
	rp_diags_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp4),
	    cmocka_unit_test(test_udp6),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
