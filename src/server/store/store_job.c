/*
 * Signed jobs (docs/jobs.md): the job as a user asked for it and its
 * state on each host, with the envelope the signer made for the host
 * and what the agent reported.  A host's state only moves forward:
 * pending -> queued (signed) -> delivered -> running -> done, failed or
 * rejected; expired when the job's expiry passes first.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"
#include "util/str.h"

#define JOB_REOFFER 60 /* seconds: see q_take */

#define JOB_COLS                                                               \
	"j.seq, j.id, COALESCE(j.tenant_id, 0), j.type, j.args, j.target, "    \
	"j.targets, j.state, j.created_by, j.created_by_name, j.created_at, "  \
	"j.expires_at, j.approved_by, j.approved_by_name, j.approved_at"

static struct drv_sql q_job_add =
    DRV_SQL("INSERT INTO jobs (id, tenant_id, type, args, target, targets, "
	    "state, created_by, created_by_name, created_at, expires_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq");
static struct drv_sql q_job_exists =
    DRV_SQL("SELECT seq FROM jobs WHERE id = ?");
/* Hosts from a JSON array of [agent seq, tenant id] pairs. */
static struct drv_sql q_hosts_add = DRV_SQL2(
    "INSERT INTO job_hosts (job_seq, agent_seq, tenant_id, state, "
    "updated_at) SELECT ?, json_extract(value, '$[0]'), "
    "json_extract(value, '$[1]'), '" JOBH_PENDING "', ? FROM json_each(?)",
    "INSERT INTO job_hosts (job_seq, agent_seq, tenant_id, state, "
    "updated_at) SELECT ?::bigint, (e->>0)::bigint, (e->>1)::bigint, "
    "'" JOBH_PENDING "', ?::bigint FROM jsonb_array_elements(?::jsonb) e");
static struct drv_sql q_job_get =
    DRV_SQL("SELECT " JOB_COLS " FROM jobs j WHERE j.id = ? AND "
	    "" SCOPE_FILTER("j.tenant_id"));
static struct drv_sql q_job_by_id =
    DRV_SQL("SELECT " JOB_COLS " FROM jobs j WHERE j.id = ?");
static struct drv_sql q_job_counts = DRV_SQL(
    "SELECT state, COUNT(*) FROM job_hosts WHERE job_seq = ? GROUP BY state");
static struct drv_sql q_job_list =
    DRV_SQL("SELECT " JOB_COLS " FROM jobs j WHERE j.seq > ? AND "
	    "(? = 0 OR j.tenant_id = ?) AND (? = 0 OR EXISTS (SELECT 1 FROM "
	    "job_hosts h WHERE h.job_seq = j.seq AND h.agent_seq = ?)) "
	    "AND " SCOPE_FILTER("j.tenant_id") " ORDER BY j.seq LIMIT ?");
/* Per tenant, its newest job of a type with a host done (the overview's
 * newest block verification). */
static struct drv_sql q_job_latest =
    DRV_SQL("SELECT " JOB_COLS " FROM jobs j WHERE j.seq > ? AND j.seq IN "
	    "(SELECT MAX(h.job_seq) FROM job_hosts h JOIN jobs k ON k.seq = "
	    "h.job_seq WHERE k.type = ? AND h.state = '" JOBH_DONE "' "
	    "GROUP BY k.tenant_id) AND " SCOPE_FILTER(
		"j.tenant_id") " "
			       "ORDER BY j.seq LIMIT ?");
static struct drv_sql q_job_approve =
    DRV_SQL("UPDATE jobs SET state = '" JOB_ACTIVE "', approved_by = ?, "
	    "approved_by_name = ?, approved_at = ? WHERE seq = ? AND state = "
	    "'" JOB_AWAITING "'");

#define HOST_COLS                                                              \
	"h.job_seq, h.agent_seq, a.id, a.hostname, h.tenant_id, h.state, "     \
	"h.reason, h.results, h.updated_at"
static struct drv_sql q_hosts_list =
    DRV_SQL("SELECT " HOST_COLS " FROM job_hosts h JOIN agents a ON a.seq = "
	    "h.agent_seq WHERE h.job_seq = ? AND h.agent_seq > ? "
	    "ORDER BY h.agent_seq LIMIT ?");
