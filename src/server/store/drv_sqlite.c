/*
 * The SQLite driver: one sqlite3 connection per struct store, its
 * prepared statements cached by slot for the connection's life.
 *
 * Durability: WAL with synchronous=NORMAL.  A committed transaction
 * survives the process crashing (it is in the WAL file, which the next
 * open replays); an operating-system crash or power cut can lose the
 * last transactions committed before it, never corrupt the database.
 * FULL would fsync the WAL on every commit; rampartd runs on PostgreSQL
 * where that matters more than write speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "drv.h"
#include "util/err.h"

/* Writers wait this long for the lock before failing (milliseconds). */
#define BUSY_TIMEOUT_MS 10000
/* First and longest pause between two tries for the lock (microseconds). */
#define BUSY_PAUSE_MIN_US 50
#define BUSY_PAUSE_MAX_US 2000

/*
 * Waits for the write lock.  SQLite's own busy timeout pauses 1, 2, 5,
 * 10, 15, 20, 25 ms... between tries, while a write transaction here holds
 * the lock for a fraction of a millisecond: under concurrent writes a
 * waiting thread (and every connection its HTTP worker serves) slept
 * ten times longer than the lock was held.  Pauses here start at 50 us
 * and double up to 2 ms, for BUSY_TIMEOUT_MS in all.
 */
static int
busy_wait(void *arg, int tries)
{
	struct timespec *start = arg, now, pause;
	long us = BUSY_PAUSE_MIN_US;
	int64_t waited_ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (tries == 0)
		*start = now;
	waited_ms = (int64_t)(now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
	if (waited_ms >= BUSY_TIMEOUT_MS)
		return 0;
	for (int i = 0; i < tries && us < BUSY_PAUSE_MAX_US; i++)
		us *= 2;
	if (us > BUSY_PAUSE_MAX_US)
		us = BUSY_PAUSE_MAX_US;
	pause.tv_sec = 0;
	pause.tv_nsec = us * 1000;
	nanosleep(&pause, NULL);
	return 1;
}

static int
err_of(struct store *s, int rc)
{
	sqlite3 *db = s->db;

	drv_set_err(
	    s, "sqlite: %s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		return RP_ERR_INVALID;
	case SQLITE_NOMEM:
		return RP_ERR_NOMEM;
	case SQLITE_TOOBIG:
		return RP_ERR_LIMIT;
	default:
		return RP_ERR_IO;
	}
}

static int
lite_exec(struct store *s, const char *sql)
{
	int rc;

	if ((rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return err_of(s, rc);
	return 0;
}

/*
 * Creates the file with mode 0600 if missing, so the database (and the
 * WAL and shm files, which SQLite gives the same mode) is never readable
 * by others, whatever the umask.  Only when missing (O_EXCL): closing a
 * descriptor of a file drops every POSIX lock this process holds on it,
 * so opening and closing an existing database here would take the
 * locks of the connections other threads have open.  Another process
 * would then think itself the last user, check the WAL back in and
 * delete it under them, and they would go on reading a stale snapshot.
 */
static int
create_private(struct store *s, const char *path)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0 && errno == EEXIST)
		return 0;
	if (fd < 0) {
		drv_set_err(s, "sqlite: %s: %s", path, strerror(errno));
		return RP_ERR_IO;
	}
	close(fd);
	return 0;
}

static int
lite_open(struct store *s, const char *path)
{
	sqlite3 *db = NULL;
	int rc, r;

	if ((r = create_private(s, path)) != 0)
		return r;
	rc = sqlite3_open_v2(path, &db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
	    NULL);
	s->db = db;
	if (rc != SQLITE_OK)
		return err_of(s, rc);
	sqlite3_extended_result_codes(db, 1);
	if ((rc = sqlite3_busy_handler(db, busy_wait, &s->busy_start)) !=
	    SQLITE_OK)
		return err_of(s, rc);
	/* journal_mode answers with a row; sqlite3_exec ignores it.  The
	 * mode is checked below, since a read-only medium refuses WAL. */
	if ((r = lite_exec(s,
		 "PRAGMA journal_mode = WAL;"
		 "PRAGMA synchronous = NORMAL;"
		 /* rampartd checkpoints off the request path
		    (store_checkpoint); a commit does only past 40 MB */
		 "PRAGMA wal_autocheckpoint = 10000;"
		 /* a full inventory touches thousands of index pages:
		    with the default 2 MB cache a transaction spills
		    pages to the WAL before it commits */
		 "PRAGMA cache_size = -16384;"
		 "PRAGMA foreign_keys = ON;"
		 "PRAGMA trusted_schema = OFF;")) != 0)
		return r;
	{
		sqlite3_stmt *st = NULL;
		const unsigned char *mode;

		rc = sqlite3_prepare_v2(
		    db, "PRAGMA journal_mode", -1, &st, NULL);
		if (rc != SQLITE_OK)
			return err_of(s, rc);
		rc = sqlite3_step(st);
		mode = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
		r = mode != NULL && strcmp((const char *)mode, "wal") == 0;
		sqlite3_finalize(st);
		if (!r) {
			drv_set_err(s, "sqlite: %s: cannot use WAL mode", path);
			return RP_ERR_IO;
		}
	}
	return 0;
}

static void
lite_close(struct store *s)
{
	size_t i;

	for (i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i]);
	sqlite3_close_v2(s->db);
	s->db = NULL;
}

