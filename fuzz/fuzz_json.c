/*
 * Fuzz target: the JSON loader, both ways in.  The same bytes loaded from
 * a buffer and streamed from a file (in chunks, with the nesting scan
 * running across chunk boundaries) must give the same answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "json/rpjson.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_diags *d = rp_diags_new();
	json_t *a, *b = NULL;
	char path[64];
	int fd;

	if (d == NULL)
		return 0;
	a = rpjson_load_buf(data, size, d);
	if ((fd = memfd_create("fuzz_json", MFD_CLOEXEC)) >= 0) {
		if (write(fd, data, size) == (ssize_t)size) {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			b = rpjson_load_file(path, RPJSON_MAX_INPUT, d);
			if ((a == NULL) != (b == NULL) ||
			    (a != NULL && !json_equal(a, b)))
				abort();
		}
		close(fd);
	}
	json_decref(a);
	json_decref(b);
	rp_diags_free(d);
	return 0;
}
