/*
 * Internal to src/server/findings: the cache of parsed advisories the
 * engine evaluates hosts against, and the matcher that computes lookup
 * keys.
 */
#ifndef RP_SERVER_FND_INT_H
#define RP_SERVER_FND_INT_H

#include <stdint.h>

#include "findings.h"
#include "match/match.h"

/* An advisory's latest revision, parsed, with its tenants. */
struct fnd_adv {
	int64_t id;
	int revision;
	struct advisory *a;
	int scope_all;
	int64_t *tenants;
	size_t ntenants;
	int refs; /* the cache's own counts one */
};

/* The latest revision of advisory id, from the cache or parsed from the
 * store; release with fnd_adv_put.  RP_ERR_NOTFOUND, RP_ERR_INVALID (the
 * stored document no longer reads), store errors. */
int fnd_adv_get(struct store *s, int64_t id, struct fnd_adv **out);
void fnd_adv_put(struct fnd_adv *e);
/* Whether the advisory concerns tenant. */
int fnd_adv_covers(const struct fnd_adv *e, int64_t tenant);

/* A matcher with no advisories, for matcher_software_keys (read-only,
 * shared by every thread); NULL when out of memory. */
const struct matcher *fnd_keys_matcher(void);

#endif
