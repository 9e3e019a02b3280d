/*
 * Evaluating hosts and keeping their findings: a host's entries become
 * an inventory the matcher reads (through the native inventory reader,
 * the same rules as `rampart check`), its results are folded to one per
 * software name, and compared with the stored findings, writing only
 * what changed, each change with its event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fnd_int.h"
#include "inventory/inventory.h"
#include "util/err.h"

#include "eval_int.h"

int
fnd_host_build(const struct fnd_hostref *hr, char *const *entries, size_t n,
    struct inv_host **out)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();
	json_t *doc = NULL, *h = NULL, *sw = json_array(), *e;
	size_t i;
	int r = RP_ERR_NOMEM;

	if (d == NULL || set == NULL || sw == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if ((e = json_loads(entries[i], 0, NULL)) == NULL ||
		    json_array_append_new(sw, e) != 0) {
			r = RP_ERR_INVALID;
			goto out;
		}
	}
	h = json_pack("{s:s,s:O}", "name",
	    hr->hostname[0] != '\0' ? hr->hostname : "host", "software", sw);
	if (h == NULL)
		goto out;
	if (hr->os[0] != '\0')
		json_object_set_new(h, "os", json_string(hr->os));
	if (hr->os_version[0] != '\0')
		json_object_set_new(
		    h, "os_version", json_string(hr->os_version));
	if (hr->arch[0] != '\0')
		json_object_set_new(h, "arch", json_string(hr->arch));
	if ((doc = json_pack(
		 "{s:i,s:[O]}", "rampart_inventory", 1, "hosts", h)) == NULL)
		goto out;
	if ((r = inv_native_read(doc, set, d)) != 0)
		goto out;
	if (set->n != 1 || set->hosts[0]->nsw != n) {
		r = RP_ERR_INVALID; /* the store holds only checked entries */
		goto out;
	}
	*out = set->hosts[0];
	set->n = 0;
out:
	json_decref(doc);
	json_decref(h);
	json_decref(sw);
	inv_set_free(set);
	rp_diags_free(d);
	return r;
}

/* The key of a host's one finding per software: name and arch. */
static void
sw_key(const struct inv_software *sw, char *out, size_t len)
{
	snprintf(out, len, "%s\x1f%s", sw->name, sw->arch ? sw->arch : "");
}

/* One result per software key: the most urgent (the first of equals). */
struct pick {
	const struct match_result *r;
	char key[600];
};

static size_t
fold(const struct match_results *res, const struct advisory *a, struct pick *p,
    size_t max)
{
	size_t i, j, n = 0;
	char k[600];

	for (i = 0; i < res->n; i++) {
		const struct match_result *r = &res->v[i];

		if (r->adv != a || r->sw == NULL)
			continue;
		sw_key(r->sw, k, sizeof(k));
		for (j = 0; j < n; j++)
			if (strcmp(p[j].key, k) == 0)
				break;
		if (j < n) {
			if (r->verdict > p[j].r->verdict)
				p[j].r = r;
			continue;
		}
		if (n == max)
			break;
		p[n].r = r;
		memcpy(p[n].key, k, sizeof(k));
		n++;
	}
	return n;
}

static int
is_open(int verdict)
{
	return verdict >= MATCH_UNKNOWN;
}

/* Writes f's new state (verdict etc. already set) with its event, and
 * counts the change; was_open is -1 for a new finding. */
static int
record(struct store *s, struct store_finding *f, int was_open,
    const struct fnd_ctx *x, struct fnd_tally *t)
{
	struct store_finding_event ev = {.at = x->now,
	    .inventory = x->event_inventory,
	    .verdict = f->verdict,
	    .rule = f->rule,
	    .version = f->sw_version,
	    .reason = f->reason};

	f->open = is_open(f->verdict);
	f->updated_at = x->now;
	if (f->open && was_open != 1) {
		t->opened++;
		f->resolved_at = f->resolved_inventory = 0;
	} else if (!f->open && was_open == 1) {
		t->resolved++;
		f->resolved_at = x->now;
		f->resolved_inventory = x->event_inventory;
	} else if (was_open != -1)
		t->changed++;
	return store_finding_put(s, f, &ev);
}

int
fnd_batch_flush(struct store *s, struct fnd_batch *b)
{
	int r = store_findings_add(s, b->v, b->n, b->inventory);

	while (b->n > 0)
		store_finding_clear(&b->v[--b->n]);
	return r;
}

void
fnd_batch_free(struct fnd_batch *b)
{
	store_findings_free(b->v, b->n);
	memset(b, 0, sizeof(*b));
}

/* A new finding f (its strings taken): into the batch, written when it
 * is full or by the caller's flush. */
static int
add_new(struct store *s, struct store_finding *f, const struct fnd_ctx *x,
    struct fnd_tally *t)
{
	struct fnd_batch *b = x->batch;
	struct store_finding *nv;

