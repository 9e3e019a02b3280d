/*
 * Reasons and remediations of a verdict (`rampart check`, the server's findings), written from the rule code
 * and the facts of a match result.  Every sentence of a verdict is made
 * here, nowhere in the matcher; docs/matching.md shows them per rule.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/str.h"

#include "match.h"

#define LINE_MAX_TEXT 16384 /* reason or remediation */
#define DETAILS_MAX 300 /* remediation details quoted per entry */

/* Appends the strings up to a NULL. */
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

static const char *
adv_id(const struct advisory *a)
{
	return a->id != NULL ? a->id : "(advisory without ID)";
}

static const char *
prod_name(const struct adv_product *p)
{
	if (p->name != NULL)
		return p->name;
	return p->product != NULL ? p->product : "";
}

/* "libssl3 3.0.11-1~deb12u1 (source openssl 3.0.11-1~deb12u1) on ..." */
static void
subject_append(struct rp_buf *b, const struct match_result *r)
{
	const struct inv_software *sw = r->sw;
	const struct inv_host *h = r->host;

	cat(b, sw->name ? sw->name : "(unnamed)", sw->version ? " " : "",
	    sw->version ? sw->version : "", NULL);
	/* Matched through its source package: say which, where it differs. */
	if (r->f.source != NULL && r->f.version != NULL && sw->name != NULL &&
	    sw->version != NULL &&
	    (strcmp(r->f.source, sw->name) != 0 ||
		strcmp(r->f.version, sw->version) != 0))
		cat(b, " (source package ", r->f.source, " ", r->f.version, ")",
		    NULL);
	else if (r->f.source != NULL)
		rp_buf_append(b, " (source package)");
	cat(b, " on ", h->os != NULL ? h->os : "an unknown OS", NULL);
	if (h->os != NULL && h->os_version != NULL &&
	    (r->f.distro != NULL || r->rule == MATCH_RULE_RELEASE))
		cat(b, " ", h->os_version, NULL);
}

/* " for Debian 12": the distribution and release a product is for. */
static void
distro_append(struct rp_buf *b, const struct match_facts *f)
{
	if (f->distro == NULL)
		return;
	cat(b, " for ", f->distro, f->release ? " " : "",
	    f->release ? f->release : "", NULL);
}

static void
vuln_append(struct rp_buf *b, const struct match_result *r)
{
	const struct adv_vuln *v = r->vuln;

	if (v == NULL)
		rp_buf_append(b, "no vulnerability");
	else if (v->cve != NULL)
		rp_buf_append(b, v->cve);
	else if (v->nids > 0)
		rp_buf_append(b, v->ids[0]);
	else if (v->title != NULL)
		rp_buf_append(b, v->title);
	else
		rp_buf_appendf(
		    b, "vulnerability %zu", (size_t)(v - r->adv->vulns) + 1);
}

/* "(known_affected, CVE-..., " : the status and the vulnerability. */
static void
status_append(struct rp_buf *b, const struct match_result *r)
{
	cat(b, " (",
	    r->f.has_status ? adv_status_name(r->f.status) : "no status", ", ",
	    NULL);
	vuln_append(b, r);
}

/* How a version or range was compared (the rule's own words). */
static void
rule_append(struct rp_buf *b, const struct match_result *r)
{
	const char *v = r->f.version ? r->f.version : "";
	const struct match_facts *f = &r->f;

	switch (r->rule) {
	case MATCH_RULE_ALL_VERSIONS:
		cat(b, "listed without a version: all versions", NULL);
		break;
	case MATCH_RULE_NO_VERSION:
		cat(b, "no installed version is known to compare with ",
		    f->bound ? f->bound : f->range, NULL);
		break;
	case MATCH_RULE_CMP_ERROR:
		cat(b, "cannot compare ", v, " with ", f->bound, " as ",
		    version_scheme_name(f->scheme),
		    " versions: ", rp_strerror(f->err), NULL);
		break;
	case MATCH_RULE_EXACT:
		cat(b, "exact version ", f->bound,
		    f->contains ? " = " : " != ", v, NULL);
		break;
	case MATCH_RULE_RANGE_UNUSABLE:
		cat(b, "range \"", f->range, "\" cannot be used: ",
		    f->range_err ? f->range_err : "not parsed", NULL);
		break;
	case MATCH_RULE_RANGE_UNSUPPORTED:
		cat(b, "range ", f->range, ": versions of scheme \"",
		    f->vr && f->vr->scheme_name ? f->vr->scheme_name : "?",
		    "\" cannot be compared", NULL);
		break;
	case MATCH_RULE_RANGE_ERROR:
		cat(b, "range ", f->range, ": ", v,
		    " cannot be compared with it: ", rp_strerror(f->err), NULL);
		break;
	case MATCH_RULE_RANGE:
		cat(b, "range ", f->range,
		    f->contains ? " contains " : " excludes ", v, NULL);
		break;
	default:
		cat(b, match_rule_name(r->rule), NULL);
		break;
	}
}

