/*
 * Distributions and their releases: which one an advisory product is for
 * (an OSV ecosystem "Debian:12", "Ubuntu:Pro:18.04:LTS", "Red
 * Hat:rhel_aus:8.6::appstream"; a CSAF relationship target's CPE
 * "cpe:/o:redhat:enterprise_linux:9"; a purl's namespace and distro
 * qualifier) and which one a host runs (os-release NAME or ID and
 * VERSION_ID).  One table holds every name a distribution goes by, so
 * the readers' spellings and the hosts' meet in one place.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "match_int.h"
#include "util/purl.h"
#include "version/version.h"

/*
 * One row per distribution.  osv: the OSV ecosystem; names: os-release
 * NAME and ID values and CPE vendor:product pairs, '|'-separated;
 * codenames: "name=release" pairs for purl distro qualifiers.  Whether
 * its advisories name source packages is the ecosystem table's to say
 * (version/version.h).
 */
static const struct {
	enum distro_id id;
	const char *label; /* for people */
	const char *osv;
	const char *names;
	const char *cpes;
	const char *codenames;
} distros[] = {
    {DISTRO_DEBIAN, "Debian", "Debian", "debian|debian gnu/linux",
	"debian:debian_linux",
	"jessie=8|stretch=9|buster=10|bullseye=11|bookworm=12|trixie=13|"
	"forky=14"},
    {DISTRO_UBUNTU, "Ubuntu", "Ubuntu", "ubuntu", "canonical:ubuntu_linux",
	"trusty=14.04|xenial=16.04|bionic=18.04|focal=20.04|jammy=22.04|"
	"kinetic=22.10|lunar=23.04|mantic=23.10|noble=24.04|oracular=24.10|"
	"plucky=25.04|questing=25.10"},
    {DISTRO_RHEL, "Red Hat Enterprise Linux", "Red Hat",
	"rhel|red hat enterprise linux|red hat enterprise linux server|"
	"redhat",
	"redhat:enterprise_linux|redhat:rhel_eus|redhat:rhel_aus|"
	"redhat:rhel_e4s|redhat:rhel_tus|redhat:rhel_els",
	NULL},
    {DISTRO_CENTOS, "CentOS", NULL, "centos|centos linux|centos stream",
	"centos:centos", NULL},
    {DISTRO_ALMALINUX, "AlmaLinux", "AlmaLinux", "almalinux",
	"almalinux:almalinux", NULL},
    {DISTRO_ROCKY, "Rocky Linux", "Rocky Linux", "rocky|rocky linux",
	"rocky:rocky|rockylinux:rocky", NULL},
    {DISTRO_SLES, "SUSE Linux Enterprise", "SUSE",
	"sles|sled|sles_sap|suse|suse linux enterprise server|"
	"suse linux enterprise desktop",
	"suse:sles|suse:sled|suse:sle_hpc|suse:sles_sap|"
	"suse:suse_linux_enterprise_server",
	NULL},
    {DISTRO_OPENSUSE, "openSUSE", "openSUSE",
	"opensuse|opensuse-leap|opensuse leap|opensuse-tumbleweed|"
	"opensuse tumbleweed",
	"opensuse:leap|opensuse:tumbleweed|opensuse:opensuse", NULL},
    {DISTRO_ALPINE, "Alpine Linux", "Alpine", "alpine|alpine linux",
	"alpinelinux:alpine_linux", NULL},
    {DISTRO_MAGEIA, "Mageia", "Mageia", "mageia", "mageia:mageia", NULL},
    {DISTRO_OPENEULER, "openEuler", "openEuler", "openeuler",
	"openeuler:openeuler", NULL},
    {DISTRO_AZURE, "Azure Linux", "Azure Linux",
	"azurelinux|mariner|microsoft azure linux|common base linux mariner",
	"microsoft:azure_linux|microsoft:cbl-mariner", NULL},
};

#define NDISTROS (sizeof(distros) / sizeof(distros[0]))

/* Whether s[0..n) is one of the '|'-separated words of list (no case). */
static int
in_list(const char *list, const char *s, size_t n)
{
	const char *p = list, *bar;
	size_t len;

	while (p != NULL && *p != '\0') {
		bar = strchr(p, '|');
		len = bar != NULL ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncasecmp(p, s, n) == 0)
			return 1;
		p = bar != NULL ? bar + 1 : NULL;
	}
	return 0;
}

/* The rows are in enum order from DISTRO_DEBIAN (a unit test checks). */
static int
row_of(enum distro_id id)
{
	size_t i = (size_t)id - 1;

	return id != DISTRO_NONE && i < NDISTROS && distros[i].id == id ? (int)i
									: -1;
}

const char *
distro_label(enum distro_id id)
{
	int i = row_of(id);

	return i >= 0 ? distros[i].label : NULL;
}

