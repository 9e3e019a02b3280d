/*
 * rampart bundle: builds the rules bundle the agents sweep with from
 * advisories, indicator lists and YARA files (docs/bundle.md), checking
 * every YARA rule with libyara first; or, with --check, reads a bundle
 * and tells what is in it.  Nothing is written when any input has a
 * problem, so a half-built bundle never reaches the agents.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "advisory/advisory.h"
#include "ioc/ioc.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/out.h"
#include "util/str.h"

#include "bundle_yara.h"
#include "cmd.h"

#define FILES_MAX 4096

struct opts {
	const char *adv[FILES_MAX], *lists[FILES_MAX], *yara[FILES_MAX];
	size_t nadv, nlists, nyara;
	const char *output, *check;
	int verbose;
};

static void
usage(FILE *f)
{
	fputs("usage: rampart bundle [--advisory FILE...] [--indicators "
	      "FILE...]\n"
	      "                      [--yara FILE...] [-o FILE] [--verbose]\n"
	      "       rampart bundle --check FILE [--verbose]\n"
	      "\n"
	      "Builds the rules bundle the agents sweep with: one JSON file "
	      "holding\n"
	      "file hashes, file names, domains, IP addresses, URLs and YARA "
	      "rules\n"
	      "(docs/bundle.md).  Indicators come from advisories (CSAF 2.0, "
	      "OSV or\n"
	      "native; their IDs are recorded), from indicator lists (plain, "
	      "or CSV\n"
	      "in the Sophos, Volexity or Rampart layout) and from YARA "
	      "files.\n"
	      "Values are normalised and defanged input (hxxp, [.]) restored; "
	      "every\n"
	      "YARA rule is compiled with libyara first.  A summary goes to "
	      "stderr.\n"
	      "\n"
	      "  -a, --advisory FILE...    advisories; each option takes the "
	      "files after it\n"
	      "  -i, --indicators FILE...  indicator lists\n"
	      "  -y, --yara FILE...        YARA rule files\n"
	      "  -o, --output FILE         write the bundle there (default: "
	      "stdout)\n"
	      "  -c, --check FILE          read a bundle, check it (YARA "
	      "included) and\n"
	      "                            print what it holds\n"
	      "  -v, --verbose             also print warnings and notes\n"
	      "  -h, --help                this help\n"
	      "\n"
	      "Exit status: 0 bundle written (or valid), 1 a problem in the "
	      "input (a\n"
	      "YARA error, a list with nothing usable, no indicators at all, "
	      "an\n"
	      "invalid bundle), 2 bad usage or an input that could not be "
	      "read.\n"
	      "Nothing is written unless the status is 0.\n",
	    f);
}

static int
add_file(const char **v, size_t *n, const char *s)
{
	if (*n >= FILES_MAX) {
		fprintf(
		    stderr, "rampart bundle: more than %d files\n", FILES_MAX);
		return -1;
	}
	v[(*n)++] = s;
	return 0;
}

/*
 * The value of option sh/lg when a is it (-o V, --output V, --output=V):
 * returns 1 and sets *val, 0 when a is another option, -1 when the value
 * is missing (reported).
 */
