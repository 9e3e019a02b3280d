/*
 * collect_inventory: runs the collectors a caller asked for against one
 * root.  A missing database is normal (a Debian machine has no rpm
 * database); any other failure is kept in d and the rest still run, so
 * one broken database never hides the others.
 */
#include <string.h>

#include "collectors/collectors.h"
#include "util/err.h"

static const struct {
	unsigned what;
	int (*fn)(const char *, struct inv_host *, struct rp_diags *);
} collectors[] = {
    {COLLECT_HOST, collect_host},
    {COLLECT_DPKG, collect_dpkg},
    {COLLECT_RPM, collect_rpm},
    {COLLECT_FLATPAK, collect_flatpak},
    {COLLECT_SNAP, collect_snap},
    {COLLECT_APPS, collect_apps},
};

int
collect_inventory(
    const char *root, unsigned what, struct inv_host *h, struct rp_diags *d)
{
	size_t i;
	int r, first = 0, live;

	if (root == NULL)
		root = "/";
	live = strcmp(root, "/") == 0;
	for (i = 0; i < sizeof(collectors) / sizeof(collectors[0]); i++) {
		if ((what & collectors[i].what) == 0)
			continue;
		r = collectors[i].fn(root, h, d);
		if (r == RP_ERR_NOMEM)
			return r;
		if (r != 0 && r != RP_ERR_NOTFOUND && first == 0)
			first = r;
	}
	/* A disk image has no running processes. */
	if (live && (what & COLLECT_PROCESSES) != 0) {
		r = collect_processes(h, d);
		if (r == RP_ERR_NOMEM)
			return r;
		if (r != 0 && first == 0)
			first = r;
	}
	if (live && (what & COLLECT_CONNECTIONS) != 0) {
		r = collect_connections(h, d);
		if (r == RP_ERR_NOMEM)
			return r;
		if (r != 0 && first == 0)
			first = r;
	}
	return first;
}
