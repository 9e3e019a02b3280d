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

/*
 * One reading.  The layer's diagnostics are warnings (an unusable entry is
 * skipped, the rest kept); rd comes first so that the layer's callbacks
 * can find the reading from it.
 */
struct nat_read {
	struct rpjson_rd rd;
	struct rpjson_path path;
	int r; /* a fatal error (out of memory) */
};

static int
read_software(struct rpjson_rd *rd, const json_t *o, size_t i, void *arg)
{
	static const char *skip = "software entry skipped";
	struct nat_read *c = (struct nat_read *)rd;
	struct inv_host *h = arg;
	struct inv_software sw;
	const char *s;
	int r;

	(void)i;
	if (!json_is_object(o)) {
		rpjson_warn(rd, "expected a software object, got %s; skipped",
		    rpjson_type_name(o));
		return 0;
	}
	rpjson_check_keys(rd, o, sw_keys);
	memset(&sw, 0, sizeof(sw));
	if ((sw.name = inv_field_get(rd, o, "name", INV_F_NAME, RPJSON_REQUIRED,
		 skip, NULL)) == NULL ||
	    (sw.version = inv_field_get(rd, o, "version", INV_F_VERSION,
		 RPJSON_REQUIRED, skip, NULL)) == NULL)
		return 0;
	sw.vendor =
	    inv_field_get(rd, o, "vendor", INV_F_VENDOR, 0, "ignored", NULL);
	sw.arch = inv_field_get(rd, o, "arch", INV_F_ARCH, 0, "ignored", NULL);
	sw.path = inv_field_get(rd, o, "path", INV_F_PATH, 0, "ignored", NULL);
	sw.purl = inv_field_get(rd, o, "purl", INV_F_PURL, 0, "ignored", NULL);
	sw.cpe = inv_field_get(rd, o, "cpe", INV_F_CPE, 0, "ignored", NULL);
	sw.bundle_id = inv_field_get(
	    rd, o, "bundle_id", INV_F_BUNDLE_ID, 0, "ignored", NULL);
	sw.source_name = inv_field_get(
	    rd, o, "source_package", INV_F_NAME, 0, "ignored", NULL);
	sw.source_version = inv_field_get(
	    rd, o, "source_package_version", INV_F_VERSION, 0, "ignored", NULL);
	sw.state =
	    inv_field_get(rd, o, "state", INV_F_WORD, 0, "ignored", NULL);
	if ((s = inv_field_get(
		 rd, o, "scheme", INV_F_WORD, 0, "ignored", NULL)) != NULL &&
	    inv_scheme_from_name(s, &sw.scheme) != 0)
		rpjson_warn(rd,
		    "unknown scheme \"%s\" (deb, rpm, semver or generic "
		    "expected); ignored",
		    s);
	if ((s = inv_field_get(
		 rd, o, "source", INV_F_WORD, 0, "ignored", NULL)) != NULL &&
	    inv_source_from_name(s, &sw.source) != 0)
		rpjson_warn(rd, "unknown source \"%s\"; ignored", s);
	if ((r = inv_software_complete(&sw, h->arena)) != 0 ||
	    (r = inv_host_add_software(h, &sw)) != 0) {
		if (r == RP_ERR_LIMIT)
			rpjson_warn(rd, "too many software entries; skipped");
		else
			c->r = r;
	}
	return c->r;
}

/* Reads one address, process or connection into h; a bad one is skipped. */
static int
read_item(struct rpjson_rd *rd, struct inv_host *h, const json_t *o, int kind)
{
	union {
		struct inv_addr a;
		struct inv_process p;
		struct inv_conn n;
	} u;

	switch (kind) {
	case 0:
		if (inv_addr_from_json(rd, o, &u.a) != 0)
			return 0;
		return inv_host_add_addr(h, &u.a);
	case 1:
		if (inv_process_from_json(rd, o, &u.p) != 0)
			return 0;
		return inv_host_add_process(h, &u.p);
	default:
		if (inv_conn_from_json(rd, o, &u.n) != 0)
			return 0;
		return inv_host_add_conn(h, &u.n);
	}
}

struct item_list {
	struct inv_host *h;
	int kind; /* 0 addresses, 1 processes, 2 connections */
};

