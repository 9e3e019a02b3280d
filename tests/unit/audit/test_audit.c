/*
 * The audit chain: a known-answer hash, and a chain of entries that
 * verifies until one is edited, deleted, inserted or cut off, when the
 * verifier names the problem and the entry where it is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "audit/audit.h"

#define N 8

/*
 * The known answer was derived outside this code with the shell (bash,
 * coreutils sha256sum) from the encoding audit.h specifies:
 *
 *   f() { printf '%s:%s\n' "${#1}" "$1"; }
 *   { printf 'rampart-audit-v1'; f 1; f 2026-01-02T03:04:05.678Z;
 *     f user:alice; f 192.0.2.1; f login; f ""; f user:alice; f ok;
 *     f '{"mfa":true}'; f 0000...0000 (64 zeros); } | sha256sum
 */
#define KAT_HASH                                                               \
	"c4c112924cec2ca930148ffa2843e72ca21186cdf4fc702a2872d74b2b631f65"

static char *
xdup(const char *s)
{
	char *p = strdup(s);

	assert_non_null(p);
	return p;
}

static void
fill(struct audit_entry *e, int64_t seq, const char *action, const char *detail)
{
	memset(e, 0, sizeof(*e));
	e->seq = seq;
	snprintf(e->at, sizeof(e->at), "2026-01-02T03:04:%02d.000Z",
	    (int)(seq % 60));
	e->actor = xdup("user:alice");
	e->address = xdup("192.0.2.1");
	e->action = xdup(action);
	e->tenant = xdup(seq % 2 ? "acme" : "");
	e->target = xdup("tenant:acme");
	e->outcome = xdup("ok");
	e->detail = xdup(detail);
}

/* A chain of n entries linked as the store links them. */
static void
chain(struct audit_entry *v, size_t n)
{
	char prev[65];
	size_t i;

	memcpy(prev, AUDIT_GENESIS, sizeof(prev));
	for (i = 0; i < n; i++) {
		fill(&v[i], (int64_t)i + 1, "tenant.create", "{\"n\":1}");
		memcpy(v[i].prev, prev, sizeof(prev));
		assert_int_equal(audit_hash(&v[i], v[i].hash), 0);
		memcpy(prev, v[i].hash, sizeof(prev));
	}
}

static void
rehash(struct audit_entry *e)
{
	assert_int_equal(audit_hash(e, e->hash), 0);
}

/* Verifies v[0..n) against the head (head_seq, head_hash); returns the
 * problem and its seq in *at. */
static enum audit_problem
verify(const struct audit_entry *v, size_t n, int64_t head_seq,
    const char *head_hash, int64_t *at)
{
	struct audit_verifier ver;
	enum audit_problem p = AUDIT_OK;
	size_t i;

	audit_verify_init(&ver);
	for (i = 0; i < n && p == AUDIT_OK; i++)
		p = audit_verify_next(&ver, &v[i]);
	if (p == AUDIT_OK)
		p = audit_verify_end(&ver, head_seq, head_hash);
	*at = ver.seq;
	assert_int_equal(ver.problem, p);
	return p;
}

static void
test_known_answer(void **state)
{
	struct audit_entry e;

	memset(&e, 0, sizeof(e));
	e.seq = 1;
	snprintf(e.at, sizeof(e.at), "2026-01-02T03:04:05.678Z");
	e.actor = "user:alice";
	e.address = "192.0.2.1";
	e.action = "login";
	e.tenant = "";
	e.target = "user:alice";
	e.outcome = "ok";
	e.detail = "{\"mfa\":true}";
	memcpy(e.prev, AUDIT_GENESIS, sizeof(e.prev));
	assert_int_equal(audit_hash(&e, e.hash), 0);
	assert_string_equal(e.hash, KAT_HASH);
	/* NULL strings hash as empty ones (the store records ""). */
	e.tenant = NULL;
	assert_int_equal(audit_hash(&e, e.hash), 0);
	assert_string_equal(e.hash, KAT_HASH);
}

/* The encoding written out a second time, on OpenSSL's SHA-256. */
static void
evp_hash(const struct audit_entry *e, char out[65])
{
	const char *f[10];
	char seq[24], buf[4096], hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int mdlen = 0;
	size_t len = 0, i;
	int k;

	snprintf(seq, sizeof(seq), "%lld", (long long)e->seq);
	f[0] = seq, f[1] = e->at, f[2] = e->actor, f[3] = e->address;
	f[4] = e->action, f[5] = e->tenant, f[6] = e->target;
	f[7] = e->outcome, f[8] = e->detail, f[9] = e->prev;
	k = snprintf(buf, sizeof(buf), "rampart-audit-v1");
	len = (size_t)k;
	for (i = 0; i < 10; i++) {
		k = snprintf(buf + len, sizeof(buf) - len, "%zu:%s\n",
		    strlen(f[i]), f[i]);
		assert_true(k > 0 && (size_t)k < sizeof(buf) - len);
		len += (size_t)k;
	}
	assert_int_equal(
	    EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL), 1);
	assert_int_equal(mdlen, 32);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

