/*
 * The metadata record of a quarantine entry (<id>.json): writing it, and
 * reading it back as untrusted input -- bounded, duplicate keys rejected,
 * known keys only, every value range-checked -- because the store lives
 * on disk and a damaged or planted record must not steer a restore.  A
 * stored record is sealed: its "mac" member is the HMAC-SHA-256, under
 * the store's key, of the record without "mac" in jansson's compact form
 * with sorted keys (qrecord_seal / qrecord_open).
 */
#include <errno.h>
#include <inttypes.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json/rpjson.h"
#include "qstore_int.h"
#include "util/err.h"

#define RECORD_FORMAT "rampart-quarantine-record/1"

static const char *const state_names[] = {
    [QENTRY_STORED] = "stored",
    [QENTRY_ORIGINAL_PRESENT] = "original-present",
    [QENTRY_DAMAGED] = "damaged",
};

const char *
qentry_state_name(enum qentry_state s)
{
	if ((size_t)s >= sizeof(state_names) / sizeof(state_names[0]))
		return "unknown";
	return state_names[s];
}

static int
set_num(json_t *o, const char *k, json_int_t v)
{
	return json_object_set_new(o, k, json_integer(v));
}

static int
set_str(json_t *o, const char *k, const char *v)
{
	json_t *s = json_string(v);

	return s == NULL ? -1 : json_object_set_new(o, k, s);
}

/* "path" when it is UTF-8 (jansson checks), else "path_hex". */
static int
set_path(json_t *o, const char *path)
{
	char *hex;
	size_t n;
	int r;

	if (json_object_set_new(o, "path", json_string(path)) == 0)
		return 0;
	n = strlen(path);
	if ((hex = malloc(2 * n + 1)) == NULL)
		return -1;
	qhex((const unsigned char *)path, n, hex);
	r = set_str(o, "path_hex", hex);
	free(hex);
	return r;
}

