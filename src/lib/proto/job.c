/*
 * Jobs (docs/jobs.md): the fixed-layout job, its checks, the canonical
 * payload the signer writes, and the envelope an agent opens.  The agent
 * verifies the signature over the payload's bytes as received, then
 * parses them: no canonical form has to be rebuilt on the agent's side.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "crypto/crypto.h"
#include "proto.h"
#include "util/err.h"
#include "util/str.h"

#define JOB_TAG "rampart-job-v1\n"

static const char *const type_names[JOB_TYPE_END] = {
    [JOB_INVENTORY] = "inventory",
    [JOB_SWEEP] = "sweep",
    [JOB_QUARANTINE] = "quarantine",
    [JOB_RESTORE] = "restore",
    [JOB_PURGE] = "purge",
    [JOB_TERMINATE] = "terminate",
    [JOB_BLOCK_APPLY] = "block-apply",
    [JOB_BLOCK_REMOVE] = "block-remove",
    [JOB_BLOCK_VERIFY] = "block-verify",
};

const char *
proto_job_type_name(int type)
{
	return type > 0 && type < JOB_TYPE_END ? type_names[type] : NULL;
}

int
proto_job_type_from_name(const char *name)
{
	int t;

	for (t = 1; name != NULL && t < JOB_TYPE_END; t++)
		if (strcmp(type_names[t], name) == 0)
			return t;
	return 0;
}

void
proto_job_id_new(char *out)
{
	proto_agent_id_new(out);
}

void
proto_job_nonce_new(char out[23])
{
	unsigned char n[16];

	crypto_random(n, sizeof(n));
	sodium_bin2base64(
	    out, 23, n, sizeof(n), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int why_set(char *why, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
why_set(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && n > 0) {
		va_start(ap, fmt);
		vsnprintf(why, n, fmt, ap);
		va_end(ap);
	}
	return RP_ERR_INVALID;
}

/* Length of s inside an array of cap bytes; cap when unterminated. */
static size_t
slen(const char *s, size_t cap)
{
	const char *e = memchr(s, '\0', cap);

	return e != NULL ? (size_t)(e - s) : cap;
}

/* Whether s (terminated inside cap bytes, after which all is zero) has
 * exactly len characters from alpha. */
static int
field_ok(const char *s, size_t cap, size_t len, const char *alpha)
{
	size_t i, n = slen(s, cap);

	if (n != len)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr(alpha, s[i]) == NULL)
			return 0;
	for (i = n; i < cap; i++)
		if (s[i] != '\0')
			return 0;
	return 1;
}

static int
zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0)
		if (*b++ != 0)
			return 0;
	return 1;
}

#define HEX "0123456789abcdef"
#define B32 "abcdefghijklmnopqrstuvwxyz234567"
#define B64URL                                                                 \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

/* Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF),
 * and no control characters. */
