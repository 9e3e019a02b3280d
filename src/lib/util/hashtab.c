/*
 * Keyed hash table (hashtab.h; the design and its bounds are in
 * docs/internals/hashtab.md).
 *
 * Invariants: cap is a power of two and 0 or at least MIN_CAP; n <= cap / 2
 * (so every probe sequence ends at an empty slot, and with a keyed hash
 * the expected probes per lookup stay below 2.5 whatever the keys are);
 * n <= max.  A slot is empty when its key is NULL.  The low 32 bits of
 * each key's hash are stored, so growing never rehashes key bytes and a
 * probe compares bytes only when those bits agree.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "hashtab.h"

#define MIN_CAP 16
/* The largest table any caller may ask for: 2^31 entries, so at most
 * 2^32 slots. */
#define MAX_ENTRIES ((size_t)1 << 31)

/* 24 bytes: the low 32 bits of the hash pick the slot (cap <= 2^32) and
 * filter comparisons; keys are at most 4 GiB. */
struct slot {
	const void *key; /* NULL: empty */
	void *val;
	uint32_t h, len;
};

struct rp_hashtab {
	struct slot *s;
	size_t cap, n, max;
};

static unsigned char hash_key[crypto_shorthash_KEYBYTES];
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;
static uint64_t hash_k0, hash_k1; /* hash_key as two words */
static _Thread_local uint64_t probes;

