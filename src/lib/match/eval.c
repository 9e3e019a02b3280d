/*
 * Verdicts: given the products of one advisory whose identity matches an
 * installed package, decide affected / fixed / not affected / under
 * investigation / unknown, and record which product and which rule
 * decided with the facts it looked at (no text: presenters write the
 * sentences).  docs/matching.md describes the rules in the order they are
 * applied here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_int.h"
#include "util/err.h"

#define RESULTS_MAX (64u * 1024 * 1024)
#define REMS_MAX 16 /* remediations given for one result */

/* Kept small: it is filled for every candidate product. */
struct vtest {
	int in; /* 1 contains, 0 does not, -1 cannot tell */
	int nomem;
	enum match_rule rule;
	int err;
	enum version_scheme scheme;
};

void
match_results_free(struct match_results *r)
{
	if (r == NULL)
		return;
	free(r->v);
	memset(r, 0, sizeof(*r));
}

const char *
match_verdict_name(enum match_verdict v)
{
	switch (v) {
	case MATCH_NOT_AFFECTED:
		return "not affected";
	case MATCH_FIXED:
		return "fixed";
	case MATCH_UNKNOWN:
		return "unknown";
	case MATCH_UNDER_INVESTIGATION:
		return "under investigation";
	case MATCH_AFFECTED:
		return "affected";
	}
	return "?";
}

static const char *const rule_names[MATCH_RULE_COUNT] = {
    [MATCH_RULE_NO_SOFTWARE] = "no_software",
    [MATCH_RULE_PLATFORM] = "platform",
    [MATCH_RULE_ALL_VERSIONS] = "all_versions",
    [MATCH_RULE_EXACT] = "exact",
    [MATCH_RULE_RANGE] = "range",
    [MATCH_RULE_AT_OR_ABOVE_FIX] = "at_or_above_fix",
    [MATCH_RULE_OUTSIDE_AFFECTED] = "outside_affected",
    [MATCH_RULE_BELOW_FIX] = "below_fix",
    [MATCH_RULE_NOT_LISTED] = "not_listed",
    [MATCH_RULE_NO_VERSION] = "no_version",
    [MATCH_RULE_CMP_ERROR] = "compare_error",
    [MATCH_RULE_RANGE_UNUSABLE] = "range_unusable",
    [MATCH_RULE_RANGE_UNSUPPORTED] = "range_unsupported",
    [MATCH_RULE_RANGE_ERROR] = "range_error",
    [MATCH_RULE_RELEASE] = "release",
};

const char *
match_rule_name(enum match_rule r)
{
	return (unsigned)r < MATCH_RULE_COUNT ? rule_names[r] : "?";
}

const char *
match_via_name(enum match_via v)
{
	switch (v) {
	case MATCH_VIA_NONE:
		return "none";
	case MATCH_VIA_NAME:
		return "name";
	case MATCH_VIA_PURL:
		return "purl";
	case MATCH_VIA_CPE:
		return "cpe";
	case MATCH_VIA_SOURCE:
		return "source";
	}
	return "?";
}

static enum match_verdict
status_verdict(enum adv_status s)
{
	switch (s) {
	case ADV_STATUS_FIRST_AFFECTED:
	case ADV_STATUS_KNOWN_AFFECTED:
	case ADV_STATUS_LAST_AFFECTED:
		return MATCH_AFFECTED;
	case ADV_STATUS_FIRST_FIXED:
	case ADV_STATUS_FIXED:
	case ADV_STATUS_RECOMMENDED:
		return MATCH_FIXED;
	case ADV_STATUS_KNOWN_NOT_AFFECTED:
		return MATCH_NOT_AFFECTED;
	case ADV_STATUS_UNDER_INVESTIGATION:
	case ADV_STATUS_COUNT:
		break;
	}
	return MATCH_UNDER_INVESTIGATION;
}

static int
has_status(const struct mprod *mp, enum match_verdict v, int fixed_only)
{
	size_t i;

	for (i = 0; i < mp->nst; i++) {
		if (fixed_only && mp->st[i].status == ADV_STATUS_RECOMMENDED)
			continue;
		if (status_verdict(mp->st[i].status) == v)
			return 1;
	}
	return 0;
}

/*
 * The installed version to compare with mp: a source package's version
 * for a product that names source packages (a binNMU "1.2-3+b1" was
 * built from source "1.2-3"), else the package's own.
 */
