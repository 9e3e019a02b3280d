/*
 * The collector registry: one row per collector, read by the dispatcher
 * (collect_inventory), by `inventory --only` and `--help`
 * (collect_select, collectors_list) and for the source of the entries a
 * collector adds.  A new collector is its file, one row here, its test and
 * its docs.  Rows run in table order, which is the order of the entries
 * in an inventory.
 *
 * A missing database is normal (a Debian machine has no rpm database);
 * any other failure is kept in d and the rest still run, so one broken
 * database never hides the others.
 */
#include <string.h>

#include "collectors/collectors.h"
#include "util/err.h"

/* The live-only collectors read no root: their rows adapt the call. */
static int
run_processes(const char *root, struct inv_host *h, struct rp_diags *d)
{
	(void)root;
	return collect_processes(h, d);
}

static int
run_connections(const char *root, struct inv_host *h, struct rp_diags *d)
{
	(void)root;
	return collect_connections(h, d);
}

static const struct collector registry[] = {
    {"host", "OS, name, machine ID; live: arch, addresses", COLLECT_FILES,
	INV_SOURCE_UNKNOWN, collect_host},
    {"dpkg", "Debian packages (var/lib/dpkg)", COLLECT_FILES, INV_SOURCE_DPKG,
	collect_dpkg},
    {"rpm", "rpm packages, through librpm", COLLECT_FILES, INV_SOURCE_RPM,
	collect_rpm},
    {"flatpak", "flatpak applications, system and per user", COLLECT_FILES,
	INV_SOURCE_FLATPAK, collect_flatpak},
    {"snap", "snaps (var/lib/snapd)", COLLECT_FILES, INV_SOURCE_SNAP,
	collect_snap},
    {"apps", "macOS application bundles (*.app)", COLLECT_FILES,
	INV_SOURCE_APP_BUNDLE, collect_apps},
    {"processes", "running processes", COLLECT_LINUX_LIVE, INV_SOURCE_UNKNOWN,
	run_processes},
    {"connections", "connections and listening sockets", COLLECT_LINUX_LIVE,
	INV_SOURCE_UNKNOWN, run_connections},
};

#define NREGISTRY (sizeof(registry) / sizeof(registry[0]))

_Static_assert(NREGISTRY <= 32, "a collector set is a 32-bit mask");

const struct collector *
collectors_list(size_t *n)
{
	*n = NREGISTRY;
	return registry;
}

int
collect_select(
    const char *list, unsigned *what, const char **bad, size_t *badlen)
{
	const char *s = list;
	size_t i, n;

	*what = 0;
	while (*s != '\0') {
		n = strcspn(s, ",");
		for (i = 0; i < NREGISTRY; i++) {
			if (strlen(registry[i].name) == n &&
			    strncmp(registry[i].name, s, n) == 0)
				break;
		}
		if (i == NREGISTRY) {
			if (bad != NULL)
				*bad = s;
			if (badlen != NULL)
				*badlen = n;
			*what = 0;
			return RP_ERR_NOTFOUND;
		}
		*what |= 1u << i;
		s += n;
		if (*s == ',')
			s++;
	}
	return *what != 0 ? 0 : RP_ERR_ARG;
}

/* Marks what collector c added (from entry first on) with its source. */
static void
mark_source(const struct collector *c, struct inv_host *h, size_t first)
{
	size_t i;

	for (i = first; c->source != INV_SOURCE_UNKNOWN && i < h->nsw; i++) {
		if (h->sw[i].source == INV_SOURCE_UNKNOWN)
			h->sw[i].source = c->source;
	}
}

int
collect_inventory(
    const char *root, unsigned what, struct inv_host *h, struct rp_diags *d)
{
	const struct collector *c;
	size_t i, first;
	int r, ret = 0, live;

	if (root == NULL)
		root = "/";
	live = strcmp(root, "/") == 0;
	for (i = 0; i < NREGISTRY; i++) {
		c = &registry[i];
		if ((what & (1u << i)) == 0)
			continue;
		/* A disk image has no running processes. */
		if (c->platform == COLLECT_LINUX_LIVE && !live)
			continue;
		first = h->nsw;
		r = c->run(root, h, d);
		mark_source(c, h, first);
		if (r == RP_ERR_NOMEM)
			return r;
		if (r != 0 && r != RP_ERR_NOTFOUND && ret == 0)
			ret = r;
	}
	return ret;
}
