/*
 * The terminate job: end one process, only if the executable it runs
 * has the job's SHA-256.  The process is held through a handle
 * (platform.h plat_proc_*) from before its executable is read until the
 * signal, and the signal goes only to that very process (its start time
 * compared again), so a PID reused meanwhile is never hit.  The image is
 * read through the process (/proc/PID/exe), so a binary replaced on
 * disk after it started is judged by what actually runs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "jobs_int.h"
#include "platform/platform.h"
#include "util/err.h"

#define EXE_PATH_MAX 4096

/* The hex SHA-256 of what fd reads to its end. */
static int
hash_fd(int fd, char hex[65])
{
	crypto_hash_sha256_state st;
	unsigned char buf[65536], sum[32];
	ssize_t n;

	crypto_hash_sha256_init(&st);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		crypto_hash_sha256_update(&st, buf, (size_t)n);
	}
	crypto_hash_sha256_final(&st, sum);
	sodium_bin2hex(hex, 65, sum, sizeof(sum));
	return 0;
}

static int
result(struct jobs_outcome *o, const struct proto_job *j, const char *exe,
    const char *sha, const char *outcome)
{
	return jobs_result(o,
	    json_pack("{s:I, s:s?, s:s?, s:s}", "pid", (json_int_t)j->pid,
		"exe", exe, "sha256", sha, "outcome", outcome));
}

int
act_terminate(
    const struct jobs_ctx *c, const struct proto_job *j, struct jobs_outcome *o)
{
	struct plat_proc p = {.dfd = -1, .pfd = -1};
	char exe[EXE_PATH_MAX], sha[65];
	int fd, r = 0;

	(void)c;
	if (j->pid <= 1 || j->pid == (int64_t)getpid()) {
		jobs_set(o, JOBS_FAILED, "process %lld is %s: not terminated",
		    (long long)j->pid, j->pid == 1 ? "init" : "this agent");
		return result(o, j, NULL, NULL, "refused");
	}
	if (plat_proc_open((long)j->pid, &p) != 0) {
		jobs_set(o, JOBS_FAILED, "process %lld: %s", (long long)j->pid,
		    errno == ENOENT || errno == ESRCH ? "no such process"
						      : strerror(errno));
		return result(o, j, NULL, NULL, "not-found");
	}
	if ((fd = plat_proc_exe(&p, exe, sizeof(exe))) < 0 ||
	    hash_fd(fd, sha) != 0) {
		jobs_set(o, JOBS_FAILED,
		    "process %lld: cannot read its executable: %s",
		    (long long)j->pid, strerror(errno));
		if (fd >= 0)
			close(fd);
		r = result(o, j, NULL, NULL, "not-terminated");
		goto out;
	}
	close(fd);
	if (strcmp(sha, j->sha256) != 0) {
		jobs_set(o, JOBS_FAILED,
		    "process %lld runs %s, whose SHA-256 is %s, not the job's "
		    "exe_sha256: not terminated",
		    (long long)j->pid, exe, sha);
		r = result(o, j, exe, sha, "not-terminated");
		goto out;
	}
	if (plat_proc_kill(&p) != 0) {
		jobs_set(o, JOBS_FAILED, "process %lld: %s", (long long)j->pid,
		    errno == ESRCH ? "it ended (or is another process now) "
				     "before the signal"
				   : strerror(errno));
		r = result(o, j, exe, sha, "not-terminated");
		goto out;
	}
	jobs_set(o, JOBS_DONE, "%s", "");
	r = result(o, j, exe, sha, "terminated");
out:
	plat_proc_close(&p);
	return r;
}