static const char *
inst_version(const struct inv_software *sw, const struct mprod *mp)
{
	if (mp != NULL && mp->by_source && sw->source_version != NULL)
		return sw->source_version;
	return sw->version;
}

int
match_results_reserve(struct match_results *out, size_t n)
{
	struct match_result *nv;
	size_t ncap;

	if (n <= out->cap)
		return 0;
	if (n > RESULTS_MAX)
		return RP_ERR_LIMIT;
	ncap = out->cap ? out->cap * 2 : 16;
	while (ncap < n)
		ncap *= 2;
	if ((nv = reallocarray(out->v, ncap, sizeof(*nv))) == NULL)
		return RP_ERR_NOMEM;
	out->v = nv;
	out->cap = ncap;
	return 0;
}

/* Appends a result with verdict v and rule; the caller fills f. */
static struct match_result *
push_result(struct match_results *out, const struct inv_host *h,
    const struct advisory *a, const struct inv_software *sw,
    const struct mprod *mp, int vi, enum match_verdict v, enum match_rule rule)
{
	struct match_result *res;

	if (out->n == out->cap && match_results_reserve(out, out->n + 1) != 0)
		return NULL;
	res = &out->v[out->n++];
	memset(res, 0, sizeof(*res));
	res->host = h;
	res->adv = a;
	res->sw = sw;
	res->product = mp != NULL ? mp->p : NULL;
	res->vuln = vi >= 0 ? &a->vulns[vi] : NULL;
	res->verdict = v;
	res->rule = rule;
	if (mp != NULL) {
		res->f.via = mp->via;
		res->f.name = mp->ident;
		res->f.key = mp->name_key;
		res->f.alias = mp->canon;
		res->f.range = mp->range;
		res->f.vr = mp->vr;
		res->f.range_err = mp->range_err;
		res->f.distro = distro_label(mp->dist.id);
		res->f.release = mp->dist.rel[0] != '\0' ? mp->dist.rel : NULL;
	}
	if (sw != NULL)
		res->f.version = inst_version(sw, mp);
	if (sw != NULL && mp != NULL && mp->by_source)
		res->f.source =
		    sw->source_name != NULL ? sw->source_name : sw->name;
	return res;
}

/*
 * The scheme to compare installed software with a product version in:
 * what the inventory says, else what its source implies, else what the
 * advisory declares, else a guess from both strings.
 */
static enum version_scheme
pick_scheme(
    const struct inv_software *sw, const struct mprod *mp, const char *other)
{
	enum version_scheme s;

	if (sw->scheme != VERSION_SCHEME_UNKNOWN)
		return sw->scheme;
	if ((s = inv_source_scheme(sw->source)) != VERSION_SCHEME_UNKNOWN)
		return s;
	if (mp->scheme != VERSION_SCHEME_UNKNOWN)
		return mp->scheme;
	if (version_scheme_guess(sw->version) == VERSION_SCHEME_SEMVER &&
	    version_scheme_guess(other) == VERSION_SCHEME_SEMVER)
		return VERSION_SCHEME_SEMVER;
	return VERSION_SCHEME_GENERIC;
}

/* Compares installed version a with product version b. */
static int
cmp_ver(const struct inv_software *sw, const struct mprod *mp, const char *a,
    const char *b, int *cmp, enum version_scheme *used)
{
	enum version_scheme s = pick_scheme(sw, mp, b);

	if (used != NULL)
		*used = s;
	*cmp = 0;
	if (a == NULL || b == NULL)
		return RP_ERR_ARG;
	return version_compare_bound(s, a, b, cmp);
}

/* The region of key k among n increasing bound keys b (match.c). */
static unsigned
key_region(const struct version_key *k, const struct version_key *b, size_t n)
{
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		if ((c = version_key_cmp(k, &b[i])) <= 0)
			return (unsigned)(2 * i + (c == 0));
	}
	return (unsigned)(2 * n);
}

/* The order key of the package's version v in s (read once), or NULL. */
static const struct version_key *
inst_key(struct matcher *m, enum version_scheme s, const char *v)
{
	if (m->khave[s] == 0)
		m->khave[s] = version_key(s, v, &m->key[s]) ? 1 : 2;
	return m->khave[s] == 1 ? &m->key[s] : NULL;
}

