/*
 * The signer's client, in the HTTP role: one request and its answer at a
 * time over the socketpair (a mutex), each answer checked for its exact
 * length and type and, for SIGN, the request's sequence number, so a
 * late answer to a request that timed out is dropped rather than taken
 * for the next one's.  A signature is verified with the signer's public
 * key before it is handed out, and the job returned is the one parsed
 * back from the signed payload: what the caller stores is what agents
 * will see.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "signer_int.h"

#define TIMEOUT_MS 10000

struct signer_client {
	pthread_mutex_t mu;
	int fd; /* -1: no channel (the signer is restarting) */
	uint64_t seq;
	int have_pk;
	unsigned char pk[32];
	char key_id[PROTO_JOB_KEY_ID_LEN + 1];
	struct signer_msg in, out; /* under mu */
};

int
signer_client_new(int fd, struct signer_client **out)
{
	struct signer_client *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (c == NULL)
		return RP_ERR_NOMEM;
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return RP_ERR_NOMEM;
	}
	c->fd = fd;
	*out = c;
	return 0;
}

void
signer_client_free(struct signer_client *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void
signer_client_reset(struct signer_client *c, int fd)
{
	pthread_mutex_lock(&c->mu);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = fd;
	c->have_pk = 0;
	pthread_mutex_unlock(&c->mu);
}

static int64_t
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Sends c->out (body of blen bytes) and waits for an answer of type want
 * (and sequence number seq for SIGN_ANS) in c->in.  Under c->mu.
 */
static int
exchange(struct signer_client *c, uint32_t blen, uint32_t want, uint64_t seq)
{
	int64_t deadline = mono_ms() + TIMEOUT_MS, left;
	ssize_t n;

	if (c->fd < 0)
		return RP_ERR_IO;
	c->out.len = blen;
	do
		n = send(c->fd, &c->out, SIGNER_HDR_LEN + blen, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)(SIGNER_HDR_LEN + blen))
		return RP_ERR_IO;
	for (;;) {
		struct pollfd pf = {c->fd, POLLIN, 0};
		if ((left = deadline - mono_ms()) <= 0)
			return RP_ERR_IO;
		n = poll(&pf, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return RP_ERR_IO;
		n = recv(c->fd, &c->in, sizeof(c->in), MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return RP_ERR_IO;
		if ((size_t)n < SIGNER_HDR_LEN || (size_t)n > sizeof(c->in) ||
		    c->in.type != want ||
		    c->in.len != signer_msg_body_size(want) ||
		    (size_t)n != SIGNER_HDR_LEN + c->in.len)
			continue; /* late or foreign: not this answer */
		if (want == SIGNER_SIGN_ANS && c->in.u.sign_ans.seq != seq)
			continue;
		return 0;
	}
}

/* Under c->mu. */
static int
fetch_pk(struct signer_client *c)
{
	int r;

	if (c->have_pk)
		return 0;
	memset(&c->out, 0, SIGNER_HDR_LEN);
	c->out.type = SIGNER_PUBKEY;
	if ((r = exchange(c, 0, SIGNER_PUBKEY_ANS, 0)) != 0)
		return r;
	c->in.u.pubkey.key_id[PROTO_JOB_KEY_ID_LEN] = '\0';
	memcpy(c->pk, c->in.u.pubkey.pk, 32);
	proto_job_key_id(c->pk, c->key_id);
	if (strcmp(c->key_id, c->in.u.pubkey.key_id) != 0)
		return RP_ERR_IO; /* the signer is confused: no key */
	c->have_pk = 1;
	return 0;
}

int
signer_public_key(struct signer_client *c, unsigned char pk[32],
    char key_id[PROTO_JOB_KEY_ID_LEN + 1])
{
	int r;

	pthread_mutex_lock(&c->mu);
	if ((r = fetch_pk(c)) == 0) {
		memcpy(pk, c->pk, 32);
		memcpy(key_id, c->key_id, PROTO_JOB_KEY_ID_LEN + 1);
	}
	pthread_mutex_unlock(&c->mu);
	return r;
}

static void
why_put(char *why, size_t whylen, const char *s)
{
	size_t n;

	if (whylen == 0)
		return;
	n = strnlen(s, whylen - 1);
	memcpy(why, s, n);
	why[n] = '\0';
}

/* The answer in c->in into an envelope, verified.  Under c->mu. */
static int
take_answer(struct signer_client *c, char **envelope,
    struct proto_job *signed_job, char *why, size_t whylen)
{
	struct signer_sign_ans *a = &c->in.u.sign_ans;
	char *env = NULL, pwhy[256];
	struct proto_job j;
	int r;

	a->why[sizeof(a->why) - 1] = '\0';
	if (a->status != 0) {
		why_put(why, whylen, a->why[0] != '\0' ? a->why : "refused");
		return RP_ERR_INVALID;
	}
	if (a->payload_len == 0 || a->payload_len >= sizeof(a->payload) ||
	    memchr(a->payload, '\0', a->payload_len) != NULL)
		return RP_ERR_IO;
	a->payload[a->payload_len] = '\0';
	if ((r = proto_job_envelope(c->key_id, a->payload, a->sig, &env)) != 0)
		return r;
	if (proto_job_open(env, strlen(env), c->pk, &j, pwhy, sizeof(pwhy)) !=
	    0) {
		free(env);
		why_put(why, whylen, "the signer's answer does not verify");
		return RP_ERR_IO;
	}
	*envelope = env;
	*signed_job = j;
	return 0;
}

int
signer_sign(struct signer_client *c, const struct signer_request *rq,
    char **envelope, struct proto_job *signed_job, char *why, size_t whylen)
{
	int r;

	*envelope = NULL;
	why_put(why, whylen, "");
	pthread_mutex_lock(&c->mu);
	if ((r = fetch_pk(c)) != 0)
		goto out;
	memset(&c->out, 0, SIGNER_HDR_LEN + sizeof(c->out.u.sign));
	c->out.type = SIGNER_SIGN;
	c->out.u.sign.seq = ++c->seq;
	c->out.u.sign.rq = *rq;
	if ((r = exchange(c, sizeof(c->out.u.sign), SIGNER_SIGN_ANS, c->seq)) !=
	    0)
		goto out;
	r = take_answer(c, envelope, signed_job, why, whylen);
out:
	if (r == RP_ERR_IO && whylen > 0 && why[0] == '\0')
		why_put(why, whylen, "the signer does not answer");
	pthread_mutex_unlock(&c->mu);
	return r;
}
