/*
 * The wrappers of failalloc.h.  A counter runs while armed; the armed
 * allocation returns NULL (errno ENOMEM) and every other one goes to the
 * real allocator, so error paths run with the rest of memory working.
 */
#include <errno.h>
#include <execinfo.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failalloc.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t sz);
void *__real_realloc(void *p, size_t n);
void *__real_reallocarray(void *p, size_t n, size_t sz);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_vasprintf(char **s, const char *fmt, va_list ap);
int __real___vasprintf_chk(char **s, int flag, const char *fmt, va_list ap);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t sz);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_reallocarray(void *p, size_t n, size_t sz);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_vasprintf(char **s, const char *fmt, va_list ap);
int __wrap___vasprintf_chk(char **s, int flag, const char *fmt, va_list ap);

static unsigned long armed_at, counted;
static int hit;

/* Counts one allocation; returns 1 when this one must fail. */
static int
fail_now(void)
{
	if (armed_at == 0)
		return 0;
	if (++counted != armed_at)
		return 0;
	hit = 1;
	if (getenv("FAILALLOC_TRACE") != NULL) {
		void *bt[16];

		backtrace_symbols_fd(bt, backtrace(bt, 16), 2);
	}
	errno = ENOMEM;
	return 1;
}

void
fa_arm(unsigned long n)
{
	armed_at = n;
	counted = 0;
	hit = 0;
}

int
fa_disarm(void)
{
	armed_at = 0;
	return hit;
}

unsigned long
fa_count(void)
{
	return counted;
}

void *
__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t sz)
{
	return fail_now() ? NULL : __real_calloc(n, sz);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

void *
__wrap_reallocarray(void *p, size_t n, size_t sz)
{
	return fail_now() ? NULL : __real_reallocarray(p, n, sz);
}

char *
__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

int
__wrap_vasprintf(char **s, const char *fmt, va_list ap)
{
	if (fail_now()) {
		*s = NULL;
		return -1;
	}
	return __real_vasprintf(s, fmt, ap);
}

int
__wrap___vasprintf_chk(char **s, int flag, const char *fmt, va_list ap)
{
	if (fail_now()) {
		*s = NULL;
		return -1;
	}
	return __real___vasprintf_chk(s, flag, fmt, ap);
}
