/*
 * Matching benchmark: H hosts with P packages each against advisories with
 * A products in total, all generated from a fixed seed so every run sees
 * the same input.  Hosts are generated, checked and freed one at a time:
 * the number measured is the matcher's, not the generator's memory.
 *
 * usage: bench_match HOSTS PACKAGES PRODUCTS
 * prints one line: hosts, packages, products, index and check seconds,
 * results and affected counts; then the CPU time of the checks (the
 * matcher's alone, whatever else runs on the machine), the results per
 * verdict and per rule
 * and a digest of every result (host, package, product, verdict, rule, in
 * order), so that two builds can be shown to decide the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advisory/advisory.h"
#include "inventory/inventory.h"
#include "match/match.h"
#include "util/arena.h"

/* Distinct package names in the generated world; hosts draw from these. */
#define NAME_POOL 20000
#define PRODUCTS_PER_ADVISORY 100

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	/* xorshift64*: fast and deterministic, quality is ample here */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Results per verdict and rule, and an FNV-1a digest of all of them. */
struct tally {
	size_t verdict[MATCH_AFFECTED + 1];
	size_t rule[MATCH_RULE_COUNT];
	uint64_t digest;
};

static void
digest_bytes(struct tally *t, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0) {
		t->digest ^= *b++;
		t->digest *= 0x100000001b3ULL;
	}
}

static void
tally_add(struct tally *t, size_t host, const struct match_result *r)
{
	long sw = r->sw != NULL ? (long)(r->sw - r->host->sw) : -1;
	const char *pid = r->product != NULL ? r->product->id : "";
	int v = (int)r->verdict, rule = (int)r->rule;

	t->verdict[r->verdict]++;
	t->rule[r->rule]++;
	digest_bytes(t, &host, sizeof(host));
	digest_bytes(t, &sw, sizeof(sw));
	digest_bytes(t, pid, strlen(pid) + 1);
	digest_bytes(t, &v, sizeof(v));
	digest_bytes(t, &rule, sizeof(rule));
}

static void
tally_print(const struct tally *t)
{
	int i;

	printf("verdicts:");
	for (i = 0; i <= MATCH_AFFECTED; i++)
		printf(" %s=%zu", match_verdict_name((enum match_verdict)i),
		    t->verdict[i]);
	printf("\nrules:");
	for (i = 0; i < MATCH_RULE_COUNT; i++) {
		if (t->rule[i] > 0)
			printf(" %s=%zu", match_rule_name((enum match_rule)i),
			    t->rule[i]);
	}
	printf("\ndigest=%016llx\n", (unsigned long long)t->digest);
}

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static void
pkg_name(char *buf, size_t len, uint64_t i)
{
	static const char *const stems[] = {"lib", "python3-", "node-",
	    "golang-", "", "x11-", "gir1.2-", "fonts-"};

	snprintf(buf, len, "%s%s%llu", stems[i % 8], i % 3 ? "pkg" : "tool",
	    (unsigned long long)i);
}

/* A Debian-style version "M.m.p-r" drawn from a small space. */
static void
pkg_version(char *buf, size_t len, uint64_t r)
{
	snprintf(buf, len, "%u.%u.%u-%u", (unsigned)(r % 5),
	    (unsigned)((r >> 8) % 20), (unsigned)((r >> 16) % 30),
	    (unsigned)((r >> 24) % 4 + 1));
}

static struct advisory *
make_advisory(size_t index, size_t nproducts)
{
	struct advisory *a;
	struct adv_vuln *v;
	char name[64], ver[32], range[48], *id;
	size_t i;

	if ((a = advisory_new()) == NULL)
		return NULL;
	a->format = ADV_FORMAT_NATIVE;
	a->id = rp_arena_printf(a->arena, "BENCH-%zu", index);
	a->title = "generated";
	a->products =
	    rp_arena_calloc(a->arena, nproducts, sizeof(*a->products));
	a->vulns = v = rp_arena_calloc(a->arena, 1, sizeof(*a->vulns));
	v->status[ADV_STATUS_KNOWN_AFFECTED] =
	    rp_arena_calloc(a->arena, nproducts, sizeof(char *));
	if (a->products == NULL || v == NULL ||
	    v->status[ADV_STATUS_KNOWN_AFFECTED] == NULL) {
		advisory_free(a);
		return NULL;
	}
	a->nvulns = 1;
	v->cve = rp_arena_printf(a->arena, "CVE-2099-%zu", index);
	for (i = 0; i < nproducts; i++) {
		struct adv_product *p = &a->products[i];

		pkg_name(name, sizeof(name), rng() % NAME_POOL);
		pkg_version(ver, sizeof(ver), rng());
		id = rp_arena_printf(a->arena, "P%zu-%zu", index, i);
		p->id = id;
		p->product = rp_arena_strdup(a->arena, name);
		p->name = p->product;
		p->scheme = VERSION_SCHEME_DEB;
		snprintf(range, sizeof(range), "vers:deb/<%s", ver);
		if (advisory_product_range(a, p, range) != 0) {
			advisory_free(a);
			return NULL;
		}
		v->status[ADV_STATUS_KNOWN_AFFECTED][i] = id;
	}
	a->nproducts = nproducts;
	v->nstatus[ADV_STATUS_KNOWN_AFFECTED] = nproducts;
	return a;
}

