/*
 * The sweep's lookup structure over a bundle: per hash type a sorted
 * array of binary digests (with the file size, so one binary search
 * answers "does this file match"), the sorted set of known sizes (to skip
 * hashing files no indicator can match), and hash sets for file names,
 * IP addresses and domains.  Built once, read-only afterwards, so
 * several scanning threads may share it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/ascii.h"
#include "util/indicator.h"
#include "util/err.h"
#include "util/hashtab.h"

#include "ioc_int.h"

#define NHASH 3 /* SHA-256, SHA-1, MD5: the first three ioc_types */

struct hent {
	unsigned char d[32];
	uint64_t size;
	const struct ioc *ioc;
};

/* value -> const struct ioc * (util/hashtab.h) */
struct sset {
	struct rp_hashtab *t;
};

struct ioc_index {
	const struct ioc_bundle *b;
	struct hent *h[NHASH];
	size_t nh[NHASH];
	uint64_t *sizes; /* distinct known sizes, ascending */
	size_t nsizes;
	int unknown_size; /* some hash indicator has no size */
	struct sset names, ips, domains;
	size_t count[IOC_TYPE_COUNT];
};

static const size_t digest_len[NHASH] = {32, 20, 16};

static int
sset_init(struct sset *s, size_t n)
{
	if ((s->t = rp_hashtab_new(n > 0 ? n : 1)) == NULL)
		return RP_ERR_NOMEM;
	return rp_hashtab_reserve(s->t, n);
}

/* Values are unique per type in a bundle, so insertion never matches. */
static int
sset_put(struct sset *s, const struct ioc *e)
{
	int r = rp_hashtab_add(s->t, e->value, strlen(e->value), (void *)e);

	return r > 0 ? RP_ERR_INTERNAL : r;
}

static const struct ioc *
sset_get(const struct sset *s, const char *v)
{
	void *e;

	if (!rp_hashtab_get(s->t, v, strlen(v), &e))
		return NULL;
	return e;
}

static int
hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

static int
hent_cmp(const void *x, const void *y)
{
	const struct hent *a = x, *b = y;
	int c = memcmp(a->d, b->d, sizeof(a->d));

	if (c != 0)
		return c;
	return a->size < b->size ? -1 : a->size > b->size;
}

static int
u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static int
build_hashes(struct ioc_index *x)
{
	const struct ioc_bundle *b = x->b;
	struct hent *e;
	size_t i, j, t, nsz = 0;

	for (t = 0; t < NHASH; t++) {
		if (x->count[t] > 0 &&
		    (x->h[t] = calloc(x->count[t], sizeof(struct hent))) ==
			NULL)
			return RP_ERR_NOMEM;
	}
	if (x->count[0] + x->count[1] + x->count[2] > 0 &&
	    (x->sizes = calloc(x->count[0] + x->count[1] + x->count[2],
		 sizeof(uint64_t))) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < b->niocs; i++) {
		t = b->iocs[i].type;
		if (!ioc_type_is_hash(b->iocs[i].type))
			continue;
		e = &x->h[t][x->nh[t]++];
		for (j = 0; j < digest_len[t]; j++)
			e->d[j] =
			    (unsigned char)(hexval(b->iocs[i].value[2 * j])
				    << 4 |
				hexval(b->iocs[i].value[2 * j + 1]));
		e->size = b->iocs[i].size;
		e->ioc = &b->iocs[i];
		if (e->size == 0)
			x->unknown_size = 1;
		else
			x->sizes[nsz++] = e->size;
	}
	for (t = 0; t < NHASH; t++) {
		if (x->nh[t] > 1)
			qsort(x->h[t], x->nh[t], sizeof(struct hent), hent_cmp);
	}
	if (nsz > 1)
		qsort(x->sizes, nsz, sizeof(uint64_t), u64_cmp);
	for (i = j = 0; i < nsz; i++) {
		if (j == 0 || x->sizes[j - 1] != x->sizes[i])
			x->sizes[j++] = x->sizes[i];
	}
	x->nsizes = j;
	return 0;
}

