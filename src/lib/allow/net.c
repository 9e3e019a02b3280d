/*
 * Protected networks: parsing of addresses and CIDR networks into
 * inclusive ranges, the ranges that are never block targets (loopback,
 * link-local, multicast, private...), and the overlap search.  The
 * protected ranges are kept sorted by start with, for each position, the
 * index of the entry with the largest end so far: the last entry that
 * starts at or before a query's end overlaps it exactly when that
 * largest end reaches the query's start, so one bisection answers.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#include "allow_int.h"

/* Never block targets (docs/blocklists-allowlist.md says why). */
static const struct {
	const char *cidr, *why;
} reserved[] = {
    {"0.0.0.0/8", "\"this network\" (RFC 791); 0.0.0.0 is no host"},
    {"10.0.0.0/8", "private network (RFC 1918): the customer's own hosts"},
    {"100.64.0.0/10", "shared address space (RFC 6598, carrier NAT)"},
    {"127.0.0.0/8", "loopback"},
    {"169.254.0.0/16", "link-local (RFC 3927)"},
    {"172.16.0.0/12", "private network (RFC 1918): the customer's own hosts"},
    {"192.0.0.0/24", "IETF protocol assignments (RFC 6890)"},
    {"192.0.2.0/24", "documentation (RFC 5737)"},
    {"192.168.0.0/16", "private network (RFC 1918): the customer's own hosts"},
    {"198.18.0.0/15", "benchmarking (RFC 2544)"},
    {"198.51.100.0/24", "documentation (RFC 5737)"},
    {"203.0.113.0/24", "documentation (RFC 5737)"},
    {"224.0.0.0/4", "multicast"},
    {"240.0.0.0/4", "reserved, and the broadcast address"},
    {"::/128", "the unspecified address"},
    {"::1/128", "loopback"},
    {"64:ff9b::/96", "NAT64 (RFC 6052): IPv4 hosts seen through a gateway"},
    {"100::/64", "discard prefix (RFC 6666)"},
    {"2001:db8::/32", "documentation (RFC 3849)"},
    {"fc00::/7", "unique local addresses (RFC 4193): the customer's own"},
    {"fe80::/10", "link-local"},
    {"ff00::/8", "multicast"},
};

static void
net_range(struct allow_net *n)
{
	unsigned bits = n->fam == 4 ? 32 : 128, i, b;

	memcpy(n->hi, n->lo, 16);
	for (i = n->prefix; i < bits; i++) {
		b = 0x80u >> (i % 8);
		n->lo[i / 8] &= (uint8_t)~b;
		n->hi[i / 8] |= (uint8_t)b;
	}
}

int
allow_net_parse(const char *s, struct allow_net *out)
{
	static const uint8_t mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	char buf[64];
	const char *slash;
	struct allow_net n;
	unsigned long p = 0;
	size_t len, i;

	memset(&n, 0, sizeof(n));
	slash = strchr(s, '/');
	len = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (len == 0 || len >= sizeof(buf))
		return RP_ERR_INVALID;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, n.lo) == 1)
		n.fam = 4;
	else if (inet_pton(AF_INET6, buf, n.lo) == 1)
		n.fam = 6;
	else
		return RP_ERR_INVALID;
	n.prefix = n.fam == 4 ? 32 : 128;
	if (slash != NULL) {
		/* 1 to 3 digits, no sign, no space, nothing after */
		len = strlen(slash + 1);
		if (len == 0 || len > 3)
			return RP_ERR_INVALID;
		for (i = 0; i < len; i++) {
			if (slash[1 + i] < '0' || slash[1 + i] > '9')
				return RP_ERR_INVALID;
			p = p * 10 + (unsigned long)(slash[1 + i] - '0');
		}
		if (p > n.prefix)
			return RP_ERR_INVALID;
		n.prefix = (uint8_t)p;
	}
	if (n.fam == 6 && n.prefix >= 96 && memcmp(n.lo, mapped, 12) == 0) {
		memmove(n.lo, n.lo + 12, 4);
		memset(n.lo + 4, 0, 12);
		n.fam = 4;
		n.prefix = (uint8_t)(n.prefix - 96);
	}
	net_range(&n);
	*out = n;
	return 0;
}

void
allow_net_format(const struct allow_net *n, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (inet_ntop(n->fam == 4 ? AF_INET : AF_INET6, n->lo, addr,
		sizeof(addr)) == NULL)
		addr[0] = '\0';
	snprintf(buf, len, "%s/%u", addr, n->prefix);
}

/* Orders by family, then start, then end. */
static int
net_cmp_lo(const struct allow_net *x, const uint8_t fam, const uint8_t *v)
{
	if (x->fam != fam)
		return x->fam < fam ? -1 : 1;
	return memcmp(x->lo, v, 16);
}

