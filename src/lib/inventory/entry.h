/*
 * Internal to the inventory readers and writers: the bounds every field
 * read from a file must meet, the scheme names of the file formats, and
 * what a package URL says about an entry (scheme, source, arch, epoch).
 */
#ifndef RP_INVENTORY_ENTRY_H
#define RP_INVENTORY_ENTRY_H

#include <stddef.h>

#include "inventory.h"
#include "json/rpjson.h"

/* Structural bounds shared by both formats. */
#define INV_READ_MAX_HOSTS 100000 /* hosts in one native file */
#define INV_READ_MAX_SOFTWARE 200000 /* entries (components) per host */
#define INV_READ_MAX_PROPERTIES 256 /* properties on one component */
#define INV_READ_MAX_DEPTH 16 /* nested CycloneDX components */
#define INV_READ_MAX_ADDRS 4096 /* addresses per host */
#define INV_READ_MAX_PROCS 200000 /* processes per host */
#define INV_READ_MAX_CONNS 200000 /* connections per host */

enum inv_field {
	INV_F_NAME,
	INV_F_VERSION,
	INV_F_VENDOR,
	INV_F_ARCH,
	INV_F_PATH,
	INV_F_PURL,
	INV_F_CPE,
	INV_F_BUNDLE_ID,
	INV_F_HOST_NAME,
	INV_F_HOST_ID,
	INV_F_CUSTOMER,
	INV_F_OS,
	INV_F_OS_VERSION,
	INV_F_WORD, /* a source, scheme, state or protocol name */
	INV_F_IFACE,
	INV_F_IP,
	INV_F_MAC,
	INV_F_CMDLINE,
	INV_F_PROP_JSON, /* a CycloneDX property value holding JSON */
};

/* Longest accepted value of field f, in bytes. */
size_t inv_field_max(enum inv_field f);
/*
 * Whether s is acceptable for field f: not empty, at most inv_field_max()
 * bytes, no control characters.  Returns NULL when it is, else a static
 * reason for a message.
 */
const char *inv_field_check(enum inv_field f, const char *s);

/*
 * The flags every field is read with (json/rpjson.h): a field is a
 * non-empty string without control characters, of at most
 * inv_field_max() bytes.
 */
#define INV_FIELD_FLAGS (RPJSON_NONEMPTY | RPJSON_LINE)

/*
 * obj[key] as a value of field f, read with INV_FIELD_FLAGS | flags and
 * rd->then set to then (what the reader does about a bad value).  Returns
 * the string, or NULL when absent or unusable; in the latter case the
 * layer has added its diagnostic and *bad (when bad is not NULL) is set
 * to 1.
 */
const char *inv_field_get(struct rpjson_rd *rd, const json_t *obj,
    const char *key, enum inv_field f, unsigned flags, const char *then,
    int *bad);

/*
 * Scheme names as written in inventory files ("deb", "rpm", "semver",
 * "generic").  inv_scheme_from_name also accepts the names the version
 * library knows.  inv_scheme_name returns NULL for UNKNOWN.
 */
int inv_scheme_from_name(const char *name, enum version_scheme *out);
const char *inv_scheme_name(enum version_scheme s);

/*
 * Fills what a purl implies into a software entry read from a file, where
 * the file did not say: the scheme (pkg:deb -> deb, pkg:rpm -> rpm,
 * pkg:npm / pkg:cargo -> semver; else from the source), the source
 * (pkg:deb -> dpkg, pkg:rpm -> rpm), the arch (qualifier "arch") and, for
 * deb and rpm, the epoch (qualifier "epoch") when the version has none.
 * New strings are allocated from arena (the entry is copied into a host
 * afterwards).  Returns 0 or RP_ERR_NOMEM.
 */
int inv_software_complete(struct inv_software *sw, struct rp_arena *arena);

/*
 * Addresses, processes and connections as JSON objects: the native format
 * writes them as they are, CycloneDX as the compact text of one object in a
 * property value.  The writers return a new object, or NULL when out of
 * memory.
 */
json_t *inv_addr_to_json(const struct inv_addr *a);
json_t *inv_process_to_json(const struct inv_process *p);
json_t *inv_conn_to_json(const struct inv_conn *c);
/*
 * Read one such object o found at rd's path into *out (strings point into
 * o).  Returns 0, or RP_ERR_INVALID after a warning naming the pointer and
 * what was wrong (the caller skips the item).  rd->then is theirs to set.
 */
int inv_addr_from_json(
    struct rpjson_rd *rd, const json_t *o, struct inv_addr *out);
int inv_process_from_json(
    struct rpjson_rd *rd, const json_t *o, struct inv_process *out);
int inv_conn_from_json(
    struct rpjson_rd *rd, const json_t *o, struct inv_conn *out);

#endif
