/*
 * The signer without a process: signer_handle's message checks (each
 * wrong length and type refused), its policy (approval above the
 * threshold and for MSP-wide jobs, not by the requester; no more agents
 * than a job declared; a job ID not reused for another job; expiry after
 * now and cut to PROTO_JOB_TTL_MAX), signatures that proto_job_open
 * accepts, the client over a real socketpair against the handler in a
 * thread, and the key file's checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signer/signer_int.h"
#include "util/err.h"

#define AGENT "abcdefghijklmnopqrstuvwxyz"
#define AGENT2 "bbcdefghijklmnopqrstuvwxyz"
#define AGENT3 "cbcdefghijklmnopqrstuvwxyz"
#define JOBID "234567abcdefghijklmnopqrst"
#define NOW ((int64_t)1900000000)

static unsigned char pk[32], sk[64];
static struct signer_msg in, out;

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	crypto_sign_keypair(pk, sk);
	return 0;
}

static void
request(struct signer_request *rq, const char *agent, const char *path)
{
	memset(rq, 0, sizeof(*rq));
	memcpy(rq->job.agent_id, agent, PROTO_AGENT_ID_LEN + 1);
	memcpy(rq->job.job_id, JOBID, sizeof(JOBID));
	rq->job.type = JOB_QUARANTINE;
	rq->job.expires = NOW + 3600;
	snprintf(rq->job.path, sizeof(rq->job.path), "%s", path);
	rq->tenant_id = 7;
	rq->requested_by = 1;
	rq->targets = 1;
}

/* Handles a SIGN of rq: the handler's result; the answer in out. */
static int
sign(struct signer_state *st, const struct signer_request *rq, uint64_t seq)
{
	memset(&in, 0, sizeof(in));
	in.type = SIGNER_SIGN;
	in.len = sizeof(in.u.sign);
	in.u.sign.seq = seq;
	in.u.sign.rq = *rq;
	return signer_handle(
	    st, &in, SIGNER_HDR_LEN + sizeof(in.u.sign), NOW, &out);
}

/* A SIGN that must be signed: the payload opens with pk. */
static void
assert_signed(struct signer_state *st, const struct signer_request *rq)
{
	struct proto_job j;
	char *env = NULL, why[256];

	assert_int_equal(sign(st, rq, 9), 0);
	assert_int_equal(out.type, SIGNER_SIGN_ANS);
	assert_int_equal(out.len, sizeof(out.u.sign_ans));
	assert_string_equal(out.u.sign_ans.why, "");
	assert_int_equal(out.u.sign_ans.status, 0);
	assert_int_equal(out.u.sign_ans.seq, 9);
	assert_int_equal(
	    out.u.sign_ans.payload_len, strlen(out.u.sign_ans.payload));
	assert_int_equal(proto_job_envelope(st->key_id, out.u.sign_ans.payload,
			     out.u.sign_ans.sig, &env),
	    0);
	assert_int_equal(
	    proto_job_open(env, strlen(env), pk, &j, why, sizeof(why)), 0);
	free(env);
	assert_memory_equal(&j, &out.u.sign_ans.job, sizeof(j));
	assert_string_equal(j.agent_id, rq->job.agent_id);
	assert_string_equal(j.path, rq->job.path);
	assert_int_equal(j.issued, NOW);
}

static void
assert_refused(
    struct signer_state *st, const struct signer_request *rq, const char *why)
{
	assert_int_equal(sign(st, rq, 3), 0);
	assert_int_equal(out.type, SIGNER_SIGN_ANS);
	assert_int_equal(out.u.sign_ans.status, RP_ERR_INVALID);
	assert_int_equal(out.u.sign_ans.seq, 3);
	assert_int_equal(out.u.sign_ans.payload_len, 0);
	assert_non_null(strstr(out.u.sign_ans.why, why));
}

