/*
 * Internal to the signer: the messages between the HTTP role's client and
 * the signer role, and the signer's state and message handler.  The
 * handler does no I/O and keeps no global state, so the policy and the
 * message checks are tested without a process (tests/unit/signer) and
 * fuzzed (fuzz/fuzz_signer_msg.c).
 *
 * One message is one SOCK_SEQPACKET packet: a header and exactly the
 * body of its type, whatever the content.  The HTTP role may send PUBKEY
 * and SIGN; the signer answers PUBKEY_ANS and SIGN_ANS.
 */
#ifndef RP_SIGNER_INT_H
#define RP_SIGNER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "signer/signer.h"

enum signer_msg_type {
	SIGNER_PUBKEY = 1, /* client: the public key? (no body) */
	SIGNER_SIGN = 2, /* client: sign this (struct signer_sign_req) */
	SIGNER_PUBKEY_ANS = 3, /* signer: struct signer_pubkey_ans */
	SIGNER_SIGN_ANS = 4, /* signer: struct signer_sign_ans */
	SIGNER_TYPE_END
};

struct signer_sign_req {
	uint64_t seq; /* echoed in the answer */
	struct signer_request rq;
};

struct signer_pubkey_ans {
	unsigned char pk[32];
	char key_id[PROTO_JOB_KEY_ID_LEN + 1];
	char pad[7];
};

struct signer_sign_ans {
	uint64_t seq;
	int32_t status; /* 0, or RP_ERR_INVALID: refused (why) */
	uint32_t payload_len; /* bytes of payload used */
	char why[256]; /* NUL-terminated */
	unsigned char sig[64];
	/* As signed; on a refusal only job_id, agent_id and type (cut and
	 * terminated), for the logs. */
	struct proto_job job;
	char payload[PROTO_JOB_PAYLOAD_MAX]; /* zero past payload_len */
};

struct signer_msg {
	uint32_t type;
	uint32_t len; /* of the body: exactly the type's size */
	union {
		struct signer_sign_req sign;
		struct signer_pubkey_ans pubkey;
		struct signer_sign_ans sign_ans;
	} u;
};

#define SIGNER_HDR_LEN offsetof(struct signer_msg, u)

/* The body size of a message type, 0 for none that exists. */
size_t signer_msg_body_size(uint32_t type);

/*
 * The per-job memory: the last SIGNER_JOBS_MAX job IDs (two generations
 * of half that; a job found in the older one moves to the newer), each
 * with a digest of what must not change under its ID and the number of
 * distinct agents signed for, and the (job, agent) pairs signed, at most
 * SIGNER_PAIRS_GEN per generation.
 */
#define SIGNER_JOBS_MAX 4096
#define SIGNER_PAIRS_GEN 131072
/* A job may declare at most this many targets. */
#define SIGNER_TARGETS_MAX 1000000

struct signer_gen;

struct signer_state {
	const unsigned char *sk; /* borrowed: libsodium's 64-byte form */
	unsigned char pk[32];
	char key_id[PROTO_JOB_KEY_ID_LEN + 1];
	uint32_t approval_hosts; /* above this, a second user approves */
	unsigned char pair_key[32]; /* keys the pair digests */
	struct signer_gen *cur, *old;
	uint64_t signatures, refusals;
};

/*
 * Prepares st for the key sk (borrowed, kept alive by the caller) and
 * the threshold approval_hosts.  Returns 0 or RP_ERR_NOMEM.
 */
int signer_state_init(struct signer_state *st, const unsigned char sk[64],
    uint32_t approval_hosts);
/* Frees what st owns (not the key). */
void signer_state_clear(struct signer_state *st);

/*
 * Handles one received message of len bytes at in, at time now (Unix
 * seconds): fills the answer *out.  Returns 0 with an answer to send;
 * RP_ERR_INVALID when the message itself is malformed (a length or type
 * that the client never sends: the peer is broken or hostile, and gets
 * no answer), RP_ERR_NOMEM.  A job refused for its content is answered
 * (status RP_ERR_INVALID and why), not an error here.
 */
int signer_handle(struct signer_state *st, const void *in, size_t len,
    int64_t now, struct signer_msg *out);

/*
 * The key file STATE_DIR/signer/job-signing.key, read into sk (64 bytes,
 * the caller's, ideally locked memory), created first when missing.  dir
 * must be a directory owned by the process's user with no group or other
 * access; the file too, and a regular file of exactly 64 bytes whose
 * public half matches its seed.  Symbolic links are refused.  *created
 * says whether it was made now.  Returns 0; RP_ERR_INVALID (ownership,
 * mode, size) or RP_ERR_IO with the reason in err.
 */
int signer_key_load(const char *dir, unsigned char sk[64], int *created,
    char *err, size_t errlen);
#define SIGNER_KEY_FILE "job-signing.key"

/* no_new_privs, not dumpable, and the seccomp allowlist (confine.c).
 * 0, or RP_ERR_* when any of it failed. */
int signer_confine(void);

#endif
