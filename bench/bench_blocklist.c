/*
 * Benchmark driver of the blocklist renderers: generates N indicators
 * from a fixed seed (40 % domains, 20 % IPv4 addresses, 10 % IPv4
 * blocks, 10 % IPv6 addresses, 10 % URLs, 10 % file hashes, with
 * confidence, last sighting and sightings), adds them and renders them in
 * one format without a limit, and prints one line: format, entries,
 * seconds to add, seconds to render, output bytes, entries written, and
 * the process's peak RSS in KiB (getrusage), so a run per format gives
 * each format's own peak.  Usage: bench_blocklist N FORMAT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "blocklist/blocklist.h"
#include "util/err.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
next(void)
{
	/* xorshift64*: reproducible, no libc state */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
make_value(size_t i, struct blocklist_entry *e, char *buf, size_t len)
{
	unsigned k = (unsigned)(i % 10);
	uint64_t r = next(), s = next();

	if (k < 4) {
		e->kind = BLOCKLIST_DOMAIN;
		snprintf(buf, len, "h%llx.d%u.example-%u.com",
		    (unsigned long long)(r & 0xffffffffffull),
		    (unsigned)(s % 9973), (unsigned)(s >> 40) % 101);
	} else if (k <= 6) {
		e->kind = BLOCKLIST_ADDR;
		snprintf(buf, len, "%u.%u.%u.%u", (unsigned)(r >> 24) & 255,
		    (unsigned)(r >> 16) & 255, (unsigned)(r >> 8) & 255,
		    (unsigned)r & 255);
		if (k == 6) {
			size_t n = strlen(buf);
			snprintf(
			    buf + n, len - n, "/%u", 8 + (unsigned)(s % 25));
		}
	} else if (k == 7) {
		e->kind = BLOCKLIST_ADDR;
		snprintf(buf, len, "2001:db8:%x:%x:%x:%x:%x:%x",
		    (unsigned)(r >> 48) & 0xffff, (unsigned)(r >> 32) & 0xffff,
		    (unsigned)(r >> 16) & 0xffff, (unsigned)r & 0xffff,
		    (unsigned)(s >> 16) & 0xffff, (unsigned)s & 0xffff);
	} else if (k == 8) {
		e->kind = BLOCKLIST_URL;
		snprintf(buf, len, "https://u%llx.example/p/%llx?q=%u",
		    (unsigned long long)(r & 0xffffffffull),
		    (unsigned long long)(s & 0xffffffffull),
		    (unsigned)(i & 0xffff));
	} else {
		e->kind = BLOCKLIST_SHA256;
		snprintf(buf, len, "%016llx%016llx%016llx%016llx",
		    (unsigned long long)r, (unsigned long long)s,
		    (unsigned long long)next(), (unsigned long long)next());
	}
	e->confidence = (int)(s % 101);
	e->last_seen = 1680000000 + (int64_t)(r % 30000000);
	e->sightings = (uint32_t)(r >> 50);
}

int
main(int argc, char **argv)
{
	enum blocklist_format fmt;
	struct blocklist_report rep;
	struct blocklist_opts o = {.now = 1700000000};
	struct blocklist *bl;
	struct rusage ru;
	char buf[256], *out = NULL;
	size_t n, i, len;
	double t0, t1, t2;
	int r;

	if (argc != 3 || (n = strtoul(argv[1], NULL, 10)) == 0 ||
	    blocklist_format_from_name(argv[2], &fmt) != 0) {
		fprintf(stderr, "usage: bench_blocklist N FORMAT\n");
		return 2;
	}
	if ((bl = blocklist_new()) == NULL)
		return 1;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		struct blocklist_entry e = {0};
		const char *why = NULL;
		make_value(i, &e, buf, sizeof(buf));
		e.value = buf;
		if ((r = blocklist_add_entry(bl, &e, &why)) != 0) {
			fprintf(stderr, "%s: %s\n", buf, why ? why : "?");
			return 1;
		}
	}
	t1 = now_s();
	if ((r = blocklist_render(bl, fmt, &o, &out, &len, &rep)) != 0) {
		fprintf(stderr, "render %s: %s\n", argv[2], rp_strerror(r));
		return 1;
	}
	t2 = now_s();
	getrusage(RUSAGE_SELF, &ru);
	printf("%s %zu %.3f %.3f %zu %zu %ld\n", argv[2], blocklist_count(bl),
	    t1 - t0, t2 - t1, len, rep.written, ru.ru_maxrss);
	free(out);
	blocklist_free(bl);
	return 0;
}
