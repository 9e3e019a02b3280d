/*
 * The matcher: indexes the products of advisories once (names, purls and
 * CPEs reduced to keys in one hash table, ranges parsed once), so that
 * checking a package costs a few hash lookups however many products are
 * indexed.  Only products that some vulnerability gives a status are
 * indexed: the rest of a product tree (platforms, bare components) says
 * nothing about whether software is affected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_int.h"
#include "util/err.h"
#include "util/hashtab.h"
#include "util/str.h"
#include "version/version.h"

struct matcher *
matcher_new(void)
{
	struct matcher *m;
	size_t i;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	strmap_init(&m->index);
	for (i = 0; i < MATCH_CACHE_TABLES; i++)
		strmap_init(&m->cache[i]);
	if (alias_init(&m->alias) != 0) {
		free(m);
		return NULL;
	}
	return m;
}

static void
mprod_free(struct mprod *p)
{
	free(p->bcls);
	free(p->bkey);
	free(p->ident);
	free(p->name_key);
	free(p->vname_key);
	free(p->purl_key);
	free(p->cpe_key);
	free(p->vendor_key);
	free(p->purl_version);
	free(p->src_key);
	free(p->st);
	free(p->rem);
}

void
matcher_free(struct matcher *m)
{
	size_t i;

	if (m == NULL)
		return;
	vrank_free(m);
	for (i = 0; i < m->nprods; i++)
		mprod_free(&m->prods[i]);
	free(m->prods);
	free(m->advs);
	free(m->scratch);
	free(m->compat);
	strmap_clear(&m->index);
	for (i = 0; i < MATCH_CACHE_TABLES; i++)
		strmap_clear(&m->cache[i]);
	alias_free(&m->alias);
	free(m);
}

/* Empties the identity cache; entries looked up ahead are stale then. */
static void
cache_clear(struct matcher *m)
{
	size_t i;

	for (i = 0; i < MATCH_CACHE_TABLES; i++)
		strmap_clear(&m->cache[i]);
	m->cache_gen++;
}

int
matcher_add_alias(struct matcher *m, const char *a, const char *b)
{
	int r;

	if ((r = alias_add(&m->alias, a, b)) != 0)
		return r;
	if (m->nprods > 0)
		m->dirty = 1; /* canonical keys may have changed */
	cache_clear(m);
	return 0;
}

/* ---- building product records ---- */

static const char *
first(const char *a, const char *b)
{
	return a != NULL && a[0] != '\0' ? a : b;
}

static char *
dup_key(const char *k, size_t len)
{
	return len == 0 ? NULL : strdup(k);
}

/* The package kind a distribution's source keys use. */
static const char *
src_kind(enum distro_id id, const char *ptype)
{
	if (ptype[0] != '\0' &&
	    (strcmp(ptype, "deb") == 0 || strcmp(ptype, "rpm") == 0 ||
		strcmp(ptype, "apk") == 0))
		return ptype;
	if (id == DISTRO_DEBIAN || id == DISTRO_UBUNTU)
		return "deb";
	return id == DISTRO_ALPINE ? "apk" : "rpm";
}

/*
 * The distribution a product is for: its OSV ecosystem, else the CPE of
 * the platform its relationship names (Red Hat's "cpe:/a:redhat:
 * enterprise_linux:8::appstream"), else its purl.  Products of
 * distributions whose advisories name source packages (Debian, Ubuntu,
 * Alpine) and purls of arch=source or src are keyed by the source
 * package's name instead of their own identity.
 */
static int
mprod_distro(struct mprod *mp, const struct adv_product *p,
    const struct adv_product *target, const char *pname, const char *ptype)
{
	struct distro pd;
	const char *name;
	int src = 0, known;

	distro_from_purl(mp->purl, &pd, &src);
	known = distro_from_ecosystem(p->ecosystem, &mp->dist);
	if (!known && target != NULL)
		known = distro_from_cpe(target->cpe, &mp->dist);
	if (!known && pd.id != DISTRO_NONE) {
		mp->dist = pd;
		known = 1;
	}
	if (!src && !(p->ecosystem != NULL && distro_names_source(mp->dist.id)))
		return 0;
	name = pname[0] != '\0' ? pname : mp->product;
	if (name == NULL || (!known && ptype[0] == '\0'))
		return 0;
	mp->by_source = 1;
	mp->via = MATCH_VIA_SOURCE;
	if ((mp->src_key = rp_asprintf(
		 "src:%s:%s", src_kind(mp->dist.id, ptype), name)) == NULL)
		return RP_ERR_NOMEM;
	return 0;
}

