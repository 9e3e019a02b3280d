/*
 * Uploads of agents, checked before anything is stored
 * (docs/agent-protocol.md): an inventory is refused whole, with the JSON
 * pointer of its first problem, when any key is unknown, any software
 * entry is one the native inventory reader would skip or warn about, or
 * any of the host's addresses is not an address in canonical text; a
 * sweep report likewise, uploaded or in a sweep job's results, and the
 * quarantine entries a job's results name (docs/jobs.md).  The body is already bounded by the HTTP
 * layer's cap; the counts are bounded here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "findings.h"
#include "inventory/inventory.h"
#include "proto/proto.h"
#include "util/ascii.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/rfc3339.h"

#define HOST_TEXT_MAX 255

/* What the checks let through fits the store's rows. */
_Static_assert(FND_ADDRS_MAX == PROTO_ADDRS_MAX &&
	PROTO_IP_MAX < sizeof(((struct store_addr *)0)->ip) &&
	PROTO_IFACE_MAX < sizeof(((struct store_addr *)0)->iface) &&
	PROTO_MAC_MAX < sizeof(((struct store_addr *)0)->mac),
    "host addresses fit struct store_addr");

static int fail(struct fnd_err *e, int r, const char *field, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static int
fail(struct fnd_err *e, int r, const char *field, const char *fmt, ...)
{
	va_list ap;

	snprintf(e->field, sizeof(e->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return r;
}

/* Whether o has only the keys of the NULL-terminated list. */
static const char *
unknown_key(const json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach((json_t *)o, k, v)
	{
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(keys[i], k) == 0)
				break;
		if (keys[i] == NULL)
			return k;
	}
	return NULL;
}

static void
entries_free(struct fnd_entry *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i].json);
	free(v);
}

void
fnd_upload_free(struct fnd_upload *u)
{
	if (u == NULL)
		return;
	free(u->name);
	free(u->os);
	free(u->os_version);
	free(u->arch);
	free(u->addrs);
	entries_free(u->add, u->nadd);
	entries_free(u->rm, u->nrm);
	inv_host_free(u->add_host);
	free(u);
}

/*
 * Checks the array at key with the native reader: a document of one host
 * holding the entries (borrowed), so exactly what an inventory file may
 * hold is accepted.  The reader's first diagnostic, warning or not,
 * refuses the upload; its pointer is moved onto the upload's array.
 */
static int
check_entries(const json_t *arr, const char *key, struct fnd_err *e,
    struct inv_host **host)
{
	struct rp_diags *d = rp_diags_new();
	struct inv_set *set = inv_set_new();
	json_t *doc = NULL;
	char prefix[64];
	int r = RP_ERR_NOMEM;

	if (d == NULL || set == NULL)
		goto out;
	doc = json_pack("{s:i,s:[{s:s,s:O}]}", "rampart_inventory", 1, "hosts",
	    "name", "upload", "software", arr);
	if (doc == NULL)
		goto out;
	r = inv_native_read(doc, set, d);
	if (r == RP_ERR_NOMEM)
		goto out;
	if (r == 0 && d->n == 0 && set->n == 1 &&
	    set->hosts[0]->nsw == json_array_size(arr)) {
		if (host != NULL) {
			*host = set->hosts[0];
			set->n = 0;
		}
		r = 0;
		goto out;
	}
	snprintf(prefix, sizeof(prefix), "/hosts/0/software");
	if (d->n > 0 && d->v[0].pointer != NULL &&
	    strncmp(d->v[0].pointer, prefix, strlen(prefix)) == 0)
		r = fail(e, RP_ERR_INVALID, "", "%s", d->v[0].msg),
		snprintf(e->field, sizeof(e->field), "/%s%s", key,
		    d->v[0].pointer + strlen(prefix));
	else
		r = fail(e, RP_ERR_INVALID, key, "%s",
		    d->n > 0 ? d->v[0].msg : "a software entry is not usable");
out:
	json_decref(doc);
	inv_set_free(set);
	rp_diags_free(d);
	return r;
}

