/*
 * MISP warninglists (https://github.com/MISP/misp-warninglists) as
 * further allowlists.  "hostname" lists protect names and what is below
 * them, "string" lists exact names (MISP compares those as whole
 * strings), "cidr" lists networks; an address in a name list protects
 * that address.  "substring" and "regex" lists cannot be applied to
 * names and networks: they are reported, never dropped silently.
 */
#include <string.h>

#include "json/rpjson.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/input.h"
#include "util/str.h"

#include "allow_int.h"

/* The largest lists (top-1M sites) are some 40 MiB of JSON. */
#define WL_MAX_INPUT RP_CAP_INDICATORS

enum wl_type { WL_STRING, WL_SUBSTRING, WL_HOSTNAME, WL_CIDR, WL_REGEX };

static const char *const wl_types[] = {
    "string", "substring", "hostname", "cidr", "regex", NULL};

static const char *const wl_keys[] = {"name", "version", "description", "type",
    "list", "matching_attributes", NULL};

struct wl {
	struct rpjson_rd rd; /* first: the layer hands it to callbacks */
	struct rpjson_path p;
	struct allow *a;
	enum wl_type type;
	const char *list, *why; /* interned */
	size_t napplied, nleft;
	/* allow_read_warninglist_each: what is read goes to fn too */
	int (*fn)(const struct allow_wl_entry *e, void *arg);
	void *arg;
	int stopped; /* fn returned non-zero */
};

/* Hands value (NULL: the list) to w->fn, when there is one. */
static int
wl_emit(struct wl *w, const char *value, int net, int subtree)
{
	struct allow_wl_entry e;
	int r;

	if (w->fn == NULL)
		return 0;
	e.list = w->list;
	e.why = w->why;
	e.type = wl_types[w->type];
	e.value = value;
	e.net = net;
	e.subtree = subtree;
	if ((r = w->fn(&e, w->arg)) != 0)
		w->stopped = 1;
	return r;
}

static int
wl_put_net(struct wl *w, const char *v)
{
	struct allow_net n;
	char text[64];
	int r;

	if (allow_net_parse(v, &n) != 0)
		return RP_ERR_INVALID;
	allow_net_format(&n, text, sizeof(text));
	if ((n.text = rp_arena_strdup(w->a->arena, text)) == NULL)
		return RP_ERR_NOMEM;
	n.list = w->list;
	n.why = w->why;
	if ((r = allow_net_push(w->a, &n)) != 0)
		return r;
	return wl_emit(w, text, 1, 0);
}

/* A name entry; "*.example.com" and ".example.com" mean the subtree. */
static int
wl_put_name(struct wl *w, const char *v, const char **why)
{
	char buf[256];
	size_t labels;
	int subtree = w->type == WL_HOSTNAME, r;

	if (strncmp(v, "*.", 2) == 0 || v[0] == '.') {
		v += v[0] == '.' ? 1 : 2;
		subtree = 1;
	}
	if ((*why = allow_name_norm(v, buf, &labels)) != NULL)
		return RP_ERR_INVALID;
	if (allow_is_suffix(w->a, buf, labels)) {
		*why = "a public suffix: as an allowlist entry it would shield "
		       "every site under it";
		return RP_ERR_INVALID;
	}
	if ((*why = rp_domain_check(buf)) != NULL)
		return RP_ERR_INVALID;
	if ((r = allow_name_put(w->a, buf, subtree, w->list, w->why)) != 0)
		return r;
	return wl_emit(w, buf, 0, subtree);
}

static int
wl_entry(struct rpjson_rd *rd, const json_t *e, size_t i, void *arg)
{
	struct wl *w = arg;
	const char *v, *why = "not an address or a CIDR network";
	int r;

	(void)i;
	if (rpjson_check_str(rd, e, ALLOW_TEXT_MAX,
		RPJSON_NONEMPTY | RPJSON_LINE, &v) != 1) {
		w->nleft++;
		return 0;
	}
	r = wl_put_net(w, v);
	if (r == RP_ERR_INVALID && w->type != WL_CIDR && !w->stopped)
		r = wl_put_name(w, v, &why);
	if (w->stopped)
		return r; /* fn's own stop, as fn said */
	if (r == RP_ERR_INVALID) {
		rpjson_warn(rd, "\"%.100s\" left out: %s", v, why);
		w->nleft++;
		return 0;
	}
	if (r != 0)
		return rpjson_fail(
		    rd, r, "the allowlist is full (%s)", rp_strerror(r));
	w->napplied++;
	return 0;
}

