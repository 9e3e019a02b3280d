/* Fuzzes how the sweep's privileged process reads the scanner child's
   answers (sandbox_answer_check in src/agent/sandbox/parent.c): the
   child may be compromised, so its message is untrusted input.  Input:
   the request's sequence number (8 bytes), file count, rule count, then
   the message.  What is accepted must stay within its bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sandbox/sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sandbox_result out[SANDBOX_BATCH_MAX];
	uint64_t seq;
	uint32_t n, nrules, i, j;

	if (size < 10)
		return 0;
	memcpy(&seq, data, 8);
	n = data[8] % (SANDBOX_BATCH_MAX + 1);
	nrules = data[9];
	if (!sandbox_answer_check(data + 10, size - 10, seq, n, nrules, out))
		return 0;
	for (i = 0; i < (n ? n : 1); i++) {
		if (out[i].nyara > SANDBOX_YARA_MAX ||
		    out[i].status > SANDBOX_NOMEM)
			__builtin_trap();
		for (j = 0; j < out[i].nyara; j++)
			if (out[i].yara_rule[j] >= nrules)
				__builtin_trap();
	}
	return 0;
}
