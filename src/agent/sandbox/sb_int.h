/*
 * Internals of the sandbox shared by parent.c (the privileged side) and
 * child.c (the confined loop; the confinement itself is plat_confine,
 * platform/linux/confine.c): the wire messages and the child's state.
 * Not part of sandbox.h.
 */
#ifndef RP_SANDBOX_SB_INT_H
#define RP_SANDBOX_SB_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/evp.h>

#include "sandbox/sandbox.h"

/* Message types; each side accepts only its own list. */
#define SB_MSG_SCAN 1u /* parent -> child, with exactly one descriptor */
#define SB_MSG_RESULT 2u /* child -> parent */
#ifdef SANDBOX_TEST_HOOKS
#define SB_MSG_TEST 100u /* parent -> child, test builds only */
#endif

#define SB_EXIT_PROTO 3 /* the child's exit status on a bad message */
#define SB_EXIT_SETUP 4 /* the child could not confine itself */

/* n requests, sent with exactly n descriptors, in order. */
struct sb_req {
	uint32_t type, len; /* len: sizeof(struct sb_req) */
	uint64_t seq;
	uint32_t n; /* SB_MSG_SCAN: 1..SANDBOX_BATCH_MAX; SB_MSG_TEST: 0 */
	uint32_t test_op; /* SB_MSG_TEST only; else 0 */
	struct sandbox_req rq[SANDBOX_BATCH_MAX];
};

/* The answers, r[i] for rq[i]; n as in the request. */
struct sb_res {
	uint32_t type, len; /* len: sizeof(struct sb_res) */
	uint64_t seq;
	uint32_t n, pad;
	struct sandbox_result r[SANDBOX_BATCH_MAX];
};

#define SB_BUF (512u * 1024) /* streaming buffer */

/* Made by the parent before each fork and never used there, so every
   child starts from untouched objects and calls nothing after fork that
   another thread of the parent could have held a lock in. */
struct sb_child {
	int sock;
	EVP_MD_CTX *ctx[3];
	const EVP_MD *md[3];
	unsigned char *buf; /* SB_BUF bytes */
	unsigned char *big; /* whole-file buffer for YARA, mmap'ed */
	size_t bigcap;
	YR_SCANNER *ys; /* NULL without rules */
	YR_RULES *rules;
	uint64_t yara_max_size;
	struct sandbox_result *cur; /* where YARA's callback writes */
};

/* The child: confines itself and serves requests on c->sock until the
   parent closes it.  Never returns. */
_Noreturn void sb_child_main(struct sb_child *c);

#endif
