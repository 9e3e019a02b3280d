/*
 * What the feed importers (MISP, STIX) share: adding a value found at a
 * JSON pointer as a tolerant reader does (a bad value is a warning there,
 * not the end of the import), and the count of entries of kinds the
 * model does not hold, so that an import never drops anything silently.
 */
#include <string.h>

#include "json/rpjson.h"
#include "util/err.h"

#include "ioc_int.h"

/* The slot of type in st->skipped, made when new; past the limit, or
 * for a name that is too long or not UTF-8, the "(other)" slot. */
static size_t
skip_slot(struct ioc_import *st, const char *type)
{
	static const char other[] = "(other)";
	size_t i, n = strlen(type);

	if (n >= sizeof(st->skipped[0].type) || !ioc_utf8_valid(type, n))
		type = other;
	for (;;) {
		for (i = 0; i < st->nskiptypes; i++) {
			if (strcmp(st->skipped[i].type, type) == 0)
				return i;
		}
		/* the last slot is kept for everything past the limit */
		if (st->nskiptypes < IOC_IMPORT_MAX_TYPES - 1 || type == other)
			break;
		type = other;
	}
	n = strlen(type);
	memcpy(st->skipped[i].type, type, n + 1);
	st->skipped[i].n = 0;
	st->nskiptypes++;
	return i;
}

void
ioc_import_skip(struct ioc_import *st, const char *type)
{
	st->nskipped++;
	st->skipped[skip_slot(st, type)].n++;
}

void
ioc_import_merge(struct ioc_import *st, const struct ioc_import *from)
{
	size_t i;

	st->nread += from->nread;
	st->ninvalid += from->ninvalid;
	st->ndeleted += from->ndeleted;
	st->nskipped += from->nskipped;
	for (i = 0; i < from->nskiptypes; i++)
		st->skipped[skip_slot(st, from->skipped[i].type)].n +=
		    from->skipped[i].n;
}

void
ioc_import_notes(
    const struct ioc_import *st, const char *what, struct rp_diags *d)
{
	size_t i;

	for (i = 0; i < st->nskiptypes; i++)
		rp_diags_add(d, RP_DIAG_NOTE, NULL, NULL,
		    "%zu %s of type \"%s\" skipped: not a kind of indicator "
		    "a sweep uses (hashes, file names, domains, IP addresses, "
		    "URLs)",
		    st->skipped[i].n, what, st->skipped[i].type);
}

int
ioc_import_add(struct ioc_bundle *b, struct ioc_import *st, enum ioc_type t,
    enum ioc_mode mode, const char *value, const char *source,
    const char *comment, struct rp_diags *d, const char *ptr)
{
	char buf[IOC_NORM_MAX];
	const char *why;
	int r;

	if (ioc_normalize(t, value, buf, sizeof(buf), &why) != 0) {
		rp_diags_add(d, RP_DIAG_WARNING, NULL, ptr,
		    "not a valid %s, \"%.100s\": %s; skipped", ioc_type_name(t),
		    value, why);
		st->ninvalid++;
		return 0;
	}
	if (comment != NULL &&
	    (strlen(comment) > IOC_VALUE_MAX ||
		!ioc_utf8_valid(comment, strlen(comment))))
		comment = NULL;
	r = ioc_bundle_add_mode_at(b, t, mode, value, source, comment, d, ptr);
	if (r == 0)
		st->nread++;
	else if (r == RP_ERR_INVALID)
		st->ninvalid++;
	else
		return r;
	return 0;
}

int
ioc_read_json_file(const char *path, size_t max,
    int (*fn)(const json_t *, const char *, struct ioc_bundle *,
	struct ioc_import *, struct rp_diags *),
    struct ioc_bundle *b, struct ioc_import *st, struct rp_diags *d)
{
	json_t *root = NULL;
	const char *base;
	int r;

	if (path == NULL || b == NULL)
		return RP_ERR_ARG;
	if ((r = rpjson_load(path, max, &root, d)) != 0)
		return r;
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	r = fn(root, base, b, st, d);
	json_decref(root);
	return r;
}