int
distro_names_source(enum distro_id id)
{
	const struct ecosystem *e;
	int i = row_of(id);

	return i >= 0 && (e = ecosystem_lookup(distros[i].osv)) != NULL &&
	    (e->flags & ECO_SOURCE) != 0;
}

/* Copies the release: digits and dots only, at most DISTRO_REL_MAX - 1. */
static void
set_release(struct distro *d, const char *s, size_t n)
{
	size_t i, k = 0;

	while (n > 0 && (*s == 'v' || *s == 'V')) { /* Alpine "v3.16" */
		s++;
		n--;
	}
	for (i = 0; i < n && k + 1 < sizeof(d->rel); i++) {
		if ((s[i] < '0' || s[i] > '9') && s[i] != '.')
			break;
		d->rel[k++] = s[i];
	}
	while (k > 0 && d->rel[k - 1] == '.')
		k--;
	d->rel[k] = '\0';
}

/* Ubuntu: "[Pro:][FIPS[-updates|-preview]:]22.04[:LTS]". */
static void
ubuntu_release(struct distro *d, const char *rest)
{
	const char *colon;
	size_t n;

	while (*rest != '\0') {
		colon = strchr(rest, ':');
		n = colon != NULL ? (size_t)(colon - rest) : strlen(rest);
		if (n >= 4 && strncasecmp(rest, "FIPS", 4) == 0)
			d->fips = 1;
		else if (n > 0 && rest[0] >= '0' && rest[0] <= '9')
			set_release(d, rest, n);
		rest += n + (colon != NULL);
	}
}

/* SUSE "Linux Enterprise Server 15 SP5" -> 15.5; openSUSE "Leap 15.5". */
static void
suse_release(struct distro *d, const char *rest)
{
	const char *p, *sp;
	char buf[DISTRO_REL_MAX * 2 + 16];

	for (p = rest; *p != '\0' && (*p < '0' || *p > '9'); p++)
		;
	set_release(d, p, strlen(p));
	sp = strstr(p, " SP");
	if (sp != NULL && sp[3] >= '0' && sp[3] <= '9' &&
	    strchr(d->rel, '.') == NULL) {
		snprintf(buf, sizeof(buf), "%s.%.*s", d->rel,
		    (int)(strspn(sp + 3, "0123456789") % 8), sp + 3);
		set_release(d, buf, strlen(buf));
	}
}

int
distro_from_ecosystem(const char *eco, struct distro *d)
{
	const char *colon, *rest, *c2;
	size_t i, n;

	memset(d, 0, sizeof(*d));
	if (eco == NULL)
		return 0;
	colon = strchr(eco, ':');
	n = colon != NULL ? (size_t)(colon - eco) : strlen(eco);
	rest = colon != NULL ? colon + 1 : "";
	for (i = 0; i < NDISTROS; i++) {
		if (distros[i].osv == NULL || strlen(distros[i].osv) != n ||
		    strncasecmp(distros[i].osv, eco, n) != 0)
			continue;
		d->id = distros[i].id;
		if (d->id == DISTRO_UBUNTU)
			ubuntu_release(d, rest);
		else if (d->id == DISTRO_SLES || d->id == DISTRO_OPENSUSE)
			suse_release(d, rest);
		else if (d->id == DISTRO_RHEL) {
			/* "enterprise_linux:9::appstream", "rhel_aus:8.6" */
			c2 = strchr(rest, ':');
			if (c2 != NULL)
				set_release(d, c2 + 1, strcspn(c2 + 1, ":"));
		} else
			set_release(d, rest, strcspn(rest, ":"));
		return 1;
	}
	return 0;
}

/* CPE fields part, vendor, product, version of a 2.2 URI or 2.3 name. */
int
distro_from_cpe(const char *cpe, struct distro *d)
{
	char f[4][64];
	const char *p;
	size_t i, k;

	memset(d, 0, sizeof(*d));
	if (cpe == NULL)
		return 0;
	if (strncasecmp(cpe, "cpe:2.3:", 8) == 0)
		p = cpe + 8;
	else if (strncasecmp(cpe, "cpe:/", 5) == 0)
		p = cpe + 5;
	else
		return 0;
	for (i = 0; i < 4; i++) {
		for (k = 0; *p != '\0' && *p != ':' && k + 1 < sizeof(f[i]);)
			f[i][k++] = *p++;
		f[i][k] = '\0';
		if (*p == ':')
			p++;
	}
	for (i = 0; i < NDISTROS; i++) {
		char vp[130];

		snprintf(vp, sizeof(vp), "%s:%s", f[1], f[2]);
		if (distros[i].cpes == NULL ||
		    !in_list(distros[i].cpes, vp, strlen(vp)))
			continue;
		d->id = distros[i].id;
		if (strcmp(f[3], "*") != 0 && strcmp(f[3], "-") != 0)
			set_release(d, f[3], strlen(f[3]));
		/* "cpe:/o:suse:sles:15:sp5" */
		if (d->id == DISTRO_SLES && strncasecmp(p, "sp", 2) == 0 &&
		    strchr(d->rel, '.') == NULL && d->rel[0] != '\0') {
			char buf[DISTRO_REL_MAX * 2 + 16];

			snprintf(buf, sizeof(buf), "%s.%.*s", d->rel,
			    (int)(strspn(p + 2, "0123456789") % 8), p + 2);
			set_release(d, buf, strlen(buf));
		}
		return 1;
	}
	return 0;
}

