/*
 * The daemon's log lines: logfmt on stderr, one write(2) per line so the
 * sweep child's lines and the parent's never interleave.  Values are
 * quoted when they hold a space, '=' or '"', and every byte outside
 * printable ASCII is written as \xNN: server messages and file names are
 * not trusted to be printable.  A line is bounded (DLOG_LINE_MAX); what
 * does not fit is cut and ends in "...".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon_int.h"

/* Keep room for "...\n" at the end. */
#define ROOM (DLOG_LINE_MAX - 5)

static void
put(struct dlog *l, const char *s, size_t n)
{
	if (l->len + n > ROOM) {
		n = l->len < ROOM ? ROOM - l->len : 0;
		memcpy(l->buf + l->len, s, n);
		l->len = ROOM + 1; /* marks the cut */
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static int
needs_quotes(const char *s)
{
	if (*s == '\0')
		return 1;
	for (; *s; s++) {
		if (*s == ' ' || *s == '=' || *s == '"' || *s == '\\' ||
		    (unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			return 1;
	}
	return 0;
}

static void
put_value(struct dlog *l, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c;
	char esc[4];
	int q = needs_quotes(s);

	if (q)
		put(l, "\"", 1);
	for (; *s && l->len <= ROOM; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(l, esc, 2);
		} else if (c < 0x20 || c > 0x7e) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 15];
			put(l, esc, 4);
		} else {
			put(l, (const char *)&c, 1);
		}
	}
	if (q)
		put(l, "\"", 1);
}

void
dlog_begin(struct dlog *l, const char *level, const char *msg)
{
	struct tm tm;
	time_t t = time(NULL);
	char ts[32];

	l->len = 0;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(ts, sizeof(ts), "-");
	put(l, "ts=", 3);
	put(l, ts, strlen(ts));
	put(l, " level=", 7);
	put(l, level, strlen(level));
	put(l, " msg=", 5);
	put_value(l, msg);
}

void
dlog_str(struct dlog *l, const char *key, const char *val)
{
	put(l, " ", 1);
	put(l, key, strlen(key));
	put(l, "=", 1);
	put_value(l, val != NULL ? val : "-");
}

void
dlog_u64(struct dlog *l, const char *key, uint64_t v)
{
	char n[24];

	snprintf(n, sizeof(n), "%" PRIu64, v);
	dlog_str(l, key, n);
}

void
dlog_i64(struct dlog *l, const char *key, int64_t v)
{
	char n[24];

	snprintf(n, sizeof(n), "%" PRId64, v);
	dlog_str(l, key, n);
}

void
dlog_end(struct dlog *l)
{
	size_t off = 0;
	ssize_t w;

	if (l->len > ROOM) {
		l->len = ROOM;
		memcpy(l->buf + l->len, "...", 3);
		l->len += 3;
	}
	l->buf[l->len++] = '\n';
	while (off < l->len) {
		w = write(STDERR_FILENO, l->buf + off, l->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

void
dlog1(const char *level, const char *msg, const char *key, const char *val)
{
	struct dlog l;

	dlog_begin(&l, level, msg);
	if (key != NULL)
		dlog_str(&l, key, val);
	dlog_end(&l);
}

void
dlog_job(const struct jobs_outcome *o)
{
	struct dlog l;

	dlog_begin(&l, o->state == JOBS_DONE ? "info" : "warn",
	    o->state == JOBS_DONE	  ? "job done"
		: o->state == JOBS_FAILED ? "job failed"
					  : "job rejected");
	dlog_str(&l, "job", o->job_id[0] ? o->job_id : NULL);
	dlog_str(&l, "type", o->type);
	if (o->reason[0])
		dlog_str(&l, "reason", o->reason);
	dlog_end(&l);
}
