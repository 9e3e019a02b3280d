/*
 * Rampart's native inventory JSON: {"rampart_inventory": 1, "hosts": [...]},
 * one or more hosts with their software.  Types are checked strictly; an
 * unusable host or software entry is skipped with a warning naming its
 * JSON pointer (agent reports are untrusted: one bad entry must not hide
 * the rest), unknown keys are warnings, and a file with no usable host is
 * an error.
 */
#include <string.h>

#include "entry.h"
#include "inventory.h"
#include "json/rpjson.h"
#include "util/err.h"

#define NATIVE_FORMAT_VERSION 1

static const char *const top_keys[] = {"rampart_inventory", "hosts", NULL};
static const char *const host_keys[] = {"name", "id", "customer", "os",
    "os_version", "arch", "software", "addresses", "processes", "connections",
    NULL};
static const char *const sw_keys[] = {"name", "vendor", "version", "scheme",
    "source", "arch", "path", "purl", "cpe", "bundle_id", "state",
    "source_package", "source_package_version", NULL};

struct nat_read {
	struct rp_diags *d;
	struct rpjson_path path;
	int r; /* a fatal error (out of memory) */
};

/* A warning at the current path. */
#define warn(c, ...)                                                           \
	rp_diags_add((c)->d, RP_DIAG_WARNING, NULL,                            \
	    rpjson_path_str(&(c)->path), __VA_ARGS__)

static void
warn_unknown_keys(
    struct nat_read *c, const json_t *obj, const char *const *known)
{
	const char *key;
	json_t *v;
	size_t i, mark, n = 0;

	json_object_foreach((json_t *)obj, key, v)
	{
		for (i = 0; known[i] != NULL; i++) {
			if (strcmp(known[i], key) == 0)
				break;
		}
		if (known[i] != NULL)
			continue;
		/* Bounded: a flood of unknown keys is reported once. */
		if (++n > 8)
			break;
		/* The key goes into the pointer: only if it is printable. */
		if (inv_field_check(INV_F_NAME, key) != NULL) {
			warn(c, "unknown key (not printable); ignored");
			continue;
		}
		mark = rpjson_path_push_key(&c->path, key);
		warn(c, "unknown key; ignored");
		rpjson_path_pop(&c->path, mark);
	}
}

/* An optional string field; unusable values are ignored with a warning. */
static const char *
opt_field(
    struct nat_read *c, const json_t *obj, const char *key, enum inv_field f)
{
	int bad;

	return inv_get_field(
	    obj, key, f, &c->path, c->d, RP_DIAG_WARNING, "ignored", &bad);
}

/* A required string field; absent or unusable skips the entry. */
static const char *
req_field(struct nat_read *c, const json_t *obj, const char *key,
    enum inv_field f, const char *what)
{
	const char *s;
	size_t mark;
	int bad;

	s = inv_get_field(
	    obj, key, f, &c->path, c->d, RP_DIAG_WARNING, what, &bad);
	if (s == NULL && !bad) {
		mark = rpjson_path_push_key(&c->path, key);
		warn(c, "missing (a string is required); %s", what);
		rpjson_path_pop(&c->path, mark);
	}
	return s;
}

