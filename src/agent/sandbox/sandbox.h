/*
 * The confined scanner: a child process that hashes (SHA-256, SHA-1, MD5
 * through OpenSSL EVP) and YARA-scans file descriptors it is given, under
 * a seccomp allowlist that has no open, no socket and no exec.  The
 * privileged process opens the files and sends their descriptors over a
 * socketpair (SCM_RIGHTS); the child answers with a fixed-size result
 * record.  The child never sees a path.  One struct sandbox is one child,
 * used by one thread at a time; a child that dies or breaks the protocol
 * is reported for the file it was given and started again, a bounded
 * number of times.  docs/internals/sandbox.md has the process split, the
 * messages and the allowlist.
 */
#ifndef RP_SANDBOX_H
#define RP_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include <yara.h>

#define SANDBOX_YARA_MAX 64 /* matched rules reported per file */
#define SANDBOX_BATCH_MAX 16 /* files per message */
#define SANDBOX_RESTARTS_MAX 16 /* children started again per sandbox */
#define SANDBOX_BUDGET_DEFAULT ((uint64_t)4 << 30) /* bytes per file */

/* What to compute (struct sandbox_req.want) and what was (result flags). */
#define SANDBOX_SHA256 1u
#define SANDBOX_SHA1 2u
#define SANDBOX_MD5 4u
#define SANDBOX_YARA_DONE 8u /* YARA scanned the whole content */
#define SANDBOX_YARA_TIMEOUT 16u
#define SANDBOX_YARA_ERROR 32u

enum sandbox_status {
	SANDBOX_OK = 0,
	SANDBOX_CHANGED = 1, /* the file was shorter than its size */
	SANDBOX_IO = 2, /* a read failed; errno_ holds why */
	SANDBOX_BUDGET = 3, /* the work would exceed the budget; nothing
			       was computed */
	SANDBOX_NOMEM = 4, /* the child could not get a buffer */
	SANDBOX_CRASHED = 5, /* the child died on this file (signal) */
	SANDBOX_PROTO = 6, /* the child broke the protocol; killed */
	SANDBOX_DOWN = 7, /* no child: restarts used up or fork failed */
};

/* One file to scan; sent with its descriptor. */
struct sandbox_req {
	uint32_t want; /* SANDBOX_SHA256 | SANDBOX_SHA1 | SANDBOX_MD5 */
	uint32_t yara; /* scan with the YARA rules too */
	uint64_t size; /* bytes to read: the file's size at its fstat */
	uint64_t allocated; /* st_blocks * 512: less than size means holes */
	uint64_t budget; /* work allowed: bytes hashed + bytes scanned,
			    holes included; 0: SANDBOX_BUDGET_DEFAULT */
};

/* The fixed-size answer. */
struct sandbox_result {
	uint32_t status; /* enum sandbox_status */
	uint32_t flags; /* SANDBOX_* computed */
	int32_t errno_; /* SANDBOX_IO */
	int32_t signal; /* SANDBOX_CRASHED: the signal, or 0 (exited) */
	uint64_t bytes_read; /* read from the descriptor */
	uint64_t bytes_work; /* hashed + scanned, holes included */
	unsigned char sha256[32], sha1[20], md5[16];
	uint32_t nyara; /* matched rules, at most SANDBOX_YARA_MAX */
	uint32_t yara_rule[SANDBOX_YARA_MAX]; /* indices into the rules'
						 rules_table */
};

struct sandbox;

/*
 * Starts a child.  rules (may be NULL: hashing only) must be compiled and
 * must outlive the sandbox; yara_timeout is seconds per file;
 * yara_max_size the largest file YARA gets whole.  Returns 0 and *out
 * (sandbox_free), RP_ERR_NOMEM, or RP_ERR_IO when no child can be
 * started.
 */
int sandbox_new(YR_RULES *rules, unsigned yara_timeout, uint64_t yara_max_size,
    struct sandbox **out);

/*
 * Scans the regular file open at fd (it stays the caller's) as rq says
 * and fills *res; the child reads fd with pread from offset 0.  Returns 0
 * with res->status telling what happened (a crashed or misbehaving child
 * is SANDBOX_CRASHED / SANDBOX_PROTO for this file and is replaced for
 * the next), or RP_ERR_ARG.
 */
int sandbox_scan(struct sandbox *sb, int fd, const struct sandbox_req *rq,
    struct sandbox_result *res);

/*
 * The same for n files (1..SANDBOX_BATCH_MAX) in one message each way,
 * fds[i] scanned as rq[i] says into res[i].  When the child dies or
 * misbehaves on a batch, each file of it is sent again alone, so the
 * failure is reported for the file that caused it and the others get
 * their verdicts.  Returns 0 or RP_ERR_ARG.
 */
int sandbox_scan_batch(struct sandbox *sb, const int *fds,
    const struct sandbox_req *rq, size_t n, struct sandbox_result *res);

/*
 * How the parent reads an answer: len bytes at p must be exactly one
 * result message for request seq of n files (0: a test message, one
 * result) with known statuses and flags and rule indices below nrules.
 * Returns 1 and the n results in out, else 0.  (Exported for the fuzz
 * target; the child's answers are untrusted input.)
 */
int sandbox_answer_check(const void *p, size_t len, uint64_t seq, uint32_t n,
    uint32_t nrules, struct sandbox_result *out);

/* How many times the child was started again. */
unsigned sandbox_restarts(const struct sandbox *sb);

/* Ends the child (closes its socket and reaps it); NULL is a no-op. */
void sandbox_free(struct sandbox *sb);

/* The text of a status ("budget exceeded", ...). */
const char *sandbox_status_str(uint32_t status);

#ifdef SANDBOX_TEST_HOOKS
/* Test builds only: messages that ask the child to misbehave. */
enum sandbox_test_op {
	SANDBOX_TEST_OPEN = 1, /* call open("/etc/passwd") */
	SANDBOX_TEST_SOCKET = 2, /* call socket(AF_INET, SOCK_STREAM) */
	SANDBOX_TEST_BADREPLY = 3, /* answer with a short message */
	SANDBOX_TEST_BADTYPE = 4, /* answer with an unknown type */
};
/* Sends op; returns 0 and *res when the child answered in protocol, else
   res->status says what the parent saw (CRASHED with the signal,
   PROTO). */
int sandbox_test_op(
    struct sandbox *sb, enum sandbox_test_op op, struct sandbox_result *res);
/* Sends n raw bytes (and fd when >= 0) as one message, then waits for the
   child to end; *status is its wait status.  Returns 0 or -1. */
int sandbox_test_raw(
    struct sandbox *sb, const void *p, size_t n, int fd, int *status);
/* The child's pid (to kill it from a test). */
int sandbox_test_pid(const struct sandbox *sb);
/* The size of a request message, and the child's exit status after a
   message it refused. */
size_t sandbox_test_req_size(void);
#define SANDBOX_TEST_EXIT_PROTO 3
#endif

#endif
