/*
 * MISP events as indicators: the attributes of an event and of its
 * objects, mapped onto the indicator types the sweep uses.  MISP types
 * the model does not hold (link, text, regkey, email-*, ssdeep...) are
 * counted by type and reported, never dropped silently; to_ids says
 * whether a match blocks or only informs.
 */
#include <stdlib.h>
#include <string.h>

#include "json/rpjson.h"
#include "util/err.h"
#include "util/input.h"

#include "ioc_int.h"

#define MISP_MAX_INPUT RP_CAP_INDICATORS
#define MISP_MAX_ATTRIBUTES IOC_BUNDLE_MAX_IOCS
#define MISP_MAX_OBJECTS 100000
#define MISP_TYPE_MAX 128

/* A MISP type and the indicator types of its one or two '|' parts. */
struct misp_map {
	const char *name;
	int first, second; /* enum ioc_type, or -1: that part is dropped */
};

static const struct misp_map misp_types[] = {
    {"ip-dst", IOC_IP, -1},
    {"ip-src", IOC_IP, -1},
    {"ip-dst|port", IOC_IP, -1},
    {"ip-src|port", IOC_IP, -1},
    {"domain", IOC_DOMAIN, -1},
    {"hostname", IOC_DOMAIN, -1},
    {"hostname|port", IOC_DOMAIN, -1},
    {"domain|ip", IOC_DOMAIN, IOC_IP},
    {"url", IOC_URL, -1},
    {"md5", IOC_MD5, -1},
    {"sha1", IOC_SHA1, -1},
    {"sha256", IOC_SHA256, -1},
    {"filename", IOC_FILENAME, -1},
    {"filename|md5", IOC_FILENAME, IOC_MD5},
    {"filename|sha1", IOC_FILENAME, IOC_SHA1},
    {"filename|sha256", IOC_FILENAME, IOC_SHA256},
};

struct misp {
	struct rpjson_rd rd; /* first: the layer hands it to callbacks */
	struct rpjson_path p;
	struct ioc_bundle *b;
	struct ioc_import st;
	const char *source;
	int fatal; /* RP_ERR_LIMIT / RP_ERR_NOMEM stop the reading */
};

static const struct misp_map *
misp_map_find(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(misp_types) / sizeof(misp_types[0]); i++) {
		if (strcmp(misp_types[i].name, type) == 0)
			return &misp_types[i];
	}
	return NULL;
}

/*
 * What a value of a MISP type is in the model.  MISP "url" attributes
 * often hold a bare host name or address (C2 servers): those are domain
 * and IP indicators (a name ending in a file extension stays a bad URL).  A "filename" often carries the folder it was found
 * in ("Micbt/RasTls.dll"): the model matches base names, so the base
 * name is kept (part is cut in place).
 */
static int
misp_retype(int type, char *part)
{
	char buf[IOC_NORM_MAX];
	const char *why, *base;

	if (type == IOC_URL &&
	    ioc_normalize(IOC_URL, part, buf, sizeof(buf), &why) != 0) {
		if (ioc_normalize(IOC_IP, part, buf, sizeof(buf), &why) == 0)
			return IOC_IP;
		/* "igfxtray.exe" in a url attribute is no domain */
		if (!ioc_name_is_file(part) &&
		    ioc_normalize(IOC_DOMAIN, part, buf, sizeof(buf), &why) ==
			0)
			return IOC_DOMAIN;
	}
	if (type == IOC_FILENAME) {
		base = part + strlen(part);
		while (base > part && base[-1] != '/' && base[-1] != '\\')
			base--;
		if (base != part && *base != '\0')
			memmove(part, base, strlen(base) + 1);
	}
	return type;
}

/* Adds one part of a value; part is copied out of the composite value. */
static void
misp_add(struct misp *m, int type, enum ioc_mode mode, const char *v, size_t n,
    const char *comment)
{
	char part[IOC_NORM_MAX];
	size_t mark;
	int r;

	if (type < 0 || m->fatal != 0)
		return;
	if (n >= sizeof(part)) {
		rpjson_warn_at(&m->rd, "value",
		    "a %s of more than %d bytes; skipped",
		    ioc_type_name((enum ioc_type)type), IOC_VALUE_MAX);
		m->st.ninvalid++;
		return;
	}
	memcpy(part, v, n);
	part[n] = '\0';
	type = misp_retype(type, part);
	/* the pointer names the value, where the user must look */
	mark = rpjson_push_key(&m->rd, "value");
	r = ioc_import_add(m->b, &m->st, (enum ioc_type)type, mode, part,
	    m->source, comment, m->rd.d, rpjson_pointer(&m->rd));
	rpjson_pop(&m->rd, mark);
	if (r != 0)
		m->fatal = r;
}