static struct drv_sql q_hosts_pending =
    DRV_SQL("SELECT " HOST_COLS " FROM job_hosts h JOIN agents a ON a.seq = "
	    "h.agent_seq WHERE h.job_seq = ? AND h.state = '" JOBH_PENDING
	    "' ORDER BY h.agent_seq LIMIT ?");
static struct drv_sql q_host_queue =
    DRV_SQL("UPDATE job_hosts SET state = '" JOBH_QUEUED "', envelope = ?, "
	    "updated_at = ? WHERE job_seq = ? AND agent_seq = ? AND state = "
	    "'" JOBH_PENDING "'");
/* Queued envelopes, and delivered ones no report followed within
 * JOB_REOFFER seconds (the answer that carried them may never have
 * reached the agent: a long poll whose connection died while it was
 * held); an agent that ran a job it is offered again ignores it. */
static struct drv_sql q_take = DRV_SQL(
    "SELECT h.job_seq, h.envelope, j.id FROM job_hosts h JOIN jobs j ON "
    "j.seq = h.job_seq WHERE h.agent_seq = ? AND (h.state = '" JOBH_QUEUED
    "' OR (h.state = '" JOBH_DELIVERED "' AND h.updated_at <= ?)) AND "
    "j.expires_at > ? ORDER BY h.job_seq LIMIT ?");
static struct drv_sql q_deliver = DRV_SQL(
    "UPDATE job_hosts SET state = '" JOBH_DELIVERED "', updated_at = ? "
    "WHERE job_seq = ? AND agent_seq = ? AND (state = '" JOBH_QUEUED "' "
    "OR (state = '" JOBH_DELIVERED "' AND updated_at <= ?))");
static struct drv_sql q_host_state =
    DRV_SQL("SELECT h.job_seq, h.state FROM job_hosts h JOIN jobs j ON "
	    "j.seq = h.job_seq WHERE j.id = ? AND h.agent_seq = ?");
static struct drv_sql q_report =
    DRV_SQL("UPDATE job_hosts SET state = ?, reason = ?, results = ?, "
	    "updated_at = ? WHERE job_seq = ? AND agent_seq = ? AND state = ?");
/* Running hosts are left to report: a sweep may outlast its expiry. */
static struct drv_sql q_expire = DRV_SQL(
    "UPDATE job_hosts SET state = '" JOBH_EXPIRED "', updated_at = ? WHERE "
    "state IN ('" JOBH_PENDING "', '" JOBH_QUEUED "', '" JOBH_DELIVERED "') "
    "AND job_seq IN (SELECT seq FROM jobs WHERE expires_at <= ?)");
static struct drv_sql q_targets = DRV_SQL(
    "SELECT a.seq, a.tenant_id FROM agents a WHERE a.revoked_at = 0 AND "
    "" SCOPE_FILTER("a.tenant_id") " AND (? = '' OR a.id = ?) AND "
				   "(? = 0 OR a.tenant_id = ?) AND (? = 0 OR "
				   "EXISTS (SELECT 1 FROM "
				   "findings f WHERE f.agent_seq = a.seq AND "
				   "f.advisory_id = ? AND "
				   "f.open = 1)) ORDER BY a.seq LIMIT ?");

static const char *const host_states[JOBH_NSTATES] = {JOBH_PENDING, JOBH_QUEUED,
    JOBH_DELIVERED, JOBH_RUNNING, JOBH_DONE, JOBH_FAILED, JOBH_REJECTED,
    JOBH_EXPIRED};

void
store_job_clear(struct store_job *j)
{
	if (j == NULL)
		return;
	free(j->type);
	free(j->args);
	free(j->target);
	free(j->state);
	free(j->created_by_name);
	free(j->approved_by_name);
	memset(j, 0, sizeof(*j));
}

void
store_jobs_free(struct store_job *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		store_job_clear(&v[i]);
	free(v);
}

