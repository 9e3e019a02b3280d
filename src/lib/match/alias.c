/*
 * The alias table: names that denote the same product.  Normalisation
 * already makes "3CX Desktop App", "3CXDesktopApp" and "3cx-desktop-app"
 * one key; aliases join names that differ in words ("3CX Phone System",
 * the PBX's package name "3cxpbx").  Each group's canonical key is the
 * normalised form of its first name; docs/matching.md lists the built-in
 * groups.
 */
#include <stdlib.h>
#include <string.h>

#include "match_int.h"
#include "util/err.h"

#define ALIAS_GROUPS_MAX 100000

/* Built-in groups, NULL-separated, the list ends with two NULLs. */
static const char *const builtin[] = {
    /* The 3CX PBX: product name, older name, Debian package. */
    "3CX Phone System", "3CX PBX", "3cxpbx", "3CX Phone System PBX", NULL,
    /* The Electron softphone: Windows program and macOS bundle names. */
    "3CX Desktop App", "3CXDesktopApp", "3CX Desktop Application", NULL,
    /* Browsers as vendors name them and as Linux packages name them. */
    "Google Chrome", "google-chrome-stable", NULL, "Microsoft Edge",
    "microsoft-edge-stable", NULL, "Mozilla Firefox", "firefox", NULL,
    "Mozilla Firefox ESR", "firefox-esr", NULL, "Mozilla Thunderbird",
    "thunderbird", NULL, "Zoom", "Zoom Workplace", "zoom.us", NULL,
    "Microsoft Teams", "Teams", "teams-for-linux", NULL, NULL};

static int
new_group(struct alias_table *t, const char *key, size_t *g)
{
	char **nc;
	size_t ncap;

	if (t->ncanon >= ALIAS_GROUPS_MAX)
		return RP_ERR_LIMIT;
	if (t->ncanon == t->capcanon) {
		ncap = t->capcanon ? t->capcanon * 2 : 16;
		if ((nc = reallocarray(t->canon, ncap, sizeof(*nc))) == NULL)
			return RP_ERR_NOMEM;
		t->canon = nc;
		t->capcanon = ncap;
	}
	if ((t->canon[t->ncanon] = strdup(key)) == NULL)
		return RP_ERR_NOMEM;
	*g = t->ncanon++;
	return 0;
}

struct relabel {
	size_t from, to;
};

static void
relabel_fn(struct strmap_entry *e, void *arg)
{
	struct relabel *rl = arg;

	if (e->v[0] == rl->from)
		e->v[0] = rl->to;
}

int
alias_add(struct alias_table *t, const char *a, const char *b)
{
	char ka[MATCH_KEY_MAX], kb[MATCH_KEY_MAX];
	struct strmap_entry *ea, *eb;
	struct relabel rl;
	size_t g;
	int r;

	if (match_name_key(a, ka, sizeof(ka), NULL) == 0 ||
	    match_name_key(b, kb, sizeof(kb), NULL) == 0)
		return RP_ERR_ARG;
	ea = strmap_get(&t->names, ka);
	eb = strmap_get(&t->names, kb);
	if (ea != NULL && eb != NULL) {
		if (ea->v[0] != eb->v[0]) {
			/* Merge b's group into a's; groups are small. */
			rl.from = eb->v[0];
			rl.to = ea->v[0];
			strmap_foreach(&t->names, relabel_fn, &rl);
		}
		return 0;
	}
	if (ea != NULL)
		return strmap_add(&t->names, kb, ea->v[0]);
	if (eb != NULL)
		return strmap_add(&t->names, ka, eb->v[0]);
	if ((r = new_group(t, ka, &g)) != 0)
		return r;
	if ((r = strmap_add(&t->names, ka, g)) != 0)
		return r;
	if (strcmp(ka, kb) == 0)
		return 0;
	return strmap_add(&t->names, kb, g);
}

int
alias_init(struct alias_table *t)
{
	const char *const *p = builtin, *first;
	int r;

	memset(t, 0, sizeof(*t));
	strmap_init(&t->names);
	while (*p != NULL) {
		first = *p++;
		for (; *p != NULL; p++) {
			if ((r = alias_add(t, first, *p)) != 0) {
				alias_free(t);
				return r;
			}
		}
		p++;
	}
	return 0;
}

void
alias_free(struct alias_table *t)
{
	size_t i;

	strmap_clear(&t->names);
	for (i = 0; i < t->ncanon; i++)
		free(t->canon[i]);
	free(t->canon);
	memset(t, 0, sizeof(*t));
}

const char *
alias_canon(const struct alias_table *t, const char *key)
{
	const struct strmap_entry *e;

	if ((e = strmap_get(&t->names, key)) == NULL)
		return key;
	return t->canon[e->v[0]];
}

const char *
alias_canon_h(const struct alias_table *t, const char *key, uint64_t *h)
{
	const struct strmap_entry *e;

	if ((e = strmap_get_h(&t->names, key, *h)) == NULL)
		return key;
	*h = strmap_hash(t->canon[e->v[0]]);
	return t->canon[e->v[0]];
}