/* Fills p's effective fields from the product and its component. */
static int
mprod_fill(struct mprod *mp, const struct adv_product *p,
    const struct adv_product *comp, const struct adv_product *target)
{
	char key[MATCH_KEY_MAX], vk[MATCH_KEY_MAX], both[MATCH_KEY_MAX * 2];
	char ptype[32], pname[MATCH_KEY_MAX], pver[MATCH_KEY_MAX];
	const char *c_vendor = NULL, *c_product = NULL, *c_name = NULL;
	const char *name, *family;
	enum os_family nameos = OS_FAMILY_UNKNOWN;
	size_t len;

	if (comp != NULL) {
		c_vendor = comp->vendor;
		c_product = comp->product;
		c_name = comp->name;
	}
	mp->p = p;
	mp->vendor = first(p->vendor, c_vendor);
	mp->product = first(p->product, c_product);
	mp->version = first(p->version, comp ? comp->version : NULL);
	mp->range = first(p->range, comp ? comp->range : NULL);
	mp->purl = first(p->purl, comp ? comp->purl : NULL);
	mp->cpe = first(p->cpe, comp ? comp->cpe : NULL);
	family = first(p->family, comp ? comp->family : NULL);
	/*
	 * A package URL names the package and its exact version better than
	 * a product_version branch does (Red Hat writes the whole NEVRA
	 * there: "git-lfs-0:2.13.3-3.el8_6.1.src").
	 */
	match_purl_parts(mp->purl, pname, sizeof(pname), pver, sizeof(pver));
	/* Not OSV's: a package's purl there is shared by all its entries
	   (Ubuntu writes the fixed version into it). */
	if (pver[0] != '\0' && mp->range == NULL && p->ecosystem == NULL) {
		if ((mp->purl_version = strdup(pver)) == NULL)
			return RP_ERR_NOMEM;
		mp->version = mp->purl_version;
	}
	/* A relationship's own name reads "X installed on Y": use X's. */
	name = first(mp->product,
	    pname[0] != '\0'   ? pname
		: comp != NULL ? c_name
			       : p->name);
	len = match_name_key(name, key, sizeof(key), &nameos);
	if (len == 0 && family != NULL)
		len = match_name_key(name = family, key, sizeof(key), &nameos);
	if (name != NULL && (mp->ident = strdup(name)) == NULL)
		return RP_ERR_NOMEM;
	mp->platform = p->platform;
	if (mp->platform == NULL && target != NULL)
		mp->platform = target->name;
	if (mp->platform != NULL)
		mp->os = os_family_from_name(mp->platform);
	if (mp->os == OS_FAMILY_UNKNOWN)
		mp->os = match_ecosystem_os(p->ecosystem);
	if (mp->os == OS_FAMILY_UNKNOWN)
		mp->os = nameos;
	if (mp->os == OS_FAMILY_UNKNOWN && family != NULL)
		mp->os = os_family_from_name(family);
	if (mp->platform == NULL && mp->os != OS_FAMILY_UNKNOWN)
		mp->platform = os_family_name(mp->os);
	if ((mp->name_key = dup_key(key, len)) == NULL && len > 0)
		return RP_ERR_NOMEM;
	if (match_vendor_key(mp->vendor, vk, sizeof(vk)) > 0) {
		if ((mp->vendor_key = strdup(vk)) == NULL)
			return RP_ERR_NOMEM;
		if (len > 0 && strncmp(key, vk, strlen(vk)) != 0) {
			snprintf(both, sizeof(both), "%s%s", vk, key);
			if ((mp->vname_key = strdup(both)) == NULL)
				return RP_ERR_NOMEM;
		}
	}
	len = match_purl_key(mp->purl, key, sizeof(key), ptype, sizeof(ptype));
	if ((mp->purl_key = dup_key(key, len)) == NULL && len > 0)
		return RP_ERR_NOMEM;
	len = match_cpe_key(mp->cpe, key, sizeof(key));
	if ((mp->cpe_key = dup_key(key, len)) == NULL && len > 0)
		return RP_ERR_NOMEM;
	mp->via = mp->purl_key != NULL ? MATCH_VIA_PURL
	    : mp->cpe_key != NULL      ? MATCH_VIA_CPE
				       : MATCH_VIA_NAME;
	/* The readers parsed the range and named the scheme already. */
	mp->scheme = p->scheme;
	if (mp->scheme == VERSION_SCHEME_UNKNOWN && comp != NULL)
		mp->scheme = comp->scheme;
	if (mp->range != NULL) {
		const struct adv_product *rp =
		    p->range != NULL || comp == NULL ? p : comp;

		mp->vr = rp->vr;
		mp->range_err = rp->vr == NULL ? rp->range_err : NULL;
		if (mp->vr == NULL && mp->range_err == NULL)
			mp->range_err = "not parsed by the reader";
	}
	return mprod_distro(mp, p, target, pname, ptype);
}

/* vers_contains_by() comparator for a version in region *arg. */
static int
region_cmp(size_t i, void *arg, int *any)
{
	size_t r = *(const size_t *)arg, b = 2 * i + 1;

	*any = 0;
	return r < b ? -1 : r > b;
}