static void
listed_append(struct rp_buf *b, const struct match_facts *f)
{
	size_t i;

	for (i = 0; i < f->nlisted; i++)
		cat(b, i ? ", " : "", f->listed[i]->id, NULL);
	if (f->more_listed)
		rp_buf_append(b, ", ...");
}

static void
platforms_append(struct rp_buf *b, unsigned mask)
{
	unsigned f;
	int n = 0;

	for (f = 1; f <= OS_FAMILY_ANDROID; f++) {
		if (mask & (1u << f))
			cat(b, n++ ? ", " : "",
			    os_family_name((enum os_family)f), NULL);
	}
}

static void
product_append(struct rp_buf *b, const struct match_result *r)
{
	cat(b, adv_id(r->adv), " product ", r->product->id, " \"",
	    prod_name(r->product), "\"", NULL);
	distro_append(b, &r->f);
}

/* The reasons of rules that compare with other products' versions. */
static void
outside_append(struct rp_buf *b, const struct match_result *r)
{
	const struct match_facts *f = &r->f;

	switch (r->rule) {
	case MATCH_RULE_AT_OR_ABOVE_FIX:
		rp_buf_append(b, "fixed: ");
		subject_append(b, r);
		rp_buf_append(b, " is at or above ");
		product_append(b, r);
		status_append(b, r);
		cat(b, ", fixed in ", f->bound, " <= ", f->version, ")", NULL);
		break;
	case MATCH_RULE_OUTSIDE_AFFECTED:
		rp_buf_append(b, "not affected: ");
		subject_append(b, r);
		cat(b, " is outside every affected version ", adv_id(r->adv),
		    " lists", f->host_os != OS_FAMILY_UNKNOWN ? " for " : "",
		    f->host_os != OS_FAMILY_UNKNOWN ? os_family_name(f->host_os)
						    : "",
		    " (", NULL);
		listed_append(b, f);
		rp_buf_append(b, ")");
		break;
	case MATCH_RULE_BELOW_FIX:
		rp_buf_append(b, "affected: ");
		subject_append(b, r);
		rp_buf_append(b, " is below ");
		product_append(b, r);
		status_append(b, r);
		cat(b, ", fixed in ", f->bound, " > ", f->version,
		    "; no affected version is listed, so versions before the "
		    "fix count as affected)",
		    NULL);
		break;
	default: /* MATCH_RULE_NOT_LISTED */
		rp_buf_append(b, "unknown: ");
		subject_append(b, r);
		cat(b, " is not among the versions ", adv_id(r->adv),
		    " lists (", NULL);
		listed_append(b, f);
		rp_buf_append(b,
		    ") and none of them is affected, so the advisory "
		    "does not say");
		break;
	}
}

static int
decided_by_test(enum match_rule rule)
{
	return rule == MATCH_RULE_ALL_VERSIONS || rule == MATCH_RULE_EXACT ||
	    rule == MATCH_RULE_RANGE || rule == MATCH_RULE_NO_VERSION ||
	    rule == MATCH_RULE_CMP_ERROR || rule == MATCH_RULE_RANGE_UNUSABLE ||
	    rule == MATCH_RULE_RANGE_UNSUPPORTED ||
	    rule == MATCH_RULE_RANGE_ERROR;
}

