/*
 * CycloneDX JSON (spec 1.2 to 1.6 read; 1.5 written): one BOM describes
 * one host.  metadata.component names the host; a component of type
 * "operating-system" gives its OS; software components (application,
 * library, framework, ...) at any nesting depth up to INV_READ_MAX_DEPTH
 * become software entries.  Rampart's own fields travel as "rampart:*"
 * properties.  Bad components are skipped with a warning naming their JSON
 * pointer.
 *
 * A BOM without metadata.component (a VEX BOM, many SBOMs) or whose
 * metadata.component is an application, framework or library (the SBOM
 * of one application) describes no machine: it is read as a software
 * list, a host named after the BOM's serialNumber, else the file, with a
 * note saying so; the described application is one of its entries.  The
 * versions differ in nothing Rampart reads but what they allow: 1.2 has
 * no properties and requires a component version, 1.3 adds properties,
 * 1.4 makes the version optional, 1.5 adds component types and the tools
 * object, 1.6 the manufacturer.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "entry.h"
#include "inventory.h"
#include "json/rpjson.h"
#include "util/arena.h"
#include "util/err.h"

#ifndef RAMPART_VERSION
#define RAMPART_VERSION "0"
#endif

/* The Rampart properties, on software and on the host component. */
enum cdx_prop {
	P_SOURCE,
	P_SCHEME,
	P_PATH,
	P_ARCH,
	P_BUNDLE_ID,
	P_HOST_ID,
	P_HOST_CUSTOMER,
	P_HOST_ARCH,
	P_HOST_OS,
	P_HOST_OS_VERSION,
	P_STATE,
	P_SOURCE_PACKAGE,
	P_SOURCE_VERSION,
	P_COUNT,
};

static const struct {
	const char *name;
	enum inv_field f;
} props[P_COUNT] = {
    [P_SOURCE] = {"rampart:source", INV_F_WORD},
    [P_SCHEME] = {"rampart:scheme", INV_F_WORD},
    [P_PATH] = {"rampart:path", INV_F_PATH},
    [P_ARCH] = {"rampart:arch", INV_F_ARCH},
    [P_BUNDLE_ID] = {"rampart:bundle_id", INV_F_BUNDLE_ID},
    [P_HOST_ID] = {"rampart:host:id", INV_F_HOST_ID},
    [P_HOST_CUSTOMER] = {"rampart:host:customer", INV_F_CUSTOMER},
    [P_HOST_ARCH] = {"rampart:host:arch", INV_F_ARCH},
    [P_HOST_OS] = {"rampart:host:os", INV_F_OS},
    [P_HOST_OS_VERSION] = {"rampart:host:os_version", INV_F_OS_VERSION},
    [P_STATE] = {"rampart:state", INV_F_WORD},
    [P_SOURCE_PACKAGE] = {"rampart:source_package", INV_F_NAME},
    [P_SOURCE_VERSION] = {"rampart:source_package_version", INV_F_VERSION},
};

/*
 * Repeatable host properties, each value the compact JSON text of one
 * address, process or connection object (as the native format has them).
 */
static const struct {
	const char *name;
	size_t max;
} list_props[] = {
    {"rampart:host:address", INV_READ_MAX_ADDRS},
    {"rampart:host:process", INV_READ_MAX_PROCS},
    {"rampart:host:connection", INV_READ_MAX_CONNS},
};

#define NLIST 3
#define HOST_MAX_PROPERTIES                                                    \
	(INV_READ_MAX_PROPERTIES + INV_READ_MAX_ADDRS + INV_READ_MAX_PROCS +   \
	    INV_READ_MAX_CONNS)

/* Component types read as installed software. */
static const char *const software_types[] = {
    "application",
    "framework",
    "library",
    "firmware",
    "platform",
    "device-driver",
    "container",
};

