/*
 * The store's driver interface (internal to src/server/store): what a
 * database must offer the domain code above it.  A driver runs prepared
 * statements with typed parameters and hands rows back through a cursor;
 * it prepares each statement once per connection (the statement's slot
 * indexes the connection's cache) and maps its errors to RP_ERR_*:
 * a constraint violation is RP_ERR_INVALID, everything else RP_ERR_IO
 * with the message in s->err.
 */
#ifndef RP_STORE_DRV_H
#define RP_STORE_DRV_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

/* Most parameters one statement binds. */
#define DRV_MAX_ARGS 24

/*
 * One SQL statement, defined once as a static object next to the code
 * that runs it.  sql uses `?` placeholders; pg is PostgreSQL's text when
 * the dialects differ (NULL: sql serves both).  slot is given out on
 * first use, the same for every connection.
 */
struct drv_sql {
	const char *sql;
	const char *pg;
	atomic_int slot;
	/* PostgreSQL plans it anew for each run's values instead of once
	 * per connection: a filter whose arguments switch its parts on and
	 * off has no one plan good for every run (a generic plan of the
	 * host list read every open finding to filter by verdict). */
	int replan;
};
#define DRV_SQL(text)                                                          \
	{                                                                      \
		.sql = (text)                                                  \
	}
#define DRV_SQL2(text, pgtext)                                                 \
	{                                                                      \
		.sql = (text), .pg = (pgtext)                                  \
	}

#define DRV_SQL2_REPLAN(text, pgtext)                                          \
	{                                                                      \
		.sql = (text), .pg = (pgtext), .replan = 1                     \
	}

enum drv_type {
	DRV_NULL,
	DRV_INT,
	DRV_TEXT,
};
struct drv_arg {
	enum drv_type t;
	int64_t i;
	const char *s;
};

/* A running statement: rows are read with step until it returns 0. */
struct drv_cur {
	struct store *s;
	void *h; /* sqlite3_stmt * or PGresult * */
	int row, nrows; /* PostgreSQL: the row step returned last */
	int64_t changes; /* rows changed, once step returned 0 */
};

struct drv_ops {
	enum store_driver kind;
	int (*open)(struct store *s, const char *url);
	void (*close)(struct store *s);
	/* Runs statements without parameters or rows (DDL, BEGIN). */
	int (*exec)(struct store *s, const char *sql);
	int (*query)(struct store *s, struct drv_sql *q, int slot,
	    const struct drv_arg *a, size_t n, struct drv_cur *c);
	/* 1: a row, 0: done (c->changes set), < 0: an error. */
	int (*step)(struct drv_cur *c);
	int (*is_null)(struct drv_cur *c, int col);
	int64_t (*col_int)(struct drv_cur *c, int col);
	/* Borrowed until the next step; "" for NULL. */
	const char *(*col_text)(struct drv_cur *c, int col);
	void (*done)(struct drv_cur *c);
	/* Copies the WAL's committed pages into the database without
	 * waiting for anyone (NULL: the driver has no such work). */
	int (*checkpoint)(struct store *s);
	/* What begins a write transaction. */
	const char *begin_sql;
	/* A read-only transaction that reads one snapshot throughout. */
	const char *begin_read_sql;
};

extern const struct drv_ops drv_sqlite_ops;
extern const struct drv_ops drv_pg_ops;

struct store {
	const struct drv_ops *ops;
	void *db; /* sqlite3 * or PGconn * */
	void **cache; /* per slot: sqlite3_stmt *, or non-NULL if prepared */
	size_t ncache;
	int in_tx; /* store_begin ran */
	int tx_failed; /* a statement failed inside the transaction */
	struct timespec busy_start; /* SQLite: when the wait for a lock began */
	struct store_stats stats;
	char err[512];
};

/* Records a driver message in s->err (truncated, never a password). */
void drv_set_err(struct store *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