/* The hosts of a new job as the JSON array q_hosts_add reads. */
static char *
hosts_json(const int64_t *agents, const int64_t *tenants, size_t n)
{
	struct rp_buf b;
	size_t i;

	rp_buf_init(&b, SIZE_MAX);
	rp_buf_append(&b, "[");
	for (i = 0; i < n; i++)
		rp_buf_appendf(&b, "%s[%lld,%lld]", i > 0 ? "," : "",
		    (long long)agents[i], (long long)tenants[i]);
	rp_buf_append(&b, "]");
	return rp_buf_take(&b);
}

int
store_job_create(struct store *s, struct store_job *j, const int64_t *agents,
    const int64_t *tenants, size_t n)
{
	struct sq_tx tx;
	int64_t seq = 0, dup = 0;
	char *hj;
	int r;

	if (j->type == NULL || j->args == NULL || j->target == NULL ||
	    j->state == NULL || j->created_by_name == NULL ||
	    (n > 0 && (agents == NULL || tenants == NULL)))
		return RP_ERR_ARG;
	if ((hj = hosts_json(agents, tenants, n)) == NULL)
		return RP_ERR_NOMEM;
	if ((r = sq_tx_enter(s, &tx)) != 0) {
		free(hj);
		return r;
	}
	struct drv_arg e[] = {A_TEXT(j->id)};
	r = sq_int1(s, &q_job_exists, e, NARGS(e), &dup);
	if (r == 0)
		r = RP_ERR_INVALID;
	else if (r == RP_ERR_NOTFOUND) {
		struct drv_arg a[] = {A_TEXT(j->id), A_ID(j->tenant_id),
		    A_TEXT(j->type), A_TEXT(j->args), A_TEXT(j->target),
		    A_INT(j->targets), A_TEXT(j->state), A_INT(j->created_by),
		    A_TEXT(j->created_by_name), A_INT(j->created_at),
		    A_INT(j->expires_at)};
		r = sq_int1(s, &q_job_add, a, NARGS(a), &seq);
	}
	if (r == 0) {
		struct drv_arg h[] = {
		    A_INT(seq), A_INT(j->created_at), A_TEXT(hj)};
		r = sq_exec(s, &q_hosts_add, h, NARGS(h), NULL);
	}
	free(hj);
	if ((r = sq_tx_leave(s, &tx, r)) != 0)
		return r;
	j->seq = seq;
	return 0;
}

static int
read_job(struct drv_cur *c, void *row)
{
	struct store_job *j = row;
	const char *id;
	int r;

	memset(j, 0, sizeof(*j));
	j->seq = sq_int(c, 0);
	id = c->s->ops->col_text(c, 1);
	snprintf(j->id, sizeof(j->id), "%s", id != NULL ? id : "");
	j->tenant_id = sq_int(c, 2);
	j->targets = sq_int(c, 6);
	j->created_by = sq_int(c, 8);
	j->created_at = sq_int(c, 10);
	j->expires_at = sq_int(c, 11);
	j->approved_by = sq_int(c, 12);
	j->approved_at = sq_int(c, 14);
	if ((r = sq_dup(c, 3, &j->type)) != 0 ||
	    (r = sq_dup(c, 4, &j->args)) != 0 ||
	    (r = sq_dup(c, 5, &j->target)) != 0 ||
	    (r = sq_dup(c, 7, &j->state)) != 0 ||
	    (r = sq_dup(c, 9, &j->created_by_name)) != 0 ||
	    (r = sq_dup(c, 13, &j->approved_by_name)) != 0)
		store_job_clear(j);
	return r;
}

static void
clear_job(void *row)
{
	store_job_clear(row);
}

static const struct sq_rows job_rows = {
    sizeof(struct store_job), 0, read_job, clear_job};

