/*
 * rampart-agent sweep: loads a rules bundle, sweeps file trees (and, for
 * a whole-machine sweep, running processes and open connections) for its
 * indicators, and prints what matched for people and, with --json, the
 * full report for the server and for quarantine.  Progress goes to a
 * terminal on stderr.  docs/agent-sweep.md describes it in full.
 */
#include <getopt.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "agent_cmd.h"
#include "collectors/collectors.h"
#include "ioc/ioc.h"
#include "quarantine/quarantine.h"
#include "sweep/sweep.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/out.h"

#define EXCLUDES_MAX 1024

struct sopts {
	const char *rules, *json, *cache, *store;
	int no_cache, text_json, quiet, verbose, procs; /* procs: -1 auto */
	int quarantine, kill, kill_hardlinked;
	const char *excludes[EXCLUDES_MAX];
	struct sweep_opts so;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: rampart-agent sweep --rules BUNDLE [OPTIONS] [PATH...]\n"
	    "\n"
	    "Searches files for the indicators of a rules bundle: SHA-256, "
	    "SHA-1 and MD5\n"
	    "digests (an indicator's file size, when given, must match too), "
	    "file names,\n"
	    "and YARA rules.  Symbolic links are never followed, not even "
	    "in a PATH: a\n"
	    "PATH with a link anywhere in it is refused, naming the link and "
	    "the path to\n"
	    "give instead.  Without PATH the whole machine is swept: every "
	    "local file\n"
	    "system (pseudo file systems such as /proc and network file "
	    "systems are left\n"
	    "out; tmpfs and overlay are swept),\n"
	    "and the running processes' executables and open connections "
	    "are checked\n"
	    "too.  A cache of digests keyed by device, inode, size, mtime and "
	    "ctime\n"
	    "means a repeat sweep reads only files that changed.\n"
	    "\n"
	    "  -r, --rules FILE        the rules bundle (JSON, "
	    "docs/bundle.md)\n"
	    "  -j, --json FILE         write the full report as JSON to FILE "
	    "('-': stdout)\n"
	    "      --format text|json  what goes to stdout (default text)\n"
	    "  -x, --one-file-system   stay on the file system of each PATH\n"
	    "      --network           also enter network file systems "
	    "(NFS, CIFS, ...)\n"
	    "  -e, --exclude GLOB      skip what matches (a pattern with '/' "
	    "is matched\n"
	    "                          against the full path, else the base "
	    "name);\n"
	    "                          repeatable\n"
	    "      --max-size SIZE     skip files larger than SIZE (e.g. "
	    "512M)\n"
	    "      --threads N         worker threads (default: online CPUs)\n"
	    "      --cache FILE        the digest cache (default: "
	    "/var/lib/rampart/\n"
	    "                          sweep-cache.bin as root, else "
	    "$XDG_CACHE_HOME/\n"
	    "                          rampart/sweep-cache.bin)\n"
	    "      --no-cache          neither read nor write a cache\n"
	    "      --yara-timeout S    YARA time limit per file in seconds "
	    "(default %d)\n"
	    "      --yara-max-size SIZE  larger files are hashed but not "
	    "YARA-scanned\n"
	    "                          (default %uM)\n"
	    "      --work-budget SIZE  most work per file: bytes hashed plus "
	    "bytes YARA-\n"
	    "                          scanned, holes of sparse files "
	    "included; a file\n"
	    "                          that needs more is not read and is "
	    "listed as\n"
	    "                          \"budget exceeded\" (default %uG)\n"
	    "      --processes         check processes and connections (the "
	    "default\n"
	    "                          without PATH)\n"
	    "      --no-processes      do not\n"
	    "      --walk-only         only list and stat files; match nothing "
	    "(a dry run;\n"
	    "                          --rules is then optional)\n"
	    "      --quarantine        move every matched file into the "
	    "quarantine store\n"
	    "                          (only if it is still the file that "
	    "matched)\n"
	    "      --store DIR         the store (default "
	    "$RAMPART_QUARANTINE_DIR, else\n"
	    "                          " QUARANTINE_DEFAULT_DIR ")\n"
	    "      --kill              with --quarantine: also terminate "
	    "processes running\n"
	    "                          a quarantined file, unless it has other "
	    "hard links\n"
	    "                          (those processes are named, not "
	    "killed)\n"
	    "      --kill-hardlinked   as --kill, and kill through a file "
	    "with other hard\n"
	    "                          links too\n"
	    "  -q, --quiet             no progress line and no summary\n"
	    "  -v, --verbose           also print warnings\n"
	    "  -h, --help              this help\n"
	    "\n"
	    "Exit status: 0 nothing found, 1 something matched, 2 bad usage "
	    "or a bundle\n"
	    "that could not be read or compiled.\n",
	    SWEEP_YARA_TIMEOUT_DEFAULT,
	    (unsigned)(SWEEP_YARA_MAX_SIZE_DEFAULT >> 20),
	    (unsigned)(SWEEP_WORK_BUDGET_DEFAULT >> 30));
}