/* The entries of array key (absent: none) into *v, canonical. */
static int
entries(const json_t *body, const char *key, int required, struct fnd_entry **v,
    size_t *n, struct inv_host **host, struct fnd_err *e)
{
	const json_t *arr = json_object_get(body, key);
	struct fnd_entry *out;
	char hex[65];
	size_t i;
	json_t *o;
	int r;

	*v = NULL;
	*n = 0;
	if (arr == NULL)
		return required ? fail(e, RP_ERR_INVALID, key,
				      "an array of software entries is "
				      "required")
				: 0;
	if (!json_is_array(arr))
		return fail(e, RP_ERR_INVALID, key,
		    "expected an array of software entries");
	if (json_array_size(arr) > FND_SOFTWARE_MAX)
		return fail(e, RP_ERR_LIMIT, key,
		    "more than %d software entries", FND_SOFTWARE_MAX);
	if ((r = check_entries(arr, key, e, host)) != 0)
		return r;
	/* On failure from here the caller frees *host with the upload. */
	if ((out = calloc(json_array_size(arr) + 1, sizeof(*out))) == NULL)
		return RP_ERR_NOMEM;
	json_array_foreach(arr, i, o)
	{
		out[i].json = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		if (out[i].json == NULL) {
			entries_free(out, i);
			return RP_ERR_NOMEM;
		}
		crypto_sha256_hex(out[i].json, strlen(out[i].json), hex);
		memcpy(out[i].ident, hex, 16);
		out[i].ident[16] = '\0';
	}
	*v = out;
	*n = json_array_size(arr);
	return 0;
}

/* An optional string of the host object into *out (copied). */
static int
host_str(const json_t *host, const char *key, char **out, struct fnd_err *e)
{
	const json_t *v = json_object_get(host, key);
	char f[32];

	if (v == NULL)
		return 0;
	snprintf(f, sizeof(f), "/host/%s", key);
	if (!json_is_string(v) || json_string_length(v) > HOST_TEXT_MAX ||
	    memchr(json_string_value(v), '\0', json_string_length(v)) != NULL)
		return fail(e, RP_ERR_INVALID, f,
		    "expected a string of at most %d bytes", HOST_TEXT_MAX);
	if ((*out = strdup(json_string_value(v))) == NULL)
		return RP_ERR_NOMEM;
	return 0;
}

/* A string member of an address: its value, or NULL (absent or not a
 * string without NUL of at most max bytes). */
static const char *
addr_str(const json_t *o, const char *key, size_t max, size_t *n)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return NULL;
	*n = json_string_length(v);
	if (*n > max || strlen(json_string_value(v)) != *n)
		return NULL;
	return json_string_value(v);
}

/* Checks address o, the i-th of host.addresses, into *a. */
static int
host_addr(const json_t *o, size_t i, struct store_addr *a, struct fnd_err *e)
{
	static const char *const keys[] = {"ip", "iface", "mac", NULL};
	const json_t *mv = json_object_get(o, "mac");
	const char *k, *ip, *iface, *mac = NULL;
	char f[64], canon[PROTO_IP_MAX + 1];
	unsigned char b[16];
	size_t n = 0;

	snprintf(f, sizeof(f), "/host/addresses/%zu", i);
	if (!json_is_object(o))
		return fail(e, RP_ERR_INVALID, f,
		    "expected an address: {\"ip\", \"iface\", \"mac\"?}");
	if ((k = unknown_key(o, keys)) != NULL)
		return fail(e, RP_ERR_INVALID, f,
		    "unknown key \"%.100s\" (ip, iface, mac expected)", k);
	snprintf(f, sizeof(f), "/host/addresses/%zu/ip", i);
	ip = addr_str(o, "ip", PROTO_IP_MAX, &n);
	if (ip == NULL || proto_ip_parse(ip, b, canon) == 0)
		return fail(
		    e, RP_ERR_INVALID, f, "expected an IPv4 or IPv6 address");
	if (strcmp(ip, canon) != 0)
		return fail(e, RP_ERR_INVALID, f,
		    "expected the address in canonical form: \"%s\"", canon);
	snprintf(f, sizeof(f), "/host/addresses/%zu/iface", i);
	iface = addr_str(o, "iface", PROTO_IFACE_MAX, &n);
	if (iface == NULL || !proto_iface_ok(iface, n))
		return fail(e, RP_ERR_INVALID, f,
		    "expected the interface's name: 1 to %d bytes without "
		    "control characters",
		    PROTO_IFACE_MAX);
	snprintf(f, sizeof(f), "/host/addresses/%zu/mac", i);
	if (mv != NULL && !json_is_null(mv) &&
	    ((mac = addr_str(o, "mac", PROTO_MAC_MAX, &n)) == NULL ||
		!proto_mac_ok(mac, n)))
		return fail(e, RP_ERR_INVALID, f,
		    "expected a link address (\"52:54:00:12:34:56\": 1 to 20 "
		    "octets in lower-case hex, colon-separated) or null");
	snprintf(a->ip, sizeof(a->ip), "%s", ip);
	snprintf(a->iface, sizeof(a->iface), "%s", iface);
	snprintf(a->mac, sizeof(a->mac), "%s", mac != NULL ? mac : "");
	return 0;
}

