/*
 * rampart blocklist render: indicator files (Rampart bundles, MISP
 * events, STIX 2.1 bundles, CSV and plain lists) in, one blocklist file
 * out in any format of src/lib/blocklist, offline.  Indicators MISP marks
 * for information only (to_ids false) and file names are not blocked;
 * what the format cannot express, what has expired and what is over the
 * device's capacity is counted on stderr, never dropped silently.
 * Every domain, address and URL first passes the allowlist guard
 * (src/lib/allow, docs/internals/blocklist-guard.md): the built-in list
 * and public suffixes always, plus --allow-domain and --allowlist.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "allow/allow.h"
#include "blocklist/blocklist.h"
#include "ioc/ioc.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/out.h"
#include "util/rfc3339.h"
#include "util/str.h"

#include "cmd.h"

#define FILES_MAX 4096
/* Largest JSON indicator file read (MISP exports can be large). */
#define JSON_MAX (512L * 1024 * 1024)
#define TEXT_MAX 256
/* Most --allow-domain and --allowlist options. */
#define ALLOW_OPTS_MAX 1024

struct opts {
	const char *files[FILES_MAX];
	size_t nfiles;
	const char *format, *output, *sinkhole4, *sinkhole6, *now;
	const char *allow_domains[ALLOW_OPTS_MAX], *allowlists[ALLOW_OPTS_MAX];
	size_t nallow_domains, nallowlists;
	long long limit; /* -1: the format's default */
	int report_trimmed, report_refused, verbose;
};

/* What happened to the indicators read. */
struct counts {
	size_t read, inform, unblockable, refused, guarded, url_only;
};

/* What every indicator passes on its way into the blocklist. */
struct sink {
	struct blocklist *bl;
	const struct allow *guard;
	int report_refused;
	struct counts c;
};

static void
usage(FILE *f)
{
	enum blocklist_format fmt;
	size_t col = 0;

	fputs("usage: rampart blocklist render --format FORMAT --indicators "
	      "FILE...\n"
	      "                [--output PATH] [--limit N] [--sinkhole4 A] "
	      "[--sinkhole6 A]\n"
	      "                [--allow-domain NAME]... [--allowlist "
	      "FILE]...\n"
	      "                [--now RFC3339] [--report-trimmed] "
	      "[--report-refused]\n"
	      "                [--verbose]\n"
	      "\n"
	      "Renders indicators as a blocklist file the target loads as "
	      "it is\n"
	      "(docs/blocklists.md).  Indicator files: Rampart bundles, MISP "
	      "events,\n"
	      "STIX 2.1 bundles, CSV (Sophos, Volexity, Rampart layouts) and "
	      "plain\n"
	      "lists.  MISP attributes with to_ids false and file names are "
	      "not\n"
	      "blocked.  A URL is written only as a rule for that exact URL "
	      "(Squid\n"
	      "url_regex, Suricata, PAN URL list, CSV/JSON/STIX), never as a "
	      "block of\n"
	      "its host.  The output is sorted: the same indicators give the "
	      "same bytes.\n"
	      "\n"
	      "Every domain, address and URL first passes the allowlist "
	      "guard\n"
	      "(docs/blocklists-allowlist.md): a public suffix (co.uk), a "
	      "name on the\n"
	      "built-in list of business-critical domains (github.com, "
	      "raw.\n"
	      "githubusercontent.com...) or on an allowlist below, a name "
	      "above or\n"
	      "below one, a reserved or wider than /8 (IPv4), /16 (IPv6) "
	      "network is\n"
	      "refused; a URL on such a host is kept only as that exact "
	      "URL.\n"
	      "\n"
	      "  -f, --format FORMAT       one of the formats below\n"
	      "  -i, --indicators FILE...  indicator files (each option takes "
	      "the files\n"
	      "                            after it)\n"
	      "  -o, --output PATH         write there, replacing it "
	      "atomically\n"
	      "                            (default: stdout)\n"
	      "  -l, --limit N             most entries written; the lowest "
	      "ranked\n"
	      "                            (confidence, last seen, sightings) "
	      "are left\n"
	      "                            out; default: the format's device "
	      "limit\n"
	      "                            below, 0: no limit\n"
	      "      --sinkhole4 A         answer blocked names with this IPv4 "
	      "address\n"
	      "      --sinkhole6 A         ... and this IPv6 address (Unbound, "
	      "dnsmasq,\n"
	      "                            hosts); default: NXDOMAIN\n"
	      "      --now RFC3339         the time expiry is judged at "
	      "(default: now);\n"
	      "                            also the RPZ serial\n"
	      "      --allow-domain NAME   never block NAME or a name below or "
	      "above it\n"
	      "                            (repeatable; not a public "
	      "suffix)\n"
	      "      --allowlist FILE      never block what this MISP "
	      "warninglist (JSON)\n"
	      "                            lists (repeatable)\n"
	      "      --report-trimmed      print each entry left out over the "
	      "limit\n"
	      "      --report-refused      print each indicator the guard "
	      "refused, with\n"
	      "                            its reason\n"
	      "  -v, --verbose             also print the readers' warnings\n"
	      "  -h, --help                this help\n"
	      "\n"
	      "formats (device limit):\n",
	    f);
	for (fmt = BLOCKLIST_NFT; fmt < BLOCKLIST_FORMAT_END; fmt++) {
		char item[64];
		size_t lim = blocklist_format_default_limit(fmt);
		if (lim > 0)
			snprintf(item, sizeof(item), "%s (%zu)",
			    blocklist_format_name(fmt), lim);
		else
			snprintf(item, sizeof(item), "%s",
			    blocklist_format_name(fmt));
		if (++col == 3) {
			fprintf(f, "%s\n", item);
			col = 0;
		} else
			fprintf(f, "%s%-27s", col == 1 ? "  " : "", item);
	}
	fputs(col ? "\n\n" : "\n", f);
	fputs("A summary goes to stderr: entries written, skipped (the "
	      "format cannot\n"
	      "express them), expired, trimmed (over the limit), not blocked "
	      "and\n"
	      "refused (not valid, or by the allowlist guard), URLs kept as "
	      "exact\n"
	      "URLs only.  Exit status: 0 written, 1 no "
	      "usable\n"
	      "indicator or an input with nothing usable, 2 bad usage or an "
	      "input or\n"
	      "output that could not be read or written.  Nothing is written "
	      "unless\n"
	      "the status is 0.\n",
	    f);
}