static void
read_software(struct nat_read *c, struct inv_host *h, const json_t *o)
{
	static const char *skip = "software entry skipped";
	struct inv_software sw;
	const char *s;
	int r;

	if (!json_is_object(o)) {
		warn(c, "expected a software object, got %s; skipped",
		    inv_json_type(o));
		return;
	}
	warn_unknown_keys(c, o, sw_keys);
	memset(&sw, 0, sizeof(sw));
	if ((sw.name = req_field(c, o, "name", INV_F_NAME, skip)) == NULL ||
	    (sw.version = req_field(c, o, "version", INV_F_VERSION, skip)) ==
		NULL)
		return;
	sw.vendor = opt_field(c, o, "vendor", INV_F_VENDOR);
	sw.arch = opt_field(c, o, "arch", INV_F_ARCH);
	sw.path = opt_field(c, o, "path", INV_F_PATH);
	sw.purl = opt_field(c, o, "purl", INV_F_PURL);
	sw.cpe = opt_field(c, o, "cpe", INV_F_CPE);
	sw.bundle_id = opt_field(c, o, "bundle_id", INV_F_BUNDLE_ID);
	sw.source_name = opt_field(c, o, "source_package", INV_F_NAME);
	sw.source_version =
	    opt_field(c, o, "source_package_version", INV_F_VERSION);
	sw.state = opt_field(c, o, "state", INV_F_WORD);
	if ((s = opt_field(c, o, "scheme", INV_F_WORD)) != NULL &&
	    inv_scheme_from_name(s, &sw.scheme) != 0)
		warn(c,
		    "unknown scheme \"%s\" (deb, rpm, semver or generic "
		    "expected); ignored",
		    s);
	if ((s = opt_field(c, o, "source", INV_F_WORD)) != NULL &&
	    inv_source_from_name(s, &sw.source) != 0)
		warn(c, "unknown source \"%s\"; ignored", s);
	if ((r = inv_software_complete(&sw, h->arena)) != 0 ||
	    (r = inv_host_add_software(h, &sw)) != 0) {
		if (r == RP_ERR_LIMIT)
			warn(c, "too many software entries; skipped");
		else
			c->r = r;
	}
}

static void
read_software_list(struct nat_read *c, struct inv_host *h, const json_t *arr)
{
	json_t *o;
	size_t i, mark, mark2;

	mark = rpjson_path_push_key(&c->path, "software");
	if (!json_is_array(arr)) {
		warn(c, "expected an array, got %s; ignored",
		    inv_json_type(arr));
		goto out;
	}
	json_array_foreach(arr, i, o)
	{
		if (c->r != 0)
			break;
		if (i >= INV_READ_MAX_SOFTWARE) {
			warn(c,
			    "more than %d software entries; the rest "
			    "ignored",
			    INV_READ_MAX_SOFTWARE);
			break;
		}
		mark2 = rpjson_path_push_index(&c->path, i);
		read_software(c, h, o);
		rpjson_path_pop(&c->path, mark2);
	}
out:
	rpjson_path_pop(&c->path, mark);
}

/* Reads one address, process or connection into h; a bad one is skipped. */
static int
read_item(struct nat_read *c, struct inv_host *h, const json_t *o, int kind)
{
	union {
		struct inv_addr a;
		struct inv_process p;
		struct inv_conn n;
	} u;

	switch (kind) {
	case 0:
		if (inv_addr_from_json(o, &c->path, c->d, &u.a) != 0)
			return 0;
		return inv_host_add_addr(h, &u.a);
	case 1:
		if (inv_process_from_json(o, &c->path, c->d, &u.p) != 0)
			return 0;
		return inv_host_add_process(h, &u.p);
	default:
		if (inv_conn_from_json(o, &c->path, c->d, &u.n) != 0)
			return 0;
		return inv_host_add_conn(h, &u.n);
	}
}

/* hosts[].addresses (kind 0), processes (1) or connections (2). */
static void
read_item_list(
    struct nat_read *c, struct inv_host *h, const json_t *host, int kind)
{
	static const char *const keys[] = {
	    "addresses", "processes", "connections"};
	static const size_t max[] = {
	    INV_READ_MAX_ADDRS, INV_READ_MAX_PROCS, INV_READ_MAX_CONNS};
	json_t *arr, *o;
	size_t i, mark, mark2;
	int r;

	if ((arr = json_object_get(host, keys[kind])) == NULL)
		return;
	mark = rpjson_path_push_key(&c->path, keys[kind]);
	if (!json_is_array(arr)) {
		warn(c, "expected an array, got %s; ignored",
		    inv_json_type(arr));
		goto out;
	}
	json_array_foreach(arr, i, o)
	{
		if (i >= max[kind]) {
			warn(c, "more than %zu entries; the rest ignored",
			    max[kind]);
			break;
		}
		mark2 = rpjson_path_push_index(&c->path, i);
		r = read_item(c, h, o, kind);
		if (r == RP_ERR_LIMIT)
			warn(c, "too many entries; skipped");
		else if (r != 0)
			c->r = r;
		rpjson_path_pop(&c->path, mark2);
		if (c->r != 0)
			break;
	}
out:
	rpjson_path_pop(&c->path, mark);
}