/* host.addresses, when given: the host's addresses replace its own. */
static int
host_addrs(const json_t *host, struct fnd_upload *u, struct fnd_err *e)
{
	const json_t *arr = json_object_get(host, "addresses"), *o;
	size_t i;
	int r;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > FND_ADDRS_MAX)
		return fail(e, RP_ERR_INVALID, "/host/addresses",
		    "expected an array of at most %d addresses", FND_ADDRS_MAX);
	u->addrs = calloc(json_array_size(arr) + 1, sizeof(*u->addrs));
	if (u->addrs == NULL)
		return RP_ERR_NOMEM;
	json_array_foreach(arr, i, o)
	{
		if ((r = host_addr(o, i, &u->addrs[i], e)) != 0)
			return r;
	}
	u->naddrs = json_array_size(arr);
	u->have_addrs = 1;
	return 0;
}

static int
host_fields(const json_t *body, struct fnd_upload *u, struct fnd_err *e)
{
	static const char *const keys[] = {
	    "name", "id", "os", "os_version", "arch", "addresses", NULL};
	const json_t *host = json_object_get(body, "host");
	const char *k;
	int r;

	if (host == NULL)
		return u->full ? fail(e, RP_ERR_INVALID, "/host",
				     "a full inventory names its host")
			       : 0;
	if (!json_is_object(host))
		return fail(e, RP_ERR_INVALID, "/host", "expected an object");
	if ((k = unknown_key(host, keys)) != NULL)
		return fail(e, RP_ERR_INVALID, "/host",
		    "unknown key \"%.100s\" (name, id, os, os_version, arch, "
		    "addresses expected)",
		    k);
	if ((r = host_str(host, "name", &u->name, e)) != 0 ||
	    (r = host_str(host, "os", &u->os, e)) != 0 ||
	    (r = host_str(host, "os_version", &u->os_version, e)) != 0 ||
	    (r = host_str(host, "arch", &u->arch, e)) != 0)
		return r;
	return host_addrs(host, u, e);
}

/* A positive integer member (required). */
static int
seq_of(const json_t *body, const char *key, int64_t *out, struct fnd_err *e)
{
	const json_t *v = json_object_get(body, key);
	char f[32];

	snprintf(f, sizeof(f), "/%s", key);
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return fail(
		    e, RP_ERR_INVALID, f, "expected a positive integer");
	*out = json_integer_value(v);
	return 0;
}

int
fnd_upload_parse(
    const json_t *body, struct fnd_upload **out, struct fnd_err *err)
{
	static const char *const keys[] = {
	    "seq", "kind", "base", "host", "software", "add", "remove", NULL};
	const char *kind = json_string_value(json_object_get(body, "kind"));
	struct fnd_upload *u;
	const char *k;
	int r;

	if ((k = unknown_key(body, keys)) != NULL)
		return fail(err, RP_ERR_INVALID, "",
		    "unknown key \"%.100s\" (seq, kind, base, host, software, "
		    "add, remove expected)",
		    k);
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return RP_ERR_NOMEM;
	u->full = kind != NULL && strcmp(kind, "full") == 0;
	if ((r = seq_of(body, "seq", &u->seq, err)) != 0)
		goto out;
	if (kind == NULL || (!u->full && strcmp(kind, "delta") != 0)) {
		r = fail(err, RP_ERR_INVALID, "/kind",
		    "expected \"full\" or \"delta\"");
		goto out;
	}
	if (u->full &&
	    (json_object_get(body, "add") != NULL ||
		json_object_get(body, "remove") != NULL ||
		json_object_get(body, "base") != NULL)) {
		r = fail(err, RP_ERR_INVALID, "",
		    "a full inventory has software, not base, add or remove");
		goto out;
	}
	if (!u->full && json_object_get(body, "software") != NULL) {
		r = fail(err, RP_ERR_INVALID, "/software",
		    "a delta has add and remove, not software");
		goto out;
	}
	if ((r = host_fields(body, u, err)) != 0)
		goto out;
	if (u->full)
		r = entries(
		    body, "software", 1, &u->add, &u->nadd, &u->add_host, err);
	else if ((r = seq_of(body, "base", &u->base, err)) == 0 &&
	    (r = entries(
		 body, "add", 0, &u->add, &u->nadd, &u->add_host, err)) == 0)
		r = entries(body, "remove", 0, &u->rm, &u->nrm, NULL, err);
out:
	if (r != 0) {
		fnd_upload_free(u);
		return r;
	}
	*out = u;
	return 0;
}

