/*
 * Fuzzes the package URL parser: the input, cut at the first NUL, is a
 * purl or refused with a reason; strlen + 8 bytes of buffer always
 * suffice; an accepted purl written back from its decoded components
 * (each percent-encoded whole, '/' too) parses to the same components.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/purl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Appends s percent-encoded except for unreserved bytes and keep. */
static size_t
enc(char *out, size_t n, const char *s, const char *keep)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(".-_~", c) != NULL ||
		    (keep != NULL && strchr(keep, c) != NULL))
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, 4, "%%%02X", c);
	}
	out[n] = '\0';
	return n;
}

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
round_trip(const struct rp_purl *p, size_t size)
{
	struct rp_purl q;
	char *out, *buf;
	size_t n, i, len = size * 3 + 64;

	if ((out = malloc(len)) == NULL || (buf = malloc(len + 8)) == NULL)
		abort();
	n = (size_t)snprintf(out, len, "pkg:%s/", p->type);
	if (p->ns != NULL) {
		n = enc(out, n, p->ns, NULL);
		out[n++] = '/';
	}
	n = enc(out, n, p->name, NULL);
	if (p->version != NULL) {
		out[n++] = '@';
		n = enc(out, n, p->version, NULL);
	}
	for (i = 0; i < p->nq; i++) {
		n += (size_t)snprintf(
		    out + n, len - n, "%s%s=", i ? "&" : "?", p->q[i].key);
		n = enc(out, n, p->q[i].value, NULL);
	}
	if (p->subpath != NULL) {
		out[n++] = '#';
		n = enc(out, n, p->subpath, NULL);
	}
	out[n] = '\0';
	if (rp_purl_parse(out, &q, buf, len + 8, NULL) != 0 ||
	    !same(p->type, q.type) || !same(p->ns, q.ns) ||
	    !same(p->name, q.name) || !same(p->version, q.version) ||
	    !same(p->subpath, q.subpath) || p->nq != q.nq)
		abort();
	for (i = 0; i < p->nq; i++)
		if (!same(p->q[i].key, q.q[i].key) ||
		    !same(p->q[i].value, q.q[i].value))
			abort();
	free(out);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_purl p;
	const char *why = NULL;
	char *s, *buf;
	size_t len;
	int r;

	if (size > 4096 || (s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);
	if ((buf = malloc(len + 8)) == NULL)
		abort();
	r = rp_purl_parse(s, &p, buf, len + 8, &why);
	if (r == RP_ERR_INVALID && why == NULL)
		abort();
	if (r == RP_ERR_LIMIT && p.nq < RP_PURL_MAX_QUALIFIERS)
		abort(); /* the buffer was large enough */
	if (r == 0) {
		if (p.type == NULL || p.name == NULL || p.name[0] == '\0' ||
		    (p.version != NULL && p.version[0] == '\0'))
			abort();
		round_trip(&p, len);
	}
	free(buf);
	free(s);
	return 0;
}
