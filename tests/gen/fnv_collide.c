/*
 * FNV-1a collisions in the low bits (fnv_collide.h).  The low k bits of
 * FNV-1a depend only on the low k bits of the state (xor and
 * multiplication carry upwards only), and each step is invertible modulo
 * 2^k (the FNV prime is odd).  So run every 4-character suffix backwards
 * from the target value once, remembering which state each one needs
 * before it; then any prefix whose state is in that table becomes a
 * colliding ID with its suffix.  About two prefixes in three are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fnv_collide.h"

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL
#define MASK ((1ULL << FNV_COLLIDE_BITS) - 1)
#define TARGET 0x5a5a5ULL /* any value below 2^FNV_COLLIDE_BITS */
#define SUFLEN 4
#define PREFIX_FMT "CSAFPID-%07zu-"

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz012345";
#define NALPHA 32

uint64_t
fnv1a64(const char *s)
{
	uint64_t h = FNV_OFFSET;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= FNV_PRIME;
	}
	return h;
}

/* The inverse of the FNV prime modulo 2^64 (Newton's iteration). */
static uint64_t
prime_inverse(void)
{
	uint64_t x = FNV_PRIME;
	int i;

	for (i = 0; i < 6; i++)
		x *= 2 - FNV_PRIME * x;
	return x;
}

static void
suffix_of(uint32_t k, char *out)
{
	int i;

	for (i = 0; i < SUFLEN; i++) {
		out[i] = alphabet[k % NALPHA];
		k /= NALPHA;
	}
}

/* need[s] = suffix number + 1 that takes state s to TARGET, or 0. */
static uint32_t *
suffix_table(void)
{
	uint64_t inv = prime_inverse(), s;
	uint32_t *need, k;
	char suf[SUFLEN];
	int i;

	if ((need = calloc(MASK + 1, sizeof(*need))) == NULL)
		return NULL;
	for (k = 0; k < NALPHA * NALPHA * NALPHA * NALPHA; k++) {
		suffix_of(k, suf);
		s = TARGET;
		for (i = SUFLEN - 1; i >= 0; i--)
			s = ((s * inv) ^ (unsigned char)suf[i]) & MASK;
		if (need[s] == 0)
			need[s] = k + 1;
	}
	return need;
}

int
fnv_collide_ids(char *ids, size_t n, int collide)
{
	uint32_t *need = NULL;
	char *p = ids;
	size_t i, got;
	uint64_t h;

	if (n > 3000000)
		return -1;
	if (collide && (need = suffix_table()) == NULL)
		return -1;
	for (i = 0, got = 0; got < n && i < 9999999; i++) {
		snprintf(p, FNV_COLLIDE_IDLEN + 1, PREFIX_FMT "aaaa", i);
		if (collide) {
			p[FNV_COLLIDE_IDLEN - SUFLEN] = '\0';
			h = fnv1a64(p) & MASK;
			if (need[h] == 0)
				continue;
			suffix_of(need[h] - 1, p + FNV_COLLIDE_IDLEN - SUFLEN);
			p[FNV_COLLIDE_IDLEN] = '\0';
		}
		p += FNV_COLLIDE_IDLEN + 1;
		got++;
	}
	free(need);
	return got == n ? 0 : -1;
}