/* One reading; the layer's diagnostics are warnings unless said. */
struct cdx_read {
	struct rpjson_rd rd;
	struct rpjson_path path;
	struct inv_host *h;
	size_t ncomp; /* components visited */
	int os_done; /* the OS came from a component */
	size_t nlist[NLIST]; /* list properties read from the host */
	int r; /* a fatal error (out of memory) */
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Adds the item of list property k whose JSON text is p["value"]. */
static void
read_list_prop(struct cdx_read *c, const json_t *p, size_t k)
{
	union {
		struct inv_addr a;
		struct inv_process p;
		struct inv_conn n;
	} u;
	json_error_t err;
	json_t *o = NULL;
	const char *s;
	int bad, r = 0;

	if (++c->nlist[k] > list_props[k].max) {
		if (c->nlist[k] == list_props[k].max + 1)
			rpjson_warn(&c->rd,
			    "more than %zu %s properties; the rest ignored",
			    list_props[k].max, list_props[k].name);
		return;
	}
	if ((s = inv_field_get(&c->rd, p, "value", INV_F_PROP_JSON, 0,
		 "property ignored", &bad)) == NULL) {
		if (!bad)
			rpjson_warn(&c->rd, "property has no value; ignored");
		return;
	}
	o = json_loads(s, JSON_REJECT_DUPLICATES, &err);
	if (o == NULL) {
		rpjson_warn(&c->rd,
		    "the value is not a JSON object (%s); ignored", err.text);
		return;
	}
	if (k == 0 && inv_addr_from_json(&c->rd, o, &u.a) == 0)
		r = inv_host_add_addr(c->h, &u.a);
	else if (k == 1 && inv_process_from_json(&c->rd, o, &u.p) == 0)
		r = inv_host_add_process(c->h, &u.p);
	else if (k == 2 && inv_conn_from_json(&c->rd, o, &u.n) == 0)
		r = inv_host_add_conn(c->h, &u.n);
	if (r == RP_ERR_LIMIT)
		rpjson_warn(&c->rd, "too many entries; ignored");
	else if (r != 0)
		c->r = r;
	json_decref(o);
}

/* Which list property name is (only on the host), or NLIST. */
static size_t
list_prop(const char *name, int host)
{
	size_t k;

	for (k = 0; host && k < NLIST; k++) {
		if (strcmp(list_props[k].name, name) == 0)
			break;
	}
	return host ? k : NLIST;
}

/* One "rampart:*" property p named name into v[]; first one wins. */
static void
read_prop(struct cdx_read *c, const json_t *p, const char *name,
    const char *v[P_COUNT])
{
	const char *s;
	size_t k;
	int bad;

	for (k = 0; k < P_COUNT; k++) {
		if (strcmp(props[k].name, name) == 0)
			break;
	}
	if (k == P_COUNT && inv_field_check(INV_F_NAME, name) != NULL)
		rpjson_warn(&c->rd, "unknown Rampart property; ignored");
	else if (k == P_COUNT)
		rpjson_warn(&c->rd, "unknown property %s; ignored", name);
	else if (v[k] != NULL)
		rpjson_warn(&c->rd, "repeated property %s; ignored", name);
	else if ((s = inv_field_get(&c->rd, p, "value", props[k].f, 0,
		      "property ignored", &bad)) != NULL)
		v[k] = s;
	else if (!bad)
		rpjson_warn(&c->rd, "property %s has no value; ignored", name);
}

/* Where the properties of one component go. */
struct prop_dest {
	const char **v; /* P_COUNT values */
	int host;
};

static int
read_one_prop(struct rpjson_rd *rd, const json_t *p, size_t i, void *arg)
{
	struct cdx_read *c = (struct cdx_read *)rd;
	struct prop_dest *to = arg;
	const char *name;
	size_t k;

	(void)i;
	if ((name = rpjson_str(p, "name")) == NULL)
		rpjson_warn(
		    rd, "expected an object with a string \"name\"; ignored");
	else if ((k = list_prop(name, to->host)) < NLIST)
		read_list_prop(c, p, k);
	else if (strncmp(name, "rampart:", 8) == 0)
		read_prop(c, p, name, to->v);
	return c->r;
}

/*
 * Reads the "rampart:*" properties of comp into v[]; first one wins.  On
 * the host component (host set) the repeatable address, process and
 * connection properties are added to the host as they come.
 */
static void
read_props(
    struct cdx_read *c, const json_t *comp, const char *v[P_COUNT], int host)
{
	struct prop_dest to = {v, host};

