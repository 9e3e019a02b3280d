/*
 * sweep_run: opens the start paths (walk_open_start: no symbolic link is
 * followed anywhere in a start path), the cache
 * and the mount table, runs the workers and the progress reporter, and
 * gathers their counters into the report.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sweep/walk_int.h"
#include "util/err.h"

static double
elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* An absolute path without trailing slashes (caller frees). */
static char *
absolute(const char *p)
{
	char cwd[PATH_MAX];
	char *s;
	size_t n;

	if (p[0] == '/')
		s = strdup(p);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	else
		s = rp_asprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", p);
	if (s == NULL)
		return NULL;
	n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

static int
push_root(struct walk *w, struct root *r, int file_root, struct rp_diags *d)
{
	struct dir_item *it = malloc(sizeof(*it) + r->len + 1);

	if (it == NULL)
		return RP_ERR_NOMEM;
	memset(it, 0, sizeof(*it));
	it->parent_dev = r->dev;
	it->start_dev = r->dev;
	it->file_root = file_root;
	it->len = r->len;
	memcpy(it->path, r->path, r->len + 1);
	it->next = w->dirs;
	w->dirs = it;
	return 0;
}

static int
open_roots(struct walk *w, struct rp_diags *d)
{
	static const char *const slash[] = {"/"};
	const char *const *paths = w->o->npaths ? w->o->paths : slash;
	size_t n = w->o->npaths ? w->o->npaths : 1, i;
	struct root *r;
	int rc, is_file;

	if ((w->roots = calloc(n, sizeof(*w->roots))) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		r = &w->roots[w->nroots++];
		r->fd = r->pfd = -1;
		if ((r->path = absolute(paths[i])) == NULL)
			return RP_ERR_NOMEM;
		if ((rc = walk_open_start(r, &is_file, d)) < 0)
			return rc;
		if (rc == 0 && push_root(w, r, is_file, d) != 0)
			return RP_ERR_NOMEM;
	}
	return 0;
}

static void
snapshot(struct walk *w, struct sweep_counters *c)
{
	uint64_t *dst = (uint64_t *)c;
	size_t i, t;

	memset(c, 0, sizeof(*c));
	for (t = 0; t < w->nthreads; t++)
		for (i = 0; i < sizeof(*c) / sizeof(uint64_t); i++)
			dst[i] += atomic_load_explicit(
			    &w->wk[t].tc.v[i], memory_order_relaxed);
	c->hits = report_hit_count(w->rep);
}

static void *
progress_main(void *arg)
{
	struct walk *w = arg;
	struct sweep_counters c;
	struct timespec until;

	pthread_mutex_lock(&w->pmu);
	while (!w->finished) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->pcv, &w->pmu, &until);
		if (w->finished)
			break;
		snapshot(w, &c);
		w->o->progress(&c, elapsed(&w->t0), w->o->progress_arg);
	}
	pthread_mutex_unlock(&w->pmu);
	return NULL;
}

static int
start_workers(struct walk *w)
{
	unsigned i;
	long ncpu;
	int r;

	w->nthreads = w->o->threads;
	if (w->nthreads == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		w->nthreads = ncpu > 0 ? (unsigned)ncpu : 1;
	}
	if (w->nthreads > MAX_THREADS)
		w->nthreads = MAX_THREADS;
	if ((w->wk = calloc(w->nthreads, sizeof(*w->wk))) == NULL)
		return RP_ERR_NOMEM;
	for (i = 0; i < w->nthreads; i++) {
		w->wk[i].w = w;
		if ((w->wk[i].rd = malloc(sizeof(*w->wk[i].rd))) == NULL)
			return RP_ERR_NOMEM;
		cache_reader_init(w->wk[i].rd);
		rp_buf_init(&w->wk[i].pb, 1024 * 1024);
		w->wk[i].items = calloc(SCAN_BATCH, sizeof(*w->wk[i].items));
		if (w->wk[i].items == NULL)
			return RP_ERR_NOMEM;
		/* Open descriptors waiting: at most about 256 in all. */
		w->wk[i].batch = 256 / w->nthreads;
		if (w->wk[i].batch > SCAN_BATCH)
			w->wk[i].batch = SCAN_BATCH;
		if (w->wk[i].batch == 0)
			w->wk[i].batch = 1;
		r = scanner_init(&w->wk[i].sc, w->rules,
		    w->o->yara_timeout ? w->o->yara_timeout
				       : SWEEP_YARA_TIMEOUT_DEFAULT,
		    w->yara_max,
		    w->o->work_budget ? w->o->work_budget
				      : SWEEP_WORK_BUDGET_DEFAULT,
		    &w->wk[i].tc);
		if (r != 0)
			return r;
	}
	return 0;
}