/*
 * Whether version v lies in mp's range: by its region among the order
 * keys when both have them, else by rank when the range is ranked, else
 * by comparing.
 */
static int
range_contains(
    struct matcher *m, const struct mprod *mp, const char *v, int *in)
{
	const struct version_key *k;
	struct vrank_arg ra;
	int r;

	if (mp->bkey != NULL && (k = inst_key(m, mp->kscheme, v)) != NULL) {
		*in = (int)(mp->kin >> key_region(k, mp->bkey, mp->nbkey) & 1);
		return 0;
	}

	if (mp->bcls == NULL || m->ranks_dirty) {
		if (!mp->vr_ok)
			return vers_contains(mp->vr, v, in);
		return version_valid(mp->vr->scheme, v, NULL)
		    ? vers_contains_valid(mp->vr, v, in)
		    : RP_ERR_INVALID;
	}
	if ((r = vrank_pos(m, mp->vr->scheme, v, &ra.pos)) != 0)
		return r;
	if (ra.pos == VRANK_INVALID)
		return RP_ERR_INVALID;
	ra.bcls = mp->bcls;
	return vers_contains_by(mp->vr, vrank_cmp, &ra, in);
}

static void
test_version(struct matcher *m, const struct inv_software *sw,
    const struct mprod *mp, struct vtest *t)
{
	const char *v = inst_version(sw, mp);
	int r, c, in;

	t->in = -1;
	t->err = 0;
	t->nomem = 0;
	t->scheme = VERSION_SCHEME_UNKNOWN;
	if (mp->version == NULL && mp->range == NULL) {
		t->in = 1;
		t->rule = MATCH_RULE_ALL_VERSIONS;
		return;
	}
	if (v == NULL || v[0] == '\0') {
		t->rule = MATCH_RULE_NO_VERSION;
		return;
	}
	if (mp->version != NULL) {
		if ((r = cmp_ver(sw, mp, v, mp->version, &c, &t->scheme)) !=
		    0) {
			t->rule = MATCH_RULE_CMP_ERROR;
			t->err = r;
			return;
		}
		t->in = c == 0;
		t->rule = MATCH_RULE_EXACT;
		return;
	}
	if (mp->vr == NULL) {
		t->rule = MATCH_RULE_RANGE_UNUSABLE;
		return;
	}
	t->scheme = mp->bkey != NULL ? mp->kscheme : mp->vr->scheme;
	if ((r = range_contains(m, mp, v, &in)) == RP_ERR_NOMEM)
		t->nomem = 1;
	if (r != 0) {
		t->rule = r == RP_ERR_UNSUPPORTED ? MATCH_RULE_RANGE_UNSUPPORTED
						  : MATCH_RULE_RANGE_ERROR;
		t->err = r;
		return;
	}
	t->in = in;
	t->rule = MATCH_RULE_RANGE;
}

static void
facts_from_test(
    struct match_result *res, const struct mprod *mp, const struct vtest *t)
{
	res->f.scheme = t->scheme;
	res->f.err = t->err;
	res->f.contains = t->in == 1;
	if (t->rule == MATCH_RULE_EXACT || t->rule == MATCH_RULE_CMP_ERROR ||
	    t->rule == MATCH_RULE_NO_VERSION)
		res->f.bound = mp->version;
}

/*
 * The lowest version listed as fixed, first_fixed or recommended (only
 * recommended when recommended_only) for these products that is above
 * the installed one: the version to upgrade to.
 */
static const char *
next_version(const struct matcher *m, const struct inv_software *sw,
    const size_t *cand, size_t n, int recommended_only)
{
	const struct mprod *mp, *bestp = NULL;
	const char *best = NULL;
	size_t i, k;
	int c, ok;

	for (i = 0; i < n; i++) {
		mp = &m->prods[cand[i]];
		if (mp->version == NULL)
			continue;
		for (k = 0, ok = 0; k < mp->nst && !ok; k++) {
			if (recommended_only)
				ok = mp->st[k].status == ADV_STATUS_RECOMMENDED;
			else
				ok = status_verdict(mp->st[k].status) ==
				    MATCH_FIXED;
		}
		if (!ok ||
		    cmp_ver(sw, mp, inst_version(sw, mp), mp->version, &c,
			NULL) != 0 ||
		    c >= 0)
			continue;
		if (best != NULL &&
		    (cmp_ver(sw, bestp, mp->version, best, &c, NULL) != 0 ||
			c >= 0))
			continue;
		best = mp->version;
		bestp = mp;
	}
	return best;
}