	memset(v, 0, sizeof(*v) * P_COUNT);
	c->rd.then = "ignored";
	(void)rpjson_each_member(&c->rd, comp, "properties",
	    host ? HOST_MAX_PROPERTIES : INV_READ_MAX_PROPERTIES, 0,
	    read_one_prop, &to);
}

/* The name of the organizational entity comp[key], or NULL. */
static const char *
org_name(struct cdx_read *c, const json_t *comp, const char *key)
{
	const json_t *org = NULL;
	const char *s;
	size_t mark;

	c->rd.then = "ignored";
	if (rpjson_get_object(&c->rd, comp, key, 0, &org) != 1)
		return NULL;
	mark = rpjson_push_key(&c->rd, key);
	s = inv_field_get(
	    &c->rd, org, "name", INV_F_VENDOR, 0, "ignored", NULL);
	rpjson_pop(&c->rd, mark);
	return s;
}

/*
 * The vendor: publisher, else supplier.name, else manufacturer.name (1.6),
 * else author, else group.
 */
static const char *
read_vendor(struct cdx_read *c, const json_t *comp)
{
	const char *s;
	int bad;

	if ((s = inv_field_get(&c->rd, comp, "publisher", INV_F_VENDOR, 0,
		 "ignored", &bad)) == NULL &&
	    (s = org_name(c, comp, "supplier")) == NULL &&
	    (s = org_name(c, comp, "manufacturer")) == NULL &&
	    (s = inv_field_get(&c->rd, comp, "author", INV_F_VENDOR, 0,
		 "ignored", &bad)) == NULL)
		s = inv_field_get(
		    &c->rd, comp, "group", INV_F_VENDOR, 0, "ignored", &bad);
	return s;
}

static void
read_software(struct cdx_read *c, const json_t *comp)
{
	struct inv_software sw;
	const char *pv[P_COUNT];
	int bad, r;

	memset(&sw, 0, sizeof(sw));
	sw.name = inv_field_get(
	    &c->rd, comp, "name", INV_F_NAME, 0, "component skipped", &bad);
	if (sw.name == NULL) {
		if (!bad)
			rpjson_warn(&c->rd, "component has no name; skipped");
		return;
	}
	sw.version = inv_field_get(&c->rd, comp, "version", INV_F_VERSION, 0,
	    "component skipped", &bad);
	if (sw.version == NULL) {
		if (!bad)
			rpjson_warn(&c->rd,
			    "component \"%s\" has no version; skipped",
			    sw.name);
		return;
	}
	sw.vendor = read_vendor(c, comp);
	sw.purl =
	    inv_field_get(&c->rd, comp, "purl", INV_F_PURL, 0, "ignored", &bad);
	sw.cpe =
	    inv_field_get(&c->rd, comp, "cpe", INV_F_CPE, 0, "ignored", &bad);
	read_props(c, comp, pv, 0);
	if (pv[P_SOURCE] != NULL &&
	    inv_source_from_name(pv[P_SOURCE], &sw.source) != 0)
		rpjson_warn(&c->rd, "unknown rampart:source \"%s\"; ignored",
		    pv[P_SOURCE]);
	if (pv[P_SCHEME] != NULL &&
	    inv_scheme_from_name(pv[P_SCHEME], &sw.scheme) != 0)
		rpjson_warn(&c->rd, "unknown rampart:scheme \"%s\"; ignored",
		    pv[P_SCHEME]);
	sw.path = pv[P_PATH];
	sw.arch = pv[P_ARCH];
	sw.bundle_id = pv[P_BUNDLE_ID];
	sw.source_name = pv[P_SOURCE_PACKAGE];
	sw.source_version = pv[P_SOURCE_VERSION];
	sw.state = pv[P_STATE];
	if ((r = inv_software_complete(&sw, c->h->arena)) != 0 ||
	    (r = inv_host_add_software(c->h, &sw)) != 0) {
		if (r == RP_ERR_LIMIT)
			rpjson_warn(
			    &c->rd, "too many software entries; skipped");
		else
			c->r = r;
	}
}

/* The OS from an "operating-system" component: the first one wins. */
static void
read_os(struct cdx_read *c, const json_t *comp)
{
	const char *name, *version;
	int bad;

	if (c->os_done)
		return;
	name =
	    inv_field_get(&c->rd, comp, "name", INV_F_OS, 0, "ignored", &bad);
	version = inv_field_get(
	    &c->rd, comp, "version", INV_F_OS_VERSION, 0, "ignored", &bad);
	if (name == NULL)
		return;
	/* A version from rampart:host:os_version stays. */
	if (c->h->os_version != NULL)
		version = NULL;
	if (inv_host_set(c->h, NULL, name, version, NULL) != 0)
		c->r = RP_ERR_NOMEM;
	c->os_done = 1;
}

static int
is_software_type(const char *type)
{
	size_t i;

	for (i = 0; i < NELEM(software_types); i++) {
		if (strcmp(software_types[i], type) == 0)
			return 1;
	}
	return 0;
}

static void walk_components(struct cdx_read *c, const json_t *arr, int depth);

static void
walk_component(struct cdx_read *c, const json_t *comp, int depth)
{
	const char *type;
	json_t *v, *kids;

	if (!json_is_object(comp)) {
		rpjson_warn(&c->rd,
		    "expected a component object, got %s; skipped",
		    rpjson_type_name(comp));
		return;
	}
	if ((v = json_object_get(comp, "type")) == NULL) {
		rpjson_warn(
		    &c->rd, "component has no type; read as an application");
		type = "application";
	} else if ((type = json_string_value(v)) == NULL) {
		rpjson_warn(&c->rd,
		    "expected a string type, got %s; component skipped",
		    rpjson_type_name(v));
		return;
	}
	if (strcmp(type, "operating-system") == 0)
		read_os(c, comp);
	else if (is_software_type(type))
		read_software(c, comp);
	if ((kids = json_object_get(comp, "components")) != NULL)
		walk_components(c, kids, depth + 1);
}

static void
walk_components(struct cdx_read *c, const json_t *arr, int depth)
{
	json_t *comp;
	size_t i, mark, mark2;

	mark = rpjson_push_key(&c->rd, "components");
	if (!json_is_array(arr)) {
		rpjson_warn(&c->rd,
		    "expected an array of components, got %s; ignored",
		    rpjson_type_name(arr));
		goto out;
	}
	if (depth > INV_READ_MAX_DEPTH) {
		rpjson_warn(&c->rd, "components nested deeper than %d; ignored",
		    INV_READ_MAX_DEPTH);
		goto out;
	}
	json_array_foreach(arr, i, comp)
	{
		if (c->r != 0)
			break;
		if (++c->ncomp > INV_READ_MAX_SOFTWARE) {
			if (c->ncomp == INV_READ_MAX_SOFTWARE + 1)
				rpjson_warn(&c->rd,
				    "more than %d components; the rest ignored",
				    INV_READ_MAX_SOFTWARE);
			break;
		}
		mark2 = rpjson_push_index(&c->rd, i);
		walk_component(c, comp, depth);
		rpjson_pop(&c->rd, mark2);
	}
out:
	rpjson_pop(&c->rd, mark);
}

static int
check_header(struct cdx_read *c, const json_t *root)
{
	static const char *const versions[] = {
	    "1.2", "1.3", "1.4", "1.5", "1.6"};
	const char *s;
	size_t i;

	if (!json_is_object(root)) {
		rpjson_err(&c->rd, "expected a CycloneDX BOM object, got %s",
		    rpjson_type_name(root));
		return RP_ERR_INVALID;
	}
	if ((s = rpjson_str(root, "bomFormat")) == NULL ||
	    strcmp(s, "CycloneDX") != 0) {
		rpjson_err_at(&c->rd, "bomFormat", "expected \"CycloneDX\"");
		return RP_ERR_INVALID;
	}
	if ((s = rpjson_str(root, "specVersion")) == NULL) {
		rpjson_err_at(&c->rd, "specVersion",
		    "expected a string (\"1.2\" to \"1.6\")");
		return RP_ERR_INVALID;
	}
	for (i = 0; i < NELEM(versions); i++) {
		if (strcmp(versions[i], s) == 0)
			return 0;
	}
	rpjson_err_at(&c->rd, "specVersion",
	    "CycloneDX %.16s is not supported; 1.2 to 1.6 expected (JSON "
	    "BOMs start at 1.2)",
	    s);
	return RP_ERR_UNSUPPORTED;
}

/* The host from metadata.component: its name, and properties. */
static int
read_host(struct cdx_read *c, const json_t *hc)
{
	const char *pv[P_COUNT], *name, *type;

	if (!json_is_object(hc)) {
		rpjson_err(&c->rd,
		    "expected the host component (an object with a name), "
		    "got %s",
		    hc == NULL ? "nothing" : rpjson_type_name(hc));
		return RP_ERR_INVALID;
	}
	/* without a name there is no host to report on */
	c->rd.level = RP_DIAG_ERROR;
	name = inv_field_get(&c->rd, hc, "name", INV_F_HOST_NAME,
	    RPJSON_REQUIRED, "the BOM names no host", NULL);
	c->rd.level = RP_DIAG_WARNING;
	if (name == NULL)
		return RP_ERR_INVALID;
	read_props(c, hc, pv, 1);
	if (c->r != 0)
		return c->r;
	if (inv_host_set(c->h, name, pv[P_HOST_OS], pv[P_HOST_OS_VERSION],
		pv[P_HOST_ARCH]) != 0 ||
	    inv_host_set_ids(c->h, pv[P_HOST_ID], pv[P_HOST_CUSTOMER]) != 0)
		return RP_ERR_NOMEM;
	if (pv[P_HOST_OS] != NULL)
		c->os_done = 1;
	/* A BOM of an OS image: the described component is the OS. */
	type = rpjson_str(hc, "type");
	if (type != NULL && strcmp(type, "operating-system") == 0)
		read_os(c, hc);
	return c->r;
}

/* Whether the described component hc is software rather than a machine. */
static int
describes_software(const json_t *hc)
{
	static const char *const types[] = {
	    "application", "framework", "library"};
	const char *type = rpjson_str(hc, "type");
	size_t i;

	for (i = 0; type != NULL && i < NELEM(types); i++) {
		if (strcmp(types[i], type) == 0)
			return 1;
	}
	return 0;
}

/* Whether s can name a host: a valid field and valid UTF-8 (JSON). */
static int
usable_name(const char *s)
{
	json_t *j;

	if (s == NULL || inv_field_check(INV_F_HOST_NAME, s) != NULL ||
	    (j = json_string(s)) == NULL)
		return 0;
	json_decref(j);
	return 1;
}

/*
 * A BOM that describes no machine (hc NULL, or the application it
 * describes): a host named after the serial number, else `file`, with a
 * note at the path.  The described application becomes an entry.
 */
static int
read_software_list(
    struct cdx_read *c, const json_t *root, const json_t *hc, const char *file)
{
	const char *serial = rpjson_str(root, "serialNumber"), *name, *after;
	const char *app = rpjson_str(hc, "name");

