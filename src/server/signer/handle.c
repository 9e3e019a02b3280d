/*
 * The signer's message handler and policy (docs/internals/signer.md).
 * A message is checked for its exact length and type before anything of
 * its body is read.  A SIGN request is signed only when, in this order:
 * the request's own fields are sane; its expiry is after now (and is cut
 * to PROTO_JOB_TTL_MAX after now); the job, with the issue time and
 * nonce set here, passes proto_job_check; a job that is MSP-wide or
 * targets more than approval_hosts hosts carries the approval of a user
 * other than its requester; and the job ID, if seen before, names the
 * same job (type, arguments, tenant, targets, requester) and has not been
 * signed for more distinct agents than it declared.  The payload is
 * written here from the checked struct (proto_job_payload), never taken
 * from the client.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "hashtab.h"
#include "signer_int.h"

#define JOBS_GEN (SIGNER_JOBS_MAX / 2)

/* What one job ID was first signed as. */
struct job_rec {
	char job_id[PROTO_JOB_ID_LEN];
	unsigned char ident[32]; /* digest of what must not change */
	uint32_t targets; /* declared at the first request */
	uint32_t agents; /* distinct agents signed for */
};

struct signer_gen {
	struct rp_hashtab *jobs; /* job ID -> struct job_rec */
	struct job_rec recs[JOBS_GEN];
	size_t nrecs;
	struct rp_hashtab *pairs; /* pair digest -> (present) */
	unsigned char (*pkeys)[16]; /* the digests, SIGNER_PAIRS_GEN */
	size_t npairs;
};

size_t
signer_msg_body_size(uint32_t type)
{
	switch (type) {
	case SIGNER_PUBKEY:
		return 0;
	case SIGNER_SIGN:
		return sizeof(struct signer_sign_req);
	case SIGNER_PUBKEY_ANS:
		return sizeof(struct signer_pubkey_ans);
	case SIGNER_SIGN_ANS:
		return sizeof(struct signer_sign_ans);
	default:
		return 0;
	}
}

static void
gen_free(struct signer_gen *g)
{
	if (g == NULL)
		return;
	rp_hashtab_free(g->jobs);
	rp_hashtab_free(g->pairs);
	free(g->pkeys);
	free(g);
}

static struct signer_gen *
gen_new(void)
{
	struct signer_gen *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	g->jobs = rp_hashtab_new(JOBS_GEN);
	g->pairs = rp_hashtab_new(SIGNER_PAIRS_GEN);
	g->pkeys = calloc(SIGNER_PAIRS_GEN, sizeof(*g->pkeys));
	if (g->jobs == NULL || g->pairs == NULL || g->pkeys == NULL) {
		gen_free(g);
		return NULL;
	}
	return g;
}

int
signer_state_init(struct signer_state *st, const unsigned char sk[64],
    uint32_t approval_hosts)
{
	memset(st, 0, sizeof(*st));
	st->sk = sk;
	crypto_sign_ed25519_sk_to_pk(st->pk, sk);
	proto_job_key_id(st->pk, st->key_id);
	st->approval_hosts = approval_hosts;
	randombytes_buf(st->pair_key, sizeof(st->pair_key));
	if ((st->cur = gen_new()) == NULL || (st->old = gen_new()) == NULL) {
		signer_state_clear(st);
		return RP_ERR_NOMEM;
	}
	return 0;
}

void
signer_state_clear(struct signer_state *st)
{
	gen_free(st->cur);
	gen_free(st->old);
	sodium_memzero(st, sizeof(*st));
}

/* The newer generation is full: the older one is forgotten. */
static int
rotate(struct signer_state *st)
{
	struct signer_gen *g = gen_new();

	if (g == NULL)
		return RP_ERR_NOMEM;
	gen_free(st->old);
	st->old = st->cur;
	st->cur = g;
	return 0;
}

static int __attribute__((format(printf, 3, 4)))
refuse(struct signer_state *st, struct signer_sign_ans *a, const char *fmt, ...)
{
	va_list ap;

	st->refusals++;
	a->status = RP_ERR_INVALID;
	va_start(ap, fmt);
	vsnprintf(a->why, sizeof(a->why), fmt, ap);
	va_end(ap);
	return 0;
}

/* Copies a string member of the request for the logs: cut, terminated. */
static void
copy_id(char *dst, const char *src, size_t cap)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* What must stay the same under one job ID: the job without its agent,
 * times and nonce, and the request's tenant, targets and requester. */
