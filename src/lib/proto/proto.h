/*
 * What an agent and the server must agree on byte for byte
 * (docs/agent-protocol.md): enrolment tokens ("rpe1.<FP>.<SECRET>") and
 * the signature of every agent request ("Authorization: Rampart-Agent
 * id=...,ts=...,nonce=...,sig=..."), and the form of a host's network
 * addresses in inventory uploads.  Both sides call these functions, so
 * the signed bytes and the checks cannot drift apart.
 */
#ifndef RP_PROTO_H
#define RP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_FP_HEX 64 /* SHA-256 of the certificate, lower-case hex */
#define PROTO_SECRET_LEN 43 /* 256 bits in base64url, no padding */
#define PROTO_TOKEN_LEN (5 + PROTO_FP_HEX + 1 + PROTO_SECRET_LEN)
#define PROTO_AGENT_ID_LEN 26
#define PROTO_PK_B64_LEN 43 /* a 32-byte Ed25519 public key, base64url */
#define PROTO_AUTH_MAX 256 /* an Authorization header value, NUL incl. */
/* How far a request's time may be from the server's, and how long its
 * nonce is remembered (longer than the window, so a replay within the
 * window always meets its nonce). */
#define PROTO_SKEW 300
#define PROTO_NONCE_KEEP 600

/*
 * Makes an enrolment token from the certificate fingerprint (64 hex
 * digits, either case, colons allowed) and a secret (PROTO_SECRET_LEN
 * base64url characters) into out (>= PROTO_TOKEN_LEN + 1 bytes).
 * Returns 0 or RP_ERR_INVALID.
 */
int proto_token_format(
    const char *fp, const char *secret, char *out, size_t outlen);
/* Splits a token: fp gets 64 lower-case hex digits + NUL, secret its
 * secret + NUL.  Returns 0, or RP_ERR_INVALID when it is not one. */
int proto_token_parse(const char *token, char fp[PROTO_FP_HEX + 1],
    char secret[PROTO_SECRET_LEN + 1]);

/*
 * The Authorization header value of an agent request, signed with the
 * agent's Ed25519 secret key sk (64 bytes, libsodium's form): method,
 * path (with its query, as sent), the time ts, a fresh random nonce and
 * the SHA-256 of the body (body may be NULL when len is 0).  Returns 0 or
 * RP_ERR_ARG (outlen too small, or an id that is not an agent ID).
 */
int proto_sign(const unsigned char sk[64], const char *agent_id,
    const char *method, const char *path, int64_t ts, const void *body,
    size_t len, char *out, size_t outlen);

/* The fields of a parsed Authorization: Rampart-Agent header. */
struct proto_auth {
	char agent_id[PROTO_AGENT_ID_LEN + 1];
	int64_t ts;
	char nonce[23]; /* 22 base64url characters */
	unsigned char sig[64];
};
/* Parses the header value; 0, or RP_ERR_INVALID when malformed. */
int proto_auth_parse(const char *value, struct proto_auth *out);
/*
 * Checks a parsed header's signature over method, path, ts, nonce and the
 * body with the agent's public key pk (32 bytes).  Returns 0 when it
 * verifies, RP_ERR_INVALID when not.  (Time window and nonce reuse are
 * the caller's to check: they need the clock and the store.)
 */
int proto_verify(const struct proto_auth *a, const unsigned char pk[32],
    const char *method, const char *path, const void *body, size_t len);

/* A new agent ID (26 characters of [a-z2-7], 130 random bits) into out
 * (>= PROTO_AGENT_ID_LEN + 1 bytes). */
void proto_agent_id_new(char *out);
/* Whether s is an agent ID. */
int proto_agent_id_ok(const char *s);

/* base64url (no padding) of a 32-byte public key into out (>= 44 bytes),
 * and back (RP_ERR_INVALID unless exactly 32 bytes). */
void proto_pk_encode(const unsigned char pk[32], char *out);
int proto_pk_decode(const char *s, unsigned char pk[32]);