static int
text_ok(const unsigned char *p, size_t n)
{
	size_t i = 0, k, need;
	unsigned long c;

	while (i < n) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			need = 1, c = p[i] & 0x1f;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			need = 2, c = p[i] & 0x0f;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			need = 3, c = p[i] & 0x07;
		else
			return 0;
		if (n - i <= need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (p[i + k] & 0x3f);
		}
		if ((need == 2 &&
			(c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
		    (need == 3 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0x80 && c <= 0x9f))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* An absolute, normalised path: "/" then components that are not "",
 * "." or "..", no trailing "/" (except "/" itself, which is refused). */
static int
path_ok(const char *s, size_t cap)
{
	size_t n = slen(s, cap), i, start;

	if (n == 0 || n >= cap || s[0] != '/' || n == 1 ||
	    !text_ok((const unsigned char *)s, n) || !zero(s + n, cap - n))
		return 0;
	for (i = 1, start = 1; i <= n; i++) {
		if (i < n && s[i] != '/')
			continue;
		if (i == start || (i - start == 1 && s[start] == '.') ||
		    (i - start == 2 && s[start] == '.' && s[start + 1] == '.'))
			return 0;
		start = i + 1;
	}
	return 1;
}

/* The arguments of j's type present, the others zero. */
static int
args_ok(const struct proto_job *j, char *why, size_t n)
{
	int sweep = j->type == JOB_SWEEP, quar = j->type == JOB_QUARANTINE,
	    term = j->type == JOB_TERMINATE,
	    ent = j->type == JOB_RESTORE || j->type == JOB_PURGE,
	    blk = j->type == JOB_BLOCK_APPLY || j->type == JOB_BLOCK_VERIFY;

	if (sweep ? !field_ok(j->bundle, sizeof(j->bundle), 64, HEX)
		  : !zero(j->bundle, sizeof(j->bundle)))
		return why_set(why, n, "%s",
		    sweep ? "bundle: expected 64 "
			    "lower-case hex digits"
			  : "bundle: only for a sweep");
	if (!sweep && (j->quarantine != 0 || j->terminate != 0))
		return why_set(why, n, "%s",
		    "quarantine, terminate: only "
		    "for a sweep");
	if (sweep &&
	    ((j->quarantine != 0 && j->quarantine != 1) ||
		(j->terminate != 0 && j->terminate != 1)))
		return why_set(why, n, "%s", "quarantine, terminate: 0 or 1");
	if (quar ? !path_ok(j->path, sizeof(j->path))
		 : !zero(j->path, sizeof(j->path)))
		return why_set(why, n, "%s",
		    quar ? "path: expected an "
			   "absolute, normalised path of UTF-8 text"
			 : "path: only for a quarantine");
	if (term       ? !field_ok(j->sha256, sizeof(j->sha256), 64, HEX)
		: quar ? !(zero(j->sha256, sizeof(j->sha256)) ||
			     field_ok(j->sha256, sizeof(j->sha256), 64, HEX))
		       : !zero(j->sha256, sizeof(j->sha256)))
		return why_set(why, n, "%s",
		    "sha256: expected 64 lower-case "
		    "hex digits (required to terminate, optional to "
		    "quarantine, else absent)");
	if (ent ? !field_ok(j->entry, sizeof(j->entry), PROTO_QENTRY_LEN, HEX)
		: !zero(j->entry, sizeof(j->entry)))
		return why_set(why, n, "%s",
		    ent ? "entry: expected a "
			  "quarantine entry ID (32 hex digits)"
			: "entry: only to restore or purge");
	if (term ? (j->pid < 2 || j->pid > 4194304) : j->pid != 0)
		return why_set(why, n, "%s",
		    term ? "pid: expected 2..4194304"
			 : "pid: only to terminate");
	if (blk ? !field_ok(j->blocklist, sizeof(j->blocklist), 64, HEX)
		: !zero(j->blocklist, sizeof(j->blocklist)))
		return why_set(why, n, "%s",
		    blk ? "blocklist: expected 64 lower-case hex digits"
			: "blocklist: only to apply or verify a blocklist");
	return 0;
}

int
proto_job_check(const struct proto_job *j, char *why, size_t n)
{
	if (proto_job_type_name(j->type) == NULL)
		return why_set(why, n, "%s", "type: not a job type");
	if (!field_ok(
		j->agent_id, sizeof(j->agent_id), PROTO_AGENT_ID_LEN, B32))
		return why_set(why, n, "%s", "agent: expected an agent ID");
	if (!field_ok(j->job_id, sizeof(j->job_id), PROTO_JOB_ID_LEN, B32))
		return why_set(why, n, "%s", "job: expected a job ID");
	if (!field_ok(j->nonce, sizeof(j->nonce), 22, B64URL))
		return why_set(why, n, "%s",
		    "nonce: expected 22 base64url "
		    "characters");
	if (j->pad != 0 || !zero(j->pad2, sizeof(j->pad2)))
		return why_set(why, n, "%s", "padding is not zero");
	if (j->issued <= 0 || j->expires <= j->issued ||
	    j->expires - j->issued > PROTO_JOB_TTL_MAX)
		return why_set(why, n, "%s",
		    "issued, expires: expected "
		    "issued < expires <= issued + 7 days");
	return args_ok(j, why, n);
}

static void
put_str(struct rp_buf *b, const char *key, const char *v)
{
	rp_buf_appendf(b, ",\"%s\":", key);
	rp_buf_append_json_string(b, v);
}

/* The arguments of j's type as a JSON object, members in a fixed order. */
static void
write_args(struct rp_buf *b, const struct proto_job *j)
{
	rp_buf_append(b, "{");
	switch (j->type) {
	case JOB_SWEEP:
		rp_buf_appendf(b,
		    "\"bundle\":\"%s\",\"quarantine\":%s,"
		    "\"terminate\":%s",
		    j->bundle, j->quarantine ? "true" : "false",
		    j->terminate ? "true" : "false");
		break;
	case JOB_QUARANTINE:
		rp_buf_append(b, "\"path\":");
		rp_buf_append_json_string(b, j->path);
		if (j->sha256[0] != '\0')
			put_str(b, "sha256", j->sha256);
		break;
	case JOB_RESTORE:
	case JOB_PURGE:
		rp_buf_appendf(b, "\"entry\":\"%s\"", j->entry);
		break;
	case JOB_TERMINATE:
		rp_buf_appendf(b, "\"pid\":%lld,\"exe_sha256\":\"%s\"",
		    (long long)j->pid, j->sha256);
		break;
	case JOB_BLOCK_APPLY:
	case JOB_BLOCK_VERIFY:
		rp_buf_appendf(b, "\"blocklist\":\"%s\"", j->blocklist);
		break;
	}
	rp_buf_append(b, "}");
}

int
proto_job_payload(
    const struct proto_job *j, char **out, size_t *len, char *why, size_t n)
{
	struct rp_buf b;
	int r;

	*out = NULL;
	if ((r = proto_job_check(j, why, n)) != 0)
		return r;
	rp_buf_init(&b, PROTO_JOB_PAYLOAD_MAX);
	rp_buf_appendf(
	    &b, "{\"v\":1,\"type\":\"%s\"", proto_job_type_name(j->type));
	put_str(&b, "job", j->job_id);
	put_str(&b, "agent", j->agent_id);
	rp_buf_appendf(&b, ",\"issued\":%lld,\"expires\":%lld",
	    (long long)j->issued, (long long)j->expires);
	put_str(&b, "nonce", j->nonce);
	rp_buf_append(&b, ",\"args\":");
	write_args(&b, j);
	rp_buf_append(&b, "}");
	*len = b.len;
	if ((*out = rp_buf_take(&b)) == NULL)
		return RP_ERR_NOMEM;
	return 0;
}

void
proto_job_key_id(const unsigned char pk[32], char out[PROTO_JOB_KEY_ID_LEN + 1])
{
	char hex[65];

	crypto_sha256_hex(pk, 32, hex);
	memcpy(out, hex, PROTO_JOB_KEY_ID_LEN);
	out[PROTO_JOB_KEY_ID_LEN] = '\0';
}

/* JOB_TAG + payload, the bytes signed; NULL when out of memory. */
static unsigned char *
signed_bytes(const char *payload, size_t len, size_t *n)
{
	size_t tl = sizeof(JOB_TAG) - 1;
	unsigned char *m = malloc(tl + len + 1);

	if (m == NULL)
		return NULL;
	memcpy(m, JOB_TAG, tl);
	memcpy(m + tl, payload, len);
	*n = tl + len;
	return m;
}

void
proto_job_sign(const unsigned char sk[64], const char *payload, size_t len,
    unsigned char sig[64])
{
	size_t n = 0;
	unsigned char *m = signed_bytes(payload, len, &n);

	if (m == NULL) {
		memset(sig, 0, 64); /* verifies nothing */
		return;
	}
	crypto_sign_detached(sig, NULL, m, n, sk);
	free(m);
}

int
proto_job_envelope(const char *key_id, const char *payload,
    const unsigned char sig[64], char **out)
{
	char s64[90];
	json_t *o;

	*out = NULL;
	if (key_id == NULL || payload == NULL ||
	    strlen(payload) > PROTO_JOB_PAYLOAD_MAX)
		return RP_ERR_ARG;
	sodium_bin2base64(s64, sizeof(s64), sig, 64,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	o = json_pack(
	    "{s:s,s:s,s:s}", "key", key_id, "payload", payload, "sig", s64);
	if (o != NULL)
		*out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return *out != NULL ? 0 : RP_ERR_NOMEM;
}

/* obj has exactly the members of keys (NULL-ended). */
static int
exact_keys(const json_t *obj, const char *const *keys, const char *at,
    char *why, size_t n)
{
	const char *k;
	json_t *v;
	size_t i;

	if (!json_is_object(obj))
		return why_set(
		    why, n, "%s: expected an object", at[0] ? at : "/");
	json_object_foreach((json_t *)obj, k, v)
	{
		for (i = 0; keys[i] != NULL && strcmp(keys[i], k) != 0; i++)
			;
		if (keys[i] == NULL)
			return why_set(
			    why, n, "%s/%.64s: unknown member", at, k);
	}
	return 0;
}

/* A string member copied into dst[cap]; absent is "" unless required. */
static int
get_str(const json_t *o, const char *key, int required, char *dst, size_t cap,
    const char *at, char *why, size_t n)
{
	const json_t *v = json_object_get(o, key);
	size_t len;

	if (v == NULL && !required)
		return 0;
	if (!json_is_string(v) || (len = json_string_length(v)) >= cap ||
	    memchr(json_string_value(v), '\0', len) != NULL)
		return why_set(why, n,
		    "%s/%s: expected a string of at most "
		    "%zu bytes",
		    at, key, cap - 1);
	memcpy(dst, json_string_value(v), len + 1);
	return 0;
}

static int
get_int(const json_t *o, const char *key, int64_t *out, const char *at,
    char *why, size_t n)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return why_set(why, n, "%s/%s: expected an integer", at, key);
	*out = json_integer_value(v);
	return 0;
}

static int
get_bool(const json_t *o, const char *key, int32_t *out, char *why, size_t n)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_boolean(v))
		return why_set(why, n, "/args/%s: expected true or false", key);
	*out = json_is_true(v);
	return 0;
}

static int
read_args(const json_t *a, struct proto_job *j, char *why, size_t n)
{
	static const char *const none[] = {NULL};
	static const char *const sweep[] = {
	    "bundle", "quarantine", "terminate", NULL};
	static const char *const quar[] = {"path", "sha256", NULL};
	static const char *const ent[] = {"entry", NULL};
	static const char *const term[] = {"pid", "exe_sha256", NULL};
	static const char *const blk[] = {"blocklist", NULL};
	int r;

	switch (j->type) {
	case JOB_INVENTORY:
	case JOB_BLOCK_REMOVE:
		return exact_keys(a, none, "/args", why, n);
	case JOB_BLOCK_APPLY:
	case JOB_BLOCK_VERIFY:
		if ((r = exact_keys(a, blk, "/args", why, n)) != 0)
			return r;
		return get_str(a, "blocklist", 1, j->blocklist,
		    sizeof(j->blocklist), "/args", why, n);
	case JOB_SWEEP:
		if ((r = exact_keys(a, sweep, "/args", why, n)) != 0 ||
		    (r = get_str(a, "bundle", 1, j->bundle, sizeof(j->bundle),
			 "/args", why, n)) != 0 ||
		    (r = get_bool(a, "quarantine", &j->quarantine, why, n)) !=
			0)
			return r;
		return get_bool(a, "terminate", &j->terminate, why, n);
	case JOB_QUARANTINE:
		if ((r = exact_keys(a, quar, "/args", why, n)) != 0 ||
		    (r = get_str(a, "path", 1, j->path, sizeof(j->path),
			 "/args", why, n)) != 0)
			return r;
		return get_str(a, "sha256", 0, j->sha256, sizeof(j->sha256),
		    "/args", why, n);
	case JOB_RESTORE:
	case JOB_PURGE:
		if ((r = exact_keys(a, ent, "/args", why, n)) != 0)
			return r;
		return get_str(
		    a, "entry", 1, j->entry, sizeof(j->entry), "/args", why, n);
	default: /* JOB_TERMINATE */
		if ((r = exact_keys(a, term, "/args", why, n)) != 0 ||
		    (r = get_int(a, "pid", &j->pid, "/args", why, n)) != 0)
			return r;
		return get_str(a, "exe_sha256", 1, j->sha256, sizeof(j->sha256),
		    "/args", why, n);
	}
}

/* The payload's text into *j: exact members, then proto_job_check. */
static int
read_payload(
    const char *p, size_t len, struct proto_job *j, char *why, size_t n)
{
	static const char *const keys[] = {"v", "type", "job", "agent",
	    "issued", "expires", "nonce", "args", NULL};
	char type[16] = "";
	json_error_t e;
	json_t *o = json_loadb(p, len, JSON_REJECT_DUPLICATES, &e);
	int64_t v = 0;
	int r;

	if (o == NULL)
		return why_set(why, n, "payload: not JSON: %s", e.text);
	if ((r = exact_keys(o, keys, "", why, n)) != 0 ||
	    (r = get_str(
		 o, "job", 1, j->job_id, sizeof(j->job_id), "", why, n)) != 0 ||
	    (r = get_int(o, "v", &v, "", why, n)) != 0 ||
	    (v != 1 && (r = why_set(why, n, "%s", "/v: expected 1")) != 0) ||
	    (r = get_str(o, "type", 1, type, sizeof(type), "", why, n)) != 0 ||
	    ((j->type = proto_job_type_from_name(type)) == 0 &&
		(r = why_set(
		     why, n, "/type: \"%s\" is not a job type", type)) != 0) ||
	    (r = get_str(o, "agent", 1, j->agent_id, sizeof(j->agent_id), "",
		 why, n)) != 0 ||
	    (r = get_int(o, "issued", &j->issued, "", why, n)) != 0 ||
	    (r = get_int(o, "expires", &j->expires, "", why, n)) != 0 ||
	    (r = get_str(
		 o, "nonce", 1, j->nonce, sizeof(j->nonce), "", why, n)) != 0 ||
	    (r = read_args(json_object_get(o, "args"), j, why, n)) != 0)
		goto out;
	r = proto_job_check(j, why, n);
out:
	json_decref(o);
	return r;
}

/* The envelope's members: payload (borrowed from o) and signature. */
static int
read_envelope(const json_t *o, const unsigned char pk[32], const char **p,
    size_t *plen, unsigned char sig[64], char *why, size_t n)
{
	static const char *const keys[] = {"key", "payload", "sig", NULL};
	char kid[PROTO_JOB_KEY_ID_LEN + 1], s64[90];
	size_t siglen = 0;
	int r;

	if ((r = exact_keys(o, keys, "", why, n)) != 0 ||
	    (r = get_str(o, "sig", 1, s64, sizeof(s64), "", why, n)) != 0)
		return r;
	if (!json_is_string(json_object_get(o, "key")) ||
	    !json_is_string(json_object_get(o, "payload")))
		return why_set(
		    why, n, "%s", "/key, /payload: expected strings");
	proto_job_key_id(pk, kid);
	if (strcmp(json_string_value(json_object_get(o, "key")), kid) != 0)
		return why_set(why, n, "%s",
		    "/key: signed by another key than "
		    "the one pinned at enrolment");
	if (sodium_base642bin(sig, 64, s64, strlen(s64), NULL, &siglen, NULL,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    siglen != 64)
		return why_set(why, n, "%s",
		    "/sig: expected 86 base64url "
		    "characters");
	*p = json_string_value(json_object_get(o, "payload"));
	*plen = json_string_length(json_object_get(o, "payload"));
	if (*plen > PROTO_JOB_PAYLOAD_MAX)
		return why_set(why, n, "%s", "/payload: too long");
	return 0;
}

int
proto_job_open(const char *envelope, size_t len, const unsigned char pk[32],
    struct proto_job *j, char *why, size_t n)
{
	unsigned char sig[64], *m = NULL;
	const char *p = NULL;
	size_t plen = 0, mlen = 0;
	json_error_t e;
	json_t *o;
	int r;

	memset(j, 0, sizeof(*j));
	if (len > PROTO_JOB_ENVELOPE_MAX)
		return why_set(why, n, "%s", "envelope: too long");
	if ((o = json_loadb(envelope, len, JSON_REJECT_DUPLICATES, &e)) == NULL)
		return why_set(why, n, "envelope: not JSON: %s", e.text);
	if ((r = read_envelope(o, pk, &p, &plen, sig, why, n)) != 0)
		goto out;
	if ((m = signed_bytes(p, plen, &mlen)) == NULL) {
		r = RP_ERR_NOMEM;
		goto out;
	}
	if (crypto_sign_verify_detached(sig, m, mlen, pk) != 0) {
		r = why_set(
		    why, n, "%s", "/sig: the signature does not verify");
		goto out;
	}
	if ((r = read_payload(p, plen, j, why, n)) != 0) {
		char id[PROTO_JOB_ID_LEN + 1];

		/* signed, so its ID may be reported with the refusal */
		memcpy(id, j->job_id, sizeof(id));
		memset(j, 0, sizeof(*j));
		if (field_ok(id, sizeof(id), PROTO_JOB_ID_LEN, B32))
			memcpy(j->job_id, id, sizeof(id));
	}
out:
	free(m);
	json_decref(o);
	return r;
}

int
proto_job_args_text(const struct proto_job *j, char **out)
{
	struct rp_buf b;

	rp_buf_init(&b, PROTO_JOB_PAYLOAD_MAX);
	write_args(&b, j);
	*out = rp_buf_take(&b);
	return *out != NULL ? 0 : RP_ERR_NOMEM;
}

int
proto_job_args_parse(
    struct proto_job *j, const char *text, size_t len, char *why, size_t n)
{
	json_error_t e;
	json_t *o;
	int r;

	if (proto_job_type_name(j->type) == NULL)
		return why_set(why, n, "%s", "type: not a job type");
	if (len > PROTO_JOB_PAYLOAD_MAX)
		return why_set(why, n, "%s", "/args: too long");
	if ((o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e)) == NULL)
		return why_set(why, n, "/args: not JSON: %s", e.text);
	r = read_args(o, j, why, n);
	json_decref(o);
	return r;
}
