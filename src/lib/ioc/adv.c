/*
 * An advisory's indicators into a rules bundle (docs/bundle.md): the
 * same code for `rampart bundle --advisory` and for the bundles rampartd
 * builds for each tenant, so both carry an advisory the same way.  The
 * advisory's ID is recorded and is every indicator's source; a native
 * advisory's YARA rules become YARA entries named after their comment;
 * a value the bundle cannot carry (a network range) is a warning, since
 * the rest of the advisory is still worth sweeping for.
 */
#include <stddef.h>
#include <stdint.h>

#include "advisory/advisory.h"
#include "ioc.h"
#include "util/err.h"

static int
ioc_from_adv(enum adv_ioc_type t, enum ioc_type *out)
{
	static const struct {
		enum adv_ioc_type a;
		enum ioc_type i;
	} m[] = {{ADV_IOC_SHA256, IOC_SHA256}, {ADV_IOC_SHA1, IOC_SHA1},
	    {ADV_IOC_MD5, IOC_MD5}, {ADV_IOC_FILENAME, IOC_FILENAME},
	    {ADV_IOC_DOMAIN, IOC_DOMAIN}, {ADV_IOC_IP, IOC_IP},
	    {ADV_IOC_URL, IOC_URL}};
	size_t k;

	for (k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
		if (m[k].a == t) {
			*out = m[k].i;
			return 0;
		}
	}
	return -1;
}

/* One indicator that is not YARA: 0, or a fatal error. */
static int
add_plain(struct ioc_bundle *b, const struct advisory *a,
    const struct adv_indicator *e, size_t i, struct rp_diags *d)
{
	struct rp_diags *tmp;
	enum ioc_type t;
	int r;

	if (ioc_from_adv(e->type, &t) != 0) {
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "indicator %zu: a type a bundle does not carry; skipped",
		    i + 1);
		return 0;
	}
	if ((tmp = rp_diags_new()) == NULL)
		return RP_ERR_NOMEM;
	r = ioc_bundle_add(b, t, e->value, e->size, a->id, e->comment, tmp);
	if (r == RP_ERR_INVALID)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "indicator %zu: %s; skipped", i + 1,
		    tmp->n > 0 ? tmp->v[0].msg : "not usable");
	else if (tmp->nwarnings > 0 && tmp->n > 0)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "indicator %zu: %s", i + 1, tmp->v[0].msg);
	rp_diags_free(tmp);
	return r == RP_ERR_INVALID ? 0 : r;
}

int
ioc_bundle_add_advisory_doc(struct ioc_bundle *b, const struct advisory *a,
    int (*yara_ok)(void *arg, size_t i, const char *text), void *arg,
    struct rp_diags *d)
{
	const struct adv_indicator *e;
	size_t i;
	int r, bad = 0;

	if (a->id == NULL || ioc_bundle_add_advisory(b, a->id) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "the advisory has no usable ID");
		return RP_ERR_INVALID;
	}
	for (i = 0; i < a->niocs; i++) {
		e = &a->iocs[i];
		if (e->type != ADV_IOC_YARA) {
			if ((r = add_plain(b, a, e, i, d)) != 0)
				return r;
			continue;
		}
		if (yara_ok != NULL && yara_ok(arg, i, e->value) != 0) {
			bad = 1; /* keep going: report every broken rule */
			continue;
		}
		r = ioc_bundle_add_yara(b,
		    e->comment != NULL ? e->comment : a->id, e->value, a->id,
		    d);
		if (r == RP_ERR_INVALID)
			bad = 1;
		else if (r != 0)
			return r;
	}
	return bad ? RP_ERR_INVALID : 0;
}
