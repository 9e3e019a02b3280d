/*
 * Verdicts: given the products of one advisory whose identity matches an
 * installed package, decide affected / fixed / not affected / under
 * investigation / unknown, say in one line which product and which rule
 * decided, and pick the remediation that applies.  docs/matching.md
 * describes the rules in the order they are applied here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_int.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"

#define RESULTS_ARENA_MAX (1024u * 1024 * 1024)
#define RESULTS_MAX (64u * 1024 * 1024)
#define LINE_MAX_TEXT 16384 /* reason or remediation */
#define DETAILS_MAX 300 /* remediation details quoted per entry */
#define LIST_MAX 4 /* product IDs listed in one reason */

/* How a product's version or range was compared with the installed one. */
enum rule {
	RULE_ALL, /* no version or range: all versions */
	RULE_NOVERSION, /* nothing installed to compare */
	RULE_CMP_ERR,
	RULE_EXACT,
	RULE_RANGE_UNUSABLE,
	RULE_RANGE_UNSUPPORTED,
	RULE_RANGE_ERR,
	RULE_RANGE,
};

/* Kept small: the text is only made for the product that decides. */
struct vtest {
	int in; /* 1 contains, 0 does not, -1 cannot tell */
	enum rule rule;
	int err;
	enum version_scheme scheme;
};

void
match_results_init(struct match_results *r)
{
	memset(r, 0, sizeof(*r));
}

