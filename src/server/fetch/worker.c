/*
 * The worker role's scheduler: every POLL_SECONDS it reads the enabled
 * pulled sources from the store and queues those that are due — never
 * fetched, fetch_interval seconds (plus a per-source jitter) after the
 * last run began, or asked for with "fetch now" since — to a fixed pool
 * of fetch.concurrency threads, each with its own store connection.  A
 * source in the queue or in flight is not queued again, so one source
 * has one fetch at a time.  The main thread also answers the parent
 * (heartbeats, log settings) and SIGTERM, which ends the transfers in
 * flight (fetch_opts.cancel).
 */
#include "fetch/fetch_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "conf/conf.h"
#include "err.h"
#include "log/log.h"
#include "roles/roles.h"
#include "store/store.h"

#define POLL_SECONDS 2
#define SOURCES_MAX 4096 /* sources the scheduler tracks */
#define THREADS_MAX 64
#define RETRY_SECONDS 60 /* after a run the store did not record */

/* What the scheduler remembers of a source. */
struct slot {
	int64_t id;
	int64_t jitter; /* seconds added to its interval, drawn once */
	int64_t handled_request; /* the requested_at already queued */
	int64_t retry_at; /* a run that could not be recorded: not before */
	int busy; /* queued or in flight */
	int seen; /* in the last listing */
};

struct worker {
	struct fetch_ctx cx;
	const char *db;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct slot slots[SOURCES_MAX];
	size_t nslots;
	int64_t queue[SOURCES_MAX];
	size_t qhead, qlen;
	pthread_t threads[THREADS_MAX];
	size_t nthreads;
	uint64_t runs; /* finished, for the heartbeat */
};

static volatile int stopping;
static int term_pipe[2] = {-1, -1};

static void
on_term(int sig)
{
	int e = errno;

	(void)sig;
	stopping = 1;
	if (write(term_pipe[1], "x", 1) < 0) {
		/* the flag is enough: poll wakes within POLL_SECONDS */
	}
	errno = e;
}

static int64_t
mono_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

static struct slot *
find_slot(struct worker *w, int64_t id)
{
	for (size_t i = 0; i < w->nslots; i++)
		if (w->slots[i].id == id)
			return &w->slots[i];
	return NULL;
}

/* Takes the next queued source, waiting; 0 when stopping. */
static int64_t
take(struct worker *w)
{
	int64_t id = 0;

	pthread_mutex_lock(&w->lock);
	while (!stopping && w->qlen == 0)
		pthread_cond_wait(&w->cond, &w->lock);
	if (!stopping && w->qlen > 0) {
		id = w->queue[w->qhead];
		w->qhead = (w->qhead + 1) % SOURCES_MAX;
		w->qlen--;
	}
	pthread_mutex_unlock(&w->lock);
	return id;
}

/* A run ended; failed: it was not recorded, so the source still looks
 * due and must wait a little rather than be fetched again at once. */
static void
done(struct worker *w, int64_t id, int failed)
{
	struct slot *sl;

	pthread_mutex_lock(&w->lock);
	if ((sl = find_slot(w, id)) != NULL) {
		sl->busy = 0;
		if (failed)
			sl->retry_at = (int64_t)time(NULL) + RETRY_SECONDS;
	}
	w->runs++;
	pthread_mutex_unlock(&w->lock);
}

static void *
fetcher(void *arg)
{
	struct worker *w = arg;
	struct store *s = NULL;
	char err[256], num[24];
	int64_t id;
	int r;

	while ((id = take(w)) != 0) {
		if (s == NULL && store_open(w->db, &s, err, sizeof(err)) != 0) {
			s = NULL;
			log_error(
			    "fetch: cannot open the store", "error", err, NULL);
			done(w, id, 1);
			continue;
		}
		if ((r = fetch_run(&w->cx, s, id, (int64_t)time(NULL))) != 0) {
			snprintf(num, sizeof(num), "%lld", (long long)id);
			log_error("fetch: the store failed; the run is not "
				  "recorded",
			    "source", num, "error", store_errmsg(s), NULL);
			store_rollback(s);
			/* a broken connection is opened again next time */
			store_close(s);
			s = NULL;
		}
		done(w, id, r != 0);
	}
	store_close(s);
	return NULL;
}

/* Whether a listed source is due now; queues it then (lock held). */
static void
consider(struct worker *w, const struct fetch_due *d, int64_t now)
{
	struct slot *sl = find_slot(w, d->id);

	if (sl == NULL) {
		if (w->nslots == SOURCES_MAX)
			return;
		sl = &w->slots[w->nslots++];
		memset(sl, 0, sizeof(*sl));
		sl->id = d->id;
		/* up to a tenth of the interval, so that sources made at the
		 * same moment do not all fetch at the same moment again */
		sl->jitter = d->interval >= 10
		    ? (int64_t)randombytes_uniform((uint32_t)(d->interval / 10))
		    : 0;
	}
	sl->seen = 1;
	if (sl->busy || w->qlen == SOURCES_MAX || now < sl->retry_at ||
	    !fetch_due_now(d, sl->jitter, sl->handled_request, now))
		return;
	sl->handled_request = d->requested_at;
	sl->busy = 1;
	w->queue[(w->qhead + w->qlen) % SOURCES_MAX] = d->id;
	w->qlen++;
	pthread_cond_signal(&w->cond);
}