static int
opt_value(int argc, char **argv, int *i, const char *sh, const char *lg,
    const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(lg);

	if (strncmp(a, lg, n) == 0 && a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (strcmp(a, sh) != 0 && strcmp(a, lg) != 0)
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "rampart bundle: %s needs a file\n", a);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

static int
parse_list_opt(struct opts *o, const char *a, const char ***list, size_t **n)
{
	static const struct {
		const char *s, *l;
		size_t off, noff;
	} m[] = {{"-a", "--advisory", offsetof(struct opts, adv),
		     offsetof(struct opts, nadv)},
	    {"-i", "--indicators", offsetof(struct opts, lists),
		offsetof(struct opts, nlists)},
	    {"-y", "--yara", offsetof(struct opts, yara),
		offsetof(struct opts, nyara)}};
	size_t k, ll;

	for (k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
		ll = strlen(m[k].l);
		*list = (const char **)((char *)o + m[k].off);
		*n = (size_t *)((char *)o + m[k].noff);
		if (strcmp(a, m[k].s) == 0 || strcmp(a, m[k].l) == 0)
			return 1;
		if (strncmp(a, m[k].l, ll) == 0 && a[ll] == '=')
			return add_file(*list, *n, a + ll + 1) == 0 ? 2 : -1;
	}
	return 0;
}

/* Returns 0, 1 for --help, or -1 on bad usage (already reported). */
static int
parse(int argc, char **argv, struct opts *o)
{
	const char **list = NULL, **l;
	size_t *nlist = NULL, *n;
	const char *a;
	int i, k;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return 1;
		if ((k = parse_list_opt(o, a, &l, &n)) < 0)
			return -1;
		if (k > 0) {
			list = k == 1 ? l : NULL;
			nlist = n;
		} else if (strcmp(a, "-v") == 0 ||
		    strcmp(a, "--verbose") == 0) {
			o->verbose = 1;
			list = NULL;
		} else if ((k = opt_value(argc, argv, &i, "-o", "--output",
				&o->output)) != 0 ||
		    (k = opt_value(
			 argc, argv, &i, "-c", "--check", &o->check)) != 0) {
			if (k < 0)
				return -1;
			list = NULL;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(
			    stderr, "rampart bundle: unknown option %s\n", a);
			return -1;
		} else if (list == NULL) {
			fprintf(stderr,
			    "rampart bundle: %s: say whether it is an "
			    "--advisory, --indicators or --yara file\n",
			    a);
			return -1;
		} else if (add_file(list, nlist, a) != 0)
			return -1;
	}
	if (o->check != NULL && o->nadv + o->nlists + o->nyara > 0) {
		fprintf(stderr,
		    "rampart bundle: --check reads a bundle; it takes no "
		    "other inputs\n");
		return -1;
	}
	if (o->check == NULL && o->nadv + o->nlists + o->nyara == 0) {
		fprintf(stderr,
		    "rampart bundle: need an --advisory, --indicators or "
		    "--yara file\n");
		return -1;
	}
	return 0;
}

/* Prints diagnostics of one input: errors always, the rest if verbose. */
static void
print_diags(const struct rp_diags *d, const char *file, int verbose)
{
	out_diags(stderr, d, NULL, file, verbose);
	if (!verbose && d->nwarnings > 0)
		fprintf(stderr, "%s: %zu warning%s (--verbose shows them)\n",
		    file, d->nwarnings, d->nwarnings == 1 ? "" : "s");
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* Reads a YARA file whole (bounded); NULL after reporting a problem. */
static char *
read_text(const char *path)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc((size_t)IOC_YARA_TEXT_MAX + 2)) == NULL ||
	    (n = fread(buf, 1, (size_t)IOC_YARA_TEXT_MAX + 1, f)) == 0 ||
	    ferror(f) || n > IOC_YARA_TEXT_MAX ||
	    memchr(buf, '\0', n) != NULL) {
		fprintf(stderr, "%s: %s\n", path,
		    buf == NULL	    ? "out of memory"
			: ferror(f) ? "cannot read"
			: n == 0    ? "empty file"
			: n > IOC_YARA_TEXT_MAX
			? "larger than 16 MiB"
			: "holds a NUL byte; not YARA text");
		free(buf);
		buf = NULL;
	} else
		buf[n] = '\0';
	fclose(f);
	return buf;
}

struct yctx {
	const char *path;
	int verbose;
};

/* libyara's verdict on an advisory's YARA indicator i (errors printed). */
static int
adv_yara_ok(void *arg, size_t i, const char *text)
{
	const struct yctx *y = arg;
	char label[512];

	snprintf(
	    label, sizeof(label), "%s: YARA indicator %zu", y->path, i + 1);
	return bundle_yara_check(stderr, label, text, y->verbose) < 0 ? -1 : 0;
}

/* Returns 0, EXIT_PROBLEM or EXIT_USAGE. */
static int
load_advisory(struct ioc_bundle *b, const char *path, int verbose)
{
	struct rp_diags *d = rp_diags_new();
	struct advisory *a = NULL;
	struct yctx y = {path, verbose};
	int r, rc = EXIT_USAGE;

	if (d == NULL)
		return EXIT_USAGE;
	if (advisory_read_file(path, ADV_FORMAT_AUTO, &a, d) != 0)
		goto out;
	r = ioc_bundle_add_advisory_doc(b, a, adv_yara_ok, &y, d);
	rc = r == 0 ? 0 : EXIT_PROBLEM;
out:
	print_diags(d, path, verbose);
	advisory_free(a);
	rp_diags_free(d);
	return rc;
}

