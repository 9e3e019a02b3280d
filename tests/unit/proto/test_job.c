/*
 * Jobs: every type round-trips through payload, signature, envelope and
 * proto_job_open; the payload's bytes are the documented ones; and each
 * kind of bad job is refused, by proto_job_check (what the signer runs
 * on a request) or by proto_job_open (what an agent runs): another key,
 * a changed byte, unknown or missing members, arguments of another type,
 * paths that are not absolute and normalised, times out of order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "proto/proto.h"
#include "util/err.h"

#define AGENT "abcdefghijklmnopqrstuvwxyz"
#define JOBID "234567abcdefghijklmnopqrst"
#define NONCE "AAAAAAAAAAAAAAAAAAAAAA"
#define HASH "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static unsigned char pk[32], sk[64], pk2[32], sk2[64];

static void
base(struct proto_job *j, int type)
{
	memset(j, 0, sizeof(*j));
	memcpy(j->agent_id, AGENT, sizeof(AGENT));
	memcpy(j->job_id, JOBID, sizeof(JOBID));
	memcpy(j->nonce, NONCE, sizeof(NONCE));
	j->type = type;
	j->issued = 1900000000;
	j->expires = 1900003600;
	switch (type) {
	case JOB_SWEEP:
		memcpy(j->bundle, HASH, sizeof(HASH));
		j->quarantine = 1;
		break;
	case JOB_QUARANTINE:
		snprintf(j->path, sizeof(j->path), "%s",
		    "/home/anna/AppData/Local/Programs/3CXDesktopApp/app/"
		    "ffmpeg.dll");
		break;
	case JOB_RESTORE:
	case JOB_PURGE:
		memcpy(j->entry, HASH, 32);
		break;
	case JOB_TERMINATE:
		j->pid = 4242;
		memcpy(j->sha256, HASH, sizeof(HASH));
		break;
	case JOB_BLOCK_APPLY:
	case JOB_BLOCK_VERIFY:
		memcpy(j->blocklist, HASH, sizeof(HASH));
		break;
	}
}

/* The envelope of j signed with key s (whose public half is p). */
static char *
seal(const struct proto_job *j, const unsigned char *s, const unsigned char *p)
{
	char *pl = NULL, *env = NULL, why[256], kid[PROTO_JOB_KEY_ID_LEN + 1];
	unsigned char sig[64];
	size_t len = 0;

	assert_int_equal(proto_job_payload(j, &pl, &len, why, sizeof(why)), 0);
	proto_job_sign(s, pl, len, sig);
	proto_job_key_id(p, kid);
	assert_int_equal(proto_job_envelope(kid, pl, sig, &env), 0);
	free(pl);
	return env;
}

static void
test_round_trip(void **state)
{
	struct proto_job j, got;
	char why[256];
	int t;

	(void)state;
	for (t = 1; t < JOB_TYPE_END; t++) {
		char *env;

		base(&j, t);
		assert_int_equal(proto_job_check(&j, why, sizeof(why)), 0);
		env = seal(&j, sk, pk);
		assert_int_equal(proto_job_open(env, strlen(env), pk, &got, why,
				     sizeof(why)),
		    0);
		assert_memory_equal(&j, &got, sizeof(j));
		{ /* the arguments alone, as the server keeps them */
			struct proto_job a;
			char *txt = NULL;

			assert_int_equal(proto_job_args_text(&j, &txt), 0);
			base(&a, t);
			memset(a.bundle, 0, sizeof(a.bundle));
			memset(a.path, 0, sizeof(a.path));
			memset(a.sha256, 0, sizeof(a.sha256));
			memset(a.entry, 0, sizeof(a.entry));
			memset(a.blocklist, 0, sizeof(a.blocklist));
			a.pid = a.quarantine = 0;
			assert_int_equal(proto_job_args_parse(&a, txt,
					     strlen(txt), why, sizeof(why)),
			    0);
			assert_memory_equal(&j, &a, sizeof(j));
			free(txt);
		}
		assert_int_equal(
		    proto_job_type_from_name(proto_job_type_name(t)), t);
		free(env);
	}
	/* fresh IDs and nonces pass the checks, and differ */
	base(&j, JOB_INVENTORY);
	proto_job_id_new(j.job_id);
	proto_job_nonce_new(j.nonce);
	assert_int_equal(proto_job_check(&j, why, sizeof(why)), 0);
	got = j;
	proto_job_nonce_new(got.nonce);
	assert_string_not_equal(j.nonce, got.nonce);
	assert_null(proto_job_type_name(0));
	assert_null(proto_job_type_name(JOB_TYPE_END));
	assert_int_equal(proto_job_type_from_name("shell"), 0);
}