char *
match_reason(const struct match_result *r)
{
	struct rp_buf b;
	char *s;

	rp_buf_init(&b, LINE_MAX_TEXT);
	if (r->rule == MATCH_RULE_NO_SOFTWARE || r->sw == NULL ||
	    r->product == NULL) {
		cat(&b,
		    "not affected: no installed software matches a product of ",
		    adv_id(r->adv), NULL);
	} else if (r->rule == MATCH_RULE_PLATFORM) {
		rp_buf_append(&b, "not affected: ");
		subject_append(&b, r);
		cat(&b, ": ", adv_id(r->adv), " lists ",
		    r->f.name ? r->f.name : prod_name(r->product), " only for ",
		    NULL);
		platforms_append(&b, r->f.os_mask);
		cat(&b, " (e.g. ", r->product->id, " \"", prod_name(r->product),
		    "\")", NULL);
	} else if (r->rule == MATCH_RULE_RELEASE) {
		rp_buf_append(&b, "not affected: ");
		subject_append(&b, r);
		cat(&b, ": ", adv_id(r->adv), " lists ",
		    r->f.source
			? r->f.source
			: (r->f.name ? r->f.name : prod_name(r->product)),
		    " only for other distributions or releases (e.g. ",
		    r->product->id, NULL);
		distro_append(&b, &r->f);
		rp_buf_append(&b, ")");
	} else if (decided_by_test(r->rule) && r->verdict == MATCH_UNKNOWN) {
		rp_buf_append(&b, "unknown: ");
		subject_append(&b, r);
		cat(&b, " may match ", NULL);
		product_append(&b, r);
		rp_buf_append(&b, " but ");
		rule_append(&b, r);
	} else if (decided_by_test(r->rule)) {
		cat(&b, match_verdict_name(r->verdict), ": ", NULL);
		subject_append(&b, r);
		rp_buf_append(&b, " matches ");
		product_append(&b, r);
		status_append(&b, r);
		rp_buf_append(&b, ", ");
		rule_append(&b, r);
		rp_buf_append(&b, ")");
	} else
		outside_append(&b, r);
	/* A reason past LINE_MAX_TEXT (hostile names) is still a reason. */
	if ((s = rp_buf_take(&b)) == NULL)
		s = rp_asprintf("%s: (the reason is too long to show)",
		    match_verdict_name(r->verdict));
	return s;
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

struct rem_ctx {
	struct rp_buf *b;
	const char *fixver;
	int vendor_fixes; /* seen so far */
};

static void
append_rem(const struct adv_remediation *rem, void *arg)
{
	struct rem_ctx *c = arg;
	struct rp_buf *b = c->b;
	const char *details = rem->details ? rem->details : rem->url;

	if (rem->category != ADV_REM_VENDOR_FIX && c->vendor_fixes == 0 &&
	    b->len == 0 && c->fixver != NULL) {
		/* No vendor fix text: the fixed version says what to do. */
		rp_buf_appendf(b, "upgrade to %s or later", c->fixver);
		c->vendor_fixes = -1;
	}
	if (b->len > 0)
		rp_buf_append(b, "; ");
	if (rem->category == ADV_REM_VENDOR_FIX) {
		/* The version the products give, else the remediation's. */
		const char *v =
		    c->fixver != NULL ? c->fixver : rem->fix_version;

		c->vendor_fixes++;
		if (v != NULL &&
		    (details == NULL || strstr(details, v) == NULL)) {
			rp_buf_appendf(b, "upgrade to %s or later", v);
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

char *
match_remediation(const struct match_result *r)
{
	struct rem_ctx c;
	struct rp_buf b;

	if (r->verdict == MATCH_NOT_AFFECTED || r->sw == NULL)
		return NULL;
	rp_buf_init(&b, LINE_MAX_TEXT);
	if (r->verdict == MATCH_FIXED) {
		if (r->f.fix_version == NULL)
			return NULL;
		rp_buf_appendf(&b,
		    "none needed; %s is the version the vendor recommends",
		    r->f.fix_version);
	} else {
		c.b = &b;
		c.fixver = r->f.fix_version;
		c.vendor_fixes = 0;
		match_result_remediations(r, append_rem, &c);
		if (b.len == 0 && c.fixver != NULL)
			rp_buf_appendf(&b, "upgrade to %s or later", c.fixver);
	}
	if (b.len == 0) {
		rp_buf_free(&b);
		return NULL;
	}
	return rp_buf_take(&b);
}