static int
read_list_item(struct rpjson_rd *rd, const json_t *o, size_t i, void *arg)
{
	struct nat_read *c = (struct nat_read *)rd;
	struct item_list *l = arg;
	int r;

	(void)i;
	r = read_item(rd, l->h, o, l->kind);
	if (r == RP_ERR_LIMIT)
		rpjson_warn(rd, "too many entries; skipped");
	else if (r != 0)
		c->r = r;
	return c->r;
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
	struct item_list l = {h, kind};

	c->rd.then = "ignored";
	(void)rpjson_each_member(
	    &c->rd, host, keys[kind], max[kind], 0, read_list_item, &l);
}

/* Reads one host into the set arg; a host not read is skipped. */
static int
read_host(struct rpjson_rd *rd, const json_t *o, size_t i, void *arg)
{
	struct nat_read *c = (struct nat_read *)rd;
	struct inv_host *h = NULL;
	const char *name;
	int kind;

	(void)i;
	if (!json_is_object(o)) {
		rpjson_warn(rd, "expected a host object, got %s; skipped",
		    rpjson_type_name(o));
		return 0;
	}
	rpjson_check_keys(rd, o, host_keys);
	if ((name = inv_field_get(rd, o, "name", INV_F_HOST_NAME,
		 RPJSON_REQUIRED, "host skipped", NULL)) == NULL)
		return 0;
	if ((h = inv_host_new()) == NULL ||
	    inv_host_set(h, name,
		inv_field_get(rd, o, "os", INV_F_OS, 0, "ignored", NULL),
		inv_field_get(
		    rd, o, "os_version", INV_F_OS_VERSION, 0, "ignored", NULL),
		inv_field_get(rd, o, "arch", INV_F_ARCH, 0, "ignored", NULL)) !=
		0 ||
	    inv_host_set_ids(h,
		inv_field_get(rd, o, "id", INV_F_HOST_ID, 0, "ignored", NULL),
		inv_field_get(rd, o, "customer", INV_F_CUSTOMER, 0, "ignored",
		    NULL)) != 0) {
		c->r = RP_ERR_NOMEM;
		goto out;
	}
	c->rd.then = "ignored";
	(void)rpjson_each_member(
	    rd, o, "software", INV_READ_MAX_SOFTWARE, 0, read_software, h);
	for (kind = 0; kind < 3 && c->r == 0; kind++)
		read_item_list(c, h, o, kind);
	if (c->r == 0) {
		c->r = inv_set_take(arg, h); /* takes h, also on failure */
		h = NULL;
	}
out:
	inv_host_free(h);
	return c->r;
}

static int
check_header(struct nat_read *c, const json_t *root)
{
	json_int_t v;

	if (!json_is_object(root)) {
		rpjson_err(&c->rd,
		    "expected a Rampart inventory object, got %s",
		    rpjson_type_name(root));
		return RP_ERR_INVALID;
	}
	/* the header's problems are errors: nothing can be read */
	c->rd.level = RP_DIAG_ERROR;
	c->rd.then = "the format version, 1, is expected";
	if (rpjson_get_int(&c->rd, root, "rampart_inventory", INT64_MIN,
		INT64_MAX, RPJSON_REQUIRED, &v) != 1)
		return RP_ERR_INVALID;
	if (v != NATIVE_FORMAT_VERSION) {
		rpjson_err_at(&c->rd, "rampart_inventory",
		    "format version %lld is not supported; 1 expected",
		    (long long)v);
		return RP_ERR_UNSUPPORTED;
	}
	if (!json_is_array(json_object_get(root, "hosts"))) {
		rpjson_err_at(&c->rd, "hosts",
		    "expected an array of hosts, got %s",
		    json_object_get(root, "hosts") == NULL
			? "nothing"
			: rpjson_type_name(json_object_get(root, "hosts")));
		return RP_ERR_INVALID;
	}
	c->rd.level = RP_DIAG_WARNING;
	c->rd.then = NULL;
	rpjson_check_keys(&c->rd, root, top_keys);
	return 0;
}

int
inv_native_read(const json_t *root, struct inv_set *set, struct rp_diags *d)
{
	struct nat_read c;
	struct inv_set *tmp = NULL;
	struct inv_host *h;
	size_t i;
	int r = RP_ERR_INTERNAL;

	memset(&c, 0, sizeof(c));
	rpjson_rd_init(&c.rd, &c.path, d);
	if ((r = check_header(&c, root)) != 0)
		goto out;
	if ((tmp = inv_set_new()) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	if ((r = rpjson_each_member(&c.rd, root, "hosts", INV_READ_MAX_HOSTS, 0,
		 read_host, tmp)) != 0)
		goto out;
	if (tmp->n == 0) {
		rpjson_err_at(
		    &c.rd, "hosts", "no usable host in the inventory");
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
