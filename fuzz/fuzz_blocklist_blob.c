/*
 * Fuzzes blocklist blobs (src/lib/blockblob): the agent's reader of the
 * bytes a block-apply or block-verify job names (blockblob_read; the
 * bytes are hash-checked first, but the reader must hold anyway), and
 * the server's builder from a request body (blockblob_build).  The first
 * byte chooses: even, the rest is a blob to read; odd, a request to
 * build.  A blob read, or built, is canonical: building from its lists
 * gives the same bytes again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "blockblob/blockblob.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *
strings(char **v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* b was read from text[0..len): built again, the same bytes (when its
 * sinkhole has the two the builder always adds). */
static void
check_canonical(const struct blockblob *b, const char *text, size_t len)
{
	json_t *in;
	char *out = NULL, sha[65], why[256];
	size_t n = 0, i;
	int has4 = 0, has6 = 0;

	for (i = 0; i < b->nsinkhole; i++) {
		has4 |= strcmp(b->sinkhole[i], "0.0.0.0") == 0;
		has6 |= strcmp(b->sinkhole[i], "::") == 0;
	}
	if (!has4 || !has6 || b->naddresses + b->ndomains == 0)
		return;
	in = json_pack("{s:o,s:o,s:o}", "addresses",
	    strings(b->addresses, b->naddresses), "domains",
	    strings(b->domains, b->ndomains), "sinkhole",
	    strings(b->sinkhole, b->nsinkhole));
	if (in == NULL)
		return;
	if (blockblob_build(in, &out, &n, sha, why, sizeof(why)) != 0 ||
	    n != len || memcmp(out, text, len) != 0)
		abort();
	free(out);
	json_decref(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blockblob *b = NULL;
	char why[256], sha[65], *out = NULL;
	size_t len = 0;
	json_t *in;
	int r;

	if (size < 1 || size > ((size_t)1 << 20))
		return 0;
	if ((data[0] & 1) == 0) {
		r = blockblob_read(
		    (const char *)data + 1, size - 1, &b, why, sizeof(why));
		if (r == 0)
			check_canonical(b, (const char *)data + 1, size - 1);
		else if (b != NULL || why[0] == '\0')
			abort();
		blockblob_free(b);
		return 0;
	}
	if ((in = json_loadb((const char *)data + 1, size - 1, 0, NULL)) ==
	    NULL)
		return 0;
	r = blockblob_build(in, &out, &len, sha, why, sizeof(why));
	json_decref(in);
	if (r != 0) {
		if (out != NULL || (r != RP_ERR_NOMEM && why[0] == '\0'))
			abort();
		return 0;
	}
	if (blockblob_read(out, len, &b, why, sizeof(why)) != 0)
		abort();
	check_canonical(b, out, len);
	blockblob_free(b);
	free(out);
	return 0;
}