/* Fields holding the separators and multi-byte text: the lengths are
 * bytes, so "1:\n" inside a field cannot pose as a field boundary. */
static void
test_matches_openssl(void **state)
{
	struct audit_entry v[3];
	char h[65];
	size_t i;

	chain(v, 3);
	free(v[1].detail);
	v[1].detail = xdup("{\"why\":\"a\\n1:b\"}\n3:x:\n");
	free(v[2].target);
	v[2].target = xdup("user:J\xc3\xbcrgen");
	for (i = 0; i < 3; i++) {
		rehash(&v[i]);
		evp_hash(&v[i], h);
		assert_string_equal(v[i].hash, h);
	}
	/* Moving a byte from one field to the next changes the hash. */
	free(v[0].actor);
	v[0].actor = xdup("user:alice1");
	free(v[0].address);
	v[0].address = xdup("92.0.2.1");
	rehash(&v[0]);
	evp_hash(&v[0], h);
	assert_string_equal(v[0].hash, h);
	for (i = 0; i < 3; i++)
		audit_entry_clear(&v[i]);
}

static void
test_chain_verifies(void **state)
{
	struct audit_entry v[N];
	int64_t at;

	chain(v, N);
	assert_int_equal(verify(v, N, N, v[N - 1].hash, &at), AUDIT_OK);
	/* The empty chain: head 0 and the genesis hash. */
	assert_int_equal(verify(v, 0, 0, AUDIT_GENESIS, &at), AUDIT_OK);
	for (size_t i = 0; i < N; i++)
		audit_entry_clear(&v[i]);
}

static void
replace(char **field, const char *s)
{
	free(*field);
	*field = xdup(s);
}

/* Every field of every entry, edited in place. */
static void
test_edit_each_field(void **state)
{
	struct audit_entry v[N];
	int64_t at;
	size_t i;
	int f;

	for (i = 0; i < N; i++) {
		for (f = 0; f < 12; f++) {
			chain(v, N);
			struct audit_entry *e = &v[i];
			switch (f) {
			case 0:
				e->seq += 100;
				break;
			case 1:
				e->at[3] = '9';
				break;
			case 2:
				replace(&e->actor, "user:mallory");
				break;
			case 3:
				replace(&e->address, "192.0.2.66");
				break;
			case 4:
				replace(&e->action, "tenant.delete");
				break;
			case 5:
				replace(&e->tenant, "other");
				break;
			case 6:
				replace(&e->target, "tenant:other");
				break;
			case 7:
				replace(&e->outcome, "denied");
				break;
			case 8:
				replace(&e->detail, "{}");
				break;
			case 9:
				e->prev[10] = e->prev[10] == 'a' ? 'b' : 'a';
				break;
			case 10:
				e->hash[0] = e->hash[0] == 'a' ? 'b' : 'a';
				break;
			case 11:
				e->at[0] = '\0';
				break;
			}
			assert_int_equal(
			    verify(v, N, N, v[N - 1].hash, &at), AUDIT_EDITED);
			assert_int_equal(
			    at, (int64_t)i + 1 + (f == 0 ? 100 : 0));
			for (size_t j = 0; j < N; j++)
				audit_entry_clear(&v[j]);
		}
	}
}

/* An edit whose hash was recomputed breaks the link of the next entry,
 * or, for the last one, the recorded head. */
static void
test_edit_rehashed(void **state)
{
	struct audit_entry v[N];
	int64_t at;

	chain(v, N);
	replace(&v[3].outcome, "denied");
	rehash(&v[3]);
	assert_int_equal(verify(v, N, N, v[N - 1].hash, &at), AUDIT_INSERTED);
	assert_int_equal(at, 5);
	for (size_t j = 0; j < N; j++)
		audit_entry_clear(&v[j]);

	chain(v, N);
	char head[65];
	memcpy(head, v[N - 1].hash, sizeof(head));
	replace(&v[N - 1].outcome, "denied");
	rehash(&v[N - 1]);
	assert_int_equal(verify(v, N, N, head, &at), AUDIT_EDITED);
	assert_int_equal(at, N);
	for (size_t j = 0; j < N; j++)
		audit_entry_clear(&v[j]);
}

