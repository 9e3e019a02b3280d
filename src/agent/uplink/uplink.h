/*
 * The agent's link to its server (docs/agent-protocol.md): the state
 * directory that holds its identity and enrolment, and the signed
 * requests it makes once enrolled.
 *
 * The state directory (UPLINK_DEFAULT_DIR unless told otherwise) is
 * owned by the agent's user and writable by nobody else; it holds
 *   identity.key  the Ed25519 secret key (libsodium's 64 bytes), 0600,
 *                 created once and never replaced;
 *   agent.json    {"server", "fingerprint", "agent_id", "tenant",
 *                 "job_key": {"id", "public_key"}} of the enrolment
 *                 (job_key: the job-signing key pinned then; absent when
 *                 the server sent none), 0644, written once: an agent
 *                 enrols once.
 * Both are written to a temporary file, synced, renamed into place
 * without replacing anything, and the directory synced, so a crash
 * leaves either the whole file or none.  Files are opened without
 * following symbolic links and refused when another user owns them or
 * could change them (or, for the key, read it).
 */
#ifndef RP_AGENT_UPLINK_H
#define RP_AGENT_UPLINK_H

#include <stddef.h>

#include <jansson.h>

#include "net/net.h"
#include "proto/proto.h"

#define UPLINK_DEFAULT_DIR "/var/lib/rampart-agent"
#define UPLINK_IDENTITY "identity.key"
#define UPLINK_ENROLMENT "agent.json"
/* Room for a message about what went wrong. */
#define UPLINK_ERR_MAX NET_ERR_MAX
/* The longest tenant name kept from the server's answer. */
#define UPLINK_TENANT_MAX 128

/*
 * Opens the state directory dir (O_DIRECTORY, no symbolic link as its
 * last component) into *fd.  With create, a missing dir is made (mode
 * 0700; its parent must exist).  Refuses a directory another user owns
 * or that group or others may write to.  Returns 0, RP_ERR_NOTFOUND (it
 * does not exist and create is 0), RP_ERR_INVALID (refused) or
 * RP_ERR_IO, with a sentence naming dir in err.
 */
int uplink_dir_open(
    const char *dir, int create, int *fd, char err[UPLINK_ERR_MAX]);

/* Whether the directory holds an enrolment (agent.json): 1 yes, 0 no, or
 * RP_ERR_IO when it cannot be told. */
int uplink_enrolled(int dirfd);

/*
 * The agent's public key into pk: from identity.key, or when there is
 * none and create is set, from a new key pair written there first.  An
 * existing key is never replaced.  Returns 0, RP_ERR_NOTFOUND (no key,
 * create 0), RP_ERR_INVALID (the file is refused: owner, mode, size, or
 * its two halves do not belong together), RP_ERR_IO or RP_ERR_INTERNAL
 * (libsodium), with a sentence in err.
 */
int uplink_identity(
    int dirfd, int create, unsigned char pk[32], char err[UPLINK_ERR_MAX]);

/* What agent.json says. */
struct uplink_enrolment {
	char *server; /* the base URL, https */
	char fingerprint[PROTO_FP_HEX + 1]; /* the pinned certificate */
	char agent_id[PROTO_AGENT_ID_LEN + 1];
	char tenant[UPLINK_TENANT_MAX + 1];
	/* The job-signing key pinned at enrolment (docs/jobs.md); without
	   one (an older server) every job is refused. */
	int has_job_key;
	char job_key_id[PROTO_JOB_KEY_ID_LEN + 1];
	unsigned char job_key[32];
};
/* Frees what e holds; the struct can be reused. */
void uplink_enrolment_clear(struct uplink_enrolment *e);
/*
 * Takes the enrolment answer's "job_key" member ({"id": 16 hex digits,
 * "public_key": 43 base64url characters}) into e: the ID must be the
 * key's (proto_job_key_id).  v NULL (an older server) leaves e without a
 * key and returns 0.  Returns 0 or RP_ERR_INVALID with err.
 */
int uplink_job_key_take(
    struct uplink_enrolment *e, const json_t *v, char err[UPLINK_ERR_MAX]);

/*
 * Writes agent.json from e (every field checked first).  Never replaces
 * an existing one.  Returns 0, RP_ERR_ARG (a field is not acceptable),
 * RP_ERR_INVALID (there is one already) or RP_ERR_IO, with err.
 */
int uplink_enrolment_write(
    int dirfd, const struct uplink_enrolment *e, char err[UPLINK_ERR_MAX]);
/*
 * Reads and checks agent.json into *e (cleared first; filled only on
 * success).  Returns 0, RP_ERR_NOTFOUND (not enrolled), RP_ERR_INVALID
 * (refused or malformed; err names the file and what is wrong),
 * RP_ERR_IO or RP_ERR_NOMEM.
 */
int uplink_enrolment_read(
    int dirfd, struct uplink_enrolment *e, char err[UPLINK_ERR_MAX]);

struct uplink;

/*
 * The link of the agent enrolled in state directory dir: its enrolment,
 * its secret key (wiped on free) and an HTTPS connection pinned to the
 * enrolment's fingerprint.  Returns 0 or what uplink_dir_open, uplink_enrolment_read
 * and the key's loading return, with err.
 */
int uplink_open(const char *dir, struct uplink **out, char err[UPLINK_ERR_MAX]);
/* Wipes the key and frees u; NULL is a no-op. */
void uplink_free(struct uplink *u);
/* The enrolment u acts under. */
const struct uplink_enrolment *uplink_who(const struct uplink *u);

/*
 * The Authorization header value (without "Authorization: ") of a
 * request made at time ts: proto_sign over method, path (with its
 * query, as sent) and the body, with a fresh nonce.  Returns 0 or
 * RP_ERR_ARG.
 */
int uplink_sign(const struct uplink *u, const char *method, const char *path,
    long long ts, const void *body, size_t len, char out[PROTO_AUTH_MAX]);

/*
 * Sends one signed request (signed now) to the enrolled server: method,
 * path (starting with "/api/v1/agent/"), body[0..len) as JSON when body is
 * not NULL; fills *resp with the answer whatever its status.  Returns
 * what net_request returns, with err.
 */
int uplink_call(struct uplink *u, const char *method, const char *path,
    const void *body, size_t len, struct net_resp *resp,
    char err[UPLINK_ERR_MAX]);

#endif