/* docs/jobs.md shows this payload byte for byte. */
static void
test_documented_payload(void **state)
{
	struct proto_job j;
	char *pl = NULL, why[256];
	size_t len = 0;

	(void)state;
	base(&j, JOB_QUARANTINE);
	memset(j.path, 0, sizeof(j.path));
	snprintf(j.path, sizeof(j.path), "%s", "/opt/3cx/ffmpeg.dll");
	memcpy(j.sha256, HASH, sizeof(HASH));
	assert_int_equal(proto_job_payload(&j, &pl, &len, why, sizeof(why)), 0);
	assert_string_equal(pl,
	    "{\"v\":1,\"type\":\"quarantine\",\"job\":\"" JOBID "\","
	    "\"agent\":\"" AGENT "\",\"issued\":1900000000,"
	    "\"expires\":1900003600,\"nonce\":\"" NONCE "\","
	    "\"args\":{\"path\":\"/opt/3cx/ffmpeg.dll\",\"sha256\":\"" HASH
	    "\"}}");
	assert_int_equal(len, strlen(pl));
	free(pl);
}

static void
refused_check(struct proto_job *j, const char *what)
{
	char why[256] = "";

	assert_int_equal(proto_job_check(j, why, sizeof(why)), RP_ERR_INVALID);
	assert_non_null(strstr(why, what));
}

static void
test_check(void **state)
{
	static const char *const bad_paths[] = {"relative/x", "/", "/a/../b",
	    "/a/./b", "/a//b", "/a/", "/a/b\n", "/a/\xc0\xaf",
	    "/a/\xed\xa0\x80", "/a/..", NULL};
	struct proto_job j;
	size_t i;

	(void)state;
	for (i = 0; bad_paths[i] != NULL; i++) {
		base(&j, JOB_QUARANTINE);
		memset(j.path, 0, sizeof(j.path));
		snprintf(j.path, sizeof(j.path), "%s", bad_paths[i]);
		refused_check(&j, "path");
	}
	base(&j, JOB_QUARANTINE);
	memset(j.path, 0, sizeof(j.path));
	snprintf(j.path, sizeof(j.path), "%s", "/ok/Ünïcode file.dll");
	assert_int_equal(proto_job_check(&j, NULL, 0), 0);
	j.path[30] = 'x'; /* bytes after the NUL */
	refused_check(&j, "path");

	base(&j, JOB_SWEEP);
	snprintf(j.path, sizeof(j.path), "%s", "/etc");
	refused_check(&j, "path: only for a quarantine");
	base(&j, JOB_INVENTORY);
	j.quarantine = 1;
	refused_check(&j, "only for a sweep");
	base(&j, JOB_SWEEP);
	j.terminate = 2;
	refused_check(&j, "0 or 1");
	base(&j, JOB_SWEEP);
	j.bundle[3] = 'G';
	refused_check(&j, "bundle");
	base(&j, JOB_TERMINATE);
	j.pid = 1;
	refused_check(&j, "pid");
	base(&j, JOB_TERMINATE);
	j.sha256[0] = '\0';
	refused_check(&j, "sha256");
	base(&j, JOB_RESTORE);
	j.entry[0] = 'Z';
	refused_check(&j, "entry");
	base(&j, JOB_PURGE);
	j.expires = j.issued + PROTO_JOB_TTL_MAX + 1;
	refused_check(&j, "expires");
	base(&j, JOB_PURGE);
	j.expires = j.issued;
	refused_check(&j, "expires");
	base(&j, JOB_TYPE_END);
	refused_check(&j, "type");
	base(&j, JOB_INVENTORY);
	j.agent_id[0] = 'A';
	refused_check(&j, "agent");
	base(&j, JOB_INVENTORY);
	j.nonce[21] = '\0';
	refused_check(&j, "nonce");
	base(&j, JOB_INVENTORY);
	j.pad = 1;
	refused_check(&j, "padding");
}