/*
 * The order keys of mp's bounds, when every bound has one, and which
 * regions among them the range contains: a version below bound 0 is in
 * region 0, equal to bound i in 2i+1, between bounds i and i+1 in 2i+2.
 * Containment depends only on how a version compares with the bounds, so
 * vers_contains_by() decides each region once, here; a package's version
 * is then placed among the keys and its region's bit read (eval.c).
 */
static int
mprod_keys(struct mprod *mp)
{
	const struct vers_range *vr = mp->vr;
	size_t i, r;
	int in;

	if (!mp->vr_ok || vr->scheme == VERSION_SCHEME_UNKNOWN ||
	    (vr->n == 1 && vr->c[0].op == VERS_OP_ANY) || 2 * vr->n + 1 > 64)
		return 0;
	if ((mp->bkey = calloc(vr->n, sizeof(*mp->bkey))) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < vr->n; i++) {
		if (!version_key(vr->scheme, vr->c[i].version, &mp->bkey[i]) ||
		    (i > 0 &&
			version_key_cmp(&mp->bkey[i - 1], &mp->bkey[i]) >= 0)) {
			free(mp->bkey);
			mp->bkey = NULL;
			return 0;
		}
	}
	mp->nbkey = (uint32_t)vr->n;
	mp->kscheme = vr->scheme;
	mp->kin = 0;
	for (r = 0; r <= 2 * vr->n; r++) {
		(void)vers_contains_by(vr, region_cmp, &r, &in);
		if (in)
			mp->kin |= (uint64_t)1 << r;
	}
	return 0;
}

/*
 * Checks mp's range (parsed by the reader): an unusable range is a
 * warning, not an error.
 */
static int
mprod_check_range(
    struct mprod *mp, const struct advisory *a, struct rp_diags *d)
{
	if (mp->range == NULL)
		return 0;
	if (mp->vr != NULL) {
		mp->vr_ok = vers_range_valid(mp->vr);
		return mprod_keys(mp);
	}
	return rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
	    "%s: product %s: version range \"%s\" cannot be "
	    "used (%s); software it names gets the verdict unknown",
	    a->id ? a->id : "advisory", mp->p->id, mp->range, mp->range_err);
}

static int
push_stat(struct mprod *mp, uint32_t vuln, enum adv_status s)
{
	struct mstat *n;

	if (mp->nst >= 4096)
		return 0; /* a product cannot need more; ignore the rest */
	if ((n = reallocarray(mp->st, mp->nst + 1, sizeof(*n))) == NULL)
		return RP_ERR_NOMEM;
	mp->st = n;
	mp->st[mp->nst].vuln = vuln;
	mp->st[mp->nst].status = (uint8_t)s;
	mp->nst++;
	return 0;
}

static int
push_rem(struct mprod *mp, uint32_t vuln, uint32_t rem)
{
	struct mrem *n;

	if (mp->nrem >= 4096)
		return 0;
	if ((n = reallocarray(mp->rem, mp->nrem + 1, sizeof(*n))) == NULL)
		return RP_ERR_NOMEM;
	mp->rem = n;
	mp->rem[mp->nrem].vuln = vuln;
	mp->rem[mp->nrem].rem = rem;
	mp->nrem++;
	return 0;
}

static int
grow_prods(struct matcher *m, size_t more)
{
	struct mprod *n;
	size_t ncap;

	if (more > MATCH_PRODUCTS_MAX - m->nprods)
		return RP_ERR_LIMIT;
	if (m->nprods + more <= m->capprods)
		return 0;
	ncap = m->capprods ? m->capprods : 64;
	while (ncap < m->nprods + more)
		ncap *= 2;
	if ((n = reallocarray(m->prods, ncap, sizeof(*n))) == NULL)
		return RP_ERR_NOMEM;
	m->prods = n;
	m->capprods = ncap;
	return 0;
}

static int
index_prod(struct matcher *m, size_t i)
{
	struct mprod *mp = &m->prods[i];
	int r = 0;

	mp->canon = NULL;
	if (mp->by_source)
		return strmap_add(&m->index, mp->src_key, i);
	if (mp->name_key != NULL) {
		const char *c = alias_canon(&m->alias, mp->name_key);

		mp->canon = strcmp(c, mp->name_key) != 0 ? c : NULL;
	}

	if (mp->name_key != NULL &&
	    (r = strmap_add(
		 &m->index, alias_canon(&m->alias, mp->name_key), i)) != 0)
		return r;
	if (mp->vname_key != NULL &&
	    (r = strmap_add(
		 &m->index, alias_canon(&m->alias, mp->vname_key), i)) != 0)
		return r;
	if (mp->purl_key != NULL &&
	    (r = strmap_add(&m->index, mp->purl_key, i)) != 0)
		return r;
	if (mp->cpe_key != NULL)
		r = strmap_add(&m->index, mp->cpe_key, i);
	return r;
}

