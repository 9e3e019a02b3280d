/*
 * rampart-agent quarantine: the technician's view of the quarantine store
 * (add, list, show, restore, purge).  Paths and reasons may come from
 * hostile file systems, so everything from the store is printed through
 * util/out.h.  The store is src/agent/quarantine/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent_cmd.h"
#include "quarantine/quarantine.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/out.h"
#include "util/str.h"

/* paths and reasons are bounded by the store: shown whole */
#define SHOW_MAX SIZE_MAX

static const char usage_text[] =
    "usage: rampart-agent quarantine [--store DIR] COMMAND [ARGS]\n"
    "\n"
    "Quarantined files are kept compressed behind a header that makes\n"
    "them unusable as they are (no execute bits, not the original format),\n"
    "with their path, mode, owner, times and hashes.\n"
    "\n"
    "commands:\n"
    "  add [--reason TEXT] [--sha256 HEX] [--kill | --kill-hardlinked] PATH\n"
    "          move the regular file PATH into the store; symbolic links\n"
    "          anywhere in PATH are refused; --sha256: only if the content\n"
    "          has this SHA-256; --kill: first SIGKILL the processes\n"
    "          running the file, unless it has other hard links (they\n"
    "          are named, not killed); --kill-hardlinked: kill them even\n"
    "          then\n"
    "  list [--json]\n"
    "          the entries, oldest first, with their state: stored,\n"
    "          original-present (a file is at the original path again or\n"
    "          still), damaged\n"
    "  show ID [--json]\n"
    "          one entry's record\n"
    "  restore ID [--to PATH] [--keep-setid]\n"
    "          put the file back, byte-identical, with mode, owner and\n"
    "          access/modification times, at its original path or PATH;\n"
    "          never overwrites; the entry is removed afterwards.  Set-\n"
    "          user-ID and set-group-ID bits are dropped (with a warning)\n"
    "          unless --keep-setid is given, and even then kept only when\n"
    "          the recorded owner and group are restored.  A record whose\n"
    "          MAC (the store's key) does not match is refused\n"
    "  purge ID... | --all\n"
    "          delete entries for good\n"
    "  adopt\n"
    "          a store made before records were authenticated (refused\n"
    "          until then): create its key and seal its records; check\n"
    "          them first, as whatever they say is trusted from then on\n"
    "\n"
    "The store is --store DIR, else $RAMPART_QUARANTINE_DIR, "
    "else\n" QUARANTINE_DEFAULT_DIR ".\n"
    "Exit status: 0 done; 1 done with warnings (owner not restored, a\n"
    "process not killed, other hard links left) or some of several IDs\n"
    "failed; 2 bad usage or nothing done.\n";

static void
print_diags(const struct rp_diags *d)
{
	out_diags(stderr, d, "rampart-agent quarantine: ", NULL, 1);
}

static int
fail_r(const char *what, int r, struct rp_diags *d)
{
	print_diags(d);
	fprintf(
	    stderr, "rampart-agent quarantine: %s: %s\n", what, rp_strerror(r));
	return EXIT_USAGE;
}

static void
fmt_time(time_t t, long nsec, char *buf, size_t n)
{
	struct tm tm;
	char s[32];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(buf, n, "@%lld", (long long)t);
		return;
	}
	if (nsec >= 0)
		snprintf(buf, n, "%s.%09ldZ", s, nsec);
	else
		snprintf(buf, n, "%sZ", s);
}

static int
print_json(json_t *j)
{
	if (j == NULL || json_dumpf(j, stdout, JSON_INDENT(2)) != 0) {
		json_decref(j);
		return EXIT_USAGE;
	}
	fputc('\n', stdout);
	json_decref(j);
	return 0;
}

