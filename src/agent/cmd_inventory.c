/*
 * rampart-agent inventory: runs the collectors against this machine or a
 * mounted image and writes one host as CycloneDX 1.5 or native JSON.
 * What could not be read is reported on stderr and makes the exit status
 * 1, but everything that was read is still written.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_cmd.h"
#include "collectors/collectors.h"
#include "inventory/inventory.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/out.h"

static void
usage(FILE *f)
{
	const struct collector *c;
	size_t i, n;

	fprintf(f,
	    "usage: rampart-agent inventory [--root DIR] "
	    "[--format cyclonedx|native]\n"
	    "                               [--output FILE] [--only LIST]\n\n"
	    "Lists what is installed on this machine (or on the file system "
	    "mounted at\nDIR) and, on the live system, its addresses, "
	    "processes and connections.\n\n"
	    "  --root DIR     read the system below DIR instead of / (no "
	    "addresses,\n"
	    "                 processes or connections then; nothing below "
	    "DIR is\n                 written)\n"
	    "  --format F     cyclonedx (CycloneDX 1.5 JSON, the default) "
	    "or native\n"
	    "  --output FILE  write to FILE (created with mode 0600) instead "
	    "of stdout\n"
	    "  --only LIST    comma-separated collectors to run; default "
	    "all of:\n");
	c = collectors_list(&n);
	for (i = 0; i < n; i++)
		fprintf(f, "                 %-12s %s%s\n", c[i].name,
		    c[i].description,
		    c[i].platform == COLLECT_LINUX_LIVE ? " (live only)" : "");
	fprintf(f,
	    "\nErrors and warnings go to stderr.  Exit status: 0 everything "
	    "found was read,\n1 some database could not be read (what was "
	    "read is still written),\n2 bad usage or the output could not be "
	    "written.\n");
}

/* Parses "dpkg,rpm" into collector bits; 0 when a name is unknown. */
static unsigned
parse_only(const char *s)
{
	const char *bad;
	unsigned what;
	size_t n;

	if (collect_select(s, &what, &bad, &n) == RP_ERR_NOTFOUND) {
		fprintf(stderr, "rampart-agent inventory: unknown collector '");
		out_text(stderr, bad, n, 0);
		fprintf(stderr, "' in --only\n");
	}
	return what;
}

/* The collectors put "FILE:LINE:" into their messages already. */
static void
print_diags(const struct rp_diags *d)
{
	struct rp_diag e;
	char *s;
	size_t i;

	for (i = 0; i < d->n; i++) {
		e = d->v[i];
		e.line = 0;
		if ((s = rp_diag_format(&e, NULL)) == NULL)
			continue;
		fputs("rampart-agent inventory: ", stderr);
		out_text(stderr, s, SIZE_MAX, 0);
		fputc('\n', stderr);
		free(s);
	}
	if (d->dropped > 0)
		fprintf(stderr, "rampart-agent inventory: %zu more not shown\n",
		    d->dropped);
}

static int
write_out(const char *text, const char *output)
{
	size_t len = strlen(text), off = 0;
	ssize_t w;
	int fd = STDOUT_FILENO, r = 0;

	if (output != NULL &&
	    (fd = open(
		 output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		fprintf(stderr, "rampart-agent inventory: %s: %s\n", output,
		    strerror(errno));
		return -1;
	}
	while (off < len && r == 0) {
		if ((w = write(fd, text + off, len - off)) < 0 &&
		    errno != EINTR)
			r = -1;
		else if (w > 0)
			off += (size_t)w;
	}
	if (r == 0 && write(fd, "\n", 1) != 1)
		r = -1;
	if (output != NULL && close(fd) != 0)
		r = -1;
	if (r != 0)
		fprintf(stderr, "rampart-agent inventory: writing %s: %s\n",
		    output != NULL ? output : "stdout", strerror(errno));
	return r;
}

/* Serialises h in the format asked for; NULL when out of memory. */
static char *
render(const struct inv_host *h, int native)
{
	const struct inv_host *hv[1] = {h};
	json_t *j;
	char *s;

	j = native ? inv_native_write(hv, 1) : cyclonedx_write(h);
	if (j == NULL)
		return NULL;
	s = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	return s;
}

int
cmd_inventory(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"root", required_argument, NULL, 'r'},
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"only", required_argument, NULL, 'O'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *root = "/", *output = NULL;
	struct inv_host *h = NULL;
	struct rp_diags *d = NULL;
	unsigned what = COLLECT_ALL;
	struct stat st;
	char *text = NULL;
	int c, native = 0, r, ret = EXIT_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "native") == 0)
				native = 1;
			else if (strcmp(optarg, "cyclonedx") == 0)
				native = 0;
			else {
				fprintf(stderr,
				    "rampart-agent inventory: --format is "
				    "cyclonedx or native\n");
				return EXIT_USAGE;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'O':
			if ((what = parse_only(optarg)) == 0)
				return EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	errno = 0;
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "rampart-agent inventory: --root ");
		out_text(stderr, root, SIZE_MAX, 0);
		fprintf(stderr, ": %s\n",
		    errno != 0 ? strerror(errno) : "not a directory");
		return EXIT_USAGE;
	}
	if ((h = inv_host_new()) == NULL || (d = rp_diags_new()) == NULL)
		goto nomem;
	r = collect_inventory(root, what, h, d);
	if (r == RP_ERR_NOMEM)
		goto nomem;
	/* The formats need a host name; an image may not have one. */
	if (h->name == NULL && inv_host_set(h, "unknown", NULL, NULL, NULL))
		goto nomem;
	print_diags(d);
	if ((text = render(h, native)) == NULL)
		goto nomem;
	if (write_out(text, output) != 0)
		goto out;
	ret = r != 0 ? EXIT_FOUND : 0;
	goto out;
nomem:
	fprintf(stderr, "rampart-agent inventory: out of memory\n");
out:
	free(text);
	rp_diags_free(d);
	inv_host_free(h);
	return ret;
}
