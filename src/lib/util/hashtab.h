/*
 * The one hash table of the codebase: byte-string keys to pointer values,
 * keyed with SipHash-1-3 under a secret drawn once per process, so keys an
 * attacker crafts cannot be made to collide (docs/internals/hashtab.md).
 *
 * Open addressing with linear probing, kept at most half full; the table
 * grows by doubling and rehashing from the stored hashes.  Every table has
 * a maximum number of entries fixed when it is created.  Keys are borrowed:
 * the caller keeps the key bytes alive and unchanged while they are in the
 * table (they usually live in the same document or arena as the value).
 * A table may be read by several threads at once once it is no longer
 * written to.
 */
#ifndef RP_HASHTAB_H
#define RP_HASHTAB_H

#include <stddef.h>
#include <stdint.h>

struct rp_hashtab;

/*
 * Returns a new, empty table that will hold at most max_entries (at least
 * 1) entries, or NULL when out of memory or max_entries is 0 or too large.
 * Free it with rp_hashtab_free.
 */
struct rp_hashtab *rp_hashtab_new(size_t max_entries);
/* Frees the table (not the keys or values); NULL is a no-op. */
void rp_hashtab_free(struct rp_hashtab *t);

/* The keyed hash of len bytes at key, as the tables use it. */
uint64_t rp_hash(const void *key, size_t len);
/*
 * SipHash-c-d of len bytes at key under the 16-byte key k: rp_hash is
 * SipHash-1-3 under the process's secret.  For tests (SipHash-2-4 against
 * the reference vectors and libsodium's crypto_shorthash).
 */
uint64_t rp_siphash(
    const void *key, size_t len, const unsigned char k[16], int c, int d);

/*
 * Makes room for n entries in all without growing again.  Returns 0,
 * RP_ERR_LIMIT when n is over the table's maximum, or RP_ERR_NOMEM.
 */
int rp_hashtab_reserve(struct rp_hashtab *t, size_t n);

/*
 * Adds key (len bytes, borrowed) with val.  Returns 0 when added, 1 when
 * the key is present already (its value is left as it was), RP_ERR_LIMIT
 * when the table holds its maximum, or RP_ERR_NOMEM.  _h takes the key's
 * rp_hash() when the caller has it already.
 */
int rp_hashtab_add(
    struct rp_hashtab *t, const void *key, size_t len, void *val);
int rp_hashtab_add_h(
    struct rp_hashtab *t, const void *key, size_t len, uint64_t h, void *val);

/*
 * Finds key: returns 1 and sets *val (when val is not NULL) to its value,
 * or 0 when absent.  t may be NULL (an empty table).
 */
int rp_hashtab_get(
    const struct rp_hashtab *t, const void *key, size_t len, void **val);
int rp_hashtab_get_h(const struct rp_hashtab *t, const void *key, size_t len,
    uint64_t h, void **val);

/*
 * A hint for a lookup of a key with hash h coming soon: brings the slot
 * it starts at into the cache (key 0), or, once that is there, the bytes
 * of the key in it (key 1), so that a loop over many keys can overlap
 * their memory accesses.  Changes nothing; t may be NULL.
 */
void rp_hashtab_prefetch(const struct rp_hashtab *t, uint64_t h, int key);

/* Replaces the value of a present key; returns 0, or RP_ERR_NOTFOUND. */
int rp_hashtab_set(
    struct rp_hashtab *t, const void *key, size_t len, void *val);

/* Number of entries (0 for NULL). */
size_t rp_hashtab_count(const struct rp_hashtab *t);

/*
 * Iterates over the entries in no particular order: start with *pos = 0;
 * each call returns 1 and the next entry's key, length and value (any of
 * the out-pointers may be NULL), or 0 at the end.  Adding to the table
 * during an iteration restarts nothing and may skip or repeat entries.
 */
int rp_hashtab_next(const struct rp_hashtab *t, size_t *pos, const void **key,
    size_t *len, void **val);

/*
 * Slots this thread has examined in all tables since it started (every
 * lookup and every insertion counts each slot it looks at, the last one
 * included).  Tests compare it before and after an operation to assert
 * that work stays linear.
 */
uint64_t rp_hashtab_probes(void);

#endif
