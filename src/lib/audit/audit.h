/*
 * The audit log's hash chain, shared by the server (which appends) and
 * the CLI (which verifies what the server hands out): each entry's hash
 * covers the previous entry's hash and every field of its own, so an
 * edited, inserted or deleted entry breaks the chain at that entry.
 *
 * The hash is hex SHA-256 over "rampart-audit-v1" and then each field as
 * its decimal byte length, ':', the bytes, '\n' (so no two field lists
 * give the same input): seq, at, actor, address, action, tenant,
 * target, outcome, detail, prev.  The first entry's prev is
 * AUDIT_GENESIS.
 */
#ifndef RP_AUDIT_H
#define RP_AUDIT_H

#include <stddef.h>
#include <stdint.h>

/* prev of the first entry: 64 zeros. */
#define AUDIT_GENESIS                                                          \
	"0000000000000000000000000000000000000000000000000000000000000000"

struct audit_entry {
	int64_t seq; /* 1, 2, ... in append order */
	char at[40]; /* RFC 3339 UTC with milliseconds */
	char *actor; /* "user:NAME", "token:ID", "system", or "-" (unknown) */
	char *address; /* the client's address, "" when none */
	char *action; /* "login", "tenant.create", "advisory.import", ... */
	char *tenant; /* tenant slug(s) concerned, "" when MSP-wide/none */
	char *target; /* what was acted on ("user:alice"), "" when none */
	char *outcome; /* "ok", "denied", "failed" */
	char *detail; /* compact JSON object text, "{}" when none */
	char prev[65]; /* hex hash of the previous entry */
	char hash[65]; /* hex hash of this entry */
};

/* Frees the strings of e (not e itself); the fields become NULL. */
void audit_entry_clear(struct audit_entry *e);
/* Clears and frees v[0..n); NULL is a no-op. */
void audit_entries_free(struct audit_entry *v, size_t n);

/* Computes e's hash from its fields and e->prev into out (65 bytes).
 * Returns 0, or RP_ERR_NOMEM. */
int audit_hash(const struct audit_entry *e, char out[65]);

/* Why a chain does not verify. */
enum audit_problem {
	AUDIT_OK = 0,
	AUDIT_EDITED, /* an entry's hash does not match its content */
	AUDIT_INSERTED, /* an entry that does not link to its predecessor */
	AUDIT_DELETED, /* a sequence number is missing before this entry */
	AUDIT_TRUNCATED, /* entries after the last one are missing (head) */
};
const char *audit_problem_name(enum audit_problem p);

/*
 * Verifies a chain read in seq order, one page at a time: initialise v
 * with audit_verify_init, feed every entry with audit_verify_next, then
 * call audit_verify_end with the head the server recorded.  The first
 * problem stops the walk: v->problem says what, v->seq at which entry.
 */
struct audit_verifier {
	int64_t next_seq; /* the seq the next entry must have */
	char prev[65]; /* the hash the next entry must link to */
	int64_t checked;
	enum audit_problem problem;
	int64_t seq; /* where the problem is */
};
void audit_verify_init(struct audit_verifier *v);
/* Returns AUDIT_OK or the problem (then v is stuck on it). */
enum audit_problem audit_verify_next(
    struct audit_verifier *v, const struct audit_entry *e);
enum audit_problem audit_verify_end(
    struct audit_verifier *v, int64_t head_seq, const char *head_hash);

#endif