static void
test_messages(void **state)
{
	struct signer_state st;
	struct signer_request rq;
	uint32_t types[] = {
	    0, SIGNER_PUBKEY_ANS, SIGNER_SIGN_ANS, 5, 99, 0xffffffffu};
	size_t slen = SIGNER_HDR_LEN + sizeof(in.u.sign);

	(void)state;
	assert_int_equal(signer_state_init(&st, sk, 25), 0);
	/* PUBKEY: the header alone. */
	memset(&in, 0, sizeof(in));
	in.type = SIGNER_PUBKEY;
	assert_int_equal(signer_handle(&st, &in, SIGNER_HDR_LEN, NOW, &out), 0);
	assert_int_equal(out.type, SIGNER_PUBKEY_ANS);
	assert_int_equal(out.len, sizeof(out.u.pubkey));
	assert_memory_equal(out.u.pubkey.pk, pk, 32);
	assert_string_equal(out.u.pubkey.key_id, st.key_id);
	/* ... not one byte more, nor less, nor a length that lies. */
	assert_int_equal(signer_handle(&st, &in, SIGNER_HDR_LEN + 1, NOW, &out),
	    RP_ERR_INVALID);
	assert_int_equal(signer_handle(&st, &in, SIGNER_HDR_LEN - 1, NOW, &out),
	    RP_ERR_INVALID);
	assert_int_equal(signer_handle(&st, &in, 0, NOW, &out), RP_ERR_INVALID);
	in.len = 1;
	assert_int_equal(signer_handle(&st, &in, SIGNER_HDR_LEN + 1, NOW, &out),
	    RP_ERR_INVALID);
	/* SIGN: exactly its size. */
	request(&rq, AGENT, "/tmp/x");
	assert_int_equal(sign(&st, &rq, 1), 0);
	assert_int_equal(out.u.sign_ans.status, 0);
	assert_int_equal(
	    signer_handle(&st, &in, slen - 1, NOW, &out), RP_ERR_INVALID);
	assert_int_equal(out.type, 0); /* no answer */
	assert_int_equal(
	    signer_handle(&st, &in, slen + 1, NOW, &out), RP_ERR_INVALID);
	assert_int_equal(
	    signer_handle(&st, &in, sizeof(in) + 1, NOW, &out), RP_ERR_INVALID);
	in.len = (uint32_t)sizeof(in.u.sign) - 1;
	assert_int_equal(
	    signer_handle(&st, &in, slen - 1, NOW, &out), RP_ERR_INVALID);
	in.len = (uint32_t)sizeof(in.u.sign);
	assert_int_equal(signer_handle(&st, &in, slen, NOW, &out), 0);
	/* Types the client never sends, at the size of each. */
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		in.type = types[i];
		for (uint32_t t = SIGNER_PUBKEY; t < SIGNER_TYPE_END; t++) {
			in.len = (uint32_t)signer_msg_body_size(t);
			assert_int_equal(
			    signer_handle(
				&st, &in, SIGNER_HDR_LEN + in.len, NOW, &out),
			    RP_ERR_INVALID);
		}
	}
	/* A SIGN's body sent as a PUBKEY and the other way round. */
	in.type = SIGNER_PUBKEY;
	in.len = (uint32_t)sizeof(in.u.sign);
	assert_int_equal(
	    signer_handle(&st, &in, slen, NOW, &out), RP_ERR_INVALID);
	in.type = SIGNER_SIGN;
	in.len = 0;
	assert_int_equal(
	    signer_handle(&st, &in, SIGNER_HDR_LEN, NOW, &out), RP_ERR_INVALID);
	assert_int_equal(st.signatures, 2);
	signer_state_clear(&st);
}

static void
test_sign_times(void **state)
{
	struct signer_state st;
	struct signer_request rq;
	char nonce[23];

	(void)state;
	assert_int_equal(signer_state_init(&st, sk, 25), 0);
	request(&rq, AGENT, "/opt/3cx/ffmpeg.dll");
	assert_signed(&st, &rq);
	assert_int_equal(out.u.sign_ans.job.expires, NOW + 3600);
	memcpy(nonce, out.u.sign_ans.job.nonce, sizeof(nonce));
	/* Signed again for the same agent: a new nonce, no extra agent. */
	rq.job.issued = 5; /* the client's times are not taken */
	memcpy(rq.job.nonce, nonce, sizeof(nonce));
	assert_signed(&st, &rq);
	assert_string_not_equal(out.u.sign_ans.job.nonce, nonce);
	/* Expiry far away: cut to the longest allowed. */
	rq.job.expires = NOW + 30 * 86400;
	request(&rq, AGENT, "/opt/3cx/ffmpeg.dll");
	rq.job.expires = NOW + 30 * 86400;
	memcpy(rq.job.job_id, "334567abcdefghijklmnopqrst", 27);
	assert_signed(&st, &rq);
	assert_int_equal(out.u.sign_ans.job.expires, NOW + PROTO_JOB_TTL_MAX);
	/* Expiry not after now. */
	memcpy(rq.job.job_id, "434567abcdefghijklmnopqrst", 27);
	rq.job.expires = NOW;
	assert_refused(&st, &rq, "expires: not after now");
	/* A malformed job: answered with the check's reason. */
	request(&rq, AGENT, "relative/path");
	memcpy(rq.job.job_id, "534567abcdefghijklmnopqrst", 27);
	assert_refused(&st, &rq, "path:");
	assert_string_equal(out.u.sign_ans.job.job_id, rq.job.job_id);
	request(&rq, AGENT, "/x");
	rq.pad = 1;
	assert_refused(&st, &rq, "padding");
	request(&rq, AGENT, "/x");
	rq.requested_by = 0;
	assert_refused(&st, &rq, "requested_by");
	request(&rq, AGENT, "/x");
	rq.targets = 0;
	assert_refused(&st, &rq, "targets");
	assert_int_equal(st.signatures, 3);
	assert_int_equal(st.refusals, 5);
	signer_state_clear(&st);
}