/* Maps product IDs to product indices of a, for the add below. */
static int
id_map(const struct advisory *a, struct strmap *ids)
{
	size_t i;
	int r;

	for (i = 0; i < a->nproducts; i++) {
		if (a->products[i].id == NULL)
			continue;
		if ((r = strmap_add(ids, a->products[i].id, i)) != 0)
			return r;
	}
	return 0;
}

static const struct adv_product *
by_id(const struct advisory *a, const struct strmap *ids, const char *id)
{
	const struct strmap_entry *e;

	if (id == NULL || (e = strmap_get(ids, id)) == NULL)
		return NULL;
	return &a->products[e->v[0]];
}

/* Creates the product records of a: one per product given a status. */
static int
add_products(struct matcher *m, const struct advisory *a,
    const struct strmap *ids, size_t *slot, struct rp_diags *d)
{
	const struct adv_vuln *v;
	const struct adv_product *p;
	struct mprod *mp;
	size_t vi, s, k, pi;
	int r;

	for (vi = 0; vi < a->nvulns; vi++) {
		v = &a->vulns[vi];
		for (s = 0; s < ADV_STATUS_COUNT; s++) {
			for (k = 0; k < v->nstatus[s]; k++) {
				if ((p = by_id(a, ids, v->status[s][k])) ==
				    NULL)
					continue;
				pi = (size_t)(p - a->products);
				if (slot[pi] == SIZE_MAX) {
					if ((r = grow_prods(m, 1)) != 0)
						return r;
					slot[pi] = m->nprods;
					mp = &m->prods[m->nprods++];
					memset(mp, 0, sizeof(*mp));
					mp->adv = m->nadvs;
					if ((r = mprod_fill(mp, p,
						 by_id(
						     a, ids, p->rel_component),
						 by_id(a, ids,
						     p->rel_target))) != 0)
						return r;
					if ((r = mprod_check_range(mp, a, d)) !=
					    0)
						return r;
				}
				if ((r = push_stat(&m->prods[slot[pi]],
					 (uint32_t)vi, (enum adv_status)s)) !=
				    0)
					return r;
			}
		}
	}
	return 0;
}

/* Attaches remediations to the product records that have a status. */
static int
add_remediations(struct matcher *m, const struct advisory *a,
    const struct strmap *ids, const size_t *slot)
{
	const struct adv_remediation *rem;
	const struct adv_product *p;
	size_t vi, ri, k;
	int r;

	for (vi = 0; vi < a->nvulns; vi++) {
		for (ri = 0; ri < a->vulns[vi].nremediations; ri++) {
			rem = &a->vulns[vi].remediations[ri];
			for (k = 0; k < rem->nproduct_ids; k++) {
				p = by_id(a, ids, rem->product_ids[k]);
				if (p == NULL ||
				    slot[p - a->products] == SIZE_MAX)
					continue;
				if ((r = push_rem(
					 &m->prods[slot[p - a->products]],
					 (uint32_t)vi, (uint32_t)ri)) != 0)
					return r;
			}
		}
	}
	return 0;
}

int
matcher_add_advisory(
    struct matcher *m, const struct advisory *a, struct rp_diags *d)
{
	struct strmap ids;
	struct madv *na;
	size_t *slot = NULL, i, first_prod = m->nprods, ncap;
	int r = RP_ERR_INTERNAL;

	strmap_init(&ids);
	if (m->nadvs == m->capadvs) {
		ncap = m->capadvs ? m->capadvs * 2 : 16;
		if ((na = reallocarray(m->advs, ncap, sizeof(*na))) == NULL) {
			r = RP_ERR_NOMEM;
			goto out;
		}
		m->advs = na;
		m->capadvs = ncap;
	}
	if (a->nproducts > 0 &&
	    (slot = calloc(a->nproducts, sizeof(*slot))) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < a->nproducts; i++)
		slot[i] = SIZE_MAX;
	if ((r = id_map(a, &ids)) != 0 ||
	    (r = add_products(m, a, &ids, slot, d)) != 0 ||
	    (r = add_remediations(m, a, &ids, slot)) != 0)
		goto out;
	for (i = first_prod; i < m->nprods; i++) {
		if ((r = index_prod(m, i)) != 0)
			goto out;
	}
	m->advs[m->nadvs].a = a;
	m->advs[m->nadvs].first = first_prod;
	m->advs[m->nadvs].n = m->nprods - first_prod;
	m->advs[m->nadvs].stamp = 0;
	m->nadvs++;
	cache_clear(m);
	m->ranks_dirty = 1;
	r = 0;
out:
	if (r != 0) {
		/* Undo: drop this advisory's records and their index. */
		for (i = first_prod; i < m->nprods; i++)
			mprod_free(&m->prods[i]);
		if (m->nprods > first_prod) {
			m->nprods = first_prod;
			m->dirty = 1;
		}
		cache_clear(m);
		m->ranks_dirty = 1;
	}
	strmap_clear(&ids);
	free(slot);
	return r;
}