static struct inv_host *
make_host(size_t index, size_t npackages)
{
	struct inv_software sw;
	struct inv_host *h;
	char hostname[32], name[64], ver[32];
	size_t i;

	if ((h = inv_host_new()) == NULL)
		return NULL;
	snprintf(hostname, sizeof(hostname), "host%06zu", index);
	if (inv_host_set(h, hostname, "Debian GNU/Linux", "12", "x86_64") != 0)
		goto fail;
	for (i = 0; i < npackages; i++) {
		memset(&sw, 0, sizeof(sw));
		pkg_name(name, sizeof(name), rng() % NAME_POOL);
		pkg_version(ver, sizeof(ver), rng());
		sw.name = name;
		sw.version = ver;
		sw.source = INV_SOURCE_DPKG;
		sw.scheme = VERSION_SCHEME_DEB;
		sw.arch = "amd64";
		if (inv_host_add_software(h, &sw) != 0)
			goto fail;
	}
	return h;
fail:
	inv_host_free(h);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct advisory **advs = NULL;
	struct match_results res;
	struct tally tally = {.digest = 0xcbf29ce484222325ULL};
	struct matcher *m = NULL;
	size_t nhosts, npkgs, nprod, nadv, i, j, nres = 0, naff = 0;
	double t0, t_index, t_check = 0, t_gen = 0, t, c, c_check = 0;
	int rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: bench_match HOSTS PACKAGES PRODUCTS\n");
		return 2;
	}
	nhosts = strtoul(argv[1], NULL, 10);
	npkgs = strtoul(argv[2], NULL, 10);
	nprod = strtoul(argv[3], NULL, 10);
	nadv = (nprod + PRODUCTS_PER_ADVISORY - 1) / PRODUCTS_PER_ADVISORY;
	if ((advs = calloc(nadv, sizeof(*advs))) == NULL ||
	    (m = matcher_new()) == NULL)
		goto out;
	for (i = 0; i < nadv; i++) {
		size_t n = nprod - i * PRODUCTS_PER_ADVISORY;

		if (n > PRODUCTS_PER_ADVISORY)
			n = PRODUCTS_PER_ADVISORY;
		if ((advs[i] = make_advisory(i, n)) == NULL)
			goto out;
	}
	t0 = now();
	for (i = 0; i < nadv; i++) {
		if (matcher_add_advisory(m, advs[i], NULL) != 0)
			goto out;
	}
	t_index = now() - t0;
	for (i = 0; i < nhosts; i++) {
		struct inv_host *h;

		t = now();
		if ((h = make_host(i, npkgs)) == NULL)
			goto out;
		t_gen += now() - t;
		memset(&res, 0, sizeof(res));
		t = now();
		c = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		if (matcher_check_host(m, h, &res) != 0) {
			inv_host_free(h);
			goto out;
		}
		c_check += clock_s(CLOCK_PROCESS_CPUTIME_ID) - c;
		t_check += now() - t;
		for (j = 0; j < res.n; j++) {
			if (res.v[j].sw != NULL)
				nres++;
			if (res.v[j].verdict == MATCH_AFFECTED)
				naff++;
			tally_add(&tally, i, &res.v[j]);
		}
		match_results_free(&res);
		inv_host_free(h);
	}
	printf("hosts=%zu packages=%zu products=%zu index_s=%.3f "
	       "check_s=%.3f generate_s=%.3f matched=%zu affected=%zu "
	       "checks_per_s=%.0f\n",
	    nhosts, npkgs, nprod, t_index, t_check, t_gen, nres, naff,
	    t_check > 0 ? (double)(nhosts * npkgs) / t_check : 0.0);
	printf("check_cpu_s=%.3f\n", c_check);
	tally_print(&tally);
	rc = 0;
out:
	matcher_free(m);
	if (advs != NULL) {
		for (i = 0; i < nadv; i++)
			advisory_free(advs[i]);
	}
	free(advs);
	if (rc != 0)
		fprintf(stderr, "bench_match: failed\n");
	return rc;
}