static void
test_approval(void **state)
{
	struct signer_state st;
	struct signer_request rq;

	(void)state;
	assert_int_equal(signer_state_init(&st, sk, 25), 0);
	/* At the threshold: no approval needed. */
	request(&rq, AGENT, "/x");
	rq.targets = 25;
	assert_signed(&st, &rq);
	/* Above it: refused without a second user. */
	request(&rq, AGENT, "/x");
	memcpy(rq.job.job_id, "334567abcdefghijklmnopqrst", 27);
	rq.targets = 26;
	assert_refused(&st, &rq, "needs the approval of a second user");
	rq.approved_by = rq.requested_by;
	assert_refused(&st, &rq, "needs the approval of a second user");
	rq.approved_by = 2;
	assert_signed(&st, &rq);
	/* MSP-wide, even for one host. */
	request(&rq, AGENT, "/x");
	memcpy(rq.job.job_id, "434567abcdefghijklmnopqrst", 27);
	rq.tenant_id = 0;
	assert_refused(&st, &rq, "MSP-wide job needs the approval");
	rq.approved_by = 1;
	assert_refused(&st, &rq, "MSP-wide job needs the approval");
	rq.approved_by = 3;
	assert_signed(&st, &rq);
	signer_state_clear(&st);
	/* The threshold is the configured one. */
	assert_int_equal(signer_state_init(&st, sk, 1), 0);
	request(&rq, AGENT, "/x");
	rq.targets = 2;
	assert_refused(&st, &rq, "signer.approval_hosts");
	signer_state_clear(&st);
}

static void
test_agents_and_changes(void **state)
{
	struct signer_state st;
	struct signer_request rq, first;

	(void)state;
	assert_int_equal(signer_state_init(&st, sk, 25), 0);
	request(&first, AGENT, "/x");
	first.targets = 2;
	rq = first;
	assert_signed(&st, &rq);
	memcpy(rq.job.agent_id, AGENT2, sizeof(AGENT2));
	assert_signed(&st, &rq);
	/* Again for the first agent (a retry): still two agents. */
	rq = first;
	assert_signed(&st, &rq);
	memcpy(rq.job.agent_id, AGENT3, sizeof(AGENT3));
	assert_refused(&st, &rq, "declared 2 targets");
	/* The same job ID for another job: each member that is bound. */
	rq = first;
	snprintf(rq.job.path, sizeof(rq.job.path), "%s", "/y");
	assert_refused(&st, &rq, "first signed with another");
	rq = first;
	rq.tenant_id = 8;
	assert_refused(&st, &rq, "first signed with another");
	rq = first;
	rq.targets = 3;
	assert_refused(&st, &rq, "first signed with another");
	rq = first;
	rq.requested_by = 4;
	assert_refused(&st, &rq, "first signed with another");
	rq = first;
	rq.job.type = JOB_TERMINATE;
	rq.job.path[0] = '\0';
	memset(rq.job.path, 0, sizeof(rq.job.path));
	rq.job.pid = 4242;
	memset(rq.job.sha256, 'a', 64);
	assert_refused(&st, &rq, "first signed with another");
	/* A different expiry is not a different job. */
	rq = first;
	rq.job.expires = NOW + 60;
	assert_signed(&st, &rq);
	signer_state_clear(&st);
}

