/*
 * TEMP: a minimal rules bundle (model, normalisation, JSON read/write) so
 * the sweep can be built and tested before the ioc library lands.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/ioc.h"
#include "json/rpjson.h"
#include "util/arena.h"
#include "util/err.h"

static const char *names[IOC_TYPE_COUNT] = {
    "sha256", "sha1", "md5", "filename", "domain", "ip", "url"};

const char *
ioc_type_name(enum ioc_type t)
{
	return (unsigned)t < IOC_TYPE_COUNT ? names[t] : "?";
}

int
ioc_type_from_name(const char *name, enum ioc_type *out)
{
	int i;

	for (i = 0; i < IOC_TYPE_COUNT; i++)
		if (name != NULL && strcmp(name, names[i]) == 0) {
			*out = (enum ioc_type)i;
			return 0;
		}
	return RP_ERR_INVALID;
}

struct ioc_bundle *
ioc_bundle_new(void)
{
	struct ioc_bundle *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	if ((b->arena = rp_arena_new((size_t)1 << 30)) == NULL) {
		free(b);
		return NULL;
	}
	return b;
}

void
ioc_bundle_free(struct ioc_bundle *b)
{
	if (b == NULL)
		return;
	rp_arena_free(b->arena);
	free(b);
}

static char *
normalise(struct rp_arena *a, enum ioc_type t, const char *v)
{
	size_t n = strlen(v), i, want = 0;
	char *s;
	unsigned char bin[16];
	char txt[INET6_ADDRSTRLEN];

	if (t == IOC_SHA256)
		want = 64;
	else if (t == IOC_SHA1)
		want = 40;
	else if (t == IOC_MD5)
		want = 32;
	if (want != 0) {
		if (n != want)
			return NULL;
		s = rp_arena_strdup(a, v);
		for (i = 0; s != NULL && i < n; i++) {
			if (!isxdigit((unsigned char)s[i]))
				return NULL;
			s[i] = (char)tolower((unsigned char)s[i]);
		}
		return s;
	}
	if (t == IOC_IP) {
		if (inet_pton(AF_INET, v, bin) == 1)
			inet_ntop(AF_INET, bin, txt, sizeof(txt));
		else if (inet_pton(AF_INET6, v, bin) == 1)
			inet_ntop(AF_INET6, bin, txt, sizeof(txt));
		else
			return NULL;
		return rp_arena_strdup(a, txt);
	}
	if (n == 0 || n > IOC_VALUE_MAX)
		return NULL;
	s = rp_arena_strdup(a, v);
	if (s != NULL && t == IOC_DOMAIN) {
		for (i = 0; i < n; i++)
			s[i] = (char)tolower((unsigned char)s[i]);
		if (n > 1 && s[n - 1] == '.')
			s[n - 1] = '\0';
	}
	return s;
}

int
ioc_bundle_add(struct ioc_bundle *b, enum ioc_type type, const char *value,
    uint64_t size, const char *source, const char *comment, struct rp_diags *d)
{
	struct ioc *v;
	char *nv;
	size_t i;

	if ((unsigned)type >= IOC_TYPE_COUNT || value == NULL)
		return RP_ERR_ARG;
	if ((nv = normalise(b->arena, type, value)) == NULL) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "not a valid %s: %s",
		    names[type], value);
		return RP_ERR_INVALID;
	}
	for (i = 0; i < b->niocs; i++)
		if (b->iocs[i].type == type &&
		    strcmp(b->iocs[i].value, nv) == 0) {
			rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
			    "duplicate %s %s", names[type], nv);
			return 0;
		}
	if (b->niocs >= IOC_BUNDLE_MAX_IOCS)
		return RP_ERR_LIMIT;
	v = rp_arena_grow(b->arena, b->iocs, b->niocs, &b->capiocs, sizeof(*v));
	if (v == NULL)
		return RP_ERR_NOMEM;
	b->iocs = v;
	v = &b->iocs[b->niocs++];
	v->type = type;
	v->value = nv;
	v->size = size;
	v->source = rp_arena_strdup(b->arena, source);
	v->comment = rp_arena_strdup(b->arena, comment);
	return 0;
}

int
ioc_bundle_add_yara(struct ioc_bundle *b, const char *name, const char *text,
    const char *source, struct rp_diags *d)
{
	struct ioc_yara *y;

	if (name == NULL || text == NULL)
		return RP_ERR_ARG;
	if (b->nyara >= IOC_BUNDLE_MAX_YARA || strlen(text) > IOC_YARA_TEXT_MAX)
		return RP_ERR_LIMIT;
	y = rp_arena_grow(b->arena, b->yara, b->nyara, &b->capyara, sizeof(*y));
	if (y == NULL)
		return RP_ERR_NOMEM;
	b->yara = y;
	y = &b->yara[b->nyara++];
	y->name = rp_arena_strdup(b->arena, name);
	y->text = rp_arena_strdup(b->arena, text);
	y->source = rp_arena_strdup(b->arena, source);
	return y->name != NULL && y->text != NULL ? 0 : RP_ERR_NOMEM;
}

int
ioc_bundle_add_advisory(struct ioc_bundle *b, const char *id)
{
	const char **v;

	v = rp_arena_calloc(b->arena, b->nadvisories + 1, sizeof(*v));
	if (v == NULL)
		return RP_ERR_NOMEM;
	if (b->nadvisories > 0)
		memcpy(v, b->advisories, b->nadvisories * sizeof(*v));
	v[b->nadvisories] = rp_arena_strdup(b->arena, id);
	b->advisories = v;
	b->nadvisories++;
	return 0;
}

int
ioc_bundle_read_json(
    const json_t *root, struct ioc_bundle **out, struct rp_diags *d)
{
	struct ioc_bundle *b = NULL;
	json_t *arr, *e;
	size_t i;
	enum ioc_type t;
	int r = RP_ERR_INVALID;

	*out = NULL;
	if (!json_is_object(root) ||
	    json_integer_value(json_object_get(root, "rampart_bundle")) != 1) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "/rampart_bundle",
		    "not a version 1 rules bundle");
		return RP_ERR_INVALID;
	}
	if ((b = ioc_bundle_new()) == NULL)
		return RP_ERR_NOMEM;
	b->created = rp_arena_strdup(b->arena, rpjson_str(root, "created"));
	arr = rpjson_array(root, "indicators");
	json_array_foreach(arr, i, e)
	{
		if (ioc_type_from_name(rpjson_str(e, "type"), &t) != 0 ||
		    rpjson_str(e, "value") == NULL) {
			rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
			    "/indicators/%zu: no type or value", i);
			goto out;
		}
		r = ioc_bundle_add(b, t, rpjson_str(e, "value"),
		    (uint64_t)json_integer_value(json_object_get(e, "size")),
		    rpjson_str(e, "source"), rpjson_str(e, "comment"), d);
		if (r != 0)
			goto out;
	}
	arr = rpjson_array(root, "yara");
	json_array_foreach(arr, i, e)
	{
		r = ioc_bundle_add_yara(b, rpjson_str(e, "name"),
		    rpjson_str(e, "text"), rpjson_str(e, "source"), d);
		if (r != 0)
			goto out;
	}
	*out = b;
	b = NULL;
	r = 0;
out:
	ioc_bundle_free(b);
	return r;
}

int
ioc_bundle_read_file(
    const char *path, struct ioc_bundle **out, struct rp_diags *d)
{
	json_t *j;
	int r;

	*out = NULL;
	if ((j = rpjson_load_file(path, RPJSON_MAX_INPUT, d)) == NULL)
		return RP_ERR_IO;
	r = ioc_bundle_read_json(j, out, d);
	json_decref(j);
	return r;
}

json_t *
ioc_bundle_write(const struct ioc_bundle *b)
{
	json_t *j = json_object(), *ind = json_array(), *y = json_array(), *o;
	size_t i;

	json_object_set_new(j, "rampart_bundle", json_integer(1));
	json_object_set_new(j, "advisories", json_array());
	for (i = 0; i < b->niocs; i++) {
		o = json_object();
		json_object_set_new(
		    o, "type", json_string(names[b->iocs[i].type]));
		json_object_set_new(o, "value", json_string(b->iocs[i].value));
		if (b->iocs[i].size != 0)
			json_object_set_new(o, "size",
			    json_integer((json_int_t)b->iocs[i].size));
		if (b->iocs[i].source != NULL)
			json_object_set_new(
			    o, "source", json_string(b->iocs[i].source));
		json_array_append_new(ind, o);
	}
	for (i = 0; i < b->nyara; i++) {
		o = json_object();
		json_object_set_new(o, "name", json_string(b->yara[i].name));
		json_object_set_new(o, "text", json_string(b->yara[i].text));
		json_array_append_new(y, o);
	}
	json_object_set_new(j, "indicators", ind);
	json_object_set_new(j, "yara", y);
	return j;
}
