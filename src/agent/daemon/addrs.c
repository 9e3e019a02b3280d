/*
 * The host's addresses in the daemon's inventory uploads
 * (docs/agent-protocol.md, "What the agent sends"): of what the host
 * collector found, the addresses that can tell this host from another
 * in a log line, in an order that does not depend on the order the
 * kernel lists them in (so an unchanged machine sends no delta), each
 * item in the form the server checks, so that one odd interface never
 * gets a whole inventory refused.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "proto/proto.h"

_Static_assert(DAEMON_UPLOAD_ADDRS == PROTO_ADDRS_MAX,
    "the agent sends as many addresses as the server takes");

/* One address that may be sent. */
struct cand {
	unsigned char b[16];
	int v6;
	const char *iface;
	const char *mac; /* NULL: none */
	const char *ip;
};

/* Loopback, link-local and unspecified IPv4 (0/8, 127/8,
 * 169.254/16). */
static int
v4_local(const unsigned char *b)
{
	return b[0] == 0 || b[0] == 127 || (b[0] == 169 && b[1] == 254);
}

/* The same for IPv6 (::, ::1, fe80::/10), and IPv4-mapped ones as
 * IPv4. */
static int
v6_local(const unsigned char *b)
{
	static const unsigned char mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	size_t i;

	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return 1;
	if (memcmp(b, mapped, sizeof(mapped)) == 0)
		return v4_local(b + 12);
	for (i = 0; i < 15 && b[i] == 0; i++)
		;
	return i == 15 && b[15] <= 1;
}

/* Item o as a candidate; 0 when it is not one to send. */
static int
cand_of(const json_t *o, struct cand *c)
{
	const char *ip = json_string_value(json_object_get(o, "ip"));
	char canon[PROTO_IP_MAX + 1];
	int v;

	memset(c, 0, sizeof(*c));
	c->iface = json_string_value(json_object_get(o, "iface"));
	c->mac = json_string_value(json_object_get(o, "mac"));
	if (ip == NULL || c->iface == NULL ||
	    !proto_iface_ok(c->iface, strlen(c->iface)) ||
	    (v = proto_ip_parse(ip, c->b, canon)) == 0)
		return 0;
	c->v6 = v == 6;
	if (c->v6 ? v6_local(c->b) : v4_local(c->b))
		return 0;
	/* The server takes only the canonical text (the collector writes
	 * it; an item read from elsewhere may not be). */
	if (strcmp(canon, ip) != 0)
		return 0;
	c->ip = ip;
	if (c->mac != NULL && !proto_mac_ok(c->mac, strlen(c->mac)))
		c->mac = NULL;
	return 1;
}

/* Interface, then IPv4 before IPv6, then address (then link address,
 * so that even duplicates sort one way). */
static int
cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	int c;

	if ((c = strcmp(a->iface, b->iface)) != 0)
		return c;
	if (a->v6 != b->v6)
		return a->v6 - b->v6;
	if ((c = memcmp(a->b, b->b, a->v6 ? 16 : 4)) != 0)
		return c;
	if (a->mac == NULL || b->mac == NULL)
		return (a->mac != NULL) - (b->mac != NULL);
	return strcmp(a->mac, b->mac);
}

static int
same_addr(const struct cand *a, const struct cand *b)
{
	return strcmp(a->iface, b->iface) == 0 && a->v6 == b->v6 &&
	    memcmp(a->b, b->b, a->v6 ? 16 : 4) == 0;
}

json_t *
daemon_inv_addresses(const json_t *collected, size_t *left_out)
{
	struct cand *v;
	json_t *out = NULL, *o;
	size_t i, n = 0, kept = 0, len = json_array_size(collected);

	*left_out = 0;
	if ((v = calloc(len + 1, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		if (cand_of(json_array_get(collected, i), &v[n]))
			n++;
	qsort(v, n, sizeof(*v), cand_cmp);
	if ((out = json_array()) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (i > 0 && same_addr(&v[i - 1], &v[i]))
			continue;
		if (kept == DAEMON_UPLOAD_ADDRS) {
			(*left_out)++;
			continue;
		}
		o = json_pack("{s:s,s:s}", "iface", v[i].iface, "ip", v[i].ip);
		if (o != NULL && v[i].mac != NULL &&
		    json_object_set_new(o, "mac", json_string(v[i].mac)) != 0) {
			json_decref(o);
			o = NULL;
		}
		if (json_array_append_new(out, o) != 0) {
			json_decref(out);
			out = NULL;
			goto out;
		}
		kept++;
	}
out:
	free(v);
	return out;
}

json_t *
daemon_inv_delta_host(const json_t *before, const json_t *now)
{
	const json_t *was = json_object_get(before, "addresses");
	json_t *h = json_copy((json_t *)now);

	if (h != NULL && was != NULL &&
	    json_equal((json_t *)was, json_object_get(now, "addresses")))
		json_object_del(h, "addresses");
	return h;
}
