/*
 * The signer role (docs/internals/signer.md): started by the parent as
 * signer.user, it reads or creates the job-signing key in locked memory,
 * confines itself (confine.c), says it is ready, then serves one peer,
 * the HTTP role, over the socketpair the parent gave it (at start, or
 * later with MSG_PEER when the HTTP role starts or restarts).  A message
 * from the peer that breaks the framing is logged by its type and length
 * and the peer is dropped: signing stops until the parent brings a new
 * HTTP role.  The key is wiped on every way out, SIGTERM included.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "conf/conf.h"
#include "err.h"
#include "log/log.h"
#include "roles/roles.h"
#include "signer_int.h"

struct serve {
	const struct role_env *env;
	struct signer_state st;
	int peer;
	struct signer_msg in, out;
	int64_t last_hb;
};

static volatile sig_atomic_t stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static int64_t
mono_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

static int64_t
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec;
}

static void
drop_peer(struct serve *s)
{
	if (s->peer >= 0)
		close(s->peer);
	s->peer = -1;
}

/* Logs what one answered request did: never the key, nor the payload. */
static void
log_answer(const struct signer_msg *out)
{
	const struct signer_sign_ans *a = &out->u.sign_ans;
	const char *type = proto_job_type_name(a->job.type);
	char job[PROTO_JOB_ID_LEN + 1], agent[PROTO_AGENT_ID_LEN + 1];

	if (out->type != SIGNER_SIGN_ANS)
		return;
	snprintf(job, sizeof(job), "%s", a->job.job_id);
	snprintf(agent, sizeof(agent), "%s", a->job.agent_id);
	if (a->status == 0)
		log_info("job signed", "job", job, "agent", agent, "type", type,
		    NULL);
	else
		log_warn("job refused", "job", job, "agent", agent, "type",
		    type != NULL ? type : "?", "reason", a->why, NULL);
}

/* One packet from the peer. */
static int
on_peer(struct serve *s)
{
	char ty[16], ln[24];
	ssize_t n;
	int r;

	do
		n = recv(s->peer, &s->in, sizeof(s->in), MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		log_info("the http role closed its channel", NULL);
		drop_peer(s);
		return 0;
	}
	/* A packet longer than the largest message was cut by recv: it is
	   refused whole. */
	r = (size_t)n > sizeof(s->in)
	    ? RP_ERR_INVALID
	    : signer_handle(&s->st, &s->in, (size_t)n, now_s(), &s->out);
	if (r == RP_ERR_INVALID) {
		snprintf(ty, sizeof(ty), "%u",
		    (size_t)n >= SIGNER_HDR_LEN ? (unsigned)s->in.type : 0u);
		snprintf(ln, sizeof(ln), "%zd", n);
		log_error("malformed message from the http role; dropping it",
		    "type", ty, "length", ln, NULL);
		drop_peer(s);
		return 0;
	}
	if (r != 0) {
		log_error("cannot answer", "error", rp_strerror(r), NULL);
		return r;
	}
	log_answer(&s->out);
	if (send(s->peer, &s->out, SIGNER_HDR_LEN + s->out.len, MSG_NOSIGNAL) <
	    0) {
		log_warn("cannot answer the http role", "error",
		    strerror(errno), NULL);
		drop_peer(s);
	}
	explicit_bzero(&s->in, sizeof(s->in));
	return 0;
}

/* One message from the parent: -1 to go on, else the exit code. */
static int
on_parent(struct serve *s)
{
	struct msg m;
	int fd = -1, r;
	char gen[16];

	if ((r = role_parent_msg(s->env, &m, &fd)) >= 0)
		return r;
	if (m.type == MSG_PEER) {
		drop_peer(s);
		s->peer = fd;
		snprintf(gen, sizeof(gen), "%u", (unsigned)m.u.peer.generation);
		log_info(
		    "new channel to the http role", "generation", gen, NULL);
	}
	return -1;
}

static int
serve(struct serve *s, const sigset_t *waitmask)
{
	struct msg_heartbeat hb;
	struct timespec ts = {1, 0};
	struct pollfd pf[2];
	int n, rc;

	while (!stopping) {
		pf[0] = (struct pollfd){s->env->ipc, POLLIN, 0};
		pf[1] = (struct pollfd){s->peer, POLLIN, 0};
		n = ppoll(pf, s->peer >= 0 ? 2 : 1, &ts, waitmask);
		if (n < 0 && errno != EINTR)
			return 1;
		if (n > 0 && pf[0].revents != 0 && (rc = on_parent(s)) >= 0)
			return rc;
		if (n > 0 && s->peer >= 0 && pf[1].revents != 0 &&
		    (rc = on_peer(s)) != 0)
			return 1;
		if (mono_s() - s->last_hb >= ROLE_HEARTBEAT_SECONDS) {
			s->last_hb = mono_s();
			hb.requests = s->st.signatures + s->st.refusals;
			if (ipc_send(s->env->ipc, MSG_HEARTBEAT, &hb,
				sizeof(hb)) != 0)
				return 0;
		}
	}
	return 0;
}

/* SIGTERM and SIGINT only interrupt ppoll: the key is wiped on the way
 * out rather than left to a default action. */
static int
signals(sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0 ||
	    sigprocmask(SIG_BLOCK, &block, waitmask) != 0)
		return -1;
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
	return 0;
}

/* The key into locked memory, and what the filter will not allow later
 * done once now (the journal's socket, libsodium's generator). */
static int
prepare(struct serve *s, unsigned char *sk, sigset_t *waitmask)
{
	char dir[CONF_PATH_MAX + 8], err[4400], nonce[23];
	int created = 0, r;

	snprintf(dir, sizeof(dir), "%s/signer", s->env->conf->state_dir);
	if ((r = signer_key_load(dir, sk, &created, err, sizeof(err))) != 0) {
		log_error(
		    "cannot load the job-signing key", "error", err, NULL);
		return r;
	}
	if ((r = signer_state_init(&s->st, sk,
		 (uint32_t)s->env->conf->signer_approval_hosts)) != 0)
		return r;
	proto_job_nonce_new(nonce);
	log_info(created ? "job-signing key created" : "job-signing key loaded",
	    "kid", s->st.key_id, NULL);
	if (signals(waitmask) != 0)
		return RP_ERR_IO;
	if ((r = signer_confine()) != 0) {
		log_error(
		    "cannot confine the signer", "error", rp_strerror(r), NULL);
		return r;
	}
	return 0;
}

int
signer_main(const struct role_env *env)
{
	struct serve *s = NULL;
	struct msg_ready ready = {0};
	unsigned char *sk = NULL;
	sigset_t waitmask;
	int rc = 1;

	if (sodium_init() < 0 || (s = calloc(1, sizeof(*s))) == NULL ||
	    (sk = sodium_malloc(64)) == NULL) {
		log_error("cannot start", "error", "out of memory", NULL);
		goto out;
	}
	s->env = env;
	s->peer = env->peer_fd;
	s->last_hb = mono_s();
	if (prepare(s, sk, &waitmask) != 0)
		goto out;
	if (ipc_send(env->ipc, MSG_READY, &ready, sizeof(ready)) != 0)
		goto out;
	rc = serve(s, &waitmask);
	log_info("stopped", NULL);
out:
	if (s != NULL) {
		drop_peer(s);
		signer_state_clear(&s->st);
		sodium_memzero(s, sizeof(*s));
		free(s);
	}
	if (sk != NULL)
		sodium_free(sk);
	/* Not exit(): the confined process runs no atexit handler (a
	   sanitizer's leak check would need ptrace and clone). */
	_exit(rc);
}
