/*
 * A host's addresses, processes and connections as JSON objects, shared by
 * the native format (which holds them as arrays of objects) and CycloneDX
 * (which carries each as the compact text of one object in a property).
 * Readers check every value like the software fields and skip an unusable
 * item with a warning; strings they return point into the JSON.
 */
#include <arpa/inet.h>
#include <string.h>

#include "entry.h"
#include "inventory.h"
#include "util/err.h"

#define PID_MAX_READ 2147483647LL

static void
put(int *failed, json_t *o, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		*failed = 1;
}

static void
put_str(int *failed, json_t *o, const char *key, const char *s)
{
	if (s != NULL)
		put(failed, o, key, json_string(s));
}

static json_t *
done(json_t *o, int failed)
{
	if (o != NULL && failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
inv_addr_to_json(const struct inv_addr *a)
{
	json_t *o;
	int failed = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	put_str(&failed, o, "iface", a->iface);
	put_str(&failed, o, "ip", a->ip);
	put_str(&failed, o, "mac", a->mac);
	return done(o, failed);
}

json_t *
inv_process_to_json(const struct inv_process *p)
{
	json_t *o;
	int failed = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	put(&failed, o, "pid", json_integer(p->pid));
	put_str(&failed, o, "exe", p->exe);
	put_str(&failed, o, "cmdline", p->cmdline);
	return done(o, failed);
}

json_t *
inv_conn_to_json(const struct inv_conn *c)
{
	json_t *o;
	int failed = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	put_str(&failed, o, "proto", c->proto);
	put_str(&failed, o, "local_ip", c->local_ip);
	put(&failed, o, "local_port", json_integer(c->local_port));
	put_str(&failed, o, "remote_ip", c->remote_ip);
	if (c->remote_ip != NULL || c->remote_port != 0)
		put(&failed, o, "remote_port", json_integer(c->remote_port));
	put_str(&failed, o, "state", c->state);
	if (c->pid >= 0)
		put(&failed, o, "pid", json_integer(c->pid));
	return done(o, failed);
}

/*
 * Reading: the layer's diagnostics are warnings ending in "item skipped";
 * one bad member spoils the item, but every member is still checked so
 * that one reading reports them all.
 */

/* o[key] as an integer in [lo, hi]; absent gives dflt. */
static long long
number(struct rpjson_rd *rd, const json_t *o, const char *key, long long lo,
    long long hi, long long dflt, unsigned flags, int *bad)
{
	json_int_t n = dflt;

	if (rpjson_get_int(rd, o, key, lo, hi, flags, &n) < 0)
		*bad = 1;
	return n;
}

/* Whether s is an IPv4 or IPv6 address in text form. */
static int
is_ip(const char *s)
{
	unsigned char b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

static void
check_ip(struct rpjson_rd *rd, const char *ip, const char *key, int *bad)
{
	if (ip == NULL || *bad || is_ip(ip))
		return;
	rpjson_warn_at(
	    rd, key, "expected an IPv4 or IPv6 address; item skipped");
	*bad = 1;
}

static int
is_object(struct rpjson_rd *rd, const json_t *o)
{
	rd->level = RP_DIAG_WARNING;
	rd->then = "item skipped";
	if (json_is_object(o))
		return 1;
	rpjson_warn(
	    rd, "expected an object, got %s; skipped", rpjson_type_name(o));
	return 0;
}

int
inv_addr_from_json(struct rpjson_rd *rd, const json_t *o, struct inv_addr *out)
{
	int bad = 0;

	memset(out, 0, sizeof(*out));
	if (!is_object(rd, o))
		return RP_ERR_INVALID;
	out->iface =
	    inv_field_get(rd, o, "iface", INV_F_IFACE, 0, "item skipped", &bad);
	out->ip = inv_field_get(
	    rd, o, "ip", INV_F_IP, RPJSON_REQUIRED, "item skipped", &bad);
	out->mac =
	    inv_field_get(rd, o, "mac", INV_F_MAC, 0, "item skipped", &bad);
	check_ip(rd, out->ip, "ip", &bad);
	return bad ? RP_ERR_INVALID : 0;
}

int
inv_process_from_json(
    struct rpjson_rd *rd, const json_t *o, struct inv_process *out)
{
	int bad = 0;

	memset(out, 0, sizeof(*out));
	if (!is_object(rd, o))
		return RP_ERR_INVALID;
	out->pid = (long)number(
	    rd, o, "pid", 0, PID_MAX_READ, -1, RPJSON_REQUIRED, &bad);
	out->exe =
	    inv_field_get(rd, o, "exe", INV_F_PATH, 0, "item skipped", &bad);
	out->cmdline = inv_field_get(
	    rd, o, "cmdline", INV_F_CMDLINE, 0, "item skipped", &bad);
	return bad ? RP_ERR_INVALID : 0;
}

int
inv_conn_from_json(struct rpjson_rd *rd, const json_t *o, struct inv_conn *out)
{
	int bad = 0;

	memset(out, 0, sizeof(*out));
	if (!is_object(rd, o))
		return RP_ERR_INVALID;
	out->proto = inv_field_get(
	    rd, o, "proto", INV_F_WORD, RPJSON_REQUIRED, "item skipped", &bad);
	out->local_ip = inv_field_get(
	    rd, o, "local_ip", INV_F_IP, RPJSON_REQUIRED, "item skipped", &bad);
	out->remote_ip = inv_field_get(
	    rd, o, "remote_ip", INV_F_IP, 0, "item skipped", &bad);
	out->state =
	    inv_field_get(rd, o, "state", INV_F_WORD, 0, "item skipped", &bad);
	out->local_port =
	    (unsigned)number(rd, o, "local_port", 0, 65535, 0, 0, &bad);
	out->remote_port =
	    (unsigned)number(rd, o, "remote_port", 0, 65535, 0, 0, &bad);
	out->pid = (long)number(rd, o, "pid", 0, PID_MAX_READ, -1, 0, &bad);
	check_ip(rd, out->local_ip, "local_ip", &bad);
	check_ip(rd, out->remote_ip, "remote_ip", &bad);
	return bad ? RP_ERR_INVALID : 0;
}
