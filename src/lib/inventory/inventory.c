/*
 * The inventory model: hosts, their software, and sets of hosts.  A host's
 * strings live in its arena; the software array grows geometrically up to
 * INV_MAX_SOFTWARE entries.
 */
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "util/arena.h"
#include "util/err.h"

#define HOST_ARENA_MAX (256u * 1024 * 1024)
#define INV_MAX_SOFTWARE 1000000
#define INV_MAX_HOSTS 10000000

static const struct {
	enum inv_source source;
	const char *name;
	enum version_scheme scheme;
} sources[] = {
    {INV_SOURCE_UNKNOWN, "unknown", VERSION_SCHEME_UNKNOWN},
    {INV_SOURCE_DPKG, "dpkg", VERSION_SCHEME_DEB},
    {INV_SOURCE_RPM, "rpm", VERSION_SCHEME_RPM},
    {INV_SOURCE_APP_BUNDLE, "app_bundle", VERSION_SCHEME_GENERIC},
    {INV_SOURCE_WINREG, "windows_registry", VERSION_SCHEME_GENERIC},
    {INV_SOURCE_FLATPAK, "flatpak", VERSION_SCHEME_GENERIC},
    {INV_SOURCE_SNAP, "snap", VERSION_SCHEME_GENERIC},
    {INV_SOURCE_SIP, "sip", VERSION_SCHEME_GENERIC},
    {INV_SOURCE_MANUAL, "manual", VERSION_SCHEME_UNKNOWN},
};

#define NSOURCES (sizeof(sources) / sizeof(sources[0]))

const char *
inv_source_name(enum inv_source s)
{
	size_t i;

	for (i = 0; i < NSOURCES; i++) {
		if (sources[i].source == s)
			return sources[i].name;
	}
	return "unknown";
}

int
inv_source_from_name(const char *name, enum inv_source *out)
{
	size_t i;

	for (i = 0; i < NSOURCES; i++) {
		if (strcmp(sources[i].name, name) == 0) {
			*out = sources[i].source;
			return 0;
		}
	}
	return RP_ERR_NOTFOUND;
}

enum version_scheme
inv_source_scheme(enum inv_source s)
{
	size_t i;

	for (i = 0; i < NSOURCES; i++) {
		if (sources[i].source == s)
			return sources[i].scheme;
	}
	return VERSION_SCHEME_UNKNOWN;
}

struct inv_host *
inv_host_new(void)
{
	struct inv_host *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->arena = rp_arena_new(HOST_ARENA_MAX)) == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

void
inv_host_free(struct inv_host *h)
{
	if (h == NULL)
		return;
	free(h->sw);
	rp_arena_free(h->arena);
	free(h);
}

/* Copies s into the arena; returns 0, or RP_ERR_NOMEM leaving *dst as is. */
static int
set_str(struct inv_host *h, const char **dst, const char *s)
{
	char *c;

	if (s == NULL)
		return 0;
	if ((c = rp_arena_strdup(h->arena, s)) == NULL)
		return RP_ERR_NOMEM;
	*dst = c;
	return 0;
}

int
inv_host_set(struct inv_host *h, const char *name, const char *os,
    const char *os_version, const char *arch)
{
	if (set_str(h, &h->name, name) != 0 || set_str(h, &h->os, os) != 0 ||
	    set_str(h, &h->os_version, os_version) != 0 ||
	    set_str(h, &h->arch, arch) != 0)
		return RP_ERR_NOMEM;
	return 0;
}

int
inv_host_set_ids(struct inv_host *h, const char *id, const char *customer)
{
	if (set_str(h, &h->id, id) != 0 ||
	    set_str(h, &h->customer, customer) != 0)
		return RP_ERR_NOMEM;
	return 0;
}

int
inv_host_add_software(struct inv_host *h, const struct inv_software *sw)
{
	struct inv_software *e, *nv;
	size_t ncap;

	if (h->nsw >= INV_MAX_SOFTWARE)
		return RP_ERR_LIMIT;
	if (h->nsw == h->capsw) {
		ncap = h->capsw ? h->capsw * 2 : 64;
		if ((nv = reallocarray(h->sw, ncap, sizeof(*nv))) == NULL)
			return RP_ERR_NOMEM;
		h->sw = nv;
		h->capsw = ncap;
	}
	e = &h->sw[h->nsw];
	memset(e, 0, sizeof(*e));
	e->scheme = sw->scheme;
	e->source = sw->source;
	if (set_str(h, &e->name, sw->name) != 0 ||
	    set_str(h, &e->vendor, sw->vendor) != 0 ||
	    set_str(h, &e->version, sw->version) != 0 ||
	    set_str(h, &e->arch, sw->arch) != 0 ||
	    set_str(h, &e->path, sw->path) != 0 ||
	    set_str(h, &e->purl, sw->purl) != 0 ||
	    set_str(h, &e->cpe, sw->cpe) != 0 ||
	    set_str(h, &e->bundle_id, sw->bundle_id) != 0)
		return RP_ERR_NOMEM;
	h->nsw++;
	return 0;
}

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
software_equal(const struct inv_software *x, const struct inv_software *y)
{
	return str_eq(x->name, y->name) && str_eq(x->vendor, y->vendor) &&
	    str_eq(x->version, y->version) && x->scheme == y->scheme &&
	    x->source == y->source && str_eq(x->arch, y->arch) &&
	    str_eq(x->path, y->path) && str_eq(x->purl, y->purl) &&
	    str_eq(x->cpe, y->cpe) && str_eq(x->bundle_id, y->bundle_id);
}

int
inv_host_equal(const struct inv_host *a, const struct inv_host *b)
{
	size_t i;

	if (!str_eq(a->name, b->name) || !str_eq(a->id, b->id) ||
	    !str_eq(a->os, b->os) || !str_eq(a->os_version, b->os_version) ||
	    !str_eq(a->arch, b->arch) || !str_eq(a->customer, b->customer) ||
	    a->nsw != b->nsw)
		return 0;
	for (i = 0; i < a->nsw; i++) {
		if (!software_equal(&a->sw[i], &b->sw[i]))
			return 0;
	}
	return 1;
}

struct inv_set *
inv_set_new(void)
{
	return calloc(1, sizeof(struct inv_set));
}

void
inv_set_free(struct inv_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		inv_host_free(s->hosts[i]);
	free(s->hosts);
	free(s);
}

int
inv_set_take(struct inv_set *s, struct inv_host *h)
{
	struct inv_host **nv;
	size_t ncap;

	if (s->n >= INV_MAX_HOSTS) {
		inv_host_free(h);
		return RP_ERR_LIMIT;
	}
	if (s->n == s->cap) {
		ncap = s->cap ? s->cap * 2 : 16;
		if ((nv = reallocarray(s->hosts, ncap, sizeof(*nv))) == NULL) {
			inv_host_free(h);
			return RP_ERR_NOMEM;
		}
		s->hosts = nv;
		s->cap = ncap;
	}
	s->hosts[s->n++] = h;
	return 0;
}