static int
parse_num(const char *s, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		return -1;
	*out = v;
	return 0;
}

/* The value of -s/--long (also --long=V); 1 taken, 0 not this, -1 bad. */
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
	if ((sh == NULL || strcmp(a, sh) != 0) && strcmp(a, lg) != 0)
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "rampart blocklist: %s needs a value\n", a);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

/* Appends v to a repeatable option's list; 0 or -1 (too many). */
static int
push(const char **arr, size_t *n, const char *v)
{
	if (*n >= ALLOW_OPTS_MAX) {
		fprintf(stderr,
		    "rampart blocklist: at most %d --allow-domain and %d "
		    "--allowlist\n",
		    ALLOW_OPTS_MAX, ALLOW_OPTS_MAX);
		return -1;
	}
	arr[(*n)++] = v;
	return 0;
}

/* --allow-domain and --allowlist: 0 taken, -1 bad, 1 not one of them. */
static int
opt_list(int argc, char **argv, int *i, struct opts *o)
{
	const char *v = NULL;
	int r;

	if ((r = opt_value(argc, argv, i, NULL, "--allow-domain", &v)) != 0)
		return r < 0 ? -1
			     : push(o->allow_domains, &o->nallow_domains, v);
	if ((r = opt_value(argc, argv, i, NULL, "--allowlist", &v)) != 0)
		return r < 0 ? -1 : push(o->allowlists, &o->nallowlists, v);
	return 1;
}

