/*
 * The jobs that read the machine: inventory (collected here, or left to
 * the daemon's next turn) and sweep with a rules bundle named by its
 * SHA-256.  The bundle comes from the state directory's cache
 * (bundles/<sha256>.json; bundles.c fetches it from the server when it
 * is not there), and is used only when its bytes have that hash: the
 * job names the exact rules it was approved with.  The sweep
 * is the one `rampart-agent sweep` runs (its confined scanner
 * included); matched files are quarantined by the store, which takes a
 * file only if it is still the one that matched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "collectors/collectors.h"
#include "ioc/ioc.h"
#include "jobs_int.h"
#include "platform/platform.h"
#include "quarantine/quarantine.h"
#include "sweep/sweep.h"
#include "util/err.h"

#define RESULT_HITS 1000 /* hits kept in the job's result */

int
act_inventory(
    const struct jobs_ctx *c, const struct proto_job *j, struct jobs_outcome *o)
{
	struct rp_diags *d = NULL;
	struct inv_host *h = NULL;
	int r = RP_ERR_NOMEM;

	(void)j;
	if (c->inventory_deferred) {
		o->inventory_requested = 1;
		jobs_set(o, JOBS_DONE, "%s", "");
		return jobs_result(
		    o, json_pack("{s:s}", "inventory", "requested"));
	}
	if ((d = rp_diags_new()) == NULL || (h = inv_host_new()) == NULL)
		goto out;
	r = collect_inventory(c->root, COLLECT_ALL, h, d);
	if (r == RP_ERR_NOMEM)
		goto out;
	jobs_set(o, r == 0 ? JOBS_DONE : JOBS_FAILED, "%s",
	    r == 0 ? "" : jobs_diag_text(d, rp_strerror(r)));
	r = jobs_result(o,
	    json_pack("{s:I, s:I, s:I}", "software", (json_int_t)h->nsw,
		"processes", (json_int_t)h->nprocs, "connections",
		(json_int_t)h->nconns));
out:
	if (r == RP_ERR_NOMEM)
		jobs_set(o, JOBS_FAILED, "out of memory");
	inv_host_free(h);
	rp_diags_free(d);
	return r;
}

/* The bundle the job names, checked against its hash, ready to match. */
static int
load_rules(const struct jobs_ctx *c, const struct proto_job *j,
    struct ioc_bundle **b, struct sweep_rules **rules, struct rp_diags *d,
    struct jobs_outcome *o)
{
	unsigned char sum[32];
	char hex[65], *buf = NULL;
	size_t len = 0;
	json_t *v = NULL;
	int r = -1;

