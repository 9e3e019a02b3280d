/*
 * The signer role and its client (ARCHITECTURE.md, "rampartd's
 * processes"; docs/internals/signer.md).  The signer is a process of its
 * own that holds the Ed25519 job-signing key; the HTTP role, which parses
 * everything that arrives from the network, never sees the key.  The two
 * talk over a SOCK_SEQPACKET socketpair with fixed-layout messages
 * checked for exact length and type.  The signer parses each request
 * itself (proto_job_check), writes the canonical payload itself
 * (proto_job_payload), sets the issue time and nonce itself, and refuses
 * jobs above the approval threshold that no second user approved.
 */
#ifndef RP_SIGNER_H
#define RP_SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include "proto/proto.h"

struct role_env;

/* The signer role's entry (a row of rampartd's role table): loads or
 * creates the key, confines itself, serves its peer until SIGTERM. */
int signer_main(const struct role_env *env);

/* --- the client, in the HTTP role ---------------------------------- */

struct signer_client;

/* A client on fd (the HTTP role's end of the socketpair; taken; -1:
 * none yet, every call answers RP_ERR_IO until signer_client_reset).
 * 0 or RP_ERR_NOMEM. */
int signer_client_new(int fd, struct signer_client **out);
void signer_client_free(struct signer_client *c);
/* The signer was restarted: fd (taken) is the new channel to it; the
 * old one is closed and the public key is asked again. */
void signer_client_reset(struct signer_client *c, int fd);

/*
 * The signer's public key and its key ID (proto_job_key_id): what agents
 * pin at enrolment.  Asked once, then cached.  0, or RP_ERR_IO when the
 * signer cannot be reached.
 */
int signer_public_key(struct signer_client *c, unsigned char pk[32],
    char key_id[PROTO_JOB_KEY_ID_LEN + 1]);

/* A request to sign one job for one agent. */
struct signer_request {
	struct proto_job job; /* issued and nonce are the signer's to set */
	int64_t tenant_id; /* the job's tenant; 0: MSP-wide */
	int64_t requested_by; /* the user who created the job */
	int64_t approved_by; /* the second user who approved it; 0: none */
	uint32_t targets; /* how many hosts the job resolves to */
	uint32_t pad;
};

/*
 * Signs rq->job.  Returns 0 with the envelope (docs/jobs.md; malloc'd,
 * the caller frees) in *envelope and the job as signed (issued and nonce
 * filled in) in *signed_job; RP_ERR_INVALID with the signer's reason in
 * why when it refuses (a malformed job, approval missing above the
 * threshold or for an MSP-wide job, approval by the requester, more
 * agents than the job declared, a job ID reused for another job);
 * RP_ERR_IO when the signer cannot be reached within 10 s or its answer
 * does not verify with its public key.  Safe to call from several
 * threads (one exchange at a time).
 */
int signer_sign(struct signer_client *c, const struct signer_request *rq,
    char **envelope, struct proto_job *signed_job, char *why, size_t whylen);

#endif
