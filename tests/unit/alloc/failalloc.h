/*
 * Allocation-failure injection for unit tests.  Linked only into the test
 * executables that ask for it (tests/unit/alloc/meson.build), with
 * -Wl,--wrap for malloc, calloc, realloc, reallocarray, strdup, strndup
 * and vasprintf: the project's static libraries linked into such a test
 * call the wrappers below, shipped binaries never see them.  jansson's
 * own allocations are not counted: it reports some of its allocation
 * failures as syntax errors, so its failures could not be told apart.
 * FAILALLOC_TRACE in the environment prints a backtrace at the failure.
 */
#ifndef RP_FAILALLOC_H
#define RP_FAILALLOC_H

/* Makes the n-th allocation from now fail (only that one); 0 disarms. */
void fa_arm(unsigned long n);
/* Disarms; returns 1 if the armed allocation was reached (and failed). */
int fa_disarm(void);
/* Allocations counted since the last fa_arm. */
unsigned long fa_count(void);

#endif