/* Hosts per state of job seq into j->hosts. */
static int
job_counts(struct store *s, struct store_job *j)
{
	struct drv_arg a[] = {A_INT(j->seq)};
	struct drv_cur c;
	size_t i;
	int r;

	if ((r = sq_query(s, &q_job_counts, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		const char *st = c.s->ops->col_text(&c, 0);

		for (i = 0; st != NULL && i < JOBH_NSTATES; i++)
			if (strcmp(st, host_states[i]) == 0)
				j->hosts[i] = sq_int(&c, 1);
	}
	sq_done(&c);
	return r;
}

int
store_job_get(struct store *s, const struct store_scope *sc, const char *id,
    struct store_job *out)
{
	struct drv_arg a[] = {A_TEXT(id), A_SCOPE_ALL(sc), A_SCOPE_ID(sc)};
	struct store_job j;
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, &q_job_get, a, NARGS(a), &c)) != 0)
		return r;
	r = read_job(&c, &j);
	sq_done(&c);
	if (r == 0 && (r = job_counts(s, &j)) != 0)
		store_job_clear(&j);
	if (r == 0)
		*out = j;
	return r;
}

int
store_job_by_id(struct store *s, const char *id, struct store_job *out)
{
	struct drv_arg a[] = {A_TEXT(id)};
	struct store_job j;
	struct drv_cur c;
	int r;

	if ((r = sq_row(s, &q_job_by_id, a, NARGS(a), &c)) != 0)
		return r;
	r = read_job(&c, &j);
	sq_done(&c);
	if (r == 0)
		*out = j;
	return r;
}

int
store_job_list(struct store *s, const struct store_scope *sc, int64_t tenant,
    int64_t agent_seq, const struct store_page *pg, struct store_job **v,
    size_t *n, int *more)
{
	struct drv_arg a[] = {A_INT(0), A_INT(tenant), A_INT(tenant),
	    A_INT(agent_seq), A_INT(agent_seq), A_SCOPE_ALL(sc), A_SCOPE_ID(sc),
	    A_INT(0)};
	size_t i;
	int r;

	r = sq_list(
	    s, &q_job_list, a, NARGS(a), pg, &job_rows, (void **)v, n, more);
	for (i = 0; r == 0 && i < *n; i++)
		r = job_counts(s, &(*v)[i]);
	if (r != 0 && *v != NULL) {
		store_jobs_free(*v, *n);
		*v = NULL;
		*n = 0;
	}
	return r;
}

int
store_job_latest(struct store *s, const struct store_scope *sc,
    const char *type, const struct store_page *pg, struct store_job **v,
    size_t *n, int *more)
{
	struct drv_arg a[] = {
	    A_INT(0), A_TEXT(type), A_SCOPE_ALL(sc), A_SCOPE_ID(sc), A_INT(0)};
	size_t i;
	int r;

	if (type == NULL)
		return RP_ERR_ARG;
	r = sq_list(
	    s, &q_job_latest, a, NARGS(a), pg, &job_rows, (void **)v, n, more);
	for (i = 0; r == 0 && i < *n; i++)
		r = job_counts(s, &(*v)[i]);
	if (r != 0 && *v != NULL) {
		store_jobs_free(*v, *n);
		*v = NULL;
		*n = 0;
	}
	return r;
}

int
store_job_approve(
    struct store *s, int64_t seq, int64_t user, const char *name, int64_t now)
{
	struct drv_arg a[] = {
	    A_INT(user), A_TEXT(name), A_INT(now), A_INT(seq)};
	int64_t k = 0;
	int r;

	if (name == NULL)
		return RP_ERR_ARG;
	if ((r = sq_exec(s, &q_job_approve, a, NARGS(a), &k)) != 0)
		return r;
	return k == 1 ? 0 : RP_ERR_NOTFOUND;
}

static void
clear_host(void *row)
{
	struct store_job_host *h = row;

	free(h->hostname);
	free(h->state);
	free(h->reason);
	free(h->results);
	memset(h, 0, sizeof(*h));
}

void
store_job_hosts_free(struct store_job_host *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		clear_host(&v[i]);
	free(v);
}

static int
read_host(struct drv_cur *c, void *row)
{
	struct store_job_host *h = row;
	const char *id;
	int r;

	memset(h, 0, sizeof(*h));
	h->job_seq = sq_int(c, 0);
	h->agent_seq = sq_int(c, 1);
	id = c->s->ops->col_text(c, 2);
	snprintf(h->agent_id, sizeof(h->agent_id), "%s", id != NULL ? id : "");
	h->tenant_id = sq_int(c, 4);
	h->updated_at = sq_int(c, 8);
	if ((r = sq_dup(c, 3, &h->hostname)) != 0 ||
	    (r = sq_dup(c, 5, &h->state)) != 0 ||
	    (r = sq_dup(c, 6, &h->reason)) != 0 ||
	    (r = sq_dup0(c, 7, &h->results)) != 0)
		clear_host(h);
	return r;
}

