/*
 * The rules bundle in memory and as JSON (docs/bundle.md).  Every value
 * enters through ioc_bundle_add_at, so a bundle read from a file is held
 * to the same rules as one built from feeds: normalised values, bounded
 * counts, no repeated (type, value).  A private keyed hash set per type
 * over the indicators (util/hashtab.h) keeps that check constant-time for
 * bundles of a million entries, whatever values a feed sends; it lives
 * next to the public struct, which callers only get from ioc_bundle_new.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/rpjson.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/hashtab.h"
#include "util/rfc3339.h"
#include "util/str.h"

#include "ioc_int.h"

#define BUNDLE_ARENA_MAX ((size_t)1536 * 1024 * 1024)
#define BUNDLE_MAX_ADVISORIES 10000
#define BUNDLE_ID_MAX 256
#define BUNDLE_NAME_MAX 1024
#define BUNDLE_FORMAT 1

struct bundle_priv {
	struct ioc_bundle pub; /* first: the public view */
	/* per type: value (in the arena) -> index + 1 into pub.iocs */
	struct rp_hashtab *set[IOC_TYPE_COUNT];
	const char *last_source; /* interned: most indicators share one */
	size_t capadvisories;
};

static struct bundle_priv *
priv(struct ioc_bundle *b)
{
	return (struct bundle_priv *)b;
}

struct ioc_bundle *
ioc_bundle_new(void)
{
	struct bundle_priv *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->pub.arena = rp_arena_new(BUNDLE_ARENA_MAX)) == NULL) {
		free(p);
		return NULL;
	}
	return &p->pub;
}

void
ioc_bundle_free(struct ioc_bundle *b)
{
	struct bundle_priv *p;
	size_t t;

	if (b == NULL)
		return;
	p = priv(b);
	rp_arena_free(b->arena);
	for (t = 0; t < IOC_TYPE_COUNT; t++)
		rp_hashtab_free(p->set[t]);
	free(p);
}

/* The index of (t, v) in b->iocs, or SIZE_MAX. */
static size_t
set_find(const struct bundle_priv *p, enum ioc_type t, const char *v)
{
	void *i;

	if (!rp_hashtab_get(p->set[t], v, strlen(v), &i))
		return SIZE_MAX;
	return (size_t)(uintptr_t)i - 1;
}