int
ioc_index_new(const struct ioc_bundle *b, struct ioc_index **out)
{
	struct ioc_index *x;
	size_t i;
	int r = RP_ERR_NOMEM;

	if (out == NULL || b == NULL)
		return RP_ERR_ARG;
	*out = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return RP_ERR_NOMEM;
	x->b = b;
	/* networks are for blocklists: the sweep matches addresses */
	for (i = 0; i < b->niocs; i++)
		if (b->iocs[i].type != IOC_CIDR)
			x->count[b->iocs[i].type]++;
	if ((r = build_hashes(x)) != 0 ||
	    (r = sset_init(&x->names, x->count[IOC_FILENAME])) != 0 ||
	    (r = sset_init(&x->ips, x->count[IOC_IP])) != 0 ||
	    (r = sset_init(&x->domains, x->count[IOC_DOMAIN])) != 0)
		goto out;
	for (i = 0; i < b->niocs && r == 0; i++) {
		if (b->iocs[i].type == IOC_FILENAME)
			r = sset_put(&x->names, &b->iocs[i]);
		else if (b->iocs[i].type == IOC_IP)
			r = sset_put(&x->ips, &b->iocs[i]);
		else if (b->iocs[i].type == IOC_DOMAIN)
			r = sset_put(&x->domains, &b->iocs[i]);
	}
	if (r != 0)
		goto out;
	*out = x;
	x = NULL;
	r = 0;
out:
	ioc_index_free(x);
	return r;
}

void
ioc_index_free(struct ioc_index *x)
{
	size_t t;

	if (x == NULL)
		return;
	for (t = 0; t < NHASH; t++)
		free(x->h[t]);
	free(x->sizes);
	rp_hashtab_free(x->names.t);
	rp_hashtab_free(x->ips.t);
	rp_hashtab_free(x->domains.t);
	free(x);
}

size_t
ioc_index_count(const struct ioc_index *x, enum ioc_type t)
{
	if (x == NULL || (unsigned)t >= IOC_TYPE_COUNT)
		return 0;
	return x->count[t];
}

int
ioc_index_size_wanted(const struct ioc_index *x, uint64_t size)
{
	size_t lo = 0, hi, mid;

	if (x == NULL)
		return 0;
	if (x->unknown_size)
		return 1;
	hi = x->nsizes;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (x->sizes[mid] < size)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->nsizes && x->sizes[lo] == size;
}

const struct ioc *
ioc_index_hash(const struct ioc_index *x, enum ioc_type t,
    const unsigned char *digest, uint64_t size)
{
	const struct hent *h;
	size_t lo = 0, hi, mid, len;

	if (x == NULL || digest == NULL || !ioc_type_is_hash(t))
		return NULL;
	h = x->h[t];
	hi = x->nh[t];
	len = digest_len[t];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (memcmp(h[mid].d, digest, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < x->nh[t] && memcmp(h[lo].d, digest, len) == 0; lo++) {
		if (h[lo].size == 0 || h[lo].size == size)
			return h[lo].ioc;
	}
	return NULL;
}

const struct ioc *
ioc_index_filename(const struct ioc_index *x, const char *base)
{
	if (x == NULL || base == NULL)
		return NULL;
	return sset_get(&x->names, base);
}

const struct ioc *
ioc_index_ip(const struct ioc_index *x, const char *addr)
{
	char buf[64];

	if (x == NULL || addr == NULL ||
	    rp_ip_canonical(addr, buf, sizeof(buf)) != 0)
		return NULL;
	/* an IPv4-mapped IPv6 address is the IPv4 address */
	if (strncmp(buf, "::ffff:", 7) == 0 && strchr(buf + 7, '.') != NULL &&
	    strchr(buf + 7, ':') == NULL)
		return sset_get(&x->ips, buf + 7);
	return sset_get(&x->ips, buf);
}

const struct ioc *
ioc_index_domain(const struct ioc_index *x, const char *name)
{
	char buf[256];
	const struct ioc *e;
	const char *p;
	size_t n, i;

	if (x == NULL || name == NULL || x->count[IOC_DOMAIN] == 0)
		return NULL;
	n = strlen(name);
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n >= sizeof(buf))
		return NULL;
	for (i = 0; i < n; i++)
		buf[i] = (char)rp_tolower(name[i]);
	buf[n] = '\0';
	for (p = buf; p != NULL;
	     p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
		if ((e = sset_get(&x->domains, p)) != NULL)
			return e;
	}
	return NULL;
}