static const struct sq_rows host_rows = {
    sizeof(struct store_job_host), 1, read_host, clear_host};

int
store_job_hosts(struct store *s, int64_t job_seq, const struct store_page *pg,
    struct store_job_host **v, size_t *n, int *more)
{
	struct drv_arg a[] = {A_INT(job_seq), A_INT(0), A_INT(0)};

	return sq_list(
	    s, &q_hosts_list, a, NARGS(a), pg, &host_rows, (void **)v, n, more);
}

int
store_job_pending(struct store *s, int64_t job_seq, size_t max,
    struct store_job_host **v, size_t *n)
{
	struct drv_arg a[] = {A_INT(job_seq), A_INT((int64_t)max)};

	return sq_all(
	    s, &q_hosts_pending, a, NARGS(a), &host_rows, max, (void **)v, n);
}

int
store_job_host_queue(struct store *s, int64_t job_seq, int64_t agent_seq,
    const char *envelope, int64_t now)
{
	struct drv_arg a[] = {
	    A_TEXT(envelope), A_INT(now), A_INT(job_seq), A_INT(agent_seq)};
	int64_t k = 0;
	int r;

	if (envelope == NULL)
		return RP_ERR_ARG;
	if ((r = sq_exec(s, &q_host_queue, a, NARGS(a), &k)) != 0)
		return r;
	return k == 1 ? 0 : RP_ERR_NOTFOUND;
}

void
store_job_envs_free(struct store_job_env *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i].envelope);
	free(v);
}

/* Moves each of the n queued jobs seqs[i] of an agent to delivered;
 * v[i] is kept (moved to the front, count in *k) when this call moved
 * it, else freed: another request of the same agent may have taken it
 * meanwhile. */
static int
deliver(struct store *s, int64_t agent_seq, int64_t now, const int64_t *seqs,
    struct store_job_env *v, size_t n, size_t *k)
{
	size_t i;
	int r = 0;

	for (i = 0; i < n; i++) {
		struct drv_arg d[] = {A_INT(now), A_INT(seqs[i]),
		    A_INT(agent_seq), A_INT(now - JOB_REOFFER)};
		int64_t ch = 0;

		if (r == 0)
			r = sq_exec(s, &q_deliver, d, NARGS(d), &ch);
		if (r == 0 && ch == 1) {
			struct store_job_env e = v[i];

			v[i].envelope = NULL;
			v[(*k)++] = e;
		} else {
			free(v[i].envelope);
			v[i].envelope = NULL;
		}
	}
	return r;
}

int
store_agent_jobs_take(struct store *s, int64_t agent_seq, int64_t now,
    size_t max, struct store_job_env **out, size_t *count)
{
	struct drv_arg a[] = {A_INT(agent_seq), A_INT(now - JOB_REOFFER),
	    A_INT(now), A_INT((int64_t)max)};
	int64_t *seqs = calloc(max + 1, sizeof(*seqs));
	struct store_job_env *v = calloc(max + 1, sizeof(*v));
	struct drv_cur c;
	struct sq_tx tx;
	size_t n = 0, k = 0;
	int r = RP_ERR_NOMEM;

	if (seqs == NULL || v == NULL || (r = sq_tx_enter(s, &tx)) != 0)
		goto out;
	if ((r = sq_query(s, &q_take, a, NARGS(a), &c)) == 0) {
		while (n < max && (r = sq_step(&c)) == 1) {
			const char *id = c.s->ops->col_text(&c, 2);

			seqs[n] = sq_int(&c, 0);
			snprintf(v[n].job_id, sizeof(v[n].job_id), "%s",
			    id != NULL ? id : "");
			if ((r = sq_dup(&c, 1, &v[n].envelope)) != 0)
				break;
			n++;
		}
		sq_done(&c);
	}
	if (r == 0)
		r = deliver(s, agent_seq, now, seqs, v, n, &k);
	r = sq_tx_leave(s, &tx, r);
out:
	free(seqs);
	if (r != 0) {
		store_job_envs_free(v, n);
		return r;
	}
	*out = v;
	*count = k;
	return 0;
}