static int
rebuild_index(struct matcher *m)
{
	size_t i;
	int r;

	strmap_clear(&m->index);
	cache_clear(m);
	for (i = 0; i < m->nprods; i++) {
		if ((r = index_prod(m, i)) != 0)
			return r;
	}
	m->dirty = 0;
	return 0;
}

/* ---- checking hosts ---- */

/* Room for need candidates in scratch and compat. */
static int
scratch_grow(struct matcher *m, size_t need)
{
	size_t *n, ncap;

	if (need <= m->capscratch)
		return 0;
	ncap = m->capscratch ? m->capscratch : 64;
	while (ncap < need)
		ncap *= 2;
	if ((n = reallocarray(m->compat, ncap, sizeof(*n))) == NULL)
		return RP_ERR_NOMEM;
	m->compat = n;
	if ((n = reallocarray(m->scratch, ncap, sizeof(*n))) == NULL)
		return RP_ERR_NOMEM;
	m->scratch = n;
	m->capscratch = ncap;
	return 0;
}

/* Appends v[0..n) to the candidates (compat grows with them). */
static int
scratch_addv(struct matcher *m, const size_t *v, size_t nv)
{
	int r;

	if (nv == 0)
		return 0;
	if ((r = scratch_grow(m, m->nscratch + nv)) != 0)
		return r;
	memcpy(m->scratch + m->nscratch, v, nv * sizeof(*v));
	m->nscratch += nv;
	return 0;
}

