/*
 * The audit log's hash chain: the canonical hash of one entry and the
 * verifier that walks a chain in seq order.  The encoding is fixed by
 * audit.h ("rampart-audit-v1", then every field as length ':' bytes
 * '\n'); changing it breaks every chain already written, so a new
 * encoding needs a new tag.  A NULL string field hashes as "", the same
 * as the store records it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "util/err.h"

#define AUDIT_TAG "rampart-audit-v1"

static void
hash_field(crypto_hash_sha256_state *st, const char *p, size_t n)
{
	char len[24];
	int k;

	k = snprintf(len, sizeof(len), "%zu:", n);
	crypto_hash_sha256_update(st, (const unsigned char *)len, (size_t)k);
	crypto_hash_sha256_update(st, (const unsigned char *)p, n);
	crypto_hash_sha256_update(st, (const unsigned char *)"\n", 1);
}

static void
hash_str(crypto_hash_sha256_state *st, const char *s)
{
	if (s == NULL)
		s = "";
	hash_field(st, s, strlen(s));
}

int
audit_hash(const struct audit_entry *e, char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char md[crypto_hash_sha256_BYTES];
	char seq[24];
	int k;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(
	    &st, (const unsigned char *)AUDIT_TAG, strlen(AUDIT_TAG));
	k = snprintf(seq, sizeof(seq), "%" PRId64, e->seq);
	hash_field(&st, seq, (size_t)k);
	/* at and prev are arrays: never read past them, even unterminated. */
	hash_field(&st, e->at, strnlen(e->at, sizeof(e->at)));
	hash_str(&st, e->actor);
	hash_str(&st, e->address);
	hash_str(&st, e->action);
	hash_str(&st, e->tenant);
	hash_str(&st, e->target);
	hash_str(&st, e->outcome);
	hash_str(&st, e->detail);
	hash_field(&st, e->prev, strnlen(e->prev, sizeof(e->prev)));
	crypto_hash_sha256_final(&st, md);
	sodium_bin2hex(out, 65, md, sizeof(md));
	return 0;
}

void
audit_entry_clear(struct audit_entry *e)
{
	if (e == NULL)
		return;
	free(e->actor);
	free(e->address);
	free(e->action);
	free(e->tenant);
	free(e->target);
	free(e->outcome);
	free(e->detail);
	e->actor = e->address = e->action = e->tenant = NULL;
	e->target = e->outcome = e->detail = NULL;
}

void
audit_entries_free(struct audit_entry *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		audit_entry_clear(&v[i]);
	free(v);
}

const char *
audit_problem_name(enum audit_problem p)
{
	switch (p) {
	case AUDIT_OK:
		return "ok";
	case AUDIT_EDITED:
		return "edited";
	case AUDIT_INSERTED:
		return "inserted";
	case AUDIT_DELETED:
		return "deleted";
	case AUDIT_TRUNCATED:
		return "truncated";
	}
	return "unknown";
}

void
audit_verify_init(struct audit_verifier *v)
{
	memset(v, 0, sizeof(*v));
	v->next_seq = 1;
	memcpy(v->prev, AUDIT_GENESIS, sizeof(v->prev));
	v->problem = AUDIT_OK;
}

static enum audit_problem
stuck(struct audit_verifier *v, enum audit_problem p, int64_t seq)
{
	v->problem = p;
	v->seq = seq;
	return p;
}

/*
 * The order of the checks decides the name of a problem.  The hash comes
 * first, since it covers every field (seq and prev included): a changed
 * field is an edit wherever it is.  Then the seq: one already seen is an
 * extra entry, a gap is a deleted one (named by the first missing seq).
 * Last the link: a well-formed entry with the expected seq that does not
 * continue from its predecessor was put there from elsewhere.
 */
enum audit_problem
audit_verify_next(struct audit_verifier *v, const struct audit_entry *e)
{
	char h[65];

	if (v->problem != AUDIT_OK)
		return v->problem;
	if (audit_hash(e, h) != 0 || strncmp(h, e->hash, sizeof(e->hash)) != 0)
		return stuck(v, AUDIT_EDITED, e->seq);
	if (e->seq < v->next_seq)
		return stuck(v, AUDIT_INSERTED, e->seq);
	if (e->seq > v->next_seq)
		return stuck(v, AUDIT_DELETED, v->next_seq);
	if (strncmp(e->prev, v->prev, sizeof(v->prev)) != 0)
		return stuck(v, AUDIT_INSERTED, e->seq);
	memcpy(v->prev, h, sizeof(v->prev));
	v->next_seq++;
	v->checked++;
	return AUDIT_OK;
}

/*
 * The head the server recorded closes the walk: entries missing after
 * the last one read are a truncation (named by the first missing seq);
 * entries beyond the head were never recorded as the head (inserted);
 * a last entry whose hash is not the head's was replaced (edited).
 */
enum audit_problem
audit_verify_end(
    struct audit_verifier *v, int64_t head_seq, const char *head_hash)
{
	int64_t last = v->next_seq - 1;

	if (v->problem != AUDIT_OK)
		return v->problem;
	if (head_seq > last)
		return stuck(v, AUDIT_TRUNCATED, v->next_seq);
	if (head_seq < last)
		return stuck(v, AUDIT_INSERTED, head_seq + 1);
	if (head_hash == NULL || strncmp(head_hash, v->prev, 65) != 0)
		return stuck(v, AUDIT_EDITED, last);
	return AUDIT_OK;
}
