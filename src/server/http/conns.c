/*
 * The request-deadline watchdog: a list of open connections with their
 * deadlines and a thread that wakes every second and shuts down (never
 * closes: MHD owns the descriptor) the sockets whose deadline passed.
 * MHD then sees the connection fail and closes it.  conns_remove runs
 * in MHD's close notification before the descriptor is closed, under
 * the same lock as the sweep, so a shutdown never hits a reused fd.
 */
#include "http/http_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "err.h"
#include "log/log.h"

struct conn_watch {
	int fd;
	int64_t deadline; /* monotonic seconds */
	struct conn_watch *prev, *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static struct conn_watch *head;
static int timeout_s, stopping, started;
static pthread_t thread;

static int64_t
mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

static void *
sweep(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec t;
		int64_t now = mono();
		for (struct conn_watch *w = head; w != NULL; w = w->next)
			if (w->deadline <= now && w->fd >= 0) {
				shutdown(w->fd, SHUT_RDWR);
				w->fd = -1;
				log_info("request took longer than "
					 "http.connection_timeout; connection "
					 "closed",
				    NULL);
			}
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_sec += 1;
		pthread_cond_timedwait(&wake, &lock, &t);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int
conns_start(int timeout_seconds)
{
	pthread_condattr_t a;

	timeout_s = timeout_seconds;
	stopping = 0;
	if (pthread_condattr_init(&a) != 0 ||
	    pthread_condattr_setclock(&a, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&wake, &a) != 0)
		return RP_ERR_IO;
	pthread_condattr_destroy(&a);
	if (pthread_create(&thread, NULL, sweep, NULL) != 0)
		return RP_ERR_IO;
	started = 1;
	return 0;
}

void
conns_stop(void)
{
	if (!started)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	pthread_cond_destroy(&wake);
	started = 0;
}

struct conn_watch *
conns_add(int fd)
{
	struct conn_watch *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->fd = fd;
	pthread_mutex_lock(&lock);
	w->deadline = mono() + timeout_s;
	w->next = head;
	if (head != NULL)
		head->prev = w;
	head = w;
	pthread_mutex_unlock(&lock);
	return w;
}

void
conns_rearm(struct conn_watch *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&lock);
	w->deadline = mono() + timeout_s;
	pthread_mutex_unlock(&lock);
}

void
conns_remove(struct conn_watch *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&lock);
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		head = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&lock);
	free(w);
}