/* Sets the status and the version to upgrade to; counts the result. */
static void
finish(const struct matcher *m, struct match_result *res,
    const struct mprod *mp, int status, const size_t *cand, size_t n)
{
	if (mp != NULL && status >= 0) {
		res->f.has_status = 1;
		res->f.status = (enum adv_status)status;
	}
	if (res->verdict == MATCH_NOT_AFFECTED || cand == NULL ||
	    res->sw == NULL)
		return;
	res->f.fix_version =
	    next_version(m, res->sw, cand, n, res->verdict == MATCH_FIXED);
}

/* Lists up to MATCH_LISTED_MAX products of cand with verdict class v. */
static int
list_ids(const struct matcher *m, struct match_facts *f, const size_t *cand,
    size_t n, int v)
{
	size_t i;
	int firstvuln = -1;

	for (i = 0; i < n; i++) {
		const struct mprod *mp = &m->prods[cand[i]];

		if (v >= 0 && !has_status(mp, (enum match_verdict)v, 0))
			continue;
		if (f->nlisted == MATCH_LISTED_MAX) {
			f->more_listed = 1;
			break;
		}
		f->listed[f->nlisted++] = mp->p;
		if (firstvuln < 0 && mp->nst > 0)
			firstvuln = (int)mp->st[0].vuln;
	}
	return firstvuln;
}

/*
 * The product listed as fixed (not merely recommended) with the lowest
 * version above the installed one, or NULL.
 */
static const struct mprod *
below_fix(const struct matcher *m, const struct inv_software *sw,
    const size_t *cand, size_t n)
{
	const struct mprod *mp, *best = NULL;
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		mp = &m->prods[cand[i]];
		if (mp->version == NULL || !has_status(mp, MATCH_FIXED, 1) ||
		    cmp_ver(sw, mp, inst_version(sw, mp), mp->version, &c,
			NULL) != 0 ||
		    c >= 0)
			continue;
		if (best != NULL &&
		    (cmp_ver(sw, mp, mp->version, best->version, &c, NULL) !=
			    0 ||
			c >= 0))
			continue;
		best = mp;
	}
	return best;
}

/* A product decided by its first status, with its fixed version. */
static int
push_first(const struct matcher *m, struct match_results *out,
    const struct inv_host *h, const struct inv_software *sw,
    const struct mprod *mp, enum match_verdict v, enum match_rule rule,
    const size_t *cand, size_t n)
{
	const struct madv *ma = &m->advs[mp->adv];
	struct match_result *res;

	if ((res = push_result(out, h, ma->a, sw, mp,
		 mp->nst ? (int)mp->st[0].vuln : -1, v, rule)) == NULL)
		return RP_ERR_NOMEM;
	res->f.bound = mp->version;
	finish(m, res, mp, mp->nst ? mp->st[0].status : -1, cand, n);
	return 0;
}

