/*
 * Blocklist blobs (blockblob.h): one normaliser per kind of value, one
 * writer of the canonical text, and a reader that accepts a text only
 * when writing what it read gives the same bytes back -- so the agent
 * never has to trust an order or a spelling the hash did not fix.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blockblob.h"
#include "crypto/crypto.h"
#include "util/err.h"
#include "util/str.h"

#define VALUE_MAX 260 /* bytes of one value: a name is at most 253 */

enum kind { K_ADDR, K_DOMAIN, K_SINK };

static const char *const members[] = {"addresses", "domains", "sinkhole"};

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

/* "addr" or "addr/prefix" (prefix only when cidr) into out, the host
 * bits cleared, a full-length prefix dropped; NULL or what is wrong. */
static const char *
addr_norm(const char *in, int cidr, char out[VALUE_MAX])
{
	unsigned char a[16];
	char txt[INET6_ADDRSTRLEN], host[INET6_ADDRSTRLEN];
	const char *slash = strchr(in, '/'), *p;
	size_t hl = slash != NULL ? (size_t)(slash - in) : strlen(in);
	unsigned long bits = 0, max, i;
	int af;

	if (hl == 0 || hl >= sizeof(host))
		return "expected an IPv4 or IPv6 address";
	memcpy(host, in, hl);
	host[hl] = '\0';
	memset(a, 0, sizeof(a));
	if (inet_pton(AF_INET, host, a) == 1)
		af = AF_INET, max = 32;
	else if (inet_pton(AF_INET6, host, a) == 1)
		af = AF_INET6, max = 128;
	else
		return "expected an IPv4 or IPv6 address";
	bits = max;
	if (slash != NULL) {
		if (!cidr)
			return "expected one address, not a network";
		p = slash + 1;
		if (*p == '\0' || strlen(p) > 3 || (p[0] == '0' && p[1]))
			return "expected a prefix length after '/'";
		for (bits = 0; *p != '\0'; p++) {
			if (*p < '0' || *p > '9')
				return "expected a prefix length after '/'";
			bits = bits * 10 + (unsigned long)(*p - '0');
		}
		if (bits == 0 || bits > max)
			return "expected a prefix length of 1 to the "
			       "address's bits (0 would block everything)";
	}
	for (i = bits; i < max; i++)
		a[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	if (inet_ntop(af, a, txt, sizeof(txt)) == NULL)
		return "expected an IPv4 or IPv6 address";
	if (bits == max)
		snprintf(out, VALUE_MAX, "%s", txt);
	else
		snprintf(out, VALUE_MAX, "%s/%lu", txt, bits);
	return NULL;
}

/* One value of kind k normalised into out; NULL or what is wrong. */
static const char *
value_norm(enum kind k, const char *in, size_t len, char out[VALUE_MAX])
{
	if (len >= VALUE_MAX || memchr(in, '\0', len) != NULL)
		return "expected a string of at most 259 bytes";
	if (k == K_DOMAIN) {
		memcpy(out, in, len + 1);
		return rp_domain_check(out);
	}
	return addr_norm(in, k == K_ADDR, out);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

void
blockblob_free(struct blockblob *b)
{
	if (b == NULL)
		return;
	list_free(b->addresses, b->naddresses);
	list_free(b->domains, b->ndomains);
	list_free(b->sinkhole, b->nsinkhole);
	free(b);
}

static char ***
list_of(struct blockblob *b, enum kind k, size_t **n)
{
	*n = k == K_ADDR    ? &b->naddresses
	    : k == K_DOMAIN ? &b->ndomains
			    : &b->nsinkhole;
	return k == K_ADDR  ? &b->addresses
	    : k == K_DOMAIN ? &b->domains
			    : &b->sinkhole;
}

/*
 * The array a of kind k into b's list: each value normalised (strict:
 * it must be normalised already), then sorted and deduplicated (strict:
 * it must be so already).  *total counts entries against the cap.
 */
static int
list_read(const json_t *a, enum kind k, int strict, struct blockblob *b,
    size_t *total, char *why, size_t wl)
{
	size_t *n, i, cap = k == K_SINK ? BLOCKBLOB_SINKHOLE_MAX + 2 : 0;
	char ***v = list_of(b, k, &n), norm[VALUE_MAX];
	const char *w;
	const json_t *e;

	if (!json_is_array(a))
		return why_set(
		    why, wl, "/%s: expected an array of strings", members[k]);
	if (json_array_size(a) > BLOCKBLOB_ENTRIES_MAX - *total ||
	    (cap != 0 && json_array_size(a) > cap)) {
		why_set(why, wl, "/%s: more than %u entries", members[k],
		    cap != 0 ? (unsigned)cap : BLOCKBLOB_ENTRIES_MAX);
		return RP_ERR_LIMIT;
	}
	if (json_array_size(a) > 0 &&
	    (*v = calloc(json_array_size(a), sizeof(char *))) == NULL)
		return RP_ERR_NOMEM;
	json_array_foreach(a, i, e)
	{
		if (!json_is_string(e))
			return why_set(why, wl, "/%s/%zu: expected a string",
			    members[k], i);
		w = value_norm(
		    k, json_string_value(e), json_string_length(e), norm);
		if (w == NULL && strict && strcmp(norm, json_string_value(e)))
			w = "not in its normalised spelling";
		if (w != NULL)
			return why_set(
			    why, wl, "/%s/%zu: %s", members[k], i, w);
		if (strict && *n > 0 && strcmp((*v)[*n - 1], norm) >= 0)
			return why_set(why, wl,
			    "/%s/%zu: not sorted, or repeated", members[k], i);
		if (((*v)[*n] = strdup(norm)) == NULL)
			return RP_ERR_NOMEM;
		(*n)++;
	}
	*total += *n;
	if (!strict && *n > 1) {
		size_t o = 1;

		qsort(*v, *n, sizeof(char *), cmp_str);
		for (i = 1; i < *n; i++) {
			if (strcmp((*v)[o - 1], (*v)[i]) == 0)
				free((*v)[i]);
			else
				(*v)[o++] = (*v)[i];
		}
		*n = o;
	}
	return 0;
}

/* The canonical text of b. */
static char *
write_text(const struct blockblob *b, size_t *len)
{
	const char *const *lists[3] = {(const char *const *)b->addresses,
	    (const char *const *)b->domains, (const char *const *)b->sinkhole};
	size_t ns[3] = {b->naddresses, b->ndomains, b->nsinkhole}, k, i;
	struct rp_buf out;

	rp_buf_init(&out, BLOCKBLOB_BYTES_MAX);
	rp_buf_append(&out, "{\"v\":1");
	for (k = 0; k < 3; k++) {
		rp_buf_appendf(&out, ",\"%s\":[", members[k]);
		for (i = 0; i < ns[k]; i++) {
			if (i > 0)
				rp_buf_append(&out, ",");
			rp_buf_append_json_string(&out, lists[k][i]);
		}
		rp_buf_append(&out, "]");
	}
	rp_buf_append(&out, "}");
	*len = out.len;
	return rp_buf_take(&out);
}

int
blockblob_build(const json_t *in, char **out, size_t *len, char sha256[65],
    char *why, size_t wl)
{
	struct blockblob *b = calloc(1, sizeof(*b));
	json_t *sink = NULL;
	const char *key;
	const json_t *v;
	size_t total = 0, n = 0;
	char *text = NULL;
	int r = RP_ERR_NOMEM, k;

	*out = NULL;
	if (b == NULL)
		return RP_ERR_NOMEM;
	if (!json_is_object(in)) {
		r = why_set(why, wl, "%s", "/: expected an object");
		goto out;
	}
	json_object_foreach((json_t *)in, key, v)
	{
		if (strcmp(key, "addresses") && strcmp(key, "domains") &&
		    strcmp(key, "sinkhole")) {
			r = why_set(why, wl, "/%.64s: unknown member", key);
			goto out;
		}
	}
	/* 0.0.0.0 and :: are sinkholes in every blob */
	v = json_object_get(in, "sinkhole");
	if (v != NULL && !json_is_array(v)) {
		r = why_set(
		    why, wl, "%s", "/sinkhole: expected an array of strings");
		goto out;
	}
	sink = v != NULL ? json_copy((json_t *)v) : json_array();
	if (sink == NULL || json_array_append_new(sink, json_string("::")) ||
	    json_array_append_new(sink, json_string("0.0.0.0")))
		goto out;
	for (k = K_ADDR; k <= K_SINK; k++) {
		v = k == K_SINK ? sink : json_object_get(in, members[k]);
		if (v == NULL)
			continue;
		if ((r = list_read(v, (enum kind)k, 0, b, &total, why, wl)) !=
		    0)
			goto out;
	}
	if (b->naddresses + b->ndomains == 0) {
		r = why_set(why, wl, "%s",
		    "/: expected at least one address or domain");
		goto out;
	}
	if ((text = write_text(b, &n)) == NULL) {
		r = RP_ERR_LIMIT;
		why_set(why, wl, "the blob is longer than %zu bytes",
		    BLOCKBLOB_BYTES_MAX);
		goto out;
	}
	crypto_sha256_hex(text, n, sha256);
	*out = text;
	*len = n;
	r = 0;
out:
	json_decref(sink);
	blockblob_free(b);
	return r;
}

int
blockblob_read(
    const char *buf, size_t len, struct blockblob **out, char *why, size_t wl)
{
	static const char *const keys[] = {
	    "v", "addresses", "domains", "sinkhole"};
	struct blockblob *b = NULL;
	json_error_t e;
	json_t *o = NULL;
	size_t total = 0, n = 0, i;
	char *again = NULL;
	int r = RP_ERR_INVALID, k;

	*out = NULL;
	if (len > BLOCKBLOB_BYTES_MAX)
		return why_set(why, wl, "longer than %zu bytes",
			   BLOCKBLOB_BYTES_MAX),
		       RP_ERR_LIMIT;
	if ((o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e)) == NULL) {
		why_set(why, wl, "not JSON: %s", e.text);
		goto out;
	}
	for (i = 0; i < 4 && json_is_object(o); i++)
		if (json_object_get(o, keys[i]) == NULL)
			break;
	if (!json_is_object(o) || i < 4 || json_object_size(o) != 4 ||
	    !json_is_integer(json_object_get(o, "v")) ||
	    json_integer_value(json_object_get(o, "v")) != 1) {
		why_set(why, wl, "%s",
		    "expected {\"v\":1,\"addresses\",\"domains\","
		    "\"sinkhole\"}");
		goto out;
	}
	r = RP_ERR_NOMEM;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		goto out;
	for (k = K_ADDR; k <= K_SINK; k++)
		if ((r = list_read(json_object_get(o, members[k]), (enum kind)k,
			 1, b, &total, why, wl)) != 0)
			goto out;
	r = RP_ERR_NOMEM;
	if ((again = write_text(b, &n)) == NULL)
		goto out;
	if (n != len || memcmp(again, buf, len) != 0) {
		r = why_set(why, wl, "%s", "not in the canonical form");
		goto out;
	}
	*out = b;
	b = NULL;
	r = 0;
out:
	free(again);
	json_decref(o);
	blockblob_free(b);
	return r;
}
