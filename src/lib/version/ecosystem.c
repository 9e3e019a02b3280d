/*
 * The ecosystem table (version.h): every ecosystem name the OSV schema
 * defines (its ecosystemName pattern), in the schema's order.
 *
 * Go modules, Cargo and Hex order versions by SemVer 2.0.0 precedence;
 * npm (node-semver) does too for the versions the registry accepts.  PyPI
 * (PEP 440), Maven, RubyGems, NuGet, Packagist, Pub and Alpine's apk have
 * orderings of their own that Rampart does not implement yet: they have a
 * vers type but no scheme.
 */
#include <string.h>

#include "version.h"

#define D ECO_DISTRO
#define S ECO_SOURCE

static const struct ecosystem ecosystems[] = {
    {"AlmaLinux", "rpm", "rpm", D},
    {"Alpaquita", NULL, "alpine", D | S},
    {"Alpine", NULL, "alpine", D | S},
    {"Android", NULL, NULL, 0},
    {"Azure Linux", "rpm", "rpm", D},
    {"BellSoft Hardened Containers", NULL, NULL, D},
    {"Bioconductor", NULL, NULL, 0},
    {"Bitnami", NULL, NULL, 0},
    {"Chainguard", NULL, "alpine", D},
    {"CleanStart", NULL, NULL, D},
    {"ConanCenter", NULL, NULL, 0},
    {"CRAN", NULL, NULL, 0},
    {"crates.io", "semver", "cargo", 0},
    {"Debian", "deb", "deb", D | S},
    {"Docker Hardened Images", NULL, NULL, D},
    {"Echo", NULL, NULL, D},
    {"FreeBSD", NULL, NULL, D},
    {"GHC", NULL, NULL, 0},
    {"GitHub Actions", NULL, NULL, 0},
    {"Go", "semver", "golang", 0},
    {"Hackage", NULL, NULL, 0},
    {"Hex", "semver", "hex", 0},
    {"Julia", NULL, NULL, 0},
    {"Kubernetes", NULL, NULL, 0},
    {"Linux", NULL, NULL, 0},
    {"Mageia", "rpm", "rpm", D},
    {"Maven", NULL, "maven", 0},
    {"MinimOS", NULL, "alpine", D},
    {"npm", "semver", "npm", 0},
    {"NuGet", NULL, "nuget", 0},
    {"opam", NULL, NULL, 0},
    {"openEuler", "rpm", "rpm", D},
    {"openSUSE", "rpm", "rpm", D},
    {"OSS-Fuzz", NULL, NULL, 0},
    {"Packagist", NULL, "composer", 0},
    {"Photon OS", "rpm", "rpm", D},
    {"Pub", NULL, "pub", 0},
    {"PyPI", NULL, "pypi", 0},
    {"Red Hat", "rpm", "rpm", D},
    {"Rocky Linux", "rpm", "rpm", D},
    {"Root", NULL, NULL, D},
    {"RubyGems", NULL, "gem", 0},
    {"SUSE", "rpm", "rpm", D},
    {"SwiftURL", NULL, NULL, 0},
    {"TuxCare", NULL, NULL, D},
    {"Ubuntu", "deb", "deb", D | S},
    {"VSCode", NULL, NULL, 0},
    {"Wolfi", NULL, "alpine", D},
    {"GIT", NULL, NULL, 0},
};

const struct ecosystem *
ecosystem_lookup(const char *eco)
{
	size_t i, n;

	if (eco == NULL)
		return NULL;
	n = strcspn(eco, ":");
	for (i = 0; i < sizeof(ecosystems) / sizeof(ecosystems[0]); i++) {
		if (strlen(ecosystems[i].name) == n &&
		    strncmp(ecosystems[i].name, eco, n) == 0)
			return &ecosystems[i];
	}
	return NULL;
}