/* Reads one host; returns it, or NULL when skipped (or c->r is set). */
static struct inv_host *
read_host(struct nat_read *c, const json_t *o)
{
	struct inv_host *h = NULL, *ret = NULL;
	const char *name;
	json_t *sw;
	int kind;

	if (!json_is_object(o)) {
		warn(c, "expected a host object, got %s; skipped",
		    inv_json_type(o));
		goto out;
	}
	warn_unknown_keys(c, o, host_keys);
	if ((name = req_field(c, o, "name", INV_F_HOST_NAME, "host skipped")) ==
	    NULL)
		goto out;
	if ((h = inv_host_new()) == NULL) {
		c->r = RP_ERR_NOMEM;
		goto out;
	}
	if (inv_host_set(h, name, opt_field(c, o, "os", INV_F_OS),
		opt_field(c, o, "os_version", INV_F_OS_VERSION),
		opt_field(c, o, "arch", INV_F_ARCH)) != 0 ||
	    inv_host_set_ids(h, opt_field(c, o, "id", INV_F_HOST_ID),
		opt_field(c, o, "customer", INV_F_CUSTOMER)) != 0) {
		c->r = RP_ERR_NOMEM;
		goto out;
	}
	if ((sw = json_object_get(o, "software")) != NULL)
		read_software_list(c, h, sw);
	for (kind = 0; kind < 3 && c->r == 0; kind++)
		read_item_list(c, h, o, kind);
	if (c->r != 0)
		goto out;
	ret = h;
	h = NULL;
out:
	inv_host_free(h);
	return ret;
}

static int
check_header(struct nat_read *c, const json_t *root)
{
	json_t *v;

	if (!json_is_object(root)) {
		rp_diags_add(c->d, RP_DIAG_ERROR, NULL, "",
		    "expected a Rampart inventory object, got %s",
		    inv_json_type(root));
		return RP_ERR_INVALID;
	}
	v = json_object_get(root, "rampart_inventory");
	if (!json_is_integer(v)) {
		rp_diags_add(c->d, RP_DIAG_ERROR, NULL, "/rampart_inventory",
		    "expected the format version, the integer 1");
		return RP_ERR_INVALID;
	}
	if (json_integer_value(v) != NATIVE_FORMAT_VERSION) {
		rp_diags_add(c->d, RP_DIAG_ERROR, NULL, "/rampart_inventory",
		    "format version %lld is not supported; 1 expected",
		    (long long)json_integer_value(v));
		return RP_ERR_UNSUPPORTED;
	}
	warn_unknown_keys(c, root, top_keys);
	return 0;
}

int
inv_native_read(const json_t *root, struct inv_set *set, struct rp_diags *d)
{
	struct nat_read c;
	struct inv_set *tmp = NULL;
	struct inv_host *h;
	json_t *hosts, *o;
	size_t i, mark, mark2;
	int r = RP_ERR_INTERNAL;

	memset(&c, 0, sizeof(c));
	c.d = d;
	rpjson_path_init(&c.path);
	if ((r = check_header(&c, root)) != 0)
		goto out;
	hosts = json_object_get(root, "hosts");
	if (!json_is_array(hosts)) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "/hosts",
		    "expected an array of hosts, got %s",
		    hosts == NULL ? "nothing" : inv_json_type(hosts));
		r = RP_ERR_INVALID;
		goto out;
	}
	if ((tmp = inv_set_new()) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	mark = rpjson_path_push_key(&c.path, "hosts");
	json_array_foreach(hosts, i, o)
	{
		if (i >= INV_READ_MAX_HOSTS) {
			warn(&c, "more than %d hosts; the rest ignored",
			    INV_READ_MAX_HOSTS);
			break;
		}
		mark2 = rpjson_path_push_index(&c.path, i);
		h = read_host(&c, o);
		rpjson_path_pop(&c.path, mark2);
		if (c.r != 0) {
			r = c.r;
			goto out;
		}
		if (h != NULL && (r = inv_set_take(tmp, h)) != 0)
			goto out;
	}
	rpjson_path_pop(&c.path, mark);
	if (tmp->n == 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "/hosts",
		    "no usable host in the inventory");
		r = RP_ERR_INVALID;
		goto out;
	}
	/* Move the hosts over only once the whole file was read. */
	for (i = 0; i < tmp->n; i++) {
		h = tmp->hosts[i];
		tmp->hosts[i] = NULL;
		if ((r = inv_set_take(set, h)) != 0)
			goto out;
	}
	r = 0;
