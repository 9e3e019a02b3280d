/*
 * The daemon's loop (daemon.h): one thread that does what is due -- a
 * heartbeat, an inventory, a sweep, sending the queue -- and then waits
 * for the next thing due inside a job poll that the server holds until a
 * job comes or that time is reached (never longer than DAEMON_POLL_MAX),
 * so jobs arrive at once without polling on a short fixed period.  While
 * backing off (or after an empty answer, until its wait is over) it waits
 * in poll(2) instead, for the next deadline, the sweep child's report or
 * a signal.  Every request is made from here, one at a time, so a SIGTERM
 * lets the request in flight finish (its answer is acted on: an item the
 * server took is removed) before the daemon exits.  --once runs the same
 * steps once, in order, without waiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon_int.h"
#include "util/err.h"

static volatile sig_atomic_t stop_sig;
static int sig_pipe[2] = {-1, -1};

static void
on_signal(int sig)
{
	int e = errno;

	stop_sig = sig;
	if (sig_pipe[1] >= 0)
		(void)!write(sig_pipe[1], "x", 1);
	errno = e;
}

static int
daemon_stopping(void)
{
	return stop_sig != 0;
}

uint64_t
daemon_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
signals_setup(void)
{
	struct sigaction sa;

	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void
sig_drain(void)
{
	char buf[64];

	while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
		;
}

enum link_outcome
daemon_drain(struct daemon *d)
{
	enum link_outcome out = LINK_OK;
	size_t n;

	while (!daemon_stopping() && queue_items(d->q, &n) != NULL && n > 0) {
		if (!d->o->once && daemon_now_ms() < d->retry_at)
			break;
		out = link_send_head(d);
		if (out == LINK_DOWN) {
			d->down = 1;
			break;
		}
		if (out == LINK_LOCAL) {
			link_backoff(d, -1);
			break;
		}
		/* the server answered: it is up */
		d->backoff = 0;
		d->down = 0;
		if (out == LINK_REBASE)
			(void)inv_requeue_full(d);
	}
	return out;
}

static unsigned
hb_interval(const struct daemon *d)
{
	if (d->o->heartbeat != 0)
		return d->o->heartbeat;
	return d->server_hb != 0 ? d->server_hb : DAEMON_HEARTBEAT_DEFAULT;
}

/* One heartbeat; said in the log when it is the first that went
 * through, or the first after failures (not every minute). */
static void
heartbeat(struct daemon *d)
{
	enum link_outcome out = link_heartbeat(d);
	struct dlog l;

	if (out == LINK_OK && !d->hb_ok) {
		dlog_begin(&l, "info", "heartbeat taken");
		dlog_u64(&l, "next_heartbeat", hb_interval(d));
		dlog_end(&l);
	}
	d->hb_ok = out == LINK_OK;
	switch (out) {
	case LINK_OK:
		d->backoff = 0;
		d->down = 0;
		break;
	case LINK_DOWN:
		d->down = 1;
		break;
	default:
		d->refused = 1;
		break;
	}
}

/* When the first sweep is due: the interval after the last one
 * recorded, or now. */
static uint64_t
first_sweep(struct daemon *d, uint64_t now)
{
	int64_t last = sweep_job_last(d), wall = (int64_t)time(NULL);
	int64_t iv = (int64_t)d->o->sweep_interval;

	if (last <= 0 || last > wall || wall - last >= iv)
		return now;
	return now + (uint64_t)(iv - (wall - last)) * 1000;
}

struct timers {
	uint64_t hb, inv, sweep;
};

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* When the daemon's own work is next due (monotonic ms): a heartbeat
 * (not before the backoff ends), an inventory, a sweep. */
static uint64_t
next_due(const struct daemon *d, const struct timers *t)
{
	uint64_t due;

	due = min_u64(t->hb < d->retry_at ? d->retry_at : t->hb, t->inv);
	if (d->o->sweep_rules != NULL && d->sweep.pid == 0)
		due = min_u64(due, t->sweep);
	return due;
}

/* Waits until the next deadline (a job poll's included), a signal or the
 * sweep child; with block 0, only takes what the sweep child sent. */
static void
wait_next(struct daemon *d, const struct timers *t, int block)
{
	struct pollfd p[2] = {{.fd = sig_pipe[0], .events = POLLIN},
	    {.fd = d->sweep.fd, .events = POLLIN}};
	uint64_t now = daemon_now_ms(), due;
	size_t n;
	int ms;

	due = next_due(d, t);
	if (queue_items(d->q, &n) != NULL && n > 0)
		due = min_u64(due, d->retry_at);
	due = min_u64(due, d->poll_at < d->retry_at ? d->retry_at : d->poll_at);
	ms = due <= now ? 0 : due - now > INT_MAX ? INT_MAX : (int)(due - now);
	if (poll(p, d->sweep.fd >= 0 ? 2 : 1, block ? ms : 0) <= 0)
		return;
	if (p[0].revents != 0)
		sig_drain();
	if (d->sweep.fd >= 0 && p[1].revents != 0)
		(void)sweep_job_read(d);
}

/* The job poll, when neither the backoff nor an empty answer's wait
 * holds it back: 1 when it was made. */