static void diag_at(struct rp_diags *d, enum rp_diag_level lv, int line,
    const char *ptr, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
diag_at(struct rp_diags *d, enum rp_diag_level lv, int line, const char *ptr,
    const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	if (line > 0)
		rp_diags_add_at(d, lv, line, 0, "%s", msg);
	else
		rp_diags_add(d, lv, NULL, ptr, "%s", msg);
	free(msg);
}

/* An arena copy of free text (comment, source), or NULL if it is bad. */
static const char *
text_copy(struct rp_arena *a, const char *s, const char **why)
{
	size_t n = strlen(s);

	if (n > IOC_VALUE_MAX) {
		*why = "longer than 8192 bytes";
		return NULL;
	}
	if (!ioc_utf8_valid(s, n)) {
		*why = "not valid UTF-8";
		return NULL;
	}
	return rp_arena_strndup(a, s, n);
}

static const char *
source_copy(struct bundle_priv *p, const char *src, const char **why)
{
	if (src == NULL)
		return NULL;
	if (p->last_source != NULL && strcmp(p->last_source, src) == 0)
		return p->last_source;
	return p->last_source = text_copy(p->pub.arena, src, why);
}

/* Merges a repeated indicator into the first one; always 0. */
static int
add_duplicate(
    struct ioc *e, uint64_t size, struct rp_diags *d, int line, const char *ptr)
{
	if (e->size == 0 && size != 0) {
		e->size = size;
	} else if (size != 0 && e->size != size) {
		diag_at(d, RP_DIAG_WARNING, line, ptr,
		    "%s %s listed again with size %llu (first with %llu); "
		    "the first is kept",
		    ioc_type_name(e->type), e->value, (unsigned long long)size,
		    (unsigned long long)e->size);
		return 0;
	}
	diag_at(d, RP_DIAG_WARNING, line, ptr,
	    "duplicate %s indicator %s ignored (first from %s)",
	    ioc_type_name(e->type), e->value,
	    e->source != NULL ? e->source : "this input");
	return 0;
}

static int
add_at(struct ioc_bundle *b, enum ioc_type type, enum ioc_mode mode,
    const char *value, uint64_t size, const char *source, const char *comment,
    struct rp_diags *d, int line, const char *ptr)
{
	struct bundle_priv *p;
	char buf[IOC_NORM_MAX];
	const char *why = NULL, *src = NULL, *com = NULL;
	struct ioc *e, *v;
	size_t slot;
	int r;

	if (b == NULL || value == NULL || (unsigned)type >= IOC_TYPE_COUNT)
		return RP_ERR_ARG;
	p = priv(b);
	if (ioc_normalize(type, value, buf, sizeof(buf), &why) != 0) {
		diag_at(d, RP_DIAG_ERROR, line, ptr, "%s \"%.100s\": %s",
		    ioc_type_name(type), value, why);
		return RP_ERR_INVALID;
	}
	if (size != 0 && !ioc_type_is_hash(type)) {
		diag_at(d, RP_DIAG_ERROR, line, ptr,
		    "a size belongs to file hashes, not to a %s",
		    ioc_type_name(type));
		return RP_ERR_INVALID;
	}
	if ((slot = set_find(p, type, buf)) != SIZE_MAX) {
		if (mode == IOC_MODE_BLOCK)
			b->iocs[slot].mode = IOC_MODE_BLOCK;
		return add_duplicate(&b->iocs[slot], size, d, line, ptr);
	}
	if (b->niocs >= IOC_BUNDLE_MAX_IOCS) {
		diag_at(d, RP_DIAG_ERROR, line, ptr,
		    "more than %d indicators in one bundle",
		    IOC_BUNDLE_MAX_IOCS);
		return RP_ERR_LIMIT;
	}
	if ((source != NULL && (src = source_copy(p, source, &why)) == NULL) ||
	    (comment != NULL &&
		(com = text_copy(b->arena, comment, &why)) == NULL)) {
		if (why == NULL)
			return RP_ERR_NOMEM;
		diag_at(d, RP_DIAG_ERROR, line, ptr, "the %s is %s",
		    src == NULL && source != NULL ? "source" : "comment", why);
		return RP_ERR_INVALID;
	}
	if ((v = rp_arena_grow(
		 b->arena, b->iocs, b->niocs, &b->capiocs, sizeof(*v))) == NULL)
		return RP_ERR_NOMEM;
	b->iocs = v;
	e = &v[b->niocs];
	e->type = type;
	e->mode = mode;
	e->size = size;
	e->source = src;
	e->comment = com;
	if ((e->value = rp_arena_strdup(b->arena, buf)) == NULL)
		return RP_ERR_NOMEM;
	if (p->set[type] == NULL &&
	    (p->set[type] = rp_hashtab_new(IOC_BUNDLE_MAX_IOCS)) == NULL)
		return RP_ERR_NOMEM;
	r = rp_hashtab_add(p->set[type], e->value, strlen(e->value),
	    (void *)(uintptr_t)(b->niocs + 1));
	if (r != 0)
		return r > 0 ? RP_ERR_INTERNAL : r;
	b->niocs++;
	return 0;
}

int
ioc_bundle_add_at(struct ioc_bundle *b, enum ioc_type type, const char *value,
    uint64_t size, const char *source, const char *comment, struct rp_diags *d,
    int line, const char *ptr)
{
	return add_at(b, type, IOC_MODE_BLOCK, value, size, source, comment, d,
	    line, ptr);
}

int
ioc_bundle_add_mode_at(struct ioc_bundle *b, enum ioc_type type,
    enum ioc_mode mode, const char *value, const char *source,
    const char *comment, struct rp_diags *d, const char *ptr)
{
	if ((unsigned)mode > IOC_MODE_INFORM)
		return RP_ERR_ARG;
	return add_at(b, type, mode, value, 0, source, comment, d, 0, ptr);
}

int
ioc_bundle_add(struct ioc_bundle *b, enum ioc_type type, const char *value,
    uint64_t size, const char *source, const char *comment, struct rp_diags *d)
{
	return ioc_bundle_add_at(
	    b, type, value, size, source, comment, d, 0, NULL);
}

static int
yara_add_at(struct ioc_bundle *b, const char *name, const char *text,
    const char *source, struct rp_diags *d, const char *ptr)
{
	struct ioc_yara *v, *e;
	size_t n, i;
	const char *why = NULL;

	if (b == NULL || name == NULL || text == NULL)
		return RP_ERR_ARG;
	n = strlen(text);
	if (name[0] == '\0' || strlen(name) > BUNDLE_NAME_MAX ||
	    !ioc_utf8_valid(name, strlen(name))) {
		diag_at(d, RP_DIAG_ERROR, 0, ptr,
		    "a YARA source has a name of 1 to %d bytes of UTF-8",
		    BUNDLE_NAME_MAX);
		return RP_ERR_INVALID;
	}
	if (n == 0 || n > IOC_YARA_TEXT_MAX) {
		diag_at(d, RP_DIAG_ERROR, 0, ptr,
		    "YARA source %s: the text has 1 to %d bytes", name,
		    IOC_YARA_TEXT_MAX);
		return n == 0 ? RP_ERR_INVALID : RP_ERR_LIMIT;
	}
	if (!ioc_utf8_valid(text, n)) {
		diag_at(d, RP_DIAG_ERROR, 0, ptr,
		    "YARA source %s is not valid UTF-8 (write other bytes as "
		    "hex strings)",
		    name);
		return RP_ERR_INVALID;
	}
	for (i = 0; i < b->nyara; i++) {
		if (strcmp(b->yara[i].text, text) == 0) {
			diag_at(d, RP_DIAG_WARNING, 0, ptr,
			    "YARA source %s repeats %s; ignored", name,
			    b->yara[i].name);
			return 0;
		}
	}
	if (b->nyara >= IOC_BUNDLE_MAX_YARA) {
		diag_at(d, RP_DIAG_ERROR, 0, ptr,
		    "more than %d YARA sources in one bundle",
		    IOC_BUNDLE_MAX_YARA);
		return RP_ERR_LIMIT;
	}
	if ((v = rp_arena_grow(
		 b->arena, b->yara, b->nyara, &b->capyara, sizeof(*v))) == NULL)
		return RP_ERR_NOMEM;
	b->yara = v;
	e = &v[b->nyara];
	memset(e, 0, sizeof(*e));
	if ((e->name = rp_arena_strdup(b->arena, name)) == NULL ||
	    (e->text = rp_arena_strndup(b->arena, text, n)) == NULL)
		return RP_ERR_NOMEM;
	if (source != NULL &&
	    (e->source = source_copy(priv(b), source, &why)) == NULL) {
		if (why == NULL)
			return RP_ERR_NOMEM;
		diag_at(d, RP_DIAG_ERROR, 0, ptr,
		    "YARA source %s: the source is %s", name, why);
		return RP_ERR_INVALID;
	}
	b->nyara++;
	return 0;
}

int
ioc_bundle_add_yara(struct ioc_bundle *b, const char *name, const char *text,
    const char *source, struct rp_diags *d)
{
	return yara_add_at(b, name, text, source, d, NULL);
}

/* Advisory IDs are one line of printable text. */
static int
id_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > BUNDLE_ID_MAX || !ioc_utf8_valid(s, n))
		return 0;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	}
	return 1;
}