/* Blocklist jobs: signed with their blob's hash, and a job ID signed
 * for one blob is never signed for another. */
static void
test_block_jobs(void **state)
{
	struct signer_state st;
	struct signer_request rq, first;

	(void)state;
	assert_int_equal(signer_state_init(&st, sk, 25), 0);
	request(&first, AGENT, "/x");
	memset(first.job.path, 0, sizeof(first.job.path));
	first.job.type = JOB_BLOCK_APPLY;
	memset(first.job.blocklist, 'c', 64);
	first.targets = 2;
	assert_signed(&st, &first);
	assert_string_equal(out.u.sign_ans.job.blocklist, first.job.blocklist);
	assert_non_null(
	    strstr(out.u.sign_ans.payload, "\"type\":\"block-apply\""));
	rq = first;
	memcpy(rq.job.agent_id, AGENT2, sizeof(AGENT2));
	rq.job.blocklist[10] = 'd';
	assert_refused(&st, &rq, "first signed with another");
	/* block-remove has no blocklist; one with it is refused */
	request(&rq, AGENT, "/x");
	memset(rq.job.path, 0, sizeof(rq.job.path));
	memcpy(rq.job.job_id, "abcdefghijklmnopqrstuvwxyz", 27);
	rq.job.type = JOB_BLOCK_REMOVE;
	memset(rq.job.blocklist, 'c', 64);
	assert_refused(&st, &rq, "blocklist: only");
	memset(rq.job.blocklist, 0, sizeof(rq.job.blocklist));
	assert_signed(&st, &rq);
	signer_state_clear(&st);
}

/* A job's count survives the rotation of the job memory. */
static void
test_memory_rotation(void **state)
{
	struct signer_state st;
	struct signer_request rq, first;
	char id[PROTO_JOB_ID_LEN + 1];

	(void)state;
	assert_int_equal(signer_state_init(&st, sk, 25), 0);
	request(&first, AGENT, "/x");
	rq = first;
	assert_signed(&st, &rq);
	for (int i = 0; i < SIGNER_JOBS_MAX / 2 + 10; i++) {
		request(&rq, AGENT, "/x");
		/* Distinct IDs: i in base32 at the end. */
		memset(id, 'a', PROTO_JOB_ID_LEN);
		id[PROTO_JOB_ID_LEN] = '\0';
		for (int k = 0; k < 4; k++)
			id[PROTO_JOB_ID_LEN - 1 - k] =
			    "abcdefghijklmnopqrstuvwxyz234567"[(i >> (5 * k)) &
				31];
		memcpy(rq.job.job_id, id, sizeof(id));
		assert_int_equal(sign(&st, &rq, 1), 0);
		assert_int_equal(out.u.sign_ans.status, 0);
	}
	assert_int_equal(st.signatures, SIGNER_JOBS_MAX / 2 + 11);
	rq = first;
	memcpy(rq.job.agent_id, AGENT2, sizeof(AGENT2));
	assert_refused(&st, &rq, "declared 1 targets");
	signer_state_clear(&st);
}

/* --- the client over a socketpair ---------------------------------- */

struct server {
	int fd;
	struct signer_state st;
	int answer_late; /* first SIGN: a stale answer before the real one */
};

static void *
serve(void *arg)
{
	struct server *s = arg;
	static struct signer_msg rin, rout;
	ssize_t n;

	while ((n = recv(s->fd, &rin, sizeof(rin), 0)) > 0) {
		if (signer_handle(&s->st, &rin, (size_t)n, NOW + 100, &rout) !=
		    0)
			break;
		if (s->answer_late && rout.type == SIGNER_SIGN_ANS) {
			struct signer_msg stale = rout;
			s->answer_late = 0;
			stale.u.sign_ans.seq += 1000;
			stale.u.sign_ans.status = RP_ERR_INVALID;
			send(s->fd, &stale, SIGNER_HDR_LEN + stale.len, 0);
		}
		send(s->fd, &rout, SIGNER_HDR_LEN + rout.len, 0);
	}
	close(s->fd);
	return NULL;
}