static void
run_threads(struct walk *w)
{
	pthread_t prog;
	int have_prog = 0;
	unsigned i, started = 0;

	if (w->o->progress != NULL)
		have_prog = pthread_create(&prog, NULL, progress_main, w) == 0;
	for (i = 1; i < w->nthreads; i++) {
		if (pthread_create(&w->wk[i].t, NULL, worker_main, &w->wk[i]) !=
		    0)
			break;
		started++;
	}
	if (started + 1 < w->nthreads) {
		/* Fewer threads than planned: the count decides when all
		   are idle. */
		pthread_mutex_lock(&w->mu);
		w->nthreads = started + 1;
		pthread_mutex_unlock(&w->mu);
	}
	worker_main(&w->wk[0]);
	for (i = 1; i <= started; i++)
		pthread_join(w->wk[i].t, NULL);
	if (have_prog) {
		pthread_mutex_lock(&w->pmu);
		w->finished = 1;
		pthread_cond_signal(&w->pcv);
		pthread_mutex_unlock(&w->pmu);
		pthread_join(prog, NULL);
	}
}

static void
walk_free(struct walk *w)
{
	struct dir_item *it;
	size_t i;
	int j;

	for (i = 0; w->wk != NULL && i < w->nthreads; i++) {
		report_add_counters(w->rep, &w->wk[i].tc);
		scanner_fini(&w->wk[i].sc);
		free(w->wk[i].items);
		free(w->wk[i].rd);
		rp_buf_free(&w->wk[i].pb);
		for (j = 0; j <= INLINE_MAX; j++)
			free(w->wk[i].dbuf[j]);
	}
	free(w->wk);
	while ((it = w->dirs) != NULL) {
		w->dirs = it->next;
		dirh_put(it->parent);
		free(it);
	}
	for (i = 0; i < w->nroots; i++) {
		if (w->roots[i].fd >= 0)
			close(w->roots[i].fd);
		if (w->roots[i].pfd >= 0)
			close(w->roots[i].pfd);
		free(w->roots[i].path);
	}
	free(w->roots);
	free(w->ex_slash);
	plat_mounts_free(w->mounts);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->pmu);
	pthread_cond_destroy(&w->pcv);
}

int
sweep_run(const struct sweep_opts *o, const struct sweep_rules *rules,
    struct sweep_report *rep, struct rp_diags *d)
{
	struct walk w;
	size_t i;
	int r = RP_ERR_NOMEM;

	if (o == NULL || rules == NULL || rep == NULL)
		return RP_ERR_ARG;
	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	pthread_mutex_init(&w.pmu, NULL);
	pthread_cond_init(&w.pcv, NULL);
	clock_gettime(CLOCK_MONOTONIC, &w.t0);
	w.o = o;
	w.rules = rules;
	w.rep = rep;
	w.now = (uint64_t)time(NULL);
	w.yara_max =
	    o->yara_max_size ? o->yara_max_size : SWEEP_YARA_MAX_SIZE_DEFAULT;
	if ((w.mounts = plat_mounts_read()) == NULL)
		goto out;
	if (o->nexcludes > 0) {
		if ((w.ex_slash = calloc(o->nexcludes, sizeof(int))) == NULL)
			goto out;
		for (i = 0; i < o->nexcludes; i++)
			w.ex_slash[i] = strchr(o->excludes[i], '/') != NULL;
	}
	if (o->cache_path != NULL && !o->walk_only) {
		if ((r = cache_open(o->cache_path, &w.cache, d)) ==
		    RP_ERR_NOMEM)
			goto out;
		rep->cache_used = w.cache != NULL;
	}
	if ((r = open_roots(&w, d)) != 0 || (r = start_workers(&w)) != 0)
		goto out;
	run_threads(&w);
	if (w.cache != NULL)
		rep->cache_saved = cache_save(w.cache, d) == 1;
	r = 0;
out:
	cache_free(w.cache);
	walk_free(&w);
	rep->seconds += elapsed(&w.t0);
	return r;
}