static int
parse_one(int argc, char **argv, int *i, struct opts *o)
{
	static const struct {
		const char *s, *l;
		size_t off;
	} m[] = {{"-f", "--format", offsetof(struct opts, format)},
	    {"-o", "--output", offsetof(struct opts, output)},
	    {NULL, "--sinkhole4", offsetof(struct opts, sinkhole4)},
	    {NULL, "--sinkhole6", offsetof(struct opts, sinkhole6)},
	    {NULL, "--now", offsetof(struct opts, now)}};
	const char *v = NULL;
	size_t k;
	int r;

	for (k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
		if ((r = opt_value(argc, argv, i, m[k].s, m[k].l, &v)) != 0) {
			if (r > 0)
				*(const char **)((char *)o + m[k].off) = v;
			return r > 0 ? 0 : -1;
		}
	}
	if ((r = opt_list(argc, argv, i, o)) <= 0)
		return r;
	if ((r = opt_value(argc, argv, i, "-l", "--limit", &v)) != 0) {
		if (r < 0 || parse_num(v, &o->limit) != 0) {
			fprintf(stderr,
			    "rampart blocklist: --limit wants a number "
			    ">= 0\n");
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "rampart blocklist: unknown option %s\n", argv[*i]);
	return -1;
}

static int
parse(int argc, char **argv, struct opts *o)
{
	int i, files = 0;

	o->limit = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-i") == 0 || strcmp(a, "--indicators") == 0) {
			files = 1;
			continue;
		}
		if (strcmp(a, "--report-trimmed") == 0)
			o->report_trimmed = 1;
		else if (strcmp(a, "--report-refused") == 0)
			o->report_refused = 1;
		else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
			o->verbose = 1;
		else if (a[0] == '-' && a[1] != '\0') {
			files = 0;
			if (parse_one(argc, argv, &i, o) != 0)
				return -1;
		} else if (files && o->nfiles < FILES_MAX)
			o->files[o->nfiles++] = a;
		else {
			fprintf(
			    stderr, "rampart blocklist: unexpected %s\n", a);
			return -1;
		}
	}
	if (o->format == NULL || o->nfiles == 0) {
		fprintf(stderr,
		    "rampart blocklist render: --format and "
		    "--indicators are required\n");
		return -1;
	}
	return 0;
}

/*
 * A comment or source as the blocklist takes it: control characters,
 * quotes and backslashes become spaces and it is cut to TEXT_MAX bytes
 * at a character boundary; NULL when empty.
 */