static uint64_t
load64le(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

/*
 * The process's secret.  getrandom cannot fail on the kernels we run on
 * unless a seccomp filter refuses it; then the key still differs per
 * process and per run (time, pid and the randomised address of the key),
 * which keeps collisions from being precomputed, if not from being
 * guessed.
 */
static void
seed(void)
{
	size_t got = 0;
	ssize_t r;
	struct timespec ts;
	uint64_t mix[3];
	size_t i;

	while (got < sizeof(hash_key)) {
		r = getrandom(hash_key + got, sizeof(hash_key) - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == sizeof(hash_key))
		goto out;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	mix[0] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	mix[1] = (uint64_t)getpid();
	mix[2] = (uint64_t)(uintptr_t)hash_key;
	for (i = 0; i < sizeof(mix); i++)
		hash_key[i % sizeof(hash_key)] ^= ((unsigned char *)mix)[i];
out:
	hash_k0 = load64le(hash_key);
	hash_k1 = load64le(hash_key + 8);
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                               \
	do {                                                                   \
		v0 += v1;                                                      \
		v1 = ROTL(v1, 13);                                             \
		v1 ^= v0;                                                      \
		v0 = ROTL(v0, 32);                                             \
		v2 += v3;                                                      \
		v3 = ROTL(v3, 16);                                             \
		v3 ^= v2;                                                      \
		v0 += v3;                                                      \
		v3 = ROTL(v3, 21);                                             \
		v3 ^= v0;                                                      \
		v2 += v1;                                                      \
		v1 = ROTL(v1, 17);                                             \
		v1 ^= v2;                                                      \
		v2 = ROTL(v2, 32);                                             \
	} while (0)

/*
 * SipHash-c-d (Aumasson and Bernstein's reference, word loads), for any
 * number of compression and finalisation rounds.
 */
static inline uint64_t
siphash(
    const unsigned char *in, size_t len, uint64_t k0, uint64_t k1, int c, int d)
{
	const unsigned char *end = in + len - (len % 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = (uint64_t)len << 56, m;
	int i;

	for (; in != end; in += 8) {
		m = load64le(in);
		v3 ^= m;
		for (i = 0; i < c; i++)
			SIPROUND;
		v0 ^= m;
	}
	switch (len & 7) {
	case 7:
		b |= (uint64_t)in[6] << 48;
		/* FALLTHROUGH */
	case 6:
		b |= (uint64_t)in[5] << 40;
		/* FALLTHROUGH */
	case 5:
		b |= (uint64_t)in[4] << 32;
		/* FALLTHROUGH */
	case 4:
		b |= (uint64_t)in[3] << 24;
		/* FALLTHROUGH */
	case 3:
		b |= (uint64_t)in[2] << 16;
		/* FALLTHROUGH */
	case 2:
		b |= (uint64_t)in[1] << 8;
		/* FALLTHROUGH */
	case 1:
		b |= (uint64_t)in[0];
		break;
	case 0:
		break;
	}
	v3 ^= b;
	for (i = 0; i < c; i++)
		SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	for (i = 0; i < d; i++)
		SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t
rp_siphash(const void *key, size_t len, const unsigned char k[16], int c, int d)
{
	return siphash(key, len, load64le(k), load64le(k + 8), c, d);
}

/*
 * SipHash-1-3 under the process's key, inlined: the variant CPython and
 * Rust's standard library use against hash flooding (Redis uses 1-2);
 * names are short, so the rounds are most of a lookup's cost.
 */
uint64_t
rp_hash(const void *key, size_t len)
{
	static _Atomic int seeded;

	if (!seeded) {
		(void)pthread_once(&hash_once, seed);
		seeded = 1;
	}
	return siphash(key == NULL ? (const unsigned char *)"" : key, len,
	    hash_k0, hash_k1, 1, 3);
}

struct rp_hashtab *
rp_hashtab_new(size_t max_entries)
{
	struct rp_hashtab *t;

	if (max_entries == 0 || max_entries > MAX_ENTRIES)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->max = max_entries;
	return t;
}

void
rp_hashtab_free(struct rp_hashtab *t)
{
	if (t == NULL)
		return;
	free(t->s);
	free(t);
}

/* The slot holding key, or the empty slot where it would go. */
static struct slot *
find(const struct slot *s, size_t cap, const void *key, size_t len, uint32_t h)
{
	size_t mask = cap - 1, i = (size_t)h & mask;

	for (;; i = (i + 1) & mask) {
		probes++;
		if (s[i].key == NULL)
			break;
		if (s[i].h == h && s[i].len == len &&
		    memcmp(s[i].key, key, len) == 0)
			break;
	}
	return (struct slot *)&s[i];
}

void
rp_hashtab_prefetch(const struct rp_hashtab *t, uint64_t h, int key)
{
	const struct slot *s;

	if (t == NULL || t->cap == 0)
		return;
	s = &t->s[(size_t)(uint32_t)h & (t->cap - 1)];
	if (!key)
		__builtin_prefetch(s);
	else if (s->key != NULL)
		__builtin_prefetch(s->key);
}

static int
resize(struct rp_hashtab *t, size_t ncap)
{
	struct slot *ns;
	size_t i;

	if ((ns = calloc(ncap, sizeof(*ns))) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < t->cap; i++) {
		if (t->s[i].key != NULL)
			*find(ns, ncap, t->s[i].key, t->s[i].len, t->s[i].h) =
			    t->s[i];
	}
	free(t->s);
	t->s = ns;
	t->cap = ncap;
	return 0;
}

int
rp_hashtab_reserve(struct rp_hashtab *t, size_t n)
{
	size_t ncap = t->cap ? t->cap : MIN_CAP;

	if (n > t->max)
		return RP_ERR_LIMIT;
	/* max <= 2^32, so doubling up to 2n cannot overflow */
	while (ncap / 2 < n)
		ncap *= 2;
	return ncap == t->cap ? 0 : resize(t, ncap);
}

int
rp_hashtab_add_h(
    struct rp_hashtab *t, const void *key, size_t len, uint64_t h, void *val)
{
	struct slot *e;
	uint32_t h32 = (uint32_t)h;
	int r;

	if (key == NULL)
		key = "";
	if (len > UINT32_MAX)
		return RP_ERR_LIMIT;
	if (t->cap > 0) {
		e = find(t->s, t->cap, key, len, h32);
		if (e->key != NULL)
			return 1;
	}
	if (t->n >= t->max)
		return RP_ERR_LIMIT;
	if ((t->n + 1) > t->cap / 2) {
		if ((r = rp_hashtab_reserve(t, t->n + 1)) != 0)
			return r;
	}
	e = find(t->s, t->cap, key, len, h32);
	e->h = h32;
	e->key = key;
	e->len = (uint32_t)len;
	e->val = val;
	t->n++;
	return 0;
}

int
rp_hashtab_add(struct rp_hashtab *t, const void *key, size_t len, void *val)
{
	return rp_hashtab_add_h(t, key, len, rp_hash(key, len), val);
}

int
rp_hashtab_get_h(const struct rp_hashtab *t, const void *key, size_t len,
    uint64_t h, void **val)
{
	const struct slot *e;

	if (t == NULL || t->n == 0)
		return 0;
	if (key == NULL)
		key = "";
	e = find(t->s, t->cap, key, len, (uint32_t)h);
	if (e->key == NULL)
		return 0;
	if (val != NULL)
		*val = e->val;
	return 1;
}

int
rp_hashtab_get(
    const struct rp_hashtab *t, const void *key, size_t len, void **val)
{
	if (t == NULL || t->n == 0)
		return 0;
	return rp_hashtab_get_h(t, key, len, rp_hash(key, len), val);
}

int
rp_hashtab_set(struct rp_hashtab *t, const void *key, size_t len, void *val)
{
	struct slot *e;

	if (t == NULL || t->n == 0)
		return RP_ERR_NOTFOUND;
	e = find(t->s, t->cap, key != NULL ? key : "", len,
	    (uint32_t)rp_hash(key, len));
	if (e->key == NULL)
		return RP_ERR_NOTFOUND;
	e->val = val;
	return 0;
}

size_t
rp_hashtab_count(const struct rp_hashtab *t)
{
	return t != NULL ? t->n : 0;
}

int
rp_hashtab_next(const struct rp_hashtab *t, size_t *pos, const void **key,
    size_t *len, void **val)
{
	const struct slot *e;

	if (t == NULL)
		return 0;
	while (*pos < t->cap) {
		e = &t->s[(*pos)++];
		if (e->key == NULL)
			continue;
		if (key != NULL)
			*key = e->key;
		if (len != NULL)
			*len = e->len;
		if (val != NULL)
			*val = e->val;
		return 1;
	}
	return 0;
}

uint64_t
rp_hashtab_probes(void)
{
	return probes;
}