/* One look at the store: queues the due sources, forgets removed ones. */
static void
schedule(struct worker *w, struct store **s, int *warned)
{
	struct fetch_due *v = NULL;
	size_t n = 0, k = 0;
	int64_t now = (int64_t)time(NULL);
	char err[256];

	if (*s == NULL && store_open(w->db, s, err, sizeof(err)) != 0) {
		*s = NULL;
		if (!(*warned)++)
			log_warn(
			    "fetch: cannot open the store", "error", err, NULL);
		return;
	}
	if (fetch_due_list(*s, &v, &n) != 0) {
		if (!(*warned)++)
			log_warn("fetch: cannot list the sources", "error",
			    store_errmsg(*s), NULL);
		store_close(*s);
		*s = NULL;
		return;
	}
	*warned = 0;
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < w->nslots; i++)
		w->slots[i].seen = 0;
	for (size_t i = 0; i < n; i++)
		consider(w, &v[i], now);
	for (size_t i = 0; i < w->nslots; i++)
		if (w->slots[i].seen || w->slots[i].busy)
			w->slots[k++] = w->slots[i];
	w->nslots = k;
	pthread_mutex_unlock(&w->lock);
	free(v);
}

/* Waits for the parent, SIGTERM or the next tick; -1 to go on, else the
 * role's exit code. */
static int
step(const struct role_env *env, struct worker *w, int64_t *last_hb)
{
	struct pollfd pf[2] = {
	    {term_pipe[0], POLLIN, 0}, {env->ipc, POLLIN, 0}};
	struct msg_heartbeat hb;
	struct msg m;
	int n = poll(pf, 2, POLL_SECONDS * 1000), r, fd = -1;

	if (n < 0 && errno != EINTR)
		return 1;
	if (stopping)
		return 0;
	if (n > 0 && pf[1].revents != 0) {
		if ((r = role_parent_msg(env, &m, &fd)) >= 0)
			return r;
		if (fd >= 0)
			close(fd);
	}
	if (mono_s() - *last_hb >= ROLE_HEARTBEAT_SECONDS) {
		*last_hb = mono_s();
		pthread_mutex_lock(&w->lock);
		hb.requests = w->runs;
		pthread_mutex_unlock(&w->lock);
		if (ipc_send(env->ipc, MSG_HEARTBEAT, &hb, sizeof(hb)) != 0)
			return 0;
	}
	return -1;
}

static int
start(const struct role_env *env, struct worker *w)
{
	const struct conf *c = env->conf;

	w->db = c->db;
	w->cx.opts.max_bytes = c->fetch_max_bytes;
	w->cx.opts.connect_timeout = c->fetch_connect_timeout;
	w->cx.opts.timeout = c->fetch_timeout;
	w->cx.opts.max_redirects = c->fetch_max_redirects;
	w->cx.opts.cancel = &stopping;
	w->cx.stopping = &stopping;
	if ((size_t)snprintf(w->cx.dir, sizeof(w->cx.dir), "%s/feeds",
		c->state_dir) >= sizeof(w->cx.dir))
		return RP_ERR_ARG;
	if (sodium_init() < 0 || fetch_global_init() != 0 ||
	    pipe2(term_pipe, O_CLOEXEC | O_NONBLOCK) != 0 ||
	    pthread_mutex_init(&w->lock, NULL) != 0 ||
	    pthread_cond_init(&w->cond, NULL) != 0)
		return RP_ERR_INTERNAL;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGPIPE, SIG_IGN);
	for (; w->nthreads < (size_t)c->fetch_concurrency &&
	     w->nthreads < THREADS_MAX;
	     w->nthreads++)
		if (pthread_create(
			&w->threads[w->nthreads], NULL, fetcher, w) != 0)
			return RP_ERR_INTERNAL;
	return 0;
}

int
fetch_worker_main(const struct role_env *env)
{
	struct worker *w = calloc(1, sizeof(*w));
	struct store *s = NULL;
	int64_t last_hb = mono_s();
	int rc = 1, warned = 0;
	char num[24];

	if (w == NULL)
		return 1;
	if (start(env, w) != 0) {
		log_error(
		    "fetch: cannot start", "error", strerror(errno), NULL);
		stopping = 1;
		goto out;
	}
	snprintf(num, sizeof(num), "%zu", w->nthreads);
	log_info("fetching pulled feeds", "concurrency", num, NULL);
	do
		schedule(w, &s, &warned);
	while ((rc = step(env, w, &last_hb)) < 0);
	stopping = 1;
out:
	pthread_mutex_lock(&w->lock);
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	store_close(s);
	log_info("stopped", NULL);
	free(w);
	return rc;
}