/* No listed version or range contains the installed version. */
static int
eval_outside(const struct matcher *m, const struct inv_host *h,
    enum os_family hos, const struct inv_software *sw, const size_t *cand,
    size_t n, struct match_results *out)
{
	const struct madv *ma = &m->advs[m->prods[cand[0]].adv];
	const struct mprod *mp, *fixedp = NULL, *affp = NULL, *belowp;
	struct match_result *res;
	struct match_facts f;
	size_t i;
	int c, vi;

	for (i = 0; i < n; i++) {
		mp = &m->prods[cand[i]];
		if (affp == NULL && has_status(mp, MATCH_AFFECTED, 0))
			affp = mp;
		if (fixedp == NULL && mp->version != NULL &&
		    has_status(mp, MATCH_FIXED, 1) &&
		    cmp_ver(sw, mp, inst_version(sw, mp), mp->version, &c,
			NULL) == 0 &&
		    c >= 0)
			fixedp = mp;
	}
	if (fixedp != NULL)
		return push_first(m, out, h, sw, fixedp, MATCH_FIXED,
		    MATCH_RULE_AT_OR_ABOVE_FIX, cand, n);
	if (affp != NULL) {
		memset(&f, 0, sizeof(f));
		vi = list_ids(m, &f, cand, n, MATCH_AFFECTED);
		if ((res = push_result(out, h, ma->a, sw, affp, vi,
			 MATCH_NOT_AFFECTED, MATCH_RULE_OUTSIDE_AFFECTED)) ==
		    NULL)
			return RP_ERR_NOMEM;
		memcpy(res->f.listed, f.listed, sizeof(f.listed));
		res->f.nlisted = f.nlisted;
		res->f.more_listed = f.more_listed;
		res->f.host_os = hos;
		return 0;
	}
	if ((belowp = below_fix(m, sw, cand, n)) != NULL)
		return push_first(m, out, h, sw, belowp, MATCH_AFFECTED,
		    MATCH_RULE_BELOW_FIX, cand, n);
	memset(&f, 0, sizeof(f));
	vi = list_ids(m, &f, cand, n, -1);
	if ((res = push_result(out, h, ma->a, sw, &m->prods[cand[0]], vi,
		 MATCH_UNKNOWN, MATCH_RULE_NOT_LISTED)) == NULL)
		return RP_ERR_NOMEM;
	memcpy(res->f.listed, f.listed, sizeof(f.listed));
	res->f.nlisted = f.nlisted;
	res->f.more_listed = f.more_listed;
	finish(m, res, NULL, -1, cand, n);
	return 0;
}

/* Every product found is for another platform than the host's. */
static int
eval_platform(const struct matcher *m, const struct inv_host *h,
    enum os_family hos, const struct inv_software *sw,
    const struct mprod *other, unsigned osmask, struct match_results *out)
{
	const struct madv *ma = &m->advs[other->adv];
	struct match_result *res;

	if ((res = push_result(out, h, ma->a, sw, other,
		 other->nst ? (int)other->st[0].vuln : -1, MATCH_NOT_AFFECTED,
		 MATCH_RULE_PLATFORM)) == NULL)
		return RP_ERR_NOMEM;
	res->f.os_mask = osmask;
	res->f.host_os = hos;
	return 0;
}

/* Every product found is for another distribution or release. */
static int
eval_release(const struct matcher *m, const struct inv_host *h,
    const struct inv_software *sw, const struct mprod *other,
    struct match_results *out)
{
	const struct madv *ma = &m->advs[other->adv];
	const struct distro *hd =
	    m->hdist.id != DISTRO_NONE ? &m->hdist : &m->swdist;
	struct match_result *res;

	if ((res = push_result(out, h, ma->a, sw, other,
		 other->nst ? (int)other->st[0].vuln : -1, MATCH_NOT_AFFECTED,
		 MATCH_RULE_RELEASE)) == NULL)
		return RP_ERR_NOMEM;
	res->f.host_distro = distro_label(hd->id);
	/* Borrowed from the host: the matcher's copy is the next host's. */
	res->f.host_release = hd == &m->hdist ? h->os_version : NULL;
	return 0;
}

/*
 * Keeps the candidates for the host's platform, distribution and release
 * in m's second scratch; *other and *osmask name those for other
 * platforms, *otherrel one for another distribution or release.
 */
static size_t
compatible(struct matcher *m, enum os_family hos, const struct inv_software *sw,
    const size_t *cand, size_t n, const struct mprod **other, unsigned *osmask,
    const struct mprod **otherrel)
{
	const struct distro *hd =
	    m->hdist.id != DISTRO_NONE ? &m->hdist : &m->swdist;
	const struct mprod *mp;
	size_t i, nc = 0;

	for (i = 0; i < n; i++) {
		mp = &m->prods[cand[i]];
		if (hos != OS_FAMILY_UNKNOWN && mp->os != OS_FAMILY_UNKNOWN &&
		    mp->os != hos) {
			if (*other == NULL)
				*other = mp;
			*osmask |= 1u << mp->os;
			continue;
		}
		if (mp->dist.id != DISTRO_NONE &&
		    distro_fit(&mp->dist, hd, inst_version(sw, mp)) !=
			DISTRO_FIT_YES) {
			if (*otherrel == NULL)
				*otherrel = mp;
			continue;
		}
		m->compat[nc++] = cand[i];
	}
	return nc;
}