static const char *
clean_text(const char *s, char *buf, size_t buflen)
{
	size_t i, n = 0;

	if (s == NULL)
		return NULL;
	for (i = 0; s[i] != '\0' && n + 1 < buflen && n < TEXT_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[n++] = (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
		    ? ' '
		    : (char)c;
	}
	/* do not end inside a UTF-8 sequence */
	if (s[i] != '\0')
		while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
			n--;
	if (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0xc0)
		n--;
	buf[n] = '\0';
	return n > 0 ? buf : NULL;
}

static const char *const kind_names[] = {
    "", "domain", "address", "url", "sha256", "sha1", "md5"};

/*
 * The guard's verdict on e (hashes are not checked: they block no
 * traffic).  A URL without a scheme, as threat reports write them, is
 * judged as http:// (the blocklist writes it for both schemes; only its
 * host matters here).  Returns 0 or RP_ERR_INVALID / RP_ERR_NOMEM.
 */
static int
guard_check(const struct allow *g, const struct blocklist_entry *e,
    struct allow_verdict *v)
{
	char url[8192];
	enum allow_kind k = e->kind == BLOCKLIST_DOMAIN ? ALLOW_DOMAIN
	    : e->kind == BLOCKLIST_ADDR			? ALLOW_ADDR
							: ALLOW_URL;
	int r = allow_check(g, k, e->value, v);

	if (r != RP_ERR_INVALID || k != ALLOW_URL ||
	    strstr(e->value, "://") != NULL)
		return r;
	if ((size_t)snprintf(url, sizeof(url), "http://%s", e->value) >=
	    sizeof(url))
		return RP_ERR_INVALID;
	return allow_check(g, k, url, v);
}

/* Counts (and with --report-refused prints) a refusal by the guard. */
static void
guard_refused(struct sink *k, const struct blocklist_entry *e, const char *file,
    const struct allow_verdict *v)
{
	char why[512];

	k->c.guarded++;
	if (!k->report_refused)
		return;
	fprintf(stderr, "%s: refused: %s %s: %s: %s\n", file,
	    kind_names[e->kind], e->value, allow_reason_name(v->reason),
	    allow_reason_text(v, why, sizeof(why)));
}

/*
 * THE PLACE WHERE INDICATORS ENTER THE BLOCKLIST: every indicator of
 * every input passes the allowlist guard here, then
 * blocklist_add_entry().  A URL on a protected host goes in only as an
 * exact URL rule (BLOCKLIST_URL is never widened to its host); a
 * domain or address the guard refuses is left out in every form.
 */
static int
block_add(struct sink *k, const struct blocklist_entry *e, const char *file)
{
	struct blocklist_entry x = *e;
	struct allow_verdict v;
	const char *why = NULL;
	int r;

	if (x.kind == BLOCKLIST_DOMAIN || x.kind == BLOCKLIST_ADDR ||
	    x.kind == BLOCKLIST_URL) {
		r = guard_check(k->guard, &x, &v);
		if (r == RP_ERR_NOMEM)
			return r;
		if (r != 0) {
			k->c.refused++;
			fprintf(stderr,
			    "%s: %s refused: not a %s the allowlist guard "
			    "can check\n",
			    file, e->value, kind_names[e->kind]);
			return 0;
		}
		/* URL_ONLY is a URL verdict; for a name or address it
		 * would mean a block of a protected host: refused */
		if (v.result == ALLOW_REFUSED ||
		    (v.result == ALLOW_URL_ONLY && x.kind != BLOCKLIST_URL)) {
			guard_refused(k, e, file, &v);
			return 0;
		}
		if (v.result == ALLOW_URL_ONLY)
			k->c.url_only++;
	}
	if ((r = blocklist_add_entry(k->bl, &x, &why)) == 0)
		return 0;
	if (r == RP_ERR_INVALID && (x.comment != NULL || x.source != NULL)) {
		/* the value is fine but the text around it is not */
		x.comment = x.source = NULL;
		if ((r = blocklist_add_entry(k->bl, &x, &why)) == 0)
			return 0;
	}
	if (r != RP_ERR_INVALID)
		return r;
	k->c.refused++;
	fprintf(stderr, "%s: %s refused: %s\n", file, e->value,
	    why != NULL ? why : rp_strerror(r));
	return 0;
}

static int
add_bundle(struct sink *k, const struct ioc_bundle *b, const char *file)
{
	static const enum blocklist_kind kinds[IOC_TYPE_COUNT] = {
	    [IOC_SHA256] = BLOCKLIST_SHA256,
	    [IOC_SHA1] = BLOCKLIST_SHA1,
	    [IOC_MD5] = BLOCKLIST_MD5,
	    [IOC_FILENAME] = 0,
	    [IOC_DOMAIN] = BLOCKLIST_DOMAIN,
	    [IOC_IP] = BLOCKLIST_ADDR,
	    [IOC_URL] = BLOCKLIST_URL};
	char cbuf[TEXT_MAX + 1], sbuf[TEXT_MAX + 1], net[64];
	const char *why;
	size_t i;
	int r;

	for (i = 0; i < b->niocs; i++) {
		const struct ioc *x = &b->iocs[i];
		struct blocklist_entry e;
		k->c.read++;
		if (x->mode == IOC_MODE_INFORM) {
			k->c.inform++;
			continue;
		}
		if (x->type >= IOC_TYPE_COUNT || kinds[x->type] == 0) {
			k->c.unblockable++;
			continue;
		}
		memset(&e, 0, sizeof(e));
		e.kind = kinds[x->type];
		e.value = x->value;
		/* a plain list's "185.100.87.0/24" reads as a URL without a
		 * scheme (host and path): it is the network, blocked (and
		 * guarded) as an address entry */
		if (x->type == IOC_URL && strstr(x->value, "://") == NULL &&
		    ioc_value_normalize(
			"cidr", x->value, net, sizeof(net), &why) == 0) {
			e.kind = BLOCKLIST_ADDR;
			e.value = net;
		}
		e.comment = clean_text(x->comment, cbuf, sizeof(cbuf));
		e.source = clean_text(x->source, sbuf, sizeof(sbuf));
		if ((r = block_add(k, &e, file)) != 0)
			return r;
	}
	return 0;
}

/* Whether the file starts (after white space) with { or [. */
static int
looks_json(const char *path)
{
	char buf[512];
	size_t n, i;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	i = n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	for (; i < n; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' &&
		    buf[i] != '\n')
			return buf[i] == '{' || buf[i] == '[';
	return 0;
}

/* Reads a JSON file as a STIX bundle, a MISP event or a Rampart bundle. */
static int
read_json(const char *path, struct ioc_bundle **out, struct rp_diags *d)
{
	const char *base = strrchr(path, '/');
	struct ioc_bundle *b = NULL;
	json_error_t jerr;
	struct stat st;
	json_t *root, *type;
	int r;

	base = base != NULL ? base + 1 : path;
	if (stat(path, &st) != 0)
		return errno == ENOENT ? RP_ERR_NOTFOUND : RP_ERR_IO;
	if (st.st_size > JSON_MAX)
		return RP_ERR_LIMIT;
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		rp_diags_add_at(d, RP_DIAG_ERROR, jerr.line, jerr.column,
		    "not valid JSON: %s", jerr.text);
		return RP_ERR_INVALID;
	}
	type = json_object_get(root, "type");
	if (json_is_string(type) &&
	    strcmp(json_string_value(type), "bundle") == 0) {
		r = RP_ERR_NOMEM;
		if ((b = ioc_bundle_new()) != NULL)
			r = ioc_stix_read_json(root, base, b, NULL, d);
	} else if (json_object_get(root, "Event") != NULL ||
	    json_object_get(root, "Attribute") != NULL) {
		r = RP_ERR_NOMEM;
		if ((b = ioc_bundle_new()) != NULL)
			r = ioc_misp_read_json(root, base, b, NULL, d);
	} else
		r = ioc_bundle_read_json(root, &b, d);
	json_decref(root);
	if (r != 0 && (b == NULL || b->niocs == 0)) {
		ioc_bundle_free(b);
		return r;
	}
	*out = b;
	return 0;
}

