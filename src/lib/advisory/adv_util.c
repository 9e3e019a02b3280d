/*
 * Predicates shared by the advisory readers, and the parsed range and
 * scheme of a product: readers parse a range once, when they read it,
 * and keep the result in the advisory's arena next to the text.
 */
#include <string.h>
#include <strings.h>

#include "adv_util.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/purl.h"
#include "util/str.h"

int
adv_in_list(const char *const *list, const char *s)
{
	return rp_str_in_list(list, s);
}

int
adv_is_cve(const char *s)
{
	size_t n;

	if (!rp_str_startswith(s, "CVE-") || strspn(s + 4, "0123456789") != 4 ||
	    s[8] != '-')
		return 0;
	n = strspn(s + 9, "0123456789");
	return n >= 4 && s[9 + n] == '\0';
}

/*
 * The ordering a scheme name, purl type or OSV ecosystem names ("deb",
 * "npm", "Debian:12", "Red Hat"); VERSION_SCHEME_UNKNOWN when none.
 */
static enum version_scheme
scheme_of(const char *name)
{
	enum version_scheme s = VERSION_SCHEME_UNKNOWN;
	const struct ecosystem *e;
	char buf[64];
	size_t i;

	if (name == NULL)
		return s;
	/* OSV ecosystems carry a release: "Debian:12". */
	for (i = 0; name[i] != '\0' && name[i] != ':' && i + 1 < sizeof(buf);
	     i++)
		buf[i] = name[i];
	buf[i] = '\0';
	if (version_scheme_from_name(buf, &s) == 0)
		return s;
	if ((e = ecosystem_lookup(name)) != NULL && e->scheme != NULL &&
	    version_scheme_from_name(e->scheme, &s) == 0)
		return s;
	return VERSION_SCHEME_UNKNOWN;
}

enum version_scheme
adv_scheme_declared(const char *scheme, const char *purl, const char *eco)
{
	enum version_scheme s;
	struct rp_purl p;
	char buf[1024];

	if ((s = scheme_of(scheme)) != VERSION_SCHEME_UNKNOWN)
		return s;
	if (purl != NULL &&
	    rp_purl_parse(purl, &p, buf, sizeof(buf), NULL) == 0 &&
	    (s = scheme_of(p.type)) != VERSION_SCHEME_UNKNOWN)
		return s;
	return scheme_of(eco);
}

const struct vers_range *
adv_range_copy(struct rp_arena *ar, const struct vers_range *vr)
{
	struct vers_range *c;
	size_t i;

	if ((c = rp_arena_memdup(ar, vr, sizeof(*vr))) == NULL ||
	    (c->scheme_name = rp_arena_strdup(ar, vr->scheme_name)) == NULL ||
	    (c->c = rp_arena_calloc(ar, vr->n + 1, sizeof(*c->c))) == NULL)
		return NULL;
	for (i = 0; i < vr->n; i++) {
		c->c[i].op = vr->c[i].op;
		if (vr->c[i].version != NULL &&
		    (c->c[i].version = rp_arena_strdup(ar, vr->c[i].version)) ==
			NULL)
			return NULL;
	}
	return c;
}

int
adv_range_keep(
    struct rp_arena *ar, struct adv_product *p, const struct vers_range *vr)
{
	p->range_err = NULL;
	if ((p->vr = adv_range_copy(ar, vr)) == NULL)
		return RP_ERR_NOMEM;
	return 0;
}

int
adv_range_failed(
    struct rp_arena *ar, struct adv_product *p, int r, const struct rp_diags *d)
{
	size_t i;

	p->vr = NULL;
	p->range_err = rp_strerror(r);
	for (i = 0; d != NULL && i < d->n; i++) {
		if (d->v[i].level != RP_DIAG_ERROR || d->v[i].msg == NULL)
			continue;
		if ((p->range_err = rp_arena_strdup(ar, d->v[i].msg)) == NULL)
			return RP_ERR_NOMEM;
		break;
	}
	return 0;
}

int
adv_range_parse(struct rp_arena *ar, struct adv_product *p, struct rp_diags *d)
{
	struct vers_range *vr = NULL;
	struct rp_diags *tmp;
	size_t i;
	int r;

	p->vr = NULL;
	p->range_err = NULL;
	if (p->range == NULL)
		return 0;
	if ((tmp = rp_diags_new()) == NULL)
		return RP_ERR_NOMEM;
	if (strncasecmp(p->range, "vers:", 5) == 0)
		r = vers_parse_tolerant(p->range, &vr, tmp);
	else
		r = vls_parse(p->range,
		    p->scheme != VERSION_SCHEME_UNKNOWN
			? p->scheme
			: VERSION_SCHEME_GENERIC,
		    &vr, tmp);
	if (r == 0)
		r = adv_range_keep(ar, p, vr);
	else if (r != RP_ERR_NOMEM)
		r = adv_range_failed(ar, p, r, tmp);
	for (i = 0; d != NULL && i < tmp->n; i++)
		(void)rp_diags_add(d, tmp->v[i].level, tmp->v[i].test,
		    tmp->v[i].pointer, "%s", tmp->v[i].msg);
	vers_range_free(vr);
	rp_diags_free(tmp);
	return r;
}
