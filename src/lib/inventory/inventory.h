/*
 * The inventory model: a host and the software installed on it, as agents
 * report it and as technicians export it.  Read as CycloneDX 1.2 to 1.6
 * JSON, written as CycloneDX 1.5, and read and written as Rampart's native
 * inventory JSON.
 *
 * A struct inv_host owns all its strings (in its arena); software entries
 * are copied in by inv_host_add_software().
 */
#ifndef RP_INVENTORY_H
#define RP_INVENTORY_H

#include <stddef.h>

#include <jansson.h>

#include "util/diag.h"
#include "version/version.h"

struct rp_arena;

enum inv_source {
	INV_SOURCE_UNKNOWN = 0,
	INV_SOURCE_DPKG,
	INV_SOURCE_RPM,
	INV_SOURCE_APP_BUNDLE, /* macOS *.app Info.plist */
	INV_SOURCE_WINREG, /* Windows uninstall registry keys */
	INV_SOURCE_FLATPAK,
	INV_SOURCE_SNAP,
	INV_SOURCE_SIP, /* seen in a SIP registration User-Agent */
	INV_SOURCE_MANUAL, /* typed in by a person */
};

struct inv_software {
	const char *name;
	const char *vendor; /* NULL if unknown */
	const char *version;
	enum version_scheme scheme; /* UNKNOWN: guess from source */
	enum inv_source source;
	const char *arch; /* NULL if unknown */
	const char *path; /* install path / bundle path, or NULL */
	const char *purl; /* or NULL */
	const char *cpe; /* or NULL */
	const char *bundle_id; /* CFBundleIdentifier etc., or NULL */
	/*
	 * The source package it was built from, as the package manager
	 * names it (dpkg "Source:", rpm SOURCERPM): its name, and its
	 * version where that differs from the package's ("Source: xz-utils
	 * (5.1.1alpha+20120614-2.1)", a binNMU).  NULL means the package's
	 * own name / version.  Distribution advisories name source packages
	 * (docs/matching.md).
	 */
	const char *source_name;
	const char *source_version;
	/* Install state when not fully installed, as the package manager
	   names it ("half-installed", "config-files", "unpacked", ...);
	   NULL means installed.  Matching skips "config-files" and
	   "not-installed" (no program files are left). */
	const char *state;
};

/* One IP address of the host, with its interface and link address. */
struct inv_addr {
	const char *iface; /* "eth0", or NULL */
	const char *ip; /* canonical inet_ntop form */
	const char *mac; /* "aa:bb:cc:dd:ee:ff", or NULL */
};

/* A running process (live collection only). */
struct inv_process {
	long pid;
	const char *exe; /* resolved executable path, or NULL if unreadable */
	const char *cmdline; /* arguments joined by spaces, or NULL */
};

/* An open network connection or listening socket (live only). */
struct inv_conn {
	const char *proto; /* "tcp" or "udp" */
	const char *local_ip;
	unsigned local_port;
	const char *remote_ip; /* NULL for a listening socket */
	unsigned remote_port;
	const char *state; /* "established", "listen", ... */
	long pid; /* owning process, -1 when unknown */
};

struct inv_host {
	struct rp_arena *arena;
	const char *name; /* host name */
	const char *id; /* machine-id or other stable ID, or NULL */
	const char *os; /* "Windows", "macOS", "Debian GNU/Linux" */
	const char *os_version; /* "11 23H2", "13.2", "12" */
	const char *arch; /* "x86_64", "arm64" */
	const char *customer; /* tenant/customer label, or NULL */
	struct inv_software *sw;
	size_t nsw, capsw;
	struct inv_addr *addrs;
	size_t naddrs, capaddrs;
	struct inv_process *procs;
	size_t nprocs, capprocs;
	struct inv_conn *conns;
	size_t nconns, capconns;
};

/* A new empty host; NULL when out of memory. */
struct inv_host *inv_host_new(void);
void inv_host_free(struct inv_host *h);
/*
 * Sets host fields (copied); any argument may be NULL to leave it unset.
 * Returns 0 or RP_ERR_NOMEM.
 */
int inv_host_set(struct inv_host *h, const char *name, const char *os,
    const char *os_version, const char *arch);
/* Sets the stable host ID and the customer label (copied; NULL = unset). */
int inv_host_set_ids(struct inv_host *h, const char *id, const char *customer);
/* Copies sw (all strings) into h.  Returns 0, RP_ERR_NOMEM or RP_ERR_LIMIT. */
int inv_host_add_software(struct inv_host *h, const struct inv_software *sw);
/* Copy an address, process or connection (all strings) into h.  Same
   returns as inv_host_add_software. */
