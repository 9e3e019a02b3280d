/*
 * Internal to src/lib/allow: the guard's state, shared by the name checks
 * (allow.c), the networks (net.c), the built-in table (builtin.c) and the
 * warninglist reader (warninglist.c).
 */
#ifndef RP_ALLOW_INT_H
#define RP_ALLOW_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libpsl.h>

#include "allow.h"

struct rp_arena;
struct rp_hashtab;

/* A protected name. */
struct allow_name {
	const char *name; /* normalised, in the arena */
	int subtree; /* also every name below it */
	const char *list, *why; /* interned in the arena */
};

/*
 * A network as the inclusive range [lo, hi] of 16-byte big-endian
 * values; IPv4 in the first 4 bytes, the rest zero.  Ordered by family,
 * then lo.
 */
struct allow_net {
	uint8_t fam; /* 4 or 6 */
	uint8_t prefix;
	uint8_t lo[16], hi[16];
	const char *text; /* "10.0.0.0/8" */
	const char *list, *why;
};

#define ALLOW_NRESERVED 24

struct allow {
	struct rp_arena *arena;
	struct rp_hashtab *names; /* name -> struct allow_name */
	struct rp_hashtab *parents; /* proper ancestor -> a name below */
	const psl_ctx_t *psl;
	struct allow_net *nets; /* sorted when nets_sorted */
	size_t *maxhi; /* maxhi[i]: index of the largest hi in nets[0..i] */
	size_t nnets, capnets;
	int nets_sorted;
	struct allow_net reserved[ALLOW_NRESERVED];
	size_t nreserved;
	size_t builtin_skipped;
	const char *last_list, *last_why; /* interning of repeated texts */
};

/* A copy of s in the guard (a repeat of the last one is shared). */
const char *allow_intern(struct allow *a, const char *s, int is_list);

/*
 * Normalises a host name into out (256 bytes): lowercase, no trailing
 * dot, letters, digits, '-', '_' and dots, at least one label.  Returns
 * NULL or what is wrong.  *labels is the number of labels.
 */
const char *allow_name_norm(const char *in, char *out, size_t *labels);
/* Whether a normalised name is a public suffix (any single label is). */
int allow_is_suffix(const struct allow *a, const char *name, size_t labels);
/* Adds a normalised name; list and why interned.  0 or RP_ERR_*. */
int allow_name_put(struct allow *a, const char *name, int subtree,
    const char *list, const char *why);

/*
 * Parses "addr" or "addr/prefix" (host bits cleared; an IPv4-mapped IPv6
 * network becomes IPv4).  Returns 0 or RP_ERR_INVALID.  text is not set.
 */
int allow_net_parse(const char *s, struct allow_net *out);
/* The canonical text of n ("10.0.0.0/8", "::1/128") into buf (64). */
void allow_net_format(const struct allow_net *n, char *buf, size_t len);
/* Appends n (text, list, why set by the caller); the array is resorted
 * by allow_net_finish.  0, RP_ERR_LIMIT or RP_ERR_NOMEM. */
int allow_net_push(struct allow *a, const struct allow_net *n);
/* Sorts the networks after pushes.  0 or RP_ERR_NOMEM. */
int allow_net_finish(struct allow *a);
/* Fills the reserved ranges.  0 or RP_ERR_INTERNAL. */
int allow_net_reserved(struct allow *a);
/*
 * The verdict on network n: REFUSED with its reason, or OK.  v->subject
 * is set by the caller.
 */
void allow_net_check(
    const struct allow *a, const struct allow_net *n, struct allow_verdict *v);

#endif