/* "123", "64K", "512M", "2G"; -1 when not a size. */
static int
parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || errno != 0 || s[0] == '-')
		return -1;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	else if (*end != '\0')
		return -1;
	if (shift != 0 && end[1] != '\0')
		return -1;
	if (v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int
parse_uint(const char *s, unsigned max, unsigned *out)
{
	uint64_t v;

	if (parse_size(s, &v) != 0 || strpbrk(s, "KkMmGg") != NULL || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

enum {
	OPT_FORMAT = 256,
	OPT_NETWORK,
	OPT_MAX_SIZE,
	OPT_THREADS,
	OPT_CACHE,
	OPT_NO_CACHE,
	OPT_YTIMEOUT,
	OPT_YMAX,
	OPT_BUDGET,
	OPT_PROCS,
	OPT_NO_PROCS,
	OPT_WALK_ONLY,
	OPT_QUARANTINE,
	OPT_STORE,
	OPT_KILL,
	OPT_KILL_HARDLINKED,
};

static const struct option longopts[] = {
    {"rules", required_argument, NULL, 'r'},
    {"json", required_argument, NULL, 'j'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"one-file-system", no_argument, NULL, 'x'},
    {"network", no_argument, NULL, OPT_NETWORK},
    {"exclude", required_argument, NULL, 'e'},
    {"max-size", required_argument, NULL, OPT_MAX_SIZE},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"cache", required_argument, NULL, OPT_CACHE},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {"yara-timeout", required_argument, NULL, OPT_YTIMEOUT},
    {"yara-max-size", required_argument, NULL, OPT_YMAX},
    {"work-budget", required_argument, NULL, OPT_BUDGET},
    {"processes", no_argument, NULL, OPT_PROCS},
    {"no-processes", no_argument, NULL, OPT_NO_PROCS},
    {"walk-only", no_argument, NULL, OPT_WALK_ONLY},
    {"quarantine", no_argument, NULL, OPT_QUARANTINE},
    {"store", required_argument, NULL, OPT_STORE},
    {"kill", no_argument, NULL, OPT_KILL},
    {"kill-hardlinked", no_argument, NULL, OPT_KILL_HARDLINKED},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int
bad(const char *what, const char *arg)
{
	fprintf(stderr, "rampart-agent sweep: %s: ", what);
	out_text(stderr, arg, 200, 0);
	fputc('\n', stderr);
	return -1;
}

/* One option; 0, or -1 on bad usage (reported). */
static int
parse_opt(int c, const char *arg, struct sopts *o)
{
	struct sweep_opts *so = &o->so;

	switch (c) {
	case 'r':
		o->rules = arg;
		return 0;
	case 'j':
		o->json = arg;
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "json") != 0 && strcmp(arg, "text") != 0)
			return bad("--format must be text or json", arg);
		o->text_json = strcmp(arg, "json") == 0;
		return 0;
	case 'x':
		so->one_fs = 1;
		return 0;
	case OPT_NETWORK:
		so->network_fs = 1;
		return 0;
	case 'e':
		if (so->nexcludes >= EXCLUDES_MAX)
			return bad("too many --exclude patterns", arg);
		o->excludes[so->nexcludes++] = arg;
		return 0;
	case OPT_MAX_SIZE:
		return parse_size(arg, &so->max_size) ? bad("not a size", arg)
						      : 0;
	case OPT_THREADS:
		return parse_uint(arg, 64, &so->threads)
		    ? bad("--threads takes 0 to 64", arg)
		    : 0;
	case OPT_CACHE:
		o->cache = arg;
		return 0;
	case OPT_NO_CACHE:
		o->no_cache = 1;
		return 0;
	case OPT_YTIMEOUT:
		return parse_uint(arg, 86400, &so->yara_timeout)
		    ? bad("not a number of seconds", arg)
		    : 0;
	case OPT_YMAX:
		return parse_size(arg, &so->yara_max_size) ||
			so->yara_max_size > ((uint64_t)1 << 32)
		    ? bad("not a size up to 4G", arg)
		    : 0;
	case OPT_BUDGET:
		return parse_size(arg, &so->work_budget) || so->work_budget == 0
		    ? bad("not a size above 0", arg)
		    : 0;
	case OPT_PROCS:
	case OPT_NO_PROCS:
		o->procs = c == OPT_PROCS;
		return 0;
	case OPT_WALK_ONLY:
		so->walk_only = 1;
		return 0;
	case OPT_QUARANTINE:
		o->quarantine = 1;
		return 0;
	case OPT_STORE:
		o->store = arg;
		return 0;
	case OPT_KILL:
	case OPT_KILL_HARDLINKED:
		o->kill = 1;
		o->kill_hardlinked |= c == OPT_KILL_HARDLINKED;
		return 0;
	case 'q':
		o->quiet = 1;
		return 0;
	case 'v':
		o->verbose = 1;
		return 0;
	}
	return -1;
}

static void
progress(const struct sweep_counters *c, double secs, void *arg)
{
	double mb = (double)c->bytes_read / 1e6;

	fprintf(stderr,
	    "\r%llu files, %llu dirs, %.0f MB read (%.0f MB/s), %llu "
	    "hits\033[K",
	    (unsigned long long)c->files_seen, (unsigned long long)c->dirs_seen,
	    mb, secs > 0 ? mb / secs : 0.0, (unsigned long long)c->hits);
	fflush(stderr);
}

static void
print_match(const struct sweep_match *m)
{
	printf("    matched ");
	if (m->ioc != NULL) {
		printf("%s ", ioc_type_name(m->ioc->type));
		out_text(stdout, m->ioc->value, 200, 0);
		if (m->ioc->source != NULL) {
			printf(" (");
			out_text(stdout, m->ioc->source, 100, 0);
			printf(")");
		}
	} else {
		printf("YARA rule ");
		out_text(stdout, m->rule, 200, 0);
		printf(" in ");
		out_text(stdout, m->ns, 200, 0);
	}
	putchar('\n');
}

static void
print_hit(const struct sweep_hit *h)
{
	size_t i;

	if (h->kind == SWEEP_HIT_CONNECTION) {
		printf("CONNECTION %s ", h->conn->proto ? h->conn->proto : "?");
		out_text(stdout, h->conn->remote_ip, 64, 0);
		printf(" port %u, pid %ld\n", h->conn->remote_port, h->pid);
	} else {
		if (h->kind == SWEEP_HIT_PROCESS)
			printf("PROCESS %ld ", h->pid);
		else
			printf("FILE ");
		out_text(stdout, h->path, SIZE_MAX, 0);
		printf("\n    size %llu, sha256 %s\n",
		    (unsigned long long)h->size,
		    h->sha256[0] ? h->sha256 : "(not read)");
	}
	for (i = 0; i < h->nm; i++)
		print_match(&h->m[i]);
}

static void
print_summary(const struct sweep_report *r)
{
	const struct sweep_counters *c = &r->c;
	size_t i;

	for (i = 0; i < r->nhits; i++)
		print_hit(&r->hits[i]);
	if (c->hits > r->nhits)
		printf("(%llu more hits not kept)\n",
		    (unsigned long long)(c->hits - r->nhits));
	for (i = 0; i < r->ninc; i++) {
		printf("NOT SCANNED ");
		out_text(stdout, r->inc[i].path, SIZE_MAX, 0);
		printf(": %s\n",
		    r->inc[i].why == SWEEP_INCOMPLETE_BUDGET
			? "budget exceeded"
			: "scanner failed");
	}
	printf("%llu hit%s; %llu files (%.1f MB) in %llu directories, "
	       "%llu read (%.1f MB), %llu from the cache, %.2f s\n",
	    (unsigned long long)c->hits, c->hits == 1 ? "" : "s",
	    (unsigned long long)c->files_seen, (double)c->bytes_seen / 1e6,
	    (unsigned long long)c->dirs_seen,
	    (unsigned long long)c->files_opened, (double)c->bytes_read / 1e6,
	    (unsigned long long)c->cache_hits, r->seconds);
	printf("skipped: %llu no permission, %llu vanished, %llu changed "
	       "while read, %llu too large, %llu special, %llu excluded, "
	       "%llu mount points; %llu symlinks not followed, %llu replaced "
	       "before open, %llu not YARA-scanned (size), %llu YARA "
	       "timeouts, %llu errors; %llu over the work budget, %llu "
	       "scanner failures\n",
	    (unsigned long long)c->skip_permission,
	    (unsigned long long)c->skip_vanished,
	    (unsigned long long)c->skip_changed,
	    (unsigned long long)c->skip_too_large,
	    (unsigned long long)c->skip_special,
	    (unsigned long long)c->skip_excluded,
	    (unsigned long long)c->skip_fs, (unsigned long long)c->symlinks,
	    (unsigned long long)c->replaced,
	    (unsigned long long)c->yara_skipped,
	    (unsigned long long)c->yara_timeouts, (unsigned long long)c->errors,
	    (unsigned long long)c->budget_exceeded,
	    (unsigned long long)c->scan_failed);
}

static int
write_json(const struct sweep_report *r, json_t *quar, const char *path)
{
	json_t *j = sweep_report_json(r);
	int rc;

	if (j == NULL)
		return -1;
	if (quar != NULL)
		json_object_set(j, "quarantine", quar);
	if (strcmp(path, "-") == 0) {
		rc = json_dumpf(j, stdout, JSON_INDENT(2)) == 0 ? 0 : -1;
		putchar('\n');
	} else {
		rc = json_dump_file(j, path, JSON_INDENT(2));
	}
	json_decref(j);
	if (rc != 0)
		fprintf(stderr, "rampart-agent sweep: cannot write %s\n", path);
	return rc;
}

/* Processes and connections of this machine against the rules. */
static void
check_live(const struct sweep_rules *rules, struct sweep_report *rep,
    struct rp_diags *d)
{
	struct inv_host *h = inv_host_new();
	unsigned live = 0;

	if (h == NULL)
		return;
	(void)collect_select("processes,connections", &live, NULL, NULL);
	if (collect_inventory("/", live, h, d) == RP_ERR_NOMEM ||
	    sweep_check_host(h, rules, rep, d) != 0)
		rp_diags_add(d, RP_DIAG_WARNING, NULL, NULL,
		    "processes and connections: out of memory");
	inv_host_free(h);
}

/* Why a hit is quarantined, for the store's record. */
static const char *
hit_reason(const struct sweep_hit *h, char *buf, size_t len)
{
	const struct sweep_match *m = h->nm > 0 ? &h->m[0] : NULL;

	if (m == NULL)
		snprintf(buf, len, "sweep hit");
	else if (m->ioc != NULL)
		snprintf(buf, len, "%s:%s%s%s%s", ioc_type_name(m->ioc->type),
		    m->ioc->value, m->ioc->source ? " (" : "",
		    m->ioc->source ? m->ioc->source : "",
		    m->ioc->source ? ")" : "");
	else
		snprintf(buf, len, "yara:%s/%s", m->ns ? m->ns : "",
		    m->rule ? m->rule : "");
	return buf;
}

/* One quarantine outcome for the JSON report; NULL on ENOMEM. */
static json_t *
quarantine_result(size_t i, const struct qentry *e, int r)
{
	json_t *o, *killed;
	size_t k;

	if ((o = json_object()) == NULL)
		return NULL;
	json_object_set_new(o, "hit", json_integer((json_int_t)i));
	json_object_set_new(o, "id", r == 0 ? json_string(e->id) : json_null());
	json_object_set_new(
	    o, "error", r == 0 ? json_null() : json_string(rp_strerror(r)));
	if ((killed = json_array()) != NULL)
		for (k = 0; r == 0 && k < e->nkilled; k++)
			json_array_append_new(
			    killed, json_integer((json_int_t)e->killed[k]));
	json_object_set_new(o, "killed", killed);
	if ((killed = json_array()) != NULL)
		for (k = 0; r == 0 && k < e->nspared; k++)
			json_array_append_new(
			    killed, json_integer((json_int_t)e->spared[k]));
	json_object_set_new(o, "not_killed_hardlinked", killed);
	return o;
}

/*
 * Moves every file hit into the quarantine store.  The store re-opens
 * each path itself and takes the file only if it is still the one the
 * sweep read (device, inode, SHA-256).  Returns the outcomes as a JSON
 * array (NULL on ENOMEM) and counts failures in *failed.
 */
static json_t *
quarantine_hits(const struct sopts *o, const struct sweep_report *rep,
    struct rp_diags *d, size_t *failed)
{
	const char *dir =
	    o->store ? o->store : getenv("RAMPART_QUARANTINE_DIR");
	struct qstore *q = NULL;
	struct qentry e;
	json_t *arr = json_array();
	char why[512];
	size_t i;
	int r;

	*failed = 0;
	if ((r = qstore_open(dir, &q, d)) != 0) {
		fprintf(stderr,
		    "rampart-agent sweep: quarantine store %s: %s\n",
		    dir ? dir : QUARANTINE_DEFAULT_DIR, rp_strerror(r));
		for (i = 0; i < rep->nhits; i++)
			*failed += rep->hits[i].kind == SWEEP_HIT_FILE;
		return arr;
	}
	for (i = 0; i < rep->nhits; i++) {
		const struct sweep_hit *h = &rep->hits[i];

		if (h->kind != SWEEP_HIT_FILE)
			continue;
		memset(&e, 0, sizeof(e));
		r = quarantine_file(q, h->path, (dev_t)h->dev, (ino_t)h->ino,
		    h->sha256[0] ? h->sha256 : NULL,
		    hit_reason(h, why, sizeof(why)),
		    (o->kill ? QUARANTINE_KILL : 0) |
			(o->kill_hardlinked ? QUARANTINE_KILL_HARDLINKED : 0),
		    &e, d);
		if (r != 0)
			(*failed)++;
		if (!o->quiet && !o->text_json) {
			printf(r == 0 ? "quarantined " : "NOT quarantined ");
			out_text(stdout, h->path, SIZE_MAX, 0);
			if (r == 0)
				printf(" as %s\n", e.id);
			else
				printf(": %s\n", rp_strerror(r));
		}
		if (arr != NULL)
			json_array_append_new(arr, quarantine_result(i, &e, r));
		qentry_clear(&e);
	}
	qstore_close(q);
	return arr;
}

static int
sweep_main(struct sopts *o, char **paths, size_t npaths)
{
	struct ioc_bundle *b = NULL;
	struct sweep_rules *rules = NULL;
	struct sweep_report *rep = NULL;
	struct rp_diags *d = rp_diags_new();
	char *defcache = NULL;
	json_t *quar = NULL;
	size_t qfailed = 0;
	int rc = EXIT_USAGE, r;

	if (d == NULL || (rep = sweep_report_new()) == NULL)
		goto out;
	if (o->rules != NULL)
		r = ioc_bundle_read_file(o->rules, &b, d);
	else if ((b = ioc_bundle_new()) == NULL)
		r = RP_ERR_NOMEM;
	else
		r = 0;
	if (r == 0)
		r = sweep_rules_new(b, &rules, d);
	if (r != 0) {
		out_diags(stderr, d, NULL, o->rules, 1);
		fprintf(stderr, "rampart-agent sweep: %s: %s\n",
		    o->rules ? o->rules : "rules", rp_strerror(r));
		goto out;
	}
	rp_diags_clear(d);
	o->so.paths = (const char *const *)paths;
	o->so.npaths = npaths;
	o->so.excludes = o->excludes;
	if (!o->no_cache)
		o->so.cache_path = o->cache
		    ? o->cache
		    : (defcache = sweep_default_cache_path());
	if (!o->quiet && isatty(STDERR_FILENO))
		o->so.progress = progress;
	if (sweep_run(&o->so, rules, rep, d) != 0) {
		fprintf(stderr, "rampart-agent sweep: out of memory\n");
		goto out;
	}
	if (o->so.progress != NULL)
		fprintf(stderr, "\r\033[K");
	if (o->procs == 1 ||
	    (o->procs == -1 && npaths == 0 && !o->so.walk_only))
		check_live(rules, rep, d);
	if (o->quarantine && rep->nhits > 0)
		quar = quarantine_hits(o, rep, d, &qfailed);
	out_diags(stderr, d, NULL, "sweep", o->verbose);
	if (!o->verbose && d->nwarnings > 0)
		fprintf(stderr,
		    "rampart-agent sweep: %zu warning%s (--verbose shows "
		    "them)\n",
		    d->nwarnings, d->nwarnings == 1 ? "" : "s");
	if (o->text_json)
		write_json(rep, quar, "-");
	else if (!o->quiet)
		print_summary(rep);
	if (o->json != NULL && write_json(rep, quar, o->json) != 0)
		goto out;
	if (qfailed > 0)
		fprintf(stderr,
		    "rampart-agent sweep: %zu file%s not quarantined\n",
		    qfailed, qfailed == 1 ? " was" : "s were");
	rc = rep->c.hits > 0 ? EXIT_FOUND : 0;
out:
	json_decref(quar);
	free(defcache);
	sweep_report_free(rep);
	sweep_rules_free(rules);
	ioc_bundle_free(b);
	rp_diags_free(d);
	return rc;
}

int
cmd_sweep(int argc, char **argv)
{
	struct sopts o;
	int c;

	memset(&o, 0, sizeof(o));
	o.procs = -1;
	optind = 1;
	opterr = 0;
	while (
	    (c = getopt_long(argc, argv, "r:j:xe:qvh", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == '?' || c == ':') {
			fprintf(stderr,
			    "rampart-agent sweep: unknown option or missing "
			    "argument: ");
			out_text(stderr, argv[optind - 1], 100, 0);
			fputs("\n\n", stderr);
			usage(stderr);
			return EXIT_USAGE;
		}
		if (parse_opt(c, optarg, &o) != 0)
			return EXIT_USAGE;
	}
	if (o.kill && !o.quarantine) {
		fprintf(stderr,
		    "rampart-agent sweep: --kill needs --quarantine\n\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.rules == NULL && !o.so.walk_only) {
		fprintf(stderr, "rampart-agent sweep: --rules is required\n\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	return sweep_main(&o, argv + optind, (size_t)(argc - optind));
}