static int
final_state(const char *st)
{
	return strcmp(st, JOBH_DONE) == 0 || strcmp(st, JOBH_FAILED) == 0 ||
	    strcmp(st, JOBH_REJECTED) == 0 || strcmp(st, JOBH_EXPIRED) == 0;
}

int
store_job_report(struct store *s, const char *job_id, int64_t agent_seq,
    const char *state, const char *reason, const char *results, int64_t now,
    char cur[16])
{
	struct drv_arg a[] = {A_TEXT(job_id), A_INT(agent_seq)};
	char was[16] = "";
	int64_t seq, k = 0;
	struct drv_cur c;
	int r, ok;

	if (job_id == NULL || state == NULL || reason == NULL ||
	    (strcmp(state, JOBH_RUNNING) != 0 && !final_state(state)) ||
	    strcmp(state, JOBH_EXPIRED) == 0)
		return RP_ERR_ARG;
	if ((r = sq_row(s, &q_host_state, a, NARGS(a), &c)) != 0)
		return r;
	seq = sq_int(&c, 0);
	snprintf(was, sizeof(was), "%s",
	    c.s->ops->col_text(&c, 1) ? c.s->ops->col_text(&c, 1) : "");
	sq_done(&c);
	if (cur != NULL)
		memcpy(cur, was, sizeof(was));
	ok = strcmp(was, JOBH_QUEUED) == 0 ||
	    strcmp(was, JOBH_DELIVERED) == 0 ||
	    (strcmp(was, JOBH_RUNNING) == 0 && final_state(state));
	if (!ok)
		return RP_ERR_INVALID;
	struct drv_arg u[] = {A_TEXT(state), A_TEXT(reason),
	    results != NULL ? A_TEXT(results) : A_NULL, A_INT(now), A_INT(seq),
	    A_INT(agent_seq), A_TEXT(was)};
	if ((r = sq_exec(s, &q_report, u, NARGS(u), &k)) != 0)
		return r;
	return k == 1 ? 0 : RP_ERR_INVALID; /* moved meanwhile */
}

int
store_jobs_expire(struct store *s, int64_t now, int64_t *n)
{
	struct drv_arg a[] = {A_INT(now), A_INT(now)};

	return sq_exec(s, &q_expire, a, NARGS(a), n);
}

int
store_job_targets(struct store *s, const struct store_scope *sc,
    const char *agent_id, int64_t tenant, int64_t advisory, size_t max,
    int64_t **agents, int64_t **tenants, size_t *count)
{
	const char *id = agent_id != NULL ? agent_id : "";
	struct drv_arg a[] = {A_SCOPE_ALL(sc), A_SCOPE_ID(sc), A_TEXT(id),
	    A_TEXT(id), A_INT(tenant), A_INT(tenant), A_INT(advisory),
	    A_INT(advisory), A_INT((int64_t)max + 1)};
	int64_t *va = NULL, *vt = NULL;
	size_t n = 0, cap = 0, capt = 0;
	struct drv_cur c;
	int r;

	if ((r = sq_query(s, &q_targets, a, NARGS(a), &c)) != 0)
		return r;
	while ((r = sq_step(&c)) == 1) {
		if ((r = sq_grow(
			 (void **)&va, &cap, n + 1, sizeof(*va), max)) != 0 ||
		    (r = sq_grow(
			 (void **)&vt, &capt, n + 1, sizeof(*vt), max)) != 0)
			break;
		va[n] = sq_int(&c, 0);
		vt[n] = sq_int(&c, 1);
		n++;
	}
	sq_done(&c);
	if (r != 0) {
		free(va);
		free(vt);
		return r;
	}
	*agents = va;
	*tenants = vt;
	*count = n;
	return 0;
}
