/*
 * Collectors: what is installed on a machine and what it is doing, read
 * from the package databases and /proc.  Every collector reads below a
 * root directory ("/" for the live system, or a mounted disk image for
 * offline forensics) and never writes there.
 *
 * Each adds to a struct inv_host the caller owns.  A database that does
 * not exist under root is RP_ERR_NOTFOUND (nothing to report, not an
 * error); one that exists but cannot be read is an error in d naming the
 * file and what was wrong, and a non-zero return.
 */
#ifndef RP_COLLECTORS_H
#define RP_COLLECTORS_H

#include <stddef.h>

#include "inventory/inventory.h"
#include "util/diag.h"

/* Where a collector can run. */
enum collect_platform {
	COLLECT_FILES, /* files below the root: the live system or an image */
	COLLECT_LINUX_LIVE, /* the running Linux kernel (/proc): live only */
};

/* One row of the registry (registry.c). */
struct collector {
	const char *name; /* for --only and messages: "dpkg" */
	const char *description; /* one line for --help */
	enum collect_platform platform;
	/* The source of the software entries it adds; the dispatcher sets it
	   on those the collector left INV_SOURCE_UNKNOWN.  UNKNOWN for a
	   collector that adds none. */
	enum inv_source source;
	int (*run)(const char *root, struct inv_host *h, struct rp_diags *d);
};

/* The registry, in the order the collectors run; *n is its length. */
const struct collector *collectors_list(size_t *n);

/* Every collector (bit i stands for collectors_list()[i]). */
#define COLLECT_ALL (~0u)

/*
 * Parses a comma-separated list of collector names ("dpkg,rpm"; one
 * trailing comma allowed) into *what.  Returns 0; RP_ERR_NOTFOUND with
 * *bad and *badlen (either may be NULL) the first unknown name in list
 * (not NUL-terminated); RP_ERR_ARG when the list is empty.
 */
int collect_select(
    const char *list, unsigned *what, const char **bad, size_t *badlen);

/*
 * Runs the collectors in what against root (NULL means "/").  The live
 * ones (COLLECT_LINUX_LIVE) run only when root is "/".  A missing
 * database is skipped; any other failure is recorded in d and the other
 * collectors still run.  Returns 0 when every collector that found its
 * data read it, RP_ERR_NOMEM, else the first error.
 */
int collect_inventory(
    const char *root, unsigned what, struct inv_host *h, struct rp_diags *d);

int collect_host(const char *root, struct inv_host *h, struct rp_diags *d);
/* var/lib/dpkg/status and var/lib/dpkg/status.d/ (distroless images). */
int collect_dpkg(const char *root, struct inv_host *h, struct rp_diags *d);
/* var/lib/rpm or usr/lib/sysimage/rpm through librpm. */
int collect_rpm(const char *root, struct inv_host *h, struct rp_diags *d);
int collect_flatpak(const char *root, struct inv_host *h, struct rp_diags *d);
int collect_snap(const char *root, struct inv_host *h, struct rp_diags *d);
/* Applications/ and Users/<name>/Applications/, each *.app. */
int collect_apps(const char *root, struct inv_host *h, struct rp_diags *d);
int collect_processes(struct inv_host *h, struct rp_diags *d);
int collect_connections(struct inv_host *h, struct rp_diags *d);

/*
 * Parses a dpkg status file's text (name labels diagnostics, which carry
 * line numbers).  Returns 0, RP_ERR_INVALID, RP_ERR_LIMIT or RP_ERR_NOMEM.
 */
int dpkg_status_parse(const char *buf, size_t len, const char *name,
    struct inv_host *h, struct rp_diags *d);

/* A socket inode and the process that holds it open. */
struct proc_sock {
	unsigned long inode;
	long pid;
};

/*
 * Parses the text of /proc/net/tcp, tcp6, udp or udp6 (name labels
 * diagnostics; proto is "tcp" or "udp"; v6 whether addresses are IPv6, in
 * this machine's byte order as the kernel prints them) and adds one
 * connection per socket line.  socks (sorted by inode, may be NULL) gives
 * the owning pid, else -1.  A malformed line is an error in d with its
 * line number and is skipped.  Returns 0, RP_ERR_INVALID, RP_ERR_LIMIT or
 * RP_ERR_NOMEM.
 */
int proc_net_parse(const char *buf, size_t len, const char *name,
    const char *proto, int v6, const struct proc_sock *socks, size_t nsocks,
    struct inv_host *h, struct rp_diags *d);

/*
 * Takes a confined reader's answer (collectors/confined.c): buf[0..len)
 * must be one JSON object {"rc": code, "inventory": native inventory of
 * one host, "diags": [[level, line, text], ...]}, every field checked as
 * the native inventory reader checks a file.  Copies the host's OS (when
 * h has none) and software into h and the diagnostics into d.  Returns
 * the child's code, RP_ERR_INVALID (an error in d names what) or
 * RP_ERR_NOMEM.  Exported for the fuzz target: the answer is untrusted.
 */
int coll_confined_take(const char *what, const char *buf, size_t len,
    struct inv_host *h, struct rp_diags *d);

/*
 * Parses an Info.plist (XML or binary) of the bundle at bundle_path and
 * adds the application it describes.  Returns 0, RP_ERR_INVALID (not a
 * plist, or no name or version), RP_ERR_LIMIT (over 4 MiB) or RP_ERR_NOMEM;
 * every failure but RP_ERR_NOMEM has an error in d naming the file.
 */
int app_plist_parse(const char *buf, size_t len, const char *bundle_path,
    struct inv_host *h, struct rp_diags *d);

/*
 * Reads what flatpak recorded in a deployment's `deploy` file (a GVariant
 * of type (ssasta{sv})): the "appdata-version" and "appdata-name" strings.
 * *version and *name point into buf (NULL when absent).  Returns 0 or
 * RP_ERR_INVALID (not such a file; both NULL then).
 */
int flatpak_deploy_parse(
    const char *buf, size_t len, const char **version, const char **name);

#endif
