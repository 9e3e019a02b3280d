/*
 * Scheduled sweeps (docs/agent-protocol.md, "Sweep results"): each runs
 * in a child process of the daemon, so that heartbeats and uploads go on
 * during an hour-long sweep, SIGTERM ends it at once, and its memory
 * (YARA rules, the walk) is given back when it ends.  The child runs the
 * sweep code as `rampart-agent sweep` does (its confined scanner
 * included), with the digest cache in the state directory, at a lower
 * CPU priority, and writes one JSON object to a pipe:
 * {"started_at", "report": SweepReport}, cut to what the server takes
 * (DAEMON_UPLOAD_HITS hits, DAEMON_UPLOAD_MAX bytes; "hits_truncated"
 * then says so, the counters keep the full numbers).  The parent queues
 * it.  The rules bundle is read again for every sweep, so a new bundle
 * is used without a restart.  sweep.json records when the last sweep
 * that produced a report started, so a restart does not sweep again
 * before the interval is over.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collectors/collectors.h"
#include "daemon_int.h"
#include "ioc/ioc.h"
#include "sweep/sweep.h"
#include "util/fdio.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/str.h"

#define SWEEP_STATE "sweep.json"
#define SWEEP_CACHE "sweep-cache.bin"
/* The child's answer: an upload and a little room for its wrapper. */
#define ANSWER_MAX (DAEMON_UPLOAD_MAX + 4096)
/* The wrapper around the report: {"started_at": ..., "seq": ...}. */
#define WRAP_ROOM 256

static void
rfc3339(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

/* Loads and compiles the bundle; the diagnostics go to d. */
static int
rules_load(const char *path, struct ioc_bundle **b, struct sweep_rules **rules,
    struct rp_diags *d)
{
	int r;

	*b = NULL;
	*rules = NULL;
	if ((r = ioc_bundle_read_file(path, b, d)) == 0 &&
	    (r = sweep_rules_new(*b, rules, d)) != 0) {
		ioc_bundle_free(*b);
		*b = NULL;
	}
	return r;
}

static void
log_rules_error(const char *path, int r, const struct rp_diags *d)
{
	struct dlog l;
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].level != RP_DIAG_ERROR)
			continue;
		dlog_begin(&l, "error", "sweep rules: problem");
		dlog_str(&l, "rules", path);
		dlog_i64(&l, "line", d->v[i].line);
		dlog_str(&l, "pointer", d->v[i].pointer);
		dlog_str(&l, "detail", d->v[i].msg);
		dlog_end(&l);
	}
	dlog_begin(&l, "error", "sweep rules not usable");
	dlog_str(&l, "rules", path);
	dlog_str(&l, "error", rp_strerror(r));
	dlog_end(&l);
}

int
sweep_job_check(const struct daemon_opts *o)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = NULL;
	struct sweep_rules *rules = NULL;
	int r;

	if (d == NULL)
		return -1;
	if ((r = rules_load(o->sweep_rules, &b, &rules, d)) != 0)
		log_rules_error(o->sweep_rules, r, d);
	sweep_rules_free(rules);
	ioc_bundle_free(b);
	rp_diags_free(d);
	return r == 0 ? 0 : -1;
}

/* Cuts arr (report member key) to at most max entries; whether it cut. */
static int
cut(json_t *report, const char *key, size_t max)
{
	json_t *arr = json_object_get(report, key);
	size_t n = json_array_size(arr);

	if (n <= max)
		return 0;
	while (n > max)
		json_array_remove(arr, --n);
	return 1;
}

/* Makes the report fit one upload.  0, or -1 when it cannot. */
static int
fit(json_t *report)
{
	size_t max = DAEMON_UPLOAD_HITS, inc = DAEMON_UPLOAD_HITS, n;

	for (;;) {
		if (cut(report, "hits", max))
			json_object_set_new(
			    report, "hits_truncated", json_true());
		cut(report, "incomplete", inc);
		n = json_dumpb(report, NULL, 0, JSON_COMPACT);
		if (n != 0 && n + WRAP_ROOM <= DAEMON_UPLOAD_MAX)
			return 0;
		if (max == 0 && inc == 0)
			return -1;
		max /= 2;
		inc /= 2;
	}
}

/* Processes and connections of this machine against the rules. */
static void
check_live(const struct sweep_rules *rules, struct sweep_report *rep,
    struct rp_diags *d)
{
	struct inv_host *h = inv_host_new();
	unsigned live = 0;

	if (h == NULL)
		return;
	(void)collect_select("processes,connections", &live, NULL, NULL);
	if (collect_inventory("/", live, h, d) != RP_ERR_NOMEM)
		(void)sweep_check_host(h, rules, rep, d);
	inv_host_free(h);
}

/* Logs what the sweep came to (in the child). */
static void
log_done(const struct sweep_report *rep, const struct rp_diags *d)
{
	struct dlog l;

	dlog_begin(&l, "info", "sweep finished");
	dlog_u64(&l, "files", rep->c.files_seen);
	dlog_u64(&l, "read", rep->c.files_opened);
	dlog_u64(&l, "hits", rep->c.hits);
	dlog_u64(&l, "incomplete", rep->ninc);
	dlog_u64(&l, "warnings", d->nwarnings);
	dlog_i64(&l, "seconds", (int64_t)rep->seconds);
	dlog_end(&l);
}