int
ioc_bundle_add_advisory(struct ioc_bundle *b, const char *id)
{
	const char **v;
	size_t i;

	if (b == NULL || id == NULL)
		return RP_ERR_ARG;
	if (!id_valid(id))
		return RP_ERR_INVALID;
	for (i = 0; i < b->nadvisories; i++) {
		if (strcmp(b->advisories[i], id) == 0)
			return 0;
	}
	if (b->nadvisories >= BUNDLE_MAX_ADVISORIES)
		return RP_ERR_LIMIT;
	if ((v = rp_arena_grow(b->arena, (void *)b->advisories, b->nadvisories,
		 &priv(b)->capadvisories, sizeof(*v))) == NULL)
		return RP_ERR_NOMEM;
	if ((v[b->nadvisories] = rp_arena_strdup(b->arena, id)) == NULL)
		return RP_ERR_NOMEM;
	b->advisories = v;
	b->nadvisories++;
	return 0;
}

int
ioc_bundle_set_created(struct ioc_bundle *b, const char *rfc3339)
{
	const char *c;

	if (b == NULL || rfc3339 == NULL)
		return RP_ERR_ARG;
	if (rp_rfc3339_parse(rfc3339, NULL, NULL) != 0)
		return RP_ERR_INVALID;
	if ((c = rp_arena_strdup(b->arena, rfc3339)) == NULL)
		return RP_ERR_NOMEM;
	b->created = c;
	return 0;
}

