/*
 * The store's agent enrolment part, on both drivers (run by
 * test_store.c's main): enrolment tokens and their atomic use (two
 * connections racing for a single-use token), agents, the nonces of
 * signed requests, and a host's addresses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "harness.h"
#include "util/err.h"

static int64_t
enroll_token(struct store *s, int64_t ten, const char *hash, int64_t uses,
    int64_t expires)
{
	struct store_enroll_token t = {.tenant_id = ten,
	    .name = "n",
	    .uses = uses,
	    .created_at = 100,
	    .created_by = "user:x",
	    .expires_at = expires};

	assert_int_equal(store_enroll_token_create(s, hash, &t), 0);
	return t.id;
}

/* Uses the token of hash: its count of uses after, or the error. */
static int
use(struct store *s, const char *hash, int64_t now)
{
	struct store_enroll_token t;
	int r = store_enroll_use(s, hash, now, &t);

	if (r != 0)
		return r;
	store_enroll_token_clear(&t);
	return (int)t.used;
}

static void
test_enroll_tokens(void **state)
{
	struct store *s = *state;
	struct store_enroll_token t, *v;
	struct store_page pg = {.after = 0, .limit = 2};
	int64_t a = tenant(s, "acme"), b = tenant(s, "globex");
	struct store_scope sa = scope_of(s, &a, 1);
	int64_t id1 = enroll_token(s, a, "h1", 2, 1000);
	size_t n;
	int more;

	enroll_token(s, a, "h2", 0, 1000);
	enroll_token(s, a, "h3", 1, 1000);
	assert_int_equal(enroll_token(s, b, "h4", 1, 1000), id1 + 3);
	assert_int_equal(
	    store_enroll_token_list(s, &sa, a, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_true(more);
	assert_string_equal(v[0].created_by, "user:x");
	store_enroll_tokens_free(v, n);
	assert_int_equal(
	    store_enroll_token_list(s, &sa, b, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 0);
	store_enroll_tokens_free(v, n);
	assert_int_equal(
	    store_enroll_token_get(s, &sa, id1 + 3, &t), RP_ERR_NOTFOUND);
	/* Two uses, then used up; expiry; revocation; an unknown secret. */
	assert_int_equal(use(s, "h1", 500), 1);
	assert_int_equal(use(s, "h1", 500), 2);
	assert_int_equal(use(s, "h1", 500), RP_ERR_NOTFOUND);
	assert_int_equal(use(s, "h2", 1000), RP_ERR_NOTFOUND);
	for (int i = 1; i <= 5; i++)
		assert_int_equal(use(s, "h2", 999), i);
	assert_int_equal(store_enroll_token_revoke(s, id1 + 2, 600), 0);
	assert_int_equal(store_enroll_token_revoke(s, id1 + 2, 700), 0);
	assert_int_equal(use(s, "h3", 500), RP_ERR_NOTFOUND);
	assert_int_equal(store_enroll_token_get(s, &all, id1 + 2, &t), 0);
	assert_int_equal(t.revoked_at, 600);
	store_enroll_token_clear(&t);
	assert_int_equal(use(s, "nope", 500), RP_ERR_NOTFOUND);
	assert_int_equal(store_enroll_token_revoke(s, 999, 1), RP_ERR_NOTFOUND);
	/* A use inside a transaction that rolls back is given back. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(use(s, "h4", 500), 1);
	store_rollback(s);
	assert_int_equal(use(s, "h4", 500), 1);
}

struct racer {
	pthread_barrier_t *bar;
	int won;
	char err[256];
};

static void *
race_thread(void *arg)
{
	struct racer *rc = arg;
	struct store_enroll_token t;
	struct store *s = NULL;
	int r;

	r = store_open(url, &s, rc->err, sizeof(rc->err));
	pthread_barrier_wait(rc->bar);
	if (r != 0)
		return NULL;
	if ((r = store_begin(s)) == 0 &&
	    (r = store_enroll_use(s, "race", 500, &t)) == 0) {
		store_enroll_token_clear(&t);
		r = store_commit(s);
		rc->won = r == 0;
	}
	if (r != 0 && r != RP_ERR_NOTFOUND)
		snprintf(rc->err, sizeof(rc->err), "%s: %s", rp_strerror(r),
		    store_errmsg(s));
	store_rollback(s);
	store_close(s);
	return NULL;
}

/* Two connections racing for a single-use token: exactly one wins. */
static void
test_enroll_race(void **state)
{
	struct store *s = *state;
	pthread_barrier_t bar;
	struct racer rc[2];
	pthread_t th[2];
	int64_t ten = tenant(s, "acme");

	for (int round = 0; round < 10; round++) {
		raw_exec("DELETE FROM enroll_tokens");
		enroll_token(s, ten, "race", 1, 1000);
		assert_int_equal(pthread_barrier_init(&bar, NULL, 2), 0);
		for (int i = 0; i < 2; i++) {
			memset(&rc[i], 0, sizeof(rc[i]));
			rc[i].bar = &bar;
			assert_int_equal(
			    pthread_create(&th[i], NULL, race_thread, &rc[i]),
			    0);
		}
		for (int i = 0; i < 2; i++) {
			assert_int_equal(pthread_join(th[i], NULL), 0);
			if (rc[i].err[0] != '\0')
				fail_msg("racer %d: %s", i, rc[i].err);
		}
		pthread_barrier_destroy(&bar);
		assert_int_equal(rc[0].won + rc[1].won, 1);
		assert_int_equal(raw_int("SELECT used FROM enroll_tokens"), 1);
	}
}

#define AG1 "aaaaaaaaaaaaaaaaaaaaaaaaaa"
#define AG2 "bbbbbbbbbbbbbbbbbbbbbbbbbb"
#define AG3 "cccccccccccccccccccccccccc"

static void
new_agent(struct store *s, const char *id, int64_t ten, int64_t tok)
{
	struct store_agent a = {.tenant_id = ten,
	    .public_key = "pk",
	    .hostname = "ws-1",
	    .os = "debian 12",
	    .agent_version = "",
	    .enrolled_at = 100,
	    .token_id = tok};

	snprintf(a.id, sizeof(a.id), "%s", id);
	assert_int_equal(store_agent_create(s, &a), 0);
	assert_true(a.seq > 0);
}

static void
test_agents(void **state)
{
	struct store *s = *state;
	struct store_agent a, *v;
	struct store_page pg = {.after = 0, .limit = 1};
	int64_t ta = tenant(s, "acme"), tb = tenant(s, "globex");
	struct store_scope sa = scope_of(s, &ta, 1);
	int64_t tok = enroll_token(s, ta, "h", 0, 1000);
	size_t n;
	int more;

	new_agent(s, AG1, ta, tok);
	new_agent(s, AG2, tb, 0);
	new_agent(s, AG3, ta, tok);
	{
		struct store_agent d = {.tenant_id = ta,
		    .public_key = "p",
		    .hostname = "h",
		    .os = "",
		    .agent_version = ""};
		snprintf(d.id, sizeof(d.id), AG1);
		assert_int_equal(store_agent_create(s, &d), RP_ERR_INVALID);
	}
	/* Scoped pages, in enrolment order. */
	assert_int_equal(store_agent_list(s, &sa, NULL, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_true(more);
	assert_string_equal(v[0].id, AG1);
	pg.after = v[0].seq;
	store_agents_free(v, n);
	assert_int_equal(store_agent_list(s, &sa, NULL, &pg, &v, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_string_equal(v[0].id, AG3);
	store_agents_free(v, n);
	assert_int_equal(store_agent_get(s, &sa, AG2, &a), RP_ERR_NOTFOUND);
	/* One tenant's: within the scope only. */
	{
		static const struct store_scope every = {.all = 1};
		struct store_agent_filter f = {.tenant = tb};

		assert_int_equal(
		    store_agent_list(s, &every, &f, NULL, &v, &n, &more), 0);
		assert_int_equal(n, 1);
		assert_string_equal(v[0].id, AG2);
		store_agents_free(v, n);
		assert_int_equal(
		    store_agent_list(s, &sa, &f, NULL, &v, &n, &more), 0);
		assert_int_equal(n, 0);
		store_agents_free(v, n);
	}
	/* Touch: only what is given changes. */
	assert_int_equal(
	    store_agent_touch(s, AG1, 200, NULL, "debian 13", "0.2"), 0);
	assert_int_equal(store_agent_get(s, &sa, AG1, &a), 0);
	assert_int_equal(a.last_seen, 200);
	assert_int_equal(a.token_id, tok);
	assert_string_equal(a.hostname, "ws-1");
	assert_string_equal(a.os, "debian 13");
	assert_string_equal(a.agent_version, "0.2");
	store_agent_clear(&a);
	assert_int_equal(
	    store_agent_touch(s, "zz", 1, NULL, NULL, NULL), RP_ERR_NOTFOUND);
	assert_int_equal(store_agent_revoke(s, AG3, 300), 0);
	assert_int_equal(store_agent_revoke(s, AG3, 400), 0);
	assert_int_equal(store_agent_get(s, &all, AG3, &a), 0);
	assert_int_equal(a.revoked_at, 300);
	store_agent_clear(&a);
	assert_int_equal(store_agent_revoke(s, "zz", 1), RP_ERR_NOTFOUND);
	/* Nonces: a replay is refused until the nonce expires; another
	 * agent's same nonce is its own. */
	assert_int_equal(store_nonce_use(s, AG1, "n1", 1000, 600), 0);
	assert_int_equal(
	    store_nonce_use(s, AG1, "n1", 1599, 600), RP_ERR_INVALID);
	assert_int_equal(store_nonce_use(s, AG2, "n1", 1599, 600), 0);
	assert_int_equal(store_nonce_use(s, AG1, "n2", 1599, 600), 0);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM agent_nonces"), 3);
	/* At 1600 n1 has expired: it is forgotten, and usable again. */
	assert_int_equal(store_nonce_use(s, AG1, "n1", 1600, 600), 0);
	/* A replay inside a transaction leaves it usable. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(
	    store_nonce_use(s, AG1, "n1", 1601, 600), RP_ERR_INVALID);
	assert_int_equal(store_commit(s), 0);
}

/* What store_host_addrs_each gives, one line: "seq ip iface mac; ". */
struct addr_line {
	char buf[1024];
	size_t off;
	int stop_after; /* 0: never */
	int seen;
};

static int
addr_line(int64_t seq, const struct store_addr *a, void *arg)
{
	struct addr_line *l = arg;
	int n;

	n = snprintf(l->buf + l->off, sizeof(l->buf) - l->off,
	    "%lld %s %s %s; ", (long long)seq, a->ip, a->iface,
	    a->mac[0] ? a->mac : "-");
	assert_true(n > 0 && (size_t)n < sizeof(l->buf) - l->off);
	l->off += (size_t)n;
	if (++l->seen == l->stop_after)
		return RP_ERR_LIMIT;
	return 0;
}

static const char *
addrs_of(struct store *s, const int64_t *seqs, size_t n)
{
	static struct addr_line l;

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_host_addrs_each(s, seqs, n, addr_line, &l), 0);
	return l.buf;
}

/* A host's addresses: replaced whole, in the order given, read for
 * many hosts at once by host; found by address within a tenant. */
static void
test_addresses(void **state)
{
	struct store *s = *state;
	int64_t ta = tenant(s, "acme"), tb = tenant(s, "globex");
	struct store_agent a1, a2;
	struct store_addr v[STORE_ADDRS_MAX + 1];
	struct addr_line l = {.stop_after = 1};
	char want[256], sql[256];
	int64_t seqs[3];
	size_t i;

	new_agent(s, AG1, ta, 0);
	new_agent(s, AG2, tb, 0);
	assert_int_equal(store_agent_get(s, &all, AG1, &a1), 0);
	assert_int_equal(store_agent_get(s, &all, AG2, &a2), 0);
	seqs[0] = a2.seq;
	seqs[1] = a1.seq;
	seqs[2] = 999999;
	memset(v, 0, sizeof(v));
	snprintf(v[0].ip, sizeof(v[0].ip), "192.0.2.7");
	snprintf(v[0].iface, sizeof(v[0].iface), "eth0");
	snprintf(v[0].mac, sizeof(v[0].mac), "52:54:00:12:34:56");
	snprintf(v[1].ip, sizeof(v[1].ip), "2001:db8::7");
	snprintf(v[1].iface, sizeof(v[1].iface), "wg0");
	assert_string_equal(addrs_of(s, seqs, 3), "");
	assert_int_equal(store_host_addrs_set(s, a1.seq, ta, v, 2), 0);
	assert_int_equal(store_host_addrs_set(s, a2.seq, tb, v + 1, 1), 0);
	snprintf(want, sizeof(want),
	    "%lld 192.0.2.7 eth0 52:54:00:12:34:56; %lld 2001:db8::7 wg0 -; "
	    "%lld 2001:db8::7 wg0 -; ",
	    (long long)a1.seq, (long long)a1.seq, (long long)a2.seq);
	assert_string_equal(addrs_of(s, seqs, 3), want);
	/* fn's refusal stops the walk and is the answer. */
	assert_int_equal(
	    store_host_addrs_each(s, seqs, 3, addr_line, &l), RP_ERR_LIMIT);
	assert_int_equal(l.seen, 1);
	/* One host's only; none asked: none. */
	snprintf(
	    want, sizeof(want), "%lld 2001:db8::7 wg0 -; ", (long long)a2.seq);
	assert_string_equal(addrs_of(s, seqs, 1), want);
	assert_string_equal(addrs_of(s, seqs, 0), "");
	/* Found by address within a tenant (what log sightings will ask). */
	snprintf(sql, sizeof(sql),
	    "SELECT agent_seq FROM agent_addresses WHERE ip = '2001:db8::7' "
	    "AND tenant_id = %lld",
	    (long long)tb);
	assert_int_equal(raw_int(sql), a2.seq);
	/* Replaced whole: the new list, in its order; then none. */
	assert_int_equal(store_host_addrs_set(s, a1.seq, ta, v + 1, 1), 0);
	snprintf(
	    want, sizeof(want), "%lld 2001:db8::7 wg0 -; ", (long long)a1.seq);
	assert_string_equal(addrs_of(s, seqs + 1, 1), want);
	assert_int_equal(store_host_addrs_set(s, a1.seq, ta, v, 0), 0);
	assert_string_equal(addrs_of(s, seqs + 1, 1), "");
	/* The cap; a refused list leaves the host's as it was. */
	for (i = 0; i <= STORE_ADDRS_MAX; i++) {
		snprintf(v[i].ip, sizeof(v[i].ip), "10.0.0.%zu", i);
		snprintf(v[i].iface, sizeof(v[i].iface), "eth%zu", i % 3);
	}
	assert_int_equal(
	    store_host_addrs_set(s, a1.seq, ta, v, STORE_ADDRS_MAX + 1),
	    RP_ERR_ARG);
	assert_int_equal(
	    store_host_addrs_set(s, a1.seq, ta, v, STORE_ADDRS_MAX), 0);
	snprintf(sql, sizeof(sql),
	    "SELECT COUNT(*) FROM agent_addresses WHERE agent_seq = %lld",
	    (long long)a1.seq);
	assert_int_equal(raw_int(sql), STORE_ADDRS_MAX);
	snprintf(sql, sizeof(sql),
	    "SELECT pos FROM agent_addresses WHERE agent_seq = %lld AND "
	    "ip = '10.0.0.63'",
	    (long long)a1.seq);
	assert_int_equal(raw_int(sql), 63);
	/* Inside the caller's transaction: undone with it. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_host_addrs_set(s, a1.seq, ta, v, 1), 0);
	store_rollback(s);
	snprintf(sql, sizeof(sql),
	    "SELECT COUNT(*) FROM agent_addresses WHERE agent_seq = %lld",
	    (long long)a1.seq);
	assert_int_equal(raw_int(sql), STORE_ADDRS_MAX);
	/* A tenant that goes takes its hosts' addresses with it (the raw
	 * SQLite connection enforces foreign keys only when asked, as the
	 * store's does). */
	raw_exec(use_sqlite ? "PRAGMA foreign_keys = ON; DELETE FROM tenants "
			      "WHERE slug = 'acme'"
			    : "DELETE FROM tenants WHERE slug = 'acme'");
	assert_int_equal(raw_int(sql), 0);
	store_agent_clear(&a1);
	store_agent_clear(&a2);
}

/* store_job_latest after test_jobs: its quarantine job j (acme, agent
 * a1 done) is acme's newest with a host done until a newer one is. */
static void
job_latest(
    struct store *s, int64_t ta, int64_t tb, int64_t a1, struct store_job *jp)
{
	struct store_scope sa = scope_of(s, &ta, 1);
	struct store_job j = *jp, *jv;
	struct store_job_env *env = NULL;
	int64_t agents[1], tens[1];
	char cur[16];
	size_t n;
	int more;

	/* per tenant, the newest job of a type with a host done: the
	 * quarantine job (a1 done), not the MSP-wide one without hosts */
	assert_int_equal(
	    store_job_latest(s, &sa, "quarantine", NULL, &jv, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_string_equal(jv[0].id, "jobaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(jv[0].hosts[4], 1); /* done */
	store_jobs_free(jv, n);
	assert_int_equal(
	    store_job_latest(s, &sa, "block-verify", NULL, &jv, &n, &more), 0);
	assert_int_equal(n, 0);
	free(jv);
	{ /* another tenant's technician does not see it */
		struct store_scope sb = scope_of(s, &tb, 1);

		assert_int_equal(store_job_latest(s, &sb, "quarantine", NULL,
				     &jv, &n, &more),
		    0);
		assert_int_equal(n, 0);
		free(jv);
	}
	/* a newer one of the same tenant with a host done replaces it */
	snprintf(j.id, sizeof(j.id), "%s", "jobddddddddddddddddddddddd");
	j.tenant_id = ta;
	j.state = JOB_ACTIVE;
	agents[0] = a1;
	tens[0] = ta;
	assert_int_equal(store_job_create(s, &j, agents, tens, 1), 0);
	assert_int_equal(
	    store_job_latest(s, &sa, "quarantine", NULL, &jv, &n, &more), 0);
	assert_int_equal(n, 1); /* not done yet: still the first */
	assert_string_equal(jv[0].id, "jobaaaaaaaaaaaaaaaaaaaaaaa");
	store_jobs_free(jv, n);
	assert_int_equal(store_job_host_queue(s, j.seq, a1, "ENV2", 2001), 0);
	assert_int_equal(store_agent_jobs_take(s, a1, 2002, 8, &env, &n), 0);
	store_job_envs_free(env, n);
	assert_int_equal(
	    store_job_report(s, j.id, a1, JOBH_DONE, "", "[]", 2003, cur), 0);
	assert_int_equal(
	    store_job_latest(s, &sa, "quarantine", NULL, &jv, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_string_equal(jv[0].id, "jobddddddddddddddddddddddd");
	store_jobs_free(jv, n);
}

/* Jobs: created with their hosts, visible per scope (an MSP-wide one
 * only to every tenant), approved once, signed hosts taken once by their
 * agent, reports only move forward, expiry, and targets. */
static void
test_jobs(void **state)
{
	struct store *s = *state;
	int64_t ta = tenant(s, "acme"), tb = tenant(s, "globex");
	struct store_scope sa = scope_of(s, &ta, 1);
	struct store_job j = {.type = "quarantine",
			     .args = "{\"path\":\"/x\"}",
			     .target = "{\"tenant\":\"acme\"}",
			     .state = JOB_ACTIVE,
			     .created_by = 7,
			     .created_by_name = "tech",
			     .created_at = 1000,
			     .expires_at = 2000},
			 g, *jv;
	struct store_job_host *hv;
	struct store_agent a1, a3;
	int64_t *ag = NULL, *tn = NULL, agents[2], tens[2];
	struct store_job_env *env = NULL;
	char cur[16];
	size_t n;
	int more;

	new_agent(s, AG1, ta, 0);
	new_agent(s, AG2, tb, 0);
	new_agent(s, AG3, ta, 0);
	assert_int_equal(store_agent_get(s, &all, AG1, &a1), 0);
	assert_int_equal(store_agent_get(s, &all, AG3, &a3), 0);
	/* targets: a tenant's agents, one agent, outside the scope */
	assert_int_equal(
	    store_job_targets(s, &sa, NULL, ta, 0, 10, &ag, &tn, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ag[0], a1.seq);
	assert_int_equal(tn[1], ta);
	free(ag);
	free(tn);
	assert_int_equal(store_job_targets(s, &sa, NULL, 0, 0, 1, &ag, &tn, &n),
	    RP_ERR_LIMIT);
	assert_int_equal(
	    store_job_targets(s, &sa, AG2, 0, 0, 10, &ag, &tn, &n), 0);
	assert_int_equal(n, 0);
	free(ag);
	free(tn);
	assert_int_equal(
	    store_job_targets(s, &all, NULL, 0, 0, 10, &ag, &tn, &n), 0);
	assert_int_equal(n, 3);
	free(ag);
	free(tn);

	snprintf(j.id, sizeof(j.id), "%s", "jobaaaaaaaaaaaaaaaaaaaaaaa");
	j.tenant_id = ta;
	j.targets = 2;
	agents[0] = a1.seq, agents[1] = a3.seq;
	tens[0] = tens[1] = ta;
	assert_int_equal(store_job_create(s, &j, agents, tens, 2), 0);
	assert_true(j.seq > 0);
	assert_int_equal(
	    store_job_create(s, &j, agents, tens, 2), RP_ERR_INVALID);
	assert_int_equal(store_job_get(s, &sa, j.id, &g), 0);
	assert_int_equal(g.hosts[0], 2); /* pending */
	assert_string_equal(g.args, "{\"path\":\"/x\"}");
	store_job_clear(&g);
	{ /* another tenant's technician does not see it */
		struct store_scope sb = scope_of(s, &tb, 1);

		assert_int_equal(
		    store_job_get(s, &sb, j.id, &g), RP_ERR_NOTFOUND);
		assert_int_equal(
		    store_job_list(s, &sb, 0, 0, NULL, &jv, &n, &more), 0);
		assert_int_equal(n, 0);
		free(jv);
	}
	/* signing: pending -> queued; taken once, by its agent only */
	assert_int_equal(store_job_pending(s, j.seq, 10, &hv, &n), 0);
	assert_int_equal(n, 2);
	store_job_hosts_free(hv, n);
	assert_int_equal(
	    store_job_host_queue(s, j.seq, a1.seq, "ENV1", 1001), 0);
	assert_int_equal(store_job_host_queue(s, j.seq, a1.seq, "ENV1", 1001),
	    RP_ERR_NOTFOUND);
	assert_int_equal(
	    store_agent_jobs_take(s, a3.seq, 1002, 8, &env, &n), 0);
	assert_int_equal(n, 0);
	store_job_envs_free(env, n);
	assert_int_equal(
	    store_agent_jobs_take(s, a1.seq, 1002, 8, &env, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(env[0].envelope, "ENV1");
	assert_string_equal(env[0].job_id, j.id);
	store_job_envs_free(env, n);
	assert_int_equal(
	    store_agent_jobs_take(s, a1.seq, 1003, 8, &env, &n), 0);
	assert_int_equal(n, 0);
	store_job_envs_free(env, n);
	/* delivered a minute ago and no report since: offered again, once */
	assert_int_equal(
	    store_agent_jobs_take(s, a1.seq, 1062, 8, &env, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(env[0].job_id, j.id);
	store_job_envs_free(env, n);
	assert_int_equal(
	    store_agent_jobs_take(s, a1.seq, 1063, 8, &env, &n), 0);
	assert_int_equal(n, 0);
	store_job_envs_free(env, n);
	/* reports: forward only, final is final, only its own */
	assert_int_equal(store_job_report(s, j.id, a1.seq, JOBH_RUNNING, "",
			     NULL, 1004, cur),
	    0);
	assert_int_equal(store_job_report(s, j.id, a1.seq, JOBH_DONE, "",
			     "[{\"entry\":\"e\"}]", 1005, cur),
	    0);
	assert_int_equal(store_job_report(s, j.id, a1.seq, JOBH_RUNNING, "",
			     NULL, 1006, cur),
	    RP_ERR_INVALID);
	assert_string_equal(cur, JOBH_DONE);
	assert_int_equal(
	    store_job_report(s, j.id, a3.seq, JOBH_DONE, "", NULL, 1006, cur),
	    RP_ERR_INVALID); /* still pending: never sent */
	assert_int_equal(store_job_report(s, "jobbbbbbbbbbbbbbbbbbbbbbbb",
			     a1.seq, JOBH_DONE, "", NULL, 1006, cur),
	    RP_ERR_NOTFOUND);
	/* expiry: the pending host expires, the done one stays done */
	assert_int_equal(store_jobs_expire(s, 2000, &agents[0]), 0);
	assert_int_equal(agents[0], 1);
	assert_int_equal(store_job_hosts(s, j.seq, NULL, &hv, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_string_equal(hv[0].state, JOBH_DONE);
	assert_string_equal(hv[0].results, "[{\"entry\":\"e\"}]");
	assert_string_equal(hv[0].agent_id, AG1);
	assert_string_equal(hv[1].state, JOBH_EXPIRED);
	store_job_hosts_free(hv, n);
	/* an MSP-wide job awaiting approval: approved once */
	snprintf(j.id, sizeof(j.id), "%s", "jobccccccccccccccccccccccc");
	j.tenant_id = 0;
	j.state = JOB_AWAITING;
	assert_int_equal(store_job_create(s, &j, NULL, NULL, 0), 0);
	assert_int_equal(store_job_get(s, &sa, j.id, &g), RP_ERR_NOTFOUND);
	assert_int_equal(store_job_approve(s, j.seq, 8, "second", 1100), 0);
	assert_int_equal(
	    store_job_approve(s, j.seq, 9, "third", 1101), RP_ERR_NOTFOUND);
	assert_int_equal(store_job_get(s, &all, j.id, &g), 0);
	assert_string_equal(g.state, JOB_ACTIVE);
	assert_int_equal(g.approved_by, 8);
	assert_int_equal(g.tenant_id, 0);
	store_job_clear(&g);
	assert_int_equal(
	    store_job_list(s, &all, 0, 0, NULL, &jv, &n, &more), 0);
	assert_int_equal(n, 2);
	store_jobs_free(jv, n);
	job_latest(s, ta, tb, a1.seq, &j);
	store_agent_clear(&a1);
	store_agent_clear(&a3);
}

int
store_agent_tests(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_enroll_tokens, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enroll_race, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_agents, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_addresses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_jobs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