/* --- host addresses in inventory uploads (addr.c) ------------------ */

#define PROTO_ADDRS_MAX 64 /* addresses of one host */
#define PROTO_IP_MAX 45 /* bytes of an address's text (INET6_ADDRSTRLEN-1) */
#define PROTO_IFACE_MAX 64 /* bytes of an interface name */
#define PROTO_MAC_MAX 59 /* bytes of a link address: 20 octets */

/*
 * Whether ip is an IPv4 or IPv6 address in text form: 4 or 6, with its
 * 4 or 16 bytes in b (the rest zero) and its canonical text (as
 * inet_ntop writes it; an upload must carry exactly that) in canon; 0
 * when it is not one (a zone "%eth0" included).
 */
int proto_ip_parse(
    const char *ip, unsigned char b[16], char canon[PROTO_IP_MAX + 1]);
/* Whether s[0..n) is an interface name an upload may carry: 1 to
 * PROTO_IFACE_MAX bytes, no NUL or control character (C0, DEL). */
int proto_iface_ok(const char *s, size_t n);
/* Whether s[0..n) is a link address as uploads write it: 1 to 20
 * octets of two lower-case hex digits, separated by colons. */
int proto_mac_ok(const char *s, size_t n);

/* --- jobs (docs/jobs.md) ------------------------------------------- */

/*
 * A job is one action on one agent, of a fixed type with typed
 * arguments; there is no type that runs a command.  The signer role
 * writes its payload (canonical JSON, proto_job_payload) and signs
 * "rampart-job-v1\n" + payload with the job-signing key; the agent,
 * which pinned that key at enrolment, verifies the signature over the
 * bytes it received before it parses them (proto_job_open).
 */
#define PROTO_JOB_ID_LEN 26 /* as an agent ID: [a-z2-7] */
#define PROTO_JOB_PATH_MAX 4096 /* bytes of a path, NUL included */
#define PROTO_JOB_TTL_MAX (7 * 86400) /* longest issue-to-expiry */
#define PROTO_JOB_PAYLOAD_MAX 16384 /* bytes of a payload */
#define PROTO_JOB_ENVELOPE_MAX 40960 /* bytes of an envelope */
#define PROTO_JOB_KEY_ID_LEN 16 /* hex of SHA-256(public key)[0..8) */
#define PROTO_QENTRY_LEN 32 /* a quarantine entry ID: hex */

enum proto_job_type {
	JOB_INVENTORY = 1, /* collect and upload the inventory now */
	JOB_SWEEP, /* sweep with the rules bundle named by its hash */
	JOB_QUARANTINE, /* quarantine one path */
	JOB_RESTORE, /* put a quarantine entry back */
	JOB_PURGE, /* delete a quarantine entry for good */
	JOB_TERMINATE, /* end a process, by pid and executable hash */
	JOB_BLOCK_APPLY, /* load the blocklist blob named by its hash into
			    nftables (table inet rampart_blocklist) */
	JOB_BLOCK_REMOVE, /* delete table inet rampart_blocklist */
	JOB_BLOCK_VERIFY, /* resolve the blob's domains through the host's
			     resolver: which are sinkholed, which resolve */
	JOB_TYPE_END
};

/*
 * A job as a fixed-layout struct (what the HTTP role hands the signer
 * over its socketpair, and what an agent reads a payload into).  Strings
 * are NUL-terminated inside their arrays; the members a type does not
 * use are zero.
 */