int
match_eval(struct matcher *m, const struct inv_host *h, enum os_family hos,
    const struct inv_software *sw, const size_t *cand, size_t n,
    struct match_results *out)
{
	const struct madv *ma = &m->advs[m->prods[cand[0]].adv];
	const struct mprod *mp, *bestp = NULL, *errp = NULL, *other = NULL;
	const struct mprod *otherrel = NULL;
	struct vtest t, bestt = {0}, errt = {0};
	struct match_result *res;
	size_t nc, i, k;
	unsigned osmask = 0;
	int best = -1, bestvi = -1, beststatus = 0;
	enum match_verdict v;

	if ((nc = compatible(
		 m, hos, sw, cand, n, &other, &osmask, &otherrel)) == 0) {
		if (otherrel != NULL && other == NULL)
			return eval_release(m, h, sw, otherrel, out);
		return eval_platform(m, h, hos, sw, other, osmask, out);
	}
	for (i = 0; i < nc; i++) {
		mp = &m->prods[m->compat[i]];
		test_version(m, sw, mp, &t);
		if (t.nomem)
			return RP_ERR_NOMEM;
		if (t.in < 0 && errp == NULL) {
			errp = mp;
			errt = t;
		}
		for (k = 0; t.in == 1 && k < mp->nst; k++) {
			v = status_verdict(mp->st[k].status);
			if ((int)v <= best)
				continue;
			best = (int)v;
			bestp = mp;
			bestvi = (int)mp->st[k].vuln;
			beststatus = mp->st[k].status;
			bestt = t;
		}
	}
	if (bestp != NULL) {
		if ((res = push_result(out, h, ma->a, sw, bestp, bestvi,
			 (enum match_verdict)best, bestt.rule)) == NULL)
			return RP_ERR_NOMEM;
		facts_from_test(res, bestp, &bestt);
		finish(m, res, bestp, beststatus, m->compat, nc);
		return 0;
	}
	if (errp != NULL) {
		if ((res = push_result(out, h, ma->a, sw, errp,
			 errp->nst ? (int)errp->st[0].vuln : -1, MATCH_UNKNOWN,
			 errt.rule)) == NULL)
			return RP_ERR_NOMEM;
		facts_from_test(res, errp, &errt);
		finish(m, res, errp, errp->nst ? errp->st[0].status : -1,
		    m->compat, nc);
		return 0;
	}
	return eval_outside(m, h, hos, sw, m->compat, nc, out);
}

int
match_eval_nomatch(const struct matcher *m, const struct inv_host *h, size_t ai,
    struct match_results *out)
{
	if (push_result(out, h, m->advs[ai].a, NULL, NULL, -1,
		MATCH_NOT_AFFECTED, MATCH_RULE_NO_SOFTWARE) == NULL)
		return RP_ERR_NOMEM;
	return 0;
}

/* Whether product id is among ids. */
static int
names_product(char *const *ids, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ids[i] != NULL && strcmp(ids[i], id) == 0)
			return 1;
	}
	return 0;
}

size_t
match_result_remediations(const struct match_result *r,
    void (*fn)(const struct adv_remediation *, void *), void *arg)
{
	const struct adv_remediation *rem, *seen[REMS_MAX];
	const struct advisory *a = r->adv;
	size_t pass, vi, ri, k, nseen = 0;
	int dup;

	if (r->product == NULL || r->product->id == NULL)
		return 0;
	/* Vendor fixes first, then workarounds and the rest. */
	for (pass = 0; pass < 2; pass++) {
		for (vi = 0; vi < a->nvulns; vi++) {
			for (ri = 0; ri < a->vulns[vi].nremediations; ri++) {
				rem = &a->vulns[vi].remediations[ri];
				if ((rem->category == ADV_REM_VENDOR_FIX) !=
				    (pass == 0))
					continue;
				if (!names_product(rem->product_ids,
					rem->nproduct_ids, r->product->id))
					continue;
				for (k = 0, dup = 0; k < nseen && !dup; k++)
					dup = seen[k] == rem ||
					    (seen[k]->category ==
						    rem->category &&
						seen[k]->details != NULL &&
						rem->details != NULL &&
						strcmp(seen[k]->details,
						    rem->details) == 0);
				if (dup || nseen == REMS_MAX)
					continue;
				seen[nseen++] = rem;
				fn(rem, arg);
			}
		}
	}
	return nseen;
}