static int
poll_jobs(struct daemon *d, const struct timers *t)
{
	uint64_t now = daemon_now_ms();

	if (now < d->retry_at || now < d->poll_at)
		return 0;
	(void)jobpoll_tick(d, daemon_poll_wait(now, next_due(d, t)));
	return 1;
}

static int
run_loop(struct daemon *d)
{
	const struct daemon_opts *o = d->o;
	struct timers t;
	uint64_t now = daemon_now_ms();

	t.hb = now;
	t.inv = now + (uint64_t)o->inventory_interval * 1000;
	t.sweep = o->sweep_rules != NULL ? first_sweep(d, now) : UINT64_MAX;
	(void)inv_tick(d, 1); /* at start, always a full one */
	while (!daemon_stopping()) {
		now = daemon_now_ms();
		if (now >= t.hb && now >= d->retry_at) {
			heartbeat(d);
			t.hb =
			    daemon_now_ms() + (uint64_t)hb_interval(d) * 1000;
		}
		if (!daemon_stopping() && (now >= t.inv || d->inv_full)) {
			/* an inventory job asks for a full one */
			(void)inv_tick(d, d->inv_full);
			d->inv_full = 0;
			t.inv = daemon_now_ms() +
			    (uint64_t)o->inventory_interval * 1000;
		}
		if (!daemon_stopping() && o->sweep_rules != NULL &&
		    d->sweep.pid == 0 && now >= t.sweep) {
			(void)sweep_job_start(d);
			t.sweep = now + (uint64_t)o->sweep_interval * 1000;
		}
		(void)daemon_drain(d);
		if (daemon_stopping())
			break;
		/* the poll is the wait; after it, only what the sweep child
		   sent meanwhile is taken */
		wait_next(d, &t, !poll_jobs(d, &t));
	}
	sweep_job_stop(d);
	dlog1(
	    "info", "stopping", "signal", stop_sig == SIGINT ? "INT" : "TERM");
	return 0;
}

/* --once: the sweep, waited for. */
static void
once_sweep(struct daemon *d)
{
	struct pollfd p[2];

	if (sweep_job_start(d) != 0)
		return;
	while (d->sweep.pid != 0) {
		p[0] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
		p[1] = (struct pollfd){.fd = d->sweep.fd, .events = POLLIN};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (daemon_stopping()) {
			sweep_job_stop(d);
			return;
		}
		if (p[1].revents != 0)
			(void)sweep_job_read(d);
	}
}

static int
run_once(struct daemon *d)
{
	enum link_outcome out;
	struct dlog l;
	size_t n;

	heartbeat(d);
	if (!daemon_stopping())
		(void)inv_tick(d, 1);
	if (!daemon_stopping() && d->o->sweep_rules != NULL)
		once_sweep(d);
	out = daemon_drain(d);
	/* one job poll that does not wait; its reports are sent too */
	if (!daemon_stopping() && jobpoll_tick(d, 0) == LINK_OK) {
		if (d->inv_full && !daemon_stopping())
			(void)inv_tick(d, 1);
		if (!daemon_stopping())
			out = daemon_drain(d);
	}
	if (daemon_stopping())
		return 0;
	(void)queue_items(d->q, &n);
	dlog_begin(&l, n == 0 ? "info" : "warn", "done");
	dlog_u64(&l, "queued", n);
	dlog_end(&l);
	if (n == 0)
		return d->refused ? 1 : 0;
	if (out == LINK_LOCAL)
		return 2;
	return d->down ? 3 : 1;
}

static int
setup(struct daemon *d)
{
	const struct daemon_opts *o = d->o;
	char err[UPLINK_ERR_MAX];
	const struct uplink_enrolment *e;
	struct dlog l;
	size_t n;

	if (uplink_dir_open(o->state_dir, 0, &d->statefd, err) != 0 ||
	    uplink_open(o->state_dir, &d->u, err) != 0) {
		dlog1("error", "cannot start", "error", err);
		return -1;
	}
	if (queue_open(d->statefd, &d->q, err) != 0) {
		dlog1("error", "cannot open the queue", "error", err);
		return -1;
	}
	if (o->sweep_rules != NULL && sweep_job_check(o) != 0)
		return -1;
	if (jobpoll_setup(d) != 0)
		return -1;
	if (signals_setup() != 0) {
		dlog1(
		    "error", "cannot set up signals", "error", strerror(errno));
		return -1;
	}
	e = uplink_who(d->u);
	(void)queue_items(d->q, &n);
	dlog_begin(&l, "info", "agent started");
	dlog_str(&l, "agent_id", e->agent_id);
	dlog_str(&l, "tenant", e->tenant);
	dlog_str(&l, "server", e->server);
	dlog_str(&l, "state", o->state_dir);
	dlog_u64(&l, "queued", n);
	dlog_u64(&l, "last_seq", queue_last_seq(d->q));
	dlog_str(&l, "mode", o->once ? "once" : "daemon");
	dlog_end(&l);
	return 0;
}

int
daemon_run(const struct daemon_opts *o)
{
	struct daemon d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.o = o;
	d.statefd = -1;
	d.sweep.fd = -1;
	if (setup(&d) != 0)
		ret = 2;
	else
		ret = o->once ? run_once(&d) : run_loop(&d);
	sweep_job_stop(&d);
	inv_state_clear(&d.inv);
	queue_free(d.q);
	uplink_free(d.u);
	if (d.statefd >= 0)
		close(d.statefd);
	return ret;
}
