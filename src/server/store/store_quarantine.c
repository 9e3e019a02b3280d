/*
 * Quarantine entries as agents' job reports tell of them (docs/jobs.md,
 * "What the reports record"): made by a quarantine or sweep job, held
 * in the agent's store, then restored or purged by a job naming the
 * entry.  An entry is known by its agent and the agent's entry ID; its
 * state only moves from held, once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util/err.h"

static struct drv_sql q_add =
    DRV_SQL("INSERT INTO quarantine_entries (tenant_id, agent_seq, entry, "
	    "path, sha256, job_seq, created_at, state) VALUES (?, ?, ?, ?, ?, "
	    "?, ?, '" QENTRY_HELD "') ON CONFLICT (agent_seq, entry) DO "
	    "NOTHING");
static struct drv_sql q_set_state =
    DRV_SQL("UPDATE quarantine_entries SET state = ?, state_job_seq = ?, "
	    "state_at = ? WHERE agent_seq = ? AND entry = ? AND state = "
	    "'" QENTRY_HELD "'");
static struct drv_sql q_list = DRV_SQL(
    "SELECT q.id, q.tenant_id, q.agent_seq, q.entry, q.path, q.sha256, "
    "j.id, q.created_at, q.state, k.id, q.state_at FROM quarantine_entries "
    "q LEFT JOIN jobs j ON j.seq = q.job_seq LEFT JOIN jobs k ON k.seq = "
    "q.state_job_seq WHERE q.id > ? AND q.agent_seq = ? AND (? = '' OR "
    "q.state = ?) AND " SCOPE_FILTER("q.tenant_id") " ORDER BY q.id LIMIT ?");

static void
clear_qentry(void *row)
{
	struct store_qentry *q = row;

	free(q->path);
	free(q->sha256);
	memset(q, 0, sizeof(*q));
}

void
store_qentries_free(struct store_qentry *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		clear_qentry(&v[i]);
	free(v);
}

int
store_qentry_add(struct store *s, int64_t tenant_id, int64_t agent_seq,
    const char *entry, const char *path, const char *sha256, int64_t job_seq,
    int64_t at)
{
	struct drv_arg a[] = {A_INT(tenant_id), A_INT(agent_seq), A_TEXT(entry),
	    A_TEXT(path), A_TEXT(sha256), A_ID(job_seq), A_INT(at)};

	if (entry == NULL || path == NULL || sha256 == NULL)
		return RP_ERR_ARG;
	return sq_exec(s, &q_add, a, NARGS(a), NULL);
}

int
store_qentry_set_state(struct store *s, int64_t agent_seq, const char *entry,
    const char *state, int64_t job_seq, int64_t at)
{
	int64_t k = 0;
	int r;

	if (entry == NULL || state == NULL ||
	    (strcmp(state, QENTRY_RESTORED) != 0 &&
		strcmp(state, QENTRY_PURGED) != 0))
		return RP_ERR_ARG;
	struct drv_arg a[] = {A_TEXT(state), A_ID(job_seq), A_INT(at),
	    A_INT(agent_seq), A_TEXT(entry)};
	if ((r = sq_exec(s, &q_set_state, a, NARGS(a), &k)) != 0)
		return r;
	return k == 1 ? 0 : RP_ERR_NOTFOUND;
}

/* A text column into a fixed array (the IDs: short, of a known
 * alphabet, "" for NULL). */
static void
col_into(struct drv_cur *c, int col, char *out, size_t len)
{
	const char *v = c->s->ops->col_text(c, col);

	snprintf(out, len, "%s", v != NULL ? v : "");
}

static int
read_qentry(struct drv_cur *c, void *row)
{
	struct store_qentry *q = row;
	int r;

	memset(q, 0, sizeof(*q));
	q->id = sq_int(c, 0);
	q->tenant_id = sq_int(c, 1);
	q->agent_seq = sq_int(c, 2);
	col_into(c, 3, q->entry, sizeof(q->entry));
	col_into(c, 6, q->job_id, sizeof(q->job_id));
	q->created_at = sq_int(c, 7);
	col_into(c, 8, q->state, sizeof(q->state));
	col_into(c, 9, q->state_job_id, sizeof(q->state_job_id));
	q->state_at = sq_int(c, 10);
	if ((r = sq_dup(c, 4, &q->path)) != 0 ||
	    (r = sq_dup(c, 5, &q->sha256)) != 0)
		clear_qentry(q);
	return r;
}

static const struct sq_rows qentry_rows = {
    sizeof(struct store_qentry), 0, read_qentry, clear_qentry};

int
store_qentry_list(struct store *s, const struct store_scope *sc,
    int64_t agent_seq, const char *state, const struct store_page *pg,
    struct store_qentry **v, size_t *n, int *more)
{
	const char *st = state != NULL ? state : "";
	struct drv_arg a[] = {A_INT(0), A_INT(agent_seq), A_TEXT(st),
	    A_TEXT(st), A_SCOPE_ALL(sc), A_SCOPE_ID(sc), A_INT(0)};

	return sq_list(
	    s, &q_list, a, NARGS(a), pg, &qentry_rows, (void **)v, n, more);
}