static int
net_qsort_cmp(const void *p, const void *q)
{
	const struct allow_net *x = p, *y = q;
	int c;

	if ((c = net_cmp_lo(x, y->fam, y->lo)) != 0)
		return c;
	return memcmp(x->hi, y->hi, 16);
}

/* Whether x's end is after y's (same family assumed when it matters). */
static int
net_hi_after(const struct allow_net *x, const struct allow_net *y)
{
	if (x->fam != y->fam)
		return x->fam > y->fam;
	return memcmp(x->hi, y->hi, 16) > 0;
}

int
allow_net_push(struct allow *a, const struct allow_net *n)
{
	struct allow_net *nv;
	size_t *mv, cap;

	if (a->nnets >= ALLOW_MAX_NETS)
		return RP_ERR_LIMIT;
	if (a->nnets == a->capnets) {
		cap = a->capnets == 0 ? 64 : a->capnets * 2;
		if (cap > ALLOW_MAX_NETS)
			cap = ALLOW_MAX_NETS;
		if ((nv = realloc(a->nets, cap * sizeof(*nv))) == NULL)
			return RP_ERR_NOMEM;
		a->nets = nv;
		if ((mv = realloc(a->maxhi, cap * sizeof(*mv))) == NULL)
			return RP_ERR_NOMEM;
		a->maxhi = mv;
		a->capnets = cap;
	}
	a->nets[a->nnets++] = *n;
	a->nets_sorted = 0;
	return 0;
}

int
allow_net_finish(struct allow *a)
{
	size_t i;

	if (a->nets_sorted)
		return 0;
	if (a->nnets > 1)
		qsort(a->nets, a->nnets, sizeof(a->nets[0]), net_qsort_cmp);
	for (i = 0; i < a->nnets; i++) {
		a->maxhi[i] = i;
		if (i > 0 &&
		    !net_hi_after(&a->nets[i], &a->nets[a->maxhi[i - 1]]))
			a->maxhi[i] = a->maxhi[i - 1];
	}
	a->nets_sorted = 1;
	return 0;
}

int
allow_net_reserved(struct allow *a)
{
	size_t i;

	if (sizeof(reserved) / sizeof(reserved[0]) > ALLOW_NRESERVED)
		return RP_ERR_INTERNAL;
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		if (allow_net_parse(reserved[i].cidr, &a->reserved[i]) != 0)
			return RP_ERR_INTERNAL;
		a->reserved[i].text = reserved[i].cidr;
		a->reserved[i].list = "reserved";
		a->reserved[i].why = reserved[i].why;
	}
	a->nreserved = i;
	return 0;
}

static int
net_overlap(const struct allow_net *x, const struct allow_net *y)
{
	return x->fam == y->fam && memcmp(x->lo, y->hi, 16) <= 0 &&
	    memcmp(y->lo, x->hi, 16) <= 0;
}

static int
net_within(const struct allow_net *inner, const struct allow_net *outer)
{
	return inner->fam == outer->fam &&
	    memcmp(outer->lo, inner->lo, 16) <= 0 &&
	    memcmp(inner->hi, outer->hi, 16) <= 0;
}

/* A protected network overlapping n, or NULL. */
static const struct allow_net *
net_find(const struct allow *a, const struct allow_net *n)
{
	size_t lo = 0, hi = a->nnets, mid;
	const struct allow_net *m;

	if (!a->nets_sorted || a->nnets == 0)
		return NULL;
	/* first entry starting after n's end */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (net_cmp_lo(&a->nets[mid], n->fam, n->hi) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	m = &a->nets[a->maxhi[lo - 1]];
	return net_overlap(m, n) ? m : NULL;
}

static void
net_verdict(
    struct allow_verdict *v, enum allow_reason r, const struct allow_net *m)
{
	v->result = ALLOW_REFUSED;
	v->reason = r;
	v->entry = m != NULL ? m->text : NULL;
	v->list = m != NULL ? m->list : NULL;
	v->why = m != NULL ? m->why : NULL;
}

void
allow_net_check(
    const struct allow *a, const struct allow_net *n, struct allow_verdict *v)
{
	const struct allow_net *m;
	size_t i;

	if (n->prefix < (n->fam == 4 ? ALLOW_MIN_PREFIX4 : ALLOW_MIN_PREFIX6)) {
		net_verdict(v, ALLOW_R_TOO_WIDE, NULL);
		return;
	}
	for (i = 0; i < a->nreserved; i++) {
		if (net_overlap(&a->reserved[i], n)) {
			net_verdict(v, ALLOW_R_RESERVED_ADDR, &a->reserved[i]);
			return;
		}
	}
	if ((m = net_find(a, n)) != NULL) {
		net_verdict(v,
		    net_within(n, m) ? ALLOW_R_ALLOWLISTED
				     : ALLOW_R_PARENT_OF_ALLOWLISTED,
		    m);
		return;
	}
	v->result = ALLOW_OK;
	v->reason = ALLOW_R_NONE;
	v->entry = v->list = v->why = NULL;
}
