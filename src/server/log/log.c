/*
 * The log writer: logfmt lines on stderr or journald entries.  The level
 * and target live in process globals set at start and on SIGHUP; a
 * reader racing a SIGHUP sees the old or the new value, both valid, so
 * they are plain atomics and no lock is taken on the logging path.
 */
#include "log/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#define LOG_FIELDS_MAX 24 /* key/value pairs in one line */
#define LOG_LINE_MAX 8192

static const char *log_role = "rampartd";
static atomic_int log_level = LOGL_INFO;
static atomic_int log_journal = 0; /* 1: entries go to journald */

static const char *const level_names[] = {"debug", "info", "warn", "error"};
static const char *const target_names[] = {"auto", "stderr", "journald"};

const char *
log_level_name(enum log_level l)
{
	if ((unsigned)l >= sizeof(level_names) / sizeof(level_names[0]))
		return "?";
	return level_names[l];
}

int
log_level_from_name(const char *s)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	     i++)
		if (strcmp(s, level_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
log_target_name(enum log_target t)
{
	if ((unsigned)t >= sizeof(target_names) / sizeof(target_names[0]))
		return "?";
	return target_names[t];
}

int
log_target_from_name(const char *s)
{
	for (size_t i = 0; i < sizeof(target_names) / sizeof(target_names[0]);
	     i++)
		if (strcmp(s, target_names[i]) == 0)
			return (int)i;
	return -1;
}

/* systemd sets JOURNAL_STREAM=DEV:INODE for a service whose stderr is the
 * journal; it is inherited by children whose stderr may be elsewhere, so
 * it counts only when it names our stderr (systemd.exec(5)). */
static int
stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	struct stat st;
	char want[64];

	if (e == NULL || fstat(STDERR_FILENO, &st) != 0)
		return 0;
	snprintf(want, sizeof(want), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	return strcmp(e, want) == 0;
}

static void
apply_target(enum log_target t)
{
	int j = t == LOGT_JOURNALD || (t == LOGT_AUTO && stderr_is_journal());
	atomic_store(&log_journal, j);
}

void
log_setup(const char *role, enum log_level level, enum log_target t)
{
	log_role = role;
	atomic_store(&log_level, (int)level);
	apply_target(t);
}

void
log_reconfigure(enum log_level level, enum log_target t)
{
	atomic_store(&log_level, (int)level);
	apply_target(t);
}

static int
log_enabled(enum log_level level)
{
	return (int)level >= atomic_load(&log_level);
}

int
log_key_is_secret(const char *key)
{
	static const char *const words[] = {"password", "secret", "token",
	    "cookie", "authorization", "body", "totp", "key", "passwd",
	    "credential", NULL};
	char low[64];
	size_t i;

	for (i = 0; key[i] != '\0' && i < sizeof(low) - 1; i++)
		low[i] = (key[i] >= 'A' && key[i] <= 'Z') ? (char)(key[i] + 32)
							  : key[i];
	low[i] = '\0';
	for (i = 0; words[i] != NULL; i++)
		if (strstr(low, words[i]) != NULL)
			return 1;
	return 0;
}

/* Appends to buf[*at..len) without overflowing; *at stops at len - 1. */
static void
put(char *buf, size_t len, size_t *at, const char *s, size_t n)
{
	if (*at + 1 >= len)
		return;
	if (n > len - 1 - *at)
		n = len - 1 - *at;
	memcpy(buf + *at, s, n);
	*at += n;
	buf[*at] = '\0';
}

static int
needs_quotes(const char *v)
{
	if (*v == '\0')
		return 1;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == '=' || *p == '"' || *p == '\\' ||
		    *p >= 0x7f)
			return 1;
	return 0;
}

static void
put_value(char *buf, size_t len, size_t *at, const char *v)
{
	size_t n = strlen(v), cut = n > LOG_VALUE_MAX ? LOG_VALUE_MAX : n;
	char esc[8];

	if (!needs_quotes(v)) {
		put(buf, len, at, v, cut);
		if (cut < n)
			put(buf, len, at, "...", 3);
		return;
	}
	put(buf, len, at, "\"", 1);
	for (size_t i = 0; i < cut; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(buf, len, at, esc, 2);
		} else if (c == '\n') {
			put(buf, len, at, "\\n", 2);
		} else if (c == '\r') {
			put(buf, len, at, "\\r", 2);
		} else if (c == '\t') {
			put(buf, len, at, "\\t", 2);
		} else if (c < ' ' || c >= 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			put(buf, len, at, esc, 4);
		} else {
			put(buf, len, at, (const char *)&v[i], 1);
		}
	}
	if (cut < n)
		put(buf, len, at, "...", 3);
	put(buf, len, at, "\"", 1);
}