static void
refused_open(const char *env, const unsigned char *key, const char *what)
{
	struct proto_job j;
	char why[256] = "";

	assert_int_equal(
	    proto_job_open(env, strlen(env), key, &j, why, sizeof(why)),
	    RP_ERR_INVALID);
	assert_non_null(strstr(why, what));
	assert_int_equal(j.type, 0);
}

/* A payload text signed as the signer would, enveloped. */
static char *
seal_text(const char *pl)
{
	char *env = NULL, kid[PROTO_JOB_KEY_ID_LEN + 1];
	unsigned char sig[64];

	proto_job_sign(sk, pl, strlen(pl), sig);
	proto_job_key_id(pk, kid);
	assert_int_equal(proto_job_envelope(kid, pl, sig, &env), 0);
	return env;
}

/* The blocklist jobs: their payloads, and what each refuses. */
static void
test_block(void **state)
{
	struct proto_job j;
	char *pl = NULL, *txt = NULL, why[256];
	size_t len = 0;

	(void)state;
	base(&j, JOB_BLOCK_APPLY);
	assert_int_equal(proto_job_payload(&j, &pl, &len, why, sizeof(why)), 0);
	assert_non_null(strstr(pl, "\"type\":\"block-apply\",\"job\""));
	assert_non_null(strstr(pl, "\"args\":{\"blocklist\":\"" HASH "\"}}"));
	free(pl);
	base(&j, JOB_BLOCK_REMOVE);
	assert_int_equal(proto_job_args_text(&j, &txt), 0);
	assert_string_equal(txt, "{}");
	free(txt);
	assert_int_equal(
	    proto_job_type_from_name("block-verify"), JOB_BLOCK_VERIFY);

	base(&j, JOB_BLOCK_APPLY);
	j.blocklist[0] = 'A';
	refused_check(&j, "blocklist: expected 64");
	base(&j, JOB_BLOCK_VERIFY);
	j.blocklist[63] = '\0';
	refused_check(&j, "blocklist: expected 64");
	base(&j, JOB_BLOCK_REMOVE);
	memcpy(j.blocklist, HASH, sizeof(HASH));
	refused_check(&j, "blocklist: only");
	base(&j, JOB_SWEEP);
	memcpy(j.blocklist, HASH, sizeof(HASH));
	refused_check(&j, "blocklist: only");
	base(&j, JOB_BLOCK_APPLY);
	memcpy(j.bundle, HASH, sizeof(HASH));
	refused_check(&j, "bundle: only for a sweep");
	base(&j, JOB_BLOCK_APPLY);
	j.pad2[6] = 1;
	refused_check(&j, "padding");

	/* arguments: exactly the type's members */
	base(&j, JOB_BLOCK_APPLY);
	memset(j.blocklist, 0, sizeof(j.blocklist));
	assert_int_equal(proto_job_args_parse(&j, "{}", 2, why, sizeof(why)),
	    RP_ERR_INVALID);
	assert_int_equal(
	    proto_job_args_parse(&j, "{\"blocklist\":\"" HASH "\",\"x\":1}", 86,
		why, sizeof(why)),
	    RP_ERR_INVALID);
	assert_non_null(strstr(why, "/args/x"));
	base(&j, JOB_BLOCK_REMOVE);
	assert_int_equal(
	    proto_job_args_parse(
		&j, "{\"blocklist\":\"" HASH "\"}", 80, why, sizeof(why)),
	    RP_ERR_INVALID);
}