static void
job_ident(const struct signer_request *rq, unsigned char out[32])
{
	struct proto_job j;
	crypto_generichash_state h;

	memset(&j, 0, sizeof(j));
	j.type = rq->job.type;
	j.quarantine = rq->job.quarantine;
	j.terminate = rq->job.terminate;
	j.pid = rq->job.pid;
	copy_id(j.job_id, rq->job.job_id, sizeof(j.job_id));
	copy_id(j.bundle, rq->job.bundle, sizeof(j.bundle));
	copy_id(j.sha256, rq->job.sha256, sizeof(j.sha256));
	copy_id(j.entry, rq->job.entry, sizeof(j.entry));
	copy_id(j.path, rq->job.path, sizeof(j.path));
	copy_id(j.blocklist, rq->job.blocklist, sizeof(j.blocklist));
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, (const unsigned char *)&j, sizeof(j));
	crypto_generichash_update(
	    &h, (const unsigned char *)&rq->tenant_id, sizeof(rq->tenant_id));
	crypto_generichash_update(
	    &h, (const unsigned char *)&rq->targets, sizeof(rq->targets));
	crypto_generichash_update(&h, (const unsigned char *)&rq->requested_by,
	    sizeof(rq->requested_by));
	crypto_generichash_final(&h, out, 32);
}

static void
pair_digest(const struct signer_state *st, const struct proto_job *j,
    unsigned char out[16])
{
	unsigned char in[2 * PROTO_JOB_ID_LEN];

	memcpy(in, j->job_id, PROTO_JOB_ID_LEN);
	memcpy(in + PROTO_JOB_ID_LEN, j->agent_id, PROTO_JOB_ID_LEN);
	crypto_generichash(
	    out, 16, in, sizeof(in), st->pair_key, sizeof(st->pair_key));
}

/* Adds a copy of rec to the newer generation (rotating when it is full);
 * 0 with *out, or RP_ERR_NOMEM. */
static int
job_add(
    struct signer_state *st, const struct job_rec *rec, struct job_rec **out)
{
	struct job_rec keep = *rec, *r;
	int e;

	if (st->cur->nrecs == JOBS_GEN && (e = rotate(st)) != 0)
		return e;
	r = &st->cur->recs[st->cur->nrecs++];
	*r = keep;
	if ((e = rp_hashtab_add(
		 st->cur->jobs, r->job_id, PROTO_JOB_ID_LEN, r)) < 0)
		return e;
	*out = r;
	return 0;
}

/* The record of a job ID in the newer generation (moved there from the
 * older one) into *out, NULL when it was not seen.  0 or RP_ERR_NOMEM. */
static int
job_find(struct signer_state *st, const char *id, struct job_rec **out)
{
	void *v = NULL;

	*out = NULL;
	if (rp_hashtab_get(st->cur->jobs, id, PROTO_JOB_ID_LEN, &v)) {
		*out = v;
		return 0;
	}
	if (!rp_hashtab_get(st->old->jobs, id, PROTO_JOB_ID_LEN, &v))
		return 0;
	return job_add(st, v, out);
}

/* Records that j was signed (rec: its record, NULL for a new job ID). */
static int
remember(struct signer_state *st, struct job_rec *rec,
    const struct signer_request *rq, const unsigned char ident[32],
    const unsigned char pair[16], int seen)
{
	struct job_rec fresh;
	struct signer_gen *g;
	int r;

	if (rec == NULL) {
		memset(&fresh, 0, sizeof(fresh));
		memcpy(fresh.job_id, rq->job.job_id, PROTO_JOB_ID_LEN);
		memcpy(fresh.ident, ident, 32);
		fresh.targets = rq->targets;
		if ((r = job_add(st, &fresh, &rec)) != 0)
			return r;
	}
	if (seen)
		return 0;
	rec->agents++;
	if (st->cur->npairs == SIGNER_PAIRS_GEN) {
		/* The record lives in cur: carried over to the new one. */
		struct job_rec keep = *rec;
		if ((r = rotate(st)) != 0 ||
		    (r = job_add(st, &keep, &rec)) != 0)
			return r;
	}
	g = st->cur;
	memcpy(g->pkeys[g->npairs], pair, 16);
	if ((r = rp_hashtab_add(g->pairs, g->pkeys[g->npairs], 16, g)) < 0)
		return r;
	g->npairs++;
	return 0;
}

/* The request's own fields, before the job's. */
static const char *
request_fault(const struct signer_request *rq)
{
	if (rq->pad != 0)
		return "padding is not zero";
	if (rq->tenant_id < 0)
		return "tenant: expected 0 (MSP-wide) or a tenant ID";
	if (rq->requested_by <= 0)
		return "requested_by: expected a user ID";
	if (rq->approved_by < 0)
		return "approved_by: expected 0 or a user ID";
	if (rq->targets < 1 || rq->targets > SIGNER_TARGETS_MAX)
		return "targets: expected 1..1000000";
	return NULL;
}

/* The job ID's history: the same job, and not more agents than it
 * declared.  Sets *rec and *seen for remember(). */
