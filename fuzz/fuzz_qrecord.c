/* Fuzzes the quarantine metadata record reader (quarantine/qrecord.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quarantine/qstore_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_diags *d = rp_diags_new();
	struct qentry e;
	char *again;

	if (qrecord_parse(data, size, &e, d) == 0) {
		/* what was accepted must write back and read back */
		if ((again = qrecord_format(&e)) != NULL) {
			struct qentry e2;

			if (qrecord_parse(again, strlen(again), &e2, NULL) != 0)
				__builtin_trap();
			qentry_clear(&e2);
			free(again);
		}
		qentry_clear(&e);
	}
	rp_diags_free(d);
	return 0;
}