static void
test_client(void **state)
{
	struct server s;
	struct signer_client *c;
	struct signer_request rq;
	struct proto_job j;
	unsigned char got[32];
	char kid[PROTO_JOB_KEY_ID_LEN + 1], why[256], *env = NULL;
	pthread_t t;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	memset(&s, 0, sizeof(s));
	s.fd = sv[1];
	s.answer_late = 1;
	assert_int_equal(signer_state_init(&s.st, sk, 25), 0);
	assert_int_equal(pthread_create(&t, NULL, serve, &s), 0);
	assert_int_equal(signer_client_new(sv[0], &c), 0);
	assert_int_equal(signer_public_key(c, got, kid), 0);
	assert_memory_equal(got, pk, 32);
	assert_string_equal(kid, s.st.key_id);
	request(&rq, AGENT, "/opt/x");
	rq.job.expires = NOW + 3600;
	/* The stale answer (another seq) is skipped. */
	assert_int_equal(signer_sign(c, &rq, &env, &j, why, sizeof(why)), 0);
	assert_non_null(env);
	assert_string_equal(j.path, "/opt/x");
	assert_int_equal(j.issued, NOW + 100);
	free(env);
	env = NULL;
	rq.tenant_id = 0;
	memcpy(rq.job.job_id, "334567abcdefghijklmnopqrst", 27);
	assert_int_equal(
	    signer_sign(c, &rq, &env, &j, why, sizeof(why)), RP_ERR_INVALID);
	assert_null(env);
	assert_non_null(strstr(why, "approval of a second user"));
	/* A malformed message ends the server: the client sees it gone. */
	send(sv[0], "x", 1, 0);
	pthread_join(t, NULL);
	assert_int_equal(
	    signer_sign(c, &rq, &env, &j, why, sizeof(why)), RP_ERR_IO);
	assert_null(env);
	/* No channel at all. */
	signer_client_reset(c, -1);
	assert_int_equal(signer_public_key(c, got, kid), RP_ERR_IO);
	signer_client_free(c);
	signer_state_clear(&s.st);
}

/* --- the key file -------------------------------------------------- */

static void
test_key_file(void **state)
{
	char dir[] = "/tmp/signer-test-XXXXXX", path[128], link[128];
	unsigned char k1[64], k2[64], bad[64];
	char err[512];
	int created = -1, fd;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, SIGNER_KEY_FILE);
	assert_int_equal(
	    signer_key_load(dir, k1, &created, err, sizeof(err)), 0);
	assert_int_equal(created, 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 64);
	assert_int_equal(
	    signer_key_load(dir, k2, &created, err, sizeof(err)), 0);
	assert_int_equal(created, 0);
	assert_memory_equal(k1, k2, 64);
	/* Readable by the group: refused. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(signer_key_load(dir, k2, &created, err, sizeof(err)),
	    RP_ERR_INVALID);
	assert_non_null(strstr(err, "no group or other access"));
	assert_int_equal(chmod(path, 0600), 0);
	/* The directory open to others: refused. */
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(signer_key_load(dir, k2, &created, err, sizeof(err)),
	    RP_ERR_INVALID);
	assert_int_equal(chmod(dir, 0700), 0);
	/* The public half not the seed's. */
	memcpy(bad, k1, 64);
	bad[40] ^= 1;
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bad, 64), 64);
	close(fd);
	assert_int_equal(signer_key_load(dir, k2, &created, err, sizeof(err)),
	    RP_ERR_INVALID);
	assert_non_null(strstr(err, "does not match"));
	/* A short file. */
	assert_int_equal(truncate(path, 63), 0);
	assert_int_equal(signer_key_load(dir, k2, &created, err, sizeof(err)),
	    RP_ERR_INVALID);
	/* A symbolic link in its place. */
	assert_int_equal(unlink(path), 0);
	snprintf(link, sizeof(link), "%s/elsewhere", dir);
	fd = open(link, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, k1, 64), 64);
	close(fd);
	assert_int_equal(symlink(link, path), 0);
	assert_int_equal(signer_key_load(dir, k2, &created, err, sizeof(err)),
	    RP_ERR_INVALID);
	assert_non_null(strstr(err, "symbolic link"));
	unlink(path);
	unlink(link);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_sign_times),
	    cmocka_unit_test(test_approval),
	    cmocka_unit_test(test_agents_and_changes),
	    cmocka_unit_test(test_block_jobs),
	    cmocka_unit_test(test_memory_rotation),
	    cmocka_unit_test(test_client),
	    cmocka_unit_test(test_key_file),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
