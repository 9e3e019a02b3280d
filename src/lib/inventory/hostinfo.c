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

#define warn_at(path, d, ...)                                                  \
	rp_diags_add(                                                          \
	    (d), RP_DIAG_WARNING, NULL, rpjson_path_str(path), __VA_ARGS__)

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

/* o[key] as a field f; a bad value sets *bad after a warning. */
static const char *
field(const json_t *o, const char *key, enum inv_field f,
    struct rpjson_path *path, struct rp_diags *d, int *bad)
{
	const char *s;
	int b;

	s = inv_get_field(
	    o, key, f, path, d, RP_DIAG_WARNING, "item skipped", &b);
	if (b)
		*bad = 1;
	return s;
}

/* o[key] as an integer in [lo, hi]; absent gives dflt. */
static long long
number(const json_t *o, const char *key, long long lo, long long hi,
    long long dflt, struct rpjson_path *path, struct rp_diags *d, int *bad)
{
	json_t *v;
	long long n;
	size_t mark;

	if ((v = json_object_get(o, key)) == NULL)
		return dflt;
	n = json_is_integer(v) ? (long long)json_integer_value(v) : lo - 1;
	if (n < lo || n > hi) {
		mark = rpjson_path_push_key(path, key);
		warn_at(path, d,
		    "expected an integer from %lld to %lld; item skipped", lo,
		    hi);
		rpjson_path_pop(path, mark);
		*bad = 1;
		return dflt;
	}
	return n;
}

/* A required key that is missing: a warning, and *bad. */
static void
require(const void *v, const json_t *o, const char *key,
    struct rpjson_path *path, struct rp_diags *d, int *bad)
{
	size_t mark;

	if (v != NULL || *bad || json_object_get(o, key) != NULL)
		return;
	mark = rpjson_path_push_key(path, key);
	warn_at(path, d, "missing (required); item skipped");
	rpjson_path_pop(path, mark);
	*bad = 1;
}

/* Whether s is an IPv4 or IPv6 address in text form. */
static int
is_ip(const char *s)
{
	unsigned char b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

static int
check_ip(const char *ip, const char *key, struct rpjson_path *path,
    struct rp_diags *d, int *bad)
{
	size_t mark;

	if (ip == NULL || *bad || is_ip(ip))
		return 0;
	mark = rpjson_path_push_key(path, key);
	warn_at(path, d, "expected an IPv4 or IPv6 address; item skipped");
	rpjson_path_pop(path, mark);
	*bad = 1;
	return 0;
}

static int
is_object(const json_t *o, struct rpjson_path *path, struct rp_diags *d)
{
	if (json_is_object(o))
		return 1;
	warn_at(
	    path, d, "expected an object, got %s; skipped", inv_json_type(o));
	return 0;
}

int
inv_addr_from_json(const json_t *o, struct rpjson_path *path,
    struct rp_diags *d, struct inv_addr *out)
{
	int bad = 0;

	memset(out, 0, sizeof(*out));
	if (!is_object(o, path, d))
		return RP_ERR_INVALID;
	out->iface = field(o, "iface", INV_F_IFACE, path, d, &bad);
	out->ip = field(o, "ip", INV_F_IP, path, d, &bad);
	out->mac = field(o, "mac", INV_F_MAC, path, d, &bad);
	require(out->ip, o, "ip", path, d, &bad);
	check_ip(out->ip, "ip", path, d, &bad);
	return bad ? RP_ERR_INVALID : 0;
}

int
inv_process_from_json(const json_t *o, struct rpjson_path *path,
    struct rp_diags *d, struct inv_process *out)
{
	int bad = 0;

	memset(out, 0, sizeof(*out));
	if (!is_object(o, path, d))
		return RP_ERR_INVALID;
	out->pid = (long)number(o, "pid", 0, PID_MAX_READ, -1, path, d, &bad);
	out->exe = field(o, "exe", INV_F_PATH, path, d, &bad);
	out->cmdline = field(o, "cmdline", INV_F_CMDLINE, path, d, &bad);
	require(out->pid >= 0 ? o : NULL, o, "pid", path, d, &bad);
	return bad ? RP_ERR_INVALID : 0;
}

int
inv_conn_from_json(const json_t *o, struct rpjson_path *path,
    struct rp_diags *d, struct inv_conn *out)
{
	int bad = 0;

	memset(out, 0, sizeof(*out));
	if (!is_object(o, path, d))
		return RP_ERR_INVALID;
	out->proto = field(o, "proto", INV_F_WORD, path, d, &bad);
	out->local_ip = field(o, "local_ip", INV_F_IP, path, d, &bad);
	out->remote_ip = field(o, "remote_ip", INV_F_IP, path, d, &bad);
	out->state = field(o, "state", INV_F_WORD, path, d, &bad);
	out->local_port =
	    (unsigned)number(o, "local_port", 0, 65535, 0, path, d, &bad);
	out->remote_port =
	    (unsigned)number(o, "remote_port", 0, 65535, 0, path, d, &bad);
	out->pid = (long)number(o, "pid", 0, PID_MAX_READ, -1, path, d, &bad);
	require(out->proto, o, "proto", path, d, &bad);
	require(out->local_ip, o, "local_ip", path, d, &bad);
	check_ip(out->local_ip, "local_ip", path, d, &bad);
	check_ip(out->remote_ip, "remote_ip", path, d, &bad);
	return bad ? RP_ERR_INVALID : 0;
}