/* The absolute form of a command-line path (relative to the cwd). */
static char *
absolute(const char *p)
{
	char *cwd, *s;

	if (p[0] == '/')
		return strdup(p);
	if ((cwd = getcwd(NULL, 0)) == NULL)
		return NULL;
	s = rp_asprintf("%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, p);
	free(cwd);
	return s;
}

static void
print_added(const struct qentry *e)
{
	size_t i;

	printf("quarantined ");
	out_text(stdout, e->path, SHOW_MAX, 0);
	printf("\n  id %s\n  sha256 %s\n", e->id, e->sha256);
	for (i = 0; i < e->nkilled; i++)
		printf("  killed process %d\n", (int)e->killed[i]);
	for (i = 0; i < e->nspared; i++)
		printf("  NOT killed process %d (the file has other hard "
		       "links)\n",
		    (int)e->spared[i]);
}

static int
do_add(struct qstore *q, int argc, char **argv, struct rp_diags *d)
{
	const char *reason = NULL, *sha = NULL;
	struct qentry e = {0};
	struct stat st;
	char *path = NULL;
	unsigned flags = 0;
	int i, r, rc = EXIT_USAGE;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--kill") == 0)
			flags |= QUARANTINE_KILL;
		else if (strcmp(argv[i], "--kill-hardlinked") == 0)
			flags |= QUARANTINE_KILL | QUARANTINE_KILL_HARDLINKED;
		else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			reason = argv[++i];
		else if (strcmp(argv[i], "--sha256") == 0 && i + 1 < argc)
			sha = argv[++i];
		else
			break;
	}
	if (i != argc - 1) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if ((path = absolute(argv[i])) == NULL) {
		fprintf(stderr, "rampart-agent quarantine: ");
		out_text(stderr, argv[i], SHOW_MAX, 0);
		fprintf(stderr, ": %s\n", strerror(errno));
		goto out;
	}
	if ((r = quarantine_lstat(path, &st, d)) != 0) {
		rc = fail_r("add", r, d);
		goto out;
	}
	r = quarantine_file(
	    q, path, st.st_dev, st.st_ino, sha, reason, flags, &e, d);
	if (r != 0) {
		rc = fail_r("add", r, d);
		goto out;
	}
	print_diags(d);
	print_added(&e);
	rc = d->nwarnings > 0 ? EXIT_FOUND : 0;
out:
	free(path);
	qentry_clear(&e);
	return rc;
}

static void
print_row(const struct qentry *e)
{
	char t[48];

	fmt_time(e->quarantined_at, -1, t, sizeof(t));
	printf("%s  %-20s  %12llu  %-16s  ", e->id,
	    e->state == QENTRY_DAMAGED && e->path == NULL ? "-" : t,
	    (unsigned long long)e->size, qentry_state_name(e->state));
	out_text(stdout, e->path, SHOW_MAX, 0);
	fputc('\n', stdout);
}

static int
do_list(struct qstore *q, int argc, char **argv, struct rp_diags *d)
{
	struct qentry *v = NULL;
	json_t *arr;
	size_t n = 0, i;
	int r, as_json = argc == 2 && strcmp(argv[1], "--json") == 0;

	if (argc > 2 || (argc == 2 && !as_json)) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if ((r = qstore_list(q, &v, &n, d)) != 0)
		return fail_r("list", r, d);
	print_diags(d);
	if (as_json) {
		if ((arr = json_array()) == NULL)
			r = RP_ERR_NOMEM;
		for (i = 0; r == 0 && i < n; i++)
			if (json_array_append_new(
				arr, qentry_to_json(&v[i], 1)))
				r = RP_ERR_NOMEM;
		qentry_list_free(v, n);
		return r == 0 ? print_json(arr) : fail_r("list", r, d);
	}
	printf("%-32s  %-20s  %12s  %-16s  %s\n", "ID", "QUARANTINED", "SIZE",
	    "STATE", "PATH");
	for (i = 0; i < n; i++)
		print_row(&v[i]);
	qentry_list_free(v, n);
	return 0;
}

static void
print_entry(const struct qentry *e)
{
	char t[64];

	printf("id:             %s\npath:           ", e->id);
	out_text(stdout, e->path, SHOW_MAX, 0);
	printf("\nstate:          %s\n", qentry_state_name(e->state));
	printf("size:           %llu\n", (unsigned long long)e->size);
	printf("mode:           %04o\n", (unsigned)(e->mode & 07777));
	printf("owner:          %u:%u\n", (unsigned)e->uid, (unsigned)e->gid);
	fmt_time(e->mtime.tv_sec, e->mtime.tv_nsec, t, sizeof(t));
	printf("modified:       %s\n", t);
	fmt_time(e->atime.tv_sec, e->atime.tv_nsec, t, sizeof(t));
	printf("accessed:       %s\n", t);
	fmt_time(e->quarantined_at, -1, t, sizeof(t));
	printf("quarantined:    %s\n", t);
	printf("sha256:         %s\nsha1:           %s\nmd5:            %s\n",
	    e->sha256, e->sha1, e->md5);
	printf("reason:         ");
	out_text(stdout, e->reason, SHOW_MAX, 0);
	fputc('\n', stdout);
}