void
fnd_sweep_free(struct fnd_sweep *s)
{
	if (s == NULL)
		return;
	free(s->hits);
	free(s->report);
	free(s);
}

/* What matched a hit, one line: "sha256:<hex>", "yara:ns/rule". */
static void
hit_what(const json_t *hit, char *out, size_t len)
{
	const json_t *m = json_array_get(json_object_get(hit, "matches"), 0);
	const char *type = json_string_value(json_object_get(m, "type"));
	const char *a, *b;

	if (type == NULL) {
		snprintf(out, len, "sweep hit");
		return;
	}
	if (strcmp(type, "yara") == 0) {
		a = json_string_value(json_object_get(m, "namespace"));
		b = json_string_value(json_object_get(m, "rule"));
		snprintf(out, len, "yara:%s/%s", a ? a : "", b ? b : "");
		return;
	}
	b = json_string_value(json_object_get(m, "value"));
	snprintf(out, len, "%s:%s", type, b ? b : "");
}

/* The pointer of member sub of hit i of the report at `at`, in f. */
static const char *
hitf(char *f, size_t len, const char *at, size_t i, const char *sub)
{
	snprintf(f, len, "%s/hits/%zu%s", at, i, sub);
	return f;
}

/* Checks hit i of the report at `at` into h (strings borrowed). */
static int
sweep_hit(const json_t *o, const char *at, size_t i, struct fnd_hit *h,
    struct fnd_err *e)
{
	static const char *const kinds[] = {"file", "process", "connection"};
	const json_t *ms = json_object_get(o, "matches"), *m;
	char f[64];
	size_t k;

	hitf(f, sizeof(f), at, i, "");
	if (!json_is_object(o))
		return fail(e, RP_ERR_INVALID, f, "expected a hit object");
	h->kind = json_string_value(json_object_get(o, "kind"));
	for (k = 0; h->kind != NULL && k < 3; k++)
		if (strcmp(h->kind, kinds[k]) == 0)
			break;
	if (h->kind == NULL || k == 3)
		return fail(e, RP_ERR_INVALID,
		    hitf(f, sizeof(f), at, i, "/kind"),
		    "expected \"file\", \"process\" or \"connection\"");
	h->path = json_string_value(json_object_get(o, "path"));
	h->sha256 = json_string_value(json_object_get(o, "sha256"));
	if (h->sha256 != NULL && strlen(h->sha256) != 64)
		return fail(e, RP_ERR_INVALID,
		    hitf(f, sizeof(f), at, i, "/sha256"),
		    "expected 64 hexadecimal digits");
	for (k = 0; h->sha256 != NULL && k < 64; k++)
		if (!rp_isxdigit((unsigned char)h->sha256[k]))
			return fail(e, RP_ERR_INVALID,
			    hitf(f, sizeof(f), at, i, "/sha256"),
			    "expected 64 hexadecimal digits");
	if (!json_is_array(ms) || json_array_size(ms) > 64)
		return fail(e, RP_ERR_INVALID,
		    hitf(f, sizeof(f), at, i, "/matches"),
		    "expected an array of at most 64 matches");
	json_array_foreach(ms, k, m) if (!json_is_object(m) ||
	    !json_is_string(json_object_get(m, "type"))) return fail(e,
	    RP_ERR_INVALID, hitf(f, sizeof(f), at, i, "/matches"),
	    "expected match objects with a type");
	hit_what(o, h->what, sizeof(h->what));
	return 0;
}

