/*
 * Small I/O helpers of the quarantine store: complete writes, fsync that
 * survives signals, hex and entry ids, errors, and the crash test hook
 * (compiled only into the test build: RP_QUARANTINE_CRASH_HOOK).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qstore_int.h"

int
qwrite_all(int fd, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
qfsync(int fd)
{
	int r;

	while ((r = fsync(fd)) != 0 && errno == EINTR)
		;
	return r;
}

void
qhex(const unsigned char *v, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[v[i] >> 4];
		out[2 * i + 1] = digits[v[i] & 0xf];
	}
	out[2 * n] = '\0';
}

int
qid_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < QUARANTINE_ID_LEN; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return s[i] == '\0';
}

#ifdef RP_QUARANTINE_CRASH_HOOK
const char *const qstore_crash_steps[] = {
    "add-opened",
    "add-rpq-partial",
    "add-rpq-written",
    "add-rpq-synced",
    "add-verified",
    "add-rpq-renamed",
    "add-rpq-dir-synced",
    "add-json-written",
    "add-json-synced",
    "add-json-renamed",
    "add-committed",
    "add-killed",
    "add-unlinked",
    "add-done",
    "restore-temp-written",
    "restore-temp-synced",
    "restore-renamed",
    "restore-dir-synced",
    "restore-json-removed",
    "restore-done",
    NULL,
};

void
qstore_crash(const struct qstore *q, const char *step)
{
	if (q != NULL && q->crash_at != NULL && strcmp(q->crash_at, step) == 0)
		raise(SIGKILL);
}
#endif

int
qfail(struct rp_diags *d, int r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL, "%s", msg);
	return r;
}