/* ---- writing ---- */

static int
set_str(json_t *o, const char *k, const char *v)
{
	if (v == NULL)
		return 0;
	return json_object_set_new(o, k, json_string(v));
}

static json_t *
write_ioc(const struct ioc *e)
{
	json_t *o;
	int r = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	r |= set_str(o, "type", ioc_type_name(e->type));
	r |= set_str(o, "value", e->value);
	if (e->size != 0)
		r |= json_object_set_new(
		    o, "size", json_integer((json_int_t)e->size));
	r |= set_str(o, "source", e->source);
	r |= set_str(o, "comment", e->comment);
	/* block is the default: bundles without inform entries are unchanged */
	if (e->mode == IOC_MODE_INFORM)
		r |= set_str(o, "mode", "inform");
	if (r != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
write_yara(const struct ioc_yara *y)
{
	json_t *o;
	int r = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	r |= set_str(o, "name", y->name);
	r |= set_str(o, "source", y->source);
	r |= set_str(o, "text", y->text);
	if (r != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
ioc_bundle_write(const struct ioc_bundle *b)
{
	json_t *root = NULL, *adv, *iocs, *yara;
	size_t i;
	int r = 0;

	if (b == NULL || (root = json_object()) == NULL)
		return NULL;
	r |= json_object_set_new(
	    root, "rampart_bundle", json_integer(BUNDLE_FORMAT));
	r |= set_str(root, "created", b->created);
	r |= json_object_set_new(root, "advisories", adv = json_array());
	r |= json_object_set_new(root, "indicators", iocs = json_array());
	r |= json_object_set_new(root, "yara", yara = json_array());
	if (r != 0)
		goto fail;
	for (i = 0; i < b->nadvisories; i++)
		r |= json_array_append_new(adv, json_string(b->advisories[i]));
	/* the agent's sweep has no use for networks; the format has none */
	for (i = 0; i < b->niocs && r == 0; i++)
		if (b->iocs[i].type != IOC_CIDR)
			r |=
			    json_array_append_new(iocs, write_ioc(&b->iocs[i]));
	for (i = 0; i < b->nyara && r == 0; i++)
		r |= json_array_append_new(yara, write_yara(&b->yara[i]));
	if (r == 0)
		return root;
fail:
	json_decref(root);
	return NULL;
}

/* ---- reading ---- */

struct rd {
	struct rpjson_rd rd; /* first: the layer hands it to callbacks */
	struct rpjson_path p;
	struct ioc_bundle *b;
	size_t nrefused; /* values ioc_bundle_add_at refused */
	int fatal; /* RP_ERR_LIMIT / RP_ERR_NOMEM stop the reading */
};

/* What ioc_bundle_add_at or yara_add_at said about a value. */
static int
rd_added(struct rd *c, int r)
{
	if (r != 0)
		c->nrefused++;
	if (r == RP_ERR_LIMIT || r == RP_ERR_NOMEM)
		c->fatal = r;
	return c->fatal;
}

static int
rd_indicator(struct rpjson_rd *rd, const json_t *o, size_t i, void *arg)
{
	static const char *const keys[] = {
	    "type", "value", "size", "source", "comment", "mode", NULL};
	static const char *const modes[] = {"block", "inform", NULL};
	struct rd *c = arg;
	size_t mode = IOC_MODE_BLOCK;
	const char *type = NULL, *value = NULL, *source = NULL, *comment = NULL;
	enum ioc_type t;
	uint64_t size = 0;
	size_t before = rd->nerrors;

	(void)i;
	if (!json_is_object(o)) {
		rpjson_err(rd, "an indicator is an object");
		return 0;
	}
	rpjson_check_keys(rd, o, keys);
	/* every member is checked, so that one reading reports them all */
	rpjson_get_str(rd, o, "type", SIZE_MAX, RPJSON_REQUIRED, &type);
	rpjson_get_str(rd, o, "value", SIZE_MAX, RPJSON_REQUIRED, &value);
	rpjson_get_str(rd, o, "source", SIZE_MAX, 0, &source);
	rpjson_get_str(rd, o, "comment", SIZE_MAX, 0, &comment);
	rpjson_get_uint(rd, o, "size", 1, UINT64_MAX, 0, &size);
	rpjson_get_enum(rd, o, "mode", modes, 0, &mode);
	if (rd->nerrors != before)
		return 0;
	if (ioc_type_from_name(type, &t) == 0 && t == IOC_CIDR) {
		rpjson_err_at(rd, "type",
		    "a rules bundle does not carry networks (\"cidr\"); the "
		    "sweep matches addresses");
		return 0;
	}
	if (ioc_type_from_name(type, &t) != 0) {
		rpjson_err_at(rd, "type",
		    "\"%.40s\" is not an indicator type (sha256, sha1, md5, "
		    "filename, domain, ip, url)",
		    type);
		return 0;
	}
	return rd_added(c,
	    add_at(c->b, t, (enum ioc_mode)mode, value, size, source, comment,
		rd->d, 0, rpjson_pointer(rd)));
}

static int
rd_yara(struct rpjson_rd *rd, const json_t *o, size_t i, void *arg)
{
	static const char *const keys[] = {"name", "source", "text", NULL};
	struct rd *c = arg;
	const char *name = NULL, *text = NULL, *source = NULL;
	size_t before = rd->nerrors;

	(void)i;
	if (!json_is_object(o)) {
		rpjson_err(rd, "a YARA source is an object");
		return 0;
	}
	rpjson_check_keys(rd, o, keys);
	rpjson_get_str(rd, o, "name", SIZE_MAX, RPJSON_REQUIRED, &name);
	rpjson_get_str(rd, o, "text", SIZE_MAX, RPJSON_REQUIRED, &text);
	rpjson_get_str(rd, o, "source", SIZE_MAX, 0, &source);
	if (rd->nerrors != before)
		return 0;
	return rd_added(c,
	    yara_add_at(c->b, name, text, source, rd->d, rpjson_pointer(rd)));
}

static int
rd_advisory(struct rpjson_rd *rd, const json_t *v, size_t i, void *arg)
{
	struct rd *c = arg;
	const char *id = NULL;
	int r;

	(void)i;
	if (rpjson_check_str(rd, v, BUNDLE_ID_MAX,
		RPJSON_NONEMPTY | RPJSON_LINE, &id) != 1 ||
	    !id_valid(id)) {
		if (id != NULL)
			rpjson_err(rd,
			    "an advisory ID is one line of 1 to %d bytes of "
			    "text",
			    BUNDLE_ID_MAX);
		return 0;
	}
	if ((r = ioc_bundle_add_advisory(c->b, id)) != 0) {
		rpjson_err(
		    rd, "cannot record the advisory: %s", rp_strerror(r));
		c->fatal = r;
	}
	return c->fatal;
}

/* Walks root[key] (an array of at most max) with fn; 0 or RP_ERR_LIMIT. */
static int
rd_array(struct rd *c, const json_t *root, const char *key, size_t max,
    unsigned flags, rpjson_each_fn fn)
{
	const json_t *a = NULL;
	size_t m;
	int r;

	if ((r = rpjson_get_array(&c->rd, root, key, max, flags, &a)) ==
	    RP_ERR_LIMIT)
		c->fatal = RP_ERR_LIMIT;
	if (r != 1)
		return c->fatal;
	m = rpjson_push_key(&c->rd, key);
	rpjson_each(&c->rd, a, max, fn, c);
	rpjson_pop(&c->rd, m);
	return c->fatal;
}

/* Checks the format member; 0, RP_ERR_INVALID or RP_ERR_UNSUPPORTED. */
static int
rd_version(struct rd *c, const json_t *root)
{
	json_int_t v;

	if (!json_is_object(root)) {
		rpjson_err(&c->rd, "a bundle is a JSON object");
		return RP_ERR_INVALID;
	}
	if (json_object_get(root, "rampart_bundle") == NULL) {
		rpjson_err(&c->rd,
		    "not a Rampart bundle (no \"rampart_bundle\" member)");
		return RP_ERR_INVALID;
	}
	if (rpjson_get_int(
		&c->rd, root, "rampart_bundle", 0, INT32_MAX, 0, &v) != 1)
		return RP_ERR_INVALID;
	if (v != BUNDLE_FORMAT) {
		rpjson_err_at(&c->rd, "rampart_bundle",
		    "bundle format %lld is not supported (this version reads "
		    "format %d)",
		    (long long)v, BUNDLE_FORMAT);
		return RP_ERR_UNSUPPORTED;
	}
	return 0;
}

int
ioc_bundle_read_json(
    const json_t *root, struct ioc_bundle **out, struct rp_diags *d)
{
	static const char *const keys[] = {"rampart_bundle", "created",
	    "advisories", "indicators", "yara", NULL};
	struct rd c;
	const char *created = NULL;
	int r;

	if (out == NULL || root == NULL)
		return RP_ERR_ARG;
	*out = NULL;
	memset(&c, 0, sizeof(c));
	rpjson_rd_init(&c.rd, &c.p, d);
	if ((r = rd_version(&c, root)) != 0)
		return r;
	if ((c.b = ioc_bundle_new()) == NULL)
		return RP_ERR_NOMEM;
	rpjson_check_keys(&c.rd, root, keys);
	if (rpjson_get_str(&c.rd, root, "created", SIZE_MAX, 0, &created) ==
		1 &&
	    ioc_bundle_set_created(c.b, created) != 0)
		rpjson_err_at(&c.rd, "created",
		    "\"created\" is an RFC 3339 date-time "
		    "(2023-03-30T12:00:00Z)");
	if ((r = rd_array(&c, root, "advisories", BUNDLE_MAX_ADVISORIES, 0,
		 rd_advisory)) != 0 ||
	    (r = rd_array(&c, root, "indicators", IOC_BUNDLE_MAX_IOCS,
		 RPJSON_REQUIRED, rd_indicator)) != 0 ||
	    (r = rd_array(&c, root, "yara", IOC_BUNDLE_MAX_YARA, 0, rd_yara)) !=
		0)
		goto out;
	if (c.rd.nerrors > 0 || c.nrefused > 0) {
		r = RP_ERR_INVALID;
		goto out;
	}
	*out = c.b;
	c.b = NULL;
	r = 0;
out:
	ioc_bundle_free(c.b);
	return r;
}

int
ioc_bundle_read_file(
    const char *path, struct ioc_bundle **out, struct rp_diags *d)
{
	json_t *root = NULL;
	int r;

	if (out == NULL || path == NULL)
		return RP_ERR_ARG;
	*out = NULL;
	/* parsed as it is read: the text is never held whole */
	if ((r = rpjson_load(path, RP_CAP_BUNDLE, &root, d)) == 0)
		r = ioc_bundle_read_json(root, out, d);
	json_decref(root);
	return r;
}