/* The report at JSON pointer `at` of the body. */
static int
sweep_report(
    const json_t *rep, const char *at, struct fnd_sweep *s, struct fnd_err *e)
{
	const json_t *hits = json_object_get(rep, "hits"), *o;
	char f[64];
	size_t i;
	int r;

	if (!json_is_object(rep) ||
	    !json_is_integer(json_object_get(rep, "rampart_sweep")))
		return fail(e, RP_ERR_INVALID, at,
		    "expected the report of rampart-agent sweep --json");
	snprintf(f, sizeof(f), "%s/hits", at);
	if (!json_is_array(hits))
		return fail(e, RP_ERR_INVALID, f, "expected an array of hits");
	if (json_array_size(hits) > FND_HITS_MAX)
		return fail(
		    e, RP_ERR_LIMIT, f, "more than %d hits", FND_HITS_MAX);
	s->hits = calloc(json_array_size(hits) + 1, sizeof(*s->hits));
	if (s->hits == NULL)
		return RP_ERR_NOMEM;
	json_array_foreach(hits, i, o)
	{
		if ((r = sweep_hit(o, at, i, &s->hits[i], e)) != 0)
			return r;
		s->nhits = i + 1;
	}
	s->report = json_dumps(rep, JSON_COMPACT);
	return s->report != NULL ? 0 : RP_ERR_NOMEM;
}

int
fnd_sweep_parse(const json_t *body, struct fnd_sweep **out, struct fnd_err *err)
{
	static const char *const keys[] = {"seq", "started_at", "report", NULL};
	const char *at = json_string_value(json_object_get(body, "started_at"));
	struct fnd_sweep *s;
	struct rp_time t;
	const char *k;
	int r;

	if ((k = unknown_key(body, keys)) != NULL)
		return fail(err, RP_ERR_INVALID, "",
		    "unknown key \"%.100s\" (seq, started_at, report "
		    "expected)",
		    k);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return RP_ERR_NOMEM;
	if ((r = seq_of(body, "seq", &s->seq, err)) != 0)
		goto out;
	if (at == NULL || rp_rfc3339_parse(at, &t, NULL) != 0) {
		r = fail(err, RP_ERR_INVALID, "/started_at",
		    "expected an RFC 3339 time");
		goto out;
	}
	s->started_at = t.sec;
	r = sweep_report(json_object_get(body, "report"), "/report", s, err);
out:
	if (r != 0) {
		fnd_sweep_free(s);
		return r;
	}
	*out = s;
	return 0;
}

/* --- job results ---------------------------------------------------------- */

void
fnd_job_result_free(struct fnd_job_result *r)
{
	if (r == NULL)
		return;
	fnd_sweep_free(r->sweep);
	free(r->entries);
	free(r);
}

/* Whether v is a string of exactly n lower-case hex digits (n 0: any
 * length of hex digits, none included). */
static int
lower_hex(const char *v, size_t n)
{
	size_t i;

	if (v == NULL || (n > 0 && strlen(v) != n))
		return 0;
	for (i = 0; v[i] != '\0'; i++)
		if (!rp_isdigit(v[i]) && !(v[i] >= 'a' && v[i] <= 'f'))
			return 0;
	return 1;
}

/* Checks an entry ID, q->path (when set) and a hash (absent or null:
 * not said) of the object at pointer `at` into q (borrowed). */
static int
qentry_of(
    const json_t *o, const char *at, struct fnd_qentry *q, struct fnd_err *e)
{
	const json_t *hv = json_object_get(o, "sha256");
	const char *sha = json_string_value(hv);
	const char *bad = NULL, *want = NULL;
	char f[96];

	q->entry = json_string_value(json_object_get(o, "entry"));
	q->sha256 = sha != NULL ? sha : "";
	if (!lower_hex(q->entry, FND_QENTRY_LEN)) {
		bad = "entry";
		want = "a quarantine entry ID (32 lower-case hex digits)";
	} else if (hv != NULL && !json_is_null(hv) && !lower_hex(sha, 64)) {
		bad = "sha256";
		want = "64 lower-case hex digits";
	} else if (q->path != NULL &&
	    (q->path[0] != '/' || strlen(q->path) > FND_PATH_MAX)) {
		bad = "path";
		want = "an absolute path of at most 16384 bytes";
	}
	if (bad == NULL)
		return 0;
	snprintf(f, sizeof(f), "%s/%s", at, bad);
	return fail(e, RP_ERR_INVALID, f, "expected %s", want);
}

/* The entries a sweep job's quarantine made: each item of the report's
 * "quarantine" with an entry (those with an error took nothing). */
