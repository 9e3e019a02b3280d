/*
 * Fuzz target: the JSON loader, both ways in, and the reader layer on
 * what it loads.  The same bytes loaded from a buffer and streamed from a
 * file (in chunks, with the nesting scan running across chunk boundaries)
 * must give the same answer; every getter on every member must leave the
 * path as it found it and count exactly the diagnostics it adds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "json/rpjson.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const known[] = {"id", "name", "a", NULL};

static int walk(struct rpjson_rd *rd, const json_t *v, size_t i, void *arg);

/* Every getter on every member of o, then into each member. */
static void
getters(struct rpjson_rd *rd, const json_t *o)
{
	const json_t *sub;
	const char *key, *s;
	json_int_t n;
	uint64_t u;
	double x;
	size_t mark, k;
	int b;
	json_t *v;

	(void)rpjson_check_keys(rd, o, known);
	json_object_foreach((json_t *)o, key, v)
	{
		(void)rpjson_get_str(rd, o, key, 8, RPJSON_LINE, &s);
		(void)rpjson_get_int(rd, o, key, -5, 5, 0, &n);
		(void)rpjson_get_uint(rd, o, key, 1, UINT64_MAX, 0, &u);
		(void)rpjson_get_number(rd, o, key, -1, 1, 0, &x);
		(void)rpjson_get_bool(rd, o, key, RPJSON_NULLABLE, &b);
		(void)rpjson_get_enum(rd, o, key, known, 0, &k);
		(void)rpjson_get_object(rd, o, key, 0, &sub);
		(void)rpjson_get_array(rd, o, key, 2, 0, &sub);
		mark = rpjson_push_key(rd, key);
		walk(rd, v, 0, NULL);
		rpjson_pop(rd, mark);
	}
}

static int
walk(struct rpjson_rd *rd, const json_t *v, size_t i, void *arg)
{
	char before[RPJSON_PATH_MAX];

	(void)i;
	(void)arg;
	snprintf(before, sizeof(before), "%s", rpjson_pointer(rd));
	if (json_is_object(v))
		getters(rd, v);
	else if (json_is_array(v))
		(void)rpjson_each(rd, v, 4, walk, NULL);
	if (strcmp(before, rpjson_pointer(rd)) != 0)
		abort();
	return 0;
}

static void
read_through_layer(const json_t *doc)
{
	struct rp_diags *d = rp_diags_new();
	struct rpjson_path p;
	struct rpjson_rd rd;

	if (d == NULL)
		return;
	rpjson_rd_init(&rd, &p, d);
	walk(&rd, doc, 0, NULL);
	if (rd.nomem == 0 &&
	    (rd.nerrors != d->nerrors || rd.nwarnings != d->nwarnings))
		abort();
	rp_diags_free(d);
}

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
	if (a != NULL)
		read_through_layer(a);
	json_decref(a);
	json_decref(b);
	rp_diags_free(d);
	return 0;
}
