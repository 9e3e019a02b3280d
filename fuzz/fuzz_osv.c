/* Fuzzes the OSV reader (see fuzz_advisory.h). */
#include "fuzz_advisory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_advisory_reader(data, size, osv_read);
}
