/*
 * The jobs that act on files through the quarantine store
 * (quarantine/quarantine.h): quarantine a path, restore or purge an
 * entry.  The store does the walking (no symbolic link followed, the
 * file taken only if it is still the one examined and, with the job's
 * sha256, has that hash) and the crash-safe moves; this file only turns
 * the job into those calls and their outcome into results.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jobs_int.h"
#include "quarantine/quarantine.h"
#include "util/err.h"

static json_t *
pids(const pid_t *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, json_integer(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Opens the store; on failure the outcome says failed. */
static struct qstore *
store(const struct jobs_ctx *c, struct jobs_outcome *o, struct rp_diags *d)
{
	struct qstore *q = NULL;
	int r;

	if ((r = qstore_open(c->store, &q, d)) != 0) {
		jobs_set(o, JOBS_FAILED, "the quarantine store %s: %s",
		    c->store ? c->store : QUARANTINE_DEFAULT_DIR,
		    jobs_diag_text(d, rp_strerror(r)));
		return NULL;
	}
	rp_diags_clear(d);
	return q;
}

int
act_quarantine(
    const struct jobs_ctx *c, const struct proto_job *j, struct jobs_outcome *o)
{
	struct rp_diags *d = rp_diags_new();
	struct qstore *q = NULL;
	struct qentry e = {0};
	struct stat st;
	char reason[128];
	int r;

	if (d == NULL)
		return RP_ERR_NOMEM;
	if ((r = quarantine_lstat(j->path, &st, d)) != 0) {
		jobs_set(o, JOBS_FAILED, "%s: %s", j->path,
		    jobs_diag_text(d, rp_strerror(r)));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		jobs_set(o, JOBS_FAILED, "%s: not a regular file", j->path);
		goto out;
	}
	if ((q = store(c, o, d)) == NULL)
		goto out;
	snprintf(reason, sizeof(reason), "job %s", j->job_id);
	/* a file being run is taken with the processes running it */
	r = quarantine_file(q, j->path, st.st_dev, st.st_ino,
	    j->sha256[0] ? j->sha256 : NULL, reason, QUARANTINE_KILL, &e, d);
	if (r != 0) {
		jobs_set(o, JOBS_FAILED, "%s: %s%s", j->path,
		    j->sha256[0] && r == RP_ERR_INVALID
			? "not the file the job names: "
			: "",
		    jobs_diag_text(d, rp_strerror(r)));
		r = 0;
		goto out;
	}
	r = jobs_result(o,
	    json_pack("{s:s, s:s, s:s, s:o*, s:o*}", "path", j->path, "sha256",
		e.sha256, "entry", e.id, "killed", pids(e.killed, e.nkilled),
		"not_killed_hardlinked", pids(e.spared, e.nspared)));
	jobs_set(o, r == 0 ? JOBS_DONE : JOBS_FAILED, "%s",
	    r == 0 ? "" : "out of memory");
out:
	qentry_clear(&e);
	qstore_close(q);
	rp_diags_free(d);
	return r == RP_ERR_NOMEM ? r : 0;
}

/* restore and purge: the entry's path first (for the result), then fn. */
static int
on_entry(const struct jobs_ctx *c, const struct proto_job *j,
    struct jobs_outcome *o, int restore)
{
	struct rp_diags *d = rp_diags_new();
	struct qstore *q = NULL;
	struct qentry e = {0};
	char *path = NULL;
	int r = 0;

	if (d == NULL)
		return RP_ERR_NOMEM;
	if ((q = store(c, o, d)) == NULL)
		goto out;
	/* a damaged entry may still be purged; its path is then unknown */
	if ((r = qstore_get(q, j->entry, &e, d)) == 0 && e.path != NULL &&
	    (path = strdup(e.path)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	if (r == RP_ERR_NOTFOUND || (r != 0 && restore)) {
		jobs_set(o, JOBS_FAILED, "quarantine entry %s: %s", j->entry,
		    r == RP_ERR_NOTFOUND ? "no such entry"
					 : jobs_diag_text(d, rp_strerror(r)));
		r = 0;
		goto out;
	}
	rp_diags_clear(d);
	r = restore ? qstore_restore(q, j->entry, NULL, 0, d)
		    : qstore_purge(q, j->entry, d);
	if (r != 0) {
		jobs_set(o, JOBS_FAILED, "quarantine entry %s: %s", j->entry,
		    jobs_diag_text(d, rp_strerror(r)));
		r = 0;
		goto out;
	}
	r = jobs_result(
	    o, json_pack("{s:s, s:s?}", "entry", j->entry, "path", path));
	jobs_set(o, r == 0 ? JOBS_DONE : JOBS_FAILED, "%s",
	    r == 0 ? "" : "out of memory");
out:
	free(path);
	qentry_clear(&e);
	qstore_close(q);
	rp_diags_free(d);
	return r == RP_ERR_NOMEM ? r : 0;
}

int
act_restore(
    const struct jobs_ctx *c, const struct proto_job *j, struct jobs_outcome *o)
{
	return on_entry(c, j, o, 1);
}

int
act_purge(
    const struct jobs_ctx *c, const struct proto_job *j, struct jobs_outcome *o)
{
	return on_entry(c, j, o, 0);
}