	if (usable_name(serial)) {
		name = serial;
		after = "its serial number";
	} else if (usable_name(file)) {
		name = file;
		after = "its file";
	} else {
		name = "(unnamed software list)";
		after = "nothing: it has no serialNumber and no file name";
	}
	if (inv_host_set(c->h, name, NULL, NULL, NULL) != 0)
		return RP_ERR_NOMEM;
	if (hc == NULL)
		rp_diags_add(c->rd.d, RP_DIAG_NOTE, NULL, "",
		    "the BOM names no host (it has no metadata.component): "
		    "read as a software list named \"%s\" after %s",
		    name, after);
	else
		rpjson_diag(&c->rd, RP_DIAG_NOTE, NULL, NULL,
		    "the BOM describes the %s \"%.256s\", not a host: read "
		    "as a software list named \"%s\" after %s, with the %s "
		    "as one of its entries",
		    rpjson_str(hc, "type"), app != NULL ? app : "", name, after,
		    rpjson_str(hc, "type"));
	if (hc != NULL)
		read_software(c, hc);
	return c->r;
}

int
cyclonedx_read(const json_t *root, struct inv_host **out, struct rp_diags *d)
{
	return cyclonedx_read_named(root, NULL, out, d);
}

int
cyclonedx_read_named(const json_t *root, const char *file,
    struct inv_host **out, struct rp_diags *d)
{
	struct cdx_read c;
	json_t *meta, *hc, *kids;
	size_t mark;
	int r = RP_ERR_INTERNAL;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	rpjson_rd_init(&c.rd, &c.path, d);
	c.rd.level = RP_DIAG_WARNING;
	if ((r = check_header(&c, root)) != 0)
		goto out;
	if ((c.h = inv_host_new()) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	meta = json_object_get(root, "metadata");
	hc = json_is_object(meta) ? json_object_get(meta, "component") : NULL;
	mark = rpjson_push_key(&c.rd, "metadata");
	rpjson_push_key(&c.rd, "component");
	if (hc == NULL || describes_software(hc))
		r = read_software_list(&c, root, hc, file);
	else
		r = read_host(&c, hc);
	if (r != 0)
		goto out;
	if ((kids = json_object_get(hc, "components")) != NULL)
		walk_components(&c, kids, 1);
	rpjson_pop(&c.rd, mark);
	if ((kids = json_object_get(root, "components")) != NULL)
		walk_components(&c, kids, 0);
	if ((r = c.r) != 0)
		goto out;
	*out = c.h;
	c.h = NULL;
	r = 0;
out:
	inv_host_free(c.h);
	return r;
}

/* ---- writing ---- */

struct cdx_write {
	int failed;
};

static void
put_new(struct cdx_write *w, json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		w->failed = 1;
}

static void
put_str(struct cdx_write *w, json_t *obj, const char *key, const char *s)
{
	if (s != NULL)
		put_new(w, obj, key, json_string(s));
}

static void
append_new(struct cdx_write *w, json_t *arr, json_t *v)
{
	if (v == NULL || json_array_append_new(arr, v) != 0)
		w->failed = 1;
}

static void
add_prop(struct cdx_write *w, json_t *arr, const char *name, const char *v)
{
	json_t *p;

	if (v == NULL)
		return;
	if ((p = json_object()) == NULL) {
		w->failed = 1;
		return;
	}
	put_str(w, p, "name", name);
	put_str(w, p, "value", v);
	append_new(w, arr, p);
}

/* One list property: name with the compact JSON text of o (consumed). */
static void
add_json_prop(struct cdx_write *w, json_t *arr, const char *name, json_t *o)
{
	char *text;

	if (o == NULL) {
		w->failed = 1;
		return;
	}
	if ((text = json_dumps(o, JSON_COMPACT)) == NULL)
		w->failed = 1;
	else
		add_prop(w, arr, name, text);
	free(text);
	json_decref(o);
}

/* The host's addresses, processes and connections as list properties. */
static void
add_list_props(struct cdx_write *w, json_t *arr, const struct inv_host *h)
{
	size_t i;

	if (arr == NULL)
		return;
	for (i = 0; i < h->naddrs && !w->failed; i++)
		add_json_prop(
		    w, arr, list_props[0].name, inv_addr_to_json(&h->addrs[i]));
	for (i = 0; i < h->nprocs && !w->failed; i++)
		add_json_prop(w, arr, list_props[1].name,
		    inv_process_to_json(&h->procs[i]));
	for (i = 0; i < h->nconns && !w->failed; i++)
		add_json_prop(
		    w, arr, list_props[2].name, inv_conn_to_json(&h->conns[i]));
}

/* Adds arr as obj["properties"] when it has entries, else drops it. */
static void
put_props(struct cdx_write *w, json_t *obj, json_t *arr)
{
	if (arr == NULL)
		w->failed = 1;
	else if (json_array_size(arr) == 0)
		json_decref(arr);
	else
		put_new(w, obj, "properties", arr);
}

/* A random (version 4) UUID URN; 0, or -1 when no randomness. */
static int
make_serial(char *buf, size_t len)
{
	uint8_t b[16];
	ssize_t n;
	int fd;

	n = getrandom(b, sizeof(b), GRND_NONBLOCK);
	if (n != (ssize_t)sizeof(b)) {
		if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) < 0)
			return -1;
		n = read(fd, b, sizeof(b));
		close(fd);
		if (n != (ssize_t)sizeof(b))
			return -1;
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(buf, len,
	    "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
	    b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

static json_t *
write_metadata(struct cdx_write *w, const struct inv_host *h)
{
	json_t *meta, *tools, *tcomps, *tool, *hc, *hp;
	char ts[32];
	struct tm tm;
	time_t now = time(NULL);

	if ((meta = json_object()) == NULL)
		return NULL;
	if (gmtime_r(&now, &tm) != NULL &&
	    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		put_str(w, meta, "timestamp", ts);
	tools = json_object();
	tcomps = json_array();
	tool = json_object();
	if (tool != NULL) {
		put_str(w, tool, "type", "application");
		put_str(w, tool, "name", "rampart");
		put_str(w, tool, "version", RAMPART_VERSION);
	}
	if (tcomps != NULL)
		append_new(w, tcomps, tool);
	else
		json_decref(tool);
	if (tools != NULL)
		put_new(w, tools, "components", tcomps);
	else
		json_decref(tcomps);
	put_new(w, meta, "tools", tools);

	if ((hc = json_object()) != NULL) {
		put_str(w, hc, "type", "device");
		put_str(w, hc, "bom-ref", "host");
		put_str(w, hc, "name", h->name != NULL ? h->name : "unknown");
		hp = json_array();
		add_prop(w, hp, "rampart:host:id", h->id);
		add_prop(w, hp, "rampart:host:customer", h->customer);
		add_prop(w, hp, "rampart:host:arch", h->arch);
		/* Only without an OS component to carry it. */
		if (h->os == NULL)
			add_prop(
			    w, hp, "rampart:host:os_version", h->os_version);
		add_list_props(w, hp, h);
		put_props(w, hc, hp);
	}
	put_new(w, meta, "component", hc);
	return meta;
}

static json_t *
write_software(struct cdx_write *w, const struct inv_software *sw, size_t i)
{
	json_t *o, *pa;
	char ref[32];

	if ((o = json_object()) == NULL)
		return NULL;
	snprintf(ref, sizeof(ref), "sw-%zu", i + 1);
	put_str(w, o, "type", "application");
	put_str(w, o, "bom-ref", ref);
	put_str(w, o, "publisher", sw->vendor);
	put_str(w, o, "name", sw->name);
	put_str(w, o, "version", sw->version);
	put_str(w, o, "cpe", sw->cpe);
	put_str(w, o, "purl", sw->purl);
	pa = json_array();
	if (sw->source != INV_SOURCE_UNKNOWN)
		add_prop(w, pa, "rampart:source", inv_source_name(sw->source));
	add_prop(w, pa, "rampart:scheme", inv_scheme_name(sw->scheme));
	add_prop(w, pa, "rampart:arch", sw->arch);
	add_prop(w, pa, "rampart:path", sw->path);
	add_prop(w, pa, "rampart:bundle_id", sw->bundle_id);
	add_prop(w, pa, "rampart:source_package", sw->source_name);
	add_prop(w, pa, "rampart:source_package_version", sw->source_version);
	add_prop(w, pa, "rampart:state", sw->state);
	put_props(w, o, pa);
	return o;
}

static json_t *
write_components(struct cdx_write *w, const struct inv_host *h)
{
	json_t *arr, *os;
	size_t i;

	if ((arr = json_array()) == NULL)
		return NULL;
	if (h->os != NULL) {
		if ((os = json_object()) != NULL) {
			put_str(w, os, "type", "operating-system");
			put_str(w, os, "bom-ref", "os");
			put_str(w, os, "name", h->os);
			put_str(w, os, "version", h->os_version);
		}
		append_new(w, arr, os);
	}
	for (i = 0; i < h->nsw && !w->failed; i++) {
		/* Without a name a component would not be valid CycloneDX. */
		if (h->sw[i].name == NULL)
			continue;
		append_new(w, arr, write_software(w, &h->sw[i], i));
	}
	return arr;
}

json_t *
cyclonedx_write(const struct inv_host *h)
{
	struct cdx_write w = {0};
	json_t *bom;
	char serial[64];

	if ((bom = json_object()) == NULL)
		return NULL;
	put_str(&w, bom, "bomFormat", "CycloneDX");
	put_str(&w, bom, "specVersion", "1.5");
	if (make_serial(serial, sizeof(serial)) == 0)
		put_str(&w, bom, "serialNumber", serial);
	put_new(&w, bom, "version", json_integer(1));
	put_new(&w, bom, "metadata", write_metadata(&w, h));
	put_new(&w, bom, "components", write_components(&w, h));
	if (w.failed) {
		json_decref(bom);
		return NULL;
	}
	return bom;
}
