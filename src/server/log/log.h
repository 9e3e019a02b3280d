/*
 * rampartd's log: one structured line per event, as logfmt on stderr
 * (`ts=... level=... role=... msg="..." key=value ...`) or as fields of a
 * journald entry.  Every process of rampartd logs through here; a line is
 * written with one write(2), so lines of concurrent threads and processes
 * never interleave.
 *
 * Secrets never reach the log: the only way to log is a constant message
 * and key/value fields, and a field whose key names a secret (password,
 * secret, token, cookie, authorization, body, totp, key) is written as
 * "[redacted]" whatever its value.  There is no call that takes a request.
 */
#ifndef RP_LOG_H
#define RP_LOG_H

#include <stddef.h>

enum log_level {
	LOGL_DEBUG,
	LOGL_INFO,
	LOGL_WARN,
	LOGL_ERROR,
};

enum log_target {
	LOGT_AUTO, /* journald when stderr is the journal (JOURNAL_STREAM) */
	LOGT_STDERR,
	LOGT_JOURNALD,
};

/* "debug", "info", "warn", "error"; from_name returns -1 when unknown. */
const char *log_level_name(enum log_level l);
int log_level_from_name(const char *s);
/* "auto", "stderr", "journald"; from_name returns -1 when unknown. */
const char *log_target_name(enum log_target t);
int log_target_from_name(const char *s);

/* Sets the role name written in every line (static string), the level
 * and the target; called at start and again in each role. */
void log_setup(const char *role, enum log_level level, enum log_target t);
/* SIGHUP: takes a new level and target and decides again where "auto"
 * goes (the journal connection is reopened by libsystemd per call). */
void log_reconfigure(enum log_level level, enum log_target t);

/*
 * Writes one line: msg is a constant text, then key, value pairs of
 * strings ending with NULL.  A NULL value is written as "".
 */
void log_kv(enum log_level level, const char *msg, ...)
    __attribute__((sentinel));

#define log_debug(...) log_kv(LOGL_DEBUG, __VA_ARGS__)
#define log_info(...) log_kv(LOGL_INFO, __VA_ARGS__)
#define log_warn(...) log_kv(LOGL_WARN, __VA_ARGS__)
#define log_error(...) log_kv(LOGL_ERROR, __VA_ARGS__)

/*
 * Formats one logfmt line (without the trailing newline) into buf:
 * ts, level, role, msg, then fields[0..2n).  Values with a space, '=',
 * '"', a control or non-ASCII byte, or empty are quoted, with \", \\,
 * \n, \r, \t and \xNN escapes; a value is cut at LOG_VALUE_MAX bytes
 * (marked with "..."). Returns the length written (always < len).
 */
#define LOG_VALUE_MAX 1024
size_t log_format(char *buf, size_t len, const char *ts, enum log_level level,
    const char *role, const char *msg, const char *const *fields, size_t n);

/* Whether values logged under key are replaced by "[redacted]". */
int log_key_is_secret(const char *key);

#endif