json_t *
qentry_to_json(const struct qentry *e, int with_state)
{
	char dev[24], ino[24];
	json_t *o;
	int bad = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	snprintf(dev, sizeof(dev), "%" PRIu64, (uint64_t)e->dev);
	snprintf(ino, sizeof(ino), "%" PRIu64, (uint64_t)e->ino);
	bad |= set_str(o, "format", RECORD_FORMAT);
	bad |= set_str(o, "id", e->id);
	bad |= set_path(o, e->path != NULL ? e->path : "");
	bad |= set_num(o, "mode", e->mode);
	bad |= set_num(o, "uid", e->uid);
	bad |= set_num(o, "gid", e->gid);
	bad |= set_str(o, "dev", dev);
	bad |= set_str(o, "ino", ino);
	bad |= set_num(o, "atime_sec", e->atime.tv_sec);
	bad |= set_num(o, "atime_nsec", e->atime.tv_nsec);
	bad |= set_num(o, "mtime_sec", e->mtime.tv_sec);
	bad |= set_num(o, "mtime_nsec", e->mtime.tv_nsec);
	bad |= set_num(o, "size", (json_int_t)e->size);
	bad |= set_str(o, "sha256", e->sha256);
	bad |= set_str(o, "sha1", e->sha1);
	bad |= set_str(o, "md5", e->md5);
	if (e->reason != NULL)
		bad |= set_str(o, "reason", e->reason);
	bad |= set_num(o, "quarantined_at", e->quarantined_at);
	if (with_state)
		bad |= set_str(o, "state", qentry_state_name(e->state));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *
qrecord_format(const struct qentry *e)
{
	json_t *o = qentry_to_json(e, 0);
	char *s;

	if (o == NULL)
		return NULL;
	s = json_dumps(o, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

/* ---- reading ---- */

enum kind { K_STR, K_INT };

struct field {
	const char *key;
	enum kind kind;
	int required;
	json_int_t min, max; /* K_INT */
	size_t maxlen; /* K_STR */
};

static const struct field fields[] = {
    {"format", K_STR, 1, 0, 0, 64},
    {"id", K_STR, 1, 0, 0, QUARANTINE_ID_LEN},
    {"path", K_STR, 0, 0, 0, QPATH_MAX},
    {"path_hex", K_STR, 0, 0, 0, 2 * QPATH_MAX},
    {"mode", K_INT, 1, 0, S_IFMT | 07777, 0},
    {"uid", K_INT, 1, 0, UINT32_MAX - 1, 0},
    {"gid", K_INT, 1, 0, UINT32_MAX - 1, 0},
    {"dev", K_STR, 1, 0, 0, 20},
    {"ino", K_STR, 1, 0, 0, 20},
    {"atime_sec", K_INT, 1, INT64_MIN, INT64_MAX, 0},
    {"atime_nsec", K_INT, 1, 0, 999999999, 0},
    {"mtime_sec", K_INT, 1, INT64_MIN, INT64_MAX, 0},
    {"mtime_nsec", K_INT, 1, 0, 999999999, 0},
    {"size", K_INT, 1, 0, INT64_MAX, 0},
    {"sha256", K_STR, 1, 0, 0, 64},
    {"sha1", K_STR, 1, 0, 0, 40},
    {"md5", K_STR, 1, 0, 0, 32},
    {"reason", K_STR, 0, 0, 0, QUARANTINE_REASON_MAX},
    {"quarantined_at", K_INT, 1, 0, INT64_MAX, 0},
    {"mac", K_STR, 0, 0, 0, 2 * QKEY_LEN},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* An error at member key; returns RP_ERR_INVALID. */
static int
bad(struct rpjson_rd *rd, const char *key, const char *what)
{
	rpjson_err_at(rd, key, "%s", what);
	return RP_ERR_INVALID;
}

/*
 * Checks every member's key, type and bounds against fields[]: an
 * unknown member is an error too (a record is written by the agent only).
 */
static int
check_members(json_t *o, struct rpjson_rd *rd)
{
	const char *keys[NFIELDS + 1], *s;
	json_int_t n;
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		keys[i] = fields[i].key;
	keys[NFIELDS] = NULL;
	rd->unknown = RP_DIAG_ERROR;
	if (rpjson_check_keys(rd, o, keys) != 0)
		return RP_ERR_INVALID;
	for (i = 0; i < NFIELDS; i++) {
		unsigned flags = fields[i].required ? RPJSON_REQUIRED : 0;

		if ((fields[i].kind == K_INT
			    ? rpjson_get_int(rd, o, fields[i].key,
				  fields[i].min, fields[i].max, flags, &n)
			    : rpjson_get_str(rd, o, fields[i].key,
				  fields[i].maxlen, flags, &s)) < 0)
			return RP_ERR_INVALID;
	}
	return 0;
}

static int
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return s[n] == '\0';
}

static int
get_u64(json_t *o, const char *key, uint64_t *out, struct rpjson_rd *d)
{
	const char *s = json_string_value(json_object_get(o, key));
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return bad(d, key, "must be a decimal number");
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return bad(d, key, "must be a decimal number");
	return 0;
}

static int
unhex(const char *s, char *out)
{
	size_t i, n = strlen(s) / 2;
	unsigned v;
	int c, j;

	for (i = 0; i < n; i++) {
		v = 0;
		for (j = 0; j < 2; j++) {
			c = s[2 * i + j];
			v = v << 4 |
			    (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
		}
		if (v == 0)
			return -1;
		out[i] = (char)v;
	}
	out[n] = '\0';
	return 0;
}

/* The original path from "path" or "path_hex" (exactly one). */
static int
get_path(json_t *o, struct qentry *e, struct rpjson_rd *d)
{
	const char *p = rpjson_str(o, "path"), *h = rpjson_str(o, "path_hex");
	size_t n;

	if ((p == NULL) == (h == NULL))
		return bad(d, "path", "exactly one of path and path_hex");
	if (h != NULL) {
		n = strlen(h);
		if (n == 0 || n % 2 != 0 || !is_hex(h, n))
			return bad(d, "path_hex", "must be lowercase hex");
		if ((e->path = malloc(n / 2 + 1)) == NULL)
			return RP_ERR_NOMEM;
		if (unhex(h, e->path) != 0)
			return bad(d, "path_hex", "must not contain NUL");
	} else if ((e->path = strdup(p)) == NULL)
		return RP_ERR_NOMEM;
	if (e->path[0] != '/')
		return bad(d, h != NULL ? "path_hex" : "path",
		    "must be an absolute path");
	return 0;
}

static json_int_t
num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static int
get_digest(json_t *o, const char *key, char *out, size_t n, struct rpjson_rd *d)
{
	const char *s = rpjson_str(o, key);

	if (strlen(s) != n || !is_hex(s, n))
		return bad(d, key, "must be a lowercase hex digest");
	memcpy(out, s, n + 1);
	return 0;
}

static int
fill(json_t *o, struct qentry *e, struct rpjson_rd *d)
{
	uint64_t dev, ino;
	int r;

	if (strcmp(rpjson_str(o, "format"), RECORD_FORMAT) != 0)
		return bad(d, "format", "must be \"" RECORD_FORMAT "\"");
	if (!qid_valid(rpjson_str(o, "id")))
		return bad(d, "id", "must be 32 lowercase hex digits");
	memcpy(e->id, rpjson_str(o, "id"), QUARANTINE_ID_LEN + 1);
	if ((r = get_path(o, e, d)) != 0)
		return r;
	e->mode = (mode_t)num(o, "mode");
	if (!S_ISREG(e->mode))
		return bad(d, "mode", "must be a regular file's mode");
	e->uid = (uid_t)num(o, "uid");
	e->gid = (gid_t)num(o, "gid");
	if ((r = get_u64(o, "dev", &dev, d)) != 0 ||
	    (r = get_u64(o, "ino", &ino, d)) != 0)
		return r;
	e->dev = (dev_t)dev;
	e->ino = (ino_t)ino;
	e->atime.tv_sec = (time_t)num(o, "atime_sec");
	e->atime.tv_nsec = (long)num(o, "atime_nsec");
	e->mtime.tv_sec = (time_t)num(o, "mtime_sec");
	e->mtime.tv_nsec = (long)num(o, "mtime_nsec");
	e->size = (uint64_t)num(o, "size");
	e->quarantined_at = (time_t)num(o, "quarantined_at");
	if ((r = get_digest(o, "sha256", e->sha256, 64, d)) != 0 ||
	    (r = get_digest(o, "sha1", e->sha1, 40, d)) != 0 ||
	    (r = get_digest(o, "md5", e->md5, 32, d)) != 0)
		return r;
	if (rpjson_str(o, "reason") != NULL &&
	    (e->reason = strdup(rpjson_str(o, "reason"))) == NULL)
		return RP_ERR_NOMEM;
	return 0;
}

int
qrecord_parse(
    const void *buf, size_t len, struct qentry *out, struct rp_diags *d)
{
	struct rpjson_path path;
	struct rpjson_rd rd;
	json_t *o = NULL;
	int r = RP_ERR_INVALID;

	memset(out, 0, sizeof(*out));
	rpjson_rd_init(&rd, &path, d);
	if (len > QRECORD_MAX) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "record is larger than %d bytes", QRECORD_MAX);
		goto out;
	}
	if ((o = rpjson_load_buf(buf, len, d)) == NULL)
		goto out;
	if (!json_is_object(o)) {
		rpjson_err(
		    &rd, "expected an object, got %s", rpjson_type_name(o));
		goto out;
	}
	if ((r = check_members(o, &rd)) != 0 || (r = fill(o, out, &rd)) != 0)
		goto out;
	r = 0;
out:
	if (r != 0)
		qentry_clear(out);
	json_decref(o);
	return r;
}

/* ---- the seal ---- */

/* HMAC-SHA-256 of o's canonical text (compact, sorted keys) into hex. */
static int
record_mac(json_t *o, const unsigned char *key, char *hex)
{
	unsigned char mac[32];
	size_t n = 0;
	char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	int ok;

	if (text == NULL)
		return RP_ERR_NOMEM;
	ok = EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, QKEY_LEN,
		 (const unsigned char *)text, strlen(text), mac, sizeof(mac),
		 &n) != NULL &&
	    n == sizeof(mac);
	free(text);
	if (!ok)
		return RP_ERR_INTERNAL;
	qhex(mac, sizeof(mac), hex);
	return 0;
}

char *
qrecord_seal(const struct qentry *e, const unsigned char *key)
{
	char hex[2 * QKEY_LEN + 1];
	json_t *o = qentry_to_json(e, 0);
	char *s = NULL;

	if (o == NULL)
		return NULL;
	if (record_mac(o, key, hex) == 0 && set_str(o, "mac", hex) == 0)
		s = json_dumps(o, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

int
qrecord_check_mac(const void *buf, size_t len, const unsigned char *key,
    int *unsealed, struct rp_diags *d)
{
	char want[2 * QKEY_LEN + 1], have[2 * QKEY_LEN + 1];
	const char *got;
	json_t *o = NULL;
	int r = RP_ERR_INVALID;

	*unsealed = 0;
	if (len > QRECORD_MAX) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "record is larger than %d bytes", QRECORD_MAX);
		return RP_ERR_INVALID;
	}
	if ((o = rpjson_load_buf(buf, len, d)) == NULL)
		return RP_ERR_INVALID;
	if (!json_is_object(o) || (got = rpjson_str(o, "mac")) == NULL) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "/mac",
		    "the record has no MAC (written before records were "
		    "authenticated, or not by this store; see `quarantine "
		    "adopt`)");
		*unsealed = json_is_object(o);
		goto out;
	}
	if (strlen(got) != 2 * QKEY_LEN) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "/mac",
		    "the record's MAC is not %d hex digits", 2 * QKEY_LEN);
		goto out;
	}
	memcpy(have, got, sizeof(have));
	json_object_del(o, "mac"); /* got is gone */
	if ((r = record_mac(o, key, want)) != 0)
		goto out;
	r = 0;
	if (CRYPTO_memcmp(want, have, 2 * QKEY_LEN) != 0) {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, "/mac",
		    "the record's MAC does not match: it was changed after "
		    "the store wrote it");
		r = RP_ERR_INVALID;
	}
out:
	json_decref(o);
	return r;
}

void
qentry_clear(struct qentry *e)
{
	if (e == NULL)
		return;
	free(e->path);
	free(e->reason);
	free(e->killed);
	free(e->spared);
	memset(e, 0, sizeof(*e));
}

void
qentry_list_free(struct qentry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		qentry_clear(&v[i]);
	free(v);
}
