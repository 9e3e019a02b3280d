/*
 * Fuzzes the quarantine container reader (quarantine/qcont.c): header
 * checks and bounded zstd decompression, from a memory file.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "quarantine/qstore_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_diags *d = rp_diags_new();
	int fd = memfd_create("qcont", MFD_CLOEXEC);

	if (fd >= 0 && qwrite_all(fd, data, size) == 0)
		qcont_extract(fd, -1, NULL, NULL, d);
	if (fd >= 0)
		close(fd);
	rp_diags_free(d);
	return 0;
}