static int
load_list(struct ioc_bundle *b, const char *path, int verbose)
{
	struct rp_diags *d = rp_diags_new();
	int r;

	if (d == NULL)
		return EXIT_USAGE;
	r = ioc_list_read_file(path, b, d);
	print_diags(d, path, verbose);
	rp_diags_free(d);
	if (r == RP_ERR_IO || r == RP_ERR_NOTFOUND || r == RP_ERR_NOMEM)
		return EXIT_USAGE;
	return r == 0 ? 0 : EXIT_PROBLEM;
}

static int
load_yara(struct ioc_bundle *b, const char *path, int verbose)
{
	struct rp_diags *d;
	char *text;
	int r = EXIT_USAGE;

	if ((text = read_text(path)) == NULL)
		return EXIT_USAGE;
	if ((d = rp_diags_new()) == NULL)
		goto out;
	r = EXIT_PROBLEM;
	if (bundle_yara_check(stderr, path, text, verbose) < 0)
		goto out;
	if (ioc_bundle_add_yara(b, base_name(path), text, base_name(path), d) !=
	    0)
		goto out;
	r = 0;
out:
	if (d != NULL)
		print_diags(d, path, verbose);
	rp_diags_free(d);
	free(text);
	return r;
}

/* How many of b's indicators the bundle file carries (no networks). */
static size_t
bundled(const struct ioc_bundle *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->niocs; i++)
		n += b->iocs[i].type != IOC_CIDR;
	return n;
}

/* What a bundle holds; YARA rules counted by compiling (-1: errors). */
static void
summary(FILE *f, const struct ioc_bundle *b, long nrules)
{
	size_t n[IOC_TYPE_COUNT] = {0}, i, nioc;

	for (i = 0; i < b->niocs; i++)
		n[b->iocs[i].type]++;
	/* the bundle file leaves networks out (ioc_bundle_write) */
	nioc = bundled(b);
	fprintf(f, "bundle: %zu advisor%s, %zu indicator%s, %zu YARA source%s",
	    b->nadvisories, b->nadvisories == 1 ? "y" : "ies", nioc,
	    nioc == 1 ? "" : "s", b->nyara, b->nyara == 1 ? "" : "s");
	if (nrules >= 0)
		fprintf(f, " (%ld rule%s)", nrules, nrules == 1 ? "" : "s");
	fputc('\n', f);
	for (i = 0; i < IOC_TYPE_COUNT; i++)
		if (i != IOC_CIDR)
			fprintf(f, "  %-9s %zu\n",
			    ioc_type_name((enum ioc_type)i), n[i]);
	if (n[IOC_CIDR] > 0)
		fprintf(f,
		    "  %zu network%s left out: a bundle carries addresses, "
		    "not networks\n",
		    n[IOC_CIDR], n[IOC_CIDR] == 1 ? "" : "s");
}

static int
write_bundle(struct ioc_bundle *b, const char *path)
{
	char created[32], *tmp = NULL;
	time_t now = time(NULL);
	struct tm tm;
	json_t *root = NULL;
	int rc = EXIT_USAGE, flags = JSON_INDENT(1) | JSON_PRESERVE_ORDER;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm) ==
		0 ||
	    ioc_bundle_set_created(b, created) != 0 ||
	    (root = ioc_bundle_write(b)) == NULL) {
		fprintf(stderr, "rampart bundle: out of memory\n");
		goto out;
	}
	if (path == NULL || strcmp(path, "-") == 0) {
		if (json_dumpf(root, stdout, flags) != 0 ||
		    fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
			fprintf(stderr, "rampart bundle: cannot write: %s\n",
			    strerror(errno));
			goto out;
		}
		rc = 0;
		goto out;
	}
	/* a new file beside the old one, then rename: never half a bundle */
	if ((tmp = rp_asprintf("%s.tmp%ld", path, (long)getpid())) == NULL ||
	    json_dump_file(root, tmp, flags) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "rampart bundle: cannot write %s: %s\n", path,
		    strerror(errno));
		if (tmp != NULL)
			unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	json_decref(root);
	return rc;
}