static void
test_delete(void **state)
{
	struct audit_entry v[N], w[N];
	int64_t at;
	size_t i, j, k;

	for (i = 0; i + 1 < N; i++) {
		chain(v, N);
		for (j = 0, k = 0; j < N; j++)
			if (j != i)
				w[k++] = v[j];
		assert_int_equal(
		    verify(w, N - 1, N, v[N - 1].hash, &at), AUDIT_DELETED);
		assert_int_equal(at, (int64_t)i + 1);
		for (j = 0; j < N; j++)
			audit_entry_clear(&v[j]);
	}
}

/* The last entries cut off against the head, and the first ones. */
static void
test_truncate(void **state)
{
	struct audit_entry v[N];
	int64_t at;

	chain(v, N);
	assert_int_equal(
	    verify(v, N - 2, N, v[N - 1].hash, &at), AUDIT_TRUNCATED);
	assert_int_equal(at, N - 1);
	assert_int_equal(verify(v, 0, N, v[N - 1].hash, &at), AUDIT_TRUNCATED);
	assert_int_equal(at, 1);
	/* Cut at the head too: the head is the authority on the end. */
	assert_int_equal(verify(v, N - 2, N - 2, v[N - 3].hash, &at), AUDIT_OK);
	/* The first three gone: the walk misses seq 1. */
	assert_int_equal(
	    verify(v + 3, N - 3, N, v[N - 1].hash, &at), AUDIT_DELETED);
	assert_int_equal(at, 1);
	for (size_t j = 0; j < N; j++)
		audit_entry_clear(&v[j]);
}

/* x is a well-formed entry (its own hash right) put into the chain. */
static void
test_insert(void **state)
{
	struct audit_entry v[N], w[N + 1], x;
	int64_t at;
	size_t i, j;

	/* Not renumbered: x takes seq 5 after entry 4 and links to it; the
	 * real entry 5 then repeats a seq already seen. */
	chain(v, N);
	fill(&x, 5, "user.delete", "{}");
	memcpy(x.prev, v[3].hash, sizeof(x.prev));
	rehash(&x);
	for (i = 0, j = 0; i < N; i++) {
		if (i == 4)
			w[j++] = x;
		w[j++] = v[i];
	}
	assert_int_equal(
	    verify(w, N + 1, N, v[N - 1].hash, &at), AUDIT_INSERTED);
	assert_int_equal(at, 5);

	/* Renumbered (5.. become 6.., rehashed but not relinked): x links,
	 * the old entry 5 no longer does. */
	for (i = 5; i < N + 1; i++) {
		w[i].seq++;
		rehash(&w[i]);
	}
	assert_int_equal(
	    verify(w, N + 1, N + 1, w[N].hash, &at), AUDIT_INSERTED);
	assert_int_equal(at, 6);

	/* Renumbered, and x carries a link from elsewhere. */
	memcpy(x.prev, v[1].hash, sizeof(x.prev));
	rehash(&x);
	w[4] = x;
	assert_int_equal(
	    verify(w, N + 1, N + 1, w[N].hash, &at), AUDIT_INSERTED);
	assert_int_equal(at, 5);

	/* Appended after the head without moving it. */
	for (size_t k = 0; k < N; k++)
		audit_entry_clear(&v[k]);
	audit_entry_clear(&x);
	chain(v, N);
	assert_int_equal(
	    verify(v, N, N - 1, v[N - 2].hash, &at), AUDIT_INSERTED);
	assert_int_equal(at, N);
	for (size_t k = 0; k < N; k++)
		audit_entry_clear(&v[k]);
}

static void
test_names(void **state)
{
	assert_string_equal(audit_problem_name(AUDIT_OK), "ok");
	assert_string_equal(audit_problem_name(AUDIT_EDITED), "edited");
	assert_string_equal(audit_problem_name(AUDIT_INSERTED), "inserted");
	assert_string_equal(audit_problem_name(AUDIT_DELETED), "deleted");
	assert_string_equal(audit_problem_name(AUDIT_TRUNCATED), "truncated");
	audit_entries_free(NULL, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_answer),
	    cmocka_unit_test(test_matches_openssl),
	    cmocka_unit_test(test_chain_verifies),
	    cmocka_unit_test(test_edit_each_field),
	    cmocka_unit_test(test_edit_rehashed),
	    cmocka_unit_test(test_delete),
	    cmocka_unit_test(test_truncate),
	    cmocka_unit_test(test_insert),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