/* Returns 0, EXIT_PROBLEM or EXIT_USAGE. */
static int
load(struct sink *k, const char *path, int verbose)
{
	struct rp_diags *d = rp_diags_new();
	struct ioc_bundle *b = NULL;
	int r, j = looks_json(path);

	if (d == NULL)
		return EXIT_USAGE;
	if (j > 0)
		r = read_json(path, &b, d);
	else if (j == 0 && (b = ioc_bundle_new()) == NULL)
		r = RP_ERR_NOMEM;
	else if (j == 0)
		r = ioc_list_read_file(path, b, d);
	else
		r = errno == ENOENT ? RP_ERR_NOTFOUND : RP_ERR_IO;
	out_diags(stderr, d, NULL, path, verbose);
	rp_diags_free(d);
	if (r == 0 && b != NULL)
		r = add_bundle(k, b, path);
	ioc_bundle_free(b);
	if (r == 0)
		return 0;
	fprintf(stderr, "%s: %s\n", path, rp_strerror(r));
	return r == RP_ERR_INVALID || r == RP_ERR_UNSUPPORTED ? EXIT_PROBLEM
							      : EXIT_USAGE;
}

static void
print_trimmed(void *arg, const struct blocklist_entry *e)
{
	fprintf((FILE *)arg, "trimmed: %s %s (confidence %d, sightings %u)\n",
	    kind_names[e->kind], e->value, e->confidence, e->sightings);
}

/* Writes the file beside path and renames it over path. */
static int
write_out(const char *path, const char *s, size_t len)
{
	char tmp[4096];
	int fd, ok;
	size_t off = 0;

	if (path == NULL)
		return fwrite(s, 1, len, stdout) == len && fflush(stdout) == 0
		    ? 0
		    : -1;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path,
		(long)getpid()) >= sizeof(tmp))
		return -1;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, s + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	ok = off == len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
opts_render(
    const struct opts *o, enum blocklist_format fmt, struct blocklist_opts *bo)
{
	struct rp_time t;

	memset(bo, 0, sizeof(*bo));
	bo->sinkhole4 = o->sinkhole4;
	bo->sinkhole6 = o->sinkhole6;
	bo->max_entries = o->limit < 0 ? blocklist_format_default_limit(fmt)
				       : (size_t)o->limit;
	if (o->now != NULL) {
		if (rp_rfc3339_parse(o->now, &t, NULL) != 0) {
			fprintf(stderr,
			    "rampart blocklist: --now wants an RFC 3339 "
			    "time (2023-03-30T12:00:00Z)\n");
			return -1;
		}
		bo->now = t.sec;
	} else
		bo->now = (int64_t)time(NULL);
	bo->rpz_serial = (uint32_t)bo->now;
	if (o->report_trimmed) {
		bo->on_trimmed = print_trimmed;
		bo->on_trimmed_arg = stderr;
	}
	return 0;
}

/*
 * The guard for this render: the built-in list (public suffixes are
 * always refused by allow_check), --allow-domain names and --allowlist
 * warninglists.  Returns NULL after saying why on stderr.
 */
