/*
 * rampart version: compare two versions in a scheme, or test whether a
 * version lies in a range (vers, or a CSAF vls string as advisories write
 * it).  All the logic lives in src/lib/version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "version/version.h"
#include "util/diag.h"
#include "util/out.h"
#include "util/err.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: rampart version compare SCHEME A B\n"
	    "       rampart version contains RANGE VERSION\n\n"
	    "compare   prints 'A < B', 'A = B' or 'A > B'; exit 0, or 2 when\n"
	    "          a version is not valid in SCHEME.\n"
	    "contains  exit 0 when VERSION lies in RANGE, 1 when not, 2 on\n"
	    "          error.  RANGE is a vers ('vers:deb/>=1.0|<2.0', read\n"
	    "          leniently) or a CSAF range ('< V4.1.3', '>= 8.1.5',\n"
	    "          'All versions'), compared as generic versions.\n\n"
	    "schemes: deb (also debian), rpm, semver (also npm, cargo,\n"
	    "         golang, hex, swift), generic (dotted vendor versions:\n"
	    "         18.12.416 = 18.12.416.0, V4.3 = 4.3).\n"
	    "See docs/versions.md for the exact rules.\n");
}

static void
print_diags(const struct rp_diags *d)
{
	out_diags(stderr, d, "rampart version: ", NULL, 1);
}

static int
compare(char **argv)
{
	enum version_scheme s;
	int cmp, i;

	if (version_scheme_from_name(argv[0], &s) != 0) {
		fprintf(stderr,
		    "rampart version: unknown scheme '%s' "
		    "(try deb, rpm, semver or generic)\n",
		    argv[0]);
		return EXIT_USAGE;
	}
	for (i = 1; i <= 2; i++) {
		struct version_check vc;

		version_check(s, argv[i], &vc);
		if (!vc.valid) {
			fprintf(stderr,
			    "rampart version: %s version '%s' is "
			    "not a valid %s version: %s\n",
			    i == 1 ? "first" : "second", argv[i],
			    version_scheme_name(s), vc.why);
			return EXIT_USAGE;
		}
		if (vc.warning != VERSION_WARN_NONE)
			fprintf(stderr,
			    "rampart version: warning: %s version '%s' "
			    "has bad %s syntax: %s\n",
			    i == 1 ? "first" : "second", argv[i],
			    version_scheme_name(s), vc.why);
	}
	if (version_compare(s, argv[1], argv[2], &cmp) != 0)
		return EXIT_USAGE;
	printf("%s %s %s\n", argv[1],
	    cmp < 0	  ? "<"
		: cmp > 0 ? ">"
			  : "=",
	    argv[2]);
	return 0;
}

static int
contains(char **argv)
{
	struct rp_diags *d;
	struct vers_range *r = NULL;
	char *canon = NULL;
	int in = 0, rc, ret = EXIT_USAGE;

	if ((d = rp_diags_new()) == NULL)
		return EXIT_USAGE;
	rc = vls_parse(argv[0], VERSION_SCHEME_GENERIC, &r, d);
	print_diags(d);
	if (rc != 0) {
		fprintf(stderr, "rampart version: cannot read range '%s'\n",
		    argv[0]);
		goto out;
	}
	canon = vers_to_string(r);
	if ((rc = vers_contains(r, argv[1], &in)) != 0) {
		if (rc == RP_ERR_UNSUPPORTED)
			fprintf(stderr,
			    "rampart version: no version ordering "
			    "for type '%s' in Rampart\n",
			    r->scheme_name);
		else
			fprintf(stderr, "rampart version: '%s' in %s: %s\n",
			    argv[1], canon != NULL ? canon : argv[0],
			    rc == RP_ERR_INVALID ? "not a valid version of the "
						   "range's scheme"
						 : rp_strerror(rc));
		goto out;
	}
	printf("%s %s %s\n", argv[1], in ? "in" : "not in",
	    canon != NULL ? canon : argv[0]);
	ret = in ? 0 : EXIT_PROBLEM;
out:
	free(canon);
	vers_range_free(r);
	rp_diags_free(d);
	return ret;
}

int
cmd_version(int argc, char **argv)
{
	if (argc >= 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "compare") == 0)
		return compare(argv + 2);
	if (argc == 4 && strcmp(argv[1], "contains") == 0)
		return contains(argv + 2);
	usage(stderr);
	return EXIT_USAGE;
}
