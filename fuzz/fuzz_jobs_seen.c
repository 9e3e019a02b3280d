/*
 * Fuzzes the reader of the agent's replay store (jobs_seen_parse in
 * src/agent/jobs/seen.c): the file lives in the state directory and may
 * be damaged by a crash or a disk.  Every record it accepts has a nonce
 * and a job ID of the right alphabet and length, and the whole records
 * it reports never exceed the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "jobs/jobs.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
one(const char *nonce, const char *job_id, int64_t expires, void *arg)
{
	(void)expires;
	(void)arg;
	if (strlen(nonce) != 22 || strlen(job_id) != PROTO_JOB_ID_LEN)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[JOBS_ERR_MAX];
	size_t whole = 0;
	int r;

	if (sodium_init() < 0)
		abort();
	r = jobs_seen_parse(data, size, one, NULL, &whole, err);
	if ((r != 0 && r != RP_ERR_INVALID) || whole > size ||
	    whole % JOBS_SEEN_RECORD != 0)
		abort();
	return 0;
}