struct proto_job {
	char agent_id[PROTO_AGENT_ID_LEN + 1];
	char job_id[PROTO_JOB_ID_LEN + 1];
	char nonce[23]; /* 22 base64url characters (16 random bytes) */
	char bundle[65]; /* sweep: hex SHA-256 of the rules bundle */
	char sha256[65]; /* quarantine: expected hash of the file, or "";
			    terminate: hash of the executable (required) */
	char entry[PROTO_QENTRY_LEN + 1]; /* restore, purge */
	int32_t type; /* enum proto_job_type */
	int32_t quarantine; /* sweep: quarantine what matches (0/1) */
	int32_t terminate; /* sweep: end processes running a match (0/1) */
	int32_t pad;
	int64_t pid; /* terminate */
	int64_t issued, expires; /* Unix seconds */
	char path[PROTO_JOB_PATH_MAX]; /* quarantine: absolute, normalised */
	char blocklist[65]; /* block-apply, block-verify: hex SHA-256 of
			       the blocklist blob */
	char pad2[7]; /* zero: no implicit padding in the layout */
};

/* "inventory", "sweep", ...: the type's name, NULL for no type. */
const char *proto_job_type_name(int type);
/* The type of a name, or 0. */
int proto_job_type_from_name(const char *name);
/* A new job ID into out (>= PROTO_JOB_ID_LEN + 1 bytes). */
void proto_job_id_new(char *out);
/* A new nonce (16 random bytes, base64url) into out (23 bytes). */
void proto_job_nonce_new(char out[23]);

/*
 * Checks every member of j: NUL-terminated strings of the right
 * alphabet and length, the arguments its type needs and no others, a
 * path that is absolute and normalised (no "." or ".." components, no
 * "//", no control characters, valid UTF-8), times in order and at most
 * PROTO_JOB_TTL_MAX apart.  Returns 0, or RP_ERR_INVALID with the reason
 * in why.
 */
int proto_job_check(const struct proto_job *j, char *why, size_t whylen);

/*
 * The canonical payload of j (after proto_job_check): compact JSON,
 * members in a fixed order, into *out (malloc'd, NUL-terminated) and its
 * length into *len.  Returns 0, RP_ERR_INVALID (why says what) or
 * RP_ERR_NOMEM.
 */
int proto_job_payload(
    const struct proto_job *j, char **out, size_t *len, char *why, size_t n);

/* The arguments of j's type as the JSON object text of its payload's
 * "args" (malloc'd).  0 or RP_ERR_NOMEM. */
int proto_job_args_text(const struct proto_job *j, char **out);
/*
 * Reads the arguments of j->type from the JSON object text[0..len) into
 * j (exactly the members of the type; the values are checked by
 * proto_job_check).  0, or RP_ERR_INVALID with the reason in why (a JSON
 * pointer under /args).
 */
int proto_job_args_parse(
    struct proto_job *j, const char *text, size_t len, char *why, size_t n);

/* The key ID of a job-signing public key: 16 hex digits + NUL. */
void proto_job_key_id(
    const unsigned char pk[32], char out[PROTO_JOB_KEY_ID_LEN + 1]);
/* The signature of a payload with the signing key sk (libsodium's
 * 64-byte form). */
void proto_job_sign(const unsigned char sk[64], const char *payload, size_t len,
    unsigned char sig[64]);

/*
 * The envelope an agent receives: {"key": KEY_ID, "payload": PAYLOAD as
 * a JSON string, "sig": base64url signature}, into *out (malloc'd).
 * Returns 0, RP_ERR_ARG or RP_ERR_NOMEM.
 */
int proto_job_envelope(const char *key_id, const char *payload,
    const unsigned char sig[64], char **out);

/*
 * What an agent does with an envelope of len bytes: parses it (at most
 * PROTO_JOB_ENVELOPE_MAX bytes, exact members), checks that its key ID
 * is that of pk, verifies the signature over the payload's bytes with
 * pk, and only then parses the payload into *j (exact members per type,
 * proto_job_check).  Returns 0; RP_ERR_INVALID with the reason in why
 * (the job ID into j->job_id when the signature verified, so that the
 * refusal can be reported); RP_ERR_NOMEM.  Whether the job is for this
 * agent, still valid, not replayed and allowed here is the caller's.
 */
int proto_job_open(const char *envelope, size_t len, const unsigned char pk[32],
    struct proto_job *j, char *why, size_t whylen);

#endif