	if (jobs_bundle_load(c, j->bundle, &buf, &len, o) != 0)
		return -1;
	crypto_hash_sha256(sum, (unsigned char *)buf, len);
	sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
	if (strcmp(hex, j->bundle) != 0) {
		jobs_set(o, JOBS_FAILED,
		    "rules bundle %s: the cached file's SHA-256 is %s (damaged "
		    "or replaced)",
		    j->bundle, hex);
		goto out;
	}
	if ((v = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    ioc_bundle_read_json(v, b, d) != 0 ||
	    sweep_rules_new(*b, rules, d) != 0) {
		jobs_set(o, JOBS_FAILED, "rules bundle %s: %s", j->bundle,
		    jobs_diag_text(d, "not a rules bundle"));
		goto out;
	}
	r = 0;
out:
	json_decref(v);
	free(buf);
	return r;
}

/* Quarantines the file hits (and ends what runs them with terminate);
 * the outcomes as an array, failures counted in *failed. */
static json_t *
quarantine_hits(const struct jobs_ctx *c, const struct proto_job *j,
    const struct sweep_report *rep, struct rp_diags *d, size_t *failed)
{
	struct qstore *q = NULL;
	struct qentry e;
	json_t *arr = json_array();
	char why[64];
	size_t i;
	int r;

	*failed = 0;
	if (arr == NULL || (r = qstore_open(c->store, &q, d)) != 0) {
		*failed = rep->nhits;
		return arr;
	}
	snprintf(why, sizeof(why), "sweep job %s", j->job_id);
	for (i = 0; i < rep->nhits; i++) {
		const struct sweep_hit *h = &rep->hits[i];

		if (h->kind != SWEEP_HIT_FILE)
			continue;
		memset(&e, 0, sizeof(e));
		r = quarantine_file(q, h->path, (dev_t)h->dev, (ino_t)h->ino,
		    h->sha256[0] ? h->sha256 : NULL, why,
		    j->terminate ? QUARANTINE_KILL : 0, &e, d);
		*failed += r != 0;
		/* sha256: of what the store took (the server records the
		 * entry with it; the hit's may be cut from the report) */
		json_array_append_new(arr,
		    json_pack("{s:I, s:s, s:s?, s:s?, s:s?}", "hit",
			(json_int_t)i, "path", h->path, "entry",
			r == 0 ? e.id : NULL, "sha256",
			r == 0 ? e.sha256 : NULL, "error",
			r == 0 ? NULL : jobs_diag_text(d, rp_strerror(r))));
		qentry_clear(&e);
	}
	qstore_close(q);
	return arr;
}

static int
count_kill(pid_t pid, int err, void *arg)
{
	(void)pid;
	*(size_t *)arg += err == 0;
	return 0;
}

/* terminate: ends the processes whose running image matched. */
static size_t
kill_process_hits(const struct sweep_report *rep)
{
	size_t i, killed = 0;

	for (i = 0; i < rep->nhits; i++)
		if (rep->hits[i].kind == SWEEP_HIT_PROCESS &&
		    rep->hits[i].sha256[0] != '\0')
			(void)plat_procs_by_exe((dev_t)rep->hits[i].dev,
			    (ino_t)rep->hits[i].ino, 1, count_kill, &killed);
	return killed;
}

/* The sweep's report, its hits cut to RESULT_HITS. */
static json_t *
report(const struct sweep_report *rep)
{
	json_t *v = sweep_report_json(rep), *hits;

	hits = json_object_get(v, "hits");
	if (json_array_size(hits) > RESULT_HITS) {
		while (json_array_size(hits) > RESULT_HITS)
			json_array_remove(hits, json_array_size(hits) - 1);
		json_object_set_new(v, "hits_truncated", json_true());
	}
	return v;
}

static int
sweep_and_act(const struct jobs_ctx *c, const struct proto_job *j,
    const struct sweep_rules *rules, struct sweep_report *rep,
    struct rp_diags *d, struct jobs_outcome *o)
{
	const char *paths[1] = {c->root};
	int whole = c->root == NULL || strcmp(c->root, "/") == 0;
	struct sweep_opts so = {0};
	struct inv_host *h;
	json_t *v, *quar = NULL;
	size_t failed = 0, killed = 0;
	unsigned live = 0;

	so.paths = whole ? NULL : paths;
	so.npaths = whole ? 0 : 1;
	if (sweep_run(&so, rules, rep, d) != 0)
		return RP_ERR_NOMEM;
	if (whole && (h = inv_host_new()) != NULL) {
		(void)collect_select(
		    "processes,connections", &live, NULL, NULL);
		if (collect_inventory("/", live, h, d) != RP_ERR_NOMEM)
			(void)sweep_check_host(h, rules, rep, d);
		inv_host_free(h);
	}
	if (j->quarantine && rep->nhits > 0)
		quar = quarantine_hits(c, j, rep, d, &failed);
	if (j->terminate)
		killed = kill_process_hits(rep);
	if ((v = report(rep)) == NULL)
		return RP_ERR_NOMEM;
	if (quar != NULL)
		json_object_set_new(v, "quarantine", quar);
	json_object_set_new(
	    v, "processes_killed", json_integer((json_int_t)killed));
	if (failed > 0)
		jobs_set(o, JOBS_FAILED, "%zu matched file%s not quarantined",
		    failed, failed == 1 ? " was" : "s were");
	else
		jobs_set(o, JOBS_DONE, "%s", "");
	return jobs_result(o, v);
}

int
act_sweep(
    const struct jobs_ctx *c, const struct proto_job *j, struct jobs_outcome *o)
{
	struct ioc_bundle *b = NULL;
	struct sweep_rules *rules = NULL;
	struct sweep_report *rep = NULL;
	struct rp_diags *d = rp_diags_new();
	int r = 0;

	if (d == NULL || (rep = sweep_report_new()) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	if (load_rules(c, j, &b, &rules, d, o) != 0)
		goto out;
	rp_diags_clear(d);
	if ((r = sweep_and_act(c, j, rules, rep, d, o)) != 0)
		jobs_set(o, JOBS_FAILED, "out of memory");
out:
	sweep_report_free(rep);
	sweep_rules_free(rules);
	ioc_bundle_free(b);
	rp_diags_free(d);
	return r;
}