static int
bind_args(struct store *s, sqlite3_stmt *st, const struct drv_arg *a, size_t n)
{
	size_t i;
	int rc = SQLITE_OK;

	if ((size_t)sqlite3_bind_parameter_count(st) != n) {
		drv_set_err(s, "sqlite: statement takes %d parameters, not %zu",
		    sqlite3_bind_parameter_count(st), n);
		return RP_ERR_INTERNAL;
	}
	for (i = 0; i < n && rc == SQLITE_OK; i++) {
		int k = (int)i + 1;
		switch (a[i].t) {
		case DRV_NULL:
			rc = sqlite3_bind_null(st, k);
			break;
		case DRV_INT:
			rc = sqlite3_bind_int64(st, k, a[i].i);
			break;
		case DRV_TEXT:
			rc = a[i].s == NULL ? sqlite3_bind_null(st, k)
					    : sqlite3_bind_text(st, k, a[i].s,
						  -1, SQLITE_TRANSIENT);
			break;
		}
	}
	if (rc != SQLITE_OK)
		return err_of(s, rc);
	return 0;
}

static int
lite_query(struct store *s, struct drv_sql *q, int slot,
    const struct drv_arg *a, size_t n, struct drv_cur *c)
{
	sqlite3_stmt *st = s->cache[slot];
	int rc, r;

	if (st == NULL) {
		rc = sqlite3_prepare_v3(
		    s->db, q->sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK)
			return err_of(s, rc);
		s->cache[slot] = st;
	}
	if ((r = bind_args(s, st, a, n)) != 0) {
		sqlite3_clear_bindings(st);
		return r;
	}
	c->h = st;
	return 0;
}

static int
lite_step(struct drv_cur *c)
{
	int rc = sqlite3_step(c->h);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		c->changes = sqlite3_changes64(c->s->db);
		return 0;
	}
	return err_of(c->s, rc);
}

static int
lite_is_null(struct drv_cur *c, int col)
{
	return sqlite3_column_type(c->h, col) == SQLITE_NULL;
}

static int64_t
lite_col_int(struct drv_cur *c, int col)
{
	return sqlite3_column_int64(c->h, col);
}

static const char *
lite_col_text(struct drv_cur *c, int col)
{
	const unsigned char *t = sqlite3_column_text(c->h, col);

	return t != NULL ? (const char *)t : "";
}

static void
lite_done(struct drv_cur *c)
{
	sqlite3_reset(c->h);
	sqlite3_clear_bindings(c->h);
}

static int
lite_checkpoint(struct store *s)
{
	int rc = sqlite3_wal_checkpoint_v2(
	    s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

	/* PASSIVE takes what it can; a busy database is for next time */
	if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return 0;
	return err_of(s, rc);
}

const struct drv_ops drv_sqlite_ops = {
    .kind = STORE_SQLITE,
    .open = lite_open,
    .close = lite_close,
    .exec = lite_exec,
    .query = lite_query,
    .step = lite_step,
    .is_null = lite_is_null,
    .col_int = lite_col_int,
    .col_text = lite_col_text,
    .done = lite_done,
    .checkpoint = lite_checkpoint,
    .begin_sql = "BEGIN IMMEDIATE",
    .begin_read_sql = "BEGIN DEFERRED",
};