/* The child: sweeps, writes the report to fd, never returns. */
static void
child_main(const struct daemon_opts *o, int fd, int64_t started)
{
	const char *paths[1] = {o->sweep_root};
	struct sweep_opts so = {.paths = paths, .npaths = 1};
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = NULL;
	struct sweep_rules *rules = NULL;
	struct sweep_report *rep = sweep_report_new();
	json_t *j, *body;
	char ts[32], *text;
	int r;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	(void)setpriority(PRIO_PROCESS, 0, 10);
	if (d == NULL || rep == NULL)
		_exit(2);
	if ((r = rules_load(o->sweep_rules, &b, &rules, d)) != 0) {
		log_rules_error(o->sweep_rules, r, d);
		_exit(2);
	}
	rp_diags_clear(d);
	so.cache_path = rp_asprintf("%s/%s", o->state_dir, SWEEP_CACHE);
	if (sweep_run(&so, rules, rep, d) != 0)
		_exit(2);
	if (strcmp(o->sweep_root, "/") == 0)
		check_live(rules, rep, d);
	log_done(rep, d);
	rfc3339(started, ts);
	if ((j = sweep_report_json(rep)) == NULL || fit(j) != 0)
		_exit(2);
	body = json_pack("{s:s, s:o}", "started_at", ts, "report", j);
	if (body == NULL || (text = json_dumps(body, JSON_COMPACT)) == NULL)
		_exit(2);
	_exit(rp_write_all(fd, text, strlen(text)) == 0 ? 0 : 2);
}

int
sweep_job_start(struct daemon *d)
{
	struct sweep_job *j = &d->sweep;
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0) {
		dlog1("error", "sweep not started", "error", strerror(errno));
		return -1;
	}
	j->started = (int64_t)time(NULL);
	if ((pid = fork()) < 0) {
		dlog1("error", "sweep not started", "error", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		child_main(d->o, p[1], j->started);
	}
	close(p[1]);
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK);
	j->pid = pid;
	j->fd = p[0];
	j->len = 0;
	j->overflow = 0;
	dlog1("info", "sweep started", "root", d->o->sweep_root);
	return 0;
}

static void
job_reset(struct sweep_job *j)
{
	if (j->fd >= 0)
		close(j->fd);
	free(j->buf);
	j->buf = NULL;
	j->len = j->cap = 0;
	j->fd = -1;
	j->pid = 0;
}

void
sweep_job_stop(struct daemon *d)
{
	struct sweep_job *j = &d->sweep;

	if (j->pid > 0) {
		kill(j->pid, SIGTERM);
		while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
			;
		dlog1("info", "sweep stopped; its report is lost", NULL, NULL);
	}
	job_reset(j);
}

int64_t
sweep_job_last(struct daemon *d)
{
	char err[QUEUE_ERR_MAX], *text = NULL;
	size_t len;
	json_t *v;
	int64_t t = 0;

	if (queue_state_read(d->statefd, SWEEP_STATE, 4096, &text, &len, err) !=
	    0)
		return 0;
	v = json_loadb(text, len, 0, NULL);
	if (json_is_integer(json_object_get(v, "started")))
		t = (int64_t)json_integer_value(json_object_get(v, "started"));
	json_decref(v);
	free(text);
	return t;
}

static void
record_last(struct daemon *d, int64_t started, uint64_t seq)
{
	char err[QUEUE_ERR_MAX], text[96];
	int n;

	n = snprintf(text, sizeof(text), "{\"started\":%lld,\"seq\":%llu}\n",
	    (long long)started, (unsigned long long)seq);
	if (queue_state_write(d->statefd, SWEEP_STATE, text, (size_t)n, err) !=
	    0)
		dlog1("warn", SWEEP_STATE " not written", "error", err);
}

/* The child is done: queue what it sent. */
static void
finish(struct daemon *d)
{
	struct sweep_job *j = &d->sweep;
	char err[QUEUE_ERR_MAX];
	json_t *body = NULL;
	uint64_t seq = 0;
	struct dlog l;
	int st = 0, r;

	while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR)
		;
	j->pid = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || j->overflow) {
		dlog_begin(&l, "error", "sweep failed; no report");
		if (WIFSIGNALED(st))
			dlog_i64(&l, "signal", WTERMSIG(st));
		else
			dlog_i64(&l, "exit", WEXITSTATUS(st));
		dlog_end(&l);
		goto out;
	}
	body = json_loadb(j->buf, j->len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(json_object_get(body, "report"))) {
		dlog1("error", "sweep failed: its report does not read", NULL,
		    NULL);
		goto out;
	}
	r = queue_add(d->q, QUEUE_SWEEP, body, &seq, NULL, err);
	dlog_begin(&l, r == 0 ? "info" : "error",
	    r == 0 ? "sweep report queued"
		   : "SWEEP REPORT NOT QUEUED: the next sweep reports again");
	if (r == 0)
		dlog_u64(&l, "seq", seq);
	else
		dlog_str(&l, "error", err);
	dlog_end(&l);
	record_last(d, j->started, seq);
out:
	json_decref(body);
	job_reset(j);
}

int
sweep_job_read(struct daemon *d)
{
	struct sweep_job *j = &d->sweep;
	size_t nc;
	char *nb;
	ssize_t n;

	for (;;) {
		if (j->len == j->cap && !j->overflow) {
			nc = j->cap ? j->cap * 2 : 65536;
			if (nc > ANSWER_MAX)
				nc = ANSWER_MAX;
			if (j->cap >= ANSWER_MAX ||
			    (nb = realloc(j->buf, nc)) == NULL) {
				j->overflow = 1; /* the rest is drained */
				continue;
			}
			j->buf = nb;
			j->cap = nc;
		}
		if (j->overflow) {
			char sink[4096];

			n = read(j->fd, sink, sizeof(sink));
		} else {
			n = read(j->fd, j->buf + j->len, j->cap - j->len);
		}
		if (n > 0) {
			if (!j->overflow)
				j->len += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 1;
		break; /* the end, or an error: the child is done */
	}
	finish(d);
	return 0;
}
