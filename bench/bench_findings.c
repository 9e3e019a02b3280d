/*
 * Findings benchmark: the server's findings engine on its store, as
 * rampartd runs it (src/server/findings).  Enrols HOSTS Windows hosts of
 * one tenant, each with a full inventory of PACKAGES generated registry
 * entries (from a fixed seed; names from a pool) plus the 3CX Desktop App
 * at an affected version, through fnd_apply_inventory in transactions of
 * 100 hosts.  Then, timed:
 *   import   the 3CX CSAF advisory stored and every finding computed and
 *            stored (fnd_apply_advisory), one transaction, committed;
 *            then the same again under another document key (import2:
 *            the store's caches warmed by the first);
 *   delta    one host's inventory delta (3CX upgraded to 18.12.422)
 *            applied, re-evaluated against both imports and committed
 *            (two findings resolved), for DELTAS hosts; the
 *            store is checkpointed before each (untimed), as rampartd
 *            does outside requests.
 *
 * usage: bench_findings DB_URL ADVISORY.json HOSTS PACKAGES DELTAS
 * prints key=value lines (seconds; counts of findings opened/resolved).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "advisory/advisory.h"
#include "findings/findings.h"
#include "store/store.h"

#define NAME_POOL 20000
#define BATCH 100

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
die(const char *what, int r, struct store *s)
{
	fprintf(stderr, "bench_findings: %s: %d %s\n", what, r,
	    s ? store_errmsg(s) : "");
	exit(1);
}

static json_t *
three_cx(const char *version)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "name", "3CX Desktop App",
	    "vendor", "3CX Ltd", "version", version, "scheme", "generic",
	    "source", "windows_registry", "arch", "x86_64");
}

/* A full inventory body of seq 1 with npkg entries and 3CX. */
static json_t *
inventory(size_t h, size_t npkg)
{
	json_t *sw = json_array(), *o;
	char name[64], vendor[32], ver[32];
	size_t i;

	for (i = 0; i < npkg; i++) {
		uint64_t x = rng();

		snprintf(name, sizeof(name), "Product %05u",
		    (unsigned)(x % NAME_POOL));
		snprintf(vendor, sizeof(vendor), "Vendor %u",
		    (unsigned)(x % NAME_POOL / 10));
		snprintf(ver, sizeof(ver), "%u.%u.%u", (unsigned)(x >> 20) % 20,
		    (unsigned)(x >> 28) % 50, (unsigned)(x >> 36) % 500);
		json_array_append_new(sw,
		    json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", name, "vendor",
			vendor, "version", ver, "source", "windows_registry",
			"arch", "x86_64"));
	}
	json_array_append_new(sw, three_cx("18.12.416"));
	snprintf(name, sizeof(name), "ws-%06zu", h);
	o = json_pack("{s:i,s:s,s:{s:s,s:s,s:s,s:s},s:o}", "seq", 1, "kind",
	    "full", "host", "name", name, "os", "Windows", "os_version",
	    "11 23H2", "arch", "x86_64", "software", sw);
	return o;
}

static void
enrol(struct store *s, int64_t tenant, size_t h, size_t npkg, char id[27])
{
	struct store_agent a = {0};
	struct store_inv_state st;
	struct fnd_upload *u = NULL;
	struct fnd_err e;
	struct fnd_tally t;
	json_t *body = inventory(h, npkg);
	size_t i;
	int r;

	for (i = 0; i < 26; i++)
		a.id[i] = "abcdefghijklmnopqrstuvwxyz234567"[rng() % 32];
	a.tenant_id = tenant;
	a.public_key = "bench";
	a.hostname = a.os = "bench";
	a.agent_version = "";
	a.enrolled_at = 1;
	if ((r = store_agent_create(s, &a)) != 0)
		die("agent", r, s);
	memcpy(id, a.id, 27);
	if ((r = fnd_upload_parse(body, &u, &e)) != 0)
		die(e.msg, r, NULL);
	if ((r = store_inv_state(s, a.id, &st)) != 0 ||
	    (r = fnd_apply_inventory(s, &st, u, 1, &t)) != 0)
		die("inventory", r, s);
	fnd_upload_free(u);
	json_decref(body);
}

static struct advisory *
import(struct store *s, const char *path, const char *key, json_t **doc,
    struct fnd_tally *t)
{
	struct rp_diags *d = rp_diags_new();
	struct store_advisory in = {0};
	struct advisory *a = NULL;
	int64_t id;
	int rev, r;

