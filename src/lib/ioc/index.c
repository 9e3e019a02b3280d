/*
 * TEMP: a minimal indicator index (sorted digests, linear name/IP search)
 * so the sweep can be built and tested before the ioc library lands.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/ioc.h"
#include "util/err.h"

struct ioc_index {
	const struct ioc_bundle *b;
	size_t count[IOC_TYPE_COUNT];
	int any_unknown_size;
	unsigned char first[3][65536]; /* first two digest bytes present */
};

static int
hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

int
ioc_index_new(const struct ioc_bundle *b, struct ioc_index **out)
{
	struct ioc_index *x;
	size_t i;

	*out = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return RP_ERR_NOMEM;
	x->b = b;
	for (i = 0; i < b->niocs; i++) {
		x->count[b->iocs[i].type]++;
		if (b->iocs[i].type <= IOC_MD5)
			x->first[b->iocs[i].type]
				[hexval(b->iocs[i].value[0]) * 4096 +
				    hexval(b->iocs[i].value[1]) * 256 +
				    hexval(b->iocs[i].value[2]) * 16 +
				    hexval(b->iocs[i].value[3])] = 1;
		if (b->iocs[i].type <= IOC_MD5 && b->iocs[i].size == 0)
			x->any_unknown_size = 1;
	}
	*out = x;
	return 0;
}

void
ioc_index_free(struct ioc_index *x)
{
	free(x);
}

size_t
ioc_index_count(const struct ioc_index *x, enum ioc_type t)
{
	return (unsigned)t < IOC_TYPE_COUNT ? x->count[t] : 0;
}

int
ioc_index_size_wanted(const struct ioc_index *x, uint64_t size)
{
	size_t i;

	if (x->any_unknown_size)
		return 1;
	for (i = 0; i < x->b->niocs; i++)
		if (x->b->iocs[i].type <= IOC_MD5 && x->b->iocs[i].size == size)
			return 1;
	return 0;
}

const struct ioc *
ioc_index_hash(const struct ioc_index *x, enum ioc_type t,
    const unsigned char *digest, uint64_t size)
{
	static const char hexd[] = "0123456789abcdef";
	char hex[65];
	size_t n = t == IOC_SHA256 ? 32 : t == IOC_SHA1 ? 20 : 16, i;

	if ((unsigned)t > IOC_MD5 || !x->first[t][digest[0] * 256 + digest[1]])
		return NULL;
	for (i = 0; i < n; i++) {
		hex[2 * i] = hexd[digest[i] >> 4];
		hex[2 * i + 1] = hexd[digest[i] & 15];
	}
	hex[2 * n] = '\0';
	for (i = 0; i < x->b->niocs; i++) {
		const struct ioc *v = &x->b->iocs[i];
		if (v->type == t && strcmp(v->value, hex) == 0 &&
		    (v->size == 0 || v->size == size))
			return v;
	}
	return NULL;
}

static const struct ioc *
find_str(const struct ioc_index *x, enum ioc_type t, const char *s)
{
	size_t i;

	for (i = 0; i < x->b->niocs; i++)
		if (x->b->iocs[i].type == t &&
		    strcmp(x->b->iocs[i].value, s) == 0)
			return &x->b->iocs[i];
	return NULL;
}

const struct ioc *
ioc_index_filename(const struct ioc_index *x, const char *base)
{
	return x->count[IOC_FILENAME] ? find_str(x, IOC_FILENAME, base) : NULL;
}

const struct ioc *
ioc_index_ip(const struct ioc_index *x, const char *addr)
{
	unsigned char bin[16];
	char txt[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, addr, bin) == 1)
		inet_ntop(AF_INET, bin, txt, sizeof(txt));
	else if (inet_pton(AF_INET6, addr, bin) == 1)
		inet_ntop(AF_INET6, bin, txt, sizeof(txt));
	else
		return NULL;
	return find_str(x, IOC_IP, txt);
}

const struct ioc *
ioc_index_domain(const struct ioc_index *x, const char *name)
{
	const char *p = name;
	const struct ioc *v;

	while (p != NULL && *p != '\0') {
		if ((v = find_str(x, IOC_DOMAIN, p)) != NULL)
			return v;
		p = strchr(p, '.');
		if (p != NULL)
			p++;
	}
	return NULL;
}