static struct allow *
guard_new(const struct opts *o)
{
	struct allow *g = allow_new();
	size_t i;
	int r;

	if (g == NULL || allow_add_builtin(g) != 0) {
		fprintf(stderr, "rampart blocklist: out of memory\n");
		allow_free(g);
		return NULL;
	}
	for (i = 0; i < o->nallow_domains; i++)
		if ((r = allow_add_domain(g, o->allow_domains[i],
			 "--allow-domain", NULL)) != 0) {
			fprintf(stderr,
			    "rampart blocklist: --allow-domain %s: %s\n",
			    o->allow_domains[i],
			    r == RP_ERR_INVALID ? "not a host name, or a "
						  "public suffix"
						: rp_strerror(r));
			allow_free(g);
			return NULL;
		}
	for (i = 0; i < o->nallowlists; i++) {
		struct rp_diags *d = rp_diags_new();
		r = d == NULL
		    ? RP_ERR_NOMEM
		    : allow_read_warninglist_file(g, o->allowlists[i], d);
		if (d != NULL)
			out_diags(stderr, d, NULL, o->allowlists[i], 1);
		rp_diags_free(d);
		if (r != 0) {
			fprintf(stderr,
			    "rampart blocklist: --allowlist %s: %s\n",
			    o->allowlists[i], rp_strerror(r));
			allow_free(g);
			return NULL;
		}
	}
	return g;
}

static int
render(const struct opts *o)
{
	enum blocklist_format fmt;
	struct blocklist_opts bo;
	struct blocklist_report rep;
	struct sink k;
	struct counts c;
	struct allow *g = NULL;
	struct blocklist *bl = NULL;
	char *out = NULL;
	size_t i, len;
	int r, rc = EXIT_USAGE;

	if (blocklist_format_from_name(o->format, &fmt) != 0) {
		fprintf(stderr,
		    "rampart blocklist: unknown format %s (--help lists "
		    "them)\n",
		    o->format);
		return EXIT_USAGE;
	}
	if (opts_render(o, fmt, &bo) != 0 || (g = guard_new(o)) == NULL)
		return EXIT_USAGE;
	if ((bl = blocklist_new()) == NULL) {
		allow_free(g);
		return EXIT_USAGE;
	}
	memset(&k, 0, sizeof(k));
	k.bl = bl;
	k.guard = g;
	k.report_refused = o->report_refused;
	rc = 0;
	for (i = 0; i < o->nfiles; i++)
		if ((r = load(&k, o->files[i], o->verbose)) > rc)
			rc = r;
	c = k.c;
	if (rc == 0 && blocklist_count(bl) == 0) {
		fprintf(stderr, "rampart blocklist: no indicator to block\n");
		rc = EXIT_PROBLEM;
	}
	if (rc != 0)
		goto out;
	if ((r = blocklist_render(bl, fmt, &bo, &out, &len, &rep)) != 0) {
		fprintf(stderr, "rampart blocklist: %s: %s\n", o->format,
		    r == RP_ERR_ARG ? "a sinkhole is not an address of its "
				      "family"
				    : rp_strerror(r));
		rc = r == RP_ERR_ARG ? EXIT_USAGE : EXIT_PROBLEM;
		goto out;
	}
	if (write_out(o->output, out, len) != 0) {
		fprintf(stderr, "rampart blocklist: cannot write %s: %s\n",
		    o->output ? o->output : "stdout", strerror(errno));
		rc = EXIT_USAGE;
		goto out;
	}
	fprintf(stderr,
	    "%s: %zu written, %zu skipped (the format cannot express "
	    "them), %zu expired, %zu trimmed (limit %zu)\n"
	    "indicators: %zu read, %zu not blocked (for information "
	    "only), %zu not blockable (file names), %zu refused (not "
	    "valid)\n"
	    "allowlist guard: %zu refused%s, %zu URLs on a protected host "
	    "kept as exact URLs only\n",
	    o->format, rep.written, rep.skipped, rep.expired, rep.trimmed,
	    bo.max_entries, c.read, c.inform, c.unblockable, c.refused,
	    c.guarded,
	    c.guarded > 0 && !o->report_refused ? " (--report-refused names "
						  "them)"
						: "",
	    c.url_only);
out:
	free(out);
	blocklist_free(bl);
	allow_free(g);
	return rc;
}

int
cmd_blocklist(int argc, char **argv)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	if (argc >= 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "render") != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
	if (parse(argc - 1, argv + 1, &o) != 0) {
		fputs("rampart blocklist render --help shows the usage\n",
		    stderr);
		return EXIT_USAGE;
	}
	return render(&o);
}