static int
sweep_entries(const json_t *rep, struct fnd_job_result *out, struct fnd_err *e)
{
	const json_t *items = json_object_get(rep, "quarantine"), *o;
	struct fnd_qentry *q;
	char at[64];
	size_t i;
	int r;

	if (items == NULL)
		return 0;
	if (!json_is_array(items))
		return fail(e, RP_ERR_INVALID, "/results/0/quarantine",
		    "expected an array");
	if (json_array_size(items) > FND_HITS_MAX)
		return fail(e, RP_ERR_LIMIT, "/results/0/quarantine",
		    "more than %d items", FND_HITS_MAX);
	out->entries = calloc(json_array_size(items) + 1, sizeof(*q));
	if (out->entries == NULL)
		return RP_ERR_NOMEM;
	json_array_foreach(items, i, o)
	{
		const json_t *hit = json_object_get(o, "hit");
		json_int_t h = json_integer_value(hit);

		snprintf(at, sizeof(at), "/results/0/quarantine/%zu", i);
		/* a hit past the report's is one cut from it */
		if (!json_is_object(o) || !json_is_integer(hit) || h < 0 ||
		    ((size_t)h >= out->sweep->nhits &&
			!json_is_true(json_object_get(rep, "hits_truncated"))))
			return fail(e, RP_ERR_INVALID, at,
			    "expected {\"hit\", \"path\", \"entry\", "
			    "\"sha256\", \"error\"} naming a hit");
		if (json_is_null(json_object_get(o, "entry")))
			continue;
		q = &out->entries[out->nentries];
		q->path = json_string_value(json_object_get(o, "path"));
		if (q->path == NULL)
			return fail(e, RP_ERR_INVALID, at,
			    "expected the path of the file taken");
		if ((r = qentry_of(o, at, q, e)) != 0)
			return r;
		/* an older agent's item has no hash: the hit's, if kept */
		if (q->sha256[0] == '\0' && (size_t)h < out->sweep->nhits &&
		    out->sweep->hits[h].sha256 != NULL &&
		    lower_hex(out->sweep->hits[h].sha256, 64))
			q->sha256 = out->sweep->hits[h].sha256;
		out->nentries++;
	}
	return 0;
}

/* A sweep job's results: its report (the first result) when there is
 * one, which a done job must have. */
static int
sweep_result(const struct fnd_job *j, const json_t *results,
    struct fnd_job_result *out, struct fnd_err *e)
{
	const json_t *rep = json_array_get(results, 0);
	int r;

	if (rep == NULL && strcmp(j->state, "failed") == 0)
		return 0;
	if (json_array_size(results) != 1)
		return fail(e, RP_ERR_INVALID, "/results",
		    "expected one result: the sweep report");
	if ((out->sweep = calloc(1, sizeof(*out->sweep))) == NULL)
		return RP_ERR_NOMEM;
	if ((r = sweep_report(rep, "/results/0", out->sweep, e)) != 0)
		return r;
	return j->quarantine ? sweep_entries(rep, out, e) : 0;
}

int
fnd_job_result_parse(const struct fnd_job *j, const json_t *results,
    struct fnd_job_result **out, struct fnd_err *err)
{
	struct fnd_job_result *res;
	const json_t *o;
	int done = strcmp(j->state, "done") == 0, r = 0;

	if (results != NULL && !json_is_array(results))
		return fail(
		    err, RP_ERR_INVALID, "/results", "expected an array");
	if ((res = calloc(1, sizeof(*res))) == NULL)
		return RP_ERR_NOMEM;
	if (strcmp(j->type, "sweep") == 0 &&
	    (done || strcmp(j->state, "failed") == 0))
		r = sweep_result(j, results, res, err);
	else if (strcmp(j->type, "quarantine") == 0 && done) {
		o = json_array_get(results, 0);
		if (json_array_size(results) != 1 || !json_is_object(o))
			r = fail(err, RP_ERR_INVALID, "/results",
			    "expected one result: the entry made");
		else if ((res->entries = calloc(1, sizeof(*res->entries))) ==
		    NULL)
			r = RP_ERR_NOMEM;
		else {
			res->entries[0].path = j->path;
			if ((r = qentry_of(
				 o, "/results/0", &res->entries[0], err)) == 0)
				res->nentries = 1;
		}
	}
	if (r != 0) {
		fnd_job_result_free(res);
		return r;
	}
	*out = res;
	return 0;
}