/* name, type, description: what the entries will carry. */
static int
wl_header(struct wl *w, const json_t *root, const char *name)
{
	const char *lname = NULL, *desc = NULL;
	size_t type;
	json_int_t version;

	rpjson_check_keys(&w->rd, root, wl_keys);
	rpjson_get_str(&w->rd, root, "name", ALLOW_TEXT_MAX,
	    RPJSON_REQUIRED | RPJSON_NONEMPTY | RPJSON_LINE, &lname);
	if (rpjson_get_enum(
		&w->rd, root, "type", wl_types, RPJSON_REQUIRED, &type) == 1)
		w->type = (enum wl_type)type;
	rpjson_get_str(
	    &w->rd, root, "description", ALLOW_TEXT_MAX, RPJSON_LINE, &desc);
	rpjson_get_int(&w->rd, root, "version", 0, INT64_MAX, 0, &version);
	if (w->rd.nerrors > 0)
		return RP_ERR_INVALID;
	if (name == NULL)
		name = lname;
	if ((w->list = allow_intern(w->a, name, 1)) == NULL ||
	    (desc != NULL && (w->why = allow_intern(w->a, desc, 0)) == NULL))
		return RP_ERR_NOMEM;
	return 0;
}

static int
wl_read(struct wl *w0, json_t *root, const char *name, struct rp_diags *d)
{
	struct wl w = *w0;
	const json_t *list = NULL;
	int r;

	rpjson_rd_init(&w.rd, &w.p, d);
	if (!json_is_object(root)) {
		rpjson_err(&w.rd, "a MISP warninglist is a JSON object, got %s",
		    rpjson_type_name(root));
		return RP_ERR_INVALID;
	}
	if ((r = wl_header(&w, root, name)) != 0 ||
	    (r = wl_emit(&w, NULL, 0, 0)) != 0)
		return r;
	if (rpjson_get_array(&w.rd, root, "list", ALLOW_MAX_NAMES,
		RPJSON_REQUIRED, &list) != 1)
		return RP_ERR_INVALID;
	if (w.type == WL_SUBSTRING || w.type == WL_REGEX) {
		rp_diags_add(d, RP_DIAG_NOTE, NULL, "/type",
		    "warninglist \"%s\" not applied: its %zu %s entries match "
		    "parts of values, the guard compares whole names, "
		    "addresses and networks",
		    w.list, json_array_size(list), wl_types[w.type]);
		return 0;
	}
	/* one bad value does not spoil the list */
	w.rd.level = RP_DIAG_WARNING;
	rpjson_push_key(&w.rd, "list");
	r = rpjson_each(&w.rd, list, ALLOW_MAX_NAMES, wl_entry, &w);
	/* what was added before a stop is searchable too */
	allow_net_finish(w.a);
	if (r == 0 && w.nleft > 0)
		rp_diags_add(d, RP_DIAG_NOTE, NULL, "/list",
		    "warninglist \"%s\": %zu of %zu entries applied, %zu left "
		    "out",
		    w.list, w.napplied, w.napplied + w.nleft, w.nleft);
	return r;
}

int
allow_read_warninglist_json(
    struct allow *a, json_t *root, const char *name, struct rp_diags *d)
{
	struct wl w;

	if (a == NULL || root == NULL)
		return RP_ERR_ARG;
	memset(&w, 0, sizeof(w));
	w.a = a;
	return wl_read(&w, root, name, d);
}

int
allow_read_warninglist_each(json_t *root, const char *name,
    int (*fn)(const struct allow_wl_entry *e, void *arg), void *arg,
    struct rp_diags *d)
{
	struct wl w;
	int r;

	if (root == NULL || fn == NULL)
		return RP_ERR_ARG;
	memset(&w, 0, sizeof(w));
	/* a guard of its own: the same suffix checks, and interned names */
	if ((w.a = allow_new()) == NULL)
		return RP_ERR_NOMEM;
	w.fn = fn;
	w.arg = arg;
	r = wl_read(&w, root, name, d);
	allow_free(w.a);
	return r;
}

int
allow_read_warninglist_file(
    struct allow *a, const char *path, struct rp_diags *d)
{
	json_t *root = NULL;
	int r;

	if (a == NULL || path == NULL)
		return RP_ERR_ARG;
	if ((r = rpjson_load(path, WL_MAX_INPUT, &root, d)) != 0)
		return r;
	r = allow_read_warninglist_json(a, root, NULL, d);
	json_decref(root);
	return r;
}