static int
do_show(struct qstore *q, int argc, char **argv, struct rp_diags *d)
{
	struct qentry e = {0};
	int r, as_json = argc == 3 && strcmp(argv[2], "--json") == 0;

	if (argc < 2 || argc > 3 || (argc == 3 && !as_json)) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if ((r = qstore_get(q, argv[1], &e, d)) != 0)
		return fail_r("show", r, d);
	if (as_json)
		r = print_json(qentry_to_json(&e, 1));
	else
		print_entry(&e);
	qentry_clear(&e);
	return r;
}

static int
do_restore(struct qstore *q, int argc, char **argv, struct rp_diags *d)
{
	const char *to = NULL;
	char *dest = NULL;
	unsigned flags = 0;
	int i, r;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--to") == 0 && i + 1 < argc && to == NULL)
			to = argv[++i];
		else if (strcmp(argv[i], "--keep-setid") == 0)
			flags |= QRESTORE_KEEP_SETID;
		else
			break;
	}
	if (argc < 2 || i != argc) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (to != NULL && (dest = absolute(to)) == NULL)
		return fail_r("restore", RP_ERR_NOMEM, d);
	r = qstore_restore(q, argv[1], dest, flags, d);
	free(dest);
	if (r != 0)
		return fail_r("restore", r, d);
	print_diags(d);
	printf("restored %s\n", argv[1]);
	return d->nwarnings > 0 ? EXIT_FOUND : 0;
}

static int
do_purge(struct qstore *q, int argc, char **argv, struct rp_diags *d)
{
	struct qentry *v = NULL;
	size_t n = 0, i;
	int r, bad = 0;

	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (argc == 2 && strcmp(argv[1], "--all") == 0) {
		if ((r = qstore_list(q, &v, &n, d)) != 0)
			return fail_r("purge", r, d);
		for (i = 0; i < n; i++)
			bad += qstore_purge(q, v[i].id, d) != 0;
		qentry_list_free(v, n);
		print_diags(d);
		printf("purged %zu entries\n", n - (size_t)bad);
		return bad ? EXIT_FOUND : 0;
	}
	for (i = 1; i < (size_t)argc; i++) {
		if (qstore_purge(q, argv[i], d) != 0)
			bad++;
		else
			printf("purged %s\n", argv[i]);
	}
	print_diags(d);
	if (bad == 0)
		return 0;
	return bad == argc - 1 ? EXIT_USAGE : EXIT_FOUND;
}

static const struct {
	const char *name;
	int (*fn)(struct qstore *, int, char **, struct rp_diags *);
} commands[] = {
    {"add", do_add}, {"list", do_list}, {"show", do_show},
    {"restore", do_restore}, {"purge", do_purge},
    {"adopt", NULL}, /* opens the store itself: do_adopt */
};

/* The store is refused until adopted, so adopt opens it its own way. */
static int
do_adopt(const char *store, int argc, struct rp_diags *d)
{
	size_t n = 0;
	int r;

	if (argc != 1) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if ((r = qstore_adopt(store, &n, d)) != 0)
		return fail_r("adopt", r, d);
	print_diags(d);
	printf("sealed %zu record%s; the store has its key\n", n,
	    n == 1 ? "" : "s");
	return d->nwarnings > 0 ? EXIT_FOUND : 0;
}

int
cmd_quarantine(int argc, char **argv)
{
	const char *store = getenv("RAMPART_QUARANTINE_DIR");
	struct rp_diags *d = NULL;
	struct qstore *q = NULL;
	size_t i;
	int r, rc = EXIT_USAGE, a = 1;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(usage_text, stdout);
			return 0;
		}
	}
	if (argc > 2 && strcmp(argv[1], "--store") == 0) {
		store = argv[2];
		a = 3;
	}
	for (i = 0; a < argc && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[a], commands[i].name) == 0)
			break;
	if (a >= argc || i == sizeof(commands) / sizeof(commands[0])) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if ((d = rp_diags_new()) == NULL)
		return EXIT_USAGE;
	if (store != NULL && store[0] == '\0')
		store = NULL;
	if (commands[i].fn == NULL) {
		rc = do_adopt(store, argc - a, d);
		goto out;
	}
	if ((r = qstore_open(store, &q, d)) != 0) {
		rc = fail_r("cannot open the store", r, d);
		goto out;
	}
	rp_diags_clear(d);
#ifdef RP_QUARANTINE_CRASH_HOOK
	/* rampart-agent-crashtest only (docs/internals/quarantine.md) */
	qstore_set_crash_point(q, getenv("RAMPART_QUARANTINE_CRASH_AT"));
#endif
	rc = commands[i].fn(q, argc - a, argv + a, d);
out:
	qstore_close(q);
	rp_diags_free(d);
	return rc;
}