void
match_results_free(struct match_results *r)
{
	if (r == NULL)
		return;
	free(r->v);
	rp_arena_free(r->arena);
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

static int
push_result(struct match_results *out, const struct inv_host *h,
    const struct advisory *a, const struct inv_software *sw,
    const struct mprod *mp, const struct adv_vuln *v,
    enum match_verdict verdict, const char *reason, const char *remedy)
{
	struct match_result *nv, *res;
	size_t ncap;

	if (out->arena == NULL &&
	    (out->arena = rp_arena_new(RESULTS_ARENA_MAX)) == NULL)
		return RP_ERR_NOMEM;
	if (out->n == out->cap) {
		if (out->cap >= RESULTS_MAX)
			return RP_ERR_LIMIT;
		ncap = out->cap ? out->cap * 2 : 16;
		if ((nv = reallocarray(out->v, ncap, sizeof(*nv))) == NULL)
			return RP_ERR_NOMEM;
		out->v = nv;
		out->cap = ncap;
	}
	res = &out->v[out->n];
	memset(res, 0, sizeof(*res));
	res->host = h;
	res->adv = a;
	res->sw = sw;
	res->product = mp != NULL ? mp->p : NULL;
	res->vuln = v;
	res->verdict = verdict;
	if ((res->reason = rp_arena_strdup(out->arena, reason)) == NULL)
		return RP_ERR_NOMEM;
	if (remedy != NULL && remedy[0] != '\0' &&
	    (res->remediation = rp_arena_strdup(out->arena, remedy)) == NULL)
		return RP_ERR_NOMEM;
	out->n++;
	return 0;
}

static const char *
adv_id(const struct advisory *a)
{
	return a->id != NULL ? a->id : "(advisory without ID)";
}

static const char *
prod_name(const struct mprod *mp)
{
	if (mp->p->name != NULL)
		return mp->p->name;
	return mp->product != NULL ? mp->product : "";
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

static void
test_version(
    const struct inv_software *sw, const struct mprod *mp, struct vtest *t)
{
	const char *v = sw->version;
	int r, c, in;

	t->in = -1;
	t->err = 0;
	if (mp->version == NULL && mp->range == NULL) {
		t->in = 1;
		t->rule = RULE_ALL;
		return;
	}
	if (v == NULL || v[0] == '\0') {
		t->rule = RULE_NOVERSION;
		return;
	}
	if (mp->version != NULL) {
		if ((r = cmp_ver(sw, mp, v, mp->version, &c, &t->scheme)) !=
		    0) {
			t->rule = RULE_CMP_ERR;
			t->err = r;
			return;
		}
		t->in = c == 0;
		t->rule = RULE_EXACT;
		return;
	}
	if (mp->vr == NULL) {
		t->rule = RULE_RANGE_UNUSABLE;
		return;
	}
	if ((r = vers_contains(mp->vr, v, &in)) != 0) {
		t->rule = r == RP_ERR_UNSUPPORTED ? RULE_RANGE_UNSUPPORTED
						  : RULE_RANGE_ERR;
		t->err = r;
		return;
	}
	t->in = in;
	t->rule = RULE_RANGE;
}

/* Appends the strings up to a NULL; memcpy, not printf: this is hot. */
static void
cat(struct rp_buf *b, ...)
{
	const char *s;
	va_list ap;

	va_start(ap, b);
	while ((s = va_arg(ap, const char *)) != NULL)
		rp_buf_append(b, s);
	va_end(ap);
}

static void
rule_append(struct rp_buf *b, const struct inv_software *sw,
    const struct mprod *mp, const struct vtest *t)
{
	const char *v = sw->version ? sw->version : "";

	switch (t->rule) {
	case RULE_ALL:
		cat(b, "listed without a version: all versions", NULL);
		break;
	case RULE_NOVERSION:
		cat(b, "no installed version is known to compare with ",
		    mp->version ? mp->version : mp->range, NULL);
		break;
	case RULE_CMP_ERR:
		cat(b, "cannot compare ", v, " with ", mp->version, " as ",
		    version_scheme_name(t->scheme),
		    " versions: ", rp_strerror(t->err), NULL);
		break;
	case RULE_EXACT:
		cat(b, "exact version ", mp->version, t->in ? " = " : " != ", v,
		    NULL);
		break;
	case RULE_RANGE_UNUSABLE:
		cat(b, "range \"", mp->range, "\" cannot be used: ",
		    mp->range_err ? mp->range_err : "not parsed", NULL);
		break;
	case RULE_RANGE_UNSUPPORTED:
		cat(b, "range ", mp->range, ": versions of scheme \"",
		    mp->vr->scheme_name ? mp->vr->scheme_name : "?",
		    "\" cannot be compared", NULL);
		break;
	case RULE_RANGE_ERR:
		cat(b, "range ", mp->range, ": ", v,
		    " cannot be compared with it: ", rp_strerror(t->err), NULL);
		break;
	case RULE_RANGE:
		cat(b, "range ", mp->range, t->in ? " contains " : " excludes ",
		    v, NULL);
		break;
	}
}

static void
subject_append(
    struct rp_buf *b, const struct inv_host *h, const struct inv_software *sw)
{
	cat(b, sw->name ? sw->name : "(unnamed)", sw->version ? " " : "",
	    sw->version ? sw->version : "", " on ",
	    h->os != NULL ? h->os : "an unknown OS", NULL);
}

static void
vuln_append(struct rp_buf *b, const struct advisory *a, uint32_t vi)
{
	const struct adv_vuln *v = &a->vulns[vi];

	if (v->cve != NULL)
		rp_buf_append(b, v->cve);
	else if (v->nids > 0)
		rp_buf_append(b, v->ids[0]);
	else if (v->title != NULL)
		rp_buf_append(b, v->title);
	else
		rp_buf_appendf(b, "vulnerability %u", vi + 1);
}

/* Appends s on one line, at most max bytes of it, without a final '.'. */
static void
append_oneline(struct rp_buf *b, const char *s, size_t max)
{
	size_t n = 0, len = strlen(s);
	const char *end;
	int space = 0;

	while (len > 0 &&
	    (s[len - 1] == '.' || s[len - 1] == ' ' || s[len - 1] == '\n' ||
		s[len - 1] == '\r' || s[len - 1] == '\t'))
		len--;
	for (end = s + len; s < end; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t' || *s == ' ') {
			space = n > 0;
			continue;
		}
		/* Cut only between UTF-8 sequences: JSON needs valid text. */
		if (n >= max && ((unsigned char)*s & 0xc0) != 0x80) {
			rp_buf_append(b, "...");
			return;
		}
		if (space)
			rp_buf_append(b, " ");
		space = 0;
		rp_buf_appendn(b, s, 1);
		n++;
	}
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
		    cmp_ver(sw, mp, sw->version, mp->version, &c, NULL) != 0 ||
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

static void
append_rem(
    struct rp_buf *b, const struct adv_remediation *rem, const char *fixver)
{
	const char *details = rem->details ? rem->details : rem->url;

	if (b->len > 0)
		rp_buf_append(b, "; ");
	if (rem->category == ADV_REM_VENDOR_FIX) {
		if (fixver != NULL &&
		    (details == NULL || strstr(details, fixver) == NULL)) {
			rp_buf_appendf(b, "upgrade to %s or later", fixver);
			if (details == NULL)
				return;
			rp_buf_append(b, " (");
			append_oneline(b, details, DETAILS_MAX);
			rp_buf_append(b, ")");
			return;
		}
		append_oneline(
		    b, details ? details : "vendor fix available", DETAILS_MAX);
		return;
	}
	rp_buf_appendf(b, "%s: ", adv_rem_category_name(rem->category));
	append_oneline(b, details ? details : "(no details)", DETAILS_MAX);
}

/* What to do about software with verdict v decided by product dp. */
static char *
remediation(const struct matcher *m, const struct advisory *a,
    const struct mprod *dp, enum match_verdict v, const struct inv_software *sw,
    const size_t *cand, size_t n)
{
	const struct adv_remediation *rem, *seen[16];
	const char *fixver;
	struct rp_buf b;
	size_t pass, i, k, nseen = 0;
	int dup;

	rp_buf_init(&b, LINE_MAX_TEXT);
	if (v == MATCH_NOT_AFFECTED)
		return NULL;
	if (v == MATCH_FIXED) {
		if ((fixver = next_version(m, sw, cand, n, 1)) != NULL)
			rp_buf_appendf(&b,
			    "none needed; %s is the version the vendor "
			    "recommends",
			    fixver);
		return rp_buf_take(&b);
	}
	fixver = next_version(m, sw, cand, n, 0);
	/* Vendor fixes first, then workarounds and the rest. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; dp != NULL && i < dp->nrem; i++) {
			rem = &a->vulns[dp->rem[i].vuln]
				   .remediations[dp->rem[i].rem];
			if ((rem->category == ADV_REM_VENDOR_FIX) !=
			    (pass == 0))
				continue;
			for (k = 0, dup = 0; k < nseen && !dup; k++)
				dup = seen[k] == rem ||
				    (seen[k]->category == rem->category &&
					seen[k]->details != NULL &&
					rem->details != NULL &&
					strcmp(seen[k]->details,
					    rem->details) == 0);
			if (dup || nseen == sizeof(seen) / sizeof(seen[0]))
				continue;
			seen[nseen++] = rem;
			append_rem(&b, rem, fixver);
		}
		if (pass == 0 && b.len == 0 && fixver != NULL)
			rp_buf_appendf(&b, "upgrade to %s or later", fixver);
	}
	return rp_buf_take(&b);
}

static int
finish(const struct matcher *m, struct match_results *out,
    const struct inv_host *h, const struct inv_software *sw,
    const struct madv *ma, const struct mprod *mp, int vi, enum match_verdict v,
    struct rp_buf *reason, const size_t *cand, size_t n)
{
	char *text = NULL, *remedy = NULL;
	int r = RP_ERR_NOMEM;

	/* A reason past LINE_MAX_TEXT (hostile names) must not fail the host. */
	if ((text = rp_buf_take(reason)) == NULL &&
	    (text = rp_asprintf("%s: (the reason is too long to show)",
		 match_verdict_name(v))) == NULL)
		goto out;
	remedy = remediation(m, ma->a, mp, v, sw, cand, n);
	r = push_result(out, h, ma->a, sw, mp,
	    vi >= 0 ? &ma->a->vulns[vi] : NULL, v, text, remedy);
out:
	free(text);
	free(remedy);
	return r;
}

/* Appends up to LIST_MAX product IDs of cand that have verdict class v. */
static int
list_ids(const struct matcher *m, struct rp_buf *b, const size_t *cand,
    size_t n, int v)
{
	size_t i, listed = 0;
	int firstvuln = -1;

	for (i = 0; i < n; i++) {
		const struct mprod *mp = &m->prods[cand[i]];

		if (v >= 0 && !has_status(mp, (enum match_verdict)v, 0))
			continue;
		if (listed == LIST_MAX) {
			rp_buf_append(b, ", ...");
			break;
		}
		cat(b, listed ? ", " : "", mp->p->id, NULL);
		if (firstvuln < 0 && mp->nst > 0)
			firstvuln = (int)mp->st[0].vuln;
		listed++;
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
		    cmp_ver(sw, mp, sw->version, mp->version, &c, NULL) != 0 ||
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

/* No listed version or range contains the installed version. */
static int
eval_outside(const struct matcher *m, const struct inv_host *h,
    enum os_family hos, const struct inv_software *sw, const size_t *cand,
    size_t n, struct match_results *out)
{
	const struct madv *ma = &m->advs[m->prods[cand[0]].adv];
	const struct mprod *mp, *fixedp = NULL, *affp = NULL, *belowp;
	struct rp_buf b;
	size_t i;
	int c, vi = -1;

	rp_buf_init(&b, LINE_MAX_TEXT);
	for (i = 0; i < n; i++) {
		mp = &m->prods[cand[i]];
		if (affp == NULL && has_status(mp, MATCH_AFFECTED, 0))
			affp = mp;
		if (fixedp == NULL && mp->version != NULL &&
		    has_status(mp, MATCH_FIXED, 1) &&
		    cmp_ver(sw, mp, sw->version, mp->version, &c, NULL) == 0 &&
		    c >= 0)
			fixedp = mp;
	}
	if (fixedp != NULL) {
		rp_buf_append(&b, "fixed: ");
		subject_append(&b, h, sw);
		cat(&b, " is at or above ", adv_id(ma->a), " product ",
		    fixedp->p->id, " \"", prod_name(fixedp), "\" (",
		    adv_status_name(fixedp->st[0].status), ", ", NULL);
		vuln_append(&b, ma->a, fixedp->st[0].vuln);
		rp_buf_appendf(
		    &b, ", fixed in %s <= %s)", fixedp->version, sw->version);
		return finish(m, out, h, sw, ma, fixedp,
		    (int)fixedp->st[0].vuln, MATCH_FIXED, &b, cand, n);
	}
	if (affp != NULL) {
		rp_buf_append(&b, "not affected: ");
		subject_append(&b, h, sw);
		cat(&b, " is outside every affected version ", adv_id(ma->a),
		    " lists", hos != OS_FAMILY_UNKNOWN ? " for " : "",
		    hos != OS_FAMILY_UNKNOWN ? os_family_name(hos) : "", " (",
		    NULL);
		vi = list_ids(m, &b, cand, n, MATCH_AFFECTED);
		rp_buf_append(&b, ")");
		return finish(m, out, h, sw, ma, affp, vi, MATCH_NOT_AFFECTED,
		    &b, cand, n);
	}
	if ((belowp = below_fix(m, sw, cand, n)) != NULL) {
		rp_buf_append(&b, "affected: ");
		subject_append(&b, h, sw);
		cat(&b, " is below ", adv_id(ma->a), " product ", belowp->p->id,
		    " \"", prod_name(belowp), "\" (",
		    adv_status_name(belowp->st[0].status), ", ", NULL);
		vuln_append(&b, ma->a, belowp->st[0].vuln);
		cat(&b, ", fixed in ", belowp->version, " > ", sw->version,
		    "; no affected version is listed, so versions before the "
		    "fix count as affected)",
		    NULL);
		return finish(m, out, h, sw, ma, belowp,
		    (int)belowp->st[0].vuln, MATCH_AFFECTED, &b, cand, n);
	}
	rp_buf_append(&b, "unknown: ");
	subject_append(&b, h, sw);
	cat(&b, " is not among the versions ", adv_id(ma->a), " lists (", NULL);
	vi = list_ids(m, &b, cand, n, -1);
	rp_buf_append(&b,
	    ") and none of them is affected, so the advisory "
	    "does not say");
	return finish(m, out, h, sw, ma, &m->prods[cand[0]], vi, MATCH_UNKNOWN,
	    &b, cand, n);
}

/* Every product found is for another platform than the host's. */
static int
eval_platform(const struct matcher *m, const struct inv_host *h,
    enum os_family hos, const struct inv_software *sw,
    const struct mprod *other, unsigned osmask, struct match_results *out)
{
	const struct madv *ma = &m->advs[other->adv];
	struct rp_buf b;
	unsigned f;
	int n = 0;

	rp_buf_init(&b, LINE_MAX_TEXT);
	rp_buf_append(&b, "not affected: ");
	subject_append(&b, h, sw);
	cat(&b, ": ", adv_id(ma->a), " lists ",
	    other->ident ? other->ident : prod_name(other), " only for ", NULL);
	for (f = 1; f <= OS_FAMILY_ANDROID; f++) {
		if (osmask & (1u << f))
			cat(&b, n++ ? ", " : "",
			    os_family_name((enum os_family)f), NULL);
	}
	cat(&b, " (e.g. ", other->p->id, " \"", prod_name(other), "\")", NULL);
	(void)hos;
	return finish(m, out, h, sw, ma, other,
	    other->nst ? (int)other->st[0].vuln : -1, MATCH_NOT_AFFECTED, &b,
	    NULL, 0);
}

int
match_eval(const struct matcher *m, const struct inv_host *h,
    enum os_family hos, const struct inv_software *sw, const size_t *cand,
    size_t n, struct match_results *out)
{
	const struct madv *ma = &m->advs[m->prods[cand[0]].adv];
	const struct mprod *mp, *bestp = NULL, *errp = NULL, *other = NULL;
	struct vtest t, bestt = {0}, errt = {0};
	size_t *compat = NULL, nc = 0, i, k;
	unsigned osmask = 0;
	int best = -1, bestvi = -1, beststatus = 0, r = RP_ERR_NOMEM;
	struct rp_buf b;
	enum match_verdict v;

	if ((compat = reallocarray(NULL, n, sizeof(*compat))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		mp = &m->prods[cand[i]];
		if (hos != OS_FAMILY_UNKNOWN && mp->os != OS_FAMILY_UNKNOWN &&
		    mp->os != hos) {
			if (other == NULL)
				other = mp;
			osmask |= 1u << mp->os;
			continue;
		}
		compat[nc++] = cand[i];
	}
	if (nc == 0) {
		r = eval_platform(m, h, hos, sw, other, osmask, out);
		goto out;
	}
	for (i = 0; i < nc; i++) {
		mp = &m->prods[compat[i]];
		test_version(sw, mp, &t);
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
	rp_buf_init(&b, LINE_MAX_TEXT);
	if (bestp != NULL) {
		cat(&b, match_verdict_name((enum match_verdict)best), ": ",
		    NULL);
		subject_append(&b, h, sw);
		cat(&b, " matches ", adv_id(ma->a), " product ", bestp->p->id,
		    " \"", prod_name(bestp), "\" (",
		    adv_status_name((enum adv_status)beststatus), ", ", NULL);
		vuln_append(&b, ma->a, (uint32_t)bestvi);
		rp_buf_append(&b, ", ");
		rule_append(&b, sw, bestp, &bestt);
		rp_buf_append(&b, ")");
		r = finish(m, out, h, sw, ma, bestp, bestvi,
		    (enum match_verdict)best, &b, compat, nc);
	} else if (errp != NULL) {
		rp_buf_append(&b, "unknown: ");
		subject_append(&b, h, sw);
		cat(&b, " may match ", adv_id(ma->a), " product ", errp->p->id,
		    " \"", prod_name(errp), "\" but ", NULL);
		rule_append(&b, sw, errp, &errt);
		r = finish(m, out, h, sw, ma, errp,
		    errp->nst ? (int)errp->st[0].vuln : -1, MATCH_UNKNOWN, &b,
		    compat, nc);
	} else
		r = eval_outside(m, h, hos, sw, compat, nc, out);
out:
	free(compat);
	return r;
}

int
match_eval_nomatch(const struct matcher *m, const struct inv_host *h, size_t ai,
    struct match_results *out)
{
	const struct advisory *a = m->advs[ai].a;
	char buf[512];

	snprintf(buf, sizeof(buf),
	    "not affected: no installed software matches a product of %s",
	    adv_id(a));
	return push_result(
	    out, h, a, NULL, NULL, NULL, MATCH_NOT_AFFECTED, buf, NULL);
}
