/*
 * The records of feed fetches: every answer of a feed URL (200 and 304)
 * is queued in memory and written in batches (one transaction per
 * batch), by the http role's once-a-second tick, by whoever reads the
 * records (status, fetch lists), when the queue fills, and at the end of
 * the role, so that a poller's request costs no write of its own and no
 * record is lost on a clean shutdown.  And "is the block live?", which
 * compares the last fetch with where the indicator store stands.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "feeds_int.h"
#include "util/err.h"

/* Records queued at most; at this many the next one writes them. */
#define QUEUE_MAX 4096

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
/* Serialises writers, so batches are written in the order taken. */
static pthread_mutex_t wlock = PTHREAD_MUTEX_INITIALIZER;
static struct store_feed_fetch *queue;
static size_t nqueue;
static int64_t oldest; /* when the first queued record was made */

/* Takes the queue (NULL, 0 when empty). */
static struct store_feed_fetch *
take(size_t *n)
{
	struct store_feed_fetch *v;

	pthread_mutex_lock(&qlock);
	v = queue;
	*n = nqueue;
	queue = NULL;
	nqueue = 0;
	pthread_mutex_unlock(&qlock);
	return v;
}

/* Puts back the unwritten batch v[0..n) in front of what came since,
 * as much as fits (the newest records past QUEUE_MAX are the ones
 * lost). */
static void
put_back(struct store_feed_fetch *v, size_t n)
{
	size_t keep;

	pthread_mutex_lock(&qlock);
	keep = nqueue;
	if (n + keep > QUEUE_MAX)
		keep = QUEUE_MAX - n;
	if (queue != NULL)
		memcpy(v + n, queue, keep * sizeof(*v));
	free(queue);
	queue = v;
	nqueue = n + keep;
	pthread_mutex_unlock(&qlock);
}

int
feeds_flush(struct store *s)
{
	struct store_feed_fetch *v;
	size_t n;
	int r;

	pthread_mutex_lock(&wlock);
	if ((v = take(&n)) == NULL) {
		pthread_mutex_unlock(&wlock);
		return 0;
	}
	if ((r = store_feed_fetches_add(s, v, n, v[n - 1].at)) != 0)
		put_back(v, n);
	else
		free(v);
	pthread_mutex_unlock(&wlock);
	return r;
}

void
feeds_flush_due(struct store *s, int64_t now)
{
	int due;

	pthread_mutex_lock(&qlock);
	due = nqueue > 0 && now - oldest >= 1;
	pthread_mutex_unlock(&qlock);
	if (due)
		(void)feeds_flush(s);
}

/* Appends f when there is room: 1 appended, 0 full, < 0 no memory. */
static int
append(const struct store_feed_fetch *f)
{
	int r = 1;

	pthread_mutex_lock(&qlock);
	if (queue == NULL &&
	    (queue = calloc(QUEUE_MAX, sizeof(*queue))) == NULL)
		r = RP_ERR_NOMEM;
	else if (nqueue == QUEUE_MAX)
		r = 0;
	else {
		if (nqueue == 0)
			oldest = f->at;
		queue[nqueue++] = *f;
	}
	pthread_mutex_unlock(&qlock);
	return r;
}

int
record_add(struct store *s, const struct store_feed_fetch *f)
{
	int r;

	if ((r = append(f)) != 0)
		return r < 0 ? r : 0;
	if ((r = feeds_flush(s)) != 0)
		return r;
	r = append(f);
	return r < 0 ? r : r == 1 ? 0 : RP_ERR_LIMIT;
}

int
feeds_status_get(struct store *s, const struct store_feed *f, int64_t now,
    struct feeds_status *out)
{
	struct store_feed_fetch *v = NULL;
	struct feeds_status st;
	struct feeds_version ver;
	size_t n = 0;
	int r;

	memset(&st, 0, sizeof(st));
	if ((r = feeds_flush(s)) != 0 ||
	    (r = store_feed_fetch_list(s, f->id, 1, &v, &n)) != 0 ||
	    (r = content_version(s, f, now, &ver)) != 0) {
		free(v);
		return r;
	}
	st.newest_change = ver.changed_at;
	if (n == 1) {
		st.fetched = 1;
		st.last = v[0];
		st.changes_since =
		    ver.count > v[0].version ? ver.count - v[0].version : 0;
		st.fresh = st.changes_since == 0;
	}
	free(v);
	*out = st;
	return 0;
}
