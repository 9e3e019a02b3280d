/*
 * The allowlist guard: decides, for each indicator that would go into a
 * blocklist, whether it may be blocked and in which form, so that no list
 * ever breaks a customer's business traffic (docs/blocklists-allowlist.md,
 * docs/internals/blocklist-guard.md).
 *
 * A struct allow holds protected domain names (the built-in table, a
 * tenant's own domains, MISP warninglists) in a keyed hash table, so a
 * check is one lookup per label, and protected networks in a sorted
 * array searched by bisection.  Public suffixes come from libpsl's
 * built-in list.  Reading a guard is safe from several threads once
 * nothing is added any more.
 */
#ifndef RP_ALLOW_H
#define RP_ALLOW_H

#include <stddef.h>

#include <jansson.h>

#include "util/diag.h"

/* Bounds on what a guard holds (warninglists are hostile input too). */
#define ALLOW_MAX_NAMES 2000000
#define ALLOW_MAX_NETS 1000000
#define ALLOW_TEXT_MAX 1024 /* a list name, a reason, one list value */

struct allow;

/* What allow_check is given. */
enum allow_kind {
	ALLOW_DOMAIN, /* a name: blocking it blocks every name below it */
	ALLOW_ADDR, /* an IPv4/IPv6 address or a CIDR network */
	ALLOW_URL, /* an exact URL */
};

enum allow_result {
	ALLOW_OK, /* may be blocked as given */
	ALLOW_URL_ONLY, /* a URL on a protected host: an exact URL rule
			   (proxy, URL filter) only, never a domain or IP
			   block */
	ALLOW_REFUSED, /* must not be blocked in this form */
};

enum allow_reason {
	ALLOW_R_NONE, /* ALLOW_OK */
	ALLOW_R_PUBLIC_SUFFIX, /* "co.uk", "com", "github.io" */
	ALLOW_R_ALLOWLISTED, /* the name or address is on a list */
	ALLOW_R_UNDER_ALLOWLISTED, /* a name below a listed domain */
	ALLOW_R_PARENT_OF_ALLOWLISTED, /* blocking it blocks a listed one */
	ALLOW_R_RESERVED_ADDR, /* loopback, link-local, private... */
	ALLOW_R_TOO_WIDE, /* a network shorter than /8 (IPv4), /16 (v6) */
};

/* The shortest networks the guard lets through. */
#define ALLOW_MIN_PREFIX4 8
#define ALLOW_MIN_PREFIX6 16

/*
 * A verdict and the facts behind it.  entry, list and why point into the
 * guard (or static text) and live as long as it does.
 */
struct allow_verdict {
	enum allow_result result;
	enum allow_reason reason;
	char subject[256]; /* the name or network checked (a URL's host) */
	const char *entry; /* the list entry that matched, or NULL */
	const char *list; /* the list it came from ("built-in"), or NULL */
	const char *why; /* that entry's one-line reason, or NULL */
};

/* A new empty guard (no built-in entries), or NULL when out of memory. */
struct allow *allow_new(void);
/* Frees a and all it owns; NULL is a no-op. */
void allow_free(struct allow *a);

/*
 * Adds the built-in table (docs/blocklists-allowlist.md).  An entry the
 * system's public suffix list has since made a public suffix is left
 * out: the suffix rule refuses it anyway.  Returns 0, RP_ERR_LIMIT or
 * RP_ERR_NOMEM.
 */
int allow_add_builtin(struct allow *a);
/* How many names and networks a holds (for reports: "1 234 names"). */
void allow_count(const struct allow *a, size_t *names, size_t *nets);
/* How many built-in entries allow_add_builtin left out as suffixes. */
size_t allow_builtin_skipped(const struct allow *a);

/*
 * Protects name and every name below it (strings copied); list_name says
 * where it came from ("tenant acme"), why is a one-line reason (may be
 * NULL).  Returns 0 (also when already present), RP_ERR_INVALID (not a
 * host name, or a public suffix: that would shield every site below
 * it), RP_ERR_LIMIT or RP_ERR_NOMEM.
 */
int allow_add_domain(
    struct allow *a, const char *name, const char *list_name, const char *why);
/*
 * Protects an address or CIDR network ("192.0.2.0/24", "2001:db8::/32";
 * host bits are cleared).  Same returns (RP_ERR_INVALID: not one).
 */
int allow_add_cidr(
    struct allow *a, const char *cidr, const char *list_name, const char *why);

/*
 * Reads a MISP warninglist ({"name", "version", "description", "type",
 * "list", "matching_attributes"}) into a.  "hostname" entries protect
 * the name and the names below it, "string" entries that are host names
 * only the exact name (as MISP matches them), addresses and networks in
 * "string", "hostname" and "cidr" lists protect the network; the list's
 * description is each entry's reason, name (NULL: the list's "name") its
 * list.  "substring" and "regex" lists are not applied: one note in d
 * names the list.  A value that is none of these, or a public suffix, is
 * a warning at its JSON pointer (/list/3) and left out.  At most
 * ALLOW_MAX_NAMES entries per list, values of at most ALLOW_TEXT_MAX
 * bytes.  Returns 0, RP_ERR_INVALID (not a warninglist: error in d),
 * RP_ERR_NOTFOUND / RP_ERR_IO (file), RP_ERR_LIMIT or RP_ERR_NOMEM.
 */
int allow_read_warninglist_json(
    struct allow *a, json_t *root, const char *name, struct rp_diags *d);
int allow_read_warninglist_file(
    struct allow *a, const char *path, struct rp_diags *d);

/*
 * One entry of a warninglist as allow_read_warninglist_each hands it
 * on, after the same checks and normalisation as the guard's own.  The
 * strings live for the call only.
 */
struct allow_wl_entry {
	const char *list; /* the list's name (or the name given) */
	const char *why; /* its description, or NULL */
	const char *type; /* "hostname", "string", "cidr", "substring"... */
	const char *value; /* NULL: the list itself, before its entries */
	int net; /* value is a network ("192.0.2.0/24", host bits cleared) */
	int subtree; /* a name: the names below it are protected too */
};
/*
 * Reads a MISP warninglist as allow_read_warninglist_json does, into no
 * guard: fn is called first once for the list (value NULL; a
 * "substring" or "regex" list, not applicable, gets no further call and
 * the reason as a note in d), then once for each entry that a guard
 * would hold.  A non-zero return of fn stops the read and is returned.
 * Same returns otherwise.
 */
int allow_read_warninglist_each(json_t *root, const char *name,
    int (*fn)(const struct allow_wl_entry *e, void *arg), void *arg,
    struct rp_diags *d);

/*
 * Whether value (of kind) may be blocked; fills *v.  Domains and URLs
 * are taken as written or in normalised form (case, trailing dot).
 * Returns 0, or RP_ERR_INVALID when value is not of its kind (v is then
 * unchanged).
 */
int allow_check(const struct allow *a, enum allow_kind kind, const char *value,
    struct allow_verdict *v);

/*
 * The verdict as an English sentence for the CLI and UI ("raw.
 * githubusercontent.com is on the built-in allowlist (GitHub content;
 * blocking it stops developers)"), written into buf (len bytes, cut if
 * need be).  Returns buf.
 */
const char *allow_reason_text(
    const struct allow_verdict *v, char *buf, size_t len);
/* The reason's short name: "public-suffix", "allowlisted"... */
const char *allow_reason_name(enum allow_reason r);

#endif