	f->open = is_open(f->verdict);
	f->updated_at = x->now;
	if (f->open)
		t->opened++;
	if (b->n == b->cap) {
		size_t nc = b->cap ? 2 * b->cap : 64;

		if ((nv = reallocarray(b->v, nc, sizeof(*nv))) == NULL)
			return RP_ERR_NOMEM;
		b->v = nv;
		b->cap = nc;
	}
	b->inventory = x->event_inventory;
	b->v[b->n++] = *f;
	memset(f, 0, sizeof(*f));
	return b->n >= FND_BATCH_MAX ? fnd_batch_flush(s, b) : 0;
}

/* Sets f's software and verdict from r; strings are the caller's to
 * free (f's own are freed first). */
static int
fill(struct store_finding *f, const struct match_result *r, int revision)
{
	free(f->sw_name);
	free(f->sw_version);
	free(f->sw_arch);
	free(f->sw_purl);
	free(f->rule);
	free(f->reason);
	free(f->remediation);
	f->sw_name = strdup(r->sw->name);
	f->sw_version = strdup(r->sw->version ? r->sw->version : "");
	f->sw_arch = r->sw->arch ? strdup(r->sw->arch) : NULL;
	f->sw_purl = r->sw->purl ? strdup(r->sw->purl) : NULL;
	f->rule = strdup(match_rule_name(r->rule));
	f->reason = match_reason(r);
	f->remediation = match_remediation(r);
	f->revision = revision;
	f->verdict = (int)r->verdict;
	if (f->sw_name == NULL || f->sw_version == NULL || f->rule == NULL ||
	    f->reason == NULL || (r->sw->arch && f->sw_arch == NULL) ||
	    (r->sw->purl && f->sw_purl == NULL))
		return RP_ERR_NOMEM;
	return 0;
}

/* Whether r says something other than f. */
static int
differs(
    const struct store_finding *f, const struct match_result *r, int revision)
{
	return f->verdict != (int)r->verdict || f->revision != revision ||
	    strcmp(f->rule, match_rule_name(r->rule)) != 0 ||
	    strcmp(f->sw_version, r->sw->version ? r->sw->version : "") != 0;
}

static int
gone(struct store *s, struct store_finding *f, const struct fnd_ctx *x,
    struct fnd_tally *t)
{
	int was = f->open;

	if (f->verdict == MATCH_NOT_AFFECTED &&
	    strcmp(f->rule, match_rule_name(MATCH_RULE_NO_SOFTWARE)) == 0)
		return 0;
	free(f->rule);
	free(f->reason);
	free(f->remediation);
	f->remediation = NULL;
	f->rule = strdup(match_rule_name(MATCH_RULE_NO_SOFTWARE));
	f->reason = strdup("the software is no longer installed or no "
			   "longer named by the advisory");
	if (f->rule == NULL || f->reason == NULL)
		return RP_ERR_NOMEM;
	f->verdict = MATCH_NOT_AFFECTED;
	return record(s, f, was, x, t);
}

int
fnd_diff(struct store *s, const struct fnd_ctx *x,
    const struct match_results *res, const struct advisory *a,
    struct store_finding *old, size_t nold, struct fnd_tally *t)
{
	struct pick *p = NULL;
	char k[600];
	size_t n = 0, i, j;
	int r = 0;

	if (res != NULL && res->n > 0 &&
	    (p = calloc(res->n, sizeof(*p))) == NULL)
		return RP_ERR_NOMEM;
	if (p != NULL)
		n = fold(res, a, p, res->n);
	unsigned char *seen = calloc(nold + 1, 1);
	if (seen == NULL) {
		free(p);
		return RP_ERR_NOMEM;
	}
	for (i = 0; r == 0 && i < n; i++) {
		for (j = 0; j < nold; j++)
			if (!seen[j] && strcmp(old[j].sw_key, p[i].key) == 0)
				break;
		if (j < nold) {
			seen[j] = 1;
			if (!differs(&old[j], p[i].r, x->revision))
				continue;
			int was = old[j].open;
			if ((r = fill(&old[j], p[i].r, x->revision)) == 0)
				r = record(s, &old[j], was, x, t);
			continue;
		}
		struct store_finding f = {.tenant_id = x->tenant_id,
		    .agent_seq = x->agent_seq,
		    .advisory_id = x->advisory_id,
		    .first_seen = x->now,
		    .first_inventory = x->host_inventory};
		sw_key(p[i].r->sw, k, sizeof(k));
		if ((f.sw_key = strdup(k)) == NULL)
			r = RP_ERR_NOMEM;
		else if ((r = fill(&f, p[i].r, x->revision)) == 0)
			r = add_new(s, &f, x, t);
		store_finding_clear(&f);
	}
	for (j = 0; r == 0 && j < nold; j++)
		if (!seen[j])
			r = gone(s, &old[j], x, t);
	free(seen);
	free(p);
	return r;
}