static void
put_field(char *buf, size_t len, size_t *at, const char *k, const char *v)
{
	put(buf, len, at, " ", 1);
	put(buf, len, at, k, strlen(k));
	put(buf, len, at, "=", 1);
	put_value(buf, len, at, log_key_is_secret(k) ? "[redacted]" : v);
}

size_t
log_format(char *buf, size_t len, const char *ts, enum log_level level,
    const char *role, const char *msg, const char *const *fields, size_t n)
{
	size_t at = 0;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	put(buf, len, &at, "ts=", 3);
	put(buf, len, &at, ts, strlen(ts));
	put_field(buf, len, &at, "level", log_level_name(level));
	put_field(buf, len, &at, "role", role);
	put_field(buf, len, &at, "msg", msg);
	for (size_t i = 0; i < n; i++)
		put_field(buf, len, &at, fields[2 * i],
		    fields[2 * i + 1] != NULL ? fields[2 * i + 1] : "");
	return at;
}

static void
now_rfc3339(char *ts, size_t len)
{
	struct timespec t;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &t);
	gmtime_r(&t.tv_sec, &tm);
	snprintf(ts, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (long)(t.tv_nsec / 1000000) % 1000);
}

static void
write_stderr(
    enum log_level level, const char *msg, const char *const *f, size_t n)
{
	char line[LOG_LINE_MAX], ts[64];
	size_t len;

	now_rfc3339(ts, sizeof(ts));
	len =
	    log_format(line, sizeof(line) - 1, ts, level, log_role, msg, f, n);
	line[len++] = '\n';
	/* One write per line; a short write on a full pipe loses the rest
	 * of the line rather than blocking forever in a loop. */
	while (write(STDERR_FILENO, line, len) < 0 && errno == EINTR)
		;
}

/* JOURNAL field names: upper-case letters, digits and '_', not starting
 * with '_' (those are trusted fields set by journald itself). */
static void
journal_name(char *out, size_t len, const char *key)
{
	size_t i = 0;

	for (; key[i] != '\0' && i < len - 1; i++) {
		char c = key[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			c = '_';
		out[i] = c;
	}
	out[i] = '\0';
	if (out[0] == '_' || (out[0] >= '0' && out[0] <= '9'))
		out[0] = 'X';
}

static void
write_journal(
    enum log_level level, const char *msg, const char *const *f, size_t n)
{
	static const int prio[] = {LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};
	char text[LOG_FIELDS_MAX + 4][LOG_VALUE_MAX + 80];
	struct iovec iov[LOG_FIELDS_MAX + 4];
	size_t k = 0;

	snprintf(text[k++], sizeof(text[0]), "MESSAGE=%s", msg);
	snprintf(text[k++], sizeof(text[0]), "PRIORITY=%d", prio[level]);
	snprintf(text[k++], sizeof(text[0]), "SYSLOG_IDENTIFIER=rampartd");
	snprintf(text[k++], sizeof(text[0]), "RAMPART_ROLE=%s", log_role);
	for (size_t i = 0; i < n; i++) {
		char name[64];
		const char *v = f[2 * i + 1] != NULL ? f[2 * i + 1] : "";
		journal_name(name, sizeof(name), f[2 * i]);
		if (log_key_is_secret(f[2 * i]))
			v = "[redacted]";
		snprintf(text[k++], sizeof(text[0]), "%s=%.*s", name,
		    LOG_VALUE_MAX, v);
	}
	for (size_t i = 0; i < k; i++) {
		iov[i].iov_base = text[i];
		iov[i].iov_len = strlen(text[i]);
	}
	if (sd_journal_sendv(iov, (int)k) < 0)
		write_stderr(level, msg, f, n);
}

void
log_kv(enum log_level level, const char *msg, ...)
{
	const char *f[2 * LOG_FIELDS_MAX];
	size_t n = 0;
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, msg);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (k == NULL)
			break;
		const char *v = va_arg(ap, const char *);
		if (n < LOG_FIELDS_MAX) {
			f[2 * n] = k;
			f[2 * n + 1] = v;
			n++;
		}
	}
	va_end(ap);
	if (atomic_load(&log_journal))
		write_journal(level, msg, f, n);
	else
		write_stderr(level, msg, f, n);
}
