/* Fixture of scripts/lint-checks.py: lines marked "reject" must be
 * flagged by the timing check, the others must not. */
#include <time.h>

static void
measured(void)
{
	clock_t t0 = clock(); /* reject */
	struct timespec a, b;
	struct stat st;
	time_t now = time(NULL);

	clock_gettime(CLOCK_MONOTONIC, &a); /* reject */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0); /* reject */
	assert_true(time(NULL) - now < 3); /* reject */
	assert_true(difftime(time(NULL), now) <= 2.0); /* reject */
	assert_true(ru.ru_utime.tv_sec < 2); /* reject */
	/* benign: file times, timestamps in fixtures, memory */
	assert_int_equal(st.st_mtim.tv_sec, 1651820889);
	snprintf(buf, sizeof(buf), "%lld", (long long)time(NULL));
	assert_true(ru.ru_maxrss < 32 * 1024);
	if (n < max && p->time > 0)
		return;
}