static int
misp_attribute(struct rpjson_rd *rd, const json_t *a, size_t i, void *arg)
{
	struct misp *m = arg;
	const struct misp_map *map;
	const char *type = NULL, *value = NULL, *comment = NULL, *bar;
	int to_ids = 0, deleted = 0;
	size_t before = rd->nerrors + rd->nwarnings;

	(void)i;
	if (!json_is_object(a)) {
		rpjson_warn(rd, "an attribute is an object, got %s; skipped",
		    rpjson_type_name(a));
		m->st.ninvalid++;
		return 0;
	}
	rpjson_get_str(rd, a, "type", MISP_TYPE_MAX,
	    RPJSON_REQUIRED | RPJSON_NONEMPTY | RPJSON_LINE, &type);
	rpjson_get_str(rd, a, "value", SIZE_MAX, RPJSON_REQUIRED, &value);
	if (rd->nerrors + rd->nwarnings != before) {
		m->st.ninvalid++;
		return 0;
	}
	rpjson_get_bool(rd, a, "deleted", 0, &deleted);
	if (deleted) {
		m->st.ndeleted++;
		return 0;
	}
	if ((map = misp_map_find(type)) == NULL) {
		ioc_import_skip(&m->st, type);
		return 0;
	}
	rpjson_get_bool(rd, a, "to_ids", 0, &to_ids);
	rpjson_get_str(rd, a, "comment", SIZE_MAX, RPJSON_NULLABLE, &comment);
	if (comment != NULL && comment[0] == '\0')
		comment = NULL;
	bar = strchr(value, '|');
	if ((map->second >= 0 || strchr(type, '|') != NULL) && bar == NULL) {
		rpjson_warn_at(rd, "value",
		    "a %s value is two parts joined by '|'; skipped", type);
		m->st.ninvalid++;
		return 0;
	}
	if (bar == NULL)
		bar = value + strlen(value);
	misp_add(m, map->first, to_ids ? IOC_MODE_BLOCK : IOC_MODE_INFORM,
	    value, (size_t)(bar - value), comment);
	if (map->second >= 0)
		misp_add(m, map->second,
		    to_ids ? IOC_MODE_BLOCK : IOC_MODE_INFORM, bar + 1,
		    strlen(bar + 1), comment);
	return m->fatal;
}

static int
misp_object(struct rpjson_rd *rd, const json_t *o, size_t i, void *arg)
{
	struct misp *m = arg;
	int deleted = 0;

	(void)i;
	if (!json_is_object(o)) {
		rpjson_warn(rd, "an object is an object, got %s; skipped",
		    rpjson_type_name(o));
		return 0;
	}
	rpjson_get_bool(rd, o, "deleted", 0, &deleted);
	if (deleted) {
		m->st.ndeleted++;
		return 0;
	}
	rpjson_each_member(
	    rd, o, "Attribute", MISP_MAX_ATTRIBUTES, 0, misp_attribute, m);
	return m->fatal;
}

/* The event object: root["Event"], or root itself when it is one. */
static const json_t *
misp_event(struct misp *m, const json_t *root)
{
	const json_t *ev;

	if (!json_is_object(root)) {
		rpjson_err(&m->rd, "a MISP event is a JSON object, got %s",
		    rpjson_type_name(root));
		return NULL;
	}
	if ((ev = json_object_get(root, "Event")) != NULL) {
		rpjson_push_key(&m->rd, "Event");
		if (!json_is_object(ev)) {
			rpjson_err(&m->rd, "\"Event\" is an object, got %s",
			    rpjson_type_name(ev));
			return NULL;
		}
		return ev;
	}
	if (json_object_get(root, "Attribute") == NULL &&
	    json_object_get(root, "Object") == NULL) {
		rpjson_err(&m->rd,
		    "not a MISP event: expected {\"Event\": {...}} or an event "
		    "with \"Attribute\" or \"Object\"");
		return NULL;
	}
	return root;
}

int
ioc_misp_read_json(const json_t *root, const char *name, struct ioc_bundle *b,
    struct ioc_import *st, struct rp_diags *d)
{
	struct misp *m;
	const json_t *ev;
	int r = RP_ERR_INVALID;

	if (root == NULL || b == NULL)
		return RP_ERR_ARG;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return RP_ERR_NOMEM;
	rpjson_rd_init(&m->rd, &m->p, d);
	m->b = b;
	if ((ev = misp_event(m, root)) == NULL)
		goto out;
	m->source = name;
	if (m->source == NULL)
		m->source = rpjson_str(ev, "uuid");
	/* one bad attribute does not spoil the event */
	m->rd.level = RP_DIAG_WARNING;
	if ((r = rpjson_each_member(&m->rd, ev, "Attribute",
		 MISP_MAX_ATTRIBUTES, 0, misp_attribute, m)) != 0 ||
	    (r = rpjson_each_member(&m->rd, ev, "Object", MISP_MAX_OBJECTS, 0,
		 misp_object, m)) != 0)
		goto out;
	ioc_import_notes(&m->st, "attributes", d);
	if (m->st.nread == 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, rpjson_pointer(&m->rd),
		    "no usable indicators in the MISP event");
		r = RP_ERR_INVALID;
		goto out;
	}
	if (st != NULL)
		*st = m->st;
	r = 0;
out:
	free(m);
	return r;
}

int
ioc_misp_read_file(const char *path, struct ioc_bundle *b,
    struct ioc_import *st, struct rp_diags *d)
{
	return ioc_read_json_file(
	    path, MISP_MAX_INPUT, ioc_misp_read_json, b, st, d);
}
