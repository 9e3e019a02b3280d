/*
 * Package ecosystems as the OSV schema names them ("Debian", "crates.io",
 * "Red Hat"): one table for every reader and the matcher, saying which
 * version ordering each has and whether it is an operating system
 * distribution whose advisories name source packages.
 */
#ifndef RP_ECOSYSTEM_H
#define RP_ECOSYSTEM_H

/* ecosystem.flags */
#define ECO_DISTRO 0x1 /* an operating system distribution's packages */
#define ECO_SOURCE 0x2 /* its advisories name source packages */

struct ecosystem {
	const char *name; /* as the schema spells it */
	const char *scheme; /* Rampart's ordering ("deb"), NULL when none */
	const char *vers; /* the vers versioning scheme ("cargo"), or NULL */
	unsigned flags;
};

/*
 * The row of an ecosystem, by the part before the first ':' ("Debian:12"
 * -> Debian; names are compared exactly, as the schema defines them).
 * NULL when the OSV schema does not define it.
 */
const struct ecosystem *ecosystem_lookup(const char *eco);

#endif