static int
scratch_add(struct matcher *m, const struct strmap_entry *e)
{
	return e == NULL ? 0 : scratch_addv(m, e->v, e->nv);
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Whether the vendor a package reports is the publisher rather than a
 * packager: dpkg, rpm, snap and flatpak name maintainers ("Debian OpenSSL
 * Team"), which say nothing about whose product it is.
 */
static int
vendor_is_publisher(enum inv_source s)
{
	return s != INV_SOURCE_DPKG && s != INV_SOURCE_RPM &&
	    s != INV_SOURCE_SNAP && s != INV_SOURCE_FLATPAK;
}

struct swkeys {
	char src[MATCH_KEY_MAX]; /* "src:deb:openssl", or "" */
	char name[MATCH_KEY_MAX], vname[MATCH_KEY_MAX * 2];
	char purl[MATCH_KEY_MAX], cpe[MATCH_KEY_MAX], vendor[MATCH_KEY_MAX];
};

/*
 * The package kind of a distribution package ("deb", "rpm", "apk"), by
 * its source or its purl type; NULL for other software.
 */
static const char *
sw_src_kind(const struct inv_software *sw)
{
	if (sw->source == INV_SOURCE_DPKG)
		return "deb";
	if (sw->source == INV_SOURCE_RPM)
		return "rpm";
	if (sw->purl == NULL || strncasecmp(sw->purl, "pkg:", 4) != 0)
		return NULL;
	if (strncasecmp(sw->purl + 4, "deb/", 4) == 0)
		return "deb";
	if (strncasecmp(sw->purl + 4, "rpm/", 4) == 0)
		return "rpm";
	return strncasecmp(sw->purl + 4, "apk/", 4) == 0 ? "apk" : NULL;
}

/* The identity cache table of a plain name: 0, or 1-3 for deb, rpm, apk. */
static unsigned
kind_table(const char *kind)
{
	if (kind == NULL)
		return 0;
	return kind[0] == 'd' ? 1 : kind[0] == 'r' ? 2 : 3;
}

static void
sw_keys(const struct inv_software *sw, struct swkeys *k)
{
	const char *kind = sw_src_kind(sw);
	size_t vl = 0;

	/* Not memset: this runs for every package of every host. */
	k->name[0] = k->vname[0] = k->purl[0] = k->cpe[0] = '\0';
	k->vendor[0] = k->src[0] = '\0';
	if (kind != NULL && sw->name != NULL)
		snprintf(k->src, sizeof(k->src), "src:%s:%s", kind,
		    sw->source_name != NULL ? sw->source_name : sw->name);
	if (sw->vendor != NULL && vendor_is_publisher(sw->source))
		vl = match_vendor_key(sw->vendor, k->vendor, sizeof(k->vendor));
	if (match_name_key(sw->name, k->name, sizeof(k->name), NULL) > 0 &&
	    vl > 0 && strncmp(k->name, k->vendor, vl) != 0)
		snprintf(
		    k->vname, sizeof(k->vname), "%s%s", k->vendor, k->name);
	match_purl_key(sw->purl, k->purl, sizeof(k->purl), NULL, 0);
	match_cpe_key(sw->cpe, k->cpe, sizeof(k->cpe));
}

/* Whether a product found by some key really denotes this software. */
static int
same_identity(const struct mprod *mp, const struct swkeys *k)
{
	if (mp->by_source)
		return strcmp(mp->src_key, k->src) == 0;
	if (mp->purl_key != NULL && k->purl[0] != '\0')
		return strcmp(mp->purl_key, k->purl) == 0;
	if (mp->cpe_key != NULL && k->cpe[0] != '\0')
		return strcmp(mp->cpe_key, k->cpe) == 0;
	/* By name: publishers, when both are known, must agree. */
	if (mp->vendor_key == NULL || k->vendor[0] == '\0')
		return 1;
	return strstr(mp->vendor_key, k->vendor) != NULL ||
	    strstr(k->vendor, mp->vendor_key) != NULL;
}

static int
candidates(struct matcher *m, const struct swkeys *k)
{
	const char *canon;
	uint64_t h;
	size_t i, j;
	int r = 0;

	m->nscratch = 0;
	if (k->name[0] != '\0') {
		/* One hash for both lookups unless an alias renames it. */
		h = strmap_hash(k->name);
		canon = alias_canon_h(&m->alias, k->name, &h);
		r = scratch_add(m, strmap_get_h(&m->index, canon, h));
	}
	if (r == 0 && k->vname[0] != '\0') {
		h = strmap_hash(k->vname);
		canon = alias_canon_h(&m->alias, k->vname, &h);
		r = scratch_add(m, strmap_get_h(&m->index, canon, h));
	}
	if (r == 0 && k->purl[0] != '\0')
		r = scratch_add(m, strmap_get(&m->index, k->purl));
	if (r == 0 && k->cpe[0] != '\0')
		r = scratch_add(m, strmap_get(&m->index, k->cpe));
	if (r == 0 && k->src[0] != '\0')
		r = scratch_add(m, strmap_get(&m->index, k->src));
	if (r != 0 || m->nscratch == 0)
		return r;
	qsort(m->scratch, m->nscratch, sizeof(*m->scratch), cmp_size);
	for (i = 0, j = 0; i < m->nscratch; i++) {
		if (j > 0 && m->scratch[j - 1] == m->scratch[i])
			continue;
		if (!same_identity(&m->prods[m->scratch[i]], k))
			continue;
		m->scratch[j++] = m->scratch[i];
	}
	m->nscratch = j;
	return 0;
}

/* Gives k to fn unless it is empty or one of the n keys before it. */
static int
key_once(const char *k, const char *const *seen, size_t n,
    int (*fn)(const char *, void *), void *arg)
{
	size_t i;

	if (k[0] == '\0')
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(seen[i], k) == 0)
			return 0;
	return fn(k, arg);
}

int
matcher_software_keys(const struct matcher *m, const struct inv_software *sw,
    int (*fn)(const char *, void *), void *arg)
{
	const char *v[5];
	struct swkeys k;
	size_t i;
	int r;

	sw_keys(sw, &k);
	/* The keys candidates() looks up, in its order. */
	v[0] = k.name[0] != '\0' ? alias_canon(&m->alias, k.name) : "";
	v[1] = k.vname[0] != '\0' ? alias_canon(&m->alias, k.vname) : "";
	v[2] = k.purl;
	v[3] = k.cpe;
	v[4] = k.src;
	for (i = 0; i < 5; i++)
		if ((r = key_once(v[i], v, i, fn, arg)) != 0)
			return r;
	return 0;
}

int
matcher_index_keys(
    const struct matcher *m, int (*fn)(const char *, void *), void *arg)
{
	const void *key;
	size_t pos = 0, len;
	void *v;
	int r;

	if (m->index.n == 0)
		return 0;
	while (rp_hashtab_next(m->index.t, &pos, &key, &len, &v))
		if ((r = fn(((const struct strmap_entry *)v)->key, arg)) != 0)
			return r;
	return 0;
}

/* Appends s to b at *n, then the separator; 0 when it does not fit. */
static int
ck_put(char *b, size_t *n, size_t max, const char *s, size_t len)
{
	if (len + 1 >= max - *n)
		return 0;
	memcpy(b + *n, s, len);
	*n += len;
	b[(*n)++] = '\x1f';
	return 1;
}

/*
 * The identity cache key of sw: everything that decides its candidates
 * (name, the publisher, the purl without version, the cpe, the package
 * kind and source package), and its table in *tab.  0 when it is too
 * long to cache.
 */
static size_t
cache_key(const struct inv_software *sw, char *b, size_t max,
    const char **plain, unsigned *tab)
{
	const char *vendor = NULL, *purl = sw->purl, *cpe = sw->cpe;
	const char *kind = sw_src_kind(sw), *src = sw->source_name;
	size_t n = 0;

	if (sw->vendor != NULL && vendor_is_publisher(sw->source))
		vendor = sw->vendor;
	if (sw->name != NULL && vendor == NULL && purl == NULL && cpe == NULL &&
	    src == NULL && sw->name[n = strcspn(sw->name, "\x1f")] == '\0') {
		/* The name alone: no copy (the separator keeps it apart),
		   in the table of its kind. */
		*plain = sw->name;
		*tab = kind_table(kind);
		return n;
	}
	*plain = NULL;
	*tab = 0;
	n = 0; /* the test above may have set it */
	if (sw->name == NULL ||
	    !ck_put(b, &n, max, sw->name, strlen(sw->name)) ||
	    !ck_put(b, &n, max, vendor ? vendor : "",
		vendor ? strlen(vendor) : 0) ||
	    !ck_put(b, &n, max, purl ? purl : "",
		purl ? strcspn(purl, "@?#") : 0) ||
	    !ck_put(b, &n, max, cpe ? cpe : "", cpe ? strlen(cpe) : 0) ||
	    !ck_put(b, &n, max, kind ? kind : "", kind ? strlen(kind) : 0) ||
	    !ck_put(b, &n, max, src ? src : "", src ? strlen(src) : 0))
		return 0;
	b[n - 1] = '\0';
	return n - 1;
}

/*
 * The identity cache missed: sw's candidates from its keys, into
 * m->scratch, remembered under ck (NULL: too long to cache).
 * Apart from the lookup so that its large keys cost nothing on a hit.
 */
static int
sw_candidates_miss(struct matcher *m, const struct inv_software *sw,
    const char *ck, unsigned tab)
{
	struct swkeys k;
	int r;

	sw_keys(sw, &k);
	if ((r = candidates(m, &k)) != 0 || ck == NULL)
		return r;
	if (m->cache[tab].n >= MATCH_CACHE_MAX)
		cache_clear(m);
	return strmap_put(&m->cache[tab], ck, m->scratch, m->nscratch);
}

/*
 * Looking ahead: the identity cache's lookups of one host's packages are
 * independent, so the hash of the name of the package PF_AHEAD places on
 * is computed early and its slot fetched, and half-way there the key in
 * the slot: by the package's turn both are in the cache.  Only a hint;
 * the lookup itself is unchanged.
 */
#define PF_AHEAD 16 /* hash, fetch the slot */
#define PF_KEY 12 /* fetch the key in the slot */
#define PF_FIND 8 /* look it up, fetch the candidates' records */
#define PF_DEREF 4 /* fetch what the records point to */
#define PF_RING 32 /* > PF_AHEAD, a power of two */

struct ahead {
	uint64_t h;
	size_t len; /* 0: not looked ahead (not a plain name) */
	unsigned tab; /* its identity cache table */
	const struct strmap_entry *e; /* found ahead, or NULL */
	size_t gen; /* m->cache_gen when e was found */
};

/*
 * The candidates of sw, through the identity cache: *cand[0..*n), valid
 * until the next package (they are the cache's own list on a hit).
 */
static int
sw_candidates(struct matcher *m, const struct inv_software *sw,
    const struct ahead *hp, const size_t **cand, size_t *n)
{
	const struct strmap_entry *e;
	const char *plain, *ck;
	unsigned tab;
	size_t len;
	void *v;
	int r;

	if (hp != NULL) {
		/* looked ahead: the plain name, its length and hash known */
		plain = sw->name;
		len = hp->len;
		tab = hp->tab;
	} else
		len = cache_key(sw, m->ckbuf, sizeof(m->ckbuf), &plain, &tab);
	ck = plain != NULL ? plain : m->ckbuf;
	/* The table directly: this runs for every package of every host. */
	if (len > 0 && m->cache[tab].n > 0 &&
	    rp_hashtab_get_h(m->cache[tab].t, ck, len,
		hp != NULL ? hp->h : rp_hash(ck, len), &v)) {
		e = v;
		if ((r = scratch_grow(m, e->nv)) != 0)
			return r;
		*cand = e->v;
		*n = e->nv;
		return 0;
	}
	if ((r = sw_candidates_miss(m, sw, len > 0 ? ck : NULL, tab)) != 0)
		return r;
	*cand = m->scratch;
	*n = m->nscratch;
	return 0;
}

/* a: what was looked up ahead for sw (matcher_check_host()). */
static int
check_software(struct matcher *m, const struct inv_host *h, enum os_family hos,
    const struct inv_software *sw, const struct ahead *a,
    struct match_results *out)
{
	const size_t *cand;
	size_t i, j, n, ai;
	int r, src;

	if (a->e != NULL && a->gen == m->cache_gen) {
		/* found ahead, and the cache has not been emptied since */
		if ((r = scratch_grow(m, a->e->nv)) != 0)
			return r;
		cand = a->e->v;
		n = a->e->nv;
	} else if ((r = sw_candidates(
			m, sw, a->len > 0 ? a : NULL, &cand, &n)) != 0)
		return r;
	/* A host that does not say: the package's purl may ("distro="). */
	if (m->hdist.id == DISTRO_NONE && n > 0)
		distro_from_purl(sw->purl, &m->swdist, &src);
	/* Its version's order keys are read when first needed. */
	memset(m->khave, 0, sizeof(m->khave));
	/* Products of one advisory are contiguous: one result per run. */
	for (i = 0; i < n; i = j) {
		ai = m->prods[cand[i]].adv;
		for (j = i + 1; j < n && m->prods[cand[j]].adv == ai; j++)
			;
		m->advs[ai].stamp = m->stamp;
		if ((r = match_eval(m, h, hos, sw, cand + i, j - i, out)) != 0)
			return r;
	}
	return 0;
}

/*
 * Whether sw left program files behind: a package removed with its
 * configuration kept ("config-files") or only known to the package manager
 * ("not-installed") has nothing that could be vulnerable.
 */
static int
sw_present(const struct inv_software *sw)
{
	return sw->state == NULL ||
	    (strcmp(sw->state, "config-files") != 0 &&
		strcmp(sw->state, "not-installed") != 0);
}

static void
look_ahead(
    const struct matcher *m, const struct inv_software *sw, struct ahead *a)
{
	const char *plain;

	/* max 0: only a plain name gives a key (nothing is written) */
	a->e = NULL;
	a->len = cache_key(sw, NULL, 0, &plain, &a->tab);
	if (plain == NULL || a->len == 0) {
		a->len = 0;
		return;
	}
	a->h = rp_hash(plain, a->len);
	rp_hashtab_prefetch(m->cache[a->tab].t, a->h, 0);
}

/*
 * Two places before its turn the package is looked up (slot and key are
 * in the cache by then) and its candidates' records fetched; one place
 * before, what those records point to.
 */
static void
look_closer(struct matcher *m, const struct inv_software *sw, struct ahead *a,
    int deref)
{
	const struct mprod *mp;
	void *v;
	size_t k;

	if (a->len == 0)
		return;
	if (!deref) {
		if (m->cache[a->tab].n > 0 &&
		    rp_hashtab_get_h(
			m->cache[a->tab].t, sw->name, a->len, a->h, &v)) {
			a->e = v;
			a->gen = m->cache_gen;
			for (k = 0; k < a->e->nv && k < 4; k++)
				__builtin_prefetch(&m->prods[a->e->v[k]]);
		}
		return;
	}
	if (a->e == NULL || a->gen != m->cache_gen)
		return;
	for (k = 0; k < a->e->nv && k < 4; k++) {
		mp = &m->prods[a->e->v[k]];
		__builtin_prefetch(mp->bkey);
		__builtin_prefetch(mp->st);
	}
}

int
matcher_check_host(
    struct matcher *m, const struct inv_host *h, struct match_results *out)
{
	struct ahead ring[PF_RING];
	const struct ahead *a;
	enum os_family hos;
	size_t i;
	int r;

	if (m->dirty && (r = rebuild_index(m)) != 0)
		return r;
	if (m->ranks_dirty && (r = vrank_build(m)) != 0)
		return r;
	m->stamp++;
	hos = os_family_from_name(h->os);
	distro_from_name(h->os, h->os_version, &m->hdist);
	memset(&m->swdist, 0, sizeof(m->swdist));
	/* A host gets about one result per advisory and per package that
	   matches: room for that at once, not grown result by result. */
	if ((r = match_results_reserve(out, out->n + m->nadvs + h->nsw / 2)) ==
	    RP_ERR_NOMEM)
		return r;
	/* the first packages are looked up at their turn */
	for (i = 0; i < h->nsw && i < PF_AHEAD; i++)
		look_ahead(m, &h->sw[i], &ring[i]);
	for (i = 0; i < h->nsw; i++) {
		if (i + PF_AHEAD < h->nsw)
			look_ahead(m, &h->sw[i + PF_AHEAD],
			    &ring[(i + PF_AHEAD) % PF_RING]);
		a = &ring[(i + PF_KEY) % PF_RING];
		if (i + PF_KEY < h->nsw && a->len > 0)
			rp_hashtab_prefetch(m->cache[a->tab].t, a->h, 1);
		if (i + PF_FIND < h->nsw)
			look_closer(m, &h->sw[i + PF_FIND],
			    &ring[(i + PF_FIND) % PF_RING], 0);
		if (i + PF_DEREF < h->nsw)
			look_closer(m, &h->sw[i + PF_DEREF],
			    &ring[(i + PF_DEREF) % PF_RING], 1);
		if (!sw_present(&h->sw[i]))
			continue;
		a = &ring[i % PF_RING];
		if ((r = check_software(m, h, hos, &h->sw[i], a, out)) != 0)
			return r;
	}
	for (i = 0; i < m->nadvs; i++) {
		if (m->advs[i].stamp == m->stamp)
			continue;
		if ((r = match_eval_nomatch(m, h, i, out)) != 0)
			return r;
	}
	return 0;
}
