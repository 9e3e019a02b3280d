/*
 * What a gateway's block-apply job applies, taken from the same place
 * as the feeds: the tenant's active block-mode domains, addresses and
 * networks and the MSP-wide ones, through the same allowlist guard, as
 * the input of a blocklist blob (src/lib/blockblob).  A gateway that
 * applies it blocks exactly what the tenant's feeds serve of those
 * kinds; URLs and file hashes have no place in a gateway's sets.
 */
#include <string.h>

#include "allow/allow.h"
#include "feeds_int.h"
#include "util/err.h"

struct blob_walk {
	const struct allow *guard;
	json_t *addresses, *domains;
	size_t refused, max;
};

static int
on_blob_indicator(const struct store_feed_indicator *ind, void *arg)
{
	struct blob_walk *w = arg;
	struct allow_verdict v;
	enum allow_kind k;
	json_t *to;

	if (strcmp(ind->type, "domain") == 0) {
		k = ALLOW_DOMAIN;
		to = w->domains;
	} else if (strcmp(ind->type, "ip") == 0 ||
	    strcmp(ind->type, "cidr") == 0) {
		k = ALLOW_ADDR;
		to = w->addresses;
	} else
		return 0;
	if (allow_check(w->guard, k, ind->value, &v) != 0 ||
	    v.result != ALLOW_OK) {
		w->refused++;
		return 0;
	}
	if (json_array_size(w->addresses) + json_array_size(w->domains) >=
	    w->max)
		return RP_ERR_LIMIT;
	return json_array_append_new(to, json_string(ind->value)) == 0
	    ? 0
	    : RP_ERR_NOMEM;
}

int
feeds_blob_input(struct store *s, int64_t tenant, int64_t now, size_t max,
    json_t **out, size_t *refused)
{
	struct blob_walk w = {0};
	struct allow *guard = NULL;
	json_t *o = NULL;
	int r;

	if ((r = content_guard(s, tenant, &guard)) != 0)
		return r;
	w.guard = guard;
	w.max = max;
	w.addresses = json_array();
	w.domains = json_array();
	if (w.addresses == NULL || w.domains == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	if ((r = content_each(s, tenant, now, on_blob_indicator, &w)) != 0)
		goto out;
	if ((o = json_pack("{s:O,s:O}", "addresses", w.addresses, "domains",
		 w.domains)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	*out = o;
	*refused = w.refused;
out:
	json_decref(w.addresses);
	json_decref(w.domains);
	allow_free(guard);
	return r;
}