const char *
distro_ns_canon(const char *ns)
{
	const char *p;
	size_t i;

	for (i = 0; ns != NULL && i < NDISTROS; i++) {
		if (!in_list(distros[i].names, ns, strlen(ns)))
			continue;
		/* CentOS Linux takes Red Hat's packages (distro_fit()). */
		p = distros[distros[i].id == DISTRO_CENTOS ? row_of(DISTRO_RHEL)
							   : (int)i]
			.names;
		return p;
	}
	return NULL;
}

int
distro_from_name(const char *name, const char *version, struct distro *d)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	if (name == NULL)
		return 0;
	for (i = 0; i < NDISTROS; i++) {
		if (!in_list(distros[i].names, name, strlen(name)))
			continue;
		d->id = distros[i].id;
		if (version != NULL)
			set_release(d, version, strlen(version));
		return 1;
	}
	return 0;
}

/* A purl distro qualifier: "debian-12", "bookworm", "rhel-9.4". */
static void
purl_release(struct distro *d, int row, const char *q)
{
	const char *p = distros[row].codenames, *bar, *eq;
	size_t n = strlen(q);

	for (; p != NULL && *p != '\0'; p = bar != NULL ? bar + 1 : NULL) {
		bar = strchr(p, '|');
		eq = strchr(p, '=');
		if ((size_t)(eq - p) == n && strncasecmp(p, q, n) == 0) {
			set_release(d, eq + 1,
			    bar != NULL ? (size_t)(bar - eq - 1)
					: strlen(eq + 1));
			return;
		}
	}
	while (*q != '\0' && (*q < '0' || *q > '9'))
		q++; /* "debian-12" -> "12" */
	set_release(d, q, strlen(q));
}

int
distro_from_purl(const char *purl, struct distro *d, int *source)
{
	struct rp_purl p;
	char buf[1024];
	const char *q, *arch;
	size_t i;

	memset(d, 0, sizeof(*d));
	*source = 0;
	if (purl == NULL ||
	    rp_purl_parse(purl, &p, buf, sizeof(buf), NULL) != 0)
		return 0;
	arch = rp_purl_qualifier(&p, "arch");
	*source = arch != NULL &&
	    (strcmp(arch, "source") == 0 || strcmp(arch, "src") == 0);
	if (p.ns == NULL ||
	    (strcmp(p.type, "deb") != 0 && strcmp(p.type, "rpm") != 0 &&
		strcmp(p.type, "apk") != 0))
		return 0;
	for (i = 0; i < NDISTROS; i++) {
		if (!in_list(distros[i].names, p.ns, strlen(p.ns)))
			continue;
		d->id = distros[i].id;
		if ((q = rp_purl_qualifier(&p, "distro")) != NULL)
			purl_release(d, (int)i, q);
		return 1;
	}
	return 0;
}

enum distro_fit
distro_fit(
    const struct distro *prod, const struct distro *host, const char *version)
{
	size_t n;

	if (prod->id == DISTRO_NONE || host->id == DISTRO_NONE)
		return DISTRO_FIT_YES;
	/* CentOS Linux was Red Hat's own rebuild and has no advisories. */
	if (prod->id != host->id &&
	    !(prod->id == DISTRO_RHEL && host->id == DISTRO_CENTOS))
		return DISTRO_FIT_OTHER_DISTRO;
	/* Ubuntu Pro FIPS streams: only for packages built for FIPS. */
	if (prod->fips && (version == NULL || strstr(version, "fips") == NULL))
		return DISTRO_FIT_OTHER_RELEASE;
	if (prod->rel[0] == '\0' || host->rel[0] == '\0')
		return DISTRO_FIT_YES;
	/* "9" fits 9.4, "8.6" fits only 8.6: the product's parts decide. */
	n = strlen(prod->rel);
	if (strncmp(prod->rel, host->rel, n) == 0 &&
	    (host->rel[n] == '\0' || host->rel[n] == '.'))
		return DISTRO_FIT_YES;
	return DISTRO_FIT_OTHER_RELEASE;
}