	*doc = json_load_file(path, 0, NULL);
	if (*doc == NULL ||
	    advisory_read_json(*doc, ADV_FORMAT_AUTO, &a, d) != 0)
		die(path, -1, NULL);
	in.doc_key = key != NULL ? (char *)key : (char *)a->id;
	in.doc_id = (char *)a->id;
	in.publisher = in.title = in.severity = in.cves = in.version = "";
	in.current_release = "";
	in.format = "csaf";
	in.scope_all = 1;
	in.imported_at = 2;
	in.imported_by = "bench";
	in.body = json_dumps(*doc, JSON_COMPACT);
	if ((r = store_begin(s)) != 0 ||
	    (r = store_advisory_put(s, &in, &id, &rev)) != 0 ||
	    (r = fnd_apply_advisory(s, id, rev, a, 1, NULL, 0, 2, t)) != 0 ||
	    (r = store_commit(s)) != 0)
		die("import", r, s);
	free(in.body);
	rp_diags_free(d);
	return a;
}

static void
delta(struct store *s, const char *id, struct fnd_tally *t)
{
	json_t *b = json_pack("{s:i,s:s,s:i,s:[o],s:[o]}", "seq", 2, "kind",
	    "delta", "base", 1, "add", three_cx("18.12.422"), "remove",
	    three_cx("18.12.416"));
	struct store_inv_state st;
	struct fnd_upload *u = NULL;
	struct fnd_err e;
	int r;

	if ((r = fnd_upload_parse(b, &u, &e)) != 0)
		die(e.msg, r, NULL);
	if ((r = store_begin(s)) != 0 ||
	    (r = store_inv_state(s, id, &st)) != 0 ||
	    (r = fnd_apply_inventory(s, &st, u, 3, t)) != 0 ||
	    (r = store_commit(s)) != 0)
		die("delta", r, s);
	fnd_upload_free(u);
	json_decref(b);
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct store *s;
	struct fnd_tally t = {0}, dt;
	struct advisory *a;
	char err[256], (*ids)[27];
	size_t nh, np, nd, h;
	double t0, *lat;
	int64_t tenant;
	json_t *doc;
	int r;

	if (argc != 6) {
		fprintf(stderr,
		    "usage: bench_findings DB_URL ADVISORY.json "
		    "HOSTS PACKAGES DELTAS\n");
		return 2;
	}
	nh = strtoul(argv[3], NULL, 10);
	np = strtoul(argv[4], NULL, 10);
	nd = strtoul(argv[5], NULL, 10);
	if (nd > nh || (ids = calloc(nh + 1, sizeof(*ids))) == NULL ||
	    (lat = calloc(nd + 1, sizeof(*lat))) == NULL)
		return 2;
	if ((r = store_open(argv[1], &s, err, sizeof(err))) != 0)
		die(err, r, NULL);
	if ((r = store_migrate(s, NULL, NULL)) != 0 ||
	    (r = store_tenant_create(s, "bench", "Bench", &tenant)) != 0)
		die("setup", r, s);
	t0 = now_s();
	for (h = 0; h < nh; h++) {
		if (h % BATCH == 0 && (r = store_begin(s)) != 0)
			die("begin", r, s);
		enrol(s, tenant, h, np, ids[h]);
		if ((h % BATCH == BATCH - 1 || h == nh - 1) &&
		    (r = store_commit(s)) != 0)
			die("commit", r, s);
	}
	printf(
	    "hosts=%zu packages=%zu enrol_s=%.1f\n", nh, np + 1, now_s() - t0);
	fflush(stdout);
	if ((r = store_checkpoint(s)) != 0)
		die("checkpoint", r, s);
	t0 = now_s();
	a = import(s, argv[2], NULL, &doc, &t);
	printf("import_s=%.3f hosts_evaluated=%lld opened=%lld\n", now_s() - t0,
	    (long long)t.hosts, (long long)t.opened);
	/* The same products under another document key: a second import
	 * once the first has warmed the store's caches. */
	advisory_free(a);
	json_decref(doc);
	t0 = now_s();
	a = import(s, argv[2], "bench-second-import", &doc, &t);
	printf("import2_s=%.3f hosts_evaluated=%lld opened=%lld\n",
	    now_s() - t0, (long long)t.hosts, (long long)t.opened);
	for (h = 0; h < nd; h++) {
		/* rampartd checkpoints outside requests, once a second */
		if ((r = store_checkpoint(s)) != 0)
			die("checkpoint", r, s);
		t0 = now_s();
		delta(s, ids[h * (nh / nd)], &dt);
		lat[h] = now_s() - t0;
		if (dt.resolved != 2) /* the finding of each import */
			die("delta did not resolve", -1, NULL);
	}
	if (nd > 0) {
		qsort(lat, nd, sizeof(*lat), cmp_d);
		printf("deltas=%zu delta_ms_p50=%.2f delta_ms_p99=%.2f "
		       "delta_ms_max=%.2f\n",
		    nd, lat[nd / 2] * 1e3, lat[nd * 99 / 100] * 1e3,
		    lat[nd - 1] * 1e3);
	}
	advisory_free(a);
	json_decref(doc);
	store_close(s);
	free(ids);
	free(lat);
	return 0;
}