int inv_host_add_addr(struct inv_host *h, const struct inv_addr *a);
int inv_host_add_process(struct inv_host *h, const struct inv_process *p);
int inv_host_add_conn(struct inv_host *h, const struct inv_conn *c);

/*
 * Whether the strings of sw can go into an inventory that reads back, for
 * entries built from a machine's files: name and version present, valid
 * UTF-8 without control characters (C0, DEL, C1), within the bounds the
 * readers enforce (docs/inventory.md, Limits).  Returns 0 when they can,
 * else -1 with the reason ("the version contains a control character") in
 * why.
 */
int inv_software_check(const struct inv_software *sw, char *why, size_t size);

/*
 * Whether two hosts say the same: every host field and every software
 * entry, address, process and connection, in order (NULL equals only
 * NULL).  Returns 1 or 0.
 */
int inv_host_equal(const struct inv_host *a, const struct inv_host *b);

/*
 * Splits a source rpm's file name ("openssl-3.0.7-27.el9.src.rpm") into
 * the source package's name ("openssl") and version-release
 * ("3.0.7-27.el9").  Returns 0, RP_ERR_INVALID when it is not N-V-R.src.rpm
 * (or .nosrc.rpm), or RP_ERR_LIMIT when a part does not fit.
 */
int inv_srpm_split(const char *srpm, char *name, size_t namelen, char *version,
    size_t versionlen);
/*
 * The source package of an rpm named pname, version pver
 * ("[EPOCH:]V-R"), whose SOURCERPM is srpm: its name, and its version
 * with the package's epoch (a source rpm's file name has none), the
 * version "" where it is the package's own.  Returns 0; RP_ERR_NOTFOUND
 * when both name and version are the package's own; inv_srpm_split's
 * errors; RP_ERR_LIMIT when the version does not fit.
 */
int inv_srpm_source(const char *srpm, const char *pname, const char *pver,
    char *name, size_t namelen, char *ver, size_t verlen);

/* Source names ("dpkg", "rpm", "app_bundle", "windows_registry", ...). */
const char *inv_source_name(enum inv_source s);
int inv_source_from_name(const char *name, enum inv_source *out);
/* The version scheme implied by a source (dpkg -> DEB, rpm -> RPM, ...). */
enum version_scheme inv_source_scheme(enum inv_source s);

/*
 * A set of hosts read from one or more files.  An inventory file holds one
 * host (CycloneDX: one BOM describes one machine) or, in native form, one
 * or more hosts.
 */
struct inv_set {
	struct inv_host **hosts;
	size_t n, cap;
};

struct inv_set *inv_set_new(void);
void inv_set_free(struct inv_set *s);
/* Takes ownership of h.  Returns 0 or RP_ERR_NOMEM (h is freed then). */
int inv_set_take(struct inv_set *s, struct inv_host *h);

/*
 * Reads an inventory file (CycloneDX JSON or native JSON, detected) and
 * appends its hosts to set.  Errors and warnings go to d with JSON
 * pointers.  Returns 0 or RP_ERR_INVALID; a file that cannot be loaded
 * gives rpjson_load's code (RP_ERR_NOTFOUND when it does not exist,
 * RP_ERR_IO, RP_ERR_LIMIT).
 *
 * Unusable hosts and software entries are skipped with a *warning* (the
 * rest of the file is kept); error-level diagnostics come only with a
 * non-zero return, and then nothing is appended (save after RP_ERR_NOMEM,
 * when some hosts may be).  Also returned:
 * RP_ERR_UNSUPPORTED (a CycloneDX specVersion other than 1.2-1.6, a native
 * format version other than 1) and RP_ERR_NOMEM.  docs/inventory.md
 * lists the fields read and written.
 */
int inventory_read_file(
    const char *path, struct inv_set *set, struct rp_diags *d);
int inventory_read_json(
    const json_t *root, struct inv_set *set, struct rp_diags *d);

/*
 * CycloneDX 1.2 to 1.6: one BOM, one host.  A BOM that names no host (no
 * metadata.component, or one that is an application, framework or
 * library) is a software list: a host named after the BOM's serialNumber,
 * else after file (may be NULL), with a note in d saying so.
 */
int cyclonedx_read(
    const json_t *root, struct inv_host **out, struct rp_diags *d);
int cyclonedx_read_named(const json_t *root, const char *file,
    struct inv_host **out, struct rp_diags *d);
/* Returns a new CycloneDX 1.5 BOM (caller decrefs), NULL on ENOMEM. */
json_t *cyclonedx_write(const struct inv_host *h);

/* Native JSON: {"rampart_inventory": 1, "hosts": [...]} */
int inv_native_read(
    const json_t *root, struct inv_set *set, struct rp_diags *d);
json_t *inv_native_write(const struct inv_host *const *hosts, size_t n);

#endif