static int
history_ok(struct signer_state *st, const struct signer_request *rq,
    const unsigned char ident[32], const unsigned char pair[16],
    struct job_rec **rec, int *seen, struct signer_sign_ans *a)
{
	if (job_find(st, rq->job.job_id, rec) != 0)
		return refuse(st, a, "%s", "out of memory"), 0;
	*seen = rp_hashtab_get(st->cur->pairs, pair, 16, NULL) ||
	    rp_hashtab_get(st->old->pairs, pair, 16, NULL);
	if (*rec == NULL)
		return 1;
	if (sodium_memcmp((*rec)->ident, ident, 32) != 0)
		return refuse(st, a,
			   "job %.26s was first signed with another type, "
			   "arguments, tenant, targets or requester",
			   rq->job.job_id),
		       0;
	if (!*seen && (*rec)->agents >= (*rec)->targets)
		return refuse(st, a,
			   "job %.26s declared %u targets and was signed for "
			   "as many agents already",
			   rq->job.job_id, (unsigned)(*rec)->targets),
		       0;
	return 1;
}

static int
sign(struct signer_state *st, const struct signer_sign_req *in, int64_t now,
    struct signer_sign_ans *a)
{
	const struct signer_request *rq = &in->rq;
	struct proto_job *j = &a->job;
	unsigned char ident[32], pair[16];
	struct job_rec *rec = NULL;
	char *payload = NULL, why[sizeof(a->why)];
	const char *fault;
	size_t plen = 0;
	int seen = 0, r;

	a->seq = in->seq;
	copy_id(j->job_id, rq->job.job_id, sizeof(j->job_id));
	copy_id(j->agent_id, rq->job.agent_id, sizeof(j->agent_id));
	j->type = rq->job.type;
	if ((fault = request_fault(rq)) != NULL)
		return refuse(st, a, "%s", fault);
	if (rq->job.expires <= now)
		return refuse(st, a, "%s", "expires: not after now");
	*j = rq->job;
	j->issued = now;
	if (j->expires - now > PROTO_JOB_TTL_MAX)
		j->expires = now + PROTO_JOB_TTL_MAX;
	proto_job_nonce_new(j->nonce);
	if (proto_job_check(j, why, sizeof(why)) != 0) {
		memset(j, 0, sizeof(*j));
		copy_id(j->job_id, rq->job.job_id, sizeof(j->job_id));
		copy_id(j->agent_id, rq->job.agent_id, sizeof(j->agent_id));
		j->type = rq->job.type;
		return refuse(st, a, "%s", why);
	}
	if ((rq->tenant_id == 0 || rq->targets > st->approval_hosts) &&
	    (rq->approved_by == 0 || rq->approved_by == rq->requested_by))
		return refuse(st, a,
		    "%s job needs the approval of a second user",
		    rq->tenant_id == 0 ? "an MSP-wide"
				       : "a job above signer.approval_hosts");
	job_ident(rq, ident);
	pair_digest(st, j, pair);
	if (!history_ok(st, rq, ident, pair, &rec, &seen, a))
		return 0;
	if ((r = proto_job_payload(j, &payload, &plen, why, sizeof(why))) !=
	    0) {
		if (r == RP_ERR_NOMEM)
			return r;
		return refuse(st, a, "%s", why);
	}
	if ((r = remember(st, rec, rq, ident, pair, seen)) != 0) {
		free(payload);
		return r;
	}
	proto_job_sign(st->sk, payload, plen, a->sig);
	memcpy(a->payload, payload, plen);
	a->payload_len = (uint32_t)plen;
	free(payload);
	a->status = 0;
	st->signatures++;
	return 0;
}

int
signer_handle(struct signer_state *st, const void *in, size_t len, int64_t now,
    struct signer_msg *out)
{
	struct signer_msg m;
	uint32_t type, blen;
	int r;

	memset(out, 0, sizeof(*out));
	if (len < SIGNER_HDR_LEN || len > sizeof(m))
		return RP_ERR_INVALID;
	memcpy(&m, in, len);
	type = m.type;
	blen = m.len;
	if ((type != SIGNER_PUBKEY && type != SIGNER_SIGN) ||
	    blen != signer_msg_body_size(type) || len != SIGNER_HDR_LEN + blen)
		return RP_ERR_INVALID;
	if (type == SIGNER_PUBKEY) {
		out->type = SIGNER_PUBKEY_ANS;
		out->len = sizeof(out->u.pubkey);
		memcpy(out->u.pubkey.pk, st->pk, 32);
		memcpy(out->u.pubkey.key_id, st->key_id, sizeof(st->key_id));
		return 0;
	}
	out->type = SIGNER_SIGN_ANS;
	out->len = sizeof(out->u.sign_ans);
	if ((r = sign(st, &m.u.sign, now, &out->u.sign_ans)) != 0) {
		memset(out, 0, sizeof(*out));
		return r;
	}
	return 0;
}
