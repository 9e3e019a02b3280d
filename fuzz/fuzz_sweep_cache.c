/*
 * Fuzzes the sweep's digest cache reader: the input is written as a cache
 * file, opened (an unusable file must give a warning and an empty cache,
 * never a crash or a read outside the file), looked up with keys taken
 * from the input, extended and saved.  What the cache itself writes must
 * open again without a warning and hold every key it was given.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sweep/sweep_int.h"

static char path[256];

static char dir[64];

/* The temporary directory goes when the process ends. */
static void
cleanup(void)
{
	char p[300];

	unlink(path);
	snprintf(p, sizeof(p), "%s.lock", path);
	unlink(p);
	rmdir(dir);
}

static void
init_path(void)
{
	if (path[0] != '\0')
		return;
	snprintf(dir, sizeof(dir), "/tmp/fuzz-sweep-cache.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/c.bin", dir);
	atexit(cleanup);
}

static void
put(const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cache *c = NULL;
	struct rp_diags *d = rp_diags_new();
	struct cache_reader *rd = calloc(1, sizeof(*rd));
	struct cache_entry e, got;
	uint64_t idx, key[2];
	size_t i;

	init_path();
	put(data, size);
	if (d == NULL || rd == NULL || cache_open(path, &c, d) != 0)
		abort();
	cache_reader_init(rd);
	for (i = 0; i + 16 <= size && i < 64 * 16; i += 16) {
		memcpy(key, data + i, 16);
		if (cache_lookup(c, rd, key[0], key[1], &got, &idx)) {
			if (got.dev != key[0] || got.ino != key[1])
				abort();
			cache_seen(c, idx, got.last_seen);
		}
	}
	memset(&e, 0, sizeof(e));
	e.dev = 7;
	e.ino = size;
	e.flags = DIG_SHA256;
	e.last_seen = (uint64_t)time(NULL);
	if (cache_add(c, &e) != 0 || cache_save(c, d) < 0)
		abort();
	cache_free(c);
	c = NULL;
	rp_diags_clear(d);
	/* What we wrote reads back cleanly and holds the new key. */
	if (cache_open(path, &c, d) != 0 || d->n != 0)
		abort();
	cache_reader_init(rd);
	if (!cache_lookup(c, rd, 7, size, &got, &idx) ||
	    got.flags != DIG_SHA256)
		abort();
	cache_free(c);
	rp_diags_free(d);
	free(rd);
	return 0;
}