/* --check: 0 valid, 1 invalid, 2 unreadable. */
static int
check_bundle(const struct opts *o)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = NULL;
	char label[64];
	long nrules = 0;
	size_t i;
	int r, n, rc = EXIT_USAGE;

	if (d == NULL)
		return EXIT_USAGE;
	r = ioc_bundle_read_file(o->check, &b, d);
	print_diags(d, o->check, o->verbose);
	if (r == RP_ERR_IO || r == RP_ERR_NOTFOUND || r == RP_ERR_NOMEM)
		goto out;
	rc = EXIT_PROBLEM;
	if (r != 0) {
		fprintf(stderr, "%s: not a valid bundle (%s)\n", o->check,
		    rp_strerror(r));
		goto out;
	}
	for (i = 0; i < b->nyara; i++) {
		snprintf(label, sizeof(label), "/yara/%zu", i);
		if ((n = bundle_yara_check(
			 stderr, label, b->yara[i].text, o->verbose)) < 0)
			nrules = -1;
		else if (nrules >= 0)
			nrules += n;
	}
	fputs("format: rampart_bundle 1\ncreated: ", stdout);
	out_text(stdout, b->created, 64, 0);
	fputs("\nadvisories:", stdout);
	for (i = 0; i < b->nadvisories; i++) {
		fputc(' ', stdout);
		out_text(stdout, b->advisories[i], 256, 0);
	}
	fputc('\n', stdout);
	summary(stdout, b, nrules);
	for (i = 0; i < b->nyara; i++) {
		fputs("  yara      ", stdout);
		out_text(stdout, b->yara[i].name, 80, 0);
		fputc('\n', stdout);
	}
	rc = nrules < 0 ? EXIT_PROBLEM : 0;
out:
	ioc_bundle_free(b);
	rp_diags_free(d);
	return rc;
}

static int
build(const struct opts *o)
{
	struct ioc_bundle *b;
	long nrules = 0;
	size_t i;
	int r, rc = 0, n;

	if ((b = ioc_bundle_new()) == NULL)
		return EXIT_USAGE;
	for (i = 0; i < o->nadv && rc != EXIT_USAGE; i++)
		if ((r = load_advisory(b, o->adv[i], o->verbose)) > rc)
			rc = r;
	for (i = 0; i < o->nlists && rc != EXIT_USAGE; i++)
		if ((r = load_list(b, o->lists[i], o->verbose)) > rc)
			rc = r;
	for (i = 0; i < o->nyara && rc != EXIT_USAGE; i++)
		if ((r = load_yara(b, o->yara[i], o->verbose)) > rc)
			rc = r;
	if (rc == 0 && bundled(b) == 0 && b->nyara == 0) {
		fprintf(stderr,
		    "rampart bundle: nothing usable: no "
		    "indicators and no YARA rules\n");
		rc = EXIT_PROBLEM;
	}
	for (i = 0; i < b->nyara && rc == 0; i++) {
		/* already checked when added; counted here for the summary */
		if ((n = bundle_yara_check(
			 stderr, b->yara[i].name, b->yara[i].text, 0)) < 0)
			rc = EXIT_PROBLEM;
		nrules += n;
	}
	if (rc == 0)
		rc = write_bundle(b, o->output);
	summary(stderr, b, rc == 0 ? nrules : -1);
	if (rc != 0)
		fprintf(stderr, "rampart bundle: no bundle written\n");
	ioc_bundle_free(b);
	return rc;
}

int
cmd_bundle(int argc, char **argv)
{
	struct opts *o;
	int r;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return EXIT_USAGE;
	if ((r = parse(argc, argv, o)) != 0) {
		usage(r > 0 ? stdout : stderr);
		free(o);
		return r > 0 ? 0 : EXIT_USAGE;
	}
	if (bundle_yara_init() != 0) {
		fprintf(stderr, "rampart bundle: cannot initialise libyara\n");
		free(o);
		return EXIT_USAGE;
	}
	r = o->check != NULL ? check_bundle(o) : build(o);
	bundle_yara_done();
	free(o);
	return r;
}