static void
test_open(void **state)
{
	struct proto_job j;
	char *env, *p, kid[PROTO_JOB_KEY_ID_LEN + 1], why[256];

	(void)state;
	base(&j, JOB_QUARANTINE);
	env = seal(&j, sk2, pk2); /* another key */
	refused_open(env, pk, "another key");
	proto_job_key_id(pk2, kid);
	p = strstr(env, kid);
	proto_job_key_id(pk, kid);
	memcpy(p, kid, PROTO_JOB_KEY_ID_LEN); /* claims ours, signed by 2 */
	refused_open(env, pk, "does not verify");
	free(env);

	env = seal(&j, sk, pk);
	p = strstr(env, "ffmpeg");
	*p = 'g'; /* one byte of the payload */
	refused_open(env, pk, "does not verify");
	free(env);

	env = seal_text("{\"v\":1,\"type\":\"shell\",\"job\":\"" JOBID "\","
			"\"agent\":\"" AGENT "\",\"issued\":1900000000,"
			"\"expires\":1900003600,\"nonce\":\"" NONCE "\","
			"\"args\":{\"cmd\":\"rm -rf /\"}}");
	refused_open(env, pk, "/type: \"shell\" is not a job type");
	assert_int_equal(
	    proto_job_open(env, strlen(env), pk, &j, why, sizeof(why)),
	    RP_ERR_INVALID);
	assert_string_equal(j.job_id, JOBID); /* reportable */
	free(env);
	env = seal_text("{\"v\":1,\"type\":\"inventory\",\"job\":\"" JOBID "\","
			"\"agent\":\"" AGENT "\",\"issued\":1900000000,"
			"\"expires\":1900003600,\"nonce\":\"" NONCE "\","
			"\"args\":{\"path\":\"/etc\"}}");
	refused_open(env, pk, "/args/path: unknown member");
	free(env);
	env =
	    seal_text("{\"v\":1,\"type\":\"terminate\",\"job\":\"" JOBID "\","
		      "\"agent\":\"" AGENT "\",\"issued\":1900000000,"
		      "\"expires\":1900003600,\"nonce\":\"" NONCE "\","
		      "\"args\":{\"pid\":\"12\",\"exe_sha256\":\"" HASH "\"}}");
	refused_open(env, pk, "/args/pid: expected an integer");
	free(env);
	env = seal_text("{\"v\":1,\"v\":1}");
	refused_open(env, pk, "not JSON");
	free(env);
	env = seal_text("{\"v\":2,\"type\":\"inventory\",\"job\":\"" JOBID "\","
			"\"agent\":\"" AGENT "\",\"issued\":1900000000,"
			"\"expires\":1900003600,\"nonce\":\"" NONCE "\","
			"\"args\":{}}");
	refused_open(env, pk, "/v: expected 1");
	free(env);
	refused_open("[]", pk, "expected an object");
	base(&j, JOB_PURGE);
	memset(j.entry, 0, sizeof(j.entry));
	assert_int_equal(
	    proto_job_args_parse(&j, "{\"entry\":1}", 11, why, sizeof(why)),
	    RP_ERR_INVALID);
	assert_non_null(strstr(why, "/args/entry"));
	refused_open("{\"key\":\"x\",\"payload\":\"{}\",\"sig\":\"y\","
		     "\"run\":1}",
	    pk, "/run: unknown member");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_documented_payload),
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_block),
	    cmocka_unit_test(test_open),
	};

	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