out:
	inv_set_free(tmp);
	return r;
}

/* ---- writing ---- */

static void
put_new(int *failed, json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		*failed = 1;
}

static void
put_str(int *failed, json_t *obj, const char *key, const char *s)
{
	if (s != NULL)
		put_new(failed, obj, key, json_string(s));
}

static json_t *
write_software(int *failed, const struct inv_software *sw)
{
	json_t *o;

	if ((o = json_object()) == NULL)
		return NULL;
	put_str(failed, o, "name", sw->name);
	put_str(failed, o, "vendor", sw->vendor);
	put_str(failed, o, "version", sw->version);
	put_str(failed, o, "scheme", inv_scheme_name(sw->scheme));
	if (sw->source != INV_SOURCE_UNKNOWN)
		put_str(failed, o, "source", inv_source_name(sw->source));
	put_str(failed, o, "arch", sw->arch);
	put_str(failed, o, "path", sw->path);
	put_str(failed, o, "purl", sw->purl);
	put_str(failed, o, "cpe", sw->cpe);
	put_str(failed, o, "bundle_id", sw->bundle_id);
	put_str(failed, o, "source_package", sw->source_name);
	put_str(failed, o, "source_package_version", sw->source_version);
	put_str(failed, o, "state", sw->state);
	return o;
}

/* Appends item i of h's list kind (0 addresses, 1 processes, 2 conns). */
static json_t *
item_json(const struct inv_host *h, int kind, size_t i)
{
	if (kind == 0)
		return inv_addr_to_json(&h->addrs[i]);
	if (kind == 1)
		return inv_process_to_json(&h->procs[i]);
	return inv_conn_to_json(&h->conns[i]);
}

/* "addresses", "processes", "connections": only when there are some. */
static void
write_items(int *failed, json_t *o, const struct inv_host *h)
{
	static const char *const keys[] = {
	    "addresses", "processes", "connections"};
	const size_t n[] = {h->naddrs, h->nprocs, h->nconns};
	json_t *arr;
	size_t i;
	int kind;

	for (kind = 0; kind < 3 && !*failed; kind++) {
		if (n[kind] == 0)
			continue;
		if ((arr = json_array()) == NULL) {
			*failed = 1;
			break;
		}
		for (i = 0; i < n[kind] && !*failed; i++) {
			if (json_array_append_new(arr, item_json(h, kind, i)) !=
			    0)
				*failed = 1;
		}
		put_new(failed, o, keys[kind], arr);
	}
}

static json_t *
write_host(int *failed, const struct inv_host *h)
{
	json_t *o, *arr, *sw;
	size_t i;

	if ((o = json_object()) == NULL)
		return NULL;
	put_str(failed, o, "name", h->name);
	put_str(failed, o, "id", h->id);
	put_str(failed, o, "customer", h->customer);
	put_str(failed, o, "os", h->os);
	put_str(failed, o, "os_version", h->os_version);
	put_str(failed, o, "arch", h->arch);
	if ((arr = json_array()) != NULL) {
		for (i = 0; i < h->nsw && !*failed; i++) {
			sw = write_software(failed, &h->sw[i]);
			if (sw == NULL || json_array_append_new(arr, sw) != 0)
				*failed = 1;
		}
	}
	put_new(failed, o, "software", arr);
	write_items(failed, o, h);
	return o;
}

json_t *
inv_native_write(const struct inv_host *const *hosts, size_t n)
{
	json_t *root, *arr, *ho;
	size_t i;
	int failed = 0;

	if ((root = json_object()) == NULL)
		return NULL;
	put_new(&failed, root, "rampart_inventory",
	    json_integer(NATIVE_FORMAT_VERSION));
	if ((arr = json_array()) != NULL) {
		for (i = 0; i < n && !failed; i++) {
			ho = write_host(&failed, hosts[i]);
			if (ho == NULL || json_array_append_new(arr, ho) != 0)
				failed = 1;
		}
	}
	put_new(&failed, root, "hosts", arr);
	if (failed) {
		json_decref(root);
		return NULL;
	}
	return root;
}
