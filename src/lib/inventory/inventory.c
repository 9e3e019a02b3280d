/*
 * The inventory model: hosts, their software, addresses, processes and
 * connections, and sets of hosts.  A host's strings live in its arena; each
 * array grows geometrically up to its INV_MAX_* bound.
 */
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "util/arena.h"
#include "util/err.h"

#define HOST_ARENA_MAX (256u * 1024 * 1024)
#define INV_MAX_SOFTWARE 1000000
#define INV_MAX_HOSTS 10000000
#define INV_MAX_ADDRS 65536
#define INV_MAX_PROCS 4194304 /* the kernel's largest pid_max */
#define INV_MAX_CONNS 4194304

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
	free(h->addrs);
	free(h->procs);
	free(h->conns);
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

/*
 * Makes room for one more element in *v (n used, *cap allocated, at most
 * max).  Returns 0, RP_ERR_LIMIT or RP_ERR_NOMEM.
 */
static int
grow(void **v, size_t n, size_t *cap, size_t max, size_t sz)
{
	void *nv;
	size_t ncap;

	if (n >= max)
		return RP_ERR_LIMIT;
	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > max)
		ncap = max;
	if ((nv = reallocarray(*v, ncap, sz)) == NULL)
		return RP_ERR_NOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

int
inv_host_add_software(struct inv_host *h, const struct inv_software *sw)
{
	struct inv_software *e;
	int r;

	if ((r = grow((void **)&h->sw, h->nsw, &h->capsw, INV_MAX_SOFTWARE,
		 sizeof(*e))) != 0)
		return r;
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
	    set_str(h, &e->bundle_id, sw->bundle_id) != 0 ||
	    set_str(h, &e->source_name, sw->source_name) != 0 ||
	    set_str(h, &e->source_version, sw->source_version) != 0 ||
	    set_str(h, &e->state, sw->state) != 0)
		return RP_ERR_NOMEM;
	h->nsw++;
	return 0;
}

int
inv_host_add_addr(struct inv_host *h, const struct inv_addr *a)
{
	struct inv_addr *e;
	int r;

	if ((r = grow((void **)&h->addrs, h->naddrs, &h->capaddrs,
		 INV_MAX_ADDRS, sizeof(*e))) != 0)
		return r;
	e = &h->addrs[h->naddrs];
	memset(e, 0, sizeof(*e));
	if (set_str(h, &e->iface, a->iface) != 0 ||
	    set_str(h, &e->ip, a->ip) != 0 || set_str(h, &e->mac, a->mac) != 0)
		return RP_ERR_NOMEM;
	h->naddrs++;
	return 0;
}

int
inv_host_add_process(struct inv_host *h, const struct inv_process *p)
{
	struct inv_process *e;
	int r;

	if ((r = grow((void **)&h->procs, h->nprocs, &h->capprocs,
		 INV_MAX_PROCS, sizeof(*e))) != 0)
		return r;
	e = &h->procs[h->nprocs];
	memset(e, 0, sizeof(*e));
	e->pid = p->pid;
	if (set_str(h, &e->exe, p->exe) != 0 ||
	    set_str(h, &e->cmdline, p->cmdline) != 0)
		return RP_ERR_NOMEM;
	h->nprocs++;
	return 0;
}

int
inv_host_add_conn(struct inv_host *h, const struct inv_conn *c)
{
	struct inv_conn *e;
	int r;

	if ((r = grow((void **)&h->conns, h->nconns, &h->capconns,
		 INV_MAX_CONNS, sizeof(*e))) != 0)
		return r;
	e = &h->conns[h->nconns];
	memset(e, 0, sizeof(*e));
	e->local_port = c->local_port;
	e->remote_port = c->remote_port;
	e->pid = c->pid;
	if (set_str(h, &e->proto, c->proto) != 0 ||
	    set_str(h, &e->local_ip, c->local_ip) != 0 ||
	    set_str(h, &e->remote_ip, c->remote_ip) != 0 ||
	    set_str(h, &e->state, c->state) != 0)
		return RP_ERR_NOMEM;
	h->nconns++;
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
	    str_eq(x->cpe, y->cpe) && str_eq(x->bundle_id, y->bundle_id) &&
	    str_eq(x->source_name, y->source_name) &&
	    str_eq(x->source_version, y->source_version) &&
	    str_eq(x->state, y->state);
}

static int
addr_equal(const struct inv_addr *x, const struct inv_addr *y)
{
	return str_eq(x->iface, y->iface) && str_eq(x->ip, y->ip) &&
	    str_eq(x->mac, y->mac);
}

static int
process_equal(const struct inv_process *x, const struct inv_process *y)
{
	return x->pid == y->pid && str_eq(x->exe, y->exe) &&
	    str_eq(x->cmdline, y->cmdline);
}

static int
conn_equal(const struct inv_conn *x, const struct inv_conn *y)
{
	return str_eq(x->proto, y->proto) && str_eq(x->local_ip, y->local_ip) &&
	    x->local_port == y->local_port &&
	    str_eq(x->remote_ip, y->remote_ip) &&
	    x->remote_port == y->remote_port && str_eq(x->state, y->state) &&
	    x->pid == y->pid;
}

int
inv_host_equal(const struct inv_host *a, const struct inv_host *b)
{
	size_t i;

	if (!str_eq(a->name, b->name) || !str_eq(a->id, b->id) ||
	    !str_eq(a->os, b->os) || !str_eq(a->os_version, b->os_version) ||
	    !str_eq(a->arch, b->arch) || !str_eq(a->customer, b->customer) ||
	    a->nsw != b->nsw || a->naddrs != b->naddrs ||
	    a->nprocs != b->nprocs || a->nconns != b->nconns)
		return 0;
	for (i = 0; i < a->nsw; i++) {
		if (!software_equal(&a->sw[i], &b->sw[i]))
			return 0;
	}
	for (i = 0; i < a->naddrs; i++) {
		if (!addr_equal(&a->addrs[i], &b->addrs[i]))
			return 0;
	}
	for (i = 0; i < a->nprocs; i++) {
		if (!process_equal(&a->procs[i], &b->procs[i]))
			return 0;
	}
	for (i = 0; i < a->nconns; i++) {
		if (!conn_equal(&a->conns[i], &b->conns[i]))
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
